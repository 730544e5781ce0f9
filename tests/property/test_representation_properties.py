"""Properties of the representation model: bookkeeping, bounds, determinism, and the direction each
of Gowland's recommendations pushes, whatever the (illustrative) numbers."""

from __future__ import annotations

import dataclasses
import math

from hypothesis import given
from hypothesis import strategies as st

from pcn_workbook.models import representation as rp
from strategies import PROPERTY

chances = st.floats(0.0, 1.0, allow_nan=False)


@st.composite
def ways(draw, max_meetings=30):
    """A valid way of working with its assumptions varied too (busy_load never above busy_base)."""
    base = draw(chances)
    return rp.RepresentationSettings(
        meetings=draw(st.integers(1, max_meetings)), people=draw(st.integers(*rp.PEOPLE_RANGE)),
        briefed=draw(st.booleans()), mandate=draw(st.sampled_from(list(rp.MANDATES))),
        report_process=draw(st.booleans()), admin_support=draw(st.booleans()),
        seed=draw(st.integers(0, 2**32 - 1)), ramp=draw(st.floats(0, 10)),
        view_match=draw(chances), overstep=draw(chances), foreseen=draw(chances),
        review_every=draw(st.integers(1, 8)), supported=draw(chances), busy_base=base,
        busy_load=draw(st.floats(0.0, base)), trust_up=draw(chances), trust_down=draw(chances),
        collapse=draw(chances))


@PROPERTY
@given(ways())
def test_one_row_per_meeting_and_the_totals_add_up(way):
    run = rp.run(way)
    assert [r["meeting"] for r in run.rows] == list(range(1, way.meetings + 1))
    assert math.isclose(run.total, math.fsum(r["value"] for r in run.rows), abs_tol=1e-9)
    assert sum(run.counts().values()) == way.meetings


@PROPERTY
@given(ways())
def test_each_meeting_gains_at_most_its_influence_and_loses_at_most_it(way):
    for r in rp.run(way).rows:
        assert 0 < r["influence"] <= 1
        assert -r["influence"] - 1e-12 <= r["value"] <= r["influence"] + 1e-12
        assert (r["value"] > 0) == (r["outcome"] == "kept")
        assert (r["value"] < 0) == (r["outcome"] == "overstep")
        assert r["trust"] <= 1 + 1e-12


@PROPERTY
@given(ways())
def test_collapse_is_for_good(way):
    flags = [r["collapsed"] for r in rp.run(way).rows]
    if True in flags:
        first = flags.index(True)
        assert all(flags[first:])
        assert all(r["outcome"] == "collapsed" for r in rp.run(way).rows[first + 1:])


@PROPERTY
@given(ways())
def test_same_settings_same_run(way):
    assert rp.run(way) == rp.run(way)


@PROPERTY
@given(ways())
def test_a_briefed_representative_never_only_gives_a_view(way):
    assert rp.run(dataclasses.replace(way, briefed=True)).counts()["view"] == 0


@PROPERTY
@given(ways())
def test_a_rigid_mandate_never_oversteps_and_only_it_falls_outside(way):
    counts = rp.run(way).counts()
    if way.mandate == rp.RIGID:
        assert counts["overstep"] == 0
    else:
        assert counts["outside"] == 0


@PROPERTY
@given(ways())
def test_on_the_same_draws_briefing_never_loses_influence_before_any_collapse(way):
    """Briefing only turns 'view' meetings into meetings that go on to the other checks; with
    reports certain (so trust cannot fall), it never keeps less."""
    steady = dataclasses.replace(way, report_process=True, supported=1.0)
    u = rp.draws(steady)
    plain = rp.run_on(u, dataclasses.replace(steady, briefed=False))
    briefed = rp.run_on(u, dataclasses.replace(steady, briefed=True))
    kept = lambda run: sum(r["outcome"] == "kept" for r in run.rows)  # noqa: E731
    assert kept(briefed) >= kept(plain)


@PROPERTY
@given(ways())
def test_certain_reports_never_collapse(way):
    steady = dataclasses.replace(way, report_process=True, supported=1.0)
    assert not any(r["collapsed"] for r in rp.run(steady).rows)


@PROPERTY
@given(ways(), st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=4))
def test_seed_averages_lie_between_the_single_runs(way, seeds):
    rows = rp.compare_over_seeds({"w": way}, seeds=seeds)
    totals = [rp.run(dataclasses.replace(way, seed=s)).total for s in seeds]
    assert min(totals) - 1e-9 <= rows[-1]["total"] <= max(totals) + 1e-9
    assert 0 <= rows[-1]["collapsed"] <= 1


# The model's rules written again the plain way, one seed and one meeting at a time (what
# ``_simulate`` was before every seed ran at once): the reference the vectorised model must match.
def one_by_one(u, settings: rp.RepresentationSettings) -> list[dict]:
    attended = [0] * settings.people
    trust, collapsed, total, rows = 1.0, False, 0.0, []
    follow, report = settings.follow_through, settings.report_chance
    for t in range(1, settings.meetings + 1):
        view, mandate, actions, reported = (float(x) for x in u[t - 1])
        person = (t - 1) % settings.people
        weight = settings.influence(attended[person])
        if collapsed:
            outcome, value = "collapsed", 0.0
        else:
            attended[person] += 1
            if not settings.briefed and view >= settings.view_match:
                outcome, value = "view", 0.0
            elif settings.mandate == rp.RIGID and mandate >= settings.foreseen:
                outcome, value = "outside", 0.0
            elif mandate < settings.overstep_chance(t):
                outcome, value = "overstep", -weight
            elif actions >= follow:
                outcome, value = "dropped", 0.0
            else:
                outcome, value = "kept", weight
            trust = min(1.0, trust + settings.trust_up) if reported < report else trust - settings.trust_down
            collapsed = trust < settings.collapse - 1e-9
        total += value
        rows.append({"meeting": t, "person": person + 1, "influence": weight, "outcome": outcome, "value": value,
                     "total": total, "trust": trust, "collapsed": collapsed})
    return rows


@PROPERTY
@given(ways())
def test_a_run_is_the_meetings_played_one_by_one(way):
    """A run is one column of the model that plays every seed at once: every row is the same, to
    the last bit and the type, as the rules played one meeting at a time."""
    rows = rp.run(way).rows
    assert list(rows) == one_by_one(rp.draws(way), way)
    assert all(type(r["collapsed"]) is bool and type(r["total"]) is float for r in rows)


@PROPERTY
@given(ways(), st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=6))
def test_the_averages_over_seeds_are_those_of_the_runs_one_by_one(way, seeds):
    """compare_over_seeds and outcome_means run every seed at once: each figure is exactly (the
    same float) what the runs one seed at a time give."""
    runs = [one_by_one(rp.draws(dataclasses.replace(way, seed=k)), way) for k in seeds]
    rows = rp.compare_over_seeds({"a": way}, seeds=seeds)
    for t, row in enumerate(rows):
        assert row["total"] == math.fsum(r[t]["total"] for r in runs) / len(runs)
        assert row["trust"] == math.fsum(r[t]["trust"] for r in runs) / len(runs)
        assert row["collapsed"] == sum(r[t]["collapsed"] for r in runs) / len(runs)
    means = rp.outcome_means(way, seeds=seeds)
    assert means == {k: sum(m["outcome"] == k for r in runs for m in r) / len(runs) for k in rp.OUTCOMES}
