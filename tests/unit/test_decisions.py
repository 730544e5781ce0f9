"""Unit tests for pcn_workbook.models.decisions: hand-worked votes and consensus, access arithmetic.

Every expected number below was worked by hand from the value matrices written here (the working
is in the comments), not copied from the model's output.
"""

from __future__ import annotations

import dataclasses
import doctest
import math

import numpy as np
import pytest

from pcn_workbook.models import decisions as dc

NO_ROGUES = dict(rogue_base=0.0, rogue_step=0.0)
ALWAYS_ROGUE = dict(rogue_base=1.0, rogue_step=0.0)


def settings(**kw) -> dc.DecisionSettings:
    base = dict(practices=3, meetings=1)
    base.update(kw)
    return dc.DecisionSettings(**base)


def trace(run: dc.DecisionRun, *keys) -> list[tuple]:
    keys = keys or ("decisions", "value", "rogue")
    return [tuple(r[k] for k in keys) for r in run.rows]


def test_doctests_in_decisions_module_pass():
    result = doctest.testmod(dc, verbose=False)
    assert result.attempted >= 10
    assert result.failed == 0


# --- settings -------------------------------------------------------------------------------------

def test_defaults_are_the_contracts_and_valid():
    s = dc.DecisionSettings()
    assert (s.practices, s.meetings, s.mean_value, s.spread) == (8, 24, 1.0, 2.0)
    assert (s.rogue_base, s.rogue_step, s.consensus_meetings, s.seed) == (0.05, 0.10, 2, 0)
    s.validate()


@pytest.mark.parametrize("field,value,words", [
    ("practices", 2, ["practices", "between 3 and 30"]),
    ("practices", 31, ["practices"]),
    ("practices", 8.0, ["practices", "whole number"]),
    ("practices", True, ["practices", "whole number"]),
    ("meetings", 0, ["meetings", "between 1 and 200"]),
    ("meetings", 201, ["meetings"]),
    ("mean_value", math.nan, ["mean value", "number"]),
    ("mean_value", "1", ["mean value", "number"]),
    ("spread", -0.5, ["spread", "between 0"]),
    ("spread", math.inf, ["spread", "number"]),
    ("rogue_base", 1.5, ["rogue", "between 0 and 1"]),
    ("rogue_step", -0.1, ["rogue", "between 0 and 1"]),
    ("consensus_meetings", 0, ["consensus", "between 1 and 20"]),
    ("seed", -1, ["seed"]),
    ("seed", 1.5, ["seed"]),
])
def test_bad_settings_raise_a_plain_decision_error(field, value, words):
    s = dataclasses.replace(dc.DecisionSettings(), **{field: value})
    with pytest.raises(dc.DecisionError) as err:
        s.validate()
    assert isinstance(err.value, ValueError)
    for w in words:
        assert w in str(err.value)
    for fn in (dc.run_vote, dc.run_consensus, dc.compare, dc.proposal_values):
        with pytest.raises(dc.DecisionError):
            fn(s)


def test_rogue_chance_grows_by_the_step_and_caps_at_one():
    s = dc.DecisionSettings(rogue_base=0.3, rogue_step=0.25)
    # 0.3, 0.55, 0.8, then 1.05 capped to 1; no loss, no chance.
    assert [s.rogue_chance(k) for k in (0, 1, 2, 3, 4)] == pytest.approx([0.0, 0.3, 0.55, 0.8, 1.0])


# --- proposals ------------------------------------------------------------------------------------

def test_proposal_values_shape_seeded_and_both_regimes_share_them():
    s = dc.DecisionSettings(practices=5, meetings=10, seed=7)
    v = dc.proposal_values(s)
    assert v.shape == (10, 5)
    assert np.array_equal(v, dc.proposal_values(s))
    assert not np.array_equal(v, dc.proposal_values(dataclasses.replace(s, seed=8)))
    # Consensus decides proposal 1 at meeting 2: it must be the vote's first proposal.
    cons = dc.run_consensus(s)
    first = float(v[0].sum())
    assert cons.rows[1]["value"] == pytest.approx(max(first, 0.0))


def test_rogue_draws_do_not_change_the_proposals():
    # The two streams are separate: changing the chance of going rogue changes nothing about values.
    a = dc.DecisionSettings(seed=3)
    b = dataclasses.replace(a, rogue_base=0.9, rogue_step=0.5)
    assert np.array_equal(dc.proposal_values(a), dc.proposal_values(b))
    assert dc.run_consensus(a) == dc.run_consensus(b)


