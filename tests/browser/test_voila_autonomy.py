"""Chapter 2, the autonomy paradox app, as a workshop participant meets it (CSS classes set in
pcn_workbook.apps.autonomy). Loading and links are tested against a preheated server and a cold
one: a preheated kernel runs the notebook before the browser asks, so the query string takes
another path. What the loaded app then does is tested once, preheated (``preheated_only``)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "notebooks" / "02_autonomy_paradox.ipynb"
if not NOTEBOOK.exists():
    pytest.skip(f"{NOTEBOOK.name} not written yet", allow_module_level=True)

APP = f"voila/render/{NOTEBOOK.name}"
HANDLE = ".pcn-tolerance .noUi-handle"
READOUT = ".pcn-tolerance .widget-readout"
CHART = ".pcn-paradox-chart"
NARRATIVE = ".pcn-narrative"
MESSAGE = ".pcn-message"
MAX_PRESSES = 12  # tolerance steps are £0.25; some steps leave every regime's outcome unchanged


@pytest.fixture(scope="module", params=[True, False], ids=["preheated", "cold"])
def voila_preheat(request):
    return request.param


@pytest.fixture(scope="module")
def voila_pools():
    return {NOTEBOOK.name: 1}  # this app only


def preheated_only(server) -> None:
    """What the app does once loaded does not depend on how its kernel started: tested once, in a
    preheated kernel (as in a workshop); loading and links are tested in both."""
    if not server.preheat:
        pytest.skip("the same in a fresh kernel; tested in a preheated one")


def open_app(tab, server, query: str = "") -> str:
    if server.preheat:
        server.wait_for_pool(NOTEBOOK.name)  # so this page really gets a preheated kernel
    tab.open(APP + query)
    tab.page.wait_for_selector(HANDLE, state="visible")
    tab.page.wait_for_selector(f"{NARRATIVE} p")
    svg = tab.wait_for_chart(CHART)
    if server.preheat:
        assert server.served_preheated(tab.kernel_id()), "page did not use the kernel pool"
        # A refill frees its place once its kernel waits for a page (not after the 120 s cap).
        assert "held its place" not in server.log()
    return svg


def step(tab, key: str, svg_before: str) -> tuple[str, str]:
    """Press ``key`` until the chart changes (at most MAX_PRESSES); return (svg, narrative).

    Each press is complete when the narrative (which quotes the tolerance) has changed."""
    for _ in range(MAX_PRESSES):
        narrative = tab.page.inner_text(NARRATIVE)
        tab.press_on(HANDLE, key)
        narrative = tab.wait_for_text_change(NARRATIVE, narrative)
        svg = tab.svg(CHART)
        if svg != svg_before and tab.page.locator(f"{CHART} .role-mark").count():
            return svg, narrative
    pytest.fail(f"{MAX_PRESSES} presses of {key} never changed the paradox chart")


def test_app_loads_without_errors(tab, voila_server):
    open_app(tab, voila_server)
    body = tab.page.inner_text("body")
    assert tab.page.inner_text(NARRATIVE).strip()
    assert "Traceback" not in body
    assert "The argument in brief" not in body  # a story heading: for the book only
    tab.assert_clean()


def test_arrow_keys_move_chart_and_narrative(tab, voila_server):
    preheated_only(voila_server)
    start_svg = open_app(tab, voila_server)
    start_text = tab.page.inner_text(NARRATIVE)
    start_readout = tab.page.inner_text(READOUT)

    right_svg, right_text = step(tab, "ArrowRight", start_svg)
    assert right_svg != start_svg
    assert right_text != start_text
    assert float(tab.page.inner_text(READOUT)) > float(start_readout)

    left_svg, left_text = step(tab, "ArrowLeft", right_svg)
    assert left_svg != right_svg
    assert left_text != right_text
    tab.assert_clean()


def test_query_string_sets_the_controls(tab, voila_server):
    open_app(tab, voila_server, "?scenario=single_accountant&tolerance=2.5&rule=shapley")

    assert tab.page.inner_text(READOUT) == "2.50"
    assert "Shapley" in tab.page.inner_text(".pcn-app .widget-toggle-buttons .mod-active")
    scenario = tab.page.eval_on_selector(
        ".pcn-app .widget-dropdown select", "s => s.options[s.selectedIndex].text"
    )
    assert "ccountant" in scenario
    assert tab.page.inner_text(MESSAGE).strip() == ""
    tab.assert_clean()


def test_malformed_query_gives_a_message_not_a_traceback(tab, voila_server):
    open_app(tab, voila_server, "?tolerance=banana")

    message = tab.page.inner_text(MESSAGE)
    assert "tolerance" in message.lower()
    assert tab.page.locator(f"{CHART} .role-mark").count() > 0  # the app still renders
    assert "Traceback" not in tab.page.inner_text("body")
    tab.assert_clean()


def test_prediction_then_reveal_and_the_merger_pressure_chart(tab, voila_server):
    preheated_only(voila_server)
    open_app(tab, voila_server)
    assert tab.page.inner_text(".pcn-prediction").strip() == ""  # nothing is given away first
    tab.page.click(".pcn-predict button:has-text('B: some of it')")
    tab.page.wait_for_function("() => document.querySelector('.pcn-prediction').innerText.includes('You said')")
    reveal = tab.page.inner_text(".pcn-prediction")
    assert "B: some of it" in reveal and "£" in reveal
    tab.wait_for_chart(".pcn-pressure-chart")
    assert tab.page.locator(".pcn-pressure-chart .role-mark").count() > 0
    assert "The gap opens" in tab.wait_for_text(".pcn-pressure-note", "The gap opens")
    tab.assert_clean()
