"""The purpose model (compass, statement check, readiness, reasons sort), its charts and loaders."""

from __future__ import annotations

import ast
import doctest
import math

import pytest

from pcn_workbook import data
from pcn_workbook.charts import purpose as pc
from pcn_workbook.models import purpose as pm


def test_doctests_in_purpose_module_pass():
    result = doctest.testmod(pm, verbose=False)
    assert result.attempted > 10 and result.failed == 0


def test_model_imports_no_ui_library():
    tree = ast.parse(open(pm.__file__, encoding="utf-8").read())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported and not imported & {"ipywidgets", "altair", "anywidget", "pandas", "numpy"}


# --- compass -------------------------------------------------------------------------------------

def test_placement_accepts_the_ends_of_both_axes_and_tidies_names():
    assert pm.placement("  Dr A ", 0, 10, " North ") == pm.Placement("Dr A", 0.0, 10.0, "North")


@pytest.mark.parametrize("inward, outward, words", [
    (-0.1, 5, "inward must be from 0 to 10; -0.1 is outside the compass"),
    (5, 10.5, "outward must be from 0 to 10; 10.5 is outside the compass"),
    (float("nan"), 5, "inward must be a number from 0 to 10, not nan"),
    (5, float("inf"), "outward must be a number from 0 to 10, not inf"),
    (True, 5, "inward must be a number from 0 to 10, not True"),
    ("7", 5, "inward must be a number from 0 to 10, not '7'"),
    (None, 5, "inward must be a number"),
])
def test_placement_rejects_bad_scores_with_a_plain_message(inward, outward, words):
    with pytest.raises(pm.PurposeError, match="^" + words.replace("(", r"\(").replace(")", r"\)")
                       .replace(".", r"\.")):
        pm.placement("Dr A", inward, outward)


@pytest.mark.parametrize("who", ["", "   ", None, 3])
def test_placement_needs_a_name(who):
    with pytest.raises(pm.PurposeError, match="needs a name"):
        pm.placement(who, 5, 5)


def test_placement_rejects_a_pcn_that_is_not_text():
    with pytest.raises(pm.PurposeError, match="PCN must be text"):
        pm.placement("Dr A", 5, 5, pcn=7)


@pytest.mark.parametrize("inward, outward, expected", [
    (9, 2, "mostly inward"), (3, 9, "mostly outward"), (6, 6, "both inward and outward"),
    (1, 4.9, "neither yet"), (pm.MIDPOINT, pm.MIDPOINT, "both inward and outward"),
])
def test_reading_names_the_quadrant(inward, outward, expected):
    assert pm.reading(inward, outward) == expected


def test_reading_checks_its_scores():
    with pytest.raises(pm.PurposeError, match="outside the compass"):
        pm.reading(12, 1)


def test_distance_is_euclidean_in_compass_points():
    a, b = pm.placement("a", 0, 0), pm.placement("b", 10, 10)
    assert pm.distance(a, b) == pytest.approx(math.sqrt(200))
    assert pm.distance(a, a) == 0


ROOM = [pm.placement("Dr Ahmed", 7, 3, "North"), pm.placement("Ms Brown", 3, 7.5, "North"),
        pm.placement("Dr Cole", 6, 5, "North"), pm.placement("Dr Dee", 8, 1, "South"),
        pm.placement("Mr Eze", 4, 4, "South"), pm.placement("Dr Fox", 5.5, 8)]


def test_summarise_room_centre_spread_and_furthest_pair():
    room = pm.summarise_room(ROOM)
    inward = [p.inward for p in ROOM]
    outward = [p.outward for p in ROOM]
    assert room.count == 6
    assert room.centre == pytest.approx((sum(inward) / 6, sum(outward) / 6))
    mean_in = sum(inward) / 6
    assert room.sd[0] == pytest.approx(math.sqrt(sum((v - mean_in) ** 2 for v in inward) / 6))
    pairs = [(a.who, b.who, pm.distance(a, b)) for i, a in enumerate(ROOM) for b in ROOM[i + 1:]]
    widest = max(pairs, key=lambda t: t[2])
    assert room.furthest[2] == pytest.approx(widest[2])
    assert set(room.furthest[:2]) == set(widest[:2])
    assert room.mean_distance_from_centre > 0


