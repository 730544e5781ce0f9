"""Unit tests for pcn_workbook.models.room: the room's answers through each chapter's model.

Expected values are worked from the definitions in the module docstring (assumptions A1-A6, S1-S2,
T1-T5, P1-P4) and from the chapter models' own functions, never copied from a run of room.py. The
small autonomy group below is built so every figure can be done in one's head:

    three practices X, Y, Z of 1,000 patients each; tolerance in GBP per patient.
    c_free:  costs nothing, saves GBP 1/patient everywhere: every net = solo = 1,000, loss 0; v = 3,000.
    c_hub:   costs 3,000, saves GBP 3/patient at X and Y, nothing at Z: nets X, Y +2,000, Z -1,000;
             alone nobody can run it (3,000 - 3,000 = 0), so Z's loss is 1,000 (GBP 1/patient); v = 3,000.
    c_hub2:  the same as c_hub (a second losing change for Z).
    c_dud:   costs 10,000, saves GBP 1/patient everywhere: gross 3,000 < cost, so v = 0 (does not pay).
"""

from __future__ import annotations

import doctest
import statistics

import pandas as pd
import pytest

from pcn_workbook import data
from pcn_workbook.models import gainshare as gs
from pcn_workbook.models import room as rm
from pcn_workbook.models import stories as sto
from pcn_workbook.models import trust as tr

A = rm.RoomAnswer
SIZE = 1_000


def make_group(*keys: str) -> gs.Group:
    spec = {"c_free": (0.0, {"X": 1.0, "Y": 1.0, "Z": 1.0}),
            "c_hub": (3_000.0, {"X": 3.0, "Y": 3.0, "Z": 0.0}),
            "c_hub2": (3_000.0, {"X": 3.0, "Y": 3.0, "Z": 0.0}),
            "c_dud": (10_000.0, {"X": 1.0, "Y": 1.0, "Z": 1.0})}
    practices = tuple(gs.Practice(n, SIZE) for n in "XYZ")
    changes = tuple(gs.Change(k, k.replace("_", " "), "test", spec[k][0], 0, "test") for k in keys)
    rates = {(k, p): r for k in keys for p, r in spec[k][1].items()}
    return gs.Group(practices, changes, rates)


def votes(participant: int, practice: str, scenario: str = "test", **by_change: str) -> A:
    return A(participant, practice, {"scenario": scenario, "votes": dict(by_change)})


def test_doctests_in_room_module_pass():
    result = doctest.testmod(rm, verbose=False)
    assert result.attempted >= 4
    assert result.failed == 0


def test_every_question_has_a_validator_and_errors_are_value_errors():
    assert set(rm.VALIDATORS) == set(rm.QUESTIONS)
    assert issubclass(rm.RoomPayloadError, ValueError)  # the room panel catches ValueError


def test_assumptions_are_named_for_every_chapter():
    assert set(rm.ASSUMPTIONS) == {"room", "purpose", "autonomy", "scale", "trust", "stories"}
    assert "illustrative" in rm.ASSUMPTIONS["autonomy"]["A4"].lower()
    assert "tie counts as no" in rm.ASSUMPTIONS["autonomy"]["A1"]
    assert "median" in rm.ASSUMPTIONS["trust"]["T2"]
    for key in ("A1", "A2", "A3", "A4", "A5", "A6", "S1", "S2", "T1", "T2", "T3", "T4", "T5", "P1", "P2", "P3", "P4", "R1"):
        assert key in rm.__doc__


# --- validators ----------------------------------------------------------------------------------

@pytest.mark.parametrize("payload, words", [
    (None, "missing"),
    ({"votes": {"c_free": "yes"}}, "scenario"),
    ({"scenario": "Test Scenario", "votes": {"c_free": "yes"}}, "scenario"),
    ({"scenario": "test", "votes": {}}, "at least one"),
    ({"scenario": "test", "votes": ["c_free"]}, "votes"),
    ({"scenario": "test", "votes": {"c_free": "maybe"}}, "'yes' or 'no'"),
    ({"scenario": "test", "votes": {"c_free": True}}, "'yes' or 'no'"),
    ({"scenario": "test", "votes": {"no_such": "yes"}}, "no_such"),
])
def test_validate_autonomy_rejects_with_a_plain_message(payload, words):
    with pytest.raises(rm.RoomPayloadError, match=words):
        rm.validate_autonomy(payload, make_group("c_free"))


