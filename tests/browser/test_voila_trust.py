"""Chapter 4, the trust app, in real Chromium against a real (preheated) Voila server."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "notebooks" / "04_trust.ipynb"
APP = f"voila/render/{NOTEBOOK.name}"
MATCH = ".pcn-match-chart"
NARRATIVE = ".pcn-narrative"
MESSAGE = ".pcn-message"
STEP_TEXT = ".pcn-steps"


@pytest.fixture(scope="module")
def voila_preheat():
    return True  # as in a workshop: pages take kernels from the pool


@pytest.fixture(scope="module")
def voila_pools():
    return {NOTEBOOK.name: 1}  # this app only


def open_app(tab, server, query: str = "", ready: str = ".pcn-steps") -> None:
    server.wait_for_pool(NOTEBOOK.name)
    tab.open(APP + query)
    tab.page.wait_for_selector(ready, state="visible")


def test_next_button_walks_the_steps_by_keyboard(tab, voila_server):
    open_app(tab, voila_server)
    assert "five" in tab.page.inner_text(".pcn-app").lower()
    tab.page.get_by_role("button", name="Next").focus()
    tab.page.keyboard.press("Enter")
    tab.page.wait_for_selector(".pcn-strategies", state="visible")
    assert "Detective" in tab.page.inner_text(".pcn-strategies")
    tab.page.keyboard.press("Enter")  # focus stays on Next
    svg = tab.wait_for_chart(MATCH)
    assert "Tit for tat" in svg or "Tit for tat" in tab.page.inner_text(NARRATIVE)
    tab.assert_clean()


def test_rounds_slider_redraws_the_match(tab, voila_server):
    open_app(tab, voila_server, "?step=match&a=always_share&b=always_hoard&rounds=5", MATCH)
    svg = tab.wait_for_chart(MATCH)
    text = tab.page.inner_text(NARRATIVE)
    assert "-5" in text and "15" in text
    tab.press_on(".pcn-rounds .noUi-handle", "ArrowRight")
    assert tab.wait_for_svg_change(MATCH, svg) != svg
    assert "18" in tab.wait_for_text_change(NARRATIVE, text)  # six rounds: 6 x 3
    tab.assert_clean()


def test_evolution_waits_for_a_prediction_then_draws_and_reacts(tab, voila_server):
    open_app(tab, voila_server, "?step=evolution&generations=10", ".pcn-predict-evolution")
    assert tab.page.locator(".pcn-evolution-chart").count() == 0  # nothing is shown before the guess
    tab.page.get_by_role("button", name="Tit for tat", exact=True).click()
    svg = tab.wait_for_chart(".pcn-evolution-chart")
    text = tab.wait_for_text(NARRATIVE, "You predicted")
    tab.press_on(".pcn-generations .noUi-handle", "ArrowRight")
    assert tab.wait_for_svg_change(".pcn-evolution-chart", svg) != svg
    tab.wait_for_text_change(NARRATIVE, text)
    tab.assert_clean()


def test_bad_link_gets_a_message_not_a_traceback(tab, voila_server):
    open_app(tab, voila_server, "?step=nowhere&noise=banana")
    tab.page.wait_for_selector(f"{MESSAGE} p")
    message = tab.page.inner_text(MESSAGE)
    assert "nowhere" in message and "noise" in message
    assert "Traceback" not in tab.page.inner_text("body")
    tab.assert_clean()


def test_the_golden_thread_step_answers_its_sliders(tab, voila_server):
    open_app(tab, voila_server, "?step=thread&links=2", ".pcn-thread-chart")
    svg = tab.wait_for_chart(".pcn-thread-chart")
    text = tab.page.inner_text(NARRATIVE)
    assert "2 link(s)" in text
    tab.press_on(".pcn-links .noUi-handle", "ArrowRight")
    assert "3 link(s)" in tab.wait_for_text_change(NARRATIVE, text)
    assert tab.wait_for_svg_change(".pcn-thread-chart", svg) != svg
    tab.assert_clean()