def test_summarise_room_lists_named_pcns_widest_first_and_leaves_out_unnamed():
    room = pm.summarise_room(ROOM)
    assert [s.pcn for s in room.pcns] == ["North", "South"]  # North: 6.0 points apart; South: 5.0
    north = room.pcn("North")
    assert north.count == 3 and len(north.pairs) == 3
    assert north.furthest[:2] == ("Dr Ahmed", "Ms Brown")
    assert north.max_distance == pytest.approx(math.hypot(4, 4.5))
    assert north.mean_distance == pytest.approx(sum(d for *_, d in north.pairs) / 3)
    assert [d for *_, d in north.pairs] == sorted((d for *_, d in north.pairs), reverse=True)


def test_room_pcn_lookup_names_the_pcns_it_knows():
    with pytest.raises(pm.PurposeError, match=r"no placements for the PCN 'East' \(PCNs in the room: North, South\)"):
        pm.summarise_room(ROOM).pcn("East")


def test_a_pcn_of_one_has_no_pair():
    spread = pm.pcn_spread([pm.placement("Solo", 2, 2, "West")], "West")
    assert spread.furthest is None and spread.pairs == () and spread.max_distance == 0 == spread.mean_distance


def test_pcn_spread_of_an_absent_pcn_fails():
    with pytest.raises(pm.PurposeError, match="no placements for the PCN 'East'"):
        pm.pcn_spread(ROOM, "East")


def test_summarise_room_of_one_placement():
    room = pm.summarise_room([pm.placement("A", 3, 4)])
    assert room.centre == (3, 4) and room.sd == (0, 0) and room.furthest is None and room.pcns == ()


def test_summarise_room_rejects_empty_rooms_and_unchecked_placements():
    with pytest.raises(pm.PurposeError, match="no placements yet"):
        pm.summarise_room([])
    with pytest.raises(pm.PurposeError, match="outside the compass"):
        pm.summarise_room([pm.Placement("sneaky", 50, 5)])  # built without placement(): checked anyway
    with pytest.raises(pm.PurposeError, match="expected placements made with placement"):
        pm.summarise_room([(3, 4)])


# --- statement -----------------------------------------------------------------------------------

def test_a_statement_meeting_all_three_questions():
    result = pm.check_statement("All five practices agreed to keep care close to home, reviewed every quarter.")
    assert result.error is None and result.met == 3
    assert result.check("what_for").cues == ("to keep",)
    assert "'all'" in result.check("shared").reason and result.check("shared").reason.startswith("Met")


def test_each_question_not_met_says_what_to_add():
    result = pm.check_statement("Better care close to home.")
    assert result.error is None and result.met == 0
    for question in pm.QUESTIONS:
        check = result.check(question)
        assert not check.met and check.cues == ()
        assert check.reason == f"Not yet. {pm.HINTS[question]}"


@pytest.mark.parametrize("text, met", [
    ("So that patients are seen the same day", {"what_for"}),
    ("Together we run the practices as one", {"shared"}),
    ("Waiting times measured and published monthly", {"held_to"}),
    ("We aim to cut A&E visits 10% by 2026", {"what_for", "shared", "held_to"}),
])
def test_cues_decide_each_question(text, met):
    result = pm.check_statement(text)
    assert {c.question for c in result.checks if c.met} == met


def test_cues_match_whole_words_only():
    # "wellbeing" holds "we" and "purposeful" holds "purpose", but neither is the cue word
    result = pm.check_statement("Wellbeing clinics purposeful overall scheme")
    assert result.met == 0


def test_statement_is_tidied_to_one_line():
    result = pm.check_statement("  We aim\n\tto keep\x00 practices open  ")
    assert result.statement == "We aim to keep practices open"


