"""The autonomy paradox: who gains when practices adopt changes together, and what they give up.

Source: Ben Gowland, "Can you solve The Autonomy Paradox?", The General Practice Blog (Ockham
Healthcare). At-scale benefits arrive only when a group agrees one way of doing a thing; the gains
are unequal, so practices resist changes that help others more or leave them worse off; and the paradox
itself: a practice keeps its independence only by handing some of it over to the group.

The model (every assumption here is ours and illustrative, not from the essay):

1. Practice i saves s_ci = r_ci * l_i a year from change c, where r_ci >= 0 is its saving per
   registered patient (GBP/patient/year) and l_i its list size. The saving does not depend on who
   else takes part.
2. The shared version of change c costs F_c >= 0 a year and needs a population of at least m_c.
3. Coalition S runs change c as one service, for all its members, only if that pays:
       v_c(S) = max(0, sum_{i in S} s_ci - F_c)   if  sum_{i in S} l_i >= m_c,  else 0.
   The game v = sum_c v_c is then monotone and superadditive: no regime can realise more than
   v(N), the grand coalition's value.
4. Without transfers a practice in a group-wide change keeps its own saving and pays a per-capita
   share of the cost: s_ci - F_c * l_i / L, where L is the group's population.
5. Tolerance (trust) tau, in GBP per patient per year: a practice accepts ending up to tau * l_i
   worse off than its outside option (going it alone) for the group's sake; beyond that it blocks.
6. Autonomy index: the share of a practice's decisions it still takes alone. Its decisions are how
   it runs each function on the table, what it does with its money, and everything else about the
   practice (staff, premises, clinical policy). A function run group-wide, money pooled in a
   gainshare, and (in a merger only) the rest of the practice are decisions ceded.
7. Merger pressure (``merger_pressure``): changes come onto the table one at a time, cheapest
   first (ties by key) unless an order is given, and every regime is run again each time one is
   added. Gowland's worry is that as the scale of the changes grows, so does the problem; the
   model measures it as what deciding change by change leaves on the table, against what a merger
   (or a gainshare, which pools each practice's money) collects.
8. The extended-access dispute (``cross_subsidy``): a change's cost split by list size charges a
   practice more than its share of the benefit when its patients use the service less than its
   share of the list. Gowland notes that every area he has seen introduce extended access argued
   about such differences in use between practices.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

import numpy as np

from .shapley import EXACT_LIMIT, shapley, shapley_table

TOLERANCE_RANGE = (0.0, 10.0)  # GBP per patient per year; core PCN funding was GBP 1.50 per patient
LIST_SIZE_RANGE = (1, 150_000)  # the largest English practice list in Jan 2021 was 89,786


class ScenarioError(ValueError):
    """A scenario the model cannot run, with a message a facilitator can act on."""


@dataclass(frozen=True)
class Practice:
    name: str
    list_size: int  # registered patients


@dataclass(frozen=True)
class Change:
    key: str
    label: str
    description: str
    annual_cost: float  # GBP/year to run the shared version
    min_population: int  # registered patients a coalition needs before it can run
    source: str


@dataclass(frozen=True)
class Group:
    practices: tuple[Practice, ...]
    changes: tuple[Change, ...]
    saving_per_patient: Mapping[tuple[str, str], float]  # (change key, practice) -> GBP/patient/yr
    # What depends on the group alone (savings, the parts of ``compare`` that no tolerance changes),
    # kept so that moving the tolerance slider recomputes only what the tolerance decides. A group
    # never changes once made (frozen, its mapping read-only), so nothing kept here goes stale.
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "saving_per_patient", MappingProxyType(dict(self.saving_per_patient)))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.practices)

    @property
    def population(self) -> int:
        return sum(p.list_size for p in self.practices)

    def change(self, key: str) -> Change:
        for c in self.changes:
            if c.key == key:
                return c
        known = ", ".join(c.key for c in self.changes)
        raise ScenarioError(f"there is no change called '{key}' in this group (known: {known})")

    def with_list_sizes(self, sizes: Mapping[str, int]) -> "Group":
        """The same group with some practices' list sizes replaced."""
        unknown = set(sizes) - set(self.names)
        if unknown:
            raise ScenarioError(f"no practice called {', '.join(sorted(unknown))} in this group")
        practices = tuple(Practice(p.name, int(sizes.get(p.name, p.list_size))) for p in self.practices)
        if practices == self.practices:
            return self  # the same group (and what it has already worked out)
        return Group(practices, self.changes, self.saving_per_patient)


