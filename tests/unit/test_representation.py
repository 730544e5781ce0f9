"""Unit tests for pcn_workbook.models.representation: meetings worked by hand on given draws, the
rules of each assumption, validation, and the figures the module docstring quotes.

The draws are written out here, so every expected number is worked from the assumptions in the
module docstring (the working is in the comments).
"""

from __future__ import annotations

import dataclasses
import doctest

import numpy as np
import pytest

from pcn_workbook.models import representation as rp

# view, mandate, actions, report: a meeting where every draw "succeeds" (low numbers pass)
GOOD = [0.0, 0.9, 0.0, 0.0]


def s(**kw) -> rp.RepresentationSettings:
    return rp.RepresentationSettings(**kw)


def outcomes(run: rp.RepresentationRun) -> list[str]:
    return [r["outcome"] for r in run.rows]


def test_doctests_in_representation_module_pass():
    result = doctest.testmod(rp, verbose=False)
    assert result.attempted >= 8 and result.failed == 0


def test_defaults_are_whoever_volunteers_and_valid():
    d = rp.RepresentationSettings()
    assert (d.meetings, d.people, d.briefed, d.mandate, d.report_process, d.admin_support) == (24, 6, False, "none", False, False)
    assert rp.VOLUNTEERS == d
    assert (rp.ADVICE.people, rp.ADVICE.briefed, rp.ADVICE.mandate, rp.ADVICE.report_process,
            rp.ADVICE.admin_support) == (2, True, "review", True, True)
    d.validate()


def test_relationships_build_with_each_meeting_attended():
    # (n + 1) / (n + 4): 1/4, 2/5, 3/6
    assert [s().influence(n) for n in range(3)] == pytest.approx([0.25, 0.4, 0.5])


def test_one_person_carries_every_meeting_and_builds_influence():
    u = [GOOD] * 3
    run = rp.run_on(u, s(meetings=3, people=1, briefed=True, mandate="rigid"))
    # rigid: mandate draw 0.9 >= foreseen 0.4 would be outside; use the review mandate instead
    assert outcomes(run) == ["outside"] * 3
    run = rp.run_on(u, s(meetings=3, people=1, briefed=True, mandate="review"))
    assert outcomes(run) == ["kept"] * 3
    assert [r["value"] for r in run.rows] == pytest.approx([0.25, 0.4, 0.5])
    assert run.total == pytest.approx(1.15)


def test_a_rota_starts_every_newcomer_from_scratch():
    run = rp.run_on([GOOD] * 4, s(meetings=4, people=2, briefed=True, mandate="review"))
    assert [r["person"] for r in run.rows] == [1, 2, 1, 2]
    assert [r["value"] for r in run.rows] == pytest.approx([0.25, 0.25, 0.4, 0.4])


def test_unbriefed_a_representative_gives_a_view_half_the_time():
    u = [[0.3, 0.9, 0.0, 0.0], [0.7, 0.9, 0.0, 0.0]]  # view draw below / above view_match 0.5
    run = rp.run_on(u, s(meetings=2, people=1, mandate="review"))
    assert outcomes(run) == ["kept", "view"] and run.rows[1]["value"] == 0.0
    briefed = rp.run_on(u, s(meetings=2, people=1, mandate="review", briefed=True))
    assert outcomes(briefed) == ["kept", "kept"]


def test_a_rigid_mandate_never_oversteps_but_misses_what_it_did_not_foresee():
    u = [[0.0, 0.1, 0.0, 0.0], [0.0, 0.5, 0.0, 0.0]]  # mandate draw below / above foreseen 0.4
    assert outcomes(rp.run_on(u, s(meetings=2, people=1, briefed=True, mandate="rigid"))) == ["kept", "outside"]
    # the same draws with nothing agreed: 0.1 < overstep 0.2 oversteps, 0.5 does not
    none = rp.run_on(u, s(meetings=2, people=1, briefed=True, mandate="none"))
    assert outcomes(none) == ["overstep", "kept"]
    assert none.rows[0]["value"] == pytest.approx(-0.25)  # an overstep costs the meeting's worth


