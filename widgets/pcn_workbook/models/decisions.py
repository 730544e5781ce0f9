"""Collective decisions: voting against consensus, and asking PCN after PCN against one front door.

Sources:

* Ben Gowland, "Can independent GP organisations operate as a collective?", The General Practice
  Blog (Ockham Healthcare): a group with no formal authority over its members should decide by
  consensus. Votes make losers and losers go rogue; consensus is slower but the decision holds.
* Ben Gowland, "Operating in an ICS: Single Point of Access", The General Practice Blog: without one
  access point the system asks PCN after PCN until one says yes; with one, one or two people
  gatekeep every approach on behalf of all of general practice, provided every GP organisation
  commits to sending approaches back to it.

EVERYTHING NUMERIC HERE IS ILLUSTRATIVE: the shapes are the essays' arguments, the numbers are
ours. No study measures the value of a proposal to a practice or the chance a practice goes rogue.

Part 1: vote against consensus. Assumptions, numbered:

1. Proposals. Each meeting has one proposal on the table. Proposal i is worth ``v[i, j]`` to
   practice j, drawn independently from a normal distribution with mean ``mean_value`` and standard
   deviation ``spread`` (arbitrary units), so a proposal can help most practices and hurt a few.
   Both regimes work down the SAME list of proposals in the same order (same seed): the only
   difference is how they decide.
2. Vote. At meeting t the group votes on proposal t. Only practices still in (not rogue) vote; each
   votes yes when the proposal is worth more than zero to it. The proposal passes when the yes votes
   are a strict majority of the practices still in (a tie fails). If every practice has gone rogue
   nothing can pass.
3. Losers. The practices on the losing side of a vote lose: the no voters when it passes, the yes
   voters when it fails. A unanimous vote has no losers.
4. Going rogue. A loser with ``L`` losses so far (this one included) goes rogue with probability
   min(1, rogue_base + rogue_step * (L - 1)). Rogue is permanent: the practice stops voting and
   stops implementing group decisions, so it neither gains nor loses from them. A practice that
   goes rogue at a meeting already refuses that meeting's decision.
5. Value delivered by a vote = the sum of the proposal's values to the practices that implement
   it (those still in after the meeting), if it passed; zero otherwise.
6. Consensus. A proposal takes ``consensus_meetings`` meetings; proposal k is decided at meeting
   k * consensus_meetings. It is agreed only when its total value to the whole group is above zero,
   and is then amended (a transfer inside the group, e.g. a changed timetable or a shared cost) so
   that no practice ends up worse off. Nobody loses, so nobody goes rogue, and the value delivered
   is the total. A proposal that fails still took its meetings.
7. Randomness. Proposal values come from one seeded stream and the rogue draws from another (one
   uniform number per meeting per practice, drawn up front), both from ``seed``; a loser goes rogue
   when its draw is below its probability. Same settings, same result.

With the defaults the vote delivers more per meeting at first (one decision a meeting rather than
one every two) and consensus overtakes once enough practices have gone rogue; how soon, and whether
it happens at all, depends on the settings (see ``compare_over_seeds`` and ``overtake_meeting``).

Part 2: one front door against shopping around. Assumptions, numbered:

8. Every PCN the system asks says yes independently with the same probability p. Shopping around,
   the system asks PCNs in turn and stops at the first yes, so after k asks the chance of a yes is
   1 - (1 - p) ** k. The expected number of asks when up to n PCNs may be asked is
   sum_{j<n} (1 - p) ** j = (1 - (1 - p) ** n) / p (n when p = 0).
9. With a single point of access one or two people decide once for all of general practice; that one
   decision says yes with probability ``gate_yes`` (p unless given).
10. The door only works if every GP organisation sends approaches back to it. If only ``committed``
   of the n PCNs do, the system asks the door and, when it says no, shops around the n - committed
   PCNs that still answer for themselves: a yes comes with chance 1 - (1 - gate) (1 - p) ** (n - c).
   With no PCN committed there is no door, and the system shops around all n.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

VOTE, CONSENSUS = "vote", "consensus"
REGIMES = (VOTE, CONSENSUS)

# Bounds the apps' sliders live inside; outside them a message says what to change.
PRACTICES_RANGE = (3, 30)
MEETINGS_RANGE = (1, 200)
MEAN_VALUE_RANGE = (-100.0, 100.0)
SPREAD_RANGE = (0.0, 100.0)
CONSENSUS_MEETINGS_RANGE = (1, 20)
MAX_SEEDS = 1_000
MAX_PCNS = 100
MAX_TRIALS = 2_000_000

CAVEAT = (
    "Illustrative only: a thinking aid, not evidence. The values of proposals, the chance a losing "
    "practice goes rogue and the time consensus takes are the workbook's own assumptions; the shape "
    "of the argument is Gowland's."
)


class DecisionError(ValueError):
    """A decision question the model cannot answer, with a message a facilitator can act on."""


# --- settings ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DecisionSettings:
    practices: int = 8  # practices in the group, 3..30
    meetings: int = 24  # meetings simulated (the horizon), 1..200
    mean_value: float = 1.0  # mean value of a proposal to one practice (arbitrary units)
    spread: float = 2.0  # standard deviation across practices, so some practices lose
    rogue_base: float = 0.05  # chance a loser goes rogue after its first loss
    rogue_step: float = 0.10  # added per further loss (the chance is capped at 1)
    consensus_meetings: int = 2  # meetings a consensus decision takes
    seed: int = 0

    def validate(self) -> None:
        """Raise DecisionError with a plain message if any setting is out of range."""
        _require_whole(self.practices, "the number of practices", *PRACTICES_RANGE)
        _require_whole(self.meetings, "the number of meetings", *MEETINGS_RANGE)
        _require_number(self.mean_value, "the mean value of a proposal", *MEAN_VALUE_RANGE)
        _require_number(self.spread, "the spread of values between practices", *SPREAD_RANGE)
        _require_number(self.rogue_base, "the chance a loser goes rogue after a first loss", 0.0, 1.0)
        _require_number(self.rogue_step, "the extra chance of going rogue per further loss", 0.0, 1.0)
        _require_whole(self.consensus_meetings, "the meetings a consensus decision takes",
                       *CONSENSUS_MEETINGS_RANGE)
        _require_seed(self.seed)

    def rogue_chance(self, losses: int) -> float:
        """Chance a loser with ``losses`` losses so far goes rogue (assumption 4).

        >>> s = DecisionSettings()
        >>> [round(s.rogue_chance(k), 2) for k in (1, 2, 3, 10, 11)]
        [0.05, 0.15, 0.25, 0.95, 1.0]
        """
        if losses < 1:
            return 0.0
        return min(1.0, self.rogue_base + self.rogue_step * (losses - 1))


def _streams(seed: int) -> tuple[np.random.Generator, np.random.Generator]:
    values, rogue = np.random.SeedSequence(seed).spawn(2)
    return np.random.default_rng(values), np.random.default_rng(rogue)


def proposal_values(settings: DecisionSettings) -> np.ndarray:
    """Values of the proposals to each practice, shape (meetings, practices) (assumption 1).

    One row per meeting, enough for the vote; consensus works down the same rows, more slowly.
    """
    settings.validate()
    rng, _ = _streams(settings.seed)
    return rng.normal(settings.mean_value, settings.spread, size=(settings.meetings, settings.practices))


def rogue_draws(settings: DecisionSettings) -> np.ndarray:
    """Uniform numbers in [0, 1), shape (meetings, practices): a loser goes rogue when its draw is
    below its chance (assumption 7)."""
    settings.validate()
    _, rng = _streams(settings.seed)
    return rng.random(size=(settings.meetings, settings.practices))


# --- runs ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DecisionRun:
    regime: str  # "vote" or "consensus"
    rows: tuple[dict, ...]  # one per meeting: meeting, regime, decisions, value, rogue (cumulative)

    @property
    def total_value(self) -> float:
        return self.rows[-1]["value"] if self.rows else 0.0

    @property
    def decisions(self) -> int:
        return self.rows[-1]["decisions"] if self.rows else 0

    @property
    def rogue(self) -> int:
        return self.rows[-1]["rogue"] if self.rows else 0


def run_vote(settings: DecisionSettings) -> DecisionRun:
    """Simple-majority voting, one proposal a meeting, on the seeded proposals (assumptions 2-5)."""
    return run_vote_on(proposal_values(settings), settings)


def run_consensus(settings: DecisionSettings) -> DecisionRun:
    """Consensus, one proposal every ``consensus_meetings`` meetings (assumption 6)."""
    return run_consensus_on(proposal_values(settings), settings)


def run_vote_on(values, settings: DecisionSettings, draws=None) -> DecisionRun:
    """The vote on a given value matrix (rows = proposals in order, columns = practices).

    ``draws`` (same shape as the meetings used) replaces the seeded rogue draws; with rogue_base
    and rogue_step both 0 or both 1 the draws do not matter. Rows beyond ``settings.meetings``
    are ignored.

    >>> v = [[1.0, 2.0, -1.0], [-1.0, -2.0, 3.0]]
    >>> s = DecisionSettings(practices=3, meetings=2, rogue_base=0.0, rogue_step=0.0)
    >>> [(r["decisions"], r["value"], r["rogue"]) for r in run_vote_on(v, s).rows]
    [(1, 2.0, 0), (1, 2.0, 0)]
    """
    settings.validate()
    v = _value_matrix(values, settings, settings.meetings)
    u = rogue_draws(settings) if draws is None else _draw_matrix(draws, settings)
    active = np.ones(settings.practices, dtype=bool)
    losses = np.zeros(settings.practices, dtype=int)
    decisions, value, rows = 0, 0.0, []
    for t in range(settings.meetings):
        row = v[t]
        yes = active & (row > 0)
        passed = bool(active.any()) and 2 * int(yes.sum()) > int(active.sum())
        losers = active & ~yes if passed else yes
        losses += losers
        chance = np.minimum(1.0, settings.rogue_base + settings.rogue_step * (losses - 1))
        active &= ~(losers & (u[t] < chance))
        if passed:
            decisions += 1
            value += float(row[active].sum())
        rows.append(_row(t + 1, VOTE, decisions, value, int((~active).sum())))
    return DecisionRun(VOTE, tuple(rows))


def run_consensus_on(values, settings: DecisionSettings) -> DecisionRun:
    """Consensus on a given value matrix: proposal k is decided at meeting k * consensus_meetings.

    >>> v = [[1.0, 2.0, -1.0], [-1.0, -2.0, 3.0]]
    >>> s = DecisionSettings(practices=3, meetings=4, consensus_meetings=2)
    >>> [(r["decisions"], r["value"]) for r in run_consensus_on(v, s).rows]
    [(0, 0.0), (1, 2.0), (1, 2.0), (1, 2.0)]
    """
    settings.validate()
    c = settings.consensus_meetings
    v = _value_matrix(values, settings, settings.meetings // c)
    decisions, value, rows = 0, 0.0, []
    for t in range(1, settings.meetings + 1):
        if t % c == 0:
            total = float(v[t // c - 1].sum())
            if total > 0:
                decisions += 1
                value += total
        rows.append(_row(t, CONSENSUS, decisions, value, 0))
    return DecisionRun(CONSENSUS, tuple(rows))


def _row(meeting: int, regime: str, decisions: int, value: float, rogue: int) -> dict:
    return {"meeting": meeting, "regime": regime, "decisions": decisions, "value": value, "rogue": rogue}


def compare(settings: DecisionSettings) -> list[dict]:
    """The vote's rows then consensus's rows, on the same proposals (one seed)."""
    values = proposal_values(settings)
    return list(run_vote_on(values, settings).rows) + list(run_consensus_on(values, settings).rows)


def compare_over_seeds(settings: DecisionSettings, seeds: Iterable[int] = range(50)) -> list[dict]:
    """Per meeting and regime, the mean over seeds of decisions, value and rogue practices.

    Each row also carries ``seeds`` (how many), ``value_low`` and ``value_high`` (the 10th and
    90th percentiles of cumulative value across seeds) and ``ahead`` (share of seeds in which this
    regime's cumulative value is strictly above the other's at that meeting). ``settings.seed`` is
    ignored; each seed in ``seeds`` replaces it. Vote rows come first, then consensus rows.
    """
    settings.validate()
    seeds = _seed_list(seeds)
    size = len(seeds) * settings.meetings * settings.practices
    draw = _kept_seed_draws if size <= KEPT_DRAWS else _seed_draws
    normals, draws = draw(tuple(seeds), settings.meetings, settings.practices)
    values = settings.mean_value + settings.spread * normals  # what rng.normal(mean, spread) computes
    cube = {VOTE: _vote_over_seeds(values, draws, settings), CONSENSUS: _consensus_over_seeds(values, settings)}
    out = []
    for regime, other in ((VOTE, CONSENSUS), (CONSENSUS, VOTE)):
        c = cube[regime]
        ahead = (c["value"] > cube[other]["value"]).mean(axis=0).tolist()
        low, high = (x.tolist() for x in np.percentile(c["value"], [10, 90], axis=0))
        decided, value, rogue = (c[k].mean(axis=0).tolist() for k in ("decisions", "value", "rogue"))
        for t in range(settings.meetings):
            out.append({
                "meeting": t + 1, "regime": regime, "decisions": decided[t], "value": value[t], "rogue": rogue[t],
                "seeds": len(seeds), "value_low": low[t], "value_high": high[t], "ahead": ahead[t],
            })
    return out


KEPT_DRAWS = 40 * 200 * 30  # numbers per kept set: the app's 40 runs at the largest settings, 3.8 MB


def _seed_draws(seeds: tuple[int, ...], meetings: int, practices: int) -> tuple[np.ndarray, np.ndarray]:
    """For each seed, the standard normals behind its proposal values and its rogue draws, shaped
    (seeds, meetings, practices), read-only. ``mean + spread x normal`` is exactly what
    ``rng.normal(mean, spread)`` returns (the tests compare it with ``proposal_values``)."""
    normals, draws = np.empty((len(seeds), meetings, practices)), np.empty((len(seeds), meetings, practices))
    for k, seed in enumerate(seeds):
        values, rogue = _streams(seed)
        normals[k] = values.standard_normal(size=(meetings, practices))
        draws[k] = rogue.random(size=(meetings, practices))
    normals.flags.writeable = draws.flags.writeable = False
    return normals, draws


# They do not depend on the other settings, so a slider step reuses them (up to KEPT_DRAWS numbers
# in each of the four sets kept).
_kept_seed_draws = lru_cache(maxsize=4)(_seed_draws)


def _vote_over_seeds(values: np.ndarray, draws: np.ndarray, settings: DecisionSettings) -> dict[str, np.ndarray]:
    """``run_vote_on`` for every seed at once: values and draws shaped (seeds, meetings, practices);
    cumulative decisions, value and rogue practices shaped (seeds, meetings).

    The same steps as ``run_vote_on`` on whole columns of seeds, so one slider step costs one pass
    over the meetings instead of one per seed (the app averages 40 runs: 50-80 ms became a few).
    Values agree with the single runs to rounding (a sum over the practices still in counts the
    others as 0.0; tests/unit/test_decisions.py compares them).
    """
    n_seeds, meetings = values.shape[0], settings.meetings
    active = np.ones((n_seeds, settings.practices), dtype=bool)
    losses = np.zeros((n_seeds, settings.practices), dtype=int)
    out = {k: np.zeros((n_seeds, meetings)) for k in ("decisions", "value", "rogue")}
    decided, value = np.zeros(n_seeds), np.zeros(n_seeds)
    for t in range(meetings):
        row = values[:, t, :]
        yes = active & (row > 0)
        n_active = active.sum(axis=1)
        passed = (n_active > 0) & (2 * yes.sum(axis=1) > n_active)
        losers = np.where(passed[:, None], active & ~yes, yes)
        losses += losers
        chance = np.minimum(1.0, settings.rogue_base + settings.rogue_step * (losses - 1))
        active &= ~(losers & (draws[:, t, :] < chance))
        decided += passed
        value += np.where(passed, np.where(active, row, 0.0).sum(axis=1), 0.0)
        out["decisions"][:, t], out["value"][:, t], out["rogue"][:, t] = decided, value, (~active).sum(axis=1)
    return out


def _consensus_over_seeds(values: np.ndarray, settings: DecisionSettings) -> dict[str, np.ndarray]:
    """``run_consensus_on`` for every seed at once (shapes as ``_vote_over_seeds``)."""
    c, meetings = settings.consensus_meetings, settings.meetings
    totals = values[:, : meetings // c, :].sum(axis=2)  # proposal k is decided at meeting (k + 1) * c
    passed = totals > 0
    step_decisions, step_value = np.zeros((values.shape[0], meetings)), np.zeros((values.shape[0], meetings))
    step_decisions[:, c - 1::c] = passed
    step_value[:, c - 1::c] = np.where(passed, totals, 0.0)
    return {"decisions": step_decisions.cumsum(axis=1), "value": step_value.cumsum(axis=1),
            "rogue": np.zeros((values.shape[0], meetings))}


def overtake_meeting(rows: Iterable[dict]) -> int | None:
    """First meeting from which consensus's value stays strictly above the vote's to the horizon.

    Works on the rows of ``compare`` or ``compare_over_seeds``; None if consensus ends behind or
    level.

    >>> rows = [{"meeting": m, "regime": r, "value": x} for m, r, x in
    ...         [(1, "vote", 3), (2, "vote", 4), (3, "vote", 4),
    ...          (1, "consensus", 0), (2, "consensus", 5), (3, "consensus", 5)]]
    >>> overtake_meeting(rows)
    2
    """
    vote, cons = {}, {}
    for r in rows:
        (vote if r["regime"] == VOTE else cons)[r["meeting"]] = r["value"]
    meetings = sorted(set(vote) & set(cons))
    found = None
    for m in meetings:
        if cons[m] > vote[m]:
            found = m if found is None else found
        else:
            found = None
    return found


def _with_seed(settings: DecisionSettings, seed: int) -> DecisionSettings:
    return replace(settings, seed=seed)


# --- single point of access ----------------------------------------------------------------------

def first_yes_probability(p_yes: float, asks: int) -> float:
    """Chance of at least one yes in ``asks`` independent asks: 1 - (1 - p) ** k (assumption 8).

    >>> first_yes_probability(0.5, 2)
    0.75
    >>> round(first_yes_probability(0.3, 6), 4)
    0.8824
    """
    _require_number(p_yes, "the chance a PCN says yes", 0.0, 1.0)
    _require_whole(asks, "the number of asks", 0, MAX_PCNS)
    if asks == 0 or p_yes == 0:
        return 0.0
    if p_yes == 1:
        return 1.0
    # Written as -expm1(k log(1 - p)) so that a tiny p does not vanish in 1 - (1 - p) ** k.
    return -math.expm1(asks * math.log1p(-float(p_yes)))


def expected_asks(p_yes: float, pcns: int) -> float:
    """Expected asks until the first yes when up to ``pcns`` PCNs may be asked (assumption 8).

    >>> expected_asks(0.5, 2), expected_asks(0.0, 6), expected_asks(1.0, 6)
    (1.5, 6.0, 1.0)
    """
    _require_number(p_yes, "the chance a PCN says yes", 0.0, 1.0)
    _require_whole(pcns, "the number of PCNs", 1, MAX_PCNS)
    q = 1.0 - float(p_yes)
    # The sum itself, term by term: (1 - q ** n) / p cancels badly when p is tiny.
    return math.fsum(q ** j for j in range(pcns))


def asks_table(p_yes: float, pcns: int) -> list[dict]:
    """One row per ask 1..pcns as the system works down the PCNs.

    Columns: asks; chance_first_yes_here (the first yes comes at exactly this ask, p(1-p)^(k-1));
    chance_yes_by_then (1 - (1-p)^k); expected_asks_up_to_here (expected asks if the system may ask
    up to this many PCNs); expected_asks_if_all_may_be_asked (the same for all ``pcns``, one value
    repeated on every row).
    """
    _require_number(p_yes, "the chance a PCN says yes", 0.0, 1.0)
    _require_whole(pcns, "the number of PCNs", 1, MAX_PCNS)
    p, q = float(p_yes), 1.0 - float(p_yes)
    every = expected_asks(p, pcns)
    return [{
        "asks": k,
        "chance_first_yes_here": p * q ** (k - 1),
        "chance_yes_by_then": first_yes_probability(p, k),
        "expected_asks_up_to_here": expected_asks(p, k),
        "expected_asks_if_all_may_be_asked": every,
    } for k in range(1, pcns + 1)]


def simulate_first_yes(p_yes: float, asks: int, trials: int, seed: int) -> float:
    """Monte Carlo cross-check: share of ``trials`` with at least one yes in ``asks`` asks."""
    _require_number(p_yes, "the chance a PCN says yes", 0.0, 1.0)
    _require_whole(asks, "the number of asks", 0, MAX_PCNS)
    _require_whole(trials, "the number of trials", 1, MAX_TRIALS)
    _require_seed(seed)
    rng, hits, done = np.random.default_rng(seed), 0, 0
    while done < trials:
        n = min(100_000, trials - done)
        hits += int((rng.random((n, asks)) < p_yes).any(axis=1).sum())
        done += n
    return hits / trials


@dataclass(frozen=True)
class AccessComparison:
    p_yes: float  # chance one PCN says yes to a system approach
    pcns: int  # PCNs the system may ask in turn
    gate_yes: float  # chance the single point of access says yes
    shopping_yes: float  # chance the system gets a yes by asking PCN after PCN
    gatekeeper_yes: float  # chance of a yes through the door (and any PCN that still answers alone)
    expected_asks: float  # expected PCNs asked while shopping around
    committed: int  # PCNs that send approaches to the door (all of them unless told otherwise)

    @property
    def extra_yes(self) -> float:
        """How much more likely a yes is by shopping around than through the front door."""
        return self.shopping_yes - self.gatekeeper_yes

    @property
    def leaks(self) -> int:
        """PCNs that still answer the system for themselves."""
        return self.pcns - self.committed

    def summary(self) -> str:
        """One plain sentence for the app."""
        door = (f"through one front door it gets a yes {self.gatekeeper_yes:.0%} of the time, "
                "from one decision made for all of general practice." if not self.leaks else
                f"through a front door that {self.committed} of the {self.pcns} PCNs use, it gets a yes "
                f"{self.gatekeeper_yes:.0%} of the time, because it can still ask the {self.leaks} that answer alone.")
        return (f"Asking up to {self.pcns} PCNs in turn, the system gets a yes "
                f"{self.shopping_yes:.0%} of the time after {self.expected_asks:.1f} asks on average; " + door)


def door_yes(p_yes: float, pcns: int, committed: int | None = None, gate_yes: float | None = None) -> float:
    """Chance the system gets a yes when ``committed`` of ``pcns`` PCNs send approaches to one door
    (assumptions 9 and 10): 1 - (1 - gate) (1 - p) ** (pcns - committed); no door if none commit.

    >>> door_yes(0.3, 6), round(door_yes(0.3, 6, committed=4), 4), round(door_yes(0.3, 6, committed=0), 4)
    (0.3, 0.657, 0.8824)
    """
    _require_number(p_yes, "the chance a PCN says yes", 0.0, 1.0)
    _require_whole(pcns, "the number of PCNs", 1, MAX_PCNS)
    c = pcns if committed is None else committed
    _require_whole(c, "the number of PCNs that send approaches to the door", 0, pcns)
    gate = float(p_yes) if gate_yes is None else gate_yes
    _require_number(gate, "the chance the single point of access says yes", 0.0, 1.0)
    if c == 0:
        return first_yes_probability(p_yes, pcns)
    if c == pcns:
        return float(gate)
    return 1.0 - (1.0 - float(gate)) * (1.0 - first_yes_probability(p_yes, pcns - c))


def compare_access(p_yes: float, pcns: int, gate_yes: float | None = None,
                   committed: int | None = None) -> AccessComparison:
    """Shopping around against a single point of access (assumptions 8 to 10).

    >>> c = compare_access(0.3, 6)
    >>> round(c.shopping_yes, 3), c.gatekeeper_yes, round(c.expected_asks, 2)
    (0.882, 0.3, 2.94)
    >>> round(compare_access(0.3, 6, committed=4).gatekeeper_yes, 3)
    0.657
    """
    _require_number(p_yes, "the chance a PCN says yes", 0.0, 1.0)
    _require_whole(pcns, "the number of PCNs", 1, MAX_PCNS)
    gate = float(p_yes) if gate_yes is None else gate_yes
    _require_number(gate, "the chance the single point of access says yes", 0.0, 1.0)
    c = pcns if committed is None else committed
    return AccessComparison(float(p_yes), int(pcns), float(gate), first_yes_probability(p_yes, pcns),
                            door_yes(p_yes, pcns, c, gate), expected_asks(p_yes, pcns), int(c))


# --- checks --------------------------------------------------------------------------------------

def _is_whole(x) -> bool:
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


def _require_whole(x, name: str, lo: int, hi: int) -> None:
    if not _is_whole(x):
        raise DecisionError(f"{name} must be a whole number, not {x!r}")
    if not lo <= x <= hi:
        raise DecisionError(f"{name} must be between {lo} and {hi}, not {x}")


def _require_number(x, name: str, lo: float, hi: float) -> None:
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(x):
        raise DecisionError(f"{name} must be a number, not {x!r}")
    if not lo <= x <= hi:
        raise DecisionError(f"{name} must be between {lo:g} and {hi:g}, not {x:g}")


def _require_seed(seed) -> None:
    if not _is_whole(seed) or seed < 0:
        raise DecisionError(f"the seed must be a whole number, zero or more, not {seed!r}")


def _seed_list(seeds) -> list[int]:
    try:
        out = list(seeds)
    except TypeError:
        raise DecisionError(f"the seeds must be a list of whole numbers, not {seeds!r}") from None
    if not out:
        raise DecisionError("give at least one seed to average over")
    if len(out) > MAX_SEEDS:
        raise DecisionError(f"at most {MAX_SEEDS} seeds can be averaged, not {len(out)}")
    for s in out:
        _require_seed(s)
    return out


def _value_matrix(values, settings: DecisionSettings, needed: int) -> np.ndarray:
    try:
        v = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise DecisionError("the proposal values must be a table of numbers") from None
    if v.ndim != 2 or v.shape[1] != settings.practices:
        raise DecisionError(
            f"the proposal values need one column per practice ({settings.practices}), "
            f"one row per proposal; got shape {v.shape}")
    if v.shape[0] < needed:
        raise DecisionError(f"{needed} proposals are needed for {settings.meetings} meetings, "
                            f"but only {v.shape[0]} were given")
    if not np.isfinite(v).all():
        raise DecisionError("every proposal value must be a number (no blanks or infinities)")
    return v


def _draw_matrix(draws, settings: DecisionSettings) -> np.ndarray:
    try:
        u = np.asarray(draws, dtype=float)
    except (TypeError, ValueError):
        raise DecisionError("the rogue draws must be a table of numbers between 0 and 1") from None
    if u.ndim != 2 or u.shape[0] < settings.meetings or u.shape[1] != settings.practices:
        raise DecisionError(f"the rogue draws need {settings.meetings} rows and {settings.practices} columns; "
                            f"got shape {u.shape}")
    if not (np.isfinite(u).all() and (u >= 0).all() and (u <= 1).all()):
        raise DecisionError("every rogue draw must be a number between 0 and 1")
    return u
