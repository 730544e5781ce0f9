"""Trust between networks as a repeated game: share or hoard, over and over, with some mistakes.

Sources:

* Nicky Case, "The Evolution of Trust" (2017, public domain): the payoffs (both share +2 each;
  share against a hoarder -1, the hoarder +3; both hoard 0), the eight characters, 10 rounds a
  match, a round robin in which every player meets every other once, and evolution by replacing
  the 5 lowest scorers with copies of the 5 highest. Case's findings: with 5 or fewer rounds
  always-hoard takes over; with no mistakes tit for tat (Copycat) wins; with a few percent of
  mistakes the more forgiving tit-for-two-tats (Copykitten) does better.
* Robert Axelrod, "The Evolution of Cooperation" (1984), and the Axelrod Python library
  (axelrod 4.13.1), whose Cooperator, Defector, TitForTat, TitFor2Tats, Grudger, Detective and
  WinStayLoseShift play the same rules; the tests use it as an independent check.
* Ben Gowland, "Can independent GP organisations operate as a collective?" (The General Practice
  Blog): over-communicate; a message a leader feels they have sent twice over has only just
  reached the least it needed; and build a golden thread from the leadership group to each
  practice, with a direct connection between the group's leaders and the practices.

The maths, with its assumptions:

1. A round: each player chooses SHARE ("S") or HOARD ("H"); player A scores
   ``payoffs.score(a, b)`` and B scores ``payoffs.score(b, a)``. Case's numbers are R = 2 (both
   share), S = -1 (sucker), T = 3 (temptation), P = 0 (both hoard).
2. Mistakes (Case's "miscommunication", axelrod's noise): after a player decides, its action is
   flipped with probability ``noise``, independently for each player and round. Both players
   remember what actually happened (the action after the flip), not what was meant.
3. Randomness: one ``random.Random(seed)`` per match, drawn in a fixed order each round
   (A decides, B decides, A's flip, B's flip). The flip draws are skipped when noise is 0, so a
   match without mistakes and without the random character is the same for every seed.
4. Tournament: every player meets every other player once; a player's score is the sum of its
   match totals. Match seeds come from ``random.Random(seed)`` in pairing order (see ``schedule``).
5. Evolution: each generation plays a tournament; the ``replace`` lowest scorers leave and
   copies of the ``replace`` highest scorers join, so the population size never changes. Equal
   scores are put in order by a seeded random draw (Case shuffles too). The last generation also
   plays a tournament, so every generation has a cooperation figure.
6. Over-communication (ILLUSTRATIVE ONLY, the workbook's own model, not a source's): effort e in
   [0, 1] cuts the mistake rate to ``noise * (1 - e) ** 2``, so the first effort helps most
   (diminishing returns), and costs ``cost * e`` per round per player. ``DEFAULT_COMMUNICATION_COST``
   (0.5 points per round at full effort) is chosen so that, at Case's payoffs with 10% mistakes
   between two tit-for-tats, the best effort lies strictly between none and full (0.7, which
   leaves 0.9% mistakes): some effort pays, total effort does not. The numbers are illustrative.
7. The golden thread (ILLUSTRATIVE ONLY, the workbook's own model): Gowland asks for a "golden
   thread" from a leadership group to every practice, through over-communication. Here the group
   and one practice play the sharing game (the group shares when it takes and explains a decision
   with the practice in mind; the practice shares when it backs the group's decision), but every
   move travels along a chain of ``links`` relays (group to PCN to practice, say; one link is a
   direct connection). Each relay flips the move's meaning with chance m, independently, and two
   flips cancel, so a move arrives wrong with chance (1 - (1 - 2m) ** k) / 2, never more than one
   half. Communication effort cuts each link's m as in assumption 6. Both sides then see the move
   as it arrived (as in assumption 2). How often the practice backs the group is the share of its
   moves that are SHARE, averaged over seeded matches.

How close this comes to Case (from Case's own starting mixes, 20-30 seeds each; the robust ones
are tests in tests/unit/test_trust.py): 5 rounds or fewer let always-hoard take over and 6 or more
let tit for tat take over; a mutual reward of +1 lets hoarding win; with 1-7% mistakes
tit-for-two-tats leads after 40 generations; at 20-30% always-hoard takes over; at 50% nobody
does (19 seeds in 20). One difference: here always-hoard
already wins about half the time at 8-9% mistakes, where Case reports tit-for-two-tats. Without
mistakes tit for tat and tit-for-two-tats score alike once the others are gone, so which of the
two is left is down to the seeded tie-breaks.
"""

