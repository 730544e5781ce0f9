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
3. Randomness: every seeded match has its own stream of 64-bit numbers, made by SplitMix64 (the
   generator behind Java's SplittableRandom) from a key, the seed scrambled once; two seeds that
   differ by a multiple of 2^64 are the same seed. Each round r (counting from 0) owns two numbers
   of its match's stream: number 2r decides mistakes and number 2r + 1 decides chance choices. Each
   number is split in two: its low 32 bits are A's, its high 32 bits B's, read as a fraction u of
   2^32 (so with steps of one in about four billion). A player's action is flipped when its u from
   number 2r is below the chance of a mistake; a Random player shares when its u from number
   2r + 1 is below one half. A match reads only the numbers it needs, and every number has a fixed
   place, so with no mistakes and no Random player every seed gives the same match. Plain Python
   (``match``) and numpy (every other function, thousands of matches at a time) compute the same
   numbers, so both play exactly the same match for a seed.
4. Tournament: every player meets every other player once; a player's score is the sum of its
   match totals. The k-th pairing (counting from 0, in the order of ``schedule``) is played with
   seed = number k of the tournament seed's own stream, so replaying it with ``match`` gives the
   same moves.
5. Evolution: each generation plays a tournament; the ``replace`` lowest scorers leave and
   copies of the ``replace`` highest scorers join, so the population size never changes. Equal
   scores are put in order by a seeded random draw (Case shuffles too). The last generation also
   plays a tournament, so every generation has a cooperation figure.
6. Over-communication (ILLUSTRATIVE ONLY, the workbook's own model, not a source's): effort e in
   [0, 1] cuts the mistake rate to ``noise * (1 - e) ** 2``, so the first effort helps most
   (diminishing returns), and costs ``cost * e`` per round per player. ``DEFAULT_COMMUNICATION_COST``
   (0.5 points per round at full effort) is chosen so that, at Case's payoffs with 10% mistakes
   between two tit-for-tats, the best effort lies strictly between none and full (0.7 over 200
   seeds, as the app averages, which leaves 0.9% mistakes): some effort pays, total effort does
   not. The numbers are illustrative.
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

How close this comes to Case (from Case's own starting mixes, 20 seeds each, seeds 0-19; the robust
ones are tests in tests/unit/test_trust.py): after 30 generations, with 1, 3, 4 or 5 rounds
always-hoard takes over in 20 seeds of 20, and with 6, 7 or 10 rounds tit for tat takes over in 20
of 20 (from both 23-1-1 and 15-5-5); a mutual reward of +1 lets hoarding win in 20 of 20;
tit-for-two-tats leads after 40 generations in 20 of 20 at 1%, 3% and 5% mistakes and 19 of 20 at
7%; with 13 always-share instead of 13 always-hoard and 5% mistakes win-stay, lose-shift takes over
in 20 of 20; at 20% and 30% always-hoard takes over in 20 of 20. At 50% every move is a coin toss
whatever the habit, so the room only drifts: after 40 generations nobody has taken over in 11 seeds
of 20 (about four in five over 300 seeds). One difference: here always-hoard already takes over in
11 seeds of 20 at 9% mistakes (2 of 20 at 8%, where tit-for-two-tats still leads in 16), where Case
reports tit-for-two-tats. Without mistakes tit for tat and tit-for-two-tats score alike once the
others are gone, so which of the two is left is down to the seeded tie-breaks (tit for tat, in 20 of
20 here).
"""

from __future__ import annotations

import math
import operator
import random
import threading
from collections import OrderedDict
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
# payoffs, two tit-for-tats, 10 rounds and 10% mistakes, the best effort is then 0.7 over 200 seeds
# (net 1.60 points per round, against 1.35 with no effort and 1.50 with full effort) and over 2,000
# (1.56); over the default 30 seeds it is 0.8, a hair above 0.7.
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

# A rule: (my past actions, theirs, rng) -> my next move. ``rng`` is anything with a ``random()``
# method giving a number in [0, 1); only the Random character looks at it (assumption 3).
Rule = Callable[[Sequence[str], Sequence[str], object], str]


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

    def decide(self, mine: Sequence[str], theirs: Sequence[str], rng) -> str:
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


# --- chance (assumption 3) -----------------------------------------------------------------------
# SplitMix64 (Steele, Lea and Flood, 2014; the generator behind Java's SplittableRandom): its n-th
# number (n = 0, 1, ...) from a 64-bit key is _mix64(key + (n + 1) x _GAMMA). Being counter-based,
# any number of the stream can be worked out on its own, in plain Python for one match (``match``)
# and for thousands of matches at once in numpy (the engine below): the same numbers either way.

_MASK64 = (1 << 64) - 1
_MASK32 = (1 << 32) - 1
_GAMMA = 0x9E3779B97F4A7C15
_MIX1, _MIX2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB


def _mix64(z: int) -> int:
    z = ((z ^ (z >> 30)) * _MIX1) & _MASK64
    z = ((z ^ (z >> 27)) * _MIX2) & _MASK64
    return z ^ (z >> 31)


def _stream_key(seed: int) -> int:
    """The 64-bit key of a seed's stream: the seed (mod 2^64) scrambled once."""
    return _mix64(seed & _MASK64)


def _number(key: int, n: int) -> int:
    """The n-th 64-bit number of the stream with this key."""
    return _mix64((key + (n + 1) * _GAMMA) & _MASK64)


def _threshold(noise: float) -> int:
    """A 32-bit draw k (u = k / 2^32) is a mistake when u < noise, that is when k < this."""
    return math.ceil(noise * 2 ** 32)


class _Chance:
    """What a rule's ``rng`` is inside ``match``: its ``random()`` is this player's uniform for its
    choice this round (assumption 3)."""

    __slots__ = ("u",)

    def __init__(self, u: float):
        self.u = u

    def random(self) -> float:
        return self.u


_NO_CHANCE = _Chance(0.0)  # handed to rules that never look at it


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

    This is the readable reference: it plays the rules of STRATEGIES one round at a time. Every
    other function here plays its matches with the numpy engine below, which the tests check
    against this move for move; a tournament's k-th match is ``match`` with the k-th seed of
    ``schedule``.

    >>> m = match("tit_for_tat", "always_hoard", rounds=3)
    >>> m.actions, m.totals
    ((('S', 'H'), ('H', 'H'), ('H', 'H')), (-1.0, 3.0))
    """
    sa, sb = _strategy(a), _strategy(b)
    rounds, noise, seed, payoffs = _rounds(rounds), _noise(noise), _seed(seed), _payoffs(payoffs)
    table = payoffs.table()
    intended, ha, hb = _play(sa, sb, rounds, noise, seed)
    scores = [(table[(xa, xb)], table[(xb, xa)]) for xa, xb in zip(ha, hb)]
    actions = tuple(zip(ha, hb))
    return MatchResult(
        a=sa.key, b=sb.key, rounds=rounds, noise=noise, seed=seed, payoffs=payoffs,
        intended=tuple(intended), actions=actions, scores=tuple(scores),
        totals=(math.fsum(s[0] for s in scores), math.fsum(s[1] for s in scores)),
        mistakes=sum((w[0] != x[0]) + (w[1] != x[1]) for w, x in zip(intended, actions)),
        cooperation=(ha.count(SHARE) + hb.count(SHARE)) / (2 * rounds),
    )


def _play(sa: Strategy, sb: Strategy, rounds: int, noise: float,
          seed: int) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """One match's moves (assumptions 2 and 3), round by round with the rules: the intended
    pairs, then A's and B's actions."""
    key, limit = _stream_key(seed), _threshold(noise)
    chance = sa.uses_chance or sb.uses_chance
    ha, hb, intended = [], [], []
    ca = cb = _NO_CHANCE
    for r in range(rounds):
        if chance:  # number 2r + 1: the choices (A's the low 32 bits, B's the high 32)
            x = _number(key, 2 * r + 1)
            ca, cb = _Chance((x & _MASK32) / 2 ** 32), _Chance((x >> 32) / 2 ** 32)
        wa, wb = sa.rule(ha, hb, ca), sb.rule(hb, ha, cb)
        xa, xb = wa, wb
        if limit:  # number 2r: the mistakes (A's the low 32 bits, B's the high 32)
            x = _number(key, 2 * r)
            if x & _MASK32 < limit:
                xa = _FLIP[wa]
            if x >> 32 < limit:
                xb = _FLIP[wb]
        ha.append(xa)
        hb.append(xb)
        intended.append((wa, wb))
    return intended, ha, hb


# --- the rules as machines, for the numpy engine -------------------------------------------------
# Each rule above needs only a little memory of the past. Here each is written again as a machine:
# (its state before round 1, the move it makes in a state (None: by chance, half and half), the
# state it moves to once it has seen both actions of a round, after mistakes). The engine plays
# tables made from these, one numpy step a round for all matches at once (``_run``, for the moves
# of a match) or two rounds a step (``_tally``, for counts, from a table made from the first); the
# tests check both against the rules move for move.

def _detective_move(state):
    seen, hit_back, last = state  # rounds seen (up to 4), hoarded on while testing, the other's last
    if seen < len(_DETECTIVE_OPENING):
        return _DETECTIVE_OPENING[seen]
    return last if hit_back else HOARD


def _detective_after(state, mine, theirs):
    seen, hit_back, _ = state
    testing = seen < len(_DETECTIVE_OPENING)
    return (seen + testing, hit_back or (testing and theirs == HOARD), theirs)


_MACHINES = {
    "always_share": ("", lambda s: SHARE, lambda s, mine, theirs: s),
    "always_hoard": ("", lambda s: HOARD, lambda s, mine, theirs: s),
    # state: the other's last action (share to begin with)
    "tit_for_tat": (SHARE, lambda s: s, lambda s, mine, theirs: theirs),
    # state: how many times in a row the other has just hoarded (2 stands for two or more)
    "tit_for_two_tats": (0, lambda s: HOARD if s == 2 else SHARE,
                         lambda s, mine, theirs: min(s + 1, 2) if theirs == HOARD else 0),
    # state: has the other ever hoarded
    "grudger": (False, lambda s: HOARD if s else SHARE, lambda s, mine, theirs: s or theirs == HOARD),
    "detective": ((0, False, None), _detective_move, _detective_after),
    # state: the next move (keep my last if the other shared, switch if it hoarded)
    "win_stay_lose_shift": (SHARE, lambda s: s, lambda s, mine, theirs: mine if theirs == SHARE else _FLIP[mine]),
    "random": ("", lambda s: None, lambda s, mine, theirs: s),
}
_CODE = {k: i for i, k in enumerate(STRATEGIES)}  # a strategy's number in the engine's arrays
_BY_CHANCE = 2  # the engine's move for "decided by chance"


@lru_cache(maxsize=1)
def _tables():
    """The machines as numpy tables over joint states (A's state, B's state).

    A match's row in the engine is ``joint + code`` where joint = 16 x (A's state x N + B's
    state) and the code's bits are A's mistake (8), B's mistake (4), A's chance choice is hoard
    (2), B's is hoard (1). ``step[row]`` is the next joint (already times 16); ``seen[row]`` holds
    A's intended move (bit 3), B's (bit 2), A's action (bit 1) and B's (bit 0), 1 meaning HOARD.
    """
    import numpy as np

    bit = {SHARE: 0, HOARD: 1}
    states, start, move, after = [], [], [], []  # global state numbers over all machines
    for key in STRATEGIES:
        first, move_of, after_of = _MACHINES[key]
        local = {first: len(states)}
        todo = [first]
        states.append((key, first))
        start.append(local[first])
        while todo:
            s = todo.pop(0)
            for mine in ACTIONS:
                for theirs in ACTIONS:
                    t = after_of(s, mine, theirs)
                    if t not in local:
                        local[t] = len(states)
                        states.append((key, t))
                        todo.append(t)
        for k, s in states[start[-1]:]:
            m = move_of(s)
            move.append(_BY_CHANCE if m is None else bit[m])
            after.append([[local[after_of(s, mine, theirs)] for theirs in ACTIONS] for mine in ACTIONS])
    n = len(states)
    move, after = np.array(move), np.array(after)  # after[state, my action, their action]
    row = np.arange(n * n * 16)
    joint, code = row // 16, row % 16
    sa, sb = joint // n, joint % n
    flip_a, flip_b, hoard_a, hoard_b = (code >> 3) & 1, (code >> 2) & 1, (code >> 1) & 1, code & 1
    want_a = np.where(move[sa] == _BY_CHANCE, hoard_a, move[sa])
    want_b = np.where(move[sb] == _BY_CHANCE, hoard_b, move[sb])
    did_a, did_b = want_a ^ flip_a, want_b ^ flip_b
    step = ((after[sa, did_a, did_b] * n + after[sb, did_b, did_a]) * 16).astype(np.int32)
    seen = (want_a << 3 | want_b << 2 | did_a << 1 | did_b).astype(np.uint8)
    return np.array(start, dtype=np.int32), n, step, seen


def _scratch(name: str, shape: tuple[int, ...], dtype):
    """A work array kept between calls (a fresh large numpy array costs more than the sums done
    in it). One set per thread; never handed back to a caller."""
    import numpy as np

    store = _SCRATCH.__dict__
    key = (name, shape, np.dtype(dtype).str)
    if key not in store:
        if len(store) >= 16:  # a handful of shapes are in use at a time
            store.clear()
        store[key] = np.empty(shape, dtype)
    return store[key]


_SCRATCH = threading.local()


def _run(ca, cb, codes, rounds: int):
    """Play matches between strategy numbers ``ca`` and ``cb`` (arrays, one per match) with
    ``codes`` (rounds x matches, see ``_tables``; None for no mistakes and no chance): each round's
    row of the joint table, an array rounds x matches (a scratch array: read it before the next
    call)."""
    import numpy as np

    start, n, step, _ = _tables()
    joint = (start[ca] * n + start[cb]) * 16
    rows = _scratch("rows", (rounds, len(joint)), np.int32)
    for r in range(rounds):  # one numpy step a round for all the matches
        if codes is None:
            rows[r] = joint
        else:
            np.add(joint, codes[r], out=rows[r])
        step.take(rows[r], out=joint, mode="clip")  # the method: no wrapper call 50 times a match
    return rows


def _moves(ca, cb, codes, rounds: int):
    """What each round's pair intended and did (``seen`` bits of ``_tables``): rounds x matches."""
    return _tables()[3][_run(ca, cb, codes, rounds)]


