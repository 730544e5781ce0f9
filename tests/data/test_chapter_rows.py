"""The plain-row readers of the purpose and autonomy chapters give what the frame readers give.

The apps build their screens from these (``data.table_rows``: no pandas once a table is checked);
notebooks, the workshop and the book keep the frames. Same rows, same order, same checks, same
DatasetError messages.
"""
import json
import math

import pandas as pd
import pytest

from dataset_files import edit, set_cell
from test_data_errors import CORRUPTIONS
from pcn_workbook import data
from pcn_workbook.models import gainshare as gs


def plain(frame: pd.DataFrame) -> tuple[dict, ...]:
    """A frame's rows as Python values, missing cells as None."""
    def value(v):
        v = v.item() if hasattr(v, "item") else v
        return None if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else v
    return tuple({k: value(v) for k, v in row.items()} for row in frame.to_dict("records"))


ROWS_AND_FRAMES = [
    (data.purpose_reference_rows, data.purpose_references),
    (data.purpose_question_rows, data.purpose_questions),
    (data.purpose_reason_rows, data.purpose_reasons),
    (data.readiness_item_rows, data.readiness_items),
    (data.autonomy_scenario_rows, data.autonomy_scenarios),
]


@pytest.mark.parametrize(("rows", "frame"), ROWS_AND_FRAMES, ids=lambda f: f.__name__)
def test_rows_are_the_frames_rows(rows, frame):
    got, want = rows(), plain(frame())
    assert got == want
    assert [[type(v) for v in r.values()] for r in got] == [[type(v) for v in r.values()] for r in want]
    assert json.dumps(got) == json.dumps(want)  # 7 and 7.0 differ here, not under ==


def test_empty_text_cells_are_empty_strings_as_in_the_frames():
    meta = data.resource("purpose_reasons")
    text = [f["name"] for f in meta["schema"]["fields"] if f["type"] == "string"]
    rows = data.purpose_reason_rows()
    assert all(isinstance(r[c], str) for r in rows for c in text)
    assert any(r["example"] == "" for r in rows)  # the file has reasons without an example
    assert all(r["source_phrase"] is None or isinstance(r["source_phrase"], str) for r in data.autonomy_scenario_rows())


def test_each_call_gives_fresh_rows():
    first = data.purpose_reference_rows()
    first[0]["label"] = "changed"
    assert data.purpose_reference_rows()[0]["label"] != "changed"


def test_questions_come_in_their_order():
    assert [r["order"] for r in data.purpose_question_rows()] == sorted(r["order"] for r in data.purpose_question_rows())


def test_cards_and_demo_scores_are_read_from_the_frames_values():
    frame = data.purpose_reasons()
    assert [(c.reason, c.statement, c.verdict, c.why, c.example) for c in data.purpose_reason_cards()] == \
        [(r.reason, r.statement, r.verdict, r.why, r.example) for r in frame.itertuples()]
    order = list(data.readiness_items()["item"])
    want: dict[str, dict[str, int]] = {}
    for r in data.readiness_demo().itertuples():
        want.setdefault(r.practice, {})[r.item] = int(r.score)
    want = {p: {i: s[i] for i in order if i in s} for p, s in want.items()}
    got = data.readiness_demo_scores()
    assert got == want and [list(s) for s in got.values()] == [list(s) for s in want.values()]


# ---------------------------------------------------------------- autonomy_group against the frame version

def _old_check_complete(practices, changes, savings, scenarios, file):  # the frame version, as it was
    empty = [f"scenario '{s}' has no {what} in {where}" for s in scenarios
             for what, where, table in (("practices", "autonomy_practices.csv", practices),
                                        ("changes", "autonomy_changes.csv", changes))
             if not (table["scenario"] == s).any()]
    if empty:
        raise data.DatasetError("autonomy_scenarios.csv", empty)
    have = set(savings[["scenario", "change", "practice"]].itertuples(index=False, name=None))
    problems = [f"no saving for scenario={s}, change={c}, practice={p}"
                for s in scenarios
                for c in changes.loc[changes["scenario"] == s, "change"]
                for p in practices.loc[practices["scenario"] == s, "practice"] if (s, c, p) not in have]
    if problems:
        raise data.DatasetError(file, problems)