@dataclass(frozen=True)
class Rule:
    """A way to share a group's gains among its practices."""

    key: str
    label: str
    description: str


RULES = (
    Rule("none", "No transfers", "Each practice keeps its own saving and pays a per-patient share of each shared cost."),
    Rule("equal", "Equal split", "The group's total gain is split equally between practices, whatever their size."),
    Rule("per_capita", "Per patient", "The group's total gain is split in proportion to list size."),
    Rule("shapley", "Shapley value", "Each practice gets its average extra contribution over every order the group could form in."),
)


@dataclass(frozen=True)
class Regime:
    """A way for a group of practices to decide on changes."""

    key: str
    label: str
    description: str


REGIMES = (
    Regime("independent", "Each practice alone", "No group decisions: each practice adopts a change only if it pays on its own."),
    Regime("veto", "Change by change, with veto", "The group proposes each change that pays overall; any practice left worse off than its tolerance blocks it."),
    Regime("bundle", "Group decides the bundle", "All changes that pay overall are agreed together, so gains on one offset losses on another."),
    Regime("transfers", "Bundle with gainshare", "The bundle, with the total gain shared by an agreed rule, so losers are compensated."),
    Regime("merger", "Full merger", "One organisation runs everything and shares the gain per patient; no practice decides alone."),
)


@dataclass(frozen=True)
class Outcome:
    """What one decision regime delivers for one group."""

    regime: str
    adopted: tuple[str, ...]  # changes run group-wide
    net: Mapping[str, float]  # GBP/year per practice, relative to doing nothing
    alone: Mapping[str, float]  # GBP/year per practice if it went it alone (outside option)
    autonomy: Mapping[str, float]  # share of decisions each practice still takes alone, 0-1
    blocked_by: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # change or "bundle" -> practices
    note: str = ""

    @property
    def group_benefit(self) -> float:
        return float(sum(self.net.values()))

    @property
    def losers(self) -> tuple[str, ...]:
        """Practices left worse off than today."""
        return tuple(p for p, x in self.net.items() if x < -_PENNY)

    def would_leave(self, group: Group, tolerance: float) -> tuple[str, ...]:
        """Practices worse off than going it alone by more than their tolerance."""
        sizes = {p.name: p.list_size for p in group.practices}
        return tuple(p for p, x in self.net.items() if x < self.alone[p] - tolerance * sizes[p] - _PENNY)

    @property
    def autonomy_index(self) -> float:
        return float(np.mean(list(self.autonomy.values())))


_PENNY = 0.005


def validate(group: Group, tolerance: float | None = None, rule: str | None = None) -> None:
    """Raise ScenarioError with a plain message if the model cannot run this scenario."""
    if not group._memo.get("valid"):
        _validate_group(group)
        group._memo["valid"] = True  # only a group that passed: a bad one is checked (and refused) every time
    if tolerance is not None and not (_finite(tolerance) and TOLERANCE_RANGE[0] <= tolerance <= TOLERANCE_RANGE[1]):
        lo, hi = TOLERANCE_RANGE
        raise ScenarioError(f"tolerance must be between £{lo:g} and £{hi:g} per patient per year, not {tolerance}")
    if rule is not None and rule not in {r.key for r in RULES}:
        raise ScenarioError(f"unknown sharing rule '{rule}' (choose one of: {', '.join(r.key for r in RULES)})")