def test_validate_autonomy_returns_a_clean_copy_in_group_order():
    group = make_group("c_free", "c_hub")
    clean = rm.validate_autonomy({"scenario": "test", "votes": {"c_hub": "no", "c_free": "yes"}, "extra": 1}, group)
    assert clean == {"scenario": "test", "votes": {"c_free": "yes", "c_hub": "no"}}
    assert list(clean["votes"]) == ["c_free", "c_hub"]
    with pytest.raises(rm.RoomPayloadError, match="no scenario"):
        rm.validate_autonomy(clean, group, scenarios=["other"])


def test_validate_autonomy_limits_the_number_of_votes_without_a_group():
    many = {f"c{i}": "yes" for i in range(rm.MAX_ENTRIES + 1)}
    with pytest.raises(rm.RoomPayloadError, match="at most"):
        rm.validate_autonomy({"scenario": "test", "votes": many})


def test_validate_autonomy_accepts_scenarios_as_a_table():
    scenarios = data.autonomy_scenarios()
    group = data.autonomy_group("five_practices")
    key = group.changes[0].key
    assert rm.validate_autonomy({"scenario": "five_practices", "votes": {key: "yes"}}, group, scenarios)["votes"] == {key: "yes"}
    with pytest.raises(rm.RoomPayloadError):
        rm.validate_autonomy({"scenario": "atlantis", "votes": {key: "yes"}}, group, scenarios)


TIERS = pd.DataFrame({"tier": ["small", "mid", "big"], "label": ["Small", "Middle", "Big"]})
FUNCTIONS = pd.DataFrame({"function": ["f_a", "f_b", "f_c"], "label": ["Function A", "Function B", "Function C"],
                          "tier": ["small", "mid", "big"], "reason": ["ra", "rb", "rc"]})


@pytest.mark.parametrize("payload, words", [
    ({}, "placement"),
    ({"placement": {}}, "at least one"),
    ({"placement": {"f_a": "huge"}}, "no tier called 'huge'"),
    ({"placement": {"f_z": "small"}}, "no function called 'f_z'"),
    ({"placement": {"f_a": 3}}, "tier"),
])
def test_validate_scale_rejects_with_a_plain_message(payload, words):
    with pytest.raises(rm.RoomPayloadError, match=words):
        rm.validate_scale(payload, FUNCTIONS, TIERS)


def test_validate_scale_keeps_a_partial_answer_in_function_order():
    clean = rm.validate_scale({"placement": {"f_c": "big", "f_a": "mid"}}, FUNCTIONS, TIERS)
    assert list(clean["placement"].items()) == [("f_a", "mid"), ("f_c", "big")]
    assert rm.validate_scale({"placement": {"anything_goes": "any_tier"}}) == {"placement": {"anything_goes": "any_tier"}}


@pytest.mark.parametrize("payload", [
    {"habit": "copycat", "noise": 0.0},
    {"habit": "tit_for_tat"},
    {"habit": "tit_for_tat", "noise": tr.NOISE_RANGE[1] + 0.01},
    {"habit": "tit_for_tat", "noise": -0.01},
    {"habit": "tit_for_tat", "noise": float("nan")},
    {"habit": "tit_for_tat", "noise": True},
    {"habit": "tit_for_tat", "noise": "0.1"},
    {"habit": ["tit_for_tat"], "noise": 0.1},
])
def test_validate_trust_rejects(payload):
    with pytest.raises(rm.RoomPayloadError):
        rm.validate_trust(payload)


def test_validate_trust_accepts_the_ends_of_the_noise_range():
    lo, hi = tr.NOISE_RANGE
    assert rm.validate_trust({"habit": "grudger", "noise": lo}) == {"habit": "grudger", "noise": float(lo)}
    assert rm.validate_trust({"habit": "grudger", "noise": hi})["noise"] == hi


def test_validate_stories_draft_checks_fields_types_and_lengths():
    too_long = "x" * (sto.MAX_FIELD_CHARS + 1)
    with pytest.raises(rm.RoomPayloadError, match=f"{sto.MAX_FIELD_CHARS:,}"):
        rm.validate_stories_draft({"draft": {"action": too_long}})
    with pytest.raises(rm.RoomPayloadError, match="no field"):
        rm.validate_stories_draft({"draft": {"title": "Hello"}})
    with pytest.raises(rm.RoomPayloadError, match="text"):
        rm.validate_stories_draft({"draft": {"action": 5}})
    with pytest.raises(rm.RoomPayloadError, match="empty"):
        rm.validate_stories_draft({"draft": {"action": "   "}})
    exact = "y" * sto.MAX_FIELD_CHARS
    clean = rm.validate_stories_draft({"draft": {"action": exact, "where": "Win\x00sford <b>"}})
    assert set(clean["draft"]) == set(sto.FIELDS)
    assert clean["draft"]["action"] == exact
    assert clean["draft"]["where"] == "Winsford <b>"  # NUL removed, nothing escaped
    assert clean["draft"]["when"] == ""


