"""Every dataset row that cites a source essay proves it with a phrase from that essay.

A CSV in ``datasets/`` with a ``source_phrase`` column is checked row by row:

* the essays a row cites are found by matching its source columns (every column whose name
  contains "source", apart from ``source_phrase``) against the essay titles listed in the
  sources' README, plus the few short titles the datasets use (``ALIASES``);
* a row that cites one or more essays must carry a phrase of 3 to 6 words that occurs in the text
  of a cited essay and in no essay it does not cite (so a phrase that proves nothing, or one
  taken from the wrong essay, fails, even when the two essays share a file);
* a row that cites no essay (NHS Digital data, a paper, the workbook's own illustrative content)
  must leave the phrase empty.

Words are compared as lower-case tokens: punctuation, curly or straight quotes and apostrophes,
and line breaks are ignored. Each source file is split into essays at the lines holding their
titles. The sources live in ``../shared/sources`` beside the repository, or wherever
$PCN_WORKBOOK_SOURCES points; the datasets where $PCN_WORKBOOK_DATASETS points (as for the
loader), so the test can be run against another copy of ``datasets/``.
"""
from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pytest

from dataset_files import REPO
from pcn_workbook import data

SOURCES_ENV = "PCN_WORKBOOK_SOURCES"
DEFAULT_SOURCES = REPO.parent / "shared" / "sources"
COLUMN = "source_phrase"
MIN_WORDS, MAX_WORDS = 3, 6
# Datasets whose rows cite the essays: each must carry the column (as its last column).
MUST_HAVE = ("story_bank", "story_figures", "autonomy_changes", "autonomy_scenarios", "scale_functions",
             "scale_tiers", "purpose_references", "purpose_questions", "purpose_reasons", "readiness_items")
# Short titles a dataset may cite an essay by, with the full title they stand for.
ALIASES = {
    "Primary Care & Scale": "Primary Care & Scale. Who should we be collaborating with?",
    "Cheshire takes its own steps": "Cheshire takes its own steps to primary care at scale",
}

_WORD = re.compile(r"[a-z0-9]+")
_INNER_APOSTROPHE = re.compile(r"(?<=[a-z0-9])'(?=[a-z0-9])")


# ---------------------------------------------------------------- the matcher

def words(text: str) -> tuple[str, ...]:
    """Lower-case word tokens; curly and straight apostrophes inside a word are dropped
    ("Bristol’s" and "Bristol's" are both ``bristols``), all other punctuation separates words."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return tuple(_WORD.findall(_INNER_APOSTROPHE.sub("", text)))


def contains(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    """Whether ``needle`` occurs in ``haystack`` as consecutive whole words."""
    if not needle:
        return False
    return f" {' '.join(needle)} " in f" {' '.join(haystack)} "


def readme_titles(readme: str) -> dict[str, list[str]]:
    """{file name: [essay titles]} from the table in the sources' README (titles in double quotes)."""
    files: dict[str, list[str]] = {}
    for line in readme.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0].endswith(".txt"):
            files[cells[0]] = re.findall(r'"([^"]+)"', " ".join(cells[1:]))
    return files


def split_essays(text: str, titles: list[str]) -> dict[str, tuple[str, ...]]:
    """{title: the essay's words} for one source file: an essay starts at a line holding its title
    (compared as words, so a non-breaking space or a curly quote in the title line does not
    matter) and runs to the next title line. Title lines are not part of any essay's text; a line
    that repeats the current essay's title (an essay may end by restating it) stays in that essay."""
    by_words = {words(t): t for t in titles}
    essays: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        title = by_words.get(words(line))
        if title is not None:
            current = title
            essays.setdefault(title, [])
        elif current is not None:
            essays[current].extend(words(line))
    return {title: tuple(body) for title, body in essays.items()}


def cited_essays(source_text: str, titles) -> set[str]:
    """The essays whose title (or a short title in ``ALIASES``) appears in a row's source text."""
    said = words(source_text)
    found = {t for t in titles if contains(said, words(t))}
    found |= {full for short, full in ALIASES.items() if full in titles and contains(said, words(short))}
    return found


def source_columns(header: list[str]) -> list[str]:
    return [c for c in header if "source" in c.lower() and c != COLUMN]