def _validate_group(group: Group) -> None:
    if not group.practices:
        raise ScenarioError("the group has no practices: choose at least one")
    names = group.names
    if len(set(names)) != len(names):
        raise ScenarioError("two practices share a name: give each practice its own name")
    low, high = LIST_SIZE_RANGE
    for p in group.practices:
        if not _whole(p.list_size) or not low <= p.list_size <= high:
            shown = f"{p.list_size:,}" if _whole(p.list_size) else repr(p.list_size)
            raise ScenarioError(f"{p.name}'s list size must be a whole number between {low:,} and {high:,} patients, not {shown}")
    keys = [c.key for c in group.changes]
    if len(set(keys)) != len(keys):
        raise ScenarioError("two changes share a key: give each change its own key")
    for c in group.changes:
        if not (_finite(c.annual_cost) and c.annual_cost >= 0):
            raise ScenarioError(f"'{c.label}' has a negative cost or one that is not a number ({c.annual_cost!r})")
        if not (_finite(c.min_population) and c.min_population >= 0):
            raise ScenarioError(f"'{c.label}' has a negative minimum population or one that is not a number ({c.min_population!r})")
        for p in names:
            rate = group.saving_per_patient.get((c.key, p))
            if not (_finite(rate) and rate >= 0):
                raise ScenarioError(f"'{c.label}' needs a saving of zero or more for {p}, not {rate}")


def _finite(x) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool) and math.isfinite(x)


def _whole(x) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


def _on_the_table(group: Group, changes: Iterable[str] | str | None) -> tuple[Change, ...]:
    if changes is None:
        return group.changes
    if isinstance(changes, str):
        changes = (changes,)
    return tuple(group.change(k) for k in changes)


def savings(group: Group, change: Change) -> np.ndarray:
    """s_ci for every practice, in group order (GBP/year)."""
    key = ("savings", change.key)
    found = group._memo.get(key)
    if found is None:
        found = np.array([group.saving_per_patient[(change.key, p.name)] * p.list_size for p in group.practices])
        found.setflags(write=False)
        group._memo[key] = found
    return found


def coalition_value(group: Group, change: Change, members: Iterable[str]) -> float:
    """v_c(S): the yearly gain if coalition S runs change c as one service (assumption 3)."""
    members = set(members)
    population = sum(p.list_size for p in group.practices if p.name in members)
    if not members or population < change.min_population:
        return 0.0
    gross = sum(s for s, p in zip(savings(group, change), group.practices) if p.name in members)
    return max(0.0, float(gross) - change.annual_cost)


def value_table(group: Group, changes: Iterable[Change]) -> np.ndarray:
    """v(S) = sum_c v_c(S) for every coalition, indexed by bitmask in group order (n <= 12)."""
    n = len(group.practices)
    if n > EXACT_LIMIT:
        raise ScenarioError(f"a full coalition table needs at most {EXACT_LIMIT} practices, not {n}")
    members = (np.arange(1 << n)[:, None] >> np.arange(n)) & 1
    population = members @ np.array([p.list_size for p in group.practices])
    total = np.zeros(1 << n)
    for c in changes:
        gross = members @ savings(group, c)
        total += np.where(population >= c.min_population, np.maximum(0.0, gross - c.annual_cost), 0.0)
    return total


def shapley_shares(group: Group, changes: Iterable[Change], seed: int | None = 0) -> dict[str, float]:
    """Each practice's Shapley value in the game of the changes on the table (GBP/year)."""
    changes = tuple(changes)
    if len(group.practices) <= EXACT_LIMIT:
        return dict(zip(group.names, (float(x) for x in shapley_table(value_table(group, changes)))))
    game = lambda s: sum(coalition_value(group, c, s) for c in changes)  # noqa: E731
    return shapley(game, group.names, seed=seed)


