"""The room's answers to chapter 01 ("What is a PCN for?"): validators, the room's compass,
statements and readiness (models.room, assumptions U1-U5) and their projector charts.

Expected figures are worked by hand from the definitions (the compass's centre is the mean of each
axis; distances are straight lines; readiness counts are tallies; the pace of the slowest is the
mean of each item's lowest score), never copied from a run."""

from __future__ import annotations

import json
import math

import pytest
import vl_convert as vlc

from pcn_workbook import data
from pcn_workbook.charts import room as rc
from pcn_workbook.models import purpose as pu
from pcn_workbook.models import room as rm

A = rm.RoomAnswer
ITEMS = data.readiness_items()
KEYS = list(ITEMS["item"])
LABELS = dict(zip(data.purpose_questions()["question"], data.purpose_questions()["label"]))


def scores(value: int, **special: int) -> dict:
    return {"scores": {**dict.fromkeys(KEYS, value), **special}}


def svg(chart) -> str:
    return vlc.vegalite_to_svg(chart.to_json())


def test_the_purpose_questions_have_validators_and_named_assumptions():
    for question in ("purpose.compass", "purpose.statement", "purpose.readiness"):
        assert question in rm.QUESTIONS and question in rm.VALIDATORS
    assert set(rm.ASSUMPTIONS["purpose"]) == {"U1", "U2", "U3", "U4", "U5"}
    assert "illustrative" in rm.ASSUMPTIONS["purpose"]["U4"].lower()
    for key in rm.ASSUMPTIONS["purpose"]:
        assert key in rm.__doc__


# --- validators ----------------------------------------------------------------------------------

@pytest.mark.parametrize("payload, words", [
    (None, "missing"),
    ({"inward": 5}, "outward score"),
    ({"inward": 11, "outward": 3}, "inward score must be a whole number from 0 to 10"),
    ({"inward": -1, "outward": 3}, "inward"),
    ({"inward": 2.5, "outward": 3}, "whole number"),
    ({"inward": True, "outward": 3}, "whole number"),
    ({"inward": "7", "outward": 3}, "whole number"),
    ({"inward": float("nan"), "outward": 3}, "whole number"),
])
def test_a_bad_compass_answer_gets_a_sentence(payload, words):
    with pytest.raises(rm.RoomPayloadError, match=words):
        rm.validate_purpose_compass(payload)


def test_a_compass_answer_is_cleaned():
    assert rm.validate_purpose_compass({"inward": 0, "outward": 10.0, "who": "Dr X"}) == {"inward": 0, "outward": 10}


@pytest.mark.parametrize("payload, words", [
    ({"statement": 5}, "must be text"),
    ({"statement": "   \n\t "}, "empty"),
    ({"statement": "x" * (pu.MAX_CHARS + 1)}, f"{pu.MAX_CHARS + 1:,} characters"),
    ({}, "must be text"),
])
def test_a_bad_statement_gets_a_sentence(payload, words):
    with pytest.raises(rm.RoomPayloadError, match=words):
        rm.validate_purpose_statement(payload)


def test_a_statement_is_tidied_but_never_escaped():
    clean = rm.validate_purpose_statement({"statement": " <b>We</b>\x00 aim\n\nto keep care local "})
    assert clean == {"statement": "<b>We</b> aim to keep care local"}