def phrase_problems(rows: list[dict], header: list[str], essays: dict[str, tuple[str, ...]]) -> list[str]:
    """One sentence per row whose ``source_phrase`` does not prove its citation (rows counted as
    in a spreadsheet: header = row 1)."""
    columns = source_columns(header)
    problems = []
    for number, row in enumerate(rows, start=2):
        phrase = (row.get(COLUMN) or "").strip()
        cited = cited_essays(" ; ".join(row.get(c) or "" for c in columns), essays)
        said = words(phrase)
        if not cited:
            if phrase:
                problems.append(f"row {number}: cites no source essay (columns {', '.join(columns) or 'none'}), "
                                f"so {COLUMN} must be empty, not {phrase!r}")
            continue
        names = " or ".join(f"'{t}'" for t in sorted(cited))
        if not phrase:
            problems.append(f"row {number}: cites {names} but {COLUMN} is empty")
            continue
        if not MIN_WORDS <= len(said) <= MAX_WORDS:
            problems.append(f"row {number}: {COLUMN} {phrase!r} has {len(said)} words; "
                            f"it needs {MIN_WORDS} to {MAX_WORDS}")
        elsewhere = sorted(t for t in essays if t not in cited and contains(essays[t], said))
        if not any(contains(essays[t], said) for t in cited):
            where = f" (it is in '{elsewhere[0]}')" if elsewhere else ""
            problems.append(f"row {number}: {COLUMN} {phrase!r} is not in {names}{where}")
        elif elsewhere:
            problems.append(f"row {number}: {COLUMN} {phrase!r} also occurs in '{elsewhere[0]}', which the row "
                            "does not cite; choose words found only in the cited essay")
    return problems


# ---------------------------------------------------------------- the real sources and datasets

def sources_folder() -> Path:
    return Path(os.environ.get(SOURCES_ENV) or DEFAULT_SOURCES)


@pytest.fixture(scope="module")
def essays() -> dict[str, tuple[str, ...]]:
    folder = sources_folder()
    if not (folder / "README.md").is_file():
        reason = (f"the source texts are not at {folder} (set ${SOURCES_ENV} to the folder holding "
                  "README.md and the essay .txt files)")
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    found: dict[str, tuple[str, ...]] = {}
    for file, titles in readme_titles((folder / "README.md").read_text(encoding="utf-8")).items():
        found.update(split_essays((folder / file).read_text(encoding="utf-8"), titles))
    return found


