"""The built book works in a real browser with no internet: every request stays on 127.0.0.1.

Serves ``_build/html`` with ``python -m http.server`` on a free port, opens pages in headless
Chromium, lets only requests to 127.0.0.1 through (others are recorded and aborted, so the test
never waits on a dead network), and checks that Altair charts really render.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import urlsplit

import pytest

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.book]
# The browser comes from the shared ``chromium`` fixture in tests/conftest.py.

WAIT_MS = 60_000  # generous: a loaded 2-core machine; not a timing assertion
CHAPTER_PAGE = "notebooks/02_autonomy_paradox.html"
#: Logged by every Jupyter Book 1 page (sphinx-thebe declares a const twice); harmless.
KNOWN_HARMLESS = ("Identifier 'THEBE_JS_URL' has already been declared",)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def book_url(built_html):
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=built_html,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("http.server did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


class PageVisit:
    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.set_default_timeout(WAIT_MS)
        self.requests: list[str] = []
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda err: self._error(f"pageerror: {err}"))
        self.page.on("websocket", lambda ws: self._record(ws.url))

    def _record(self, url: str) -> bool:
        self.requests.append(url)
        parts = urlsplit(url)
        if parts.scheme in {"data", "blob", "about"}:
            return True
        if parts.hostname != "127.0.0.1":
            self.outside.append(url)
            return False
        return True

    def _route(self, route):
        if self._record(route.request.url):
            route.continue_()
        else:
            route.abort()

    def _error(self, text: str) -> None:
        if not any(known in text for known in KNOWN_HARMLESS):
            self.errors.append(text)

    def _console(self, msg) -> None:
        if msg.type == "error":
            self._error(f"console: {msg.text}")

    def open(self, url: str) -> None:
        self.page.goto(url, wait_until="load")
        # Give late loaders (vega scripts, widget chunks, MathJax fonts) time to ask for files.
        self.page.wait_for_load_state("networkidle")

    def close(self):
        self.context.close()


@pytest.fixture
def visit(chromium):
    v = PageVisit(chromium)
    yield v
    v.close()


def test_chapter_page_renders_charts_offline(visit, book_url):
    visit.open(book_url + CHAPTER_PAGE)
    visit.page.wait_for_selector(
        ".vega-embed svg, .vega-embed canvas", state="attached", timeout=WAIT_MS
    )
    n_charts = visit.page.locator(".vega-embed").count()
    drawn = visit.page.locator(".vega-embed svg.marks, .vega-embed canvas.marks").count()
    assert n_charts >= 1 and drawn >= 1, f"{n_charts} chart containers, {drawn} drawn"
    assert not visit.page.locator(".vega-embed .error, div.error").count(), "a chart shows an error"
    assert visit.outside == [], "requests left the machine"
    assert visit.errors == []
    assert any("vega@" in u and u.startswith(book_url) for u in visit.requests), (
        "Vega was not loaded from the build"
    )


def test_chapter_chart_controls_work_without_a_kernel(visit, book_url):
    """A slider bound to an Altair parameter redraws its chart in the static page."""
    visit.open(book_url + CHAPTER_PAGE)
    slider = visit.page.locator(".vega-bindings input[type=range]").first
    if not slider.count():
        pytest.skip("the chapter page has no chart bound to a slider")
    slider.wait_for(state="attached")
    chart = visit.page.locator(".vega-embed", has=slider).locator("svg.marks").first
    before = chart.inner_html()
    lo, hi, value = slider.evaluate("el => [el.min, el.max, el.value].map(Number)")
    # Not every value redraws a chart (a threshold can leave the picture unchanged): try the ends
    # and two points between; the chart must redraw for at least one of them.
    candidates = [v for v in (hi, lo, lo + (hi - lo) / 2, lo + (hi - lo) / 4) if v != value]
    changed = False
    for new_value in candidates:
        slider.evaluate(
            "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }",
            str(new_value),
        )
        try:
            visit.page.wait_for_function(
                "([el, before]) => el.innerHTML !== before",
                arg=[chart.element_handle(), before],
                timeout=WAIT_MS / len(candidates),
            )
        except PlaywrightTimeout:
            continue
        changed = True
        break
    assert changed, f"the chart did not redraw for any of {candidates}"
    assert visit.outside == []
    assert visit.errors == []


@pytest.mark.parametrize(
    "page", ["book/intro.html", "book/how_to_use.html", "book/facilitator_guide.html",
             "book/glossary.html", "book/references.html", "index.html", "search.html"]
)
def test_other_pages_stay_on_this_machine(visit, book_url, page):
    visit.open(book_url + page)
    assert visit.outside == [], "requests left the machine"
    assert visit.errors == []