def test_zero_spread_means_every_practice_values_a_proposal_alike():
    v = dc.proposal_values(dc.DecisionSettings(spread=0.0, mean_value=2.5))
    assert np.all(v == 2.5)
    run = dc.run_vote(dc.DecisionSettings(spread=0.0, mean_value=2.5))
    # Unanimous every time: 24 decisions of 8 x 2.5 = 20, nobody loses, nobody goes rogue.
    assert (run.decisions, run.total_value, run.rogue) == (24, pytest.approx(480.0), 0)


# --- vote, worked by hand -------------------------------------------------------------------------

def test_vote_with_nobody_going_rogue():
    v = [[1.0, 2.0, -1.0],   # 2 of 3 yes: passes, value 1 + 2 - 1 = 2
         [-1.0, -2.0, 3.0],  # 1 of 3 yes: fails
         [4.0, -1.0, -2.0],  # 1 of 3 yes: fails
         [0.0, 1.0, 1.0]]    # zero counts as no; 2 yes: passes, value 0 + 1 + 1 = 2
    run = dc.run_vote_on(v, settings(meetings=4, **NO_ROGUES))
    assert trace(run) == [(1, 2.0, 0), (1, 2.0, 0), (1, 2.0, 0), (2, 4.0, 0)]
    assert [r["meeting"] for r in run.rows] == [1, 2, 3, 4]
    assert {r["regime"] for r in run.rows} == {"vote"}
    assert (run.decisions, run.total_value, run.rogue) == (2, 4.0, 0)


def test_a_majority_can_pass_a_proposal_that_costs_the_group():
    # 2 of 3 gain a little, one loses a lot: passes, value 1 + 1 - 5 = -3.
    run = dc.run_vote_on([[1.0, 1.0, -5.0]], settings(**NO_ROGUES))
    assert trace(run) == [(1, -3.0, 0)]
    # Consensus refuses the same proposal: its total is below zero.
    cons = dc.run_consensus_on([[1.0, 1.0, -5.0]], settings(consensus_meetings=1))
    assert trace(cons) == [(0, 0.0, 0)]


def test_vote_when_every_loser_goes_rogue_at_once():
    v = [[1.0, 1.0, -1.0],   # passes; C loses and goes rogue, so C refuses it: value 1 + 1 = 2
         [1.0, -1.0, 5.0],   # A and B in; 1 of 2 yes is a tie, fails; A (a yes voter) loses, rogue
         [-1.0, 2.0, 9.0],   # only B in: yes, passes, value 2 (A and C rogue take nothing): total 4
         [-3.0, -3.0, 4.0]]  # B votes no, fails; nobody voted yes so nobody loses; B stays
    run = dc.run_vote_on(v, settings(meetings=4, **ALWAYS_ROGUE))
    assert trace(run) == [(1, 2.0, 1), (1, 2.0, 2), (2, 4.0, 2), (2, 4.0, 2)]


def test_the_chance_of_going_rogue_grows_with_each_loss():
    # C loses every meeting (2 of 3 always vote yes). Draws of 0.2 for C: chances 0.05, 0.15, 0.25,
    # so C stays after losses 1 and 2 and goes rogue at loss 3 (0.2 < 0.25), refusing meeting 3.
    v = [[1.0, 1.0, -1.0]] * 4
    draws = [[0.9, 0.9, 0.2]] * 4
    s = settings(meetings=4, rogue_base=0.05, rogue_step=0.10)
    run = dc.run_vote_on(v, s, draws=draws)
    # Meetings 1 and 2: 1 + 1 - 1 = 1 each; meetings 3 and 4: 1 + 1 = 2 each.
    assert trace(run) == [(1, 1.0, 0), (2, 2.0, 0), (3, 4.0, 1), (4, 6.0, 1)]


def test_a_draw_equal_to_the_chance_does_not_go_rogue():
    run = dc.run_vote_on([[1.0, 1.0, -1.0]], settings(rogue_base=0.5, rogue_step=0.0),
                         draws=[[0.0, 0.0, 0.5]])
    assert run.rogue == 0


