"""Unit tests for pcn_workbook.models.shapley: reference games, the dict API, the sampled path."""

from __future__ import annotations

import csv
import doctest
import importlib
from collections import defaultdict
from fractions import Fraction
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest

from pcn_workbook.models.shapley import EXACT_LIMIT, shapley, shapley_table

# ``pcn_workbook.models.shapley`` the attribute is the function (re-exported), so fetch the module itself.
shapley_module = importlib.import_module("pcn_workbook.models.shapley")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _rows(name: str) -> list[dict]:
    with open(FIXTURES / name, newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def reference_games() -> dict[str, dict[frozenset, float]]:
    """Every game in the fixtures as a dict frozenset -> value (empty coalition left out)."""
    out: dict[str, dict] = defaultdict(dict)
    for row in _rows("shapley_games.csv"):
        out[row["game"]][frozenset(row["coalition"].split("+"))] = float(row["value"])
    costs: dict[str, dict] = defaultdict(dict)
    for row in _rows("airport_games.csv"):
        costs[row["game"]][row["player"]] = float(row["runway_cost"])
    for game, c in costs.items():
        for k in range(1, len(c) + 1):
            for s in combinations(c, k):
                out[game][frozenset(s)] = max(c[p] for p in s)
    return dict(out)


def reference_values() -> dict[str, dict[str, Fraction]]:
    out: dict[str, dict] = defaultdict(dict)
    for row in _rows("shapley_values.csv"):
        out[row["game"]][row["player"]] = Fraction(row["shapley"])
    return dict(out)


GAMES, VALUES = reference_games(), reference_values()


def test_fixtures_cover_the_same_games():
    assert set(GAMES) == set(VALUES)
    assert {"glove", "wiki_four", "pcn_accountant"} <= set(GAMES)
    for game, v in GAMES.items():
        assert set().union(*v) == set(VALUES[game]), game
        assert len(v) == 2 ** len(VALUES[game]) - 1, game  # every non-empty coalition listed


@pytest.mark.parametrize("game", sorted(VALUES))
def test_reference_values(game):
    phi = shapley(GAMES[game])
    assert set(phi) == set(VALUES[game])
    for player, expected in VALUES[game].items():
        assert phi[player] == pytest.approx(float(expected), abs=1e-9), (game, player)


@pytest.mark.parametrize("game", sorted(VALUES))
def test_reference_values_are_efficient(game):
    # a check on the fixture itself as much as on the code
    grand = GAMES[game][frozenset(VALUES[game])]
    assert sum(VALUES[game].values()) == Fraction(grand).limit_denominator(10**6)


def test_glove_game_exact_values():
    phi = shapley(GAMES["glove"])
    assert phi == pytest.approx({"1": 1 / 6, "2": 1 / 6, "3": 2 / 3}, abs=1e-12)


def test_doctests_in_shapley_module_pass():
    result = doctest.testmod(shapley_module, verbose=False)
    assert result.attempted >= 1
    assert result.failed == 0


# --- the dict API ---------------------------------------------------------------------------------

def test_missing_empty_coalition_counts_as_zero():
    v = {frozenset("A"): 1, frozenset("B"): 2, frozenset("AB"): 6}
    assert shapley(v) == shapley({**v, frozenset(): 0.0}) == {"A": 2.5, "B": 3.5}


def test_given_empty_coalition_value_is_subtracted():
    # efficiency is v(N) - v(empty): a constant added to every coalition (and the empty one) changes nothing
    v = {frozenset(): 10.0, frozenset("A"): 11, frozenset("B"): 12, frozenset("AB"): 16}
    assert shapley(v) == pytest.approx({"A": 2.5, "B": 3.5})


def test_missing_coalition_is_a_readable_key_error():
    v = {frozenset("A"): 1, frozenset("B"): 2, frozenset("C"): 0, frozenset("AB"): 6, frozenset("ABC"): 9}
    with pytest.raises(KeyError) as info:
        shapley(v)
    message = info.value.args[0]
    assert "no value for the coalition" in message
    assert "{A, C}" in message


def test_players_are_inferred_from_keys_and_sorted():
    v = {frozenset({"Zed"}): 1.0, frozenset({"Amy"}): 2.0, frozenset({"Amy", "Zed"}): 3.0}
    phi = shapley(v)
    assert list(phi) == ["Amy", "Zed"]
    assert phi == pytest.approx({"Amy": 2.0, "Zed": 1.0})
    assert all(type(x) is float for x in phi.values())


def test_players_given_explicitly_restrict_the_game():
    v = GAMES["pcn_accountant"]
    assert shapley(v, players=["A", "B"]) == pytest.approx({"A": 12500.0, "B": 12500.0})


def test_a_given_player_missing_from_the_game_is_a_key_error():
    with pytest.raises(KeyError, match=r"\{D\}"):
        shapley(GAMES["pcn_accountant"], players=["A", "B", "C", "D"])


def test_empty_games_have_no_players():
    assert shapley({}) == {}
    assert shapley({frozenset(): 3.0}) == {}
    assert shapley(lambda s: 1.0, players=[]) == {}


def test_one_player_gets_the_whole_value():
    assert shapley({frozenset("A"): 7.5}) == {"A": 7.5}


def test_callable_game_needs_players():
    with pytest.raises(ValueError, match="give the players"):
        shapley(lambda s: len(s))


def test_callable_game_value_of_the_empty_coalition_is_honoured():
    # v(S) = |S|^2 + 1, so v(empty) = 1 and the shares sum to v(N) - v(empty) = 9
    assert shapley(lambda s: float(len(s) ** 2 + 1), players="ABC") == pytest.approx({"A": 3.0, "B": 3.0, "C": 3.0})


def test_non_string_players():
    v = {frozenset({1}): 1.0, frozenset({2}): 0.0, frozenset({1, 2}): 3.0}
    assert shapley(v) == pytest.approx({1: 2.0, 2: 1.0})


# --- shapley_table ---------------------------------------------------------------------------------

def test_shapley_table_bitmask_order():
    # bit 0 = A, bit 1 = B: [v(), v(A), v(B), v(AB)]
    assert shapley_table(np.array([0.0, 1.0, 2.0, 6.0])) == pytest.approx([2.5, 3.5])


def test_shapley_table_rejects_wrong_length():
    with pytest.raises(ValueError, match="2\\*\\*n values, got 6"):
        shapley_table(np.zeros(6))


def test_shapley_table_of_no_players_is_empty():
    assert shapley_table(np.array([0.0])).shape == (0,)


# --- the sampled path (more than EXACT_LIMIT players) ------------------------------------------------

def quadratic_game(weights):
    """v(S) = (sum of weights in S)^2; analytically phi_i = w_i * W (W = total weight)."""
    return lambda s: float(sum(weights[p] for p in s)) ** 2


WEIGHTS = {f"p{i:02d}": float(w) for i, w in enumerate([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9])}


def test_exact_limit_is_twelve():
    assert EXACT_LIMIT == 12


def test_twelve_players_are_exact_and_ignore_the_seed():
    weights = dict(list(WEIGHTS.items())[:12])
    total = sum(weights.values())
    a = shapley(quadratic_game(weights), weights, seed=1)
    b = shapley(quadratic_game(weights), weights, seed=2)
    assert a == b
    assert a == pytest.approx({p: w * total for p, w in weights.items()}, rel=1e-9)


def test_thirteen_players_are_sampled_close_to_the_analytic_value():
    total = sum(WEIGHTS.values())
    phi = shapley(quadratic_game(WEIGHTS), WEIGHTS, samples=2_000, seed=7)
    # Each marginal contribution of i lies in [w_i^2, w_i^2 + 2 w_i (W - w_i)]; Hoeffding with
    # 4 ranges / sqrt(samples) fails with probability < 1e-13 (and the seed is fixed anyway).
    for p, w in WEIGHTS.items():
        bound = 4 * 2 * w * (total - w) / np.sqrt(2_000)
        assert abs(phi[p] - w * total) <= bound, p
    assert sum(phi.values()) == pytest.approx(total**2, rel=1e-12)


def test_sampled_path_is_deterministic_given_a_seed_and_depends_on_it():
    game = quadratic_game(WEIGHTS)
    a = shapley(game, WEIGHTS, samples=200, seed=42)
    assert a == shapley(game, WEIGHTS, samples=200, seed=42)
    assert a != shapley(game, WEIGHTS, samples=200, seed=43)


def test_sampled_path_with_a_dict_game():
    players = list(WEIGHTS)
    v = {}
    for mask in range(1, 1 << len(players)):
        s = frozenset(p for j, p in enumerate(players) if mask >> j & 1)
        v[s] = sum(WEIGHTS[p] for p in s)  # additive: phi_i = w_i exactly, in every order
    phi = shapley(v, samples=50, seed=0)
    assert phi == pytest.approx(WEIGHTS, abs=1e-9)


def test_sampled_path_rejects_zero_samples():
    with pytest.raises(ValueError, match="samples must be at least 1"):
        shapley(quadratic_game(WEIGHTS), WEIGHTS, samples=0)


def _offset_additive_table(n: int, offset: float) -> dict:
    players = [f"p{i:02d}" for i in range(n)]
    return {frozenset(p for j, p in enumerate(players) if mask >> j & 1): offset + bin(mask).count("1")
            for mask in range(1 << n)}


def test_exact_path_with_nonzero_empty_value():
    # v(S) = 5 + |S| including v(empty) = 5: each player adds exactly 1 in every order
    phi = shapley(_offset_additive_table(12, 5.0))
    assert phi == pytest.approx(dict.fromkeys(phi, 1.0))


def test_sampled_path_with_nonzero_empty_value_agrees_with_exact():
    # same game as above on 13 players: every player adds exactly 1 in every order
    phi = shapley(_offset_additive_table(13, 5.0), samples=50, seed=0)
    assert sum(phi.values()) == pytest.approx(13.0)
    assert phi == pytest.approx(dict.fromkeys(phi, 1.0))
