"""Fixtures shared by test folders.

``chromium``: one headless Debian Chromium per test process. Playwright's sync API runs its own
event loop, so a process may hold only one; the browser tests and the book's page tests share it.
Every context it opens waits up to ``PATIENCE_MS`` for a navigation or an action (Playwright's
30 s default is too short for a Voila page that starts a kernel on a loaded 2-core CI machine:
a wait is not a timing assertion; speed is measured in benchmarks/).

``postgres_url``: a throwaway PostgreSQL server per test process (tests/postgres.py), for the
workshop store's tests; skipped when PostgreSQL is missing, a failure under CI.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from voila_browser import CHROMIUM, launch_chromium  # noqa: E402  (one place for the launch flags)


PATIENCE_MS = 90_000

# The slowest files, slowest first (seconds of test time in a clean-clone run of 2026-12-07 on two
# cores, before that day's cuts): xdist hands a worker a whole file at a time, in this order, so a
# long file no longer starts near the end while the other worker has nothing left to do.
# test_print comes first because it builds the book (55 s from clean on an idle machine, more
# beside the other worker); the other book files use that build and come after the two long
# browser files, so they start once it is done rather than wait on its lock.
SLOWEST_FIRST = (
    "tests/book/test_print.py",  # 189, with the book build
    "tests/browser/test_voila_workshop.py",  # 292
    "tests/browser/test_voila_room.py",  # 206
    "tests/browser/test_voila_autonomy.py",  # 89
    "tests/browser/test_voila_scale.py",  # 88
    "tests/browser/test_accessibility_audit.py",  # 85
    "tests/browser/test_screen_sizes.py",  # 70
    "tests/browser/test_kernel_messages.py",  # 69
    "tests/book/test_offline_pages.py",  # 58
    "tests/book/test_book_accessibility.py",  # 47
)


def pytest_configure(config):
    # xdist's own order (files with the most tests first) would put the short unit-test files
    # first and the few long browser tests last; keep the order pytest_collection_modifyitems sets.
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def _rank(item) -> tuple[int, int]:
    path = item.nodeid.split("::", 1)[0]
    if path in SLOWEST_FIRST:
        return (0, SLOWEST_FIRST.index(path))
    if path.startswith(("tests/browser/", "tests/book/")):
        return (1, 0)  # every other browser or book file before the short unit tests
    return (2, 0)


def pytest_collection_modifyitems(config, items):
    items.sort(key=_rank)  # stable: a file's tests keep their order (a notebook's cells too)


class PatientBrowser:
    """The Playwright browser, whose every new context waits ``PATIENCE_MS`` by default."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        context.set_default_timeout(PATIENCE_MS)
        context.set_default_navigation_timeout(PATIENCE_MS)
        return context

    def new_page(self, **options):
        return self.new_context(**options).new_page()

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(scope="session")
def chromium():
    playwright_sync = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    with playwright_sync.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield PatientBrowser(browser)
        browser.close()


# --- PostgreSQL (the workshop store's second backend) ------------------------------------------
@pytest.fixture(scope="session")
def postgres_cluster():
    """A throwaway PostgreSQL server for this test process (see tests/postgres.py). Skipped when
    PostgreSQL is not installed or will not start, except under CI, where that is a failure."""
    from postgres import Cluster, PostgresUnavailable

    try:
        cluster = Cluster().start()
    except PostgresUnavailable as error:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is needed under CI (make postgresql installs it): {error}")
        pytest.skip(f"PostgreSQL tests skipped: {error}")
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_cluster) -> str:
    """``postgresql+psycopg://postgres@127.0.0.1:PORT/workshop`` on the throwaway server."""
    return postgres_cluster.url
