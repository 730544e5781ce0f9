"""Fixtures shared by test folders.

``chromium``: one headless Debian Chromium per test process. Playwright's sync API runs its own
event loop, so a process may hold only one; the browser tests and the book's page tests share it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from voila_browser import CHROMIUM, launch_chromium  # noqa: E402  (one place for the launch flags)


@pytest.fixture(scope="session")
def chromium():
    playwright_sync = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    with playwright_sync.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()
