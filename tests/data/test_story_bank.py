"""The Springboard stories chapter's data: the story bank and its outcome figures.

Expected facts below are typed from the workbook's content brief (BRIEF.md, section 5 and the
sections it points to), not copied from the CSVs.
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
ELEVEN = {"larwood_bawtry", "winsford", "haverstock", "canterbury_nz", "salford", "gp_care_bristol",
          "care_home_medicines", "eastleigh_southern_parishes", "acute_visiting_service", "granta",
          "city_and_hackney"}
# Titles in BRIEF.md's "Sources" list that the story bank may cite.
BRIEF_SOURCE_TITLES = {
    "What is your story?": "Ben Gowland",
    "What is a Primary Care Network for?": "Ben Gowland",
    "The future for GP Home Visiting Services?": "Ben Gowland",
    "Cheshire takes its own steps to primary care at scale": "Primary Care Commissioning (PCC)",
    "Primary Care & Scale. Who should we be collaborating with?": "Becky Malby",
}
# (story, unit, qualifier, value) from BRIEF.md section 5 (and 7 for the LMC vote).
BRIEF_FIGURES = [
    ("larwood_bawtry", "GBP", "", 440_000), ("haverstock", "percent", "up to", 30),
    ("haverstock", "percent", "", 44), ("haverstock", "people", "", 4_000), ("winsford", "percent", "", 20),
    ("winsford", "practices", "", 5), ("canterbury_nz", "pathways", "more than", 500),
    ("canterbury_nz", "goals", "", 3), ("acute_visiting_service", "hours per day per practice", "about", 2),
    ("care_home_medicines", "percent", "about", 33), ("gp_care_bristol", "people", "about", 1_000_000),
    ("salford", "neighbourhoods", "", 6), ("acute_visiting_service", "percent", "", 74),
]
# The only leads the brief names for these cases.
BRIEF_LEADS = {"winsford": "Dr Judi Price", "haverstock": "Dr Mike Smith", "gp_care_bristol": "Dr Phil Yates",
               "city_and_hackney": "Dr Steph Coughlin"}


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
    assert list(bank.columns) == ["story", "title", "place", "country", "period", "lead", "scale", "population",
                                  "practices", "problem", "what_changed", "outcome", "without_change", "tags",
                                  "source_title", "source_author"]
    assert list(figures.columns) == ["story", "figure", "value", "unit", "period", "qualifier", "note",
                                     "source_title"]
    assert bank["story"].is_unique and bank["story"].str.fullmatch(r"[a-z][a-z0-9_]*").all()
    assert str(bank["population"].dtype) == "Int64" and str(bank["practices"].dtype) == "Int64"
    text = bank.drop(columns=["population", "practices", "tags"])
    assert text.map(lambda v: isinstance(v, str)).all().all()  # empty cells are "", never NaN
    assert figures[["period", "qualifier", "note"]].map(lambda v: isinstance(v, str)).all().all()


def test_the_eleven_cases_are_there(bank):
    assert ELEVEN <= set(bank["story"])


def test_every_story_and_figure_cites_a_source_in_the_brief(bank, figures):
    for row in bank.itertuples():
        assert row.source_title in BRIEF_SOURCE_TITLES, row.story
        assert row.source_author == BRIEF_SOURCE_TITLES[row.source_title], row.story
    assert set(figures["source_title"]) <= set(BRIEF_SOURCE_TITLES)
    assert set(field("story_bank", "source_title")["constraints"]["enum"]) == set(BRIEF_SOURCE_TITLES)


@pytest.mark.skipif(not BRIEF.exists(), reason="the content brief is not on this machine")
def test_cited_titles_are_in_the_briefs_sources_list():
    sources = BRIEF.read_text(encoding="utf-8").split("## Sources", 1)[1].split("\n## ", 1)[0]
    sources = re.sub(r"\s+", " ", sources)
    for title, author in BRIEF_SOURCE_TITLES.items():
        assert f'"{title}"' in sources and author.split(" (")[0] in sources, title


def test_every_figure_belongs_to_a_story(bank, figures):
    assert set(figures["story"]) <= set(bank["story"])
    assert not figures.duplicated(["story", "figure"]).any()


@pytest.mark.parametrize("story, unit, qualifier, value", BRIEF_FIGURES)
def test_the_briefs_figures_are_recorded(figures, story, unit, qualifier, value):
    rows = figures[(figures["story"] == story) & (figures["unit"] == unit) & (figures["value"] == value)]
    assert len(rows) == 1, f"{story}: {value} {unit}"
    assert rows["qualifier"].item() == qualifier


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
    assert {s: by_id.loc[s, "lead"] for s in by_id.index if by_id.loc[s, "lead"]} == BRIEF_LEADS
    assert {s: by_id.loc[s, "period"] for s in by_id.index if by_id.loc[s, "period"]} == {
        "canterbury_nz": "2011 onwards"}  # the only case the brief dates
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


@pytest.mark.parametrize("case", sorted(CORRUPTIONS))
def test_corrupted_bank_raises_readable_error(case, datasets_copy):
    file, change, expected = CORRUPTIONS[case]
    edit(datasets_copy, file, change)
    with pytest.raises(data.DatasetError) as error:
        data.story_bank(datasets_dir=datasets_copy)
    assert_readable(error, expected, file)


@pytest.mark.parametrize("case", sorted(FIGURE_CORRUPTIONS))
def test_corrupted_figures_raise_readable_error(case, datasets_copy):
    change, expected = FIGURE_CORRUPTIONS[case]
    edit(datasets_copy, "story_figures.csv", change)
    with pytest.raises(data.DatasetError) as error:
        data.story_figures(datasets_dir=datasets_copy)
    assert_readable(error, expected, "story_figures.csv")


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