def _old_autonomy_group(scenario, datasets_dir=None) -> gs.Group:  # read from frames, as it was
    scenarios = data.autonomy_scenarios(datasets_dir)
    known = list(scenarios["scenario"])
    if scenario not in known:
        raise data.DatasetError(data.resource("autonomy_scenarios", datasets_dir)["path"],
                                [f"unknown scenario '{scenario}'; known scenarios: {', '.join(known)}"])
    practices = data.load_table("autonomy_practices", datasets_dir=datasets_dir)
    changes = data.load_table("autonomy_changes", datasets_dir=datasets_dir)
    savings = data.load_table("autonomy_savings", datasets_dir=datasets_dir)
    _old_check_complete(practices, changes, savings, known, data.resource("autonomy_savings", datasets_dir)["path"])
    practices, changes, savings = (t[t["scenario"] == scenario] for t in (practices, changes, savings))
    return gs.Group(
        practices=tuple(gs.Practice(r.practice, int(r.list_size)) for r in practices.itertuples()),
        changes=tuple(gs.Change(r.change, r.label, r.description, float(r.annual_cost_gbp),
                                int(r.min_population), r.source) for r in changes.itertuples()),
        saving_per_patient={(r.change, r.practice): float(r.saving_gbp_per_patient) for r in savings.itertuples()},
    )


def _same_group(a: gs.Group, b: gs.Group) -> None:
    assert a.practices == b.practices and a.changes == b.changes
    assert list(a.saving_per_patient.items()) == list(b.saving_per_patient.items())


@pytest.mark.parametrize("scenario", [r["scenario"] for r in data.autonomy_scenario_rows()])
def test_autonomy_group_is_what_the_frames_gave(scenario):
    _same_group(data.autonomy_group(scenario), _old_autonomy_group(scenario))


def _message(read, *args):
    with pytest.raises(data.DatasetError) as error:
        read(*args)
    return str(error.value)


@pytest.mark.parametrize("case", sorted(CORRUPTIONS))
def test_a_bad_autonomy_file_gives_the_same_message_as_before(case, datasets_copy):
    file, change, _expected = CORRUPTIONS[case]
    edit(datasets_copy, file, change)
    assert _message(data.autonomy_group, "five_practices", datasets_copy) == \
        _message(_old_autonomy_group, "five_practices", datasets_copy)


def test_an_unknown_scenario_gives_the_same_message_as_before():
    assert _message(data.autonomy_group, "nowhere") == _message(_old_autonomy_group, "nowhere")


@pytest.mark.parametrize("scenarios", ["all", "complete"])
def test_the_completeness_check_takes_rows_or_frames_alike(scenarios, datasets_copy):
    edit(datasets_copy, "autonomy_savings.csv", lambda rows: rows.pop(7))
    known = [r["scenario"] for r in data.autonomy_scenario_rows(datasets_copy)] + ["empty_one"] * (scenarios == "all")
    tables = ("autonomy_practices", "autonomy_changes", "autonomy_savings")
    rows = [data.table_rows(t, datasets_dir=datasets_copy) for t in tables]
    frames = [data.load_table(t, datasets_dir=datasets_copy) for t in tables]
    want = _message(_old_check_complete, *frames, known, "f.csv")
    assert ("has no practices" if scenarios == "all" else "no saving for") in want
    assert _message(data._check_complete, *rows, known, "f.csv") == want
    assert _message(data._check_complete, *frames, known, "f.csv") == want


# ---------------------------------------------------------------- bad purpose files: same message either way

PURPOSE_CORRUPTIONS = {
    "reference not a number": ("purpose_references.csv", set_cell(1, "inward", "lots"), data.purpose_references,
                               data.purpose_reference_rows),
    "reference missing label": ("purpose_references.csv", set_cell(2, "label", ""), data.purpose_references,
                                data.purpose_reference_rows),
    "question order not whole": ("purpose_questions.csv", set_cell(1, "order", "1.5"), data.purpose_questions,
                                 data.purpose_question_rows),
    "reason bad verdict": ("purpose_reasons.csv", set_cell(1, "verdict", "maybe"), data.purpose_reasons,
                           data.purpose_reason_rows),
    "item duplicate": ("readiness_items.csv", lambda rows: rows.insert(2, list(rows[1])), data.readiness_items,
                       data.readiness_item_rows),
    "demo unknown item": ("readiness_demo.csv", set_cell(1, "item", "no_such_item"), data.readiness_demo,
                          data.readiness_demo_scores),
    "demo bad score": ("readiness_demo.csv", set_cell(1, "score", "9"), data.readiness_demo, data.readiness_demo_scores),
}


@pytest.mark.parametrize("case", sorted(PURPOSE_CORRUPTIONS))
def test_a_bad_purpose_file_gives_the_same_message_from_rows_and_frames(case, datasets_copy):
    file, change, frame, rows = PURPOSE_CORRUPTIONS[case]
    edit(datasets_copy, file, change)
    message = _message(rows, datasets_copy)
    assert message.startswith(file) and "row " in message
    assert message == _message(frame, datasets_copy)