from __future__ import annotations

import math
import operator
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

SHARE, HOARD = "S", "H"
ACTIONS = (SHARE, HOARD)
MAX_ROUNDS = 200
MAX_PLAYERS = 60
MAX_GENERATIONS = 200
NOISE_RANGE = (0.0, 0.5)
MAX_LINKS = 6  # relays between a leadership group and a practice (assumption 7)

# Illustrative: cost per round per player of full communication effort (assumption 6). With Case's
# payoffs, two tit-for-tats, 10 rounds and 10% mistakes, the best effort is then 0.7 (net 1.57 points
# per round, against 1.46 with no effort and 1.50 with full effort), over 30 seeds and over 2,000 alike.
DEFAULT_COMMUNICATION_COST = 0.5
EFFORTS = tuple(i / 10 for i in range(11))

# Starting rooms from Case's essay, used by the chapter, the app's presets and the tests.
CASE_MIXES = {
    "few_rounds": {"always_share": 23, "always_hoard": 1, "tit_for_tat": 1},  # "one-off or repeated?"
    "evolution": {"always_share": 15, "always_hoard": 5, "tit_for_tat": 5},  # the first evolution
    "mistakes": {"tit_for_two_tats": 3, "win_stay_lose_shift": 3, "random": 3, "tit_for_tat": 3, "always_hoard": 13},
}

_FLIP = {SHARE: HOARD, HOARD: SHARE}


class TrustError(ValueError):
    """A trust-game question the model cannot answer, with a message a facilitator can act on."""


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


# --- payoffs -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Payoffs:
    """What one player scores in one round (Nicky Case, "The Evolution of Trust")."""

    both_share: float = 2.0  # R: reward for both sharing
    sucker: float = -1.0  # S: I share, they hoard
    temptation: float = 3.0  # T: I hoard, they share
    both_hoard: float = 0.0  # P: both hoard

    def __post_init__(self):
        for name in ("both_share", "sucker", "temptation", "both_hoard"):
            value = getattr(self, name)
            if not _is_number(value):
                raise TrustError(f"the payoff '{name.replace('_', ' ')}' must be a number, not {value!r}")

    def score(self, mine: str, theirs: str) -> float:
        """My score for one round.

        >>> CASE_PAYOFFS.score(SHARE, SHARE), CASE_PAYOFFS.score(SHARE, HOARD)
        (2.0, -1.0)
        >>> CASE_PAYOFFS.score(HOARD, SHARE), CASE_PAYOFFS.score(HOARD, HOARD)
        (3.0, 0.0)
        """
        return self.table()[(_action(mine), _action(theirs))]

    def table(self) -> dict[tuple[str, str], float]:
        """(mine, theirs) -> my score, for all four outcomes."""
        return {
            (SHARE, SHARE): float(self.both_share),
            (SHARE, HOARD): float(self.sucker),
            (HOARD, SHARE): float(self.temptation),
            (HOARD, HOARD): float(self.both_hoard),
        }

    def warnings(self) -> list[str]:
        """Plain notes on payoffs that no longer make a trust dilemma (empty for Case's numbers).

        The dilemma needs T > R > P > S: hoarding pays more whatever the other does, yet both
        sharing beats both hoarding. Repeated play also needs 2R > T + S, or taking turns to
        exploit each other pays as well as steady sharing.

        >>> CASE_PAYOFFS.warnings()
        []
        >>> Payoffs(both_share=1.0).warnings()  # Case: cutting the reward to +1 lets hoarding win
        ['Taking turns to hoard on each other pays at least as well as always sharing (2 x both share is not more than temptation + sucker), so steady sharing is no longer the best joint result.']
        """
        r, s, t, p = self.both_share, self.sucker, self.temptation, self.both_hoard
        notes = []
        if not (t > r and p > s):
            notes.append(
                "Hoarding no longer pays more than sharing whatever the other does (that needs "
                "temptation above both share, and both hoard above sucker): this is no longer a dilemma."
            )
        if r <= p:
            notes.append("Both sharing pays no more than both hoarding, so there is no win-win to aim for.")
        if 2 * r <= t + s:
            notes.append(
                "Taking turns to hoard on each other pays at least as well as always sharing (2 x both "
                "share is not more than temptation + sucker), so steady sharing is no longer the best "
                "joint result."
            )
        return notes

    def bound(self) -> tuple[float, float]:
        """Lowest and highest score one player can get in one round.

        >>> CASE_PAYOFFS.bound()
        (-1.0, 3.0)
        """
        values = self.table().values()
        return min(values), max(values)