@pytest.mark.parametrize("payload", [{"story": 0}, {"story": True}, {"story": "3"}, {"story": 2.0}, {}])
def test_validate_stories_vote_rejects(payload):
    with pytest.raises(rm.RoomPayloadError):
        rm.validate_stories_vote(payload)


def test_validate_stories_vote_checks_the_stories_on_show():
    assert rm.validate_stories_vote({"story": 4}, stories=[4, 5]) == {"story": 4}
    with pytest.raises(rm.RoomPayloadError, match="no longer on show"):
        rm.validate_stories_vote({"story": 6}, stories=[4, 5])


# --- the autonomy paradox --------------------------------------------------------------------------

def test_unanimity_realises_a_change_that_pays():
    group = make_group("c_free", "c_hub")
    room = rm.autonomy_room(group, [votes(i, p, c_free="yes", c_hub="yes") for i, p in enumerate("XYZ")], 0.0)
    assert room.realised == ("c_free", "c_hub")
    assert room.value_realised == pytest.approx(3_000 + 3_000)
    assert room.ceiling == pytest.approx(gs.grand_coalition_value(group))
    assert all(v.by == rm.ROOM for v in room.votes)


def test_one_no_vetoes_a_change():
    group = make_group("c_free", "c_hub")
    answers = [votes(1, "X", c_free="yes", c_hub="yes"), votes(2, "Y", c_free="yes", c_hub="yes"),
               votes(3, "Z", c_free="no", c_hub="yes")]
    room = rm.autonomy_room(group, answers, 0.0)
    free = room.changes[0]
    assert (free.realised, free.blocked_by, free.status) == (False, ("Z",), "blocked")
    assert room.realised == ("c_hub",)
    assert room.value_realised == pytest.approx(3_000)
    assert room.veto.outcome.blocked_by == {"c_free": ("Z",)}


def test_a_practice_votes_with_the_majority_of_its_players_and_a_tie_is_no():
    group = make_group("c_free")
    answers = [votes(1, "X", c_free="yes"), votes(2, "X", c_free="yes"), votes(3, "X", c_free="no"),
               votes(4, "Y", c_free="yes"), votes(5, "Y", c_free="no")]
    room = rm.autonomy_room(group, answers, 0.0)
    x, y, z = (room.vote("c_free", p) for p in "XYZ")
    assert (x.vote, x.yes, x.no, x.by) == ("yes", 2, 1, rm.ROOM)
    assert (y.vote, y.yes, y.no, y.by) == ("no", 1, 1, rm.ROOM)  # A1: a tie is no
    assert (z.by, z.yes, z.no) == (rm.MODEL, 0, 0)
    assert room.players == {"X": 3, "Y": 2, "Z": 0}
    assert room.realised == ()


@pytest.mark.parametrize("tolerance, expected", [(0.0, "no"), (0.99, "no"), (1.0, "yes"), (2.5, "yes")])
def test_a_practice_nobody_plays_votes_as_the_model_at_the_room_tolerance(tolerance, expected):
    # Z loses GBP 1,000 = GBP 1/patient from c_hub: it blocks when its tolerance is below GBP 1 (A2)
    group = make_group("c_hub")
    room = rm.autonomy_room(group, [votes(1, "X", c_hub="yes")], tolerance)
    z = room.vote("c_hub", "Z")
    assert (z.vote, z.by) == (expected, rm.MODEL)
    assert room.vote("c_hub", "Y").vote == "yes"  # Y gains, so it accepts at any tolerance
    assert room.changes[0].realised == (expected == "yes")


def test_an_agreed_change_that_does_not_pay_is_not_run():
    group = make_group("c_free", "c_dud")
    room = rm.autonomy_room(group, [votes(i, p, c_free="yes", c_dud="yes") for i, p in enumerate("XYZ")], 5.0)
    dud = room.changes[1]
    assert (dud.pays, dud.realised, dud.blocked_by, dud.status) == (False, False, (), "does not pay")
    assert dud.group_value == 0.0
    assert room.realised == ("c_free",)
    assert "c_dud" not in room.bundle.outcome.adopted