def test_reviews_halve_the_chance_of_overstepping():
    # reviews every 4 meetings: meetings 1-4 at 0.2, 5-8 at 0.1, 9-12 at 0.05
    u = [[0.0, 0.15, 0.0, 0.0]] * 12
    run = rp.run_on(u, s(meetings=12, people=1, briefed=True, mandate="review"))
    assert outcomes(run) == ["overstep"] * 4 + ["kept"] * 8
    assert outcomes(rp.run_on(u, s(meetings=12, people=1, briefed=True, mandate="none"))) == ["overstep"] * 12


def test_actions_undone_lose_the_gain_and_admin_support_helps():
    # one person alone: 0.8 - 0.3 = 0.5 without support; 0.95 with
    assert s(people=1).follow_through == pytest.approx(0.5)
    assert s(people=6).follow_through == pytest.approx(0.75)
    u = [[0.0, 0.9, 0.6, 0.0]]
    assert outcomes(rp.run_on(u, s(meetings=1, people=1, briefed=True, mandate="review"))) == ["dropped"]
    assert outcomes(rp.run_on(u, s(meetings=1, people=1, briefed=True, mandate="review", admin_support=True))) == ["kept"]


def test_trust_erodes_without_reports_until_representation_collapses():
    # trust 1 -> 0.85 -> 0.70 -> 0.55 -> 0.40 -> 0.25 (< 0.4: collapsed after meeting 5)
    u = [[0.0, 0.9, 0.0, 0.99]] * 7
    run = rp.run_on(u, s(meetings=7, people=1, briefed=True, mandate="review"))
    assert [round(r["trust"], 2) for r in run.rows[:5]] == [0.85, 0.7, 0.55, 0.4, 0.25]
    assert [r["collapsed"] for r in run.rows] == [False] * 4 + [True] * 3
    assert outcomes(run)[5:] == ["collapsed", "collapsed"] and run.rows[5]["value"] == 0.0
    # a report after each meeting keeps trust at the top
    steady = rp.run_on([GOOD] * 7, s(meetings=7, people=1, briefed=True, mandate="review"))
    assert all(r["trust"] == 1.0 for r in steady.rows)


def test_an_agreed_process_makes_reports_likely_whatever_the_load():
    assert s(people=1, report_process=True).report_chance == 0.95
    assert s(people=1).report_chance == pytest.approx(0.5)
    assert s(people=12).report_chance == pytest.approx(0.775)


def test_counts_cover_every_meeting_and_every_outcome():
    run = rp.run(rp.VOLUNTEERS)
    counts = run.counts()
    assert list(counts) == list(rp.OUTCOMES) and sum(counts.values()) == 24


def test_the_same_seed_gives_the_same_run_and_ways_share_their_draws():
    assert rp.run(s(seed=3)) == rp.run(s(seed=3))
    assert np.array_equal(rp.draws(s(seed=3)), rp.draws(s(seed=3, people=2, briefed=True)))


def test_compare_over_seeds_is_the_mean_of_the_single_runs():
    ways = {"a": rp.VOLUNTEERS, "b": rp.ADVICE}
    rows = rp.compare_over_seeds(ways, seeds=[0, 1, 2])
    assert [(r["way"], r["meeting"]) for r in rows[:2]] == [("a", 1), ("a", 2)] and len(rows) == 48
    last = [r for r in rows if r["meeting"] == 24]
    for r, way in zip(last, ways.values()):
        runs = [rp.run(dataclasses.replace(way, seed=k)) for k in (0, 1, 2)]
        assert r["total"] == pytest.approx(sum(x.total for x in runs) / 3)
        assert r["collapsed"] == pytest.approx(sum(x.rows[-1]["collapsed"] for x in runs) / 3)


def test_outcome_means_add_up_to_the_meetings():
    means = rp.outcome_means(rp.ADVICE, seeds=range(10))
    assert sum(means.values()) == pytest.approx(24)


