"""The Scale choices chapter's tables as plain rows (what the app's screen reads, without pandas):
the same rows, order, figures and exclusions as the frames, cell for cell."""
import math

import pandas as pd
import pytest

from dataset_files import read_rows, write_rows
from pcn_workbook import data

PRACTICES, PATIENTS, MEAN, MEDIAN = 6_658, 60_606_345, 9_103, 7_931


def plain(frame: pd.DataFrame) -> list[dict]:
    """A frame's rows as plain dicts, missing cells None."""
    return [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
            for row in frame.to_dict("records")]


def assert_same_cells(rows, frame: pd.DataFrame) -> None:
    assert all(list(r) == list(frame.columns) for r in rows)
    assert list(rows) == plain(frame)
    for row in rows:  # plain Python values, not numpy ones
        assert all(type(v) in (str, int, float, type(None)) for v in row.values()), row


@pytest.mark.parametrize("min_list", [1_000, 0, 2_000, 1000.0])
def test_practice_rows_are_the_frame_cell_for_cell(min_list):
    rows, summary = data.nhs_practice_rows(min_list)
    frame, frame_summary = data.nhs_practices(min_list)
    assert isinstance(rows, tuple) and isinstance(summary.excluded, tuple)
    assert_same_cells(rows, frame)
    assert_same_cells(summary.excluded, frame_summary.excluded)
    assert summary.lines() == frame_summary.lines()
    for field in ("practices", "patients", "mean", "median", "kept", "kept_patients"):
        assert getattr(summary, field) == getattr(frame_summary, field)
        assert type(getattr(summary, field)) is type(getattr(frame_summary, field))


def test_practice_rows_give_the_published_figures():
    rows, summary = data.nhs_practice_rows()
    assert (summary.practices, summary.patients, summary.mean, summary.median) == (PRACTICES, PATIENTS, MEAN, MEDIAN)
    assert summary.kept == len(rows) == 6_582 and len(summary.excluded) == 76
    assert summary.kept_patients == sum(r["list_size"] for r in rows) == PATIENTS - sum(r["list_size"] for r in summary.excluded)
    assert [(r["postcode"], r["code"]) for r in rows] == sorted((r["postcode"], r["code"]) for r in rows)
    assert [(r["list_size"], r["code"]) for r in summary.excluded] == sorted((r["list_size"], r["code"]) for r in summary.excluded)


def test_the_frames_keep_their_columns_and_types():
    frame, summary = data.nhs_practices()
    assert list(frame.columns) == list(data.PRACTICE_COLUMNS)
    assert list(summary.excluded.columns) == list(data.EXCLUDED_COLUMNS)
    for table in (frame, summary.excluded):
        assert isinstance(table.index, pd.RangeIndex)
        for column in table.columns:
            expected = "int64" if column == "list_size" else str(pd.Series(["x"]).astype(str).dtype)
            assert str(table[column].dtype) == expected, column
    empty = data.nhs_practices(0)[1].excluded
    assert empty.empty and list(empty.columns) == list(data.EXCLUDED_COLUMNS) and str(empty["list_size"].dtype) == "int64"
    assert data.nhs_practice_rows(0)[1].lines()[2] == "No practice was left out."


def test_rows_and_frames_agree_on_bad_and_untidy_postcodes(datasets_copy):
    path = datasets_copy / "nhs_practice_lists_2021_01.csv"
    rows = read_rows(path)
    header = rows[0]
    postcode, size = header.index("POSTCODE"), header.index("NUMBER_OF_PATIENTS")
    rows[1][postcode] = "UNKNOWN"  # not a postcode
    rows[2][postcode] = " ne63   9ut "  # untidy but a postcode
    rows[3][postcode], rows[3][size] = "NOT A CODE", "12"  # both reasons
    rows[4][postcode], rows[4][size] = "sw1p3pa", "40"  # small, with an untidy postcode
    write_rows(path, rows)
    plain_rows, summary = data.nhs_practice_rows(datasets_dir=datasets_copy)
    frame, frame_summary = data.nhs_practices(datasets_dir=datasets_copy)
    assert_same_cells(plain_rows, frame)
    assert_same_cells(summary.excluded, frame_summary.excluded)
    assert summary.lines() == frame_summary.lines()
    reasons = {r["code"]: r["reason"] for r in summary.excluded}
    both = [r for r in reasons.values() if "; " in r]
    assert len(both) == 1 and both[0].startswith("list under 1,000") and both[0].endswith("cannot be placed")
    assert {r["postcode"] for r in summary.excluded} >= {"UNKNOWN", "NOT A CODE", "SW1P 3PA"}
    assert "NE63 9UT" in {r["postcode"] for r in plain_rows}


@pytest.mark.parametrize("bad", [-1, 1.5, "1000", True, math.nan])
def test_practice_rows_refuse_a_bad_min_list_as_the_frames_do(bad):
    with pytest.raises(ValueError) as rows_error:
        data.nhs_practice_rows(bad)
    with pytest.raises(ValueError) as frame_error:
        data.nhs_practices(bad)
    assert str(rows_error.value) == str(frame_error.value) and "min_list" in str(rows_error.value)


def test_postcode_parts_keep_their_rule():
    parts = data.postcode_parts(pd.Series(["CW7 1AT", "sw1p3pa", " M33  3JP ", "cw7\t1at", "", "NOT A CODE", None, 12],
                                          index=list("abcdefgh")))
    assert list(parts.index) == list("abcdefgh")
    assert parts.loc[["a", "b", "c", "d"]].values.tolist() == [
        ["CW7 1AT", "CW7", "CW7 1"], ["SW1P 3PA", "SW1P", "SW1P 3"], ["M33 3JP", "M33", "M33 3"], ["CW7 1AT", "CW7", "CW7 1"]]
    assert parts.loc[["e", "f", "g", "h"]].isna().all().all()
    column = data.load_table(data.NHS_LISTS)["POSTCODE"]
    parts = data.postcode_parts(column)
    for text, (postcode, district, sector) in zip(column, parts.itertuples(index=False)):
        assert data._postcode_of(text) == (postcode, district, sector)


def test_area_rows_are_areas_of_the_frame():
    assert list(data.area_rows(data.nhs_practice_rows()[0])) == data.areas_of(data.nhs_practices()[0]).to_dict("records")
    assert list(data.area_rows(data.nhs_practice_rows()[0])) == data.ccg_areas().to_dict("records")


@pytest.mark.parametrize("rows, frame", [
    (data.scale_tier_rows, data.scale_tiers),
    (data.scale_function_rows, data.scale_functions),
    (data.economies_of_scale_rows, data.economies_of_scale),
    (data.scale_evidence_note_rows, data.scale_evidence_notes),
])
def test_chapter_table_rows_are_the_frames(rows, frame):
    assert_same_cells(rows(), frame())
