"""The book prints cleanly (issue 13): pages of the built book printed to A4 PDF by headless
Chromium with print media, the way book/print_handouts.py prints them for a facilitator.

- every chapter summary (book/summaries) is exactly one sheet;
- a chapter keeps its charts (the text drawn in each chart's SVG is in the PDF), drops the book's
  navigation (search, sidebar captions, previous/next), starts each section on a new sheet and
  prints a sensible number of sheets;
- a facilitator's session plan drops the navigation and keeps every column of its timings table;
- the story bank prints one card a sheet, and a learner's story card (the stories app's printable
  page) fits on one sheet.

Expected values are read from the page itself (its sections, chart text, table headings, story
titles), never typed in. Needs Chromium and poppler-utils (pdfinfo, pdftotext).
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")

pytestmark = [pytest.mark.browser, pytest.mark.book]

REPO = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("print_handouts", REPO / "book" / "print_handouts.py")
handouts = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(handouts)

CHAPTER = "notebooks/02_autonomy_paradox.html"
STORIES = "notebooks/05_springboard_stories.html"
PLAN = "book/facilitator/02_autonomy_paradox.html"
_TOC = (REPO / "_toc.yml").read_text(encoding="utf-8")
CHAPTERS = re.findall(r"file: notebooks/(\S+)", _TOC)
SUMMARIES = re.findall(r"file: book/summaries/(\S+)", _TOC)
#: Chapters whose handout is still to be written (the lead adds 01's); take a chapter off when its
#: summary is in _toc.yml.
PENDING_SUMMARIES: set[str] = set()

# Read from the page itself. The navigation is hidden in print but still in the page, so its text
# can be looked for in the PDF; sections are counted as printed (a hidden section is left out).
NAVIGATION_JS = """() => ({
  captions: [...document.querySelectorAll('.bd-sidebar-primary p.caption, .bd-sidebar-primary .caption-text')]
              .map(e => e.textContent.trim()).filter(Boolean),
  search: [...document.querySelectorAll('.search-button-field, .search-button__default-text, .bd-search input')]
              .map(e => (e.placeholder || e.textContent).trim()).filter(Boolean),
  prevnext: [...document.querySelectorAll('.prev-next-area .prev-next-title')]
              .map(e => e.textContent.trim()).filter(Boolean),
})"""
SECTIONS_JS = """() => [...document.querySelectorAll('.bd-article > section > section')]
  .filter(s => getComputedStyle(s).display !== 'none').map(s => s.querySelector('h2').textContent.replace('#', '').trim())"""
CHART_TEXT_JS = """() => [...document.querySelectorAll('.vega-embed svg')].map(svg =>
  [...svg.querySelectorAll('.role-title-text text, .role-axis-title text')].map(t => t.textContent.trim()).filter(Boolean))"""


# A4 less the 14 mm side margins of pcn-print.css, in CSS pixels (96 per inch).
PRINT_WIDTH_PX = round((210 - 2 * 14) / 25.4 * 96)
WIDE_JS = """() => { const a = document.querySelector('.bd-article').getBoundingClientRect();
  return [...document.querySelectorAll('.bd-article svg, .bd-article table, .bd-article img, .bd-article pre')]
    .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > a.right + 1; })
    .map(e => e.tagName + ' in #' + ((e.closest('section') || {}).id || '?')); }"""


def too_wide(page) -> list[str]:
    """Charts, tables, images and code blocks that stick out of the article at the width of
    the printed page (print media on)."""
    size = page.viewport_size
    page.set_viewport_size({"width": PRINT_WIDTH_PX, "height": size["height"]})
    try:
        page.wait_for_function(handouts.CHARTS_DRAWN)
        return page.evaluate(WIDE_JS)
    finally:
        page.set_viewport_size(size)


@pytest.fixture(scope="module", autouse=True)
def _poppler():
    missing = [tool for tool in ("pdfinfo", "pdftotext") if not shutil.which(tool)]
    if missing:
        pytest.skip(f"{', '.join(missing)} missing: apt-get install -y poppler-utils")


@pytest.fixture(scope="module")
def base_url(built_html):
    with handouts.serve(built_html) as url:
        yield url


@pytest.fixture(scope="module")
def printed(chromium, base_url, tmp_path_factory):
    """Print a page once per module: path -> (PDF path, facts read from the page on screen)."""
    out, done = tmp_path_factory.mktemp("print"), {}

    def get(path: str):
        if path not in done:
            page = handouts.open_for_print(chromium, base_url + path)  # print media from here on
            try:
                facts = {
                    "navigation": page.evaluate(NAVIGATION_JS),
                    "sections": page.evaluate(SECTIONS_JS),
                    "chart_text": page.evaluate(CHART_TEXT_JS),
                    "table_heads": page.eval_on_selector_all(
                        ".bd-article table thead", "ts => ts.map(t => [...t.querySelectorAll('th')].map(h => h.textContent.trim()))"),
                    "too_wide": too_wide(page),
                    "stories": page.eval_on_selector_all(".pcn-story-bank .pcn-story h4", "hs => hs.map(h => h.textContent.trim())"),
                }
                pdf = out / (path.replace("/", "_") + ".pdf")
                page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
            finally:
                page.context.close()
            done[path] = (pdf, facts)
        return done[path]

    return get


def _lines(text: str) -> set[str]:
    return {" ".join(line.split()) for line in text.splitlines() if line.strip()}


def _words(text: str) -> str:
    return " ".join(text.split())


def _assert_no_navigation(pdf: Path, navigation: dict) -> None:
    assert navigation["captions"], "the screen page has a sidebar with part captions to compare against"
    lines = _lines(handouts.pdf_text(pdf))
    shown = [c for c in navigation["captions"] if c in lines]
    assert not shown, f"sidebar captions printed: {shown}"
    for label in navigation["search"] + ["Ctrl+K", "previous", "next"]:
        assert label not in lines, f"navigation text printed: {label!r}"
    for title in navigation["prevnext"]:
        assert title not in lines, f"previous/next link printed: {title!r}"


@pytest.mark.parametrize("chapter", SUMMARIES)
def test_each_summary_prints_on_exactly_one_sheet(printed, chapter):
    pdf, facts = printed(f"book/summaries/{chapter}.html")
    assert handouts.pdf_pages(pdf) == 1
    text = _words(handouts.pdf_text(pdf))
    for heading in facts["sections"]:  # both of its sections made it onto the sheet
        assert heading in text
    _assert_no_navigation(pdf, facts["navigation"])


def test_chapter_keeps_charts_and_drops_navigation(printed):
    pdf, facts = printed(CHAPTER)
    assert facts["chart_text"], "the chapter draws its charts on screen"
    text = _words(handouts.pdf_text(pdf))
    missing = [t for chart in facts["chart_text"] for t in chart if _words(t) not in text]
    assert not missing, f"chart text absent from the printed chapter (charts dropped or cut off): {missing}"
    assert not facts["too_wide"], f"wider than the printed page: {facts['too_wide']}"
    _assert_no_navigation(pdf, facts["navigation"])
    assert "The live app" not in facts["sections"], "the Voila-only section is hidden in print too"


def test_chapter_starts_each_section_on_a_new_sheet(printed):
    pdf, facts = printed(CHAPTER)
    sections, pages = facts["sections"], handouts.pdf_pages(pdf)
    assert len(sections) >= 3
    # Each "##" section after the first starts a sheet, so there are at least as many sheets as
    # sections; a section rarely needs more than three sheets of A4.
    assert len(sections) <= pages <= 3 * len(sections)
    starts = []
    for number in range(1, pages + 1):
        head = " ".join(handouts.pdf_text(pdf, number).split())[:200]
        starts += [s for s in sections[1:] if head.startswith(s)]
    assert starts == sections[1:], "every section after the first begins at the top of a sheet"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_chapter_prints_a_blank_sheet(printed, chapter):
    # A box's bottom edge or a stray margin once spilled onto a sheet of its own.
    pdf, _ = printed(f"notebooks/{chapter}.html")
    blank = [n for n in range(1, handouts.pdf_pages(pdf) + 1) if len(handouts.pdf_text(pdf, n).split()) < 5]
    assert not blank, f"sheets with (almost) nothing on them: {blank}"


def test_session_plan_prints_without_navigation_and_keeps_its_tables(printed):
    pdf, facts = printed(PLAN)
    assert facts["table_heads"], "the plan has its timings table"
    # A column cut off at the paper's edge would lose its heading. Narrow columns wrap their
    # headings, so look for each heading's words rather than the phrase.
    printed_words = set(re.findall(r"\w+", handouts.pdf_text(pdf)))
    for heads in facts["table_heads"]:
        for head in heads:
            assert set(re.findall(r"\w+", head)) <= printed_words, head
    assert not facts["too_wide"], f"wider than the printed page: {facts['too_wide']}"
    _assert_no_navigation(pdf, facts["navigation"])
    # A plan runs on (no sheet per section): far fewer sheets than sections.
    assert handouts.pdf_pages(pdf) < len(facts["sections"])


def test_story_bank_prints_one_card_a_sheet(printed):
    pdf, facts = printed(STORIES)
    titles = facts["stories"]
    assert len(titles) >= 2, "the chapter shows its story bank"
    # The chart above the cards names every story too, so look at what begins each sheet.
    heads = [_words(handouts.pdf_text(pdf, n))[:300] for n in range(1, handouts.pdf_pages(pdf) + 1)]
    starts = {title: [n for n, head in enumerate(heads, 1) if head.startswith(_words(title))] for title in titles}
    assert all(len(sheets) == 1 for sheets in starts.values()), f"each card begins one sheet: {starts}"


def test_a_learners_story_card_prints_on_one_sheet(chromium, tmp_path):
    """The stories app's "Printable page" download, built as the app builds it: the app's example
    draft, inspired in turn by each story in the bank (with its figures and source line)."""
    from pcn_workbook import data
    from pcn_workbook.apps import stories as stories_app
    from pcn_workbook.apps.story_card import card_html
    from pcn_workbook.models import stories

    bank, figures = data.story_bank(), data.story_figures()
    draft = stories_app.EXAMPLE
    sheets = {}
    page = chromium.new_page()
    try:
        page.emulate_media(media="print")
        for _, row in bank.iterrows():
            card = stories.story_card(draft, stories.check(draft), row, figures)
            footer = " ".join([*card.sources, card.credit, "Made with PCN Workbook."])
            page.set_content(card_html("My springboard story", card.sections(), footer))
            pdf = tmp_path / f"card-{row['story']}.pdf"
            page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
            sheets[row["story"]] = handouts.pdf_pages(pdf)
            assert _words(footer) in _words(handouts.pdf_text(pdf)), "the card's footer is printed"
    finally:
        page.context.close()
    assert sheets and all(n == 1 for n in sheets.values()), f"sheets per card: {sheets}"


def test_every_chapter_has_a_one_page_summary_with_a_described_chart():
    expected = sorted(set(CHAPTERS) - PENDING_SUMMARIES)
    assert CHAPTERS and sorted(SUMMARIES) == expected, "each chapter in _toc.yml has a handout"
    assert not PENDING_SUMMARIES & set(SUMMARIES), "a summary has been added: take it off PENDING_SUMMARIES"
    for name in SUMMARIES:
        text = (REPO / "book" / "summaries" / f"{name}.md").read_text(encoding="utf-8")
        assert f"/notebooks/{name}" in text, f"{name}: links to its chapter"
        figure = re.search(r"```\{figure\} (\S+)\n(.*?)```", text, re.S)
        assert figure, f"{name}: has its key chart"
        assert (REPO / "book" / "summaries" / figure.group(1)).resolve().is_file(), figure.group(1)
        alt = re.search(r"^:alt: (.+)$", figure.group(2), re.M)
        assert alt and len(alt.group(1).split()) >= 15, f"{name}: the chart is described in its alt text"
        assert len(re.findall(r"^\d\. ", text.split("## Three ideas", 1)[1].split("\n## ", 1)[0], re.M)) == 3
        questions = re.findall(r"^\d\. ", text.split("## Questions to discuss", 1)[1], re.M)
        assert 3 <= len(questions) <= 4, f"{name}: three or four discussion questions"
        assert "{ref}`" in text, f"{name}: cites its sources"
