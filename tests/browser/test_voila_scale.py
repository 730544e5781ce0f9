"""Chapter 3, the scale-choices app, in real Chromium against a real (preheated) Voila server."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "notebooks" / "03_scale_choices.ipynb"
APP = f"voila/render/{NOTEBOOK.name}"
BAND = ".pcn-band .noUi-handle"
HOSPITAL = ".pcn-hospital .noUi-handle"
CHART = ".pcn-networks-chart"
RESULT = ".pcn-narrative"
MESSAGE = ".pcn-message"


@pytest.fixture(scope="module")
def voila_preheat():
    return True  # as in a workshop: pages take kernels from the pool


@pytest.fixture(scope="module")
def voila_pools():
    return {NOTEBOOK.name: 1}  # this app only


def open_app(tab, server, query: str = "") -> str:
    server.wait_for_pool(NOTEBOOK.name)
    tab.open(APP + query)
    tab.page.wait_for_selector(HOSPITAL, state="visible")
    tab.page.wait_for_selector(f"{RESULT} p")
    return tab.wait_for_chart(CHART)


def test_band_slider_regroups_the_area(tab, voila_server):
    svg = open_app(tab, voila_server, "?area=27D")
    text = tab.page.inner_text(RESULT)
    tab.press_on(BAND, "ArrowRight")  # raise the band's lower end by 5,000 patients
    assert tab.wait_for_svg_change(CHART, svg) != svg
    assert tab.wait_for_text_change(RESULT, text) != text
    tab.assert_clean()


def test_the_chart_changes_in_place_from_one_served_bundle(tab, voila_server):
    """A slider step changes the drawn Vega view (no second embed), the subtitle and the text
    alternative follow, and the chart's JavaScript is one cached file, not a copy per chart,
    preloaded by the page."""
    open_app(tab, voila_server, "?area=27D")
    embed = f"{CHART} .vega-embed"
    words = lambda: tab.page.text_content(f"{CHART} svg")  # noqa: E731 (an SVG has no inner_text)
    subtitle, label = words(), tab.page.get_attribute(embed, "aria-label")
    tab.press_on(BAND, "ArrowRight")
    tab.page.wait_for_function("s => document.querySelector(s).dataset.updates === '1'", arg=embed)
    tab.press_on(BAND, "ArrowRight")
    tab.page.wait_for_function("s => document.querySelector(s).dataset.updates === '2'", arg=embed)
    assert tab.page.get_attribute(embed, "data-embeds") == "1"
    assert "40,000 to" in words() and words() != subtitle
    assert tab.page.get_attribute(embed, "aria-label") != label
    bundles = tab.page.evaluate("performance.getEntriesByType('resource').map(e => e.name)"
                                ".filter(n => n.includes('/pcn-assets/livechart-'))")
    assert len(bundles) == 1, bundles
    # the page preloads that same file, so the charts' import() reuses the fetch (a second entry
    # above would mean it did not)
    preloaded = tab.page.evaluate("[...document.querySelectorAll('link[rel=modulepreload]')].map(l => l.href)")
    assert preloaded == bundles, preloaded
    response = tab.page.request.get(bundles[0])
    assert response.ok and "immutable" in response.headers["cache-control"]
    tab.assert_clean()


# Watches every chart host from the start of the page: how many charts are part-way through their
# first draw at once (vega-embed has marked the host, our code has not yet counted the embed), and
# which chart finished its first draw first.
DRAW_RECORDER = """
window.__pcnDraws = {most: 0, order: []};
new MutationObserver(() => {
  const r = window.__pcnDraws;
  const hosts = [...document.querySelectorAll('.pcn-live-chart .vega-embed')];
  r.most = Math.max(r.most, hosts.filter(h => !h.dataset.embeds).length);
  for (const h of hosts) {
    const chart = [...h.closest('.pcn-live-chart').classList].find(c => c.endsWith('-chart') && c !== 'pcn-live-chart');
    if (h.dataset.embeds && !r.order.includes(chart)) r.order.push(chart);
  }
}).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ['class', 'data-embeds']});
"""


def test_charts_are_drawn_one_at_a_time_the_top_one_on_screen_first(tab, voila_server):
    """Three charts on the first screen: the one at the top (the chart the band slider moves) is
    drawn first, and no chart starts its first draw until the one before has finished, so the
    reader's chart is not held back by the others."""
    tab.page.add_init_script(DRAW_RECORDER)
    open_app(tab, voila_server, "?area=27D")
    tab.page.wait_for_function("() => window.__pcnDraws.order.length === 3", timeout=90_000)
    draws = tab.page.evaluate("window.__pcnDraws")
    assert draws["order"][0] == "pcn-networks-chart", draws
    assert draws["most"] == 1, draws
    tab.assert_clean()


def test_hospital_slider_changes_the_relationship_count(tab, voila_server):
    open_app(tab, voila_server, "?area=27D")
    text = tab.page.inner_text(RESULT)
    tab.press_on(HOSPITAL, "ArrowRight")
    assert "325,000" in tab.wait_for_text_change(RESULT, text)
    tab.assert_clean()


def test_link_sets_the_view(tab, voila_server):
    open_app(tab, voila_server, "?area=27D&target_min=40000&target_max=60000")
    assert "27D" in tab.page.inner_text(RESULT)
    assert "target_min=40000" in tab.page.inner_text(".pcn-share-link")
    assert tab.page.inner_text(MESSAGE).strip() == ""
    tab.assert_clean()


def test_bad_link_gets_a_message_not_a_traceback(tab, voila_server):
    open_app(tab, voila_server, "?area=ZZZ&hospital=banana")
    message = tab.page.inner_text(MESSAGE)
    assert "ZZZ" in message and "hospital" in message
    assert "Traceback" not in tab.page.inner_text("body")
    tab.assert_clean()


def test_matching_feedback_labels_the_workbooks_reading(tab, voila_server):
    """REVIEW M11: the reasons shown after *Check my answers* are labelled as the workbook's reading."""
    open_app(tab, voila_server, "?area=27D")
    first = tab.page.locator("[class*='pcn-match-'] select").first
    first.select_option(index=1)  # the first tier, whatever it is
    tab.page.get_by_role("button", name="Check my answers").click()
    tab.page.wait_for_selector(".pcn-feedback li small", timeout=90_000)
    feedback = tab.page.inner_text(".pcn-feedback")
    assert "Why (the workbook's reading):" in feedback and "What the source says:" in feedback
    assert "placed as the sources suggest" in feedback
    tab.assert_clean()