def test_losers_of_a_failed_vote_are_the_yes_voters():
    # One yes (A) of three: fails, A loses and, always going rogue, leaves; B and C won.
    run = dc.run_vote_on([[2.0, -1.0, -1.0]], settings(**ALWAYS_ROGUE))
    assert trace(run) == [(0, 0.0, 1)]


def test_unanimous_votes_make_no_losers():
    run = dc.run_vote_on([[1.0, 2.0, 3.0], [-1.0, -2.0, -3.0]], settings(meetings=2, **ALWAYS_ROGUE))
    assert trace(run) == [(1, 6.0, 0), (1, 6.0, 0)]


def test_the_last_practice_still_in_never_goes_rogue():
    rng = np.random.default_rng(1)
    s = dc.DecisionSettings(practices=5, meetings=200, **ALWAYS_ROGUE)
    run = dc.run_vote_on(rng.normal(0, 3, size=(200, 5)), s)
    assert run.rogue == 4  # with every loser leaving, four go quickly; the last can never lose


# --- consensus, worked by hand --------------------------------------------------------------------

def test_consensus_takes_its_meetings_and_agrees_only_positive_totals():
    v = [[1.0, 2.0, -1.0],   # total 2: agreed at meeting 3
         [-1.0, -2.0, 3.0],  # total 0: not agreed (must be above zero), at meeting 6
         [4.0, -1.0, -2.0]]  # total 1: would be decided at meeting 9, beyond the horizon
    run = dc.run_consensus_on(v, settings(meetings=7, consensus_meetings=3))
    assert trace(run) == [(0, 0.0, 0)] * 2 + [(1, 2.0, 0)] * 5
    assert {r["regime"] for r in run.rows} == {"consensus"}


def test_consensus_never_has_rogue_practices_even_when_everyone_would_leave():
    s = dc.DecisionSettings(meetings=60, rogue_base=1.0, rogue_step=1.0, spread=10.0)
    assert dc.run_consensus(s).rogue == 0
    assert all(r["rogue"] == 0 for r in dc.run_consensus(s).rows)
    assert dc.run_vote(s).rogue > 0


def test_consensus_in_one_meeting_on_the_same_proposals_is_never_behind_the_vote():
    # One meeting each, consensus agrees exactly the proposals with a positive total, which is the
    # best any rule can do on these proposals; nobody leaves.
    s = dc.DecisionSettings(consensus_meetings=1, meetings=40, seed=11)
    vote, cons = dc.run_vote(s), dc.run_consensus(s)
    assert cons.total_value >= vote.total_value


# --- compare and seeds ----------------------------------------------------------------------------

def test_compare_gives_both_runs_on_the_same_proposals():
    s = dc.DecisionSettings(seed=5, meetings=10)
    rows = dc.compare(s)
    assert rows == list(dc.run_vote(s).rows) + list(dc.run_consensus(s).rows)
    assert [r["regime"] for r in rows] == ["vote"] * 10 + ["consensus"] * 10


def test_runs_are_deterministic_for_a_seed():
    s = dc.DecisionSettings(seed=42)
    assert dc.run_vote(s) == dc.run_vote(s)
    assert dc.compare(s) == dc.compare(s)
    others = [dc.run_vote(dataclasses.replace(s, seed=k)).total_value for k in range(5)]
    assert len(set(others)) > 1


def test_compare_over_seeds_is_the_mean_of_the_single_runs():
    s = dc.DecisionSettings(meetings=6)
    seeds = [3, 1, 4]
    rows = dc.compare_over_seeds(s, seeds)
    assert len(rows) == 12
    singles = [dc.compare(dataclasses.replace(s, seed=k)) for k in seeds]
    for i, row in enumerate(rows):
        assert row["seeds"] == 3
        for key in ("decisions", "value", "rogue"):
            assert row[key] == pytest.approx(np.mean([single[i][key] for single in singles]))
        assert row["value_low"] <= row["value_high"]
    vote_at = {r["meeting"]: r for r in rows if r["regime"] == "vote"}
    cons_at = {r["meeting"]: r for r in rows if r["regime"] == "consensus"}
    for m in vote_at:
        assert vote_at[m]["ahead"] + cons_at[m]["ahead"] <= 1.0


def test_compare_over_seeds_ignores_the_settings_seed():
    a = dc.compare_over_seeds(dc.DecisionSettings(seed=0, meetings=5), range(4))
    b = dc.compare_over_seeds(dc.DecisionSettings(seed=9, meetings=5), range(4))
    assert a == b