@pytest.mark.parametrize("scenario, tolerance, rule", [
    ("five_practices", 0.0, "shapley"), ("five_practices", 1.0, "equal"), ("five_practices", 3.0, "per_capita"),
    ("single_accountant", 0.5, "none"), ("single_accountant", 0.0, "shapley"),
])
def test_with_no_answers_the_room_is_the_model(scenario, tolerance, rule):
    group = data.autonomy_group(scenario)
    room = rm.autonomy_room(group, [], tolerance, rule, scenario=scenario)
    _, veto, bundle, transfers, _ = gs.compare(group, tolerance, rule)
    assert all(v.by == rm.MODEL for v in room.votes)
    for mine, model in ((room.veto.outcome, veto), (room.bundle.outcome, bundle), (room.gainshare().outcome, transfers)):
        assert mine.adopted == model.adopted
        assert dict(mine.blocked_by) == dict(model.blocked_by)
        assert mine.net == pytest.approx(model.net)
        assert mine.autonomy == pytest.approx(model.autonomy)
        assert mine.group_benefit == pytest.approx(model.group_benefit)
    assert room.would_leave == veto.would_leave(group, tolerance)
    assert (room.answers, room.skipped) == (0, 0)


def test_the_bundle_and_gainshare_are_judged_by_what_the_votes_accept():
    # Z's players refuse c_hub (loss GBP 1,000). As a bundle Z keeps 1,000 + (-1,000) = 0 against
    # 1,000 alone: a loss of 1,000 again, so it refuses the bundle (A4). With an equal split each
    # practice gets 6,000 / 3 = 2,000: Z gains 1,000 on going alone and accepts. Shapley gives Z
    # 1,000 (it adds nothing to c_hub): loss 0, below the 1,000 it refused, so it accepts too.
    group = make_group("c_free", "c_hub")
    answers = [votes(1, "Z", c_free="yes", c_hub="no")]
    room = rm.autonomy_room(group, answers, 0.0)
    assert room.limits["Z"] == (pytest.approx(0.0), pytest.approx(1.0))  # GBP per patient
    assert room.limits["X"] == (None, None)
    assert room.realised == ("c_free",)
    assert (room.bundle.fell_back, room.bundle.blocked_by) == (True, ("Z",))
    assert room.bundle.outcome.adopted == room.veto.outcome.adopted
    assert room.bundle.benefit == pytest.approx(room.veto.benefit)
    equal = room.gainshare("equal")
    assert (equal.fell_back, equal.outcome.adopted) == (False, ("c_free", "c_hub"))
    assert equal.outcome.net == pytest.approx({"X": 2_000, "Y": 2_000, "Z": 2_000})
    assert equal.benefit == pytest.approx(room.ceiling)
    shapley = room.gainshare("shapley")
    assert shapley.outcome.net == pytest.approx({"X": 2_500, "Y": 2_500, "Z": 1_000})
    assert not shapley.fell_back
    none = room.gainshare("none")  # no transfers: the same offer as the bundle, so Z refuses it
    assert (none.fell_back, none.blocked_by) == (True, ("Z",))
    assert none.outcome.adopted == room.bundle.outcome.adopted


def test_the_same_answers_without_the_no_let_the_bundle_through():
    group = make_group("c_free", "c_hub")
    room = rm.autonomy_room(group, [votes(1, "Z", c_free="yes", c_hub="yes")], 0.0)
    assert not room.bundle.fell_back
    assert room.bundle.outcome.adopted == ("c_free", "c_hub")


def test_a_no_vote_outweighs_a_generous_room_tolerance_and_a_yes_a_strict_one():
    group = make_group("c_free", "c_hub")
    # At GBP 2/patient the model's Z would take the bundle (loss GBP 1/patient), but Z's players
    # refused c_hub, a loss as large: by A4 they refuse the bundle too.
    generous = rm.autonomy_room(group, [votes(1, "Z", c_hub="no")], 2.0)
    assert gs.compare(group, 2.0)[2].blocked_by == {}  # the model alone would agree the bundle
    assert (generous.bundle.fell_back, generous.bundle.blocked_by) == (True, ("Z",))
    # At GBP 0 the model's Z would block the bundle, but Z's players accepted c_hub's loss of
    # GBP 1/patient, as large as the bundle's: by A4 they accept it.
    strict = rm.autonomy_room(group, [votes(1, "Z", c_hub="yes")], 0.0)
    assert gs.compare(group, 0.0)[2].blocked_by["bundle"] == ("Z",)
    assert not strict.bundle.fell_back
    assert strict.vote("c_free", "Z").by == rm.MODEL


