"""Real Voila + real headless Chromium.

Layered fixtures (as Voila's own tests do): a test module picks the server by overriding
``voila_notebooks`` (folder served), ``voila_preheat`` (kernel pool on/off) and ``voila_pools``
(which notebooks keep a kernel ready); ``voila_server``
starts ``pcn-workbook serve`` once per module on a free port and kills it afterwards. ``tab`` is a
fresh browser context per test that records console errors, page errors and every request to a
host other than 127.0.0.1/localhost.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks"))
from voila_browser import VoilaServer, is_outside  # noqa: E402

playwright_sync = pytest.importorskip("playwright.sync_api")

WAIT_MS = 90_000  # generous waits for a loaded 2-core machine; a wait is not a timing assertion
CHART_MARKS = "svg .role-mark"


@pytest.fixture(scope="module")
def voila_notebooks() -> Path:
    """Folder the module's server serves; override in a test module."""
    return REPO / "notebooks"


@pytest.fixture(scope="module")
def voila_preheat() -> bool:
    """Whether the module's server keeps preheated kernels; override in a test module."""
    return False


@pytest.fixture(scope="module")
def voila_pools() -> dict[str, int] | None:
    """Preheat only: kernels kept ready per notebook (None: one for every notebook served).
    A module that opens one app overrides it with that app alone: a pool for each of the other
    apps would only start kernels that no page takes, on the same two cores as the tests."""
    return None


@pytest.fixture(scope="module")
def voila_server(voila_notebooks, voila_preheat, voila_pools, tmp_path_factory):
    log_path = tmp_path_factory.mktemp("voila") / "voila.log"
    with VoilaServer(voila_notebooks, preheat=voila_preheat, log_path=log_path, pools=voila_pools) as server:
        if voila_preheat:
            server.wait_for_pools()
        yield server


@dataclass
class Tab:
    """One page in a fresh browser context, and what it did."""

    page: object
    base_url: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)

    def open(self, path: str) -> None:
        self.page.goto(self.base_url + path.lstrip("/"), wait_until="domcontentloaded")

    def wait_for_chart(self, chart: str) -> str:
        """Wait until the chart's marks are drawn; return the chart's SVG markup."""
        self.page.wait_for_selector(f"{chart} {CHART_MARKS}", state="attached", timeout=WAIT_MS)
        return self.svg(chart)

    def svg(self, chart: str) -> str:
        return self.page.inner_html(f"{chart} svg")

    def wait_for_svg_change(self, chart: str, before: str, timeout: float = WAIT_MS) -> str:
        """Wait until the chart's SVG differs from ``before`` and has marks again (a chart whose
        spec is replaced is briefly an empty SVG while Vega redraws it)."""
        self.page.wait_for_function(
            "([sel, before]) => { const s = document.querySelector(sel);"
            " return s !== null && s.innerHTML !== before"
            " && s.querySelector('.role-mark') !== null; }",
            arg=[f"{chart} svg", before],
            timeout=timeout,
        )
        return self.svg(chart)

    def wait_for_text_change(self, selector: str, before: str) -> str:
        self.page.wait_for_function(
            "([sel, before]) => { const e = document.querySelector(sel);"
            " return e !== null && e.innerText !== before; }",
            arg=[selector, before],
            timeout=WAIT_MS,
        )
        return self.page.inner_text(selector)

    def wait_for_text(self, selector: str, needle: str) -> str:
        """Wait until the element's text contains ``needle``; return its text. Each widget's new
        value is its own message, so one widget can show a change before another does."""
        self.page.wait_for_function(
            "([sel, needle]) => { const e = document.querySelector(sel);"
            " return e !== null && e.innerText.includes(needle); }",
            arg=[selector, needle],
            timeout=WAIT_MS,
        )
        return self.page.inner_text(selector)

    def kernel_id(self) -> str:
        """The id of this page's kernel (from Voila's page config)."""
        return self.page.evaluate(
            "JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
        )

    def press_on(self, selector: str, key: str) -> None:
        self.page.focus(selector)
        self.page.keyboard.press(key)

    def assert_clean(self) -> None:
        assert self.outside_requests == [], "requests left the machine"
        assert self.page_errors == [], "uncaught errors in the page"
        assert self.console_errors == [], "errors in the browser console"


@pytest.fixture
def tab(chromium, voila_server):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    record = Tab(page=page, base_url=voila_server.url)
    page.on(
        "console",
        lambda msg: record.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    page.on("pageerror", lambda error: record.page_errors.append(str(error)))
    context.on(
        "request",
        lambda request: record.outside_requests.append(request.url)
        if is_outside(request.url)
        else None,
    )
    page.on(
        "websocket",
        lambda ws: record.outside_requests.append(ws.url) if is_outside(ws.url) else None,
    )
    yield record
    context.close()