@pytest.mark.parametrize("seeds,words", [([], "at least one seed"), ([1, -2], "seed"),
                                         (range(2000), "at most"), (5, "seeds")])
def test_bad_seed_lists(seeds, words):
    with pytest.raises(dc.DecisionError, match=words):
        dc.compare_over_seeds(dc.DecisionSettings(), seeds)


def test_with_the_defaults_the_vote_leads_early_and_consensus_holds_later():
    # Gowland's shape, averaged over 50 seeds (qualitative claims only, not pinned numbers):
    # the vote is ahead at meeting 6; practices go rogue under the vote and never under consensus;
    # over a longer horizon (60 meetings) consensus ends ahead.
    rows = dc.compare_over_seeds(dc.DecisionSettings(meetings=60))
    at = {(r["regime"], r["meeting"]): r for r in rows}
    assert at["vote", 6]["value"] > at["consensus", 6]["value"]
    assert at["vote", 24]["rogue"] > 0 and at["consensus", 24]["rogue"] == 0
    assert at["consensus", 60]["value"] > at["vote", 60]["value"]
    assert dc.overtake_meeting(rows) is not None


def test_without_rogues_the_vote_stays_ahead():
    rows = dc.compare_over_seeds(dc.DecisionSettings(meetings=60, **NO_ROGUES), range(20))
    assert dc.overtake_meeting(rows) is None


def test_overtake_meeting_needs_consensus_to_stay_ahead():
    def rows(vote, cons):
        return ([{"meeting": i + 1, "regime": "vote", "value": x} for i, x in enumerate(vote)]
                + [{"meeting": i + 1, "regime": "consensus", "value": x} for i, x in enumerate(cons)])
    assert dc.overtake_meeting(rows([1, 2, 3, 4], [0, 3, 2, 5])) == 4  # ahead at 2, behind at 3
    assert dc.overtake_meeting(rows([1, 2], [1, 2])) is None  # level is not ahead
    assert dc.overtake_meeting(rows([0, 0], [1, 1])) == 1


@pytest.mark.parametrize("values,words", [
    ([[1.0, 2.0]], "one column per practice"),
    ([1.0, 2.0, 3.0], "one column per practice"),
    ([[1.0, 2.0, math.nan]], "number"),
    ([["a", "b", "c"]], "table of numbers"),
    (np.zeros((0, 3)), "proposals are needed"),
])
def test_bad_value_matrices(values, words):
    with pytest.raises(dc.DecisionError, match=words):
        dc.run_vote_on(values, settings())
    with pytest.raises(dc.DecisionError, match=words):
        dc.run_consensus_on(values, settings(consensus_meetings=1))


def test_bad_draws():
    with pytest.raises(dc.DecisionError, match="between 0 and 1"):
        dc.run_vote_on([[1.0, 1.0, -1.0]], settings(), draws=[[0.1, 0.1, 1.5]])
    with pytest.raises(dc.DecisionError, match="rows"):
        dc.run_vote_on([[1.0, 1.0, -1.0]], settings(), draws=[[0.1, 0.1]])


def test_empty_run_properties_are_zero():
    run = dc.DecisionRun("vote", ())
    assert (run.total_value, run.decisions, run.rogue) == (0.0, 0, 0)


# --- single point of access -----------------------------------------------------------------------

@pytest.mark.parametrize("p,k,expected", [
    (0.5, 2, 0.75),          # 1 - 0.25
    (0.2, 6, 0.737856),      # 0.8^6 = 0.262144
    (0.3, 6, 0.882351),      # 0.7^6 = 0.117649
    (0.3, 1, 0.3),
    (0.3, 0, 0.0),           # nobody asked, no yes
    (0.0, 6, 0.0),
    (1.0, 1, 1.0),
])
def test_first_yes_probability_by_hand(p, k, expected):
    assert dc.first_yes_probability(p, k) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("p,n,expected", [
    (0.5, 2, 1.5),           # ask 1 always, ask 2 half the time
    (0.2, 6, 3.68928),       # (1 - 0.262144) / 0.2
    (0.3, 6, 2.94117),       # (1 - 0.117649) / 0.3
    (0.0, 6, 6.0),           # every PCN asked, nobody says yes
    (1.0, 6, 1.0),
])
def test_expected_asks_by_hand(p, n, expected):
    assert dc.expected_asks(p, n) == pytest.approx(expected, abs=1e-12)