CASE_PAYOFFS = Payoffs()


# --- strategies ----------------------------------------------------------------------------------

Rule = Callable[[Sequence[str], Sequence[str], random.Random], str]


def _always_share(mine, theirs, rng):
    return SHARE


def _always_hoard(mine, theirs, rng):
    return HOARD


def _tit_for_tat(mine, theirs, rng):
    return theirs[-1] if theirs else SHARE


def _tit_for_two_tats(mine, theirs, rng):
    return HOARD if len(theirs) >= 2 and theirs[-1] == HOARD and theirs[-2] == HOARD else SHARE


def _grudger(mine, theirs, rng):
    return HOARD if HOARD in theirs else SHARE


_DETECTIVE_OPENING = (SHARE, HOARD, SHARE, SHARE)


def _detective(mine, theirs, rng):
    n = len(theirs)
    if n < len(_DETECTIVE_OPENING):
        return _DETECTIVE_OPENING[n]
    if HOARD in theirs[: len(_DETECTIVE_OPENING)]:
        return theirs[-1]  # it was hoarded on while testing: play tit for tat
    return HOARD  # nobody hit back: exploit


def _win_stay_lose_shift(mine, theirs, rng):
    if not mine:
        return SHARE
    return mine[-1] if theirs[-1] == SHARE else _FLIP[mine[-1]]


def _random(mine, theirs, rng):
    return SHARE if rng.random() < 0.5 else HOARD


@dataclass(frozen=True)
class Strategy:
    key: str
    name: str
    description: str  # a plain one-liner for a GP audience
    case_name: str  # the character's name in Case's game
    nice: bool  # never the first to hoard
    forgiving: bool  # if the other hoards once and then shares for good, it soon shares again too
    rule: Rule = field(repr=False, compare=False)
    uses_chance: bool = False  # uses chance, so results depend on the seed even without mistakes

    def decide(self, mine: Sequence[str], theirs: Sequence[str], rng: random.Random) -> str:
        """The next move, given both players' past actions (after any mistakes)."""
        return self.rule(mine, theirs, rng)