def allocate(group: Group, rule: str, changes: Iterable[Change], seed: int | None = 0) -> dict[str, float]:
    """Each practice's share of the group's gain from running ``changes`` group-wide, by ``rule``."""
    changes = tuple(changes)
    names, sizes = group.names, np.array([p.list_size for p in group.practices])
    if rule == "none":
        share = sizes / sizes.sum()
        net = sum((savings(group, c) - c.annual_cost * share for c in changes), np.zeros(len(names)))
        return dict(zip(names, map(float, net)))
    total = sum(coalition_value(group, c, names) for c in changes)
    if rule == "equal":
        return dict.fromkeys(names, total / len(names))
    if rule == "per_capita":
        return dict(zip(names, map(float, total * sizes / sizes.sum())))
    if rule == "shapley":
        return shapley_shares(group, changes, seed)
    validate(group, rule=rule)  # raises with the list of known rules
    raise AssertionError("unreachable")


def compare(
    group: Group,
    tolerance: float,
    rule: str = "shapley",
    changes: Iterable[str] | None = None,
    seed: int | None = 0,
) -> tuple[Outcome, ...]:
    """Run all five regimes (in REGIMES order) for the changes on the table (default: all)."""
    if not _finite(tolerance):
        raise ScenarioError(f"tolerance must be a number of pounds per patient per year, not {tolerance!r}")
    validate(group, tolerance, rule)
    table = _on_the_table(group, changes)
    fixed = _tolerance_free(group, table, rule, seed)
    names, alone, solo, worthwhile = group.names, fixed.alone, fixed.solo, fixed.worthwhile
    slack = {p.name: tolerance * p.list_size for p in group.practices}
    decisions = len(table) + 2  # each function on the table, the practice's money, the rest of the practice

    def outcome(regime, adopted, net, pooled, **extra) -> Outcome:
        own = {p: (decisions - len(adopted) - pooled) / decisions for p in names}
        return Outcome(regime, tuple(c.key for c in adopted), dict(net), dict(alone), own, **extra)

    def refusers(net, outside) -> tuple[str, ...]:
        return tuple(p for p in names if net[p] < outside[p] - slack[p] - _PENNY)

    independent = outcome("independent", (), alone, pooled=0)

    vetoed, passed = {}, []
    for c in worthwhile:
        blockers = refusers(fixed.mine[c.key], solo[c.key])
        if blockers:
            vetoed[c.key] = blockers
        else:
            passed.append(c)
    veto = outcome("veto", passed, fixed.without_transfers(passed), pooled=0, blocked_by=vetoed)

    blockers = refusers(fixed.bundle_net, alone)
    if worthwhile and blockers:
        bundle = _fallback(veto, "bundle", {"bundle": blockers}, "the bundle was blocked, so the group went change by change")
    else:
        bundle = outcome("bundle", worthwhile, fixed.bundle_net, pooled=0)

    blockers = refusers(fixed.shares, alone)
    if worthwhile and blockers:
        transfers = _fallback(bundle, "transfers", {"gainshare": blockers}, "the gainshare was blocked, so the group fell back to the bundle vote")
    else:
        transfers = outcome("transfers", worthwhile, fixed.shares, pooled=int(bool(worthwhile) and rule != "none"))

    merger = Outcome("merger", tuple(c.key for c in worthwhile), dict(fixed.pooled), dict(alone),
                     dict.fromkeys(names, 0.0))  # cedes all
    return independent, veto, bundle, transfers, merger


MEMO_LIMIT = 256  # tolerance-free parts a group keeps (one per set of changes, rule and seed)


