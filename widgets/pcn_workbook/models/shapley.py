"""The Shapley value of a cooperative game (Shapley 1953, "A value for n-person games").

For players N (n = |N|) and a characteristic function v with v(empty set) = 0,

    phi_i = sum over S in N minus {i} of  |S|! (n - |S| - 1)! / n!  *  (v(S + {i}) - v(S))

that is, each player's marginal contribution averaged over every order in which the group could
have formed. The shares sum to v(N) (efficiency), equal players get equal shares (symmetry), a
player who adds nothing gets nothing (null player), and the value of a sum of games is the sum of
the values (additivity).

Exact for up to ``EXACT_LIMIT`` players (2**12 = 4,096 coalitions). Beyond that it is estimated by
sampling orders at random (Castro, Gomez and Tejada 2009): each sampled order gives every player
its marginal contribution; the average over ``samples`` orders is unbiased, its standard error
falls as 1 / sqrt(samples), and because every order's contributions add up to v(N) the estimate is
exactly efficient.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from math import factorial

import numpy as np

EXACT_LIMIT = 12

Game = Mapping[frozenset, float] | Callable[[frozenset], float]


def shapley(
    v: Game,
    players: Iterable[Hashable] | None = None,
    *,
    samples: int = 2_000,
    seed: int | None = 0,
) -> dict:
    """Shapley value of ``v``: a dict from frozenset of players to value, or a function of one.

    A missing empty coalition counts as 0; any other missing coalition is an error. With a dict,
    the players are every name that appears in a key unless ``players`` is given.

    >>> v = {frozenset("A"): 1, frozenset("B"): 2, frozenset("AB"): 6}
    >>> shapley(v)
    {'A': 2.5, 'B': 3.5}
    """
    if players is None:
        if callable(v):
            raise ValueError("shapley: give the players when the game is a function")
        players = set().union(*v.keys()) if v else set()
    order = sorted(players, key=str)
    if not order:
        return {}
    value = _lookup(v)
    if len(order) <= EXACT_LIMIT:
        table = np.array([value(_members(mask, order)) for mask in range(1 << len(order))])
        return dict(zip(order, (float(x) for x in shapley_table(table))))
    return _sampled(value, order, samples, seed)


def shapley_table(values: np.ndarray) -> np.ndarray:
    """Exact Shapley values from a table of 2**n coalition values indexed by bitmask.

    Bit j of the index says whether player j is in the coalition; ``values[0]`` is v(empty set).
    """
    size = len(values)
    n = size.bit_length() - 1
    if size != 1 << n:
        raise ValueError(f"a game on n players needs 2**n values, got {size}")
    masks = np.arange(size)
    counts = np.array([bin(m).count("1") for m in range(size)])
    weight = np.array([factorial(k) * factorial(n - k - 1) / factorial(n) for k in range(n)])
    phi = np.empty(n)
    for j in range(n):
        without = masks[(masks >> j) & 1 == 0]
        phi[j] = np.sum(weight[counts[without]] * (values[without | (1 << j)] - values[without]))
    return phi


def _lookup(v: Game) -> Callable[[frozenset], float]:
    if callable(v):
        return lambda s: float(v(s))

    def from_mapping(coalition: frozenset) -> float:
        if coalition in v:
            return float(v[coalition])
        if not coalition:
            return 0.0
        names = ", ".join(sorted(map(str, coalition)))
        raise KeyError(f"the game gives no value for the coalition {{{names}}}")

    return from_mapping


def _members(mask: int, order: list) -> frozenset:
    return frozenset(p for j, p in enumerate(order) if mask >> j & 1)


def _sampled(value, order: list, samples: int, seed: int | None) -> dict:
    if samples < 1:
        raise ValueError("samples must be at least 1")
    rng = np.random.default_rng(seed)
    totals = dict.fromkeys(order, 0.0)
    empty = value(frozenset())
    for _ in range(samples):
        coalition: frozenset = frozenset()
        before = empty
        for k in rng.permutation(len(order)):
            coalition = coalition | {order[k]}
            after = value(coalition)
            totals[order[k]] += after - before
            before = after
    return {p: totals[p] / samples for p in order}