STRATEGIES: dict[str, Strategy] = {
    s.key: s
    for s in (
        Strategy("always_share", "Always share", "Shares every time, whatever the other does.",
                 "Always Cooperate", nice=True, forgiving=True, rule=_always_share),
        Strategy("always_hoard", "Always hoard", "Hoards every time, whatever the other does.",
                 "Always Cheat", nice=False, forgiving=False, rule=_always_hoard),
        Strategy("tit_for_tat", "Tit for tat", "Shares first, then does whatever the other did last time.",
                 "Copycat", nice=True, forgiving=True, rule=_tit_for_tat),
        Strategy("tit_for_two_tats", "Tit for two tats",
                 "Shares first; hoards back only after the other has hoarded twice in a row.",
                 "Copykitten", nice=True, forgiving=True, rule=_tit_for_two_tats),
        Strategy("grudger", "Grudger", "Shares until the other hoards once, then hoards for ever.",
                 "Grudger", nice=True, forgiving=False, rule=_grudger),
        Strategy("detective", "Detective",
                 "Tests with share, hoard, share, share; if the other hit back it plays tit for tat, "
                 "if not it hoards for ever.",
                 # not forgiving: against a partner who never hit back it never shares again
                 "Detective", nice=False, forgiving=False, rule=_detective),
        Strategy("win_stay_lose_shift", "Win-stay, lose-shift",
                 "Shares first; keeps its last move if the other shared, switches if the other hoarded.",
                 # not forgiving: after being hoarded on it keeps hoarding on a partner who shares,
                 # and only goes back to sharing after both have hoarded
                 "Simpleton", nice=True, forgiving=False, rule=_win_stay_lose_shift),
        Strategy("random", "Random", "Shares or hoards at random, half and half.",
                 "Random", nice=False, forgiving=False, rule=_random, uses_chance=True),
    )
}


# --- one match -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class MatchResult:
    a: str
    b: str
    rounds: int
    noise: float
    seed: int
    payoffs: Payoffs
    intended: tuple[tuple[str, str], ...]  # per round, (a, b) before mistakes
    actions: tuple[tuple[str, str], ...]  # per round, after mistakes (what both saw happen)
    scores: tuple[tuple[float, float], ...]  # per round
    totals: tuple[float, float]
    mistakes: int  # number of flipped actions
    cooperation: float  # share of all actions that were SHARE

    def rows(self) -> list[dict]:
        """One row per round per player, for tables and charts."""
        out, running = [], [0.0, 0.0]
        for r, (want, did, got) in enumerate(zip(self.intended, self.actions, self.scores), start=1):
            for p, (label, key) in enumerate((("A", self.a), ("B", self.b))):
                running[p] += got[p]
                out.append({
                    "round": r, "player": label, "strategy": key, "name": STRATEGIES[key].name,
                    "intended": want[p], "action": did[p], "flipped": want[p] != did[p],
                    "score": got[p], "cumulative": running[p],
                })
        return out


def match(a: str, b: str, rounds: int = 10, noise: float = 0.0, seed: int = 0,
          payoffs: Payoffs = CASE_PAYOFFS) -> MatchResult:
    """Play ``rounds`` rounds between strategies ``a`` and ``b`` (keys of STRATEGIES).

    >>> m = match("tit_for_tat", "always_hoard", rounds=3)
    >>> m.actions, m.totals
    ((('S', 'H'), ('H', 'H'), ('H', 'H')), (-1.0, 3.0))
    """
    sa, sb = _strategy(a), _strategy(b)
    rounds, noise, seed, payoffs = _rounds(rounds), _noise(noise), _seed(seed), _payoffs(payoffs)
    table = payoffs.table()
    intended, ha, hb = _play(sa.rule, sb.rule, rounds, noise, seed)
    scores = [(table[(xa, xb)], table[(xb, xa)]) for xa, xb in zip(ha, hb)]
    actions = tuple(zip(ha, hb))
    return MatchResult(
        a=sa.key, b=sb.key, rounds=rounds, noise=noise, seed=seed, payoffs=payoffs,
        intended=tuple(intended), actions=actions, scores=tuple(scores),
        totals=(math.fsum(s[0] for s in scores), math.fsum(s[1] for s in scores)),
        mistakes=sum((w[0] != x[0]) + (w[1] != x[1]) for w, x in zip(intended, actions)),
        cooperation=(ha.count(SHARE) + hb.count(SHARE)) / (2 * rounds),
    )


