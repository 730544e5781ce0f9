"""The bare baseline app (benchmarks/baseline.ipynb) under our launcher and template."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]

APP = "voila/render/baseline.ipynb"
HANDLE = ".pcn-baseline-slider .noUi-handle"
READOUT = ".pcn-baseline-slider .widget-readout"
CHART = ".pcn-baseline-chart"
BAR = ".pcn-baseline-chart svg .mark-rect path"
STORY_TEXT = "This story paragraph is for the book only"


@pytest.fixture(scope="module")
def voila_notebooks():
    return REPO / "benchmarks"


def open_app(tab) -> str:
    tab.open(APP)
    tab.page.wait_for_selector(HANDLE, state="visible")
    return tab.wait_for_chart(CHART)


def test_arrow_key_on_slider_redraws_the_chart(tab):
    before = open_app(tab)
    readout_before = tab.page.inner_text(READOUT)
    bar_before = tab.page.locator(BAR).bounding_box()["height"]

    tab.press_on(HANDLE, "ArrowRight")
    after = tab.wait_for_svg_change(CHART, before)

    assert after != before
    assert int(tab.page.inner_text(READOUT)) == int(readout_before) + 1
    assert tab.page.locator(BAR).bounding_box()["height"] > bar_before  # the bar grew
    tab.assert_clean()


def test_arrow_left_undoes_arrow_right(tab):
    start = open_app(tab)
    tab.press_on(HANDLE, "ArrowRight")
    moved = tab.wait_for_svg_change(CHART, start)
    tab.press_on(HANDLE, "ArrowLeft")
    back = tab.wait_for_svg_change(CHART, moved)

    assert back == start
    tab.assert_clean()


def test_only_the_app_cell_is_shown(tab):
    open_app(tab)
    text = tab.page.inner_text("body")

    assert STORY_TEXT not in text  # markdown story cell: for the book, not for Voila
    assert "Baseline: one slider, one chart" not in text
    assert "from pcn_workbook.apps import baseline" not in tab.page.content()  # no sources
    assert tab.page.locator(".pcn-app-cell").count() == 1
    tab.assert_clean()


def test_page_asks_no_cdn_for_font_awesome(tab):
    open_app(tab)
    links = tab.page.eval_on_selector_all(
        "link[rel=stylesheet]", "links => links.map(l => l.href)"
    )
    assert links, "the page should still load Voila's own stylesheets"
    assert not [href for href in links if "fontawesome" in href or "font-awesome" in href]
    tab.assert_clean()