def test_a_practice_that_accepted_each_loss_alone_would_leave_when_they_add_up():
    # Z says yes to c_hub and to c_hub2, GBP 1/patient each; together it ends GBP 2/patient behind
    # going alone, more than any single loss it accepted and more than the room's tolerance (A6).
    group = make_group("c_hub", "c_hub2")
    answers = [votes(i, p, c_hub="yes", c_hub2="yes") for i, p in enumerate("XYZ")]
    room = rm.autonomy_room(group, answers, 0.5)
    assert room.realised == ("c_hub", "c_hub2")
    assert room.would_leave == ("Z",)
    assert room.veto.outcome.net["Z"] == pytest.approx(-2_000)
    assert rm.autonomy_room(group, answers, 2.0).would_leave == ()  # within a GBP 2 tolerance


def test_a_later_answer_replaces_an_earlier_one():
    group = make_group("c_free")
    room = rm.autonomy_room(group, [votes(1, "X", c_free="no"), votes(1, "X", c_free="yes")], 0.0)
    assert room.vote("c_free", "X").vote == "yes"
    assert (room.answers, room.players["X"]) == (1, 1)
    # an invalid later answer does not replace a valid one
    room = rm.autonomy_room(group, [votes(1, "X", c_free="no"), votes(1, "X", c_free="perhaps")], 0.0)
    assert room.vote("c_free", "X").vote == "no"
    assert room.skipped == 1


def test_unusable_answers_are_skipped_and_counted():
    group = make_group("c_free")
    answers = [votes(1, "X", c_free="yes"),
               votes(2, "W", c_free="no"),  # no such practice
               votes(3, "Y", scenario="other", c_free="no"),  # another scenario
               A(4, "Z", {"scenario": "test", "votes": {"c_free": "nope"}}),  # not a vote
               A(5, "Z", {"scenario": "test", "votes": {"c_elsewhere": "no"}}),  # not a change here
               {"participant": 6, "role": "Y", "payload": {"scenario": "test", "votes": {"c_free": "yes"}}},  # a dict is fine
               "garbage", A("7", "Z", {}), A(8, None, {}), None]
    room = rm.autonomy_room(group, answers, 0.0, scenario="test")
    assert room.answers == 2
    assert room.skipped == len(answers) - 2
    assert room.skip_reasons == {rm.NOT_A_PRACTICE: 1, rm.OTHER_SCENARIO: 1, rm.INVALID: 2, rm.MALFORMED: 4}
    assert room.players == {"X": 1, "Y": 1, "Z": 0}


def test_votes_on_changes_off_the_table_are_not_counted():
    group = make_group("c_free", "c_hub")
    room = rm.autonomy_room(group, [votes(1, "Z", c_free="yes", c_hub="no")], 0.0, changes=["c_free"])
    assert [c.key for c in room.changes] == ["c_free"]
    assert room.realised == ("c_free",)
    assert room.ceiling == pytest.approx(3_000)


def test_a_bad_setup_is_the_facilitators_error():
    group = make_group("c_free")
    with pytest.raises(gs.ScenarioError, match="sharing rule"):
        rm.autonomy_room(group, [], 0.0, rule="nucleolus")
    with pytest.raises(gs.ScenarioError, match="tolerance"):
        rm.autonomy_room(group, [], None)


def test_the_autonomy_index_follows_the_chapter():
    # two changes on the table: 4 decisions; the veto room adopts c_hub only -> 3/4 kept
    group = make_group("c_free", "c_hub")
    room = rm.autonomy_room(group, [votes(1, "Z", c_free="no", c_hub="yes")], 5.0)
    assert room.veto.outcome.autonomy == {p: pytest.approx(3 / 4) for p in "XYZ"}
    # a gainshare pools money as well: both changes and the money -> 1/4 kept
    assert room.gainshare("equal").outcome.autonomy == {p: pytest.approx(1 / 4) for p in "XYZ"}


# --- scale choices -----------------------------------------------------------------------------------

def place(participant: int, **placement: str) -> A:
    return A(participant, "", {"placement": dict(placement)})


