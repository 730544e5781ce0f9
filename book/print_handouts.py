"""Print the built book's handouts to PDF for a facilitator, with headless Chromium.

    .venv/bin/python book/print_handouts.py            # every handout, session plan and chapter
    .venv/bin/python book/print_handouts.py summaries  # only the one-page chapter summaries

Build the book first (``pcn-workbook book`` or ``make book``). The script serves ``_build/html``
from a local HTTP server on 127.0.0.1 (in a thread; nothing is fetched from anywhere else), opens
each page, waits for its charts to be drawn, switches to print media (the rules in
``book/assets/pcn-print.css``) and saves an A4 PDF in ``_build/handouts``:

- ``summary-<chapter>.pdf``: each chapter's one-page summary (book/summaries);
- ``plan-<chapter>.pdf``: each facilitator session plan (book/facilitator);
- ``chapter-<chapter>.pdf``: each chapter in full, a section a page; the springboard-stories
  chapter prints its story bank one card a page, ready to hand to the tables.

The same functions are used by tests/book/test_print.py, so what is tested is what is printed.
Chromium comes from Debian (``apt-get install -y chromium``); PDF page counts use ``pdfinfo`` and
text uses ``pdftotext`` (poppler-utils).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
HTML = REPO / "_build" / "html"
OUT = REPO / "_build" / "handouts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WAIT_MS = 90_000  # generous: charts on a busy two-core machine; not a timing check

#: (kind, folder of the built HTML, prefix of the PDF's name)
KINDS = {
    "summaries": ("book/summaries", "summary"),
    "plans": ("book/facilitator", "plan"),
    "chapters": ("notebooks", "chapter"),
}

# Every Vega chart on the page has drawn its SVG (pages without charts pass at once).
CHARTS_DRAWN = "() => [...document.querySelectorAll('.vega-embed')].every(e => e.querySelector('svg'))"


def pages(html: Path = HTML, kinds: tuple[str, ...] = tuple(KINDS)) -> list[tuple[str, str]]:
    """(PDF name, page path relative to ``html``) for each built page of the given kinds."""
    found = []
    for kind in kinds:
        folder, prefix = KINDS[kind]
        for page in sorted((html / folder).glob("*.html")):
            found.append((f"{prefix}-{page.stem}.pdf", f"{folder}/{page.name}"))
    return found


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@contextlib.contextmanager
def serve(html: Path = HTML) -> Iterator[str]:
    """Serve ``html`` on a free port of 127.0.0.1 in a thread; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _local_only(route) -> None:
    parts = urlsplit(route.request.url)
    if parts.scheme in {"data", "blob", "about"} or parts.hostname == "127.0.0.1":
        route.continue_()
    else:
        route.abort()  # the book is offline; never wait on the network


def open_for_print(browser, url: str):
    """A page at ``url`` with its charts drawn and print media on. Close its context when done."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT_MS)
    context.route("**/*", _local_only)
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.wait_for_function(CHARTS_DRAWN)
    page.evaluate("document.fonts.ready")
    page.emulate_media(media="print")
    return page


def print_page(browser, url: str, out: Path) -> Path:
    """Print ``url`` to the A4 PDF ``out`` as a reader's browser would (no background colours)."""
    page = open_for_print(browser, url)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        page.pdf(path=str(out), format="A4", prefer_css_page_size=True)
    finally:
        page.context.close()
    return out


def pdf_pages(pdf: Path) -> int:
    """The PDF's page count, from poppler's ``pdfinfo``."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def pdf_text(pdf: Path, page: int | None = None) -> str:
    """The PDF's text (one page of it if ``page`` is given, counting from 1), from ``pdftotext``."""
    span = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", "-layout", *span, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Print the book's handouts to _build/handouts/*.pdf.")
    ap.add_argument("kinds", nargs="*", metavar="KIND", help=f"any of {', '.join(KINDS)} (default: all)")
    ap.add_argument("--html", type=Path, default=HTML, help="the built book (default: _build/html)")
    ap.add_argument("--out", type=Path, default=OUT, help="where the PDFs go (default: _build/handouts)")
    args = ap.parse_args(argv)
    unknown = [k for k in args.kinds if k not in KINDS]
    if unknown:
        ap.error(f"unknown kind(s) {', '.join(unknown)}: choose from {', '.join(KINDS)}")
    kinds = tuple(args.kinds) or tuple(KINDS)
    todo = pages(args.html, kinds)
    if not todo:
        print(f"No built pages under {args.html}: build the book first (make book).", file=sys.stderr)
        return 1
    for tool in ("pdfinfo",):
        if not shutil.which(tool):
            print(f"{tool} is missing (apt-get install -y poppler-utils); page counts are skipped.",
                  file=sys.stderr)
    from playwright.sync_api import sync_playwright  # only needed here

    with serve(args.html) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for name, path in todo:
                pdf = print_page(browser, base + path, args.out / name)
                count = f"{pdf_pages(pdf)} page(s)" if shutil.which("pdfinfo") else "printed"
                print(f"{pdf.relative_to(REPO) if pdf.is_relative_to(REPO) else pdf}: {count}")
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