@dataclass
class _ToleranceFree:
    """What ``compare`` works out for a group, a table of changes, a rule and a seed that no
    tolerance changes: every coalition value and split. Only the veto votes depend on the tolerance."""

    group: Group
    table: tuple[Change, ...]
    solo: dict[str, dict[str, float]]  # change key -> practice -> v_c({i})
    alone: dict[str, float]  # practice -> what it makes going it alone
    worthwhile: tuple[Change, ...]  # changes that pay group-wide
    mine: dict[str, dict[str, float]]  # worthwhile change key -> its split without transfers
    shares: dict[str, float]  # the rule's split of the worthwhile bundle
    pooled: dict[str, float]  # the merger's per-patient split
    _without: dict[tuple[str, ...], dict[str, float]] = field(default_factory=dict)

    def without_transfers(self, adopted) -> dict[str, float]:
        """Each practice's gain when ``adopted`` run group-wide (no transfers) and the rest alone."""
        key = tuple(c.key for c in adopted)
        found = self._without.get(key)
        if found is None:
            shared = allocate(self.group, "none", adopted)
            rest = [c for c in self.table if c not in adopted]
            found = {p: shared[p] + sum(self.solo[c.key][p] for c in rest) for p in self.group.names}
            self._without[key] = found
        return found

    @cached_property
    def bundle_net(self) -> dict[str, float]:
        """Each practice's gain when every worthwhile change runs group-wide, no transfers."""
        return self.without_transfers(self.worthwhile)


def _tolerance_free(group: Group, table: tuple[Change, ...], rule: str, seed: int | None) -> _ToleranceFree:
    """The tolerance-free part of ``compare``, kept in the group's memo: a slider that moves only
    the tolerance then costs the veto votes alone. (A sampled Shapley split with no seed differs
    from call to call, so it is never kept.)"""
    key = ("compare", tuple(c.key for c in table), rule, seed)
    found = group._memo.get(key)
    if found is not None:
        return found
    names = group.names
    solo = {c.key: {p: coalition_value(group, c, [p]) for p in names} for c in table}
    alone = {p: sum(solo[c.key][p] for c in table) for p in names}
    worthwhile = tuple(c for c in table if coalition_value(group, c, names) > 0)
    found = _ToleranceFree(group, table, solo, alone, worthwhile,
                           {c.key: allocate(group, "none", [c]) for c in worthwhile},
                           dict(allocate(group, rule, worthwhile, seed)), allocate(group, "per_capita", worthwhile))
    if seed is not None or rule != "shapley" or len(names) <= EXACT_LIMIT:
        if len(group._memo) >= MEMO_LIMIT:
            group._memo.clear()
        group._memo[key] = found
    return found


def _fallback(previous: Outcome, regime: str, blocked: dict, note: str) -> Outcome:
    blocked_by = {**previous.blocked_by, **blocked}
    return Outcome(regime, previous.adopted, previous.net, previous.alone, previous.autonomy, blocked_by, note)


def grand_coalition_value(group: Group, changes: Iterable[str] | None = None) -> float:
    """v(N): the most the whole group can gain a year from the changes on the table."""
    return float(sum(coalition_value(group, c, group.names) for c in _on_the_table(group, changes)))


def per_change_positions(group: Group, changes: Iterable[str] | None = None) -> list[dict]:
    """Each practice's net position from each change run group-wide without transfers.

    Rows: change, practice, saving (GBP/yr), cost_share (GBP/yr), net (GBP/yr), group_value.
    """
    table = _on_the_table(group, changes)
    rows = []
    total = group.population
    for c in table:
        group_value = coalition_value(group, c, group.names)
        for p, s in zip(group.practices, savings(group, c)):
            cost_share = c.annual_cost * p.list_size / total
            rows.append(dict(change=c.key, practice=p.name, saving=float(s), cost_share=cost_share,
                             net=float(s) - cost_share, group_value=group_value))
    return rows


def paradox_grid(
    group: Group,
    tolerances: Iterable[float],
    rules: Iterable[str] = tuple(r.key for r in RULES),
    changes: Iterable[str] | None = None,
    seed: int | None = 0,
) -> list[dict]:
    """Every regime's headline figures over a grid of tolerances and sharing rules.

    Rows: tolerance, rule, regime, group_benefit (GBP/yr), autonomy_index (0-1), losers,
    would_leave. Used where no kernel is available (the static book) to precompute the explorer.
    """
    changes = tuple(c.key for c in _on_the_table(group, changes))
    tolerances = tuple(tolerances)
    rows = []
    for rule in rules:
        for tau in tolerances:
            for o in compare(group, tau, rule, changes, seed):
                rows.append(dict(tolerance=float(tau), rule=rule, regime=o.regime,
                                 group_benefit=o.group_benefit, autonomy_index=o.autonomy_index,
                                 losers=len(o.losers), would_leave=len(o.would_leave(group, tau))))
    return rows