@pytest.mark.parametrize("text, message", [
    ("", "The statement is empty: write one line on what your network is for."),
    (" \n\t ", "The statement is empty: write one line on what your network is for."),
    ("Care for all.", "Too short to check: write at least 4 words (this has 3)."),
    ("x" * (pm.MAX_CHARS + 1), f"Too long for one line: {pm.MAX_CHARS + 1} characters; keep it to {pm.MAX_CHARS}."),
])
def test_statements_that_cannot_be_checked_get_a_plain_error(text, message):
    result = pm.check_statement(text)
    assert result.error == message
    assert result.met == 0 and [c.reason for c in result.checks] == [pm.HINTS[q] for q in pm.QUESTIONS]


def test_a_statement_of_exactly_the_limit_is_checked():
    text = ("we aim to " + "a" * pm.MAX_CHARS)[:pm.MAX_CHARS]
    assert pm.check_statement(text).error is None


@pytest.mark.parametrize("bad", [None, 42, b"bytes", ["list"]])
def test_statement_must_be_text(bad):
    with pytest.raises(pm.PurposeError, match="must be text"):
        pm.check_statement(bad)


def test_unknown_question_lookup_fails():
    with pytest.raises(pm.PurposeError, match="unknown question 'why'"):
        pm.check_statement("We aim to help patients").check("why")


def test_question_keys_match_the_dataset():
    table = data.purpose_questions()
    assert tuple(table["question"]) == pm.QUESTIONS
    assert set(pm.CUES) == set(pm.HINTS) == set(pm.QUESTIONS)


# --- readiness -----------------------------------------------------------------------------------

SCORES = {"A": {"vision": 4, "data": 3, "time": 2},
          "B": {"vision": 1, "data": 3, "time": 2},
          "C": {"vision": 2, "data": 2, "time": 2}}


def test_readiness_per_item_statistics():
    summary = pm.summarise_readiness(SCORES)
    vision = summary.item("vision")
    assert (vision.count, vision.min, vision.max, vision.range) == (3, 1, 4, 3)
    assert vision.mean == pytest.approx(7 / 3)
    assert vision.sd == pytest.approx(math.sqrt(((4 - 7 / 3) ** 2 + (1 - 7 / 3) ** 2 + (2 - 7 / 3) ** 2) / 3))
    assert vision.slowest == ("B",)
    assert summary.item("time").slowest == ("A", "B", "C") and summary.item("time").sd == 0


def test_readiness_overall_pace_and_slowest_practice():
    summary = pm.summarise_readiness(SCORES)
    assert summary.overall_mean == pytest.approx(21 / 9)
    assert summary.pace_of_slowest == pytest.approx((1 + 2 + 2) / 3)
    assert summary.practice_means == pytest.approx({"A": 3, "B": 2, "C": 2})
    assert summary.slowest_practice == "B"  # tie with C: the first in order


def test_widest_disagreement_orders_by_range_then_sd():
    scores = {"A": {"x": 1, "y": 1, "z": 3}, "B": {"x": 3, "y": 3, "z": 3}, "C": {"x": 3, "y": 1, "z": 3}}
    summary = pm.summarise_readiness(scores)
    # x and y both range 2; y's SD equals x's, so file order keeps x first; z (range 0) is last
    assert [s.item for s in summary.widest(3)] == ["x", "y", "z"]
    scores["C"]["y"] = 2  # y: 1, 3, 2 -> same range, smaller SD than x
    assert [s.item for s in pm.summarise_readiness(scores).widest(2)] == ["x", "y"]
    assert [s.item for s in pm.summarise_readiness(scores).widest(10)] == ["x", "y", "z"]


@pytest.mark.parametrize("count", [0, -1, 1.5, True, "2"])
def test_widest_count_must_be_a_positive_whole_number(count):
    with pytest.raises(pm.PurposeError, match="count must be a whole number"):
        pm.summarise_readiness(SCORES).widest(count)


def test_items_order_follows_the_given_list():
    summary = pm.summarise_readiness(SCORES, items=["time", "data", "vision"])
    assert [s.item for s in summary.items] == ["time", "data", "vision"]


