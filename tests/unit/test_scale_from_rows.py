"""The scale chapter from plain rows: grouping, charts and the app's words give what the frames give."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pcn_workbook import data
from pcn_workbook.apps import scale as app
from pcn_workbook.charts import scale as charts
from pcn_workbook.models import scale as sc


def area(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["code", "postcode", "list_size"])


GOOD = area([("A", "CW1 1AA", 20_000), ("B", "CW2 1AA", 20_000)])


def as_rows(frame: pd.DataFrame) -> list[dict]:
    return frame.to_dict("records")


@pytest.mark.parametrize("ccg", ["27D", "00L", "00T", "99A"])
@pytest.mark.parametrize("band", [(30_000, 50_000), (5_000, 5_000), (60_000, 90_000), (100_000, 400_000)])
def test_grouping_real_areas_from_rows_equals_from_frames(ccg, band):
    practices = data.nhs_practices()[0]
    frame = practices[practices.ccg == ccg][["code", "postcode", "list_size"]]
    rows = [r for r in data.nhs_practice_rows()[0] if r["ccg"] == ccg]
    assert len(rows) == len(frame) > 0
    assert sc.group_practices(rows, *band) == sc.group_practices(frame, *band)
    assert sc.group_practices(tuple(rows), *band) == sc.group_practices(frame, *band)


def test_rows_may_carry_other_keys_and_plain_or_float_sizes():
    rows = [dict(r, ccg="27D") for r in as_rows(GOOD)]
    assert sc.group_practices(rows, 30_000, 50_000) == sc.group_practices(GOOD, 30_000, 50_000)
    floats = [dict(r, list_size=float(r["list_size"])) for r in as_rows(GOOD)]
    assert sc.group_practices(floats, 30_000, 50_000) == sc.group_practices(GOOD, 30_000, 50_000)


BAD = [
    (area([]), []),
    (GOOD.drop(columns="postcode"), [dict(code="A", list_size=1)]),
    (GOOD.drop(columns=["code", "list_size"]), [dict(postcode="CW1 1AA")]),
    (GOOD.assign(list_size=[20_000, 0]), None),
    (GOOD.assign(list_size=[-5, 20_000]), None),
    (GOOD.assign(list_size=[20_000, math.nan]), None),
    (GOOD.assign(list_size=[20_000, math.inf]), None),
    (GOOD.assign(list_size=[20_000.5, 1]), None),
    (GOOD.assign(list_size=["20000", 1]), None),
    (GOOD.assign(postcode=["CW1 1AA", None]), None),
    (GOOD.assign(postcode=["  ", "CW1 1AA"]), None),
    (GOOD.assign(code=["A", "A"]), None),
    (GOOD.assign(code=["A", None]), None),
]


@pytest.mark.parametrize("frame, rows", BAD)
def test_bad_rows_get_the_frames_message(frame, rows):
    rows = as_rows(frame) if rows is None else rows
    with pytest.raises(sc.ScaleError) as from_frame:
        sc.group_practices(frame, 30_000, 50_000)
    with pytest.raises(sc.ScaleError) as from_rows:
        sc.group_practices(rows, 30_000, 50_000)
    assert str(from_rows.value) == str(from_frame.value)


@pytest.mark.parametrize("not_a_table", [[("A", "CW1 1AA", 20_000)], "A,CW1 1AA,20000", None,
                                         {"code": "A", "postcode": "CW1 1AA", "list_size": 1}, [GOOD.iloc[0].to_dict(), 3],
                                         iter(as_rows(GOOD))])
def test_what_is_neither_rows_nor_a_frame_is_refused_as_before(not_a_table):
    with pytest.raises(sc.ScaleError) as e:
        sc.group_practices(not_a_table, 30_000, 50_000)
    assert str(e.value) == "the practices must be a table with columns code, postcode and list_size"


def test_evidence_chart_is_the_same_from_rows_and_from_a_frame():
    frame = data.economies_of_scale()
    for measure in ("expenses_by_gps", "expenses_by_partners"):
        rows = [r for r in data.economies_of_scale_rows() if r["measure"] == measure]
        spec = charts.evidence_chart(rows).to_dict()
        assert spec == charts.evidence_chart(frame[frame.measure == measure]).to_dict()
        assert list(spec["datasets"]) == ["evidence"]  # a fixed design, its rows a named dataset (charts.designs)
        assert [r["value"] for r in spec["datasets"]["evidence"]] == [r["value"] for r in rows]
        assert f"£{rows[0]['value']:.2f}" in spec["description"]


def test_the_apps_words_are_the_same_from_rows_and_from_frames():
    evidence = data.economies_of_scale()
    assert app.merge_answer(data.economies_of_scale_rows()) == app.merge_answer(evidence)
    assert app.evidence_notes(data.scale_evidence_note_rows()) == app.evidence_notes(data.scale_evidence_notes())
    areas = data.area_rows(data.nhs_practice_rows()[0])
    assert app.median_area(areas) == app.median_area(data.areas_of(data.nhs_practices()[0]))


def test_median_area_takes_the_area_nearest_the_median_and_the_first_of_a_tie():
    areas = [dict(ccg="A", patients=10), dict(ccg="B", patients=40), dict(ccg="C", patients=20)]
    assert app.median_area(areas) == "C"
    tie = [dict(ccg="A", patients=10), dict(ccg="B", patients=30), dict(ccg="C", patients=20), dict(ccg="D", patients=90)]
    assert app.median_area(tie) == "B"  # median 25: B and C are 5 away; B is listed first
    assert app.median_area(pd.DataFrame(tie)) == "B" and app.median_area(tie[::-1]) == "C"
