"""Shapley's axioms, and agreement with independent calculations, as Hypothesis properties."""

from __future__ import annotations

import math
from itertools import permutations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pcn_workbook.models.shapley import EXACT_LIMIT, shapley, shapley_table
from strategies import EXPENSIVE, PROPERTY, coalitions, game_pairs, game_values, games, games_on, player_lists, players_of

TOL = 1e-7  # games are bounded by 1,000 in absolute value; table sums are good to ~1e-12


def close(a: float, b: float, tol: float = TOL) -> bool:
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


@PROPERTY
@given(games(empty=st.one_of(st.none(), game_values)))
def test_efficiency(v):
    phi = shapley(v)
    players = players_of(v)
    assert set(phi) == set(players)
    assert close(sum(phi.values()), v[frozenset(players)] - v.get(frozenset(), 0.0))


@PROPERTY
@given(player_lists(2, 6).flatmap(lambda ps: st.tuples(st.just(ps), games_on(ps),
                                                      st.sampled_from(list(permutations(range(len(ps)), 2))))))
def test_symmetry(case):
    players, base, (a, b) = case
    i, j = players[a], players[b]

    def swap(s):
        return frozenset({i: j, j: i}.get(p, p) for p in s)

    # symmetrise: i and j are interchangeable in v
    v = {s: (base[s] + base[swap(s)]) / 2 for s in base}
    phi = shapley(v)
    assert close(phi[i], phi[j])


@PROPERTY
@given(games(max_players=5), st.sampled_from(["Z", "null"]))
def test_null_player_gets_nothing_and_changes_nothing(v, null):
    extended = dict(v)
    for s, x in v.items():
        extended[s | {null}] = x
    extended[frozenset({null})] = v.get(frozenset(), 0.0)
    phi, before = shapley(extended), shapley(v)
    assert close(phi[null], 0.0)
    for p, x in before.items():
        assert close(phi[p], x)


@PROPERTY
@given(games(max_players=5), st.floats(-1_000, 1_000, allow_nan=False))
def test_dummy_player_gets_its_stand_alone_value(v, worth):
    # a player who adds exactly `worth` to every coalition gets exactly `worth`
    extended = dict(v)
    for s, x in v.items():
        extended[s | {"Z"}] = x + worth
    extended[frozenset("Z")] = v.get(frozenset(), 0.0) + worth
    assert close(shapley(extended)["Z"], worth, 1e-6)


@PROPERTY
@given(game_pairs())
def test_additivity(pair):
    v, w = pair
    both = {s: v.get(s, 0.0) + w.get(s, 0.0) for s in set(v) | set(w)}
    phi_v, phi_w, phi_both = shapley(v), shapley(w), shapley(both)
    for p in phi_both:
        assert close(phi_both[p], phi_v[p] + phi_w[p], 1e-6)


@PROPERTY
@given(games(max_players=5), st.floats(-100, 100, allow_nan=False))
def test_scaling(v, a):
    phi, scaled = shapley(v), shapley({s: a * x for s, x in v.items()})
    for p in phi:
        assert close(scaled[p], a * phi[p], 1e-6)


@PROPERTY
@given(games(max_players=5), st.randoms(use_true_random=False))
def test_renaming_players_renames_shares(v, rnd):
    players = players_of(v)
    new = [f"x{k}" for k in range(len(players))]
    rnd.shuffle(new)
    rename = dict(zip(players, new))
    phi = shapley(v)
    renamed = shapley({frozenset(rename[p] for p in s): x for s, x in v.items()})
    for p in players:
        assert close(renamed[rename[p]], phi[p])


@PROPERTY
@given(games(max_players=5, empty=st.one_of(st.none(), game_values)))
def test_agrees_with_average_over_all_orders(v):
    """Independent oracle: average marginal contribution over every one of the n! orders."""
    players = players_of(v)
    value = lambda s: v.get(s, 0.0) if s else v.get(frozenset(), 0.0)  # noqa: E731
    totals = dict.fromkeys(players, 0.0)
    orders = list(permutations(players))
    for order in orders:
        s = frozenset()
        for p in order:
            totals[p] += value(s | {p}) - value(s)
            s = s | {p}
    phi = shapley(v)
    for p in players:
        assert close(phi[p], totals[p] / len(orders))


@PROPERTY
@given(st.lists(st.integers(1, 1_000), min_size=1, max_size=6))
def test_airport_games_follow_littlechild_owen(costs):
    """Cost game c(S) = max runway cost in S: split each increment among those who need it."""
    players = [f"plane{k}" for k in range(len(costs))]
    cost = dict(zip(players, map(float, costs)))
    v = {s: max(cost[p] for p in s) for s in coalitions(players) if s}
    ranked = sorted(players, key=cost.get)
    expected, share, previous = {}, 0.0, 0.0
    for k, p in enumerate(ranked):
        share += (cost[p] - previous) / (len(ranked) - k)
        previous = cost[p]
        expected[p] = share
    phi = shapley(v)
    for p in players:
        assert close(phi[p], expected[p])


@PROPERTY
@given(games(max_players=6))
def test_dict_and_callable_and_table_agree(v):
    players = players_of(v)
    by_dict = shapley(v)
    by_call = shapley(lambda s: v[s] if s else v.get(s, 0.0), players)  # a dict may omit v(empty)
    table = np.array([v.get(frozenset(p for j, p in enumerate(players) if m >> j & 1), 0.0)
                      for m in range(1 << len(players))])
    by_table = dict(zip(players, shapley_table(table)))
    for p in players:
        assert close(by_dict[p], by_call[p])
        assert close(by_dict[p], by_table[p])