def test_readiness_needs_every_item_each_scored_1_to_4():
    assert rm.validate_purpose_readiness(scores(3), KEYS) == {"scores": dict.fromkeys(KEYS, 3)}
    with pytest.raises(rm.RoomPayloadError, match=f"1 of {len(KEYS)} still to score"):
        rm.validate_purpose_readiness({"scores": dict.fromkeys(KEYS[1:], 2)}, KEYS)
    with pytest.raises(rm.RoomPayloadError, match="from 1 to 4"):
        rm.validate_purpose_readiness(scores(2, **{KEYS[0]: 5}), KEYS)
    with pytest.raises(rm.RoomPayloadError, match="from 1 to 4"):
        rm.validate_purpose_readiness(scores(2, **{KEYS[0]: 2.0}), KEYS)
    with pytest.raises(rm.RoomPayloadError, match="no readiness item called 'made_up'"):
        rm.validate_purpose_readiness({"scores": {**dict.fromkeys(KEYS[1:], 2), "made_up": 1}}, KEYS)
    with pytest.raises(rm.RoomPayloadError, match="at most"):
        rm.validate_purpose_readiness({"scores": {f"k{i}": 1 for i in range(len(KEYS) + 1)}}, KEYS)
    with pytest.raises(rm.RoomPayloadError, match="at least one"):
        rm.validate_purpose_readiness({"scores": {}})


# --- the room's compass (U1-U3) ------------------------------------------------------------------

@pytest.fixture
def compass_room():
    answers = [A(1, "PCN A", {"inward": 8, "outward": 2}),
               A(2, "PCN A", {"inward": 2, "outward": 8}),
               A(3, "PCN B", {"inward": 5, "outward": 5}),
               A(4, "PCN B", {"inward": 6, "outward": 5}),
               A(5, "", {"inward": 4, "outward": 0}),
               A(6, "PCN A", {"inward": 99, "outward": 1}),  # invalid: skipped, replaces nothing
               A(1, "PCN A", {"inward": 9, "outward": 2})]  # a later answer replaces the first (R1)
    return rm.purpose_compass_room(answers)


def test_views_are_tagged_by_group_and_join_order_never_named(compass_room):
    assert [(v.tag, v.pcn, v.inward, v.outward) for v in compass_room.views] == [
        ("A1", "PCN A", 9, 2), ("A2", "PCN A", 2, 8), ("B1", "PCN B", 5, 5), ("B2", "PCN B", 6, 5), ("-1", "", 4, 0)]
    assert compass_room.answers == 5 and compass_room.skipped == 1 and compass_room.skip_reasons == {rm.INVALID: 1}


def test_the_room_centre_and_the_pcn_in_focus_are_worked_from_the_views(compass_room):
    s = compass_room.summary
    assert s.centre == pytest.approx(((9 + 2 + 5 + 6 + 4) / 5, (2 + 8 + 5 + 5 + 0) / 5))
    assert compass_room.focus.pcn == "PCN A"  # 7 and 6 apart, against PCN B's 1
    assert compass_room.focus.max_distance == pytest.approx(math.hypot(7, 6))
    assert [p.pcn for p in s.pcns] == ["PCN A", "PCN B"]  # the view without a group is in no PCN


def test_an_empty_room_has_no_summary_and_one_view_no_focus():
    assert rm.purpose_compass_room([]).summary is None
    one = rm.purpose_compass_room([A(1, "PCN C", {"inward": 3, "outward": 3})])
    assert one.focus is None and one.summary.count == 1


def test_compass_chart_carries_tags_not_names_and_says_the_spread(compass_room):
    refs = data.purpose_references()
    chart = rc.purpose_compass_chart(compass_room, refs)
    spec = json.dumps(chart.to_dict())
    assert '"who": "A1"' in spec and "PCN A" in spec
    text = rc.purpose_compass_text(compass_room, refs)
    assert "5 views" in text and "PCN A: 2 views, A1 and A2 furthest apart (9.2 points" in text
    assert "1 view without a PCN group" in text and "1 answer could not be used" in text
    assert "Granta Medical Practices at inward 9, outward 2" in text
    assert chart.to_dict()["description"] == text
    assert "<svg" in svg(chart)
    empty = rc.purpose_compass_chart(rm.purpose_compass_room([]), refs)
    assert rc.NO_ANSWERS in json.dumps(empty.to_dict()) and "<svg" in svg(empty)


# --- the room's statements (U4) ------------------------------------------------------------------

