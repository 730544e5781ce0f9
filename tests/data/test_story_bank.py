"""The Springboard stories chapter's data: the story bank and its outcome figures.

Expected facts below are typed from the source texts (../shared/sources; which essay each case is
in was checked by reading it), not copied from the CSVs. That each row's fact is really in the
essay it cites is checked word for word by tests/data/test_source_phrases.py.
"""
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from dataset_files import DATASETS, edit, set_cell
from pcn_workbook import data
from pcn_workbook.models import stories

BRIEF = Path("/work/shared/content/BRIEF.md")
PCC = "Cheshire takes its own steps to primary care at scale"
# The essay each of the eleven cases is in. Seven come from the PCC report of the Cheshire event;
# none from "What is your story?", which argues for springboard stories but tells no case.
CASE_SOURCES = {
    "larwood_bawtry": PCC, "winsford": PCC, "haverstock": PCC, "canterbury_nz": PCC, "salford": PCC,
    "gp_care_bristol": PCC, "care_home_medicines": PCC,
    "eastleigh_southern_parishes": "Primary Care & Scale. Who should we be collaborating with?",
    "acute_visiting_service": "The future for GP Home Visiting Services?",
    "granta": "What is a Primary Care Network for?", "city_and_hackney": "What is a Primary Care Network for?",
}
ELEVEN = set(CASE_SOURCES)
# Titles (all in BRIEF.md's "Sources" list) that the story bank may cite, with their authors.
SOURCE_TITLES = {
    "What is a Primary Care Network for?": "Ben Gowland",
    "The future for GP Home Visiting Services?": "Ben Gowland",
    PCC: "Primary Care Commissioning (PCC)",
    "Primary Care & Scale. Who should we be collaborating with?": "Becky Malby",
}
# (story, unit, qualifier, value) as the sources give them: PCC for the cases, "The future for GP
# Home Visiting Services?" for the visiting service and the three parts of the LMC motion.
SOURCE_FIGURES = [
    ("larwood_bawtry", "GBP", "", 440_000), ("haverstock", "percent", "up to", 30),
    ("haverstock", "percent", "", 44), ("haverstock", "people", "", 4_000), ("winsford", "percent", "", 20),
    ("winsford", "practices", "", 5), ("canterbury_nz", "pathways", "more than", 500),
    ("canterbury_nz", "goals", "", 3), ("acute_visiting_service", "hours per day", "", 2),
    ("care_home_medicines", "percent", "about", 33), ("gp_care_bristol", "people", "", 1_000_000),
    ("salford", "neighbourhoods", "", 6), ("acute_visiting_service", "percent", "", 54),
    ("acute_visiting_service", "percent", "", 74), ("acute_visiting_service", "percent", "", 90),
]
# The leads the sources name for these cases, and who told each case where the source says so.
LEADS = {"winsford": "Dr Judi Price", "haverstock": "Dr Mike Smith", "gp_care_bristol": "Dr Phil Yates",
         "city_and_hackney": "Dr Steph Coughlin"}
PRESENTERS = {"larwood_bawtry": "Dr Mike Smith", "canterbury_nz": "Dr Mike Smith", "salford": "Dr Mike Smith",
              "winsford": "Dr Judi Price", "gp_care_bristol": "Dr Phil Yates"}


@pytest.fixture(scope="module")
def bank():
    return data.story_bank()


@pytest.fixture(scope="module")
def figures():
    return data.story_figures()


def field(resource, name):
    meta = data.resource(resource)
    return next(f for f in meta["schema"]["fields"] if f["name"] == name)


def test_every_row_passes_the_schema_and_the_columns_are_the_contract(bank, figures):
    assert list(bank.columns) == ["story", "title", "place", "country", "period", "lead", "presented_by", "scale",
                                  "population", "practices", "problem", "what_changed", "outcome",
                                  "without_change", "tags", "source_title", "source_author", "source_phrase"]
    assert list(figures.columns) == ["story", "figure", "value", "unit", "period", "qualifier", "note",
                                     "source_title", "source_phrase"]
    assert bank["story"].is_unique and bank["story"].str.fullmatch(r"[a-z][a-z0-9_]*").all()
    assert str(bank["population"].dtype) == "Int64" and str(bank["practices"].dtype) == "Int64"
    text = bank.drop(columns=["population", "practices", "tags"])
    assert text.map(lambda v: isinstance(v, str)).all().all()  # empty cells are "", never NaN
    assert figures[["period", "qualifier", "note", "source_phrase"]].map(lambda v: isinstance(v, str)).all().all()


