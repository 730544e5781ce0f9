"""The Scale choices chapter's data: real NHS list sizes, Malby's tiers, functions and the evidence on scale."""
import csv
import json
import math

import numpy as np
import pandas as pd
import pytest

from dataset_files import DATASETS, read_rows, write_rows
from pcn_workbook import data

# FIGURES.md, "Practices and list sizes": January 2021, whole file.
PRACTICES, PATIENTS, MEAN, MEDIAN = 6_658, 60_606_345, 9_103, 7_931
# FIGURES.md, "Economies of scale": NHS Digital 2013/14 via GPonline, GBP per patient.
BY_GPS = {"Single-handed": 88.49, "2-3 GPs": 91.11, "4-5 GPs": 95.82, "6 or more GPs": 98.45}
BY_PARTNERS = {"Single-handed (1 partner)": 95.81, "6 or more partners": 93.69}
SMALL = "list under 1,000: likely a new or closing practice"


@pytest.fixture(scope="module")
def nhs():
    return data.nhs_practices()


def raw_sizes() -> np.ndarray:
    with (DATASETS / "nhs_practice_lists_2021_01.csv").open(newline="") as f:
        return np.array([int(r["NUMBER_OF_PATIENTS"]) for r in csv.DictReader(f)])


# ---------------------------------------------------------------- NHS list sizes

def test_summary_reproduces_the_published_figures(nhs):
    _, summary = nhs
    assert (summary.practices, summary.patients) == (PRACTICES, PATIENTS)
    assert (summary.mean, summary.median) == (MEAN, MEDIAN)
    assert isinstance(summary.mean, float) and isinstance(summary.median, float)


def test_median_is_rounded_half_up_from_numpy():
    sizes = raw_sizes()
    assert np.median(sizes) == 7_930.5  # the two middle practices average to a half
    assert round(np.median(sizes)) == 7_930  # why plain round() is not used
    assert math.isclose(sizes.mean(), 9_102.785, abs_tol=0.001)


def test_exclusions_are_listed_with_reasons_and_add_up(nhs):
    kept, summary = nhs
    excluded = summary.excluded
    assert list(excluded.columns) == ["code", "ccg", "postcode", "list_size", "reason"]
    assert set(excluded["reason"]) == {SMALL}  # every postcode in the file parses
    assert (excluded["list_size"] < 1_000).all() and (kept["list_size"] >= 1_000).all()
    assert len(excluded) == (raw_sizes() < 1_000).sum() == 76
    assert summary.kept == len(kept) == PRACTICES - len(excluded) == 6_582
    assert summary.kept_patients == kept["list_size"].sum() == PATIENTS - excluded["list_size"].sum()
    assert not set(kept["code"]) & set(excluded["code"])
    lines = "\n".join(summary.lines())
    for text in ("6,658", "60,606,345", "9,103", "7,931", SMALL, "76 practices", "6,582", "Open Government Licence"):
        assert text in lines, f"{text!r} not in:\n{lines}"


def test_kept_practices_have_the_contract_columns_sorted_by_postcode(nhs):
    kept, _ = nhs
    assert list(kept.columns) == ["code", "ccg", "postcode", "district", "sector", "list_size"]
    assert kept["list_size"].dtype == "int64" and kept["code"].is_unique
    assert kept[["postcode", "code"]].apply(tuple, axis=1).is_monotonic_increasing
    assert kept.notna().all().all()


@pytest.mark.parametrize("code, postcode, district, sector", [
    ("N81024", "CW7 1AT", "CW7", "CW7 1"),     # Winsford
    ("N81123", "CW7 3GY", "CW7", "CW7 3"),
    ("A84002", "NE65 7UW", "NE65", "NE65 7"),
    ("E87739", "SW1P 4EN", "SW1P", "SW1P 4"),  # four-character outward code
])
def test_district_and_sector_come_from_the_postcode(nhs, code, postcode, district, sector):
    kept, _ = nhs
    row = kept.set_index("code").loc[code]
    assert (row["postcode"], row["district"], row["sector"]) == (postcode, district, sector)


def test_postcode_parsing_examples():
    parts = data.postcode_parts(pd.Series(["CW7 1AT", "sw1p3pa", " M33  3JP ", "B4 6HA", "", "NOT A CODE", None]))
    assert parts.values.tolist()[:4] == [["CW7 1AT", "CW7", "CW7 1"], ["SW1P 3PA", "SW1P", "SW1P 3"],
                                         ["M33 3JP", "M33", "M33 3"], ["B4 6HA", "B4", "B4 6"]]
    assert parts.iloc[4:].isna().all().all()