def test_statements_are_checked_one_per_participant():
    answers = [A(1, "PCN A", {"statement": "To make money."}),
               A(1, "PCN A", {"statement": "We all aim to keep care local, reviewed every year."}),
               A(2, "PCN B", {"statement": "So that patients are seen quickly"}),
               A(3, "", {"statement": ""})]
    room = rm.purpose_statements_room(answers)
    assert [(s.tag, s.check.statement) for s in room.statements] == [
        ("A1", "We all aim to keep care local, reviewed every year."), ("B1", "So that patients are seen quickly")]
    assert room.meets == {"what_for": 2, "shared": 1, "held_to": 1} and room.all_three == 1
    assert room.skip_reasons == {rm.INVALID: 1}
    text = rc.purpose_statements_text(room, LABELS)
    assert "2 approved statements" in text and f"{LABELS['shared']} 1 of 2" in text and "1 of 2 meet all three" in text
    chart = rc.purpose_statements_chart(room, LABELS)
    assert [b["meets"] for b in chart.to_dict()["datasets"]["bars"]] == [2, 1, 1]
    assert "<svg" in svg(chart)
    item = rc.statement_item(room.statements[1].check, LABELS)
    assert item["title"] == "So that patients are seen quickly"
    assert item["note"].startswith("Meets 1 of 3:") and "Not yet:" in item["note"]
    assert rc.NO_ANSWERS in rc.purpose_statements_text(rm.purpose_statements_room([]), LABELS)


# --- the room's readiness (U5) -------------------------------------------------------------------

def test_readiness_counts_the_spread_and_the_pace_of_the_slowest():
    first, second = KEYS[0], KEYS[1]
    answers = [A(1, "PCN A", scores(4, **{first: 1})),
               A(2, "PCN A", scores(3, **{first: 4})),
               A(3, "PCN B", scores(2)),
               A(4, "PCN B", {"scores": {first: 3}})]  # partial: skipped
    room = rm.purpose_readiness_room(ITEMS, answers)
    assert room.answers == 3 and room.skipped == 1
    assert room.counts[first] == {1: 1, 2: 1, 3: 0, 4: 1} and room.counts[second] == {1: 0, 2: 1, 3: 1, 4: 1}
    assert room.summary.item(first).range == 3 and room.summary.widest(1)[0].item == first
    # each item's lowest score: 1 on the first, 2 on the other fifteen
    assert room.summary.pace_of_slowest == pytest.approx((1 + 2 * (len(KEYS) - 1)) / len(KEYS))
    assert [pcn for pcn, _ in room.pcns] == ["PCN A"]  # PCN B has one usable answer
    pcn_a = dict(room.pcns)["PCN A"]
    assert pcn_a.practices == ("A1", "A2") and pcn_a.item(first).slowest == ("A1",)


def test_readiness_chart_puts_the_widest_disagreement_first_and_says_it():
    first = KEYS[3]
    room = rm.purpose_readiness_room(ITEMS, [A(1, "PCN A", scores(2, **{first: 4})), A(2, "PCN A", scores(2, **{first: 1}))])
    chart = rc.purpose_readiness_chart(room)
    cells = chart.to_dict()["datasets"]["cells"]
    top = [c for c in cells if c["rank"] == 0]
    assert {c["label"] for c in top} == {room.labels[first]}
    assert [c["count"] for c in top] == [1, 0, 0, 1] and [c["lowest"] for c in top] == [True, False, False, False]
    text = rc.purpose_readiness_text(room)
    assert f"Widest disagreement: {room.labels[first]} (from 1 to 4)" in text
    assert "PCN A (2 practices)" in text and "2 practices scored 16" in text
    short = rc.purpose_readiness_text(room, every_item=False)  # shown under the picture; the rest is its alt
    assert text.startswith(short) and "Widest first" in text and "Widest first" not in short
    assert "<svg" in svg(chart)
    empty = rc.purpose_readiness_chart(rm.purpose_readiness_room(ITEMS, []))
    assert rc.NO_ANSWERS in json.dumps(empty.to_dict()) and "<svg" in svg(empty)
