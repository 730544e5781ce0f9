"""Issue 13: axe-core finds no serious or critical problem on any page of the built book.

The built ``_build/html`` is served on a free local port (``book/print_handouts.serve``); every HTML
page (not Sphinx's search index pages under ``_static`` or ``_sources``) is opened in one Chromium
tab and audited once its scripts (Vega, the widget manager, MathJax) have settled. Moderate and
minor findings are printed (``pytest -s``), not failed.
"""

from __future__ import annotations

import pytest

from a11y import audit, blocking, counts, report

pytestmark = [pytest.mark.browser, pytest.mark.book]
WAIT_MS = 60_000  # a loaded 2-core machine; not a timing assertion


@pytest.fixture(scope="module")
def served_book(built_html):
    """The built book on a local port, served as book/print_handouts.py serves it for printing."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("print_handouts", Path(__file__).resolve().parents[2] / "book" / "print_handouts.py")
    handouts = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(handouts)
    with handouts.serve(built_html) as url:
        yield url if url.endswith("/") else url + "/"


def book_pages(html_root) -> list[str]:
    return sorted(p.relative_to(html_root).as_posix() for p in html_root.rglob("*.html")
                  if p.relative_to(html_root).parts[0] not in {"_static", "_sources", "_images"})


def test_every_book_page_passes_axe(chromium, built_html, served_book):
    pages = book_pages(built_html)
    assert "book/intro.html" in pages and any(p.startswith("notebooks/") for p in pages)
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT_MS)
    tab = context.new_page()
    failures: list[str] = []
    try:
        for rel in pages:
            tab.goto(served_book + rel, wait_until="load")
            tab.wait_for_load_state("networkidle")
            found = audit(tab)
            print(f"{rel}: {counts(found)}")
            if blocking(found):
                failures.append(report(rel, blocking(found)))
    finally:
        context.close()
    assert not failures, f"{len(failures)} of {len(pages)} pages fail:\n" + "\n".join(failures)