def read_csv(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def csvs_with_the_column() -> list[str]:
    folder = data.locate_datasets()
    return sorted(p.name for p in folder.glob("*.csv") if COLUMN in read_csv(p)[0])


def test_every_listed_essay_is_found_in_the_sources(essays):
    folder = sources_folder()
    listed = [t for ts in readme_titles((folder / "README.md").read_text(encoding="utf-8")).values() for t in ts]
    assert len(listed) == 17 and set(listed) == set(essays)
    short = {t: len(body) for t, body in essays.items() if len(body) < 150}
    assert not short, f"essays with almost no text (a title line missed?): {short}"
    assert set(ALIASES.values()) <= set(essays)


@pytest.mark.parametrize("name", MUST_HAVE)
def test_datasets_that_cite_essays_carry_the_column(name):
    folder = data.locate_datasets()
    meta = next(r for r in data.package(folder)["resources"] if r["name"] == name)
    header = read_csv(folder / meta["path"])[0]
    assert header and header[-1] == COLUMN, f"{meta['path']}: the last column should be '{COLUMN}'"
    assert meta["schema"]["fields"][-1]["name"] == COLUMN, f"datapackage.json: {name} lacks the field '{COLUMN}'"


@pytest.mark.parametrize("file", csvs_with_the_column())
def test_each_row_proves_its_citation_with_a_phrase_from_the_essay(file, essays):
    header, rows = read_csv(data.locate_datasets() / file)
    problems = phrase_problems(rows, header, essays)
    assert not problems, f"{file}:\n" + "\n".join(f"  - {p}" for p in problems)


# ---------------------------------------------------------------- the matcher itself

TOY_FILE = """First Essay: a Title?

The practices wanted one team, and they
built it in the end. Bristol’s “urology” service grew.

Second essay

Practices in six neighbourhoods chose one board.
"""
TOY = split_essays(TOY_FILE, ["First Essay: a Title?", "Second essay"])
TOY_HEADER = ["story", "source_title", COLUMN]


def toy_row(title: str, phrase: str) -> dict:
    return {"story": "x", "source_title": title, COLUMN: phrase}


def test_words_ignore_case_punctuation_and_quotes():
    assert words("“Don’t” wait — for the CCG!") == ("dont", "wait", "for", "the", "ccg")
    assert words("Bristol’s population") == words("bristol's  POPULATION") == ("bristols", "population")
    assert words("£440,000 in 20-30 words") == ("440", "000", "in", "20", "30", "words")


def test_essays_split_at_their_title_lines():
    assert set(TOY) == {"First Essay: a Title?", "Second essay"}
    assert TOY["Second essay"] == words("Practices in six neighbourhoods chose one board.")
    assert "first" not in TOY["First Essay: a Title?"]  # the title line is not the essay's text


def test_a_phrase_split_across_a_line_break_matches():
    assert contains(TOY["First Essay: a Title?"], words("and they built it"))
    assert not phrase_problems([toy_row("First Essay: a Title?", "one team, and they built it")], TOY_HEADER, TOY)


def test_a_phrase_from_the_next_essay_in_the_same_file_fails():
    problems = phrase_problems([toy_row("First Essay: a Title?", "in six neighbourhoods chose")], TOY_HEADER, TOY)
    assert problems == ["row 2: source_phrase 'in six neighbourhoods chose' is not in 'First Essay: a Title?' "
                        "(it is in 'Second essay')"]


def test_curly_apostrophes_and_quotes_match_straight_ones():
    assert not phrase_problems([toy_row("First Essay: a Title?", "Bristol's \"urology\" service")], TOY_HEADER, TOY)
    assert not phrase_problems([toy_row("First Essay: a Title?", "BRISTOL’S UROLOGY SERVICE")], TOY_HEADER, TOY)


def test_title_lines_are_found_despite_odd_spaces_and_a_restated_title():
    text = "Primary Care & Scale. Who should we be collaborating\u00a0with?\n\nBody one.\n" \
           "Other Essay\nBody two here.\nOther Essay\nBody three.\n"
    found = split_essays(text, ["Primary Care & Scale. Who should we be collaborating with?", "Other Essay"])
    assert found["Primary Care & Scale. Who should we be collaborating with?"] == ("body", "one")
    assert found["Other Essay"] == ("body", "two", "here", "body", "three")


def test_rows_cite_essays_by_title_or_short_title():
    titles = ["Primary Care & Scale. Who should we be collaborating with?", "What is your story?",
              "Cheshire takes its own steps to primary care at scale"]
    assert cited_essays("Becky Malby, 'Primary Care & Scale' (2018)", titles) == {titles[0]}
    assert cited_essays("Change: Ben Gowland, 'What is your story?'; PCC, 'Cheshire takes its own steps'",
                        titles) == {titles[1], titles[2]}
    assert cited_essays("NHS Digital, Patients Registered at a GP Practice", titles) == set()


@pytest.mark.parametrize("phrase, expected", [
    ("", "row 2: cites 'Second essay' but source_phrase is empty"),
    ("six neighbourhoods", "has 2 words; it needs 3 to 6"),
    ("practices in six neighbourhoods chose one board", "has 7 words"),
    ("one board for every town", "is not in 'Second essay'"),
])
def test_a_missing_short_long_or_absent_phrase_fails(phrase, expected):
    problems = phrase_problems([toy_row("Second essay", phrase)], TOY_HEADER, TOY)
    assert len(problems) == 1 and expected in problems[0]


def test_a_phrase_also_found_in_an_essay_not_cited_fails():
    essays = {"A": words("we built one team in the end"), "B": words("they built one team too")}
    problems = phrase_problems([toy_row("A", "built one team")], TOY_HEADER, essays)
    assert problems == ["row 2: source_phrase 'built one team' also occurs in 'B', which the row does not cite; "
                        "choose words found only in the cited essay"]
    assert not phrase_problems([{"source": "A and B", COLUMN: "built one team"}], ["source", COLUMN], essays)


def test_a_row_citing_no_essay_must_leave_the_phrase_empty():
    rows = [{"source": "NHS Digital, January 2021", COLUMN: ""}, {"source": "illustrative", COLUMN: "one team"}]
    problems = phrase_problems(rows, ["source", COLUMN], TOY)
    assert problems == ["row 3: cites no source essay (columns source), so source_phrase must be empty, "
                        "not 'one team'"]
