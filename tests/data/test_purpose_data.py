"""The What is a PCN for? tables: the seeded rebuild, the teaching properties and the loaders' errors."""
import csv
import json

import pytest

import dataset_files
from dataset_files import DATASETS, edit, set_cell
from pcn_workbook import data

BUILT = "readiness_demo.csv"
HAND_WRITTEN = ("purpose_references.csv", "purpose_questions.csv", "purpose_reasons.csv", "readiness_items.csv")
ILLUSTRATIVE = "illustrative (seeded synthetic, datasets/build_purpose.py)"


def load_build_module():
    return dataset_files.load_build_module("build_purpose")


def rows_of(file):
    with (DATASETS / file).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_csvs_use_lf_line_endings():
    for name in (BUILT, *HAND_WRITTEN):
        raw = (DATASETS / name).read_bytes()
        assert b"\r" not in raw and raw.endswith(b"\n"), name


def test_demo_scores_every_item_for_five_practices_and_says_illustrative():
    items = [r["item"] for r in rows_of("readiness_items.csv")]
    demo = rows_of(BUILT)
    assert sorted({r["practice"] for r in demo}) == [f"Practice {c}" for c in "ABCDE"]
    assert [r["item"] for r in demo if r["practice"] == "Practice A"] == items
    assert all(r["basis"] == ILLUSTRATIVE for r in demo)
    meta = data.resource("readiness_demo")
    assert meta["description"].startswith("ILLUSTRATIVE") and meta["sources"][0]["title"] == ILLUSTRATIVE


def demo_rows():
    build = load_build_module()
    return build, [list(r) for r in build.build()]


def test_property_check_rejects_a_network_that_agrees_on_everything():
    build, rows = demo_rows()
    build.check_properties(rows)
    for row in rows[1:]:
        row[2] = "3"
    with pytest.raises(AssertionError, match="no item spreads across the whole scale"):
        build.check_properties(rows)


def test_property_check_rejects_one_practice_slowest_everywhere():
    build, rows = demo_rows()
    for row in rows[1:]:  # Practice E lowest on every item; the rest agree apart from A on vision
        row[2] = "1" if row[0] == "Practice E" else "2"
        if row[0] == "Practice A" and row[1] == "vision_culture":
            row[2] = "4"
    with pytest.raises(AssertionError, match="slowest on every item"):
        build.check_properties(rows)


def test_contested_items_exist_in_the_items_file():
    build = load_build_module()
    with pytest.raises(AssertionError, match="CONTESTED names items"):
        build.build([("only_item", "readiness_stage")])


def test_every_reference_says_its_scores_are_the_workbooks_reading():
    for row in rows_of("purpose_references.csv"):
        assert "workbook's" in row["basis"], row["reference"]
    roles = {r["reference"]: r["role"] for r in rows_of("purpose_references.csv")}
    assert roles["granta"] == roles["city_and_hackney"] == "source_example"


def test_no_crosswalk_is_filled_without_a_source():
    assert all(r["crosswalk"] == "" for r in rows_of("readiness_items.csv"))


def test_readme_documents_the_chapter_and_the_rebuild():
    readme = (DATASETS / "README.md").read_text(encoding="utf-8")
    assert "python datasets/build_purpose.py" in readme
    for name in (BUILT, *HAND_WRITTEN, "build_purpose.py"):
        assert f"| `{name}` |" in readme, name


# --- the loaders' errors, on a throwaway copy -----------------------------------------------------

def test_a_demo_score_off_the_scale_names_row_and_column(datasets_copy):
    edit(datasets_copy, BUILT, set_cell(3, "score", "5"))
    with pytest.raises(data.DatasetError, match=r"row 4, column 'score': '5' is above the maximum 4"):
        data.readiness_demo(datasets_copy)


def test_a_demo_row_for_an_unknown_item_fails_the_foreign_key(datasets_copy):
    edit(datasets_copy, BUILT, set_cell(1, "item", "telepathy"))
    with pytest.raises(data.DatasetError, match="telepathy"):
        data.readiness_demo(datasets_copy)


def test_a_reference_off_the_compass_fails(datasets_copy):
    edit(datasets_copy, "purpose_references.csv", set_cell(1, "inward", "11"))
    with pytest.raises(data.DatasetError, match=r"row 2, column 'inward': '11.0' is above the maximum 10"):
        data.purpose_references(datasets_copy)


def test_a_reason_with_an_unknown_verdict_fails(datasets_copy):
    edit(datasets_copy, "purpose_reasons.csv", set_cell(2, "verdict", "maybe"))
    with pytest.raises(data.DatasetError, match=r"row 3, column 'verdict': 'maybe' is not one of: sound, unsound"):
        data.purpose_reasons(datasets_copy)


def test_the_new_resources_were_added_without_touching_the_others():
    names = [r["name"] for r in json.loads((DATASETS / "datapackage.json").read_text(encoding="utf-8"))["resources"]]
    assert names[-5:] == ["purpose_references", "purpose_questions", "purpose_reasons", "readiness_items",
                          "readiness_demo"]
