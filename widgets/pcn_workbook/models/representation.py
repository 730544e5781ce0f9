"""Representation: one seat for general practice at the system's table, and ways of filling it.

Source: Ben Gowland, "Getting Representation Right", The General Practice Blog (Ockham
Healthcare). The mechanisms are his: a GP who agrees something in a meeting without the rest of
general practice having agreed it is giving a view, not representing; much of the system's
decision making happens in the relationships between the people at the table, so one or two key
people build more influence than a different GP each time; where representation is spread out, one
or two leads should brief the representatives and hear back from them; a rigid framework of what a
representative may agree leaves them unable to agree what others in the room can, so the process is
better built on trust with a regular review; and the two usual failures are reporting back (which,
when it fails, erodes trust until representation can collapse) and carrying out the actions agreed
(which needs management or admin support). Lack of time is behind both failures.

EVERYTHING NUMERIC HERE IS ILLUSTRATIVE: the mechanisms are Gowland's, the numbers are ours. No
study measures the influence of a representative. The model exists to show which way each choice
pushes, and to let a group argue about the numbers.

Assumptions, numbered:

1. Meetings. The system holds ``meetings`` meetings. At each, something that matters to general
   practice is settled, worth up to one unit of influence (arbitrary units).
2. Who goes. ``people`` GPs share the seat and take turns in order: meeting t (from 1) is
   attended by person (t - 1) mod people. One or two people is Gowland's preference; a long rota
   spreads the load of meetings.
3. Relationships. A representative who has been to n of these meetings before reaches
   (n + 1) / (n + 1 + ramp) of the full influence (``ramp`` = 3: a quarter at a first meeting, 0.57
   at a fourth, 0.77 at a tenth).
4. Whom they speak for. A representative briefed by a lead before the meeting (and debriefed
   after it) carries general practice's agreed position. Unbriefed, they give their own view,
   which matches what local general practice wants with chance ``view_match`` (0.5); when it
   does not, the meeting gains general practice nothing.
5. The mandate. ``"none"``: nothing was agreed about what they may sign up to, so they can agree
   anything in the room and overstep (agree what general practice would not have) with chance
   ``overstep`` (0.2) at every meeting. ``"rigid"``: a prescribed framework; they may agree only
   what it foresaw, chance ``foreseen`` (0.4) per meeting, and the rest goes back to the group and
   is settled without general practice; they never overstep. ``"review"``: built on trust, with a
   review by the group every ``review_every`` (4) meetings; as ``"none"``, but each review held so
   far halves the chance of overstepping. An overstep costs what the meeting was worth (its
   influence, counted negative).
6. Following through. What was agreed is kept only if the actions are carried out. With admin
   support that happens with chance ``supported`` (0.95); without, with chance
   ``busy_base - busy_load * load``, where load = 1 / people is the share of the meetings one
   person carries (0.8 - 0.3 load: 0.5 for one person alone, 0.65 for two, 0.75 for six).
7. Reporting back. After each meeting the representative reports back with the same chances:
   ``supported`` with an agreed process for it, otherwise ``busy_base - busy_load * load``. The
   group's trust in its representation starts at 1, rises by ``trust_up`` (0.05, to at most 1)
   after a report and falls by ``trust_down`` (0.15) after a meeting nobody reported. If it falls
   below ``collapse`` (0.4) the representation collapses for good: from the next meeting everyone
   goes for themselves again and the seat gains general practice nothing.
8. Randomness. Four uniform numbers per meeting are drawn up front from ``seed`` (the view, the
   mandate, the actions, the report). Every way of working is run on the same numbers, so a
   comparison shows the way of working, not luck.

With the defaults, over 24 meetings and 40 seeds: Gowland's advice (two key people, briefed,
reviewed, a process for reporting back, admin support) keeps about 13 of the 24 units, most of the
rest being relationships still building; whoever volunteers (a rota of six, no brief, nothing
agreed, no process, no support) keeps about 2, because half its meetings carry only a personal view,
and in about one run in five its representation has collapsed by the end. A rota spreads the load
(assumptions 6 and 7) but builds relationships slowly (assumption 3): that is the trade-off the
essay names. See ``compare_over_seeds`` and ``outcome_means``; tests/unit/test_representation.py
pins these figures.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

NONE, RIGID, REVIEW = "none", "rigid", "review"
MANDATES = {
    NONE: "Nothing agreed",
    RIGID: "A rigid mandate",
    REVIEW: "Trust, reviewed regularly",
}
# What happened at a meeting, in the order the model checks (assumptions 4-7).
OUTCOMES = {
    "kept": "carried general practice's position, and it stuck",
    "view": "was only a personal view",
    "outside": "fell outside the mandate, so the room went on without general practice",
    "overstep": "overstepped: agreed something general practice would not have",
    "dropped": "was agreed but the actions were never done",
    "collapsed": "came after representation had collapsed",
}
PEOPLE_RANGE = (1, 12)
MEETINGS_RANGE = (1, 100)
MAX_SEEDS = 1_000

CAVEAT = (
    "Illustrative only: a thinking aid, not evidence. The chances of overstepping, reporting back and "
    "following through, and how fast relationships build, are the workbook's own assumptions; the "
    "mechanisms are Gowland's (Getting Representation Right)."
)


class RepresentationError(ValueError):
    """A representation question the model cannot answer, with a message a facilitator can act on."""


@dataclass(frozen=True)
class RepresentationSettings:
    meetings: int = 24  # system meetings in the period (say two a month for a year)
    people: int = 6  # GPs taking turns in the seat, 1..12
    briefed: bool = False  # a lead briefs the representative beforehand and hears back after
    mandate: str = NONE  # "none", "rigid" or "review"
    report_process: bool = False  # an agreed process makes sure every meeting is reported back
    admin_support: bool = False  # management or admin support sees the actions through
    seed: int = 0
    # The illustrative constants of assumptions 3-7.
    ramp: float = 3.0
    view_match: float = 0.5
    overstep: float = 0.2
    foreseen: float = 0.4
    review_every: int = 4
    supported: float = 0.95
    busy_base: float = 0.8
    busy_load: float = 0.3
    trust_up: float = 0.05
    trust_down: float = 0.15
    collapse: float = 0.4

    def validate(self) -> None:
        """Raise RepresentationError with a plain message if any setting is out of range."""
        _require_whole(self.meetings, "the number of meetings", *MEETINGS_RANGE)
        _require_whole(self.people, "the number of GPs sharing the seat", *PEOPLE_RANGE)
        for name in ("briefed", "report_process", "admin_support"):
            if not isinstance(getattr(self, name), bool):
                raise RepresentationError(f"'{name.replace('_', ' ')}' must be yes or no, not {getattr(self, name)!r}")
        if self.mandate not in MANDATES:
            raise RepresentationError(f"the mandate must be one of {', '.join(MANDATES)}, not {self.mandate!r}")
        _require_seed(self.seed)
        _require_number(self.ramp, "the meetings it takes to build relationships", 0.0, 100.0)
        for name in ("view_match", "overstep", "foreseen", "supported", "busy_base", "busy_load",
                     "trust_up", "trust_down", "collapse"):
            _require_number(getattr(self, name), name.replace("_", " "), 0.0, 1.0)
        _require_whole(self.review_every, "the meetings between reviews", 1, MEETINGS_RANGE[1])
        if self.busy_load > self.busy_base:
            raise RepresentationError("busy load cannot be more than busy base: a chance would fall below 0")

    def influence(self, attended_before: int) -> float:
        """Share of the full influence a representative reaches after ``attended_before`` meetings
        (assumption 3).

        >>> s = RepresentationSettings()
        >>> [round(s.influence(n), 2) for n in (0, 3, 9)]
        [0.25, 0.57, 0.77]
        """
        return (attended_before + 1) / (attended_before + 1 + self.ramp)

    @property
    def follow_through(self) -> float:
        """Chance the actions agreed at a meeting are carried out (assumption 6).

        >>> RepresentationSettings(people=1).follow_through, RepresentationSettings(admin_support=True).follow_through
        (0.5, 0.95)
        """
        return self.supported if self.admin_support else self._busy()

    @property
    def report_chance(self) -> float:
        """Chance a meeting is reported back to the group (assumption 7).

        >>> round(RepresentationSettings(people=2).report_chance, 2)
        0.65
        """
        return self.supported if self.report_process else self._busy()

    def _busy(self) -> float:
        return self.busy_base - self.busy_load / self.people

    def overstep_chance(self, meeting: int) -> float:
        """Chance of overstepping at ``meeting`` (from 1) under this mandate (assumption 5).

        >>> s = RepresentationSettings(mandate="review")
        >>> [s.overstep_chance(t) for t in (1, 4, 5, 9)]
        [0.2, 0.2, 0.1, 0.05]
        >>> RepresentationSettings(mandate="rigid").overstep_chance(1)
        0.0
        """
        if self.mandate == RIGID:
            return 0.0
        if self.mandate == NONE:
            return self.overstep
        return self.overstep * 0.5 ** ((meeting - 1) // self.review_every)


# Two ways of working to compare against the reader's own (assumption-free labels, Gowland's words).
VOLUNTEERS = RepresentationSettings()
ADVICE = RepresentationSettings(people=2, briefed=True, mandate=REVIEW, report_process=True, admin_support=True)


def draws(settings: RepresentationSettings) -> np.ndarray:
    """Uniform numbers in [0, 1), shape (meetings, 4): view, mandate, actions, report (assumption 8)."""
    settings.validate()
    return _draws(settings)


def _draws(settings: RepresentationSettings) -> np.ndarray:
    return np.random.default_rng(settings.seed).random(size=(settings.meetings, 4))


@dataclass(frozen=True)
class RepresentationRun:
    settings: RepresentationSettings
    rows: tuple[dict, ...]  # one per meeting: meeting, person, influence, outcome, value, total, trust, collapsed

    @property
    def total(self) -> float:
        return self.rows[-1]["total"] if self.rows else 0.0

    def counts(self) -> dict[str, int]:
        """Meetings by outcome, every outcome present (zeros included), in OUTCOMES order."""
        out = dict.fromkeys(OUTCOMES, 0)
        for r in self.rows:
            out[r["outcome"]] += 1
        return out


def run(settings: RepresentationSettings) -> RepresentationRun:
    """One period of meetings with this way of working, on the seeded draws (assumptions 1-8)."""
    settings.validate()
    return _simulate(_draws(settings), settings)


def run_on(u, settings: RepresentationSettings) -> RepresentationRun:
    """The same on given draws (rows = meetings, columns = view, mandate, actions, report).

    >>> s = RepresentationSettings(meetings=3, people=1, briefed=True, mandate="rigid")
    >>> u = [[0.9, 0.1, 0.1, 0.1], [0.9, 0.9, 0.1, 0.9], [0.9, 0.1, 0.9, 0.9]]
    >>> [(r["outcome"], round(r["value"], 3), round(r["trust"], 2)) for r in run_on(u, s).rows]
    [('kept', 0.25, 1.0), ('outside', 0.0, 0.85), ('dropped', 0.0, 0.7)]
    """
    settings.validate()
    return _simulate(_draw_matrix(u, settings), settings)


def _simulate(u: np.ndarray, settings: RepresentationSettings) -> RepresentationRun:
    """``run_on`` for settings already checked and draws of the right shape: one seed's column of
    ``_play``, as rows."""
    played = _play(u[:, None, :], settings)
    people = settings.people
    rows = tuple(
        {"meeting": t + 1, "person": t % people + 1, "influence": weight, "outcome": OUTCOME_NAMES[code],
         "value": value, "total": total, "trust": trust, "collapsed": collapsed}
        for t, (weight, code, value, total, trust, collapsed) in enumerate(zip(
            played.weight[:, 0].tolist(), played.outcome[:, 0].tolist(), played.value[:, 0].tolist(),
            played.total[:, 0].tolist(), played.trust[:, 0].tolist(), played.collapsed[:, 0].tolist()))
    )
    return RepresentationRun(settings, rows)


def compare_over_seeds(ways: Mapping[str, RepresentationSettings], seeds: Iterable[int] = range(40)) -> list[dict]:
    """Per way of working and meeting, the mean over seeds of the running total, the trust and the
    share of runs in which representation has collapsed (``settings.seed`` is replaced by each seed;
    every way runs on the same draws for a seed). Rows come way by way, in the mapping's order.
    """
    seeds = _seed_list(seeds)
    if not ways:
        raise RepresentationError("give at least one way of working to compare")
    meetings = {s.meetings for s in ways.values()}
    if len(meetings) != 1:
        raise RepresentationError("every way of working must cover the same number of meetings")
    out = []
    for name, settings in ways.items():
        batch = _batch(settings, seeds)
        for t in range(settings.meetings):
            out.append({"way": name, "meeting": t + 1, "seeds": len(seeds),
                        "total": math.fsum(batch.total[t].tolist()) / len(seeds),
                        "trust": math.fsum(batch.trust[t].tolist()) / len(seeds),
                        "collapsed": int(batch.collapsed[t].sum()) / len(seeds)})
    return out


def outcome_means(settings: RepresentationSettings, seeds: Iterable[int] = range(40)) -> dict[str, float]:
    """Mean number of meetings with each outcome over seeds (they add up to ``meetings``)."""
    seeds = _seed_list(seeds)
    batch = _batch(settings, seeds)
    counts = np.bincount(batch.outcome.ravel(), minlength=len(OUTCOMES))
    return {k: int(counts[i]) / len(seeds) for i, k in enumerate(OUTCOMES)}


@dataclass(frozen=True)
class _Played:
    """Every seed's run of one way of working at once, meeting by meeting (rows) and seed by seed
    (columns): the representative's influence, the outcome (its index in OUTCOMES), the value it
    kept, the running total, the trust, and whether representation has collapsed. Read only."""

    weight: np.ndarray
    outcome: np.ndarray
    value: np.ndarray
    total: np.ndarray
    trust: np.ndarray
    collapsed: np.ndarray


OUTCOME_NAMES = tuple(OUTCOMES)
_CODE = {name: i for i, name in enumerate(OUTCOME_NAMES)}


def _play(u: np.ndarray, settings: RepresentationSettings) -> _Played:
    """The meetings of assumptions 1-8 for every column of draws ``u`` (meetings x seeds x 4: view,
    mandate, actions, report) at once. The one place the model's rules are written: a single run is
    one column of it, the averages over seeds are all the columns."""
    n, people = u.shape[1], settings.people
    attended = np.zeros((people, n))
    trust, collapsed, total = np.ones(n), np.zeros(n, dtype=bool), np.zeros(n)
    follow, report = settings.follow_through, settings.report_chance
    shape = (settings.meetings, n)
    weights, values, totals, trusts = (np.empty(shape) for _ in range(4))
    collapses, outcomes = np.empty(shape, dtype=bool), np.empty(shape, dtype=np.int64)
    for t in range(1, settings.meetings + 1):
        view, mandate, actions, reported = u[t - 1].T
        person = (t - 1) % people
        before = attended[person]
        weight = (before + 1) / (before + 1 + settings.ramp)  # settings.influence, for every seed
        live = ~collapsed  # a collapsed seat stays collapsed: nothing more is kept, trust stands
        attended[person] = before + live
        code = np.full(n, _CODE["collapsed"])
        value = np.zeros(n)
        rest = live.copy()  # the checks in order (assumptions 4-6): the first that applies decides
        if not settings.briefed:
            hit = rest & (view >= settings.view_match)
            code[hit], rest = _CODE["view"], rest & ~hit
        if settings.mandate == RIGID:
            hit = rest & (mandate >= settings.foreseen)
            code[hit], rest = _CODE["outside"], rest & ~hit
        hit = rest & (mandate < settings.overstep_chance(t))
        code[hit], value[hit], rest = _CODE["overstep"], -weight[hit], rest & ~hit
        hit = rest & (actions >= follow)
        code[hit], rest = _CODE["dropped"], rest & ~hit
        code[rest], value[rest] = _CODE["kept"], weight[rest]
        moved = np.where(reported < report, np.minimum(1.0, trust + settings.trust_up), trust - settings.trust_down)
        trust = np.where(live, moved, trust)
        # so that 1 - 4 x 0.15 counts as 0.4, not below it
        collapsed = np.where(live, trust < settings.collapse - 1e-9, collapsed)
        total = total + value
        weights[t - 1], outcomes[t - 1], values[t - 1] = weight, code, value
        totals[t - 1], trusts[t - 1], collapses[t - 1] = total, trust, collapsed
    played = _Played(weights, outcomes, values, totals, trusts, collapses)
    for array in vars(played).values():
        array.setflags(write=False)
    return played


def _batch(settings: RepresentationSettings, seeds: list[int]) -> _Played:
    """``_play`` over the seeds' draws, remembered for the last ways of working asked for.

    The averages over 40 seeds are what an app step draws; running the seeds one by one cost a
    slider step 8-17 ms, and a batch is small (6 arrays of meetings x seeds), so far more ways
    are kept than whole runs could be. The settings are checked first, on every call, so a value
    that merely compares equal to a remembered one (``True`` for ``1``) is refused as it would be
    uncached.
    """
    settings.validate()
    return _batch_checked(settings, tuple(seeds))


@lru_cache(maxsize=64)
def _batch_checked(settings: RepresentationSettings, seeds: tuple[int, ...]) -> _Played:
    return _play(np.stack([_draws(replace(settings, seed=s)) for s in seeds], axis=1), settings)


# --- checks --------------------------------------------------------------------------------------

def _is_whole(x) -> bool:
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


def _require_whole(x, name: str, lo: int, hi: int) -> None:
    if not _is_whole(x):
        raise RepresentationError(f"{name} must be a whole number, not {x!r}")
    if not lo <= x <= hi:
        raise RepresentationError(f"{name} must be between {lo} and {hi}, not {x}")


def _require_number(x, name: str, lo: float, hi: float) -> None:
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(x):
        raise RepresentationError(f"{name} must be a number, not {x!r}")
    if not lo <= x <= hi:
        raise RepresentationError(f"{name} must be between {lo:g} and {hi:g}, not {x:g}")


def _require_seed(seed) -> None:
    if not _is_whole(seed) or seed < 0:
        raise RepresentationError(f"the seed must be a whole number, zero or more, not {seed!r}")


def _seed_list(seeds) -> list[int]:
    try:
        out = list(seeds)
    except TypeError:
        raise RepresentationError(f"the seeds must be a list of whole numbers, not {seeds!r}") from None
    if not out:
        raise RepresentationError("give at least one seed to average over")
    if len(out) > MAX_SEEDS:
        raise RepresentationError(f"at most {MAX_SEEDS} seeds can be averaged, not {len(out)}")
    for s in out:
        _require_seed(s)
    return out


def _draw_matrix(u, settings: RepresentationSettings) -> np.ndarray:
    try:
        arr = np.asarray(u, dtype=float)
    except (TypeError, ValueError):
        raise RepresentationError("the draws must be a table of numbers between 0 and 1") from None
    if arr.ndim != 2 or arr.shape[0] < settings.meetings or arr.shape[1] != 4:
        raise RepresentationError(f"the draws need {settings.meetings} rows and 4 columns; got shape {arr.shape}")
    if not (np.isfinite(arr).all() and (arr >= 0).all() and (arr <= 1).all()):
        raise RepresentationError("every draw must be a number between 0 and 1")
    return arr
