"""Shared Hypothesis generators for the pure models (one module, like axelrod/tests/property.py).

Two families:

* cooperative games as the dict API takes them: ``frozenset of players -> value``;
* valid gainshare ``Group`` objects (1-7 practices, 1-5 changes, list sizes 500-40,000) built so that
  the interesting cases turn up often: changes that pay for the whole group but not for a single
  practice, minimum populations that sit exactly on a coalition's population, zero savings and
  zero costs.

Also ``broken_scenarios``: a valid group with exactly one thing wrong, and the words the error
message must contain.
"""

from __future__ import annotations

import math
from itertools import combinations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from pcn_workbook.models import gainshare as gs

# Modest budgets so the whole property layer runs in a few seconds on two cores; no deadline
# because the first example pays for imports and numpy warm-up.
PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EXPENSIVE = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])

PLAYER_NAMES = tuple("ABCDEFGHIJKLMN")

# Coalition values: bounded, finite, with integers mixed in so ties and zeros turn up.
game_values = st.one_of(
    st.integers(-1_000, 1_000).map(float),
    st.floats(-1_000, 1_000, allow_nan=False, allow_infinity=False, allow_subnormal=False),
)


def coalitions(players) -> list[frozenset]:
    """Every coalition of ``players``, the empty one first."""
    players = list(players)
    return [frozenset(c) for k in range(len(players) + 1) for c in combinations(players, k)]


def player_lists(min_players: int = 1, max_players: int = 6):
    return st.integers(min_players, max_players).map(lambda n: list(PLAYER_NAMES[:n]))


@st.composite
def games_on(draw, players, values=game_values, empty=st.sampled_from([None, 0.0])):
    """A game on ``players``: every non-empty coalition gets a value.

    ``empty`` draws v(empty set); None leaves the empty coalition out of the dict (the API counts it
    as 0).
    """
    v = {s: draw(values) for s in coalitions(players) if s}
    e = draw(empty)
    if e is not None:
        v[frozenset()] = float(e)
    return v


@st.composite
def games(draw, min_players=1, max_players=6, values=game_values, empty=st.sampled_from([None, 0.0])):
    """A random game as a dict frozenset -> value (players are 'A', 'B', ...)."""
    players = draw(player_lists(min_players, max_players))
    return draw(games_on(players, values, empty))


@st.composite
def game_pairs(draw, min_players=1, max_players=6):
    """Two games on the same players (for additivity)."""
    players = draw(player_lists(min_players, max_players))
    return draw(games_on(players)), draw(games_on(players))


def players_of(v) -> list:
    return sorted(set().union(*v.keys()), key=str)


# --- gainshare -------------------------------------------------------------------------------------

list_sizes = st.integers(500, 40_000)
# GBP per patient per year, whole pence; zero often (a practice the change does nothing for).
saving_rates = st.one_of(st.just(0.0), st.integers(0, 2_000).map(lambda pence: pence / 100))
tolerances = st.one_of(
    st.sampled_from([gs.TOLERANCE_RANGE[0], gs.TOLERANCE_RANGE[1], 0.5, 1.5]),
    st.floats(*gs.TOLERANCE_RANGE, allow_nan=False),
)
rules = st.sampled_from([r.key for r in gs.RULES])


@st.composite
def groups(draw, min_practices=1, max_practices=7, min_changes=1, max_changes=5):
    """A valid Group: practices P1..Pn, changes c1..ck, every (change, practice) saving given."""
    n = draw(st.integers(min_practices, max_practices))
    sizes = draw(st.lists(list_sizes, min_size=n, max_size=n))
    practices = tuple(gs.Practice(f"P{i + 1}", size) for i, size in enumerate(sizes))
    population = sum(sizes)
    subset_populations = sorted({sum(c) for k in range(1, n + 1) for c in combinations(sizes, k)})

    k = draw(st.integers(min_changes, max_changes))
    changes, rates = [], {}
    for j in range(k):
        key = f"c{j + 1}"
        r = draw(st.lists(saving_rates, min_size=n, max_size=n))
        for p, rate in zip(practices, r):
            rates[(key, p.name)] = rate
        gross = sum(rate * p.list_size for rate, p in zip(r, practices))
        cost = draw(st.one_of(
            st.just(0.0),
            st.integers(0, 150).map(lambda pct, g=gross: round(g * pct / 100, 2)),  # near the break-even
            st.integers(0, 500_000).map(float),
        ))
        min_population = draw(st.one_of(
            st.just(0),
            st.sampled_from(subset_populations),  # exactly on some coalition's population
            st.integers(0, population + 5_000),
        ))
        changes.append(gs.Change(key, f"Change {j + 1}", "generated", cost, min_population, "hypothesis"))
    return gs.Group(practices, tuple(changes), rates)


def _replace_practice(group, index, practice):
    practices = list(group.practices)
    practices[index] = practice
    return gs.Group(tuple(practices), group.changes, group.saving_per_patient)


def _replace_rate(group, key, rate):
    rates = dict(group.saving_per_patient)
    if rate is None:
        del rates[key]
    else:
        rates[key] = rate
    return gs.Group(group.practices, group.changes, rates)


