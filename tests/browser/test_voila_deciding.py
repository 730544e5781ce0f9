"""Chapter 4b, deciding together, in real Chromium against a real (preheated) Voila server; and the
redirect that keeps the trust chapter's old links to its steps 7 and 8 working."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "notebooks" / "04b_deciding_together.ipynb"
TRUST = REPO / "notebooks" / "04_trust.ipynb"
APP = f"voila/render/{NOTEBOOK.name}"
NARRATIVE = ".pcn-narrative"
MESSAGE = ".pcn-message"


@pytest.fixture(scope="module")
def voila_preheat():
    return True  # as in a workshop: pages take kernels from the pool


@pytest.fixture(scope="module")
def voila_pools():
    return {NOTEBOOK.name: 1, TRUST.name: 1}  # this app, and the trust game whose old links lead here


def open_app(tab, server, query: str = "", ready: str = ".pcn-steps") -> None:
    server.wait_for_pool(NOTEBOOK.name)
    tab.open(APP + query)
    tab.page.wait_for_selector(ready, state="visible")


def test_predict_on_the_hook_then_next_judges_it(tab, voila_server):
    open_app(tab, voila_server)
    assert "Local General Practice Inc" in tab.page.inner_text(".pcn-app")
    tab.page.get_by_role("button", name="Consensus", exact=True).click()
    tab.page.wait_for_selector(".pcn-guess-note b")
    tab.page.get_by_role("button", name="Next").click()
    tab.wait_for_chart(".pcn-decisions-chart")
    tab.page.wait_for_function("document.querySelector('.pcn-narrative').innerText.includes('You predicted')")
    assert "Consensus" in tab.page.inner_text(NARRATIVE)
    tab.assert_clean()


def test_representation_step_answers_its_controls(tab, voila_server):
    open_app(tab, voila_server, "?step=representation", ".pcn-representation-chart")
    svg = tab.wait_for_chart(".pcn-representation-chart")
    text = tab.page.inner_text(NARRATIVE)
    assert "Whoever volunteers" in text and "personal view" in text
    tab.page.get_by_role("button", name="Gowland's advice").click()
    text = tab.wait_for_text_change(NARRATIVE, text)
    assert "the same as Gowland's advice" in text and "personal view" not in text
    assert tab.wait_for_svg_change(".pcn-representation-chart", svg) != svg
    tab.page.get_by_role("button", name="A rigid mandate").click()
    assert "outside the mandate" in tab.wait_for_text_change(NARRATIVE, text)
    assert "mandate=rigid" in tab.wait_for_text(".pcn-share-link", "mandate=rigid")
    tab.assert_clean()


@pytest.mark.parametrize("step, query, chart, words", [
    ("decisions", "&practices=12&meetings=30&rogue_step=0.2&consensus_meetings=3&noise=0.1",
     ".pcn-decisions-chart", "After 30 meetings"),
    ("access", "&p_yes=0.4&pcns=9", ".pcn-access-chart", "ask 9 PCNs"),
])
def test_old_trust_links_to_moved_steps_are_redirected_with_their_settings(tab, voila_server, step, query, chart, words):
    voila_server.wait_for_pool(NOTEBOOK.name)
    old = f"voila/render/{TRUST.name}?step={step}{query}&workshop=ABCD-2345"
    seen = []
    tab.page.on("response", lambda r: seen.append((r.status, r.url)) if TRUST.name in r.url else None)
    tab.open(old)
    tab.page.wait_for_url(f"**/{NOTEBOOK.name}?step={step}*")
    assert (302, voila_server.url + old) in seen  # a server-side redirect, not a page that moved itself
    url = tab.page.url
    assert query.lstrip("&") in url and "workshop=ABCD-2345" in url
    tab.wait_for_chart(chart)
    assert words in tab.page.inner_text(NARRATIVE)
    assert "does not take part in workshops" in tab.page.inner_text(".pcn-room")
    assert "Ignored" not in tab.page.inner_text(MESSAGE)  # the trust game's noise=0.1 is ignored quietly
    tab.assert_clean()


def test_other_trust_links_are_not_redirected(tab, voila_server):
    voila_server.wait_for_pool(TRUST.name)
    tab.open(f"voila/render/{TRUST.name}?step=noise&practices=12")
    tab.page.wait_for_selector(".pcn-match-chart", state="visible")
    assert tab.page.url.endswith(f"{TRUST.name}?step=noise&practices=12")
    assert tab.page.inner_text(MESSAGE).strip() == ""
    tab.assert_clean()


def test_bad_link_gets_a_message_not_a_traceback(tab, voila_server):
    open_app(tab, voila_server, "?step=nowhere&mandate=anarchy")
    tab.page.wait_for_selector(f"{MESSAGE} p")
    message = tab.page.inner_text(MESSAGE)
    assert "nowhere" in message and "anarchy" in message
    assert "Traceback" not in tab.page.inner_text("body")
    tab.assert_clean()
