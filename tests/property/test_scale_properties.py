"""Properties of the scale model: groupings of generated areas, relationships, voice and closeness."""

from __future__ import annotations

import math
from itertools import combinations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from pcn_workbook.models import scale as sc
from strategies import PROPERTY, scale_areas, scale_bands


def in_postcode_order(practices: pd.DataFrame) -> pd.DataFrame:
    keys = [(sc.postcode_key(p), c) for p, c in zip(practices.postcode, practices.code)]
    return practices.iloc[sorted(range(len(keys)), key=keys.__getitem__)]


def score(populations, lo, hi) -> tuple[int, float]:
    """The objective group_practices maximises: (practices in band, minus 4 x squared distance)."""
    covered = sum(k for p, k in populations if lo <= p <= hi)
    return covered, -sum((2 * p - lo - hi) ** 2 for p, _ in populations)


def brute_force_best(sizes, lo, hi) -> tuple[int, float]:
    """Best score over every contiguous cut of ``sizes`` that respects the top of the band."""
    n, best = len(sizes), None
    for k in range(n):
        for cuts in combinations(range(1, n), k):
            bounds = (0, *cuts, n)
            runs = [(sum(sizes[a:b]), b - a) for a, b in zip(bounds, bounds[1:])]
            if any(p > hi and k > 1 for p, k in runs):
                continue
            s = score(runs, lo, hi)
            best = s if best is None or s > best else best
    return best


# --- groupings ----------------------------------------------------------------------------------

@PROPERTY
@given(scale_areas(), scale_bands())
def test_every_practice_is_in_exactly_one_network(practices, band):
    g = sc.group_practices(practices, *band)
    members = [c for n in g.networks for c in n.practices]
    assert sorted(members) == sorted(practices.code)
    assert len(members) == len(set(members))
    assert all(n.practices for n in g.networks)
    assert g.count == len(g.networks) >= 1


@PROPERTY
@given(scale_areas(), scale_bands())
def test_networks_are_contiguous_runs_in_postcode_order_named_in_order(practices, band):
    g = sc.group_practices(practices, *band)
    assert [c for n in g.networks for c in n.practices] == list(in_postcode_order(practices).code)
    assert [n.name for n in g.networks] == [f"Network {i}" for i in range(1, g.count + 1)]
    postcode = dict(zip(practices.code, practices.postcode))
    for n in g.networks:
        assert n.districts == tuple(dict.fromkeys(sc.outward_code(postcode[c]) for c in n.practices))


@PROPERTY
@given(scale_areas(), scale_bands())
def test_no_network_above_the_band_unless_a_single_practice(practices, band):
    lo, hi = band
    g = sc.group_practices(practices, lo, hi)
    size = dict(zip(practices.code, practices.list_size))
    for n in g.networks:
        if n.population > hi:
            assert len(n.practices) == 1 and size[n.practices[0]] > hi
    assert all(len(n.practices) == 1 for n in g.oversized)


@PROPERTY
@given(scale_areas(), scale_bands())
def test_populations_add_up_to_the_area_total(practices, band):
    g = sc.group_practices(practices, *band)
    size = dict(zip(practices.code, practices.list_size))
    for n in g.networks:
        assert n.population == sum(size[c] for c in n.practices)
    assert sum(n.population for n in g.networks) == g.population == int(practices.list_size.sum())


@PROPERTY
@given(scale_areas(), scale_bands())
def test_left_over_is_exactly_the_practices_in_under_size_networks(practices, band):
    lo, hi = band
    g = sc.group_practices(practices, lo, hi)
    small = [n for n in g.networks if n.population < lo]
    assert g.left_over == tuple(c for n in small for c in n.practices)
    assert g.left_over_population == sum(n.population for n in small)
    assert len(g.in_band) + len(small) + len(g.oversized) == g.count


@PROPERTY
@given(scale_areas(), scale_bands(), st.randoms(use_true_random=False))
def test_row_order_does_not_change_the_grouping(practices, band, rnd):
    rows = list(range(len(practices)))
    rnd.shuffle(rows)
    shuffled = practices.iloc[rows].reset_index(drop=True)
    assert sc.group_practices(shuffled, *band) == sc.group_practices(practices, *band)


@PROPERTY
@given(scale_areas(max_practices=8), scale_bands())
def test_the_cut_is_optimal_against_brute_force(practices, band):
    lo, hi = band
    g = sc.group_practices(practices, lo, hi)
    ordered = [int(s) for s in in_postcode_order(practices).list_size]
    assert score([(n.population, len(n.practices)) for n in g.networks], lo, hi) == brute_force_best(ordered, lo, hi)