def test_matrix_counts_and_shares():
    answers = [place(1, f_a="small", f_b="mid"), place(2, f_a="small", f_b="big"), place(3, f_a="mid"),
               place(4, f_a="small", f_b="mid", f_c="big")]
    room = rm.scale_room(FUNCTIONS, TIERS, answers)
    by = {f.function: f for f in room.functions}
    assert by["f_a"].counts == {"small": 3, "mid": 1, "big": 0}
    assert by["f_a"].placed == 4 and by["f_b"].placed == 3 and by["f_c"].placed == 1
    assert by["f_a"].shares == pytest.approx({"small": 0.75, "mid": 0.25, "big": 0.0})
    assert by["f_a"].agreement == pytest.approx(3 / 4)  # the sources say small
    assert by["f_b"].agreement == pytest.approx(2 / 3)
    assert by["f_a"].room_tiers == ("small",)
    assert room.placements == 4 + 3 + 1
    assert room.agreement == pytest.approx((3 + 2 + 1) / 8)
    assert sum(r["count"] for r in room.rows()) == room.placements
    assert len(room.rows()) == 3 * 3
    assert {r["function"] for r in room.rows() if r["sources"]} == {"f_a", "f_b", "f_c"}


def test_dispute_is_zero_when_unanimous_and_one_when_evenly_split():
    answers = [place(i, f_a="mid", f_b=("small", "mid", "big")[i % 3]) for i in range(6)]
    room = rm.scale_room(FUNCTIONS, TIERS, answers)
    by = {f.function: f for f in room.functions}
    assert by["f_a"].dispute == 0.0
    assert by["f_b"].dispute == pytest.approx(1.0)
    assert by["f_c"].dispute is None and by["f_c"].agreement is None and by["f_c"].room_tiers == ()
    assert by["f_b"].room_tiers == ("small", "mid", "big")  # a three-way tie


def test_functions_come_most_disputed_first_and_unplaced_last():
    # f_c: 2-1 split, (1 - 2/3) / (2/3) = 0.5; f_b: 1-1, (1 - 1/2) / (2/3) = 0.75; f_a unanimous
    answers = [place(1, f_a="small", f_b="small", f_c="big"), place(2, f_a="small", f_b="mid", f_c="big"),
               place(3, f_a="small", f_c="mid")]
    room = rm.scale_room(FUNCTIONS, TIERS, answers)
    assert [f.function for f in room.functions] == ["f_b", "f_c", "f_a"]
    assert [f.dispute for f in room.functions] == pytest.approx([0.75, 0.5, 0.0])
    only_two = rm.scale_room(FUNCTIONS, TIERS, [place(1, f_b="mid")])
    assert [f.function for f in only_two.functions] == ["f_b", "f_a", "f_c"]  # ties keep the file order


def test_scale_room_skips_bad_answers_and_keeps_the_latest():
    answers = [place(1, f_a="huge"), place(2, f_a="small"), place(2, f_a="mid"), A(3, "", {"placement": []}), 42]
    room = rm.scale_room(FUNCTIONS, TIERS, answers)
    assert (room.answers, room.skipped) == (1, 3)
    assert room.functions[0].counts["mid"] == 1 and room.functions[0].counts["small"] == 0


def test_scale_room_on_the_real_data_agrees_when_the_room_follows_the_sources():
    functions, tiers = data.scale_functions(), data.scale_tiers()
    sources = dict(zip(functions.function, functions.tier))
    room = rm.scale_room(functions, tiers, [place(i, **sources) for i in range(5)])
    assert room.agreement == 1.0
    assert all(f.dispute == 0.0 and f.placed == 5 and f.room_tiers == (f.sources_tier,) for f in room.functions)
    assert room.tiers == tuple(tiers.tier)
    empty = rm.scale_room(functions, tiers, [])
    assert (empty.answers, empty.placements, empty.agreement) == (0, 0, None)
    assert [f.function for f in empty.functions] == list(functions.function)


# --- trust -------------------------------------------------------------------------------------------

def habit(participant: int, key: str, noise: float = 0.0) -> A:
    return A(participant, "", {"habit": key, "noise": noise})


def test_a_room_of_sharers_shares():
    room = rm.trust_room([habit(i, "always_share") for i in range(6)], generations=5)
    assert room.ready
    assert room.tournament.cooperation == 1.0
    assert all(c == {"always_share": 6} for c in room.evolution.counts)
    assert room.survivors == room.leaders == ("always_share",)
    assert room.survivor_ids == tuple(range(6))