def _play(ra, rb, rounds: int, noise: float, seed: int) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """One match's moves (assumptions 2 and 3): the intended pairs, then A's and B's actions."""
    rng = random.Random(seed)
    ha, hb, intended = [], [], []
    for _ in range(rounds):
        wa, wb = ra(ha, hb, rng), rb(hb, ha, rng)
        xa, xb = wa, wb
        if noise:
            if rng.random() < noise:
                xa = _FLIP[wa]
            if rng.random() < noise:
                xb = _FLIP[wb]
        ha.append(xa)
        hb.append(xb)
        intended.append((wa, wb))
    return intended, ha, hb


def _totals(a: str, b: str, rounds: int, noise: float, seed: int, payoffs: Payoffs) -> tuple[float, float, int]:
    """(A's total, B's total, number of SHARE actions) of the match ``match`` would play."""
    table = payoffs.table()
    _, ha, hb = _play(STRATEGIES[a].rule, STRATEGIES[b].rule, rounds, noise, seed)
    pairs = list(zip(ha, hb))
    return (math.fsum(table[(x, y)] for x, y in pairs), math.fsum(table[(y, x)] for x, y in pairs),
            ha.count(SHARE) + hb.count(SHARE))


@lru_cache(maxsize=4096)
def _fixed_totals(a: str, b: str, rounds: int, payoffs: Payoffs) -> tuple[float, float, int]:
    """Totals of a match with no mistakes and no chance in it: the same for every seed."""
    return _totals(a, b, rounds, 0.0, 0, payoffs)


def _match_totals(a, b, rounds, noise, seed, payoffs):
    if not noise and not STRATEGIES[a].uses_chance and not STRATEGIES[b].uses_chance:
        return _fixed_totals(a, b, rounds, payoffs)
    return _totals(a, b, rounds, noise, seed, payoffs)


def sharing_rate(a: str, b: str, rounds: int = 10, noise: float = 0.0, seeds: Iterable[int] = range(200)) -> float:
    """Share of all moves that were SHARE, over matches with the given seeds (each as ``match``
    would play it, so the mean of ``match(...).cooperation`` over the seeds, only faster).

    >>> sharing_rate("tit_for_tat", "tit_for_tat"), sharing_rate("tit_for_tat", "always_hoard", rounds=4)
    (1.0, 0.125)
    """
    sa, sb = _strategy(a), _strategy(b)
    rounds, noise = _rounds(rounds), _noise(noise)
    seeds = [_seed(s) for s in seeds]
    if not seeds:
        raise TrustError("give at least one seed to average over")
    shared = 0
    for s in seeds:
        _, ha, hb = _play(sa.rule, sb.rule, rounds, noise, s)
        shared += ha.count(SHARE) + hb.count(SHARE)
    return shared / (2 * rounds * len(seeds))


# --- tournaments ---------------------------------------------------------------------------------

def population(mix: Mapping[str, int]) -> tuple[str, ...]:
    """Expand counts per strategy into a list of players, in STRATEGIES order.

    >>> population({"tit_for_tat": 2, "always_hoard": 1})
    ('always_hoard', 'tit_for_tat', 'tit_for_tat')
    """
    counts = _mix(mix)
    return tuple(k for k in STRATEGIES for _ in range(counts.get(k, 0)))


def schedule(players: Sequence[str], seed: int = 0) -> list[tuple[int, int, int]]:
    """Every pairing (i, j) with i < j, in order, with the seed its match is played with."""
    rng = random.Random(_seed(seed))
    n = len(players)
    return [(i, j, rng.getrandbits(32)) for i in range(n) for j in range(i + 1, n)]


@dataclass(frozen=True)
class TournamentResult:
    players: tuple[str, ...]
    scores: tuple[float, ...]  # each player's total over all its matches
    cooperation: float  # share of all actions in all matches that were SHARE
    rounds: int
    noise: float

    def by_strategy(self) -> list[dict]:
        """Mean and total score per strategy present, best mean first (ties in STRATEGIES order)."""
        order = list(STRATEGIES)
        groups: dict[str, list[float]] = {}
        for key, score in zip(self.players, self.scores):
            groups.setdefault(key, []).append(score)
        rows = [
            {"strategy": k, "name": STRATEGIES[k].name, "players": len(v),
             "mean_score": math.fsum(v) / len(v), "total_score": math.fsum(v)}
            for k, v in groups.items()
        ]
        return sorted(rows, key=lambda r: (-r["mean_score"], order.index(r["strategy"])))