def test_the_eleven_cases_are_there(bank):
    assert ELEVEN <= set(bank["story"])


@pytest.mark.parametrize("story", sorted(CASE_SOURCES))
def test_each_case_cites_the_essay_it_is_in(bank, figures, story):
    row = bank.set_index("story").loc[story]
    assert row["source_title"] == CASE_SOURCES[story]
    assert row["source_author"] == SOURCE_TITLES[CASE_SOURCES[story]]
    assert set(figures.loc[figures["story"] == story, "source_title"]) <= {CASE_SOURCES[story]}


def test_every_story_and_figure_cites_a_listed_source(bank, figures):
    for row in bank.itertuples():
        assert row.source_title in SOURCE_TITLES, row.story
        assert row.source_author == SOURCE_TITLES[row.source_title], row.story
    assert set(figures["source_title"]) <= set(SOURCE_TITLES)
    assert set(field("story_bank", "source_title")["constraints"]["enum"]) == set(SOURCE_TITLES)
    assert set(field("story_figures", "source_title")["constraints"]["enum"]) == set(SOURCE_TITLES)
    assert "What is your story?" not in set(bank["source_title"]) | set(figures["source_title"])


@pytest.mark.skipif(not BRIEF.exists(), reason="the content brief is not on this machine")
def test_cited_titles_are_in_the_briefs_sources_list():
    sources = BRIEF.read_text(encoding="utf-8").split("## Sources", 1)[1].split("\n## ", 1)[0]
    sources = re.sub(r"\s+", " ", sources)
    for title, author in SOURCE_TITLES.items():
        assert f'"{title}"' in sources and author.split(" (")[0] in sources, title


def test_every_figure_belongs_to_a_story(bank, figures):
    assert set(figures["story"]) <= set(bank["story"])
    assert not figures.duplicated(["story", "figure"]).any()


@pytest.mark.parametrize("story, unit, qualifier, value", SOURCE_FIGURES)
def test_the_sources_figures_are_recorded(figures, story, unit, qualifier, value):
    rows = figures[(figures["story"] == story) & (figures["unit"] == unit) & (figures["value"] == value)]
    assert len(rows) == 1, f"{story}: {value} {unit}"
    assert rows["qualifier"].item() == qualifier


def test_the_three_lmc_votes_say_what_each_was_on(figures):
    votes = figures[(figures["story"] == "acute_visiting_service") & (figures["unit"] == "percent")]
    by_value = dict(zip(votes["value"], votes["figure"] + " " + votes["note"]))
    assert sorted(by_value) == [54, 74, 90]
    assert "core contract" in by_value[54] and "54%-46%" in by_value[54]
    assert "urgent visits" in by_value[74] and "74%-26%" in by_value[74]
    assert "patients" in by_value[90] and "90%-10%" in by_value[90]


def test_the_review_findings_stay_fixed(bank, figures):
    """REVIEW.md section 2, M1-M7: what each case's source says, not a looser reading of it."""
    by_id = bank.set_index("story")
    goals = figures[(figures["story"] == "canterbury_nz") & (figures["unit"] == "goals")]["note"].item()
    for text in (by_id.loc["canterbury_nz", "what_changed"], goals):  # M1: a statement behind each goal
        assert "statement of about 20-30 words" in text
    bristol = by_id.loc["gp_care_bristol", "what_changed"]  # M2: consultants, not GPs, run urology
    assert "consultants from the acute trust" in bristol and "private clinic" in bristol
    assert "special interests provide" not in bristol
    assert by_id.loc["gp_care_bristol", "population"] == 1_000_000  # M3: no "about" in the source
    assert "outpatient appointments" in by_id.loc["care_home_medicines", "outcome"]  # M4
    assert "legal entity" in by_id.loc["salford", "what_changed"]  # M5: the two tiers
    winsford = by_id.loc["winsford", "outcome"]  # M6: results in words, none measured
    assert "now see district nurses" in winsford and "community services" in winsford
    assert "no measured results" in winsford
    visiting = by_id.loc["acute_visiting_service", "without_change"]  # M7: today's visiting time is unknown
    assert "does not say" in visiting and "would go on spending" not in visiting


def test_larwood_saving_is_over_six_months_against_the_previous_year(figures):
    row = figures[(figures["story"] == "larwood_bawtry") & (figures["unit"] == "GBP")]
    assert "six months" in row["period"].item() and "previous year" in row["period"].item()