@pytest.mark.parametrize("scores, words", [
    ({}, "no scores yet"),
    ({"A": {}}, "there are no readiness items to score"),
    ({"A": {"vision": 5}}, "'A', vision: the score must be a whole number from 1 to 4, not 5"),
    ({"A": {"vision": 0}}, "not 0"),
    ({"A": {"vision": 2.5}}, "not 2.5"),
    ({"A": {"vision": True}}, "not True"),
    ({"A": {"vision": "3"}}, "not '3'"),
    ({"A": {"vision": float("nan")}}, "not nan"),
    ({"A": {"vision": 3}, "B": {}}, "'B' has not scored: vision"),
    ({"A": {"vision": 3}, "B": {"vision": 3, "extra": 2}}, "'B' scored unknown items: extra"),
    ({"A": {"vision": 3}, "": {"vision": 3}}, "every practice needs a name"),
    ({"A": [3]}, "must map each item to a score"),
])
def test_bad_scores_get_plain_messages(scores, words):
    with pytest.raises(pm.PurposeError, match=words.replace("(", r"\(").replace(")", r"\)")):
        pm.summarise_readiness(scores)


def test_every_problem_is_listed_at_once():
    with pytest.raises(pm.PurposeError) as error:
        pm.check_scores({"A": {"x": 9, "y": 1}, "B": {"x": 1}})
    assert "'A', x" in str(error.value) and "'B' has not scored: y" in str(error.value)


def test_whole_number_floats_are_accepted():
    assert pm.summarise_readiness({"A": {"x": 3.0}}).item("x").max == 3


def test_unknown_item_lookup_fails():
    with pytest.raises(pm.PurposeError, match="unknown readiness item 'nope'"):
        pm.summarise_readiness(SCORES).item("nope")


# --- reasons sort --------------------------------------------------------------------------------

CARDS = (pm.Reason("money", "To make money", "unsound", "Money is a result."),
         pm.Reason("backoffice", "To share a back office", "sound", "It names shared work."),
         pm.Reason("copy", "Everyone else is", "unsound", "Copying is no purpose."))


def test_sort_scores_and_explains_each_reason():
    result = pm.score_sort({"money": "unsound", "backoffice": "unsound"}, CARDS)
    assert (result.correct, result.sorted, result.total, result.complete) == (1, 2, 3, False)
    money, backoffice, copy = result.feedback
    assert money.correct and money.feedback == "Right: the source counts this as unsound. Money is a result."
    assert not backoffice.correct and backoffice.feedback.startswith("Not quite: the source counts this as sound.")
    assert copy.chosen is None and not copy.correct and copy.feedback == "Not sorted yet."


def test_a_complete_correct_sort():
    result = pm.score_sort({c.reason: c.verdict for c in CARDS}, CARDS)
    assert result.complete and result.correct == 3


@pytest.mark.parametrize("answers, words", [
    ({"nope": "sound"}, "unknown reason 'nope'"),
    ({"money": "maybe"}, "'money': choose 'sound' or 'unsound', not 'maybe'"),
    (["money"], "must map each reason"),
])
def test_bad_sorts_get_plain_messages(answers, words):
    with pytest.raises(pm.PurposeError, match=words):
        pm.score_sort(answers, CARDS)


def test_a_sort_needs_reasons_with_known_verdicts():
    with pytest.raises(pm.PurposeError, match="there are no reasons to sort"):
        pm.score_sort({}, [])
    with pytest.raises(pm.PurposeError, match="has verdict 'meh'"):
        pm.score_sort({}, [pm.Reason("x", "X", "meh", "why")])


def test_the_dataset_sort_against_itself_is_all_correct():
    cards = data.purpose_reason_cards()
    result = pm.score_sort({c.reason: c.verdict for c in cards}, cards)
    assert result.correct == result.total == len(data.purpose_reasons())
    flipped = pm.score_sort({c.reason: ("sound" if c.verdict == "unsound" else "unsound") for c in cards}, cards)
    assert flipped.correct == 0 and flipped.complete


# --- charts --------------------------------------------------------------------------------------