def tournament(mix: Mapping[str, int], rounds: int = 10, noise: float = 0.0, seed: int = 0,
               payoffs: Payoffs = CASE_PAYOFFS) -> TournamentResult:
    """Case's round robin: every player meets every other player once."""
    players = population(mix)
    return _tournament(players, _rounds(rounds), _noise(noise), _seed(seed), _payoffs(payoffs))


def _tournament(players, rounds, noise, seed, payoffs) -> TournamentResult:
    scores = [0.0] * len(players)
    shared = 0
    for i, j, s in schedule(players, seed):
        ta, tb, c = _match_totals(players[i], players[j], rounds, noise, s, payoffs)
        scores[i] += ta
        scores[j] += tb
        shared += c
    n = len(players)
    actions = n * (n - 1) * rounds  # two actions a round, n(n-1)/2 matches
    return TournamentResult(tuple(players), tuple(scores), shared / actions, rounds, noise)


# --- evolution -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class EvolutionResult:
    counts: tuple[dict[str, int], ...]  # generation 0 = the starting mix; every key of the mix
    cooperation: tuple[float, ...]  # cooperation in each generation's tournament (same length)

    def rows(self) -> list[dict]:
        """One row per generation per strategy of the mix (zeros included), for charts."""
        return [
            {"generation": g, "strategy": k, "name": STRATEGIES[k].name, "count": n}
            for g, counts in enumerate(self.counts) for k, n in counts.items()
        ]

    def winner(self) -> str | None:
        """The only strategy left at the end, or None if more than one remains."""
        alive = [k for k, n in self.counts[-1].items() if n > 0]
        return alive[0] if len(alive) == 1 else None


def evolve(mix: Mapping[str, int], generations: int = 10, rounds: int = 10, noise: float = 0.0,
           replace: int = 5, seed: int = 0, payoffs: Payoffs = CASE_PAYOFFS) -> EvolutionResult:
    """Case's evolution: play, drop the ``replace`` lowest scorers, copy the ``replace`` highest.

    >>> r = evolve({"always_hoard": 2, "tit_for_tat": 8}, generations=3, replace=2)
    >>> [c["always_hoard"] for c in r.counts], r.winner()
    ([2, 0, 0, 0], 'tit_for_tat')
    """
    counts = _mix(mix)
    size = sum(counts.values())
    generations = _whole(generations, "the number of generations", 0, MAX_GENERATIONS)
    replace = _whole(replace, "the number replaced each generation", 0, size // 2,
                     hint=f"at most half the {size} players")
    rounds, noise, seed, payoffs = _rounds(rounds), _noise(noise), _seed(seed), _payoffs(payoffs)
    keys = [k for k in STRATEGIES if k in counts]
    counts = {k: counts[k] for k in keys}
    rng = random.Random(seed)
    history, cooperation = [dict(counts)], []
    for g in range(generations + 1):
        players = population(counts)
        t = _tournament(players, rounds, noise, rng.getrandbits(32), payoffs)
        cooperation.append(t.cooperation)
        if g == generations:
            break
        tie = [rng.random() for _ in range(size)]
        ranked = sorted(range(size), key=lambda i: (t.scores[i], tie[i]))
        for i in ranked[:replace]:
            counts[players[i]] -= 1
        for i in ranked[size - replace:]:
            counts[players[i]] += 1
        history.append(dict(counts))
    return EvolutionResult(tuple(history), tuple(cooperation))


# --- over-communication (illustrative) -----------------------------------------------------------