def test_asks_table_for_a_coin_toss_over_three_pcns():
    rows = dc.asks_table(0.5, 3)
    assert [r["asks"] for r in rows] == [1, 2, 3]
    assert [r["chance_first_yes_here"] for r in rows] == pytest.approx([0.5, 0.25, 0.125])
    assert [r["chance_yes_by_then"] for r in rows] == pytest.approx([0.5, 0.75, 0.875])
    assert [r["expected_asks_up_to_here"] for r in rows] == pytest.approx([1.0, 1.5, 1.75])
    assert all(r["expected_asks_if_all_may_be_asked"] == pytest.approx(1.75) for r in rows)


def test_compare_access_defaults_the_gate_to_one_pcns_chance():
    c = dc.compare_access(0.3, 6)
    assert (c.p_yes, c.pcns, c.gate_yes, c.gatekeeper_yes) == (0.3, 6, 0.3, 0.3)
    assert c.shopping_yes == pytest.approx(0.882351)
    assert c.expected_asks == pytest.approx(2.94117)
    assert c.extra_yes == pytest.approx(0.582351)
    assert "88%" in c.summary() and "30%" in c.summary() and "6 PCNs" in c.summary()
    g = dc.compare_access(0.2, 6, gate_yes=0.5)
    assert (g.gate_yes, g.gatekeeper_yes) == (0.5, 0.5)
    assert g.shopping_yes == pytest.approx(0.737856)


@pytest.mark.parametrize("call,words", [
    (lambda: dc.first_yes_probability(1.2, 3), "chance a PCN says yes"),
    (lambda: dc.first_yes_probability(0.2, -1), "number of asks"),
    (lambda: dc.first_yes_probability(0.2, 2.5), "whole number"),
    (lambda: dc.asks_table(0.2, 0), "number of PCNs"),
    (lambda: dc.compare_access(0.2, 6, gate_yes=-0.1), "single point of access"),
    (lambda: dc.compare_access(math.nan, 6), "chance a PCN says yes"),
    (lambda: dc.simulate_first_yes(0.2, 3, 0, 0), "number of trials"),
    (lambda: dc.simulate_first_yes(0.2, 3, 10, -4), "seed"),
])
def test_bad_access_arguments(call, words):
    with pytest.raises(dc.DecisionError, match=words):
        call()


def test_simulation_agrees_with_the_formula_and_is_seeded():
    p, k, n = 0.3, 6, 200_000
    sim = dc.simulate_first_yes(p, k, n, seed=1)
    exact = dc.first_yes_probability(p, k)
    assert abs(sim - exact) < 4 * math.sqrt(exact * (1 - exact) / n)
    assert sim == dc.simulate_first_yes(p, k, n, seed=1)
    assert dc.simulate_first_yes(p, 0, 10, seed=1) == 0.0


# --- the door needs everyone to use it (assumption 10) -------------------------------------------

def test_door_yes_worked_by_hand():
    # 4 of 6 PCNs use the door (yes 0.3); after a no the system asks the other 2 in turn:
    # 1 - 0.7 x 0.7 x 0.7 = 0.657
    assert dc.door_yes(0.3, 6, committed=4) == pytest.approx(0.657)
    assert dc.door_yes(0.3, 6) == 0.3 and dc.door_yes(0.3, 6, committed=6) == 0.3
    assert dc.door_yes(0.3, 6, committed=0) == pytest.approx(dc.first_yes_probability(0.3, 6))
    # a stricter door (yes 0.1) with one PCN still answering alone: 1 - 0.9 x 0.7 = 0.37
    assert dc.door_yes(0.3, 6, committed=5, gate_yes=0.1) == pytest.approx(0.37)


def test_compare_access_with_pcns_that_answer_directly():
    c = dc.compare_access(0.3, 6, committed=4)
    assert (c.committed, c.leaks) == (4, 2) and c.gatekeeper_yes == pytest.approx(0.657)
    assert "4 of the 6 PCNs" in c.summary() and "2 that answer alone" in c.summary()
    assert dc.compare_access(0.3, 6).leaks == 0


@pytest.mark.parametrize("committed", [-1, 7, 2.5, True])
def test_committed_must_be_a_count_of_the_pcns(committed):
    with pytest.raises(dc.DecisionError, match="to the door"):
        dc.door_yes(0.3, 6, committed=committed)