# --- the sampled path: 13-14 players -----------------------------------------------------------

def _noise(mask: int, delta: float, salt: int) -> float:
    """A deterministic pseudo-random number in [-delta, delta] for each coalition."""
    h = (mask * 2654435761 + salt * 40503) % 1_000_003
    return delta * (2 * h / 1_000_002 - 1)


@EXPENSIVE
@given(n=st.integers(EXACT_LIMIT + 1, EXACT_LIMIT + 2),
       weights=st.lists(st.integers(-50, 50), min_size=14, max_size=14),
       delta=st.sampled_from([0.0, 0.01, 0.5]),
       salt=st.integers(0, 10**6), seed=st.integers(0, 2**32 - 1))
def test_sampled_estimate_on_additive_plus_noise_game(n, weights, delta, salt, seed):
    """v(S) = sum of a_i over S + noise(S), |noise| <= delta.

    Every marginal contribution of i is a_i +/- 2 delta, so exact and sampled values both lie
    within 2 delta of a_i whatever the orders drawn (with delta = 0 the sample is exact), and the
    sampled estimate is efficient.
    """
    players = [f"p{k:02d}" for k in range(n)]
    a = dict(zip(players, map(float, weights)))
    masks = {}

    def v(s):
        mask = sum(1 << players.index(p) for p in s)
        if mask not in masks:
            masks[mask] = sum(a[p] for p in s) + (_noise(mask, delta, salt) if mask else 0.0)
        return masks[mask]

    sampled = shapley(v, players, samples=300, seed=seed)
    grand = v(frozenset(players))
    assert math.isclose(sum(sampled.values()), grand, rel_tol=1e-9, abs_tol=1e-9)
    table = np.array([v(frozenset(p for j, p in enumerate(players) if m >> j & 1)) for m in range(1 << n)])
    exact = dict(zip(players, shapley_table(table)))
    for p in players:
        assert abs(sampled[p] - a[p]) <= 2 * delta + 1e-9
        assert abs(exact[p] - a[p]) <= 2 * delta + 1e-9
        assert abs(sampled[p] - exact[p]) <= 4 * delta + 1e-9


@EXPENSIVE
@given(weights=st.lists(st.integers(1, 20), min_size=13, max_size=14), seed=st.integers(0, 2**32 - 1))
def test_sampled_estimate_on_quadratic_game_within_hoeffding_bound(weights, seed):
    """v(S) = (sum w over S)^2 has phi_i = w_i W exactly; with 1,000 samples each estimate lies within
    6 ranges / sqrt(1000) of it except with probability 2 exp(-72)."""
    players = [f"p{k:02d}" for k in range(len(weights))]
    w = dict(zip(players, map(float, weights)))
    total = sum(w.values())
    phi = shapley(lambda s: sum(w[p] for p in s) ** 2, players, samples=1_000, seed=seed)
    assert math.isclose(sum(phi.values()), total**2, rel_tol=1e-12)
    for p in players:
        spread = 2 * w[p] * (total - w[p])
        assert abs(phi[p] - w[p] * total) <= 6 * spread / math.sqrt(1_000) + 1e-9


@EXPENSIVE
@given(weights=st.lists(st.integers(1, 20), min_size=13, max_size=13),
       seed=st.integers(0, 2**32 - 1), samples=st.integers(1, 60))
def test_sampled_path_is_deterministic_and_exactly_efficient(weights, seed, samples):
    players = [f"p{k:02d}" for k in range(len(weights))]
    w = dict(zip(players, map(float, weights)))
    game = lambda s: sum(w[p] for p in s) ** 2 + len(s) % 3  # noqa: E731
    first = shapley(game, players, samples=samples, seed=seed)
    assert first == shapley(game, players, samples=samples, seed=seed)
    assert math.isclose(sum(first.values()), game(frozenset(players)), rel_tol=1e-12)


@pytest.mark.parametrize("n", [EXACT_LIMIT, EXACT_LIMIT + 1])
def test_exact_and_sampled_agree_across_the_limit(n):
    """The same symmetric game on 12 (exact) and 13 (sampled) players: v(S) = |S|^3, so phi = n^2 each.

    A player's marginal contribution is k^3 - (k-1)^3 at a uniformly random position k; the
    sampled mean of 2,000 orders lies within 6 standard errors of n^2.
    """
    players = [f"p{k:02d}" for k in range(n)]
    phi = shapley(lambda s: float(len(s)) ** 3, players, samples=2_000, seed=3)
    assert math.isclose(sum(phi.values()), float(n) ** 3, rel_tol=1e-12)
    if n <= EXACT_LIMIT:
        assert phi == pytest.approx(dict.fromkeys(players, float(n) ** 2), rel=1e-12)
    else:
        contributions = np.array([k**3 - (k - 1) ** 3 for k in range(1, n + 1)], dtype=float)
        bound = 6 * contributions.std() / math.sqrt(2_000)
        assert phi == pytest.approx(dict.fromkeys(players, float(n) ** 2), abs=bound)
        assert len(set(phi.values())) > 1  # really sampled: not every estimate is identical