def test_compass_parts_describe_what_is_shown_now():
    refs = data.purpose_references()
    empty = pc.compass_parts(refs)
    assert empty["datasets"]["placements"] == [] and "No placements yet." in empty["description"]
    for r in refs.itertuples():
        assert f"{r.label} at inward {r.inward:g}, outward {r.outward:g}" in empty["description"]
    full = pc.compass_parts(refs, ROOM, "North")
    assert "6 placements in the room" in full["description"]
    assert "North: 3 views; Dr Ahmed and Ms Brown stand furthest apart, 6 points" in full["description"]
    assert full["description"] != empty["description"]
    assert [p["who"] for p in full["datasets"]["placements"] if p["focus"]] == ["Dr Ahmed", "Ms Brown", "Dr Cole"]
    assert [p["who"] for p in full["datasets"]["furthest"]] == ["Dr Ahmed", "Ms Brown"]
    assert "North's members" in full["title"]["subtitle"]


def test_compass_without_a_chosen_pcn_marks_no_one():
    parts = pc.compass_parts(data.purpose_references(), ROOM)
    assert not any(p["focus"] for p in parts["datasets"]["placements"]) and parts["datasets"]["furthest"] == []


def test_compass_chart_builds_a_valid_spec_with_named_data():
    spec = pc.compass_chart(data.purpose_references(), ROOM, "South").to_dict()
    assert set(spec["datasets"]) >= {"references", "placements", "centre", "furthest"}
    assert "Dr Dee and Mr Eze" in spec["description"]
    assert pc.compass_template() is pc.compass_template()  # cached design


def test_readiness_parts_mark_the_slowest_and_describe_the_spread():
    summary = pm.summarise_readiness(SCORES)
    parts = pc.readiness_parts(summary, SCORES, {"vision": "Vision"})
    rows = parts["datasets"]["scores"]
    assert len(rows) == 9
    slowest = {(r["item"], r["practice"]) for r in rows if r["status"] == pc.SLOWEST}
    assert slowest == {("vision", "B"), ("data", "C"), ("time", "A"), ("time", "B"), ("time", "C")}
    # tied scores sit side by side, centred on the score
    time_x = sorted(r["x"] for r in rows if r["item"] == "time")
    assert time_x == pytest.approx([2 - pc.NUDGE, 2, 2 + pc.NUDGE])
    assert "Widest disagreement: Vision (from 1 to 4)" in parts["description"]
    assert "Slowest practice overall: B" in parts["description"]
    changed = {**SCORES, "B": {"vision": 4, "data": 3, "time": 2}}
    other = pc.readiness_parts(pm.summarise_readiness(changed), changed)
    assert other["description"] != parts["description"]


def test_readiness_chart_on_the_demo_data():
    items = data.readiness_items()
    scores = data.readiness_demo_scores()
    summary = pm.summarise_readiness(scores, list(items["item"]))
    spec = pc.readiness_chart(summary, scores, dict(zip(items["item"], items["label"]))).to_dict()
    assert len(spec["datasets"]["scores"]) == len(items) * len(scores)
    assert "5 practices on 16 items" in spec["description"]


def test_short_tags_for_practice_names():
    assert pc._tag("Practice C") == "C" and pc._tag("Riverside") == "Riverside"


# --- loaders -------------------------------------------------------------------------------------

def test_loaders_return_the_tables_with_empty_text_as_blank():
    refs = data.purpose_references()
    assert {"granta", "city_and_hackney"} <= set(refs["reference"])
    assert refs.loc[refs["reference"] == "granta", "lead"].item() == ""
    items = data.readiness_items()
    assert (items["crosswalk"] == "").all()  # no source names an NHS England maturity domain
    assert set(items["strand"]) == {"readiness_stage", "considerations"}
    assert (items["strand"] == "readiness_stage").sum() == 7 and (items["strand"] == "considerations").sum() == 9
    reasons = data.purpose_reasons()
    assert set(reasons["verdict"]) == {"sound", "unsound"}
    assert list(data.purpose_questions()["order"]) == [1, 2, 3]


def test_demo_scores_cover_every_practice_and_item_in_file_order():
    items = list(data.readiness_items()["item"])
    scores = data.readiness_demo_scores()
    assert list(scores) == [f"Practice {c}" for c in "ABCDE"]
    assert all(list(given) == items for given in scores.values())
