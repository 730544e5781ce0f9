"""The purpose and autonomy charts give the same Vega-Lite from plain rows as they gave from frames.

The apps pass plain rows so that their first screen needs no pandas; the live chart front end
updates named datasets in place, so the data, and the names of the datasets, must not change.
"""
import json

import altair as alt
import pandas as pd
import pytest

from pcn_workbook import data
from pcn_workbook.charts import autonomy as ac
from pcn_workbook.charts import purpose as pc
from pcn_workbook.models import gainshare as gs
from pcn_workbook.models import purpose as pm

SCENARIOS = [r["scenario"] for r in data.autonomy_scenario_rows()]


def _cases():
    for scenario in SCENARIOS:
        group = data.autonomy_group(scenario)
        for tolerance in (0.75, gs.TOLERANCE_RANGE[1]):
            for rule in (r.key for r in gs.RULES):
                yield scenario, group, tolerance, gs.compare(group, tolerance, rule)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_chart_rows_are_what_the_frames_gave(scenario):
    for name, group, tolerance, outcomes in _cases():
        if name != scenario:
            continue
        ceiling = gs.grand_coalition_value(group)
        parts = ac.paradox_parts(outcomes, group, tolerance, ceiling)
        old = ac._records(ac.regime_table(outcomes, group, tolerance))
        assert json.dumps(parts["datasets"]["regimes"]) == json.dumps(old)
        assert parts["description"].endswith(
            "; ".join(f"{r.regime}: {ac.money(r.benefit)} a year, autonomy {r.autonomy:.0%}"
                      for r in ac.regime_table(outcomes, group, tolerance).itertuples()) + ".")
        for outcome in outcomes:
            parts = ac.practice_parts(outcome, group, tolerance)
            table = ac.practice_table(outcome, group, tolerance)
            assert json.dumps(parts["datasets"]["practices"]) == json.dumps(ac._records(table))
            assert ("; ".join(f"{r.practice}: {r.text} ({r.status})" for r in table.itertuples())
                    in parts["description"])


def test_as_columns_makes_a_column_with_any_float_all_floats_as_a_frame_does():
    import numpy as np

    rows = [{"a": 0, "b": 1, "c": True, "d": "x", "e": np.float64(2.0), "f": np.int64(3)},
            {"a": 1.5, "b": 2, "c": False, "d": "y", "e": 4, "f": 5}]
    assert json.dumps(ac._as_columns([dict(r) for r in rows])) == json.dumps(ac._records(pd.DataFrame(rows)))
    assert ac._as_columns([]) == []


def test_compass_parts_take_rows_or_the_frame_alike():
    room = [pm.placement("A", 3, 4, pcn="North"), pm.placement("B", 8, 7, pcn="North"),
            pm.placement("C", 5, 9, pcn="South")]
    for placements, pcn in (((), None), (room, "North"), (room, None)):
        assert pc.compass_parts(data.purpose_reference_rows(), placements, pcn) == \
            pc.compass_parts(data.purpose_references(), placements, pcn)
    assert pc.compass_chart(data.purpose_reference_rows(), room, "North").to_dict() == \
        pc.compass_chart(data.purpose_references(), room, "North").to_dict()


def test_the_compass_keeps_the_dataset_names_a_frame_gave():
    spec = pc.compass_chart(data.purpose_reference_rows()).to_dict()
    for frame in (pd.DataFrame({"v": [pm.MIDPOINT]}), pd.DataFrame(pc.CORNERS)):
        named = alt.Chart(frame).mark_point().to_dict()
        (name, values), = named["datasets"].items()
        assert json.dumps(spec["datasets"][name]) == json.dumps(values)