def test_tags_come_from_the_vocabulary_shared_with_the_model(bank):
    vocabulary = field("story_bank", "tags")["vocabulary"]
    assert vocabulary == list(stories.TAGS)
    for row in bank.itertuples():
        assert isinstance(row.tags, tuple) and row.tags, row.story
        assert set(row.tags) <= set(vocabulary) and len(set(row.tags)) == len(row.tags)


def test_scales_are_the_models_ladder(bank):
    assert field("story_bank", "scale")["constraints"]["enum"] == list(stories.SCALES)
    assert set(bank["scale"]) - {""} <= set(stories.SCALES)


def test_unknown_cells_stay_empty_rather_than_guessed(bank):
    by_id = bank.set_index("story")
    assert {s: by_id.loc[s, "lead"] for s in by_id.index if by_id.loc[s, "lead"]} == LEADS
    assert {s: by_id.loc[s, "presented_by"] for s in by_id.index if by_id.loc[s, "presented_by"]} == PRESENTERS
    assert {s: by_id.loc[s, "period"] for s in by_id.index if by_id.loc[s, "period"]} == {
        "canterbury_nz": "2011 onwards"}  # the only case the sources date
    assert by_id["population"].dropna().to_dict() == {"gp_care_bristol": 1_000_000}
    assert by_id["practices"].dropna().to_dict() == {"winsford": 5}
    assert by_id.loc["canterbury_nz", "country"] == "New Zealand"
    assert by_id.loc["winsford", "place"].startswith("Winsford")
    assert by_id.loc["care_home_medicines", "scale"] == "federation"
    assert by_id.loc["eastleigh_southern_parishes", "scale"] == "locality"
    assert (by_id["what_changed"].str.len() > 20).all()