def test_the_figures_the_docstring_quotes():
    """Gowland's advice keeps about 13 of 24; whoever volunteers about 2, half its meetings a view,
    collapsed by the end in about one run in five (40 seeds)."""
    rows = rp.compare_over_seeds({"advice": rp.ADVICE, "volunteers": rp.VOLUNTEERS})
    end = {r["way"]: r for r in rows if r["meeting"] == 24}
    assert 12 <= end["advice"]["total"] <= 14 and end["advice"]["collapsed"] == 0
    assert 1.5 <= end["volunteers"]["total"] <= 2.5 and 0.1 <= end["volunteers"]["collapsed"] <= 0.3
    assert 10 <= rp.outcome_means(rp.VOLUNTEERS)["view"] <= 14


def test_the_load_trade_off_two_key_people_alone_do_worse_than_a_rota():
    """Fewer people build relationships faster but are busier: without a process or support, the
    extra slips cost more than the relationships gain (the chapter's exercise)."""
    kept = lambda way: sum(rp.run(dataclasses.replace(way, seed=k)).total for k in range(40)) / 40  # noqa: E731
    assert kept(dataclasses.replace(rp.VOLUNTEERS, people=2)) < kept(rp.VOLUNTEERS)
    assert kept(dataclasses.replace(rp.ADVICE, people=1)) > kept(dataclasses.replace(rp.ADVICE, people=6))


@pytest.mark.parametrize("field,value,words", [
    ("meetings", 0, "number of meetings"),
    ("people", 13, "GPs sharing the seat"),
    ("people", 2.0, "whole number"),
    ("briefed", 1, "yes or no"),
    ("mandate", "vote", "mandate"),
    ("seed", -1, "seed"),
    ("overstep", 1.5, "overstep"),
    ("busy_load", 0.9, "busy"),
    ("review_every", 0, "between reviews"),
])
def test_bad_settings_raise_a_plain_representation_error(field, value, words):
    with pytest.raises(rp.RepresentationError, match=words):
        rp.run(dataclasses.replace(rp.RepresentationSettings(), **{field: value}))


@pytest.mark.parametrize("call,words", [
    (lambda: rp.run_on([[0.1, 0.1, 0.1]], s(meetings=1)), "4 columns"),
    (lambda: rp.run_on([[0.1, 0.1, 0.1, 1.5]], s(meetings=1)), "between 0 and 1"),
    (lambda: rp.compare_over_seeds({}), "way of working"),
    (lambda: rp.compare_over_seeds({"a": s(), "b": s(meetings=12)}), "same number of meetings"),
    (lambda: rp.compare_over_seeds({"a": s()}, seeds=[]), "at least one seed"),
    (lambda: rp.outcome_means(s(), seeds=range(1001)), "at most"),
])
def test_bad_calls_raise_plain_errors(call, words):
    with pytest.raises(rp.RepresentationError, match=words):
        call()


def test_remembered_runs_never_let_a_bad_value_through():
    """The runs behind a way of working are remembered (an app step asks for them three times);
    a value that only compares equal to a remembered good one is still refused."""
    good = rp.RepresentationSettings(briefed=True, people=2)
    first = rp.compare_over_seeds({"a": good}, seeds=[0, 1])
    assert rp.compare_over_seeds({"a": good}, seeds=[0, 1]) == first
    with pytest.raises(rp.RepresentationError, match="yes or no"):
        rp.compare_over_seeds({"a": dataclasses.replace(good, briefed=1)}, seeds=[0, 1])
    with pytest.raises(rp.RepresentationError, match="yes or no"):
        rp.outcome_means(dataclasses.replace(good, briefed=1), seeds=[0, 1])


def test_outcome_means_and_the_curves_agree_with_fresh_runs():
    way = rp.RepresentationSettings(people=3, mandate="review", seed=0)
    rp.compare_over_seeds({"a": way}, seeds=[5, 6])  # now remembered
    fresh = [rp.run(dataclasses.replace(way, seed=k)) for k in (5, 6)]
    means = rp.outcome_means(way, seeds=[5, 6])
    for outcome in rp.OUTCOMES:
        assert means[outcome] == sum(r.counts()[outcome] for r in fresh) / 2
