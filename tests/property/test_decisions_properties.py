"""Properties of the decisions model: vote and consensus runs, and the single-point-of-access maths.

Generators live here rather than in strategies.py because they serve this module only.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pcn_workbook.models import decisions as dc
from strategies import PROPERTY

chances = st.one_of(st.sampled_from([0.0, 0.05, 0.1, 0.5, 1.0]), st.floats(0.0, 1.0))


@st.composite
def decision_settings(draw, max_practices=12, max_meetings=40):
    """Valid settings, small enough to run many; extremes (no spread, certain rogues) turn up often."""
    return dc.DecisionSettings(
        practices=draw(st.integers(dc.PRACTICES_RANGE[0], max_practices)),
        meetings=draw(st.integers(1, max_meetings)),
        mean_value=draw(st.one_of(st.sampled_from([-1.0, 0.0, 1.0]), st.floats(-5, 5))),
        spread=draw(st.one_of(st.sampled_from([0.0, 2.0]), st.floats(0, 10))),
        rogue_base=draw(chances),
        rogue_step=draw(chances),
        consensus_meetings=draw(st.integers(1, 5)),
        seed=draw(st.integers(0, 2**32 - 1)),
    )


# --- runs -----------------------------------------------------------------------------------------

@PROPERTY
@given(decision_settings())
def test_one_row_per_meeting_in_order(s):
    for run in (dc.run_vote(s), dc.run_consensus(s)):
        assert [r["meeting"] for r in run.rows] == list(range(1, s.meetings + 1))
        assert all(r["regime"] == run.regime for r in run.rows)


@PROPERTY
@given(decision_settings())
def test_consensus_value_never_decreases_and_nobody_goes_rogue(s):
    run = dc.run_consensus(s)
    values = [r["value"] for r in run.rows]
    assert all(b >= a for a, b in zip(values, values[1:]))
    assert values[0] >= 0
    assert all(r["rogue"] == 0 for r in run.rows)


@PROPERTY
@given(decision_settings())
def test_rogue_count_never_decreases_and_someone_always_stays(s):
    rogue = [r["rogue"] for r in dc.run_vote(s).rows]
    assert all(b >= a for a, b in zip(rogue, rogue[1:]))
    assert 0 <= rogue[0] and rogue[-1] <= s.practices - 1


@PROPERTY
@given(decision_settings())
def test_decisions_grow_by_at_most_one_and_never_exceed_the_meetings(s):
    vote, cons = dc.run_vote(s), dc.run_consensus(s)
    for run in (vote, cons):
        d = [0] + [r["decisions"] for r in run.rows]
        assert all(b - a in (0, 1) for a, b in zip(d, d[1:]))
        assert run.decisions <= s.meetings
    assert cons.decisions <= s.meetings // s.consensus_meetings


@PROPERTY
@given(decision_settings())
def test_same_settings_same_runs(s):
    assert dc.compare(s) == dc.compare(dataclasses.replace(s))


@PROPERTY
@given(decision_settings())
def test_consensus_matches_a_direct_count(s):
    """Oracle: consensus agrees the proposals (in order) whose total is above zero."""
    v = dc.proposal_values(s)
    k = s.meetings // s.consensus_meetings
    totals = v[:k].sum(axis=1)
    run = dc.run_consensus(s)
    assert run.decisions == int((totals > 0).sum())
    assert math.isclose(run.total_value, float(totals[totals > 0].sum()), rel_tol=1e-9, abs_tol=1e-9)


@PROPERTY
@given(decision_settings())
def test_without_rogues_the_vote_matches_a_direct_count(s):
    """Oracle: with no chance of going rogue, a proposal passes when more than half value it above
    zero, and delivers its whole total."""
    s = dataclasses.replace(s, rogue_base=0.0, rogue_step=0.0)
    v = dc.proposal_values(s)
    passed = 2 * (v > 0).sum(axis=1) > s.practices
    run = dc.run_vote(s)
    assert run.rogue == 0
    assert run.decisions == int(passed.sum())
    assert math.isclose(run.total_value, float(v[passed].sum()), rel_tol=1e-9, abs_tol=1e-9)


@PROPERTY
@given(decision_settings())
def test_vote_value_is_what_passed_proposals_gave_the_practices_still_in(s):
    """Each meeting's gain is zero or part of that proposal's row, never more than its
    positive part: the vote never delivers value nobody had."""
    v = dc.proposal_values(s)
    run = dc.run_vote(s)
    before = 0.0
    for t, r in enumerate(run.rows):
        gain = r["value"] - before
        before = r["value"]
        assert gain <= float(v[t][v[t] > 0].sum()) + 1e-9
        assert gain >= float(v[t][v[t] < 0].sum()) - 1e-9


@PROPERTY
@given(decision_settings(max_meetings=15), st.lists(st.integers(0, 10_000), min_size=1, max_size=4))
def test_seed_averages_lie_between_the_single_runs(s, seeds):
    rows = dc.compare_over_seeds(s, seeds)
    assert len(rows) == 2 * s.meetings
    singles = [dc.compare(dataclasses.replace(s, seed=k)) for k in seeds]
    for i, row in enumerate(rows):
        for key in ("decisions", "value", "rogue"):
            each = [single[i][key] for single in singles]
            assert min(each) - 1e-9 <= row[key] <= max(each) + 1e-9
        assert 0.0 <= row["ahead"] <= 1.0


@PROPERTY
@given(decision_settings(max_meetings=30), st.lists(st.integers(0, 10_000), min_size=1, max_size=6, unique=True))
def test_all_seeds_at_once_is_each_seed_run_alone(s, seeds):
    """compare_over_seeds runs every seed in one pass (for speed); it must be exactly the mean,
    spread and lead of the single runs, meeting by meeting."""
    rows = dc.compare_over_seeds(s, seeds)
    singles = [dc.compare(dataclasses.replace(s, seed=k)) for k in seeds]
    for i, row in enumerate(rows):
        for key in ("decisions", "rogue"):  # counts: exact
            assert row[key] == sum(single[i][key] for single in singles) / len(seeds)
        each = [single[i]["value"] for single in singles]
        assert row["value"] == pytest.approx(sum(each) / len(each), rel=1e-12, abs=1e-9)
        low, high = np.percentile(each, [10, 90])
        assert (row["value_low"], row["value_high"]) == pytest.approx((low, high), rel=1e-12, abs=1e-9)
    half = s.meetings
    for t in range(half):
        vote = [single[t]["value"] for single in singles]
        agree = [single[half + t]["value"] for single in singles]
        clear = [abs(a - b) > 1e-9 for a, b in zip(vote, agree)]
        if all(clear):  # a tie within rounding could fall either way
            assert rows[t]["ahead"] == sum(a > b for a, b in zip(vote, agree)) / len(seeds)


@PROPERTY
@given(decision_settings(max_meetings=30), decision_settings(max_meetings=30))
def test_kept_draws_give_each_seed_exactly_its_own_proposals_and_draws(s, other):
    """A slider step reuses the seeds' normals and rogue draws: mean + spread x normal must be the
    very numbers ``proposal_values`` draws, for any mean and spread, and nothing may change them."""
    s2 = dataclasses.replace(other, practices=s.practices, meetings=s.meetings, seed=s.seed)
    normals, draws = dc._kept_seed_draws((s.seed,), s.meetings, s.practices)
    for x in (s, s2):
        assert np.array_equal(x.mean_value + x.spread * normals[0], dc.proposal_values(x))
        assert np.array_equal(draws[0], dc.rogue_draws(x))
    with pytest.raises(ValueError):
        normals[0, 0, 0] = 99.0


@PROPERTY
@given(decision_settings(), st.sampled_from(["practices", "meetings", "mean_value", "spread",
                                             "rogue_base", "rogue_step", "consensus_meetings", "seed"]),
       st.sampled_from([-1, 10**6, math.nan, None, "3"]))
def test_out_of_range_settings_always_raise_a_decision_error(s, field, bad):
    if field == "mean_value" and bad == -1:
        bad = -1e6  # -1 is a fine mean value
    if field == "spread" and bad == -1:
        bad = -0.5
    if field == "seed" and bad == 10**6:
        bad = 1.5  # any whole number from zero up is a fine seed
    s = dataclasses.replace(s, **{field: bad})
    try:
        s.validate()
    except dc.DecisionError as err:
        assert str(err)
    else:
        raise AssertionError(f"{field}={bad!r} was accepted")


# --- single point of access -----------------------------------------------------------------------

probabilities = st.one_of(st.sampled_from([0.0, 1.0, 0.2, 0.3, 0.5]), st.floats(0.0, 1.0))
ask_counts = st.integers(0, dc.MAX_PCNS)


@PROPERTY
@given(probabilities, ask_counts)
def test_first_yes_is_a_probability(p, k):
    assert 0.0 <= dc.first_yes_probability(p, k) <= 1.0


@PROPERTY
@given(probabilities, ask_counts, ask_counts)
def test_first_yes_grows_with_asks(p, j, k):
    lo, hi = sorted((j, k))
    assert dc.first_yes_probability(p, lo) <= dc.first_yes_probability(p, hi)


@PROPERTY
@given(probabilities, probabilities, ask_counts)
def test_first_yes_grows_with_the_chance_of_each_yes(p, q, k):
    lo, hi = sorted((p, q))
    assert dc.first_yes_probability(lo, k) <= dc.first_yes_probability(hi, k) + 1e-15


# A statistical check: derandomised so the same examples run every time (a fixed, passing set,
# not a 1-in-thousands flake); 4 standard errors plus one trial's worth for the discreteness.
@settings(max_examples=60, deadline=None, derandomize=True)
@given(probabilities, st.integers(0, 12), st.integers(200, 5_000), st.integers(0, 2**32 - 1))
def test_simulation_within_four_standard_errors_of_the_formula(p, k, trials, seed):
    exact = dc.first_yes_probability(p, k)
    sim = dc.simulate_first_yes(p, k, trials, seed)
    assert 0.0 <= sim <= 1.0
    if exact in (0.0, 1.0):
        assert sim == exact
    else:
        assert abs(sim - exact) <= 4 * math.sqrt(exact * (1 - exact) / trials) + 1 / trials


@PROPERTY
@given(probabilities, st.integers(1, 30))
def test_asks_table_adds_up(p, n):
    rows = dc.asks_table(p, n)
    assert [r["asks"] for r in rows] == list(range(1, n + 1))
    cumulative = np.cumsum([r["chance_first_yes_here"] for r in rows])
    assert np.allclose(cumulative, [r["chance_yes_by_then"] for r in rows], atol=1e-12)
    up_to = [r["expected_asks_up_to_here"] for r in rows]
    assert all(b >= a for a, b in zip(up_to, up_to[1:]))
    assert all(1.0 - 1e-12 <= e <= k + 1e-12 for k, e in zip(range(1, n + 1), up_to))
    assert all(math.isclose(r["expected_asks_if_all_may_be_asked"], up_to[-1]) for r in rows)


@PROPERTY
@given(probabilities, st.integers(1, 30), st.one_of(st.none(), probabilities))
def test_shopping_around_never_yields_fewer_yeses_than_one_pcn(p, n, gate):
    c = dc.compare_access(p, n, gate)
    assert c.gatekeeper_yes == (p if gate is None else gate)
    assert c.shopping_yes >= p - 1e-15
    if gate is None:
        assert c.extra_yes >= -1e-15
    assert 1.0 - 1e-12 <= c.expected_asks <= n + 1e-12
    assert c.summary()


@PROPERTY
@given(probabilities, st.integers(1, 30), st.data(), st.one_of(st.none(), probabilities))
def test_every_pcn_that_skips_the_door_gives_the_system_another_chance(p, n, data, gate):
    """Assumption 10: the door's yes never falls as PCNs leave it, lies between the door alone and
    the door plus all n PCNs, and with no PCN committed it is shopping around."""
    c = data.draw(st.integers(1, n))
    g = p if gate is None else gate
    fewer = dc.door_yes(p, n, committed=c - 1, gate_yes=gate)
    here = dc.door_yes(p, n, committed=c, gate_yes=gate)
    if c - 1 > 0:
        assert fewer >= here - 1e-12
    assert g - 1e-12 <= here <= 1 - (1 - g) * (1 - p) ** n + 1e-12
    assert dc.door_yes(p, n, committed=0) == dc.first_yes_probability(p, n)
    assert dc.door_yes(p, n, committed=n, gate_yes=gate) == g
    if gate is None:  # a door that decides like a PCN: each leak is exactly one more ask
        assert math.isclose(here, dc.first_yes_probability(p, n - c + 1), abs_tol=1e-12)