@lru_cache(maxsize=1)
def _pair_tables():
    """The engine's table for two rounds at a time, made from ``_tables``: for a joint state j and
    the codes c1, c2 of two rounds, row j x 256 + 16 c1 + c2 holds the joint after both rounds
    (already times 256) and the two rounds' outcomes, 1 in the 8 bits of each outcome (a match's
    count of one outcome is at most MAX_ROUNDS < 2^8, so sums never carry); and the one-round
    outcome tally in the same 8-bit form, for a last odd round. Half the numpy steps of ``_run``."""
    import numpy as np

    _, n, step, seen = _tables()
    one = np.left_shift(np.uint32(1), (8 * (seen & 3)).astype(np.uint32))  # outcome = A's action x 2 + B's
    first = np.arange(n * n)[:, None, None] * 16 + np.arange(16)[None, :, None]
    second = step[first] + np.arange(16)[None, None, :]
    after = (step[second] // 16 * 256).astype(np.int32).reshape(-1)
    return after, (one[first] + one[second]).astype(np.uint32).reshape(-1), one


assert MAX_ROUNDS < 256  # the 8-bit counts of _pair_tables


def _tally(ca, cb, codes, rounds: int):
    """Outcome counts (matches x 4) of matches between strategy numbers ``ca`` and ``cb`` with
    ``codes`` (rounds x matches, or None): as ``_run`` would play them, two rounds a step."""
    import numpy as np

    if codes is None:
        return _tally_pairs(ca, cb, None, None, rounds)
    paired = _pair_codes(codes, rounds)
    both = _scratch("both", paired.shape, np.int32)
    both[...] = paired  # one cast to int32, like the joints, so that the adds of the loop need none
    return _tally_pairs(ca, cb, both, codes[rounds - 1] if rounds % 2 else None, rounds)


def _pair_codes(codes, rounds: int):
    """16 c1 + c2 for the codes c1, c2 (uint8, rounds x matches) of rounds 2p and 2p + 1: rounds // 2
    x matches, uint8 (a last odd round is left out)."""
    import numpy as np

    pairs = rounds // 2
    paired = np.left_shift(codes[0:2 * pairs:2], np.uint8(4))
    return np.bitwise_or(paired, codes[1:2 * pairs:2], out=paired)


def _tally_pairs(ca, cb, both, last, rounds: int):
    """``_tally`` with the codes already paired: ``both`` (rounds // 2 x matches, int32) holds
    16 c1 + c2 for the codes c1, c2 of rounds 2p and 2p + 1, and ``last`` the codes of a last odd
    round (uint8); both None for no mistakes and no chance."""
    import numpy as np

    start, n, _, _ = _tables()
    after, two, one = _pair_tables()
    joint = (start[ca] * n + start[cb]) * 256
    pairs = rounds // 2
    rows = _scratch("pair_rows", (pairs, len(joint)), np.int32)
    for r in range(pairs):
        if both is None:
            rows[r] = joint
        else:
            np.add(joint, both[r], out=rows[r])
        after.take(rows[r], out=joint, mode="clip")
    added = np.take(two, rows, out=_scratch("pair_tally", rows.shape, np.uint32), mode="clip").sum(axis=0, dtype=np.uint32)
    if rounds % 2:
        final = joint // 16 if last is None else joint // 16 + last
        added += one[final]
    # the four 8-bit counts are the bytes of each sum, lowest first: read them as bytes (no copy on
    # a little-endian machine) rather than shift and mask four times
    return np.ascontiguousarray(added, dtype="<u4").view(np.uint8).reshape(-1, 4).astype(np.int64)


def _mix64_np(z, spare=None):
    """_mix64 on a numpy array of uint64, in place (arithmetic wraps at 2^64, as it should);
    ``spare`` is a work array of the same shape."""
    import numpy as np

    spare = np.empty_like(z) if spare is None else spare
    for shift, factor in ((30, _MIX1), (27, _MIX2), (31, None)):
        np.right_shift(z, np.uint64(shift), out=spare)
        np.bitwise_xor(z, spare, out=z)
        if factor is not None:
            np.multiply(z, np.uint64(factor), out=z)
    return z


def _keys_np(seeds):
    """Stream keys (numpy uint64) of whole-number seeds."""
    import numpy as np

    return _mix64_np(np.array([s & _MASK64 for s in seeds], dtype=np.uint64))


@lru_cache(maxsize=64)
def _offsets(rounds: int, first: int):
    """(n + 1) x _GAMMA mod 2^64 for the numbers n = 2r + first of rounds r = 0 .. rounds - 1."""
    import numpy as np

    return np.array([((2 * r + first + 1) * _GAMMA) & _MASK64 for r in range(rounds)], dtype=np.uint64)


def _halves_np(keys, rounds: int, first: int):
    """Number 2r + first of each stream for every round r, as A's half (the low 32 bits) and B's
    (the high 32 bits): two arrays rounds x len(keys) of uint32 (scratch arrays)."""
    import numpy as np

    shape = (rounds, len(keys))
    z = np.add(keys[None, :], _offsets(rounds, first)[:, None], out=_scratch("numbers", shape, np.uint64))
    _mix64_np(z, _scratch("spare", shape, np.uint64))
    low = np.bitwise_and(z, np.uint64(_MASK32), out=_scratch("spare", shape, np.uint64)).astype(np.uint32)
    return low, np.right_shift(z, np.uint64(32), out=z).astype(np.uint32)


def _mistake_numbers(keys, rounds: int):
    """Number 2r of each stream for every round r: rounds x len(keys) uint64 (with the spare work
    array of the same shape; both scratch arrays)."""
    import numpy as np

    shape = (rounds, len(keys))
    z = np.add(keys[None, :], _offsets(rounds, 0)[:, None], out=_scratch("numbers", shape, np.uint64))
    spare = _scratch("spare", shape, np.uint64)
    return _mix64_np(z, spare), spare


def _chance_codes(keys, rounds: int):
    """From number 2r + 1 of each stream, the engine's chance bits for every round: A's choice is
    hoard (2), B's (1), where a Random player hoards when its half / 2^32 >= 1/2 (uint8)."""
    import numpy as np

    low, high = _halves_np(keys, rounds, 1)
    return ((low >> np.uint32(31)).astype(np.uint8) << np.uint8(1)) | (high >> np.uint32(31)).astype(np.uint8)


def _codes(ca, cb, keys, rounds: int, limits):
    """The engine's codes (see ``_tables``) for matches with these stream keys, from the same
    numbers ``_play`` uses; ``limits`` is ``_threshold(noise)``, one for all or one per match."""
    import numpy as np

    chance = _uses_chance()[ca] | _uses_chance()[cb]
    mistakes = bool(np.any(limits > 0))
    if not mistakes and not chance.any():
        return None
    shape = (rounds, len(ca))
    codes = np.zeros(shape, dtype=np.uint8)
    if mistakes:  # number 2r: a mistake when the player's half / 2^32 < noise
        z, spare = _mistake_numbers(keys, rounds)
        # compared in place on the 64-bit numbers, without splitting them: B's half (the high 32
        # bits) is below L exactly when the number is below L x 2^32; A's half (the low 32 bits)
        # is below L exactly when the number shifted up by 32 bits is.
        top = np.left_shift(np.asarray(limits, dtype=np.uint64), np.uint64(32))
        hit = _scratch("hit", shape, np.bool_)
        np.less(z, top, out=hit)
        np.left_shift(hit.view(np.uint8), np.uint8(2), out=codes)  # B's mistake: bit 2
        np.left_shift(z, np.uint64(32), out=spare)
        np.less(spare, top, out=hit)
        np.bitwise_or(codes, np.left_shift(hit.view(np.uint8), np.uint8(3), out=hit.view(np.uint8)), out=codes)
    if chance.any():
        cols = np.flatnonzero(chance)
        codes[:, cols] += _chance_codes(keys[cols], rounds)
    return codes


@lru_cache(maxsize=1)
def _uses_chance():
    """A numpy array: does strategy number k use chance."""
    import numpy as np

    return np.array([s.uses_chance for s in STRATEGIES.values()])


@lru_cache(maxsize=256)
def _fixed_counts(rounds: int):
    """Outcome counts of every pairing of strategy numbers with no mistakes: 8 x 8 x 4. Matches
    with chance in them are in the table too but are never read from it."""
    import numpy as np

    k = len(STRATEGIES)
    ca, cb = np.repeat(np.arange(k), k), np.tile(np.arange(k), k)
    return _tally(ca, cb, None, rounds).reshape(k, k, 4)


def _many(ca, cb, seeds, rounds: int, noise):
    """Outcome counts (matches x 4) of matches with these strategy numbers and seeds (or, as a
    numpy array, their stream keys; or the matches' kept numbers, ``_draws``, read as they are when
    the noise is a whole percentage), each as ``match`` would play it; ``noise`` is one chance of a
    mistake for all the matches or one per match."""
    import numpy as np

    ca, cb = np.asarray(ca), np.asarray(cb)
    if np.ndim(noise):
        limits = np.array([_threshold(x) for x in noise], dtype=np.uint32)
    else:
        limits = np.uint32(_threshold(noise))
    chance = _uses_chance()[ca] | _uses_chance()[cb]
    if not np.any(limits > 0) and not chance.any():
        return _fixed_counts(rounds)[ca, cb]
    if isinstance(seeds, _Draws):
        percent = None if np.ndim(noise) else _percent(noise)
        if percent is not None:
            return _tally_pairs(ca, cb, *seeds.paired(percent, chance), rounds)
        seeds = seeds.keys
    keys = seeds if isinstance(seeds, np.ndarray) else _keys_np(seeds)
    return _tally(ca, cb, _codes(ca, cb, keys, rounds, limits), rounds)


# --- the numbers of a tournament, kept --------------------------------------------------------
# A tournament's numbers depend on its seed, its number of players and its rounds, never on the
# chance of a mistake, the payoffs or who plays whom; an evolution's tournament seeds do not depend
# on its results. So moving the noise slider replays tournaments whose numbers are already known:
# they are kept, in a compact form that answers "is this a mistake?" for any whole percentage.

def _percent(noise: float) -> int | None:
    """k when ``noise`` makes mistakes exactly where k% would (a 32-bit draw h is a mistake when
    h < ceil(k x 2^32 / 100), worked out in whole numbers), else None."""
    k = round(noise * 100)
    return k if _threshold(noise) == -(-k * 2 ** 32 // 100) else None


class _Draws:
    """One tournament's numbers: the matches' stream keys; for each round and match, A's and B's
    mistake draw h as the whole percentage floor(100 h / 2^32), so that h is a mistake at k% exactly
    when that is below k (h < ceil(k 2^32 / 100) if and only if 100 h < k 2^32); and the chance
    choices (A's hoards: 2, B's: 1). Kept in the engine's paired form (``_tally_pairs``): for each
    pair of rounds 2p, 2p + 1 and match, the four percentages A's and B's in round 2p, then in
    round 2p + 1 (``pairs``, rounds // 2 x matches x 4), and A's and B's of a last odd round
    (``last``, 2 x matches); the chance choices 16 c1 + c2 (``chance``) and of a last odd round.
    All are made the first time they are needed."""

    __slots__ = ("keys", "rounds", "pairs", "last", "chance", "chance_last")

    def __init__(self, keys, rounds: int):
        self.keys, self.rounds = keys, rounds
        self.pairs = self.last = self.chance = self.chance_last = None

    def _mistakes(self) -> None:
        import numpy as np

        z, spare = _mistake_numbers(self.keys, self.rounds)
        hundred, top = np.uint64(100), np.uint64(32)
        np.bitwise_and(z, np.uint64(_MASK32), out=spare)
        a = np.right_shift(np.multiply(spare, hundred, out=spare), top, out=spare).astype(np.uint8)
        np.right_shift(z, top, out=z)
        b = np.right_shift(np.multiply(z, hundred, out=z), top, out=z).astype(np.uint8)
        p = self.rounds // 2
        self.pairs = np.stack([a[0:2 * p:2], b[0:2 * p:2], a[1:2 * p:2], b[1:2 * p:2]], axis=-1)
        self.last = np.stack([a[-1], b[-1]]) if self.rounds % 2 else None

    @property
    def nbytes(self) -> int:
        return sum(0 if x is None else x.nbytes for x in (self.pairs, self.last, self.chance, self.chance_last))

    def paired(self, percent: int, chance):
        """The engine's paired codes at ``percent``% mistakes, with chance choices for the matches
        where ``chance`` is true: ``both`` (int32, a scratch array) and ``last`` (None for an even
        number of rounds), as ``_tally_pairs`` takes them."""
        import numpy as np

        if self.pairs is None:
            self._mistakes()
        k = np.uint8(percent)
        hit = np.less(self.pairs, k, out=_scratch("hit4", self.pairs.shape, np.bool_))
        # each match's four mistakes (0 or 1, one a byte) as one 32-bit word; one multiplication
        # moves them to bits 31, 30, 27 and 26 (A's and B's mistake, code bits 3 and 2, of the
        # first round x 16 and of the second) with nothing carried into those bits, so the top byte
        # is 16 c1 + c2 without the chance bits
        words = hit.view("<u4").reshape(self.pairs.shape[:2])
        both = np.multiply(words, np.uint32(_SPREAD), out=_scratch("both", words.shape, np.uint32))
        np.right_shift(both, np.uint32(24), out=both)
        last = None
        if self.last is not None:
            last = np.left_shift(np.less(self.last[0], k).view(np.uint8), np.uint8(3))
            last |= np.left_shift(np.less(self.last[1], k).view(np.uint8), np.uint8(2))
        if chance.any():
            if self.chance is None:
                codes = _chance_codes(self.keys, self.rounds)
                self.chance = _pair_codes(codes, self.rounds)
                self.chance_last = codes[-1].copy() if self.rounds % 2 else None
            keep = np.where(chance, 0xFF, 0).astype(np.uint8)
            np.bitwise_or(both, self.chance & keep[None, :], out=both)
            if last is not None:
                last |= self.chance_last & keep
        return both.view(np.int32), last


# A's and B's mistakes of round 2p in bytes 0 and 1 of a word, of round 2p + 1 in bytes 2 and 3:
# times _SPREAD (mod 2^32) they land on bits 31, 30, 27 and 26; every other product falls below
# bit 24 in a place of its own (22, 19, 18, 11, 10, 2) or above bit 31, so nothing carries
_SPREAD = 2 ** 31 + 2 ** 22 + 2 ** 11 + 2 ** 2


KEPT_DRAWS_BYTES = 16 * 2 ** 20  # an evolution of 60 players, 50 rounds, 50 generations needs 9 MB
_KEPT: OrderedDict[tuple[int, int, int], _Draws] = OrderedDict()
_KEPT_LOCK = threading.Lock()


def _draws(seed: int, n: int, rounds: int) -> _Draws:
    """The numbers of a tournament of ``n`` players (seed, rounds), kept between calls (the most
    recently used, up to KEPT_DRAWS_BYTES; an entry's arrays are made when first read, so the one
    added last is counted at the next call: at most one tournament's, 1 MB at the model's largest,
    over the bound)."""
    import numpy as np

    key = (seed, n, rounds)
    with _KEPT_LOCK:
        kept = _KEPT.get(key)
        if kept is not None:
            _KEPT.move_to_end(key)
            return kept
    offsets = _pairings(n)[2]
    # the k-th match's seed is number k of the tournament's stream; its key is that seed's key
    kept = _Draws(_mix64_np(_mix64_np(offsets + np.uint64(_stream_key(seed)))), rounds)
    with _KEPT_LOCK:
        _KEPT[key] = kept
        total = sum(d.nbytes for d in _KEPT.values())
        while total > KEPT_DRAWS_BYTES and len(_KEPT) > 1:
            total -= _KEPT.popitem(last=False)[1].nbytes
    return kept


def _payoff_vectors(payoffs: Payoffs):
    """A's and B's score for the outcomes (S, S), (S, H), (H, S), (H, H)."""
    import numpy as np

    t = payoffs.table()
    a = np.array([t[(SHARE, SHARE)], t[(SHARE, HOARD)], t[(HOARD, SHARE)], t[(HOARD, HOARD)]])
    return a, a[[0, 2, 1, 3]]


_SHARES = (2, 1, 1, 0)  # SHARE actions in the outcomes (S, S), (S, H), (H, S), (H, H)
_B_SHARES = (1, 0, 1, 0)  # of which B's


@lru_cache(maxsize=4)
def _share_vector(dtype: str):
    """_SHARES as a numpy array of ``dtype`` (a tuple is turned into one at every product)."""
    import numpy as np

    return np.array(_SHARES, dtype=dtype)


def _share_count(counts) -> int:
    """SHARE actions in all the matches of outcome counts (matches x 4, whole numbers of any
    numpy type: the product is in that type, so a float one stays exact below 2^53)."""
    return int((counts @ _share_vector(counts.dtype.str)).sum())


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
    m = len(seeds)
    counts = _many([_CODE[sa.key]] * m, [_CODE[sb.key]] * m, seeds, rounds, noise)
    return _share_count(counts) / (2 * rounds * m)


# --- tournaments ---------------------------------------------------------------------------------

def population(mix: Mapping[str, int]) -> tuple[str, ...]:
    """Expand counts per strategy into a list of players, in STRATEGIES order.

    >>> population({"tit_for_tat": 2, "always_hoard": 1})
    ('always_hoard', 'tit_for_tat', 'tit_for_tat')
    """
    counts = _mix(mix)
    return tuple(k for k in STRATEGIES for _ in range(counts.get(k, 0)))


def schedule(players: Sequence[str], seed: int = 0) -> list[tuple[int, int, int]]:
    """Every pairing (i, j) with i < j, in order, with the seed its match is played with: the
    k-th pairing's seed is number k of the tournament seed's stream (assumptions 3 and 4).

    >>> [(i, j) for i, j, _ in schedule(["always_share", "grudger", "random"])]
    [(0, 1), (0, 2), (1, 2)]
    """
    key, n = _stream_key(_seed(seed)), len(players)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    return [(i, j, _number(key, k)) for k, (i, j) in enumerate(pairs)]


@lru_cache(maxsize=MAX_PLAYERS + 1)
def _pairings(n: int):
    """The pairings of ``schedule`` as numpy arrays (i, j), and the offsets of their seeds."""
    import numpy as np

    i, j = np.triu_indices(n, 1)
    return i, j, np.array([((k + 1) * _GAMMA) & _MASK64 for k in range(len(i))], dtype=np.uint64)


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
    """All the matches of ``schedule`` at once, in the numpy engine."""
    import numpy as np

    n = len(players)
    i, j, _ = _pairings(n)
    codes = np.array([_CODE[p] for p in players])
    counts = _many(codes[i], codes[j], _draws(seed, n, rounds), rounds, noise)
    score_a, score_b = _payoff_vectors(payoffs)
    # as floats, for numpy's fast float products (whole numbers below 2^53: the SHARE count is exact)
    counts = counts.astype(np.float64)
    scores = np.bincount(i, counts @ score_a, n) + np.bincount(j, counts @ score_b, n)
    actions = n * (n - 1) * rounds  # two actions a round, n(n-1)/2 matches
    return TournamentResult(tuple(players), tuple(scores.tolist()), _share_count(counts) / actions, rounds, noise)


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
    import numpy as np

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
        players = tuple(k for k in keys for _ in range(counts[k]))  # ``population``, checked once above
        t = _tournament(players, rounds, noise, rng.getrandbits(32), payoffs)
        cooperation.append(t.cooperation)
        if g == generations:
            break
        tie = [rng.random() for _ in range(size)]
        ranked = np.lexsort((tie, t.scores)).tolist()  # by score, then by the tie-break draw
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
    lefts = [effective_noise(noise, e) for e in efforts]
    m = len(seeds)
    counts = _many([_CODE[sa.key]] * (m * len(efforts)), [_CODE[sb.key]] * (m * len(efforts)), seeds * len(efforts),
                   rounds, [x for x in lefts for _ in seeds]).reshape(len(efforts), m, 4).sum(axis=1)
    score_a, score_b = _payoff_vectors(payoffs)
    rows = []
    for e, left, c in zip(efforts, lefts, counts):
        gross = float(c @ (score_a + score_b)) / (2 * rounds * m)
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
    settings = [(float(e), k, thread_noise(link_noise, k, e)) for e in efforts for k in range(1, max_links + 1)]
    m, total = len(seeds), len(seeds) * len(settings)
    counts = _many([_CODE[sg.key]] * total, [_CODE[sp.key]] * total, seeds * len(settings), rounds,
                   [noise for _, _, noise in settings for _ in seeds]).reshape(len(settings), m, 4).sum(axis=1)
    return [{"effort": e, "links": k, "noise": noise,
             "backing": int(c @ _B_SHARES) / (rounds * m), "sharing": int(c @ _SHARES) / (2 * rounds * m)}
            for (e, k, noise), c in zip(settings, counts)]


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