def test_winsford_practices_are_in_cw7(nhs):
    kept, _ = nhs
    cw7 = kept[kept["district"] == "CW7"]
    assert sorted(cw7["code"]) == ["N81024", "N81040", "N81074", "N81123", "N81127"]
    assert cw7["list_size"].sum() == 36_676 and (cw7["sector"].str.fullmatch(r"CW7 \d")).all()


def test_min_list_zero_keeps_everyone_and_higher_drops_more():
    kept, summary = data.nhs_practices(0)
    assert summary.excluded.empty and len(kept) == PRACTICES
    assert "No practice was left out." in summary.lines()
    kept_2k, summary_2k = data.nhs_practices(2_000)
    assert set(summary_2k.excluded["reason"]) == {"list under 2,000: likely a new or closing practice"}
    assert len(kept_2k) + len(summary_2k.excluded) == PRACTICES and len(kept_2k) < 6_582
    assert (summary_2k.practices, summary_2k.median) == (PRACTICES, MEDIAN)  # always before exclusions


@pytest.mark.parametrize("bad, words", [(-1, "negative"), (999.5, "whole number"), ("1000", "whole number"),
                                        (True, "whole number"), (float("nan"), "whole number")])
def test_bad_min_list_is_a_plain_error(bad, words):
    with pytest.raises(ValueError, match=words) as error:
        data.nhs_practices(bad)
    assert "min_list" in str(error.value)
    with pytest.raises(ValueError):
        data.ccg_areas(bad)


def test_a_whole_float_min_list_is_accepted(nhs):
    kept, _ = data.nhs_practices(1000.0)
    assert len(kept) == len(nhs[0])


def test_ccg_areas_add_up_to_the_kept_practices(nhs):
    kept, summary = nhs
    areas = data.ccg_areas()
    assert list(areas.columns) == ["ccg", "practices", "patients"]
    assert areas["ccg"].is_unique and areas["ccg"].is_monotonic_increasing and len(areas) == 135
    assert areas["practices"].sum() == summary.kept and areas["patients"].sum() == summary.kept_patients
    assert areas.set_index("ccg").loc["00L", "practices"] == (kept["ccg"] == "00L").sum()


def test_a_bad_postcode_is_excluded_with_its_reason(datasets_copy):
    path = datasets_copy / "nhs_practice_lists_2021_01.csv"
    rows = read_rows(path)
    column = rows[0].index("POSTCODE")
    rows[1][column] = "UNKNOWN"  # A84002, 5,903 patients
    write_rows(path, rows)
    kept, summary = data.nhs_practices(datasets_dir=datasets_copy)
    bad = summary.excluded[summary.excluded["code"] == "A84002"]
    assert bad["reason"].tolist() == ["postcode missing or not a UK postcode: the practice cannot be placed"]
    assert summary.kept == 6_581 and summary.practices == PRACTICES
    assert "A84002" not in set(kept["code"])


# ---------------------------------------------------------------- tiers, functions, evidence

def test_tiers_are_malbys_three_scales():
    tiers = data.scale_tiers().set_index("tier")
    assert list(tiers.index) == ["community", "locality", "borough"]
    assert tiers.loc["community", "max_population"] == 14_000
    assert tuple(tiers.loc["locality", ["min_population", "max_population"]]) == (30_000, 100_000)
    assert tuple(tiers.loc["borough", ["min_population", "max_population"]]) == (150_000, 350_000)
    locality_bands = tiers.loc["locality", "sub_band"]
    assert "30,000-50,000" in locality_bands and "30,000-100,000" in locality_bands
    assert tiers.loc["borough", "sub_band"] == ""
    for tier, words in {"community": ["management development", "team working", "co-production"],
                        "locality": ["peer leadership"], "borough": ["network leadership"]}.items():
        assert all(w in tiers.loc[tier, "leadership"].lower() for w in words)
    assert tiers["source"].str.contains("Malby").all()
    assert list(data.scale_tiers().columns)[-1] == "source_phrase" and tiers["source_phrase"].notna().all()


def test_functions_reference_known_tiers_and_sit_inside_them():
    functions, tiers = data.scale_functions(), data.scale_tiers().set_index("tier")
    assert list(functions.columns) == ["function", "label", "tier", "min_population", "source_says", "reason", "source",
                                       "source_phrase"]
    assert set(functions["tier"]) <= set(tiers.index)
    assert {"back_office", "shared_workforce", "diagnostics_rapid_assessment", "care_home_alignment",
            "integrated_mdts", "business_intelligence", "service_delivery", "community_assets",
            "representation"} == set(functions["function"])
    for f in functions.itertuples():
        assert tiers.loc[f.tier, "min_population"] <= f.min_population <= tiers.loc[f.tier, "max_population"]
    by_key = functions.set_index("function")
    assert by_key.loc["back_office", "tier"] == "locality" and by_key.loc["service_delivery", "tier"] == "borough"
    assert by_key.loc["community_assets", "tier"] == "community"
    assert "Gowland" in by_key.loc["representation", "source"] and "Gowland" in by_key.loc["representation", "source_says"]
    assert by_key.drop("representation")["source_says"].str.contains("Malby").all()