def test_package_lists_both_tables_with_a_foreign_key():
    package = json.loads((DATASETS / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    assert {"story_bank", "story_figures"} <= set(resources)
    assert resources["story_figures"]["schema"]["foreignKeys"] == [
        {"fields": "story", "reference": {"resource": "story_bank", "fields": "story"}}]


# ---------------------------------------------------------------- broken copies

CORRUPTIONS = {
    "unknown tag": ("story_bank.csv", set_cell(3, "tags", "ae_pressure;a_and_e"),
                    ["story_bank.csv", "row 4", "column 'tags'", "unknown tag 'a_and_e'", "known tags: ae_pressure"]),
    "repeated tag": ("story_bank.csv", set_cell(2, "tags", "burnout;burnout"),
                     ["row 3", "column 'tags'", "'burnout' is listed more than once"]),
    "badly separated tags": ("story_bank.csv", set_cell(4, "tags", "ae_pressure, demand"),
                             ["row 5", "tags", "pattern"]),
    "unknown scale": ("story_bank.csv", set_cell(5, "scale", "county"), ["row 6", "scale", "'county'", "not one of"]),
    "duplicate story": ("story_bank.csv", set_cell(3, "story", "larwood_bawtry"),
                        ["story", "larwood_bawtry", "more than once"]),
    "fractional practices": ("story_bank.csv", set_cell(3, "practices", "4.5"),
                             ["row 4", "practices", "not a whole number"]),
    "uncited story": ("story_bank.csv", set_cell(6, "source_title", ""), ["row 7", "source_title", "empty"]),
    "unknown source": ("story_bank.csv", set_cell(6, "source_title", "My own blog"),
                       ["row 7", "source_title", "My own blog"]),
}
FIGURE_CORRUPTIONS = {
    "figure for a missing story": (set_cell(2, "story", "atlantis"), ["story_figures.csv", "row 3", "atlantis",
                                                                      "story_bank.csv"]),
    "non-numeric value": (set_cell(3, "value", "about 20"), ["row 4", "value", "'about 20' is not a number"]),
    "negative value": (set_cell(3, "value", "-20"), ["row 4", "value", "minimum"]),
    "unknown unit": (set_cell(4, "unit", "quids"), ["row 5", "unit", "'quids'"]),
    "unknown qualifier": (set_cell(4, "qualifier", "roughly"), ["row 5", "qualifier", "'roughly'"]),
    "duplicate figure": (lambda rows: rows.insert(3, list(rows[2])), ["row 3", "row 4", "more than once"]),
}


def assert_readable(error, expected, file):
    message = str(error.value)
    for text in expected:
        assert text in message, f"{text!r} not in:\n{message}"
    assert message.startswith(file)
    assert "Traceback" not in message and "SchemaError" not in message
    assert isinstance(error.value, ValueError)


def test_a_broken_bank_is_reported_when_loading_figures(datasets_copy):
    edit(datasets_copy, "story_bank.csv", set_cell(2, "scale", "galaxy"))
    with pytest.raises(data.DatasetError, match=r"story_bank.csv[\s\S]*row 3.*scale.*galaxy"):
        data.story_figures(datasets_dir=datasets_copy)


def test_spaces_around_tag_separators_are_accepted(datasets_copy):
    edit(datasets_copy, "story_bank.csv", set_cell(1, "tags", "integration ; care_homes"))
    bank = data.story_bank(datasets_dir=datasets_copy)
    assert bank.loc[0, "tags"] == ("integration", "care_homes")


def test_loaders_return_fresh_copies(bank):
    again = data.story_bank()
    again.loc[0, "title"] = "changed"
    assert data.story_bank().loc[0, "title"] == bank.loc[0, "title"]
    pd.testing.assert_frame_equal(data.story_bank(), bank)


# ---------------------------------------------------------------- plain rows (the app's first screen)

def plain(frame: pd.DataFrame) -> list[dict]:
    """A frame's rows as Python values, <NA> as None."""
    return [{k: None if v is pd.NA else v.item() if hasattr(v, "item") else v for k, v in row.items()}
            for row in frame.to_dict("records")]


def test_plain_rows_are_the_frames_rows(bank, figures):
    rows, figure_rows = data.story_bank_rows(), data.story_figures_rows()
    assert isinstance(rows, tuple) and list(rows) == plain(bank)
    assert isinstance(figure_rows, tuple) and list(figure_rows) == plain(figures)
    for row in rows:
        assert isinstance(row["tags"], tuple) and all(isinstance(t, str) for t in row["tags"])
        assert all(isinstance(v, (str, int, tuple)) or v is None for v in row.values())
        assert all(isinstance(row[k], str) for k in ("place", "lead", "presented_by", "scale", "problem"))
    assert any(row["population"] is None for row in rows) and any(isinstance(r["population"], int) for r in rows)
    assert all(isinstance(r["value"], float) and isinstance(r["qualifier"], str) for r in figure_rows)
    rows[0]["title"] = "changed"  # fresh dicts on every call
    assert data.story_bank_rows()[0]["title"] == bank.loc[0, "title"]


@pytest.mark.parametrize("case", sorted(CORRUPTIONS))
def test_corrupted_bank_raises_one_readable_error_as_frame_and_as_rows(case, datasets_copy):
    file, change, expected = CORRUPTIONS[case]
    edit(datasets_copy, file, change)
    with pytest.raises(data.DatasetError) as frame_error:
        data.story_bank(datasets_dir=datasets_copy)
    with pytest.raises(data.DatasetError) as rows_error:
        data.story_bank_rows(datasets_dir=datasets_copy)
    assert str(rows_error.value) == str(frame_error.value)
    assert_readable(rows_error, expected, file)


@pytest.mark.parametrize("case", sorted(FIGURE_CORRUPTIONS))
def test_corrupted_figures_raise_one_readable_error_as_frame_and_as_rows(case, datasets_copy):
    change, expected = FIGURE_CORRUPTIONS[case]
    edit(datasets_copy, "story_figures.csv", change)
    with pytest.raises(data.DatasetError) as frame_error:
        data.story_figures(datasets_dir=datasets_copy)
    with pytest.raises(data.DatasetError) as rows_error:
        data.story_figures_rows(datasets_dir=datasets_copy)
    assert str(rows_error.value) == str(frame_error.value)
    assert_readable(rows_error, expected, "story_figures.csv")


def test_a_bad_tag_is_caught_even_when_the_table_is_read_back_from_disk(datasets_copy, tmp_path, monkeypatch):
    """The table's own checks pass (so it is kept on disk), but the tags are checked on every read."""
    monkeypatch.setenv(data.VALIDATED_ENV, str(tmp_path / "cache"))
    edit(datasets_copy, "story_bank.csv", set_cell(3, "tags", "ae_pressure;a_and_e"))
    for _ in range(2):  # checked afresh, then read back from the disk
        with pytest.raises(data.DatasetError, match=r"row 4, column 'tags': unknown tag 'a_and_e'"):
            data.story_bank_rows(datasets_dir=datasets_copy)
        data._load.cache_clear()
        data._rows.cache_clear()
    assert list((tmp_path / "cache" / "validated").glob("*.rows"))


def test_spaces_around_tag_separators_are_accepted_in_plain_rows(datasets_copy):
    edit(datasets_copy, "story_bank.csv", set_cell(1, "tags", "integration ; care_homes"))
    assert data.story_bank_rows(datasets_dir=datasets_copy)[0]["tags"] == ("integration", "care_homes")