def effective_noise(noise: float, effort: float) -> float:
    """Mistake rate left after communication effort: noise x (1 - effort)^2 (ILLUSTRATIVE).

    Diminishing returns: the first tenth of effort removes 19% of mistakes, the last tenth 1%.

    >>> effective_noise(0.1, 0.0), round(effective_noise(0.1, 0.5), 6), effective_noise(0.1, 1.0)
    (0.1, 0.025, 0.0)
    """
    noise = _noise(noise)
    if not (_is_number(effort) and 0 <= effort <= 1):
        raise TrustError(f"communication effort must be between 0 (none) and 1 (full), not {effort!r}")
    return noise * (1.0 - effort) ** 2


def communication_curve(a: str = "tit_for_tat", b: str = "tit_for_tat", noise: float = 0.1, rounds: int = 10,
                        cost: float = DEFAULT_COMMUNICATION_COST, efforts: Iterable[float] = EFFORTS,
                        seeds: Iterable[int] = range(30), payoffs: Payoffs = CASE_PAYOFFS) -> list[dict]:
    """Payoff against communication effort (ILLUSTRATIVE numbers, see assumption 6).

    For each effort: the mistake rate it leaves, the gross payoff (mean per round per player over
    matches with the given seeds; the same seeds at every effort, so the curve is not jagged by
    chance), the cost (``cost * effort`` per round per player) and net = gross - cost.
    """
    sa, sb = _strategy(a), _strategy(b)
    rounds, noise, payoffs = _rounds(rounds), _noise(noise), _payoffs(payoffs)
    if not (_is_number(cost) and cost >= 0):
        raise TrustError(f"the cost of full communication must be a number of points of at least 0, not {cost!r}")
    seeds = [_seed(s) for s in seeds]
    if not seeds:
        raise TrustError("give at least one seed to average over")
    efforts = list(efforts)
    if not efforts:
        raise TrustError("give at least one level of communication effort")
    rows = []
    for e in efforts:
        left = effective_noise(noise, e)
        gross = math.fsum(sum(_totals(sa.key, sb.key, rounds, left, s, payoffs)[:2]) for s in seeds)
        gross /= 2 * rounds * len(seeds)
        spent = float(cost) * e
        rows.append({"effort": float(e), "effective_noise": left, "gross": gross, "cost": spent, "net": gross - spent})
    return rows


def best_effort(curve: list[dict]) -> dict:
    """The row with the highest net payoff (the lowest effort among equals)."""
    if not curve:
        raise TrustError("the communication curve is empty: there is no best effort to find")
    return max(curve, key=lambda r: (r["net"], -r["effort"]))


# --- the golden thread (illustrative) ------------------------------------------------------------

def relay_noise(link_noise: float, links: int) -> float:
    """Chance a move arrives flipped after ``links`` relays that each flip it with ``link_noise``
    (ILLUSTRATIVE, assumption 7): (1 - (1 - 2m) ** k) / 2, worked one link at a time.

    Two flips put a message right again, so the chance never passes one half.

    >>> relay_noise(0.1, 1), round(relay_noise(0.1, 2), 6), round(relay_noise(0.1, 3), 6)
    (0.1, 0.18, 0.244)
    """
    m = _noise(link_noise)
    k = _whole(links, "the number of links between the group and a practice", 1, MAX_LINKS)
    wrong = 0.0
    for _ in range(k):  # right and flipped, or wrong and not flipped
        wrong = wrong * (1.0 - m) + (1.0 - wrong) * m
    return wrong


def thread_noise(link_noise: float, links: int, effort: float = 0.0) -> float:
    """End-to-end chance a move is misread, with communication ``effort`` at every link.

    >>> round(thread_noise(0.1, 2, effort=0.5), 6)  # each link: 0.1 x 0.5 ** 2 = 0.025
    0.04875
    """
    return relay_noise(effective_noise(link_noise, effort), links)