@st.composite
def broken_scenarios(draw):
    """(group, tolerance, rule, changes, words the ScenarioError message must contain)."""
    group = draw(groups(max_practices=4, max_changes=3))
    tolerance, rule, changes = 1.0, "shapley", None
    i = draw(st.integers(0, len(group.practices) - 1))
    p = group.practices[i]
    c = draw(st.sampled_from(group.changes))
    kind = draw(st.sampled_from([
        "empty", "small", "large", "duplicate", "negative_saving", "nan_saving", "missing_saving",
        "low_tolerance", "high_tolerance", "nan_tolerance", "rule", "change_key", "negative_cost",
    ]))
    if kind == "empty":
        group, words = gs.Group((), group.changes, group.saving_per_patient), ["no practices"]
    elif kind == "small":
        size = draw(st.integers(-40_000, 0))
        group, words = _replace_practice(group, i, gs.Practice(p.name, size)), [p.name, "list size"]
    elif kind == "large":
        size = draw(st.integers(gs.LIST_SIZE_RANGE[1] + 1, 10**7))
        group, words = _replace_practice(group, i, gs.Practice(p.name, size)), [p.name, "list size"]
    elif kind == "duplicate":
        other = group.practices[(i + 1) % len(group.practices)]
        practices = group.practices + (gs.Practice(p.name, other.list_size),)
        group, words = gs.Group(practices, group.changes, group.saving_per_patient), ["share a name"]
    elif kind == "negative_saving":
        rate = draw(st.floats(-100, -0.01))
        group, words = _replace_rate(group, (c.key, p.name), rate), [c.label, p.name, "saving"]
    elif kind == "nan_saving":
        group, words = _replace_rate(group, (c.key, p.name), math.nan), [c.label, p.name, "saving"]
    elif kind == "missing_saving":
        group, words = _replace_rate(group, (c.key, p.name), None), [c.label, p.name, "saving"]
    elif kind == "low_tolerance":
        tolerance, words = draw(st.floats(-1e6, -1e-9) | st.just(-math.inf)), ["tolerance"]
    elif kind == "high_tolerance":
        tolerance, words = draw(st.floats(10.000001, 1e6) | st.just(math.inf)), ["tolerance"]
    elif kind == "nan_tolerance":
        tolerance, words = math.nan, ["tolerance", "nan"]
    elif kind == "rule":
        rule, words = draw(st.sampled_from(["shapely", "", "Equal", "nucleolus"])), ["sharing rule", "shapley"]
    elif kind == "change_key":
        changes, words = [c.key, "no_such_change"], ["no_such_change"]
    else:  # negative_cost
        bad = gs.Change(c.key, c.label, c.description, -1.0, c.min_population, c.source)
        table = tuple(bad if x is c else x for x in group.changes)
        group, words = gs.Group(group.practices, table, group.saving_per_patient), [c.label, "negative"]
    return kind, group, tolerance, rule, changes, words


# --- scale (appended for the Scale choices model) ---------------------------------------------------
# Areas of practices as group_practices takes them (code, postcode, list_size) and network bands.
# Postcodes come from a few districts, with CW7/CW10-style pairs and EC1/EC1A-style suffixes so the
# natural sort matters, and shared postcodes (two practices in one building) turn up often.

import pandas as pd  # noqa: E402

_POSTCODE_AREAS = ("CW", "CH", "SK", "EC", "M")
_UNIT_LETTERS = "ABDXZ"

postcodes = st.builds(
    lambda area, district, letter, sector, unit: f"{area}{district}{letter} {sector}{unit}",
    st.sampled_from(_POSTCODE_AREAS),
    st.sampled_from([1, 2, 7, 10, 11, 12]),
    st.sampled_from(["", "", "", "A"]),
    st.integers(0, 9),
    st.text(_UNIT_LETTERS, min_size=2, max_size=2),
)
# Mostly PCN-ish practices, sometimes a giant that alone exceeds the band.
scale_list_sizes = st.one_of(*[st.integers(500, 25_000)] * 4, st.integers(25_000, 90_000))


@st.composite
def scale_bands(draw):
    """(target_min, target_max): whole patients; often a real band (PCN, Malby's community and
    locality), sometimes a single point or an odd width."""
    real = draw(st.sampled_from([None, (30_000, 50_000), (30_000, 100_000), (10_000, 14_000), (20_000, 40_000)]))
    if real is not None:
        return real
    lo = draw(st.one_of(st.integers(10_000, 40_000), st.integers(1, 60_000)))
    hi = lo + draw(st.one_of(st.just(0), st.just(20_000), st.integers(0, 60_000)))
    return lo, hi


@st.composite
def scale_areas(draw, min_practices=1, max_practices=14):
    """A valid practice table for one area: unique codes, postcodes possibly shared, rows unsorted."""
    n = draw(st.integers(min_practices, max_practices))
    codes = draw(st.lists(st.text("ABCDEFGHJKLMNPQ0123456789", min_size=3, max_size=6),
                          min_size=n, max_size=n, unique=True))
    shared = draw(st.lists(postcodes, min_size=max(1, n // 2), max_size=n))
    chosen = [draw(st.sampled_from(shared)) for _ in range(n)]
    sizes = draw(st.lists(scale_list_sizes, min_size=n, max_size=n))
    return pd.DataFrame({"code": codes, "postcode": chosen, "list_size": sizes})
