"""Chapter 5, the springboard-stories app, in real Chromium against a real (preheated) Voila server."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import WAIT_MS

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "notebooks" / "05_springboard_stories.ipynb"
APP = f"voila/render/{NOTEBOOK.name}"
CHECKLIST = ".pcn-checklist"
WHEN = ".pcn-field-when textarea"
ENDING = ".pcn-field-ending textarea"


@pytest.fixture(scope="module")
def voila_preheat():
    return True  # as in a workshop: pages take kernels from the pool


@pytest.fixture(scope="module")
def voila_pools():
    return {NOTEBOOK.name: 1}  # this app only


def open_app(tab, server, query: str = "") -> None:
    server.wait_for_pool(NOTEBOOK.name)
    tab.open(APP + query)
    tab.page.wait_for_selector(WHEN, state="visible")
    tab.page.wait_for_selector(f"{CHECKLIST} li")


def test_typing_a_story_updates_the_checklist(tab, voila_server):
    open_app(tab, voila_server)
    before = tab.page.inner_text(CHECKLIST)
    assert "0 of 11" in before
    tab.page.click(WHEN)
    tab.page.keyboard.type("In March 2019")
    tab.wait_for_text_change(CHECKLIST, before)  # each key sends the text; the count follows
    tab.page.wait_for_function("document.querySelector('.pcn-checklist').innerText.includes('1 of 11')")
    assert "Done: A date at the start" in tab.page.inner_text(CHECKLIST)
    tab.assert_clean()


def test_ticking_a_problem_shows_cited_stories(tab, voila_server):
    open_app(tab, voila_server)
    svg = tab.wait_for_chart(".pcn-topics-chart")
    tab.page.get_by_role("checkbox", name="A&E pressure").check()
    tab.page.wait_for_selector(".pcn-story h4")
    text = tab.page.inner_text(".pcn-matches")
    assert "Haverstock" in text and "44%" in text and "Source:" in text
    assert tab.wait_for_svg_change(".pcn-topics-chart", svg) != svg
    tab.assert_clean()


def test_draft_survives_a_reload_and_script_is_shown_as_text(tab, voila_server):
    dialogs = []
    tab.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_app(tab, voila_server)
    tab.page.click(ENDING)
    tab.page.keyboard.type("<img src=x onerror=alert(1)> fewer A&E visits")
    tab.page.wait_for_function("document.querySelector('.pcn-story-preview').innerText.includes('onerror')")
    tab.page.wait_for_timeout(500)  # the kernel echoes the value to the tab's storage
    voila_server.wait_for_pool(NOTEBOOK.name)
    first_kernel = tab.kernel_id()
    tab.page.reload(wait_until="domcontentloaded")
    tab.page.wait_for_function(
        "() => { const t = document.querySelector('.pcn-field-ending textarea');"
        " return t !== null && t.value.includes('fewer A&E visits'); }")
    assert "onerror" in tab.page.inner_text(".pcn-story-preview")  # shown as text, not run
    assert dialogs == []
    # The first page's kernel is shut down as it unloads (not left for the idle cull).
    voila_server.wait_for_log(f"Kernel shutdown: {first_kernel}", timeout=30)
    tab.assert_clean()


def test_story_card_downloads(tab, voila_server):
    open_app(tab, voila_server, "?tags=msk_demand")
    tab.page.click(WHEN)
    tab.page.keyboard.type("Last winter")
    # As a person would: press the button once the preview shows what was typed. Before that the
    # browser may still hold the last keys back (ipywidgets sends a model's updates after the
    # kernel's last reply), and they would land after the click, making the card out of date.
    tab.page.wait_for_function("document.querySelector('.pcn-story-preview').innerText.includes('Last winter')",
                               timeout=WAIT_MS)
    tab.page.get_by_role("button", name="Make my story card").click()
    tab.page.wait_for_selector("a.pcn-download[download='story-card.pdf']", timeout=WAIT_MS)
    with tab.page.expect_download() as info:
        tab.page.click("a.pcn-download[download='story-card.md']")
    path = info.value.path()
    text = Path(path).read_text(encoding="utf-8")
    assert "Last winter" in text and "Winsford" in text and "Source:" in text
    tab.assert_clean()
