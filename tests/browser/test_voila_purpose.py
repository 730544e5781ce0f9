"""Chapter 1, what is a PCN for?, in real Chromium against a real Voila server: the compass follows
a slider moved by keyboard, in place, and a typed statement is checked (and shown as plain text)."""

from __future__ import annotations

import socket
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks"))
from voila_browser import VoilaServer  # noqa: E402

NOTEBOOK = REPO / "notebooks" / "01_purpose.ipynb"
APP = f"voila/render/{NOTEBOOK.name}"
INWARD = ".pcn-inward .noUi-handle"
CHART = ".pcn-compass-chart"
NARRATIVE = ".pcn-narrative"
MESSAGE = ".pcn-message"
PORTS = range(9200, 9300)  # this module's share of the machine's ports


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


@pytest.fixture(scope="module")
def voila_server(voila_notebooks, tmp_path_factory):
    """One server without a kernel pool (two page loads do not need one), on a port of our range."""
    log_path = tmp_path_factory.mktemp("voila") / "voila.log"
    with VoilaServer(voila_notebooks, preheat=False, log_path=log_path, port=_free_port()) as server:
        yield server


def test_compass_follows_the_keyboard_and_a_typed_statement_is_checked(tab, voila_server):
    tab.open(APP + "?step=compass&inward=6&outward=3")
    tab.page.wait_for_selector(INWARD, state="visible")
    tab.wait_for_chart(CHART)
    embed = f"{CHART} .vega-embed"
    label = tab.page.get_attribute(embed, "aria-label")
    text = tab.page.inner_text(NARRATIVE)
    assert "inward 6, outward 3" in text
    tab.press_on(INWARD, "ArrowRight")  # one compass point further inward
    tab.page.wait_for_function("s => document.querySelector(s).dataset.updates === '1'", arg=embed)
    assert tab.page.get_attribute(embed, "data-embeds") == "1"  # changed in place, not drawn again
    assert "inward 7, outward 3" in tab.wait_for_text_change(NARRATIVE, text)
    assert tab.page.get_attribute(embed, "aria-label") != label  # the description follows the data
    assert "inward=7" in tab.wait_for_text(".pcn-share-link", "inward=7")

    tab.page.get_by_role("button", name="2 Three questions").click()
    box = tab.page.locator(".pcn-statement textarea")
    box.wait_for(state="visible")
    box.press_sequentially("<b>All</b> our practices aim to keep care local, reviewed each year")
    tab.page.wait_for_function(
        "s => document.querySelector(s).innerText.includes('of 3 questions')", arg=NARRATIVE)
    shown = tab.page.inner_text(NARRATIVE)
    assert "<b>All</b>" in shown  # the typed markup is shown as text ...
    assert tab.page.locator(f"{NARRATIVE} q b").count() == 0  # ... and never becomes markup
    assert "Met" in shown and "Is it shared?" in shown
    assert "All" not in tab.page.inner_text(".pcn-share-link")  # nothing typed goes into the link
    tab.assert_clean()


def test_chart_code_that_arrives_late_still_draws_and_follows_the_slider(tab, voila_server):
    """anywidget gives a model's set-up two seconds; Vega's bundle can take longer to arrive and
    parse on a busy machine or a phone. Held back three seconds, it must still draw the chart, with
    no "[anywidget] Failed to initialize model." and no patch lost."""
    held = []

    def slowly(route):
        held.append(route.request.url)
        time.sleep(3.0)
        route.continue_()

    tab.page.route("**/pcn-assets/livechart-*.js", slowly)
    tab.open(APP + "?step=compass&inward=6&outward=3")
    tab.page.wait_for_selector(INWARD, state="visible")
    tab.wait_for_chart(CHART)
    assert held, "the chart code was not fetched from the server"
    embed = f"{CHART} .vega-embed"
    text = tab.page.inner_text(NARRATIVE)
    tab.press_on(INWARD, "ArrowRight")
    assert "inward 7, outward 3" in tab.wait_for_text_change(NARRATIVE, text)
    tab.page.wait_for_function("s => document.querySelector(s).dataset.updates === '1'", arg=embed)
    tab.assert_clean()


def test_bad_link_gets_a_message_not_a_traceback(tab, voila_server):
    tab.open(APP + "?step=nowhere&inward=12")
    tab.page.wait_for_selector(f"{MESSAGE} p")
    message = tab.page.inner_text(MESSAGE)
    assert "nowhere" in message and "inward" in message
    assert "Traceback" not in tab.page.inner_text("body")
    tab.assert_clean()