def test_the_tournament_and_evolution_are_the_chapter_models_on_the_rooms_mix():
    answers = [habit(1, "tit_for_tat", 0.0), habit(2, "always_hoard", 0.1), habit(3, "tit_for_tat", 0.05),
               habit(4, "grudger", 0.5), habit(5, "always_share", 0.02)]
    room = rm.trust_room(answers, rounds=8, generations=6, seed=11)
    mix = {"tit_for_tat": 2, "always_hoard": 1, "grudger": 1, "always_share": 1}
    noise = statistics.median([0.0, 0.1, 0.05, 0.5, 0.02])
    assert room.noise == noise == 0.05
    assert room.mix == {k: mix[k] for k in tr.STRATEGIES if k in mix}
    assert room.tournament == tr.tournament(mix, 8, noise, 11)
    assert room.replace == 2  # Case's 5, cut to half of 5 players
    assert room.evolution == tr.evolve(mix, 6, 8, noise, 2, 11)
    assert room.holders == {"always_share": (5,), "always_hoard": (2,), "tit_for_tat": (1, 3), "grudger": (4,)}
    end = room.evolution.counts[-1]
    assert set(room.survivors) == {k for k, n in end.items() if n}
    assert all(end[k] == max(end.values()) for k in room.leaders)
    assert set(room.survivor_ids) == {i for k in room.survivors for i in room.holders[k]}
    assert room.players == 5 and room.answers == 5


def test_the_median_of_an_even_room_is_the_mean_of_the_middle_two():
    room = rm.trust_room([habit(1, "grudger", 0.1), habit(2, "grudger", 0.2), habit(3, "grudger", 0.0), habit(4, "grudger", 0.4)])
    assert room.noise == pytest.approx((0.1 + 0.2) / 2)


@pytest.mark.parametrize("n", [0, 1])
def test_fewer_than_two_players_is_a_result_not_an_error(n):
    room = rm.trust_room([habit(i, "tit_for_tat") for i in range(n)])
    assert not room.ready
    assert room.tournament is None and room.evolution is None
    assert "at least two" in room.message
    assert room.players == n and room.survivors == () and room.best_scorers == ()


def test_the_room_is_capped_at_max_players_and_the_first_to_join_play():
    n = tr.MAX_PLAYERS + 5
    answers = [habit(i, "always_share" if i % 2 else "tit_for_tat") for i in reversed(range(n))]
    room = rm.trust_room(answers, generations=1)
    assert room.players == tr.MAX_PLAYERS
    assert room.left_out == tuple(range(tr.MAX_PLAYERS, n))
    assert set(room.habits) == set(range(tr.MAX_PLAYERS))
    assert sum(room.mix.values()) == tr.MAX_PLAYERS


def test_trust_room_is_deterministic_and_seeded():
    answers = [habit(i, k, 0.1) for i, k in enumerate(["tit_for_tat", "always_hoard", "random", "detective"] * 3)]
    assert rm.trust_room(answers, seed=5) == rm.trust_room(answers, seed=5)
    assert rm.trust_room(answers, seed=5).tournament == tr.tournament(rm.trust_room(answers, seed=5).mix, 10, 0.1, 5)


def test_trust_room_skips_bad_answers_and_rejects_bad_settings():
    room = rm.trust_room([habit(1, "copycat"), habit(2, "grudger", 0.9), habit(3, "grudger"), habit(4, "grudger")])
    assert (room.players, room.skipped, room.skip_reasons) == (2, 2, {rm.INVALID: 2})
    with pytest.raises(tr.TrustError):
        rm.trust_room([], rounds=0)
    with pytest.raises(tr.TrustError):
        rm.trust_room([], generations=tr.MAX_GENERATIONS + 1)
    with pytest.raises(tr.TrustError):
        rm.trust_room([], seed=1.5)


# --- springboard stories -----------------------------------------------------------------------------

FULL = {"change": "One home visiting team for our five practices", "when": "In March 2019",
        "where": "Winsford, a market town", "protagonist": "Dr Patel, a GP partner",
        "predicament": "Every afternoon the partners spent hours driving to urgent home visits.",
        "action": "They pooled two paramedics into one visiting team shared by the practices.",
        "ending": "Visits took 40 fewer GP hours a week and patients were seen sooner.",
        "otherwise": "Without it we would still be on the road every afternoon.",
        "invitation": "What if we tried this here?"}


def draft(participant: int, **fields: str) -> A:
    return A(participant, "", {"draft": dict(fields)})


def vote(participant: int, story) -> A:
    return A(participant, "", {"story": story})