@PROPERTY
@given(scale_areas(), scale_bands())
def test_no_two_neighbouring_networks_could_merge_into_the_band(practices, band):
    lo, hi = band
    g = sc.group_practices(practices, lo, hi)
    for a, b in zip(g.networks, g.networks[1:]):
        if a.population < lo or b.population < lo:
            assert not lo <= a.population + b.population <= hi


@PROPERTY
@given(scale_areas(), scale_bands(), st.integers(1, 10**7))
def test_grouping_relationships_are_hospital_over_mean_network(practices, band, hospital):
    g = sc.group_practices(practices, *band)
    mean = g.population / g.count
    assert math.isclose(g.relationships(hospital), hospital / mean, rel_tol=1e-12)


@PROPERTY
@given(scale_areas(min_practices=1, max_practices=6), st.sampled_from(["size", "postcode", "band"]))
def test_bad_input_raises_a_scale_error(practices, what):
    lo, hi = 30_000, 50_000
    if what == "size":
        practices = practices.assign(list_size=[0] + list(practices.list_size[1:]))
    elif what == "postcode":
        practices = practices.assign(postcode=[""] + list(practices.postcode[1:]))
    else:
        lo, hi = hi, lo
    try:
        sc.group_practices(practices, lo, hi)
    except sc.ScaleError as e:
        assert str(e) and (what == "band" or practices.code.iloc[0] in str(e))
    else:
        raise AssertionError("expected a ScaleError")


# --- relationships ------------------------------------------------------------------------------

populations = st.one_of(st.integers(1, 10**8), st.floats(1e-3, 1e9, allow_nan=False, allow_infinity=False))


@PROPERTY
@given(populations, populations, populations)
def test_larger_units_mean_fewer_relationships(hospital, a, b):
    small, large = sorted((a, b))
    assert sc.relationships(hospital, large) <= sc.relationships(hospital, small)
    if large > small:
        assert sc.relationships(hospital, large) < sc.relationships(hospital, small) or math.isclose(
            sc.relationships(hospital, large), sc.relationships(hospital, small), rel_tol=1e-15)
    assert sc.relationships(hospital, hospital) == 1.0


# --- distance against voice ---------------------------------------------------------------------

people = st.floats(1, 1e7, allow_nan=False)
practice_counts = st.floats(1, 1_000, allow_nan=False)
weight_pairs = st.tuples(st.floats(0, 1), st.floats(0, 1)).filter(lambda w: w != (0.0, 0.0))


@PROPERTY
@given(people, practice_counts, weight_pairs)
def test_voice_closeness_and_score_lie_between_0_and_1(population, n, weights):
    v = sc.distance_vs_voice(population, n, *weights)
    for x in (v.voice, v.closeness, v.score):
        assert 0.0 <= x <= 1.0
    assert min(v.voice, v.closeness) - 1e-12 <= v.score <= max(v.voice, v.closeness) + 1e-12
    assert v.caveat == sc.CAVEAT


@PROPERTY
@given(people, people, practice_counts, weight_pairs)
def test_more_population_means_more_voice(a, b, n, weights):
    small, large = sorted((a, b))
    lo, hi = sc.distance_vs_voice(small, n, *weights), sc.distance_vs_voice(large, n, *weights)
    assert lo.voice <= hi.voice
    assert lo.closeness == hi.closeness
    assert lo.score <= hi.score + 1e-12


@PROPERTY
@given(people, practice_counts, practice_counts, weight_pairs)
def test_more_practices_means_less_closeness(population, a, b, weights):
    few, many = sorted((a, b))
    lo, hi = sc.distance_vs_voice(population, few, *weights), sc.distance_vs_voice(population, many, *weights)
    assert hi.closeness <= lo.closeness
    assert hi.voice == lo.voice
    assert hi.score <= lo.score + 1e-12


@PROPERTY
@given(st.lists(people, min_size=1, max_size=20), st.floats(0.1, 10), weight_pairs)
def test_curve_rows_match_distance_vs_voice(sizes, rate, weights):
    rows = sc.voice_closeness_curve(sizes, rate, weights)
    assert len(rows) == len(sizes)
    for size, row in zip(sizes, rows):
        v = sc.distance_vs_voice(size, max(1.0, size * rate / 10_000), *weights)
        assert row == dict(population=v.population, practices=v.n_practices, voice=v.voice,
                           closeness=v.closeness, score=v.score)