def golden_thread(link_noise: float = 0.05, efforts: Iterable[float] = (0.0,), max_links: int = MAX_LINKS,
                  rounds: int = 10, seeds: Iterable[int] = range(200), group: str = "tit_for_tat",
                  practice: str = "tit_for_tat", payoffs: Payoffs = CASE_PAYOFFS) -> list[dict]:
    """How often a practice backs its leadership group, for 1 to ``max_links`` links and each
    effort (ILLUSTRATIVE, assumption 7).

    One row per (effort, links): the end-to-end chance of a misread move (``noise``), the share of
    the practice's moves that backed the group (``backing``) and the share of all moves that were
    to share (``sharing``), as means over matches with the given seeds (the same seeds in every
    row, so the rows differ by the settings, not by luck).
    """
    sg, sp = _strategy(group), _strategy(practice)
    rounds, payoffs = _rounds(rounds), _payoffs(payoffs)
    max_links = _whole(max_links, "the most links to show", 1, MAX_LINKS)
    _noise(link_noise)
    seeds = [_seed(s) for s in seeds]
    if not seeds:
        raise TrustError("give at least one seed to average over")
    efforts = list(efforts)
    if not efforts:
        raise TrustError("give at least one level of communication effort")
    rows = []
    for e in efforts:
        for k in range(1, max_links + 1):
            noise = thread_noise(link_noise, k, e)
            backed = shared = 0
            for s in seeds:
                _, hg, hp = _play(sg.rule, sp.rule, rounds, noise, s)
                backed += hp.count(SHARE)
                shared += hg.count(SHARE) + hp.count(SHARE)
            rows.append({"effort": float(e), "links": k, "noise": noise,
                         "backing": backed / (rounds * len(seeds)), "sharing": shared / (2 * rounds * len(seeds))})
    return rows


# --- checks --------------------------------------------------------------------------------------

def _strategy(key) -> Strategy:
    if key not in STRATEGIES:
        raise TrustError(f"unknown strategy {key!r}: choose one of {', '.join(STRATEGIES)}")
    return STRATEGIES[key]


def _action(x) -> str:
    if x not in ACTIONS:
        raise TrustError(f"an action must be '{SHARE}' (share) or '{HOARD}' (hoard), not {x!r}")
    return x


def _whole(value, name, lo, hi, hint=None) -> int:
    try:
        if isinstance(value, bool):
            raise TypeError
        n = operator.index(value)
    except TypeError:
        if isinstance(value, float) and value.is_integer():
            n = int(value)
        else:
            raise TrustError(f"{name} must be a whole number, not {value!r}") from None
    if not lo <= n <= hi:
        raise TrustError(f"{name} must be between {lo} and {hi}{f' ({hint})' if hint else ''}, not {n}")
    return n


def _rounds(rounds) -> int:
    return _whole(rounds, "the number of rounds", 1, MAX_ROUNDS)


def _noise(noise) -> float:
    lo, hi = NOISE_RANGE
    if not (_is_number(noise) and lo <= noise <= hi):
        raise TrustError(
            f"the chance of a mistake must be between {lo:g} and {hi:g} (0% to {hi:.0%}), not {noise!r}"
        )
    return float(noise)


def _seed(seed) -> int:
    try:
        if isinstance(seed, bool):
            raise TypeError
        return operator.index(seed)
    except TypeError:
        raise TrustError(f"the seed must be a whole number, not {seed!r}") from None


def _payoffs(payoffs) -> Payoffs:
    if not isinstance(payoffs, Payoffs):
        raise TrustError("payoffs must be a Payoffs object (both share, sucker, temptation, both hoard)")
    return payoffs


def _mix(mix) -> dict[str, int]:
    if not isinstance(mix, Mapping):
        raise TrustError("the mix must map strategy names to numbers of players, e.g. {'tit_for_tat': 5}")
    counts = {}
    for key, n in mix.items():
        _strategy(key)
        counts[key] = _whole(n, f"the number of {STRATEGIES[key].name!r} players", 0, MAX_PLAYERS)
    total = sum(counts.values())
    if total < 2:
        raise TrustError(f"a game needs at least 2 players, not {total}")
    if total > MAX_PLAYERS:
        raise TrustError(f"at most {MAX_PLAYERS} players can take part, not {total}: remove {total - MAX_PLAYERS}")
    return counts