def test_each_story_carries_the_chapters_checklist():
    room = rm.stories_room([(10, draft(1, **FULL)), (11, draft(2, change="Shared document hub"))], [])
    first, second = room.stories
    assert first.checklist == sto.check(sto.Draft(**FULL))
    assert second.checklist == sto.check(sto.Draft(change="Shared document hub"))
    assert first.draft == sto.Draft(**FULL)
    assert (first.submission, first.participant, second.submission) == (10, 1, 11)


def test_votes_are_tallied_and_unknown_ids_ignored():
    drafts = [(10, draft(1, change="Story one")), (11, draft(2, change="Story two")), (12, draft(3, change="Story three"))]
    ballot = [vote(101, 10), vote(102, 11), vote(103, 10), vote(104, 99), vote(105, 12), vote(106, 10), vote(107, 77)]
    room = rm.stories_room(drafts, ballot)
    assert [s.votes for s in room.stories] == [3, 1, 1]
    assert (room.votes, room.ignored_votes) == (5, 2)
    assert room.leaders == (10,)
    assert [s.submission for s in room.ranked()] == [10, 11, 12]


def test_tied_leaders_are_all_listed_and_no_votes_means_no_leader():
    drafts = [(10, draft(1, change="Story one")), (11, draft(2, change="Story two")), (12, draft(3, change="Story three"))]
    room = rm.stories_room(drafts, [vote(101, 12), vote(102, 11)])
    assert room.leaders == (11, 12)
    assert rm.stories_room(drafts, []).leaders == ()


def test_one_vote_per_participant_the_latest_counts():
    drafts = [(10, draft(1, change="Story one")), (11, draft(2, change="Story two"))]
    room = rm.stories_room(drafts, [vote(101, 10), vote(101, 11)])
    assert [s.votes for s in room.stories] == [0, 1]
    assert room.votes == 1


def test_one_story_per_participant_and_votes_for_an_earlier_draft_follow_it():
    drafts = [(10, draft(1, change="First try")), (14, draft(1, change="Second try")), (12, draft(2, change="Other"))]
    room = rm.stories_room(drafts, [vote(101, 10), vote(102, 14), vote(103, 12)])
    assert [s.submission for s in room.stories] == [12, 14]
    mine = room.story(14)
    assert (mine.title, mine.votes, mine.earlier) == ("Second try", 2, (10,))
    assert room.story(10) is mine
    assert room.drafts == 3 and room.ignored_votes == 0


def test_bad_drafts_and_votes_are_skipped_and_counted():
    drafts = [(10, draft(1, change="Good")), (0, draft(2, change="Bad id")), ("11", draft(3, change="Bad id")),
              (12, draft(4, action="x" * (sto.MAX_FIELD_CHARS + 1))), (13, "not an answer"), "not a pair",
              (14, draft(5, change="Clash")), (14, draft(6, change="Clash with another author"))]
    room = rm.stories_room(drafts, [vote(101, True), vote(102, 10), "junk"])
    assert [s.submission for s in room.stories] == [10]
    assert room.skip_reasons == {rm.BAD_SUBMISSION: 2, rm.INVALID: 2, rm.MALFORMED: 3, rm.DUPLICATE_SUBMISSION: 2}
    assert room.skipped == 2 + 2 + 3 + 2
    assert room.votes == 1


def test_participant_text_stays_plain():
    nasty = "<script>alert('x')</script> & <b>bold</b>"
    room = rm.stories_room([(10, draft(1, change=nasty, where="<img src=x onerror=alert(1)>"))], [])
    story = room.stories[0]
    assert story.draft.change == nasty
    assert story.draft.where == "<img src=x onerror=alert(1)>"
    assert "&lt;" not in story.title and story.title.startswith("<script>")


def test_titles_are_short_and_labels_unique():
    long_change = "A single paramedic-led home visiting service shared by all of the practices in our network"
    drafts = [(10, draft(1, change=long_change)), (11, draft(2, change=long_change)), (12, draft(3, when="In 2019"))]
    room = rm.stories_room(drafts, [])
    a, b, c = room.stories
    assert len(a.title) <= rm.TITLE_CHARS and a.title.endswith("…")
    assert long_change.startswith(a.title[:-1])
    assert a.title == b.title and a.label != b.label
    assert c.title == "In 2019."  # no change idea: the start of the story as told
    assert len({s.label for s in room.stories}) == 3
    assert rm.story_title(sto.Draft(change="  Two\nlines\tand   spaces ")) == "Two lines and spaces"