def cross_subsidy(group: Group, change: Change | str) -> dict[str, float]:
    """What each practice pays towards the others' benefit when a change's cost is split by list size.

    Splitting the cost F_c by list size charges practice i ``F_c * l_i / L``; splitting it by what
    each practice gets out of the change charges ``F_c * s_ci / S_c``, where ``S_c = sum_i s_ci``.
    The cross-subsidy is the difference, ``F_c * (l_i / L - s_ci / S_c)`` (GBP/year): positive for a
    practice that pays for others' use, negative for one whose use the others pay for. The values
    sum to zero. A change nobody gains from (S_c = 0) has no split by benefit: every value is 0.

    >>> g = Group((Practice("A", 1_000), Practice("B", 1_000)),
    ...           (Change("x", "x", "", 300.0, 0, ""),), {("x", "A"): 0.1, ("x", "B"): 0.5})
    >>> cross_subsidy(g, "x")
    {'A': 100.0, 'B': -100.0}
    """
    change = group.change(change) if isinstance(change, str) else change
    s = savings(group, change)
    sizes = np.array([p.list_size for p in group.practices], dtype=float)
    if s.sum() <= 0:
        return dict.fromkeys(group.names, 0.0)
    subsidy = change.annual_cost * (sizes / sizes.sum() - s / s.sum())
    return {name: float(round(x, 6)) for name, x in zip(group.names, subsidy)}


def table_order(group: Group, changes: Iterable[str] | None = None) -> tuple[str, ...]:
    """The changes on the table, cheapest first (ties by key): the order of assumption 7."""
    return tuple(c.key for c in sorted(_on_the_table(group, changes), key=lambda c: (c.annual_cost, c.key)))


def merger_pressure(
    group: Group,
    tolerance: float,
    rule: str = "shapley",
    order: Iterable[str] | None = None,
    seed: int | None = 0,
) -> list[dict]:
    """The merger's advantage as changes come onto the table one at a time (assumption 7).

    ``order`` lists the changes in the order they arrive (default: every change, cheapest first).
    One row for each k = 1..K, with the first k changes on the table: ``changes`` (k), ``added``
    (the key of the k-th change), ``ceiling`` (v(N): what a merger collects, GBP/yr), ``veto`` and
    ``bundle`` (what those regimes collect), ``left`` (ceiling - veto: the merger's advantage over
    deciding change by change), ``share_left`` (left / ceiling, 0 when the ceiling is 0), and the
    autonomy index under the veto, the gainshare (``rule``) and the merger.

    ``left`` never falls as a change is added: each change passes or fails the veto on its own, and
    a blocked one costs the group v_c(N) minus what the practices make from it alone, which is never
    negative.
    """
    order = table_order(group) if order is None else tuple(order)
    if len(set(order)) != len(order):
        raise ScenarioError("a change can come onto the table only once")
    rows = []
    for k in range(1, len(order) + 1):
        on_table = order[:k]
        _, veto, bundle, transfers, merger = compare(group, tolerance, rule, on_table, seed)
        ceiling = merger.group_benefit
        left = ceiling - veto.group_benefit
        left = left if left > _PENNY else 0.0  # float dust from summing the same changes two ways
        rows.append(dict(changes=k, added=order[k - 1], label=group.change(order[k - 1]).label,
                         ceiling=ceiling, veto=veto.group_benefit, bundle=bundle.group_benefit,
                         left=left, share_left=left / ceiling if ceiling > _PENNY else 0.0,
                         autonomy_veto=veto.autonomy_index, autonomy_gainshare=transfers.autonomy_index,
                         autonomy_merger=merger.autonomy_index))
    return rows