def test_the_numbers_game_is_cited_to_the_essay_it_comes_from():
    """REVIEW M9: 300,000 / 8,000 = 37.5 is in "Making general practice easy to do business with" only."""
    row = data.scale_functions().set_index("function").loc["representation"]
    assert "Making general practice easy to do business with" in row["source"]
    assert "What is a Primary Care Network for?" not in row["source"]
    assert "37.5" in row["source_says"] and "37.5" in row["source_phrase"]
    assert "workbook" in row["source_says"] and "workbook" in row["source"]  # the tier is our placement
    package = json.loads((DATASETS / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == "scale_functions")
    titles = " ".join(s["title"] for s in resource["sources"])
    assert "easy to do business with" in titles and "What is a Primary Care Network for?" not in titles


def test_reasons_are_the_workbooks_reading_not_the_sources():
    """REVIEW M11: the sources place the functions but give no reasons, so no reason names an author
    as giving it, and the schema says whose reading it is."""
    functions = data.scale_functions()
    for author in ("Malby", "Gowland"):
        assert not functions["reason"].str.contains(author).any(), author
    fields = {f["name"]: f for f in data.resource("scale_functions")["schema"]["fields"]}
    assert "workbook's" in fields["reason"]["description"] and "workbook's" in fields["reason"]["source"]
    assert fields["source_says"]["constraints"]["required"]


def test_integrated_teams_row_gives_malbys_four_groups_and_the_lead_by_severity():
    """REVIEW 3.8: four population groups; the leading profession changes with severity."""
    says = data.scale_functions().set_index("function").loc["integrated_mdts", "source_says"].lower()
    for group in ("frail", "adults", "young people", "trouble with life"):
        assert group in says, group
    assert "four groups" in says
    for lead in ("community nurse", "gp", "psychiatrist"):
        assert lead in says, lead


def test_economies_match_figures():
    table = data.economies_of_scale()
    assert list(table.columns) == ["measure", "group", "order", "value", "unit", "source", "caveat"]
    for measure, expected in (("expenses_by_gps", BY_GPS), ("expenses_by_partners", BY_PARTNERS)):
        rows = table[table["measure"] == measure]
        assert dict(zip(rows["group"], rows["value"])) == expected
        assert rows["order"].is_monotonic_increasing
    assert table["unit"].str.startswith("GBP per registered patient per year").all()
    assert table["caveat"].str.contains("Cross-sectional").all()
    assert table.loc[table["measure"] == "expenses_by_partners", "caveat"].str.contains("only the two end groups",
                                                                                        case=False).all()


def test_evidence_notes_cover_the_caveats():
    notes = data.scale_evidence_notes().set_index("note")
    assert {"cross_sectional", "expenses_not_outcomes", "pettigrew_review", "bojke_pcg"} <= set(notes.index)
    assert "five" in notes.loc["pettigrew_review", "finding"] and "2018" in notes.loc["pettigrew_review", "source"]
    assert "100,000" in notes.loc["bojke_pcg", "finding"] and "BMJ 2001" in notes.loc["bojke_pcg", "source"]


@pytest.mark.parametrize("loader, column", [(data.scale_tiers, "source"), (data.scale_functions, "source"),
                                            (data.economies_of_scale, "source"),
                                            (data.scale_evidence_notes, "source")])
def test_every_row_cites_a_source(loader, column):
    table = loader()
    assert len(table) and table[column].notna().all() and (table[column].str.len() > 20).all()


def test_unknown_tier_in_functions_is_caught(datasets_copy):
    path = datasets_copy / "scale_functions.csv"
    rows = read_rows(path)
    rows[2][rows[0].index("tier")] = "region"
    write_rows(path, rows)
    with pytest.raises(data.DatasetError, match=r"scale_functions.csv[\s\S]*row 3.*tier"):
        data.scale_functions(datasets_dir=datasets_copy)


def test_package_describes_the_scale_tables():
    package = json.loads((DATASETS / "datapackage.json").read_text(encoding="utf-8"))
    names = {r["name"] for r in package["resources"]}
    assert {"scale_tiers", "scale_functions", "economies_of_scale", "scale_evidence_notes"} <= names
