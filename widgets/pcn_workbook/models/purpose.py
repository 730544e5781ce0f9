"""What is a PCN for? The purpose compass, the purpose statement, readiness and the reasons sort.

Sources:

* Ben Gowland, "What is a Primary Care Network for?", The General Practice Blog (Ockham
  Healthcare): two focuses for practices working together around 30,000-50,000 people. Inward:
  keeping core general practice viable (new roles, demand managed together, back-office
  efficiency, new technology; Granta Medical Practices). Outward: the local community's health
  (prevention, wider determinants, health and social care joined up; Dr Steph Coughlin and
  colleagues in City and Hackney). Not either/or: early gains for the practices can lead on to
  the wider change.
* Primary Care Commissioning, "Cheshire takes its own steps to primary care at scale" (8 May
  2017): Dr Mike Smith's three questions (what exactly is the collaboration for; is that purpose
  shared by everyone; how is it captured and how will everyone be held to it); the reasons
  federations "go bust"; Dr Phil Yates's nine considerations and "the pace of the slowest".
* Becky Malby, "Primary Care & Scale. Who should we be collaborating with?" (2018): the
  readiness stage, the foundations practices need before they collaborate.

Four pieces, each pure (no ipywidgets, no altair) and deterministic:

1. Compass. A placement is two scores from 0 to 10, inward and outward: the learner's (or the
   room's) judgement, not a measurement. A room's summary gives its centre (the mean of each
   axis), its spread (the population standard deviation of each axis, and the mean Euclidean
   distance from the centre), and, per PCN, every pairwise distance between its practices' views
   and the two furthest apart: how far apart one network's members stand is the conversation.
2. Statement. A one-line purpose statement is checked against Smith's three questions by
   looking for cue words (``CUES``). The cues are ILLUSTRATIVE, the workbook's own and
   transparent: a statement can meet a question without them or use them emptily, so the check
   prompts a discussion and never grades one.
3. Readiness. Each practice scores each item 1-4. Per item: mean, min, max, range and population
   standard deviation. The widest disagreement is the items with the largest range (ties broken
   by the larger SD). "The pace of the slowest" (Yates: a group moves at the pace of its slowest
   member) reads each item at its minimum; overall, it is the mean of those minima, beside the
   mean of every score.
4. Reasons sort. A learner sorts reasons for forming a federation or PCN into sound and unsound;
   each is compared with the verdict of the source and gets its one-line why.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations
from numbers import Real

# --- compass -------------------------------------------------------------------------------------

AXIS_MIN, AXIS_MAX = 0.0, 10.0  # both axes of the compass
# ILLUSTRATIVE: where the compass's reading of a placement changes (the middle of each axis).
MIDPOINT = 5.0
AXES = {
    "inward": "Inward: keeping core general practice viable (new roles, demand managed together, "
              "back office, technology)",
    "outward": "Outward: the local community's health (prevention, wider determinants, health and "
               "social care joined up)",
}


class PurposeError(ValueError):
    """An answer the purpose model cannot use, with a message a participant can act on."""


@dataclass(frozen=True)
class Placement:
    """One view of a PCN's purpose on the compass: who placed it, their PCN ("" if none), the scores."""

    who: str
    inward: float
    outward: float
    pcn: str = ""


def _score(value, name: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise PurposeError(f"{name} must be a number from {low:g} to {high:g}, not {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise PurposeError(f"{name} must be a number from {low:g} to {high:g}, not {value!r}")
    if not low <= number <= high:
        raise PurposeError(f"{name} must be from {low:g} to {high:g}; {number:g} is outside the compass")
    return number


def placement(who: str, inward, outward, pcn: str = "") -> Placement:
    """A checked :class:`Placement` (inward and outward each from 0 to 10).

    >>> placement("Dr Patel", 7, 3.5, pcn="North")
    Placement(who='Dr Patel', inward=7.0, outward=3.5, pcn='North')
    >>> placement("Dr Patel", 11, 3)
    Traceback (most recent call last):
    ...
    pcn_workbook.models.purpose.PurposeError: inward must be from 0 to 10; 11 is outside the compass
    """
    if not isinstance(who, str) or not who.strip():
        raise PurposeError("each placement needs a name (who placed it)")
    if not isinstance(pcn, str):
        raise PurposeError(f"the PCN must be text, not {pcn!r}")
    return Placement(who.strip(), _score(inward, "inward", AXIS_MIN, AXIS_MAX),
                     _score(outward, "outward", AXIS_MIN, AXIS_MAX), pcn.strip())


def reading(inward: float, outward: float) -> str:
    """Which way a placement leans, in words (the threshold ``MIDPOINT`` is illustrative).

    >>> reading(8, 2), reading(2, 8), reading(7, 7), reading(2, 3)
    ('mostly inward', 'mostly outward', 'both inward and outward', 'neither yet')
    """
    inward = _score(inward, "inward", AXIS_MIN, AXIS_MAX)
    outward = _score(outward, "outward", AXIS_MIN, AXIS_MAX)
    high_in, high_out = inward >= MIDPOINT, outward >= MIDPOINT
    if high_in and high_out:
        return "both inward and outward"
    if high_in:
        return "mostly inward"
    if high_out:
        return "mostly outward"
    return "neither yet"


def distance(a: Placement, b: Placement) -> float:
    """Straight-line distance between two placements, in compass points (0 to about 14.1).

    >>> distance(placement("a", 1, 1), placement("b", 4, 5))
    5.0
    """
    return math.hypot(a.inward - b.inward, a.outward - b.outward)


@dataclass(frozen=True)
class PcnSpread:
    """How far apart the views of one PCN's members stand.

    ``pairs`` holds every pair (who, who, distance), furthest first; ``furthest`` the first of them
    (None with fewer than two members); ``mean_distance`` and ``max_distance`` are 0 then.
    """

    pcn: str
    count: int
    centre: tuple[float, float]
    pairs: tuple[tuple[str, str, float], ...]
    mean_distance: float
    max_distance: float
    furthest: tuple[str, str, float] | None


@dataclass(frozen=True)
class CompassSummary:
    """A room's placements summarised (see :func:`summarise_room`)."""

    count: int
    centre: tuple[float, float]  # (mean inward, mean outward)
    sd: tuple[float, float]  # population SD of inward and of outward
    mean_distance_from_centre: float
    furthest: tuple[str, str, float] | None  # the two furthest apart in the whole room
    pcns: tuple[PcnSpread, ...]  # PCNs with a name, widest spread first

    def pcn(self, name: str) -> PcnSpread:
        """The spread of one named PCN."""
        for spread in self.pcns:
            if spread.pcn == name:
                return spread
        known = ", ".join(s.pcn for s in self.pcns) or "none"
        raise PurposeError(f"no placements for the PCN '{name}' (PCNs in the room: {known})")


def _checked(placements: Iterable[Placement]) -> tuple[Placement, ...]:
    items = tuple(placements)
    for p in items:
        if not isinstance(p, Placement):
            raise PurposeError(f"expected placements made with placement(...), not {p!r}")
        placement(p.who, p.inward, p.outward, p.pcn)  # re-check: a dataclass can be built unchecked
    return items


def _centre(items: tuple[Placement, ...]) -> tuple[float, float]:
    return (math.fsum(p.inward for p in items) / len(items), math.fsum(p.outward for p in items) / len(items))


def _pairs(items: tuple[Placement, ...]) -> tuple[tuple[str, str, float], ...]:
    pairs = [(a.who, b.who, distance(a, b)) for a, b in combinations(items, 2)]
    return tuple(sorted(pairs, key=lambda t: (-t[2], t[0], t[1])))


def pcn_spread(placements: Iterable[Placement], pcn: str) -> PcnSpread:
    """Every pairwise distance between the placements of one PCN, and the two furthest apart.

    >>> views = [placement("A", 8, 2, "North"), placement("B", 2, 8, "North"), placement("C", 5, 5, "North")]
    >>> s = pcn_spread(views, "North")
    >>> s.furthest[:2], round(s.max_distance, 2), s.centre
    (('A', 'B'), 8.49, (5.0, 5.0))
    """
    members = tuple(p for p in _checked(placements) if p.pcn == pcn)
    if not members:
        raise PurposeError(f"no placements for the PCN '{pcn}'")
    pairs = _pairs(members)
    mean = math.fsum(d for *_, d in pairs) / len(pairs) if pairs else 0.0
    return PcnSpread(pcn, len(members), _centre(members), pairs, mean,
                     pairs[0][2] if pairs else 0.0, pairs[0] if pairs else None)


def summarise_room(placements: Iterable[Placement]) -> CompassSummary:
    """Centre, spread and the per-PCN distances of a room's placements.

    >>> room = [placement("A", 8, 2, "North"), placement("B", 6, 4, "North"), placement("C", 2, 8, "South")]
    >>> s = summarise_room(room)
    >>> s.count, s.centre, [p.pcn for p in s.pcns], s.furthest[:2]
    (3, (5.333333333333333, 4.666666666666667), ['North', 'South'], ('A', 'C'))
    """
    items = _checked(placements)
    if not items:
        raise PurposeError("no placements yet: the room's summary needs at least one")
    ci, co = _centre(items)
    sd_in = math.sqrt(math.fsum((p.inward - ci) ** 2 for p in items) / len(items))
    sd_out = math.sqrt(math.fsum((p.outward - co) ** 2 for p in items) / len(items))
    from_centre = math.fsum(math.hypot(p.inward - ci, p.outward - co) for p in items) / len(items)
    pairs = _pairs(items)
    names = sorted({p.pcn for p in items if p.pcn})
    spreads = sorted((pcn_spread(items, n) for n in names), key=lambda s: (-s.max_distance, s.pcn))
    return CompassSummary(len(items), (ci, co), (sd_in, sd_out), from_centre,
                          pairs[0] if pairs else None, tuple(spreads))


# --- purpose statement ---------------------------------------------------------------------------

QUESTIONS = ("what_for", "shared", "held_to")  # Smith's three questions, in his order
MAX_CHARS = 240  # one line on a projector or a card
MIN_WORDS = 4  # fewer words cannot say what a network is for
# ILLUSTRATIVE: the workbook's own cue words for each question (lower case, whole words or
# phrases). A statement meets a question when it holds at least one cue. Transparent on purpose.
CUES: dict[str, tuple[str, ...]] = {
    "what_for": ("so that", "in order to", "to improve", "to keep", "to reduce", "to make", "to give",
                 "to help", "to support", "to share", "to sustain", "to prevent", "to move", "to offer",
                 "to free", "to build", "to provide", "to bring", "to join", "aim", "aims", "purpose",
                 "goal", "for our patients", "for our community", "for local people"),
    "shared": ("we", "our", "us", "all", "every practice", "each practice", "together", "jointly",
               "shared", "agreed", "all practices", "the practices", "partners", "everyone", "every member"),
    "held_to": ("measure", "measured", "measuring", "track", "tracked", "review", "reviewed", "report",
                "reported", "check", "checked", "target", "by 20", "each year", "every year", "every month",
                "each month", "every quarter", "each quarter", "within", "count", "written", "signed",
                "hold", "held", "account", "accountable", "charter", "ground rules", "per cent", "%"),
}
# What to add when a question is not met yet (the workbook's words).
HINTS = {
    "what_for": "Say what the network is for: the change it will make and for whom (for example "
                "'so that ...' or 'to keep ...').",
    "shared": "Say who holds the purpose: all the practices, 'we', the partners, everyone in the network.",
    "held_to": "Say how you will capture it and hold each other to it: a measure, a date or a regular review.",
}
_TOKEN = re.compile(r"[a-z0-9%]+")


@dataclass(frozen=True)
class QuestionCheck:
    question: str  # a key of QUESTIONS
    met: bool
    cues: tuple[str, ...]  # the cue words found, in CUES order
    reason: str  # why it is met, or what to add


@dataclass(frozen=True)
class StatementCheck:
    """The check of one statement. ``error`` is a plain message when the statement cannot be checked
    (empty, too short, too long); the three questions are then all "not yet"."""

    statement: str  # tidied: one line, single spaces
    error: str | None
    checks: tuple[QuestionCheck, ...]

    @property
    def met(self) -> int:
        """How many of the three questions the statement meets."""
        return sum(c.met for c in self.checks)

    def check(self, question: str) -> QuestionCheck:
        for c in self.checks:
            if c.question == question:
                return c
        raise PurposeError(f"unknown question '{question}'; known: {', '.join(QUESTIONS)}")


def _tokens(text: str) -> str:
    text = text.lower().replace("\u2019", "'").replace("'", "")
    return " " + " ".join(_TOKEN.findall(text)) + " "


def tidy_statement(text: str) -> str:
    """One line with single spaces, control characters removed.

    >>> tidy_statement("  We aim\\n to keep   practices open. ")
    'We aim to keep practices open.'
    """
    if not isinstance(text, str):
        raise PurposeError(f"a purpose statement must be text, not {type(text).__name__}")
    cleaned = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(cleaned.split())


def check_statement(text: str) -> StatementCheck:
    """Check a one-line purpose statement against Smith's three questions (cue words: ``CUES``).

    Never raises for text (any string gets a result; ``error`` says why one cannot be checked);
    raises :class:`PurposeError` only when given something that is not text.

    >>> r = check_statement("All five practices will work together to keep care close to home, "
    ...                     "reviewed every quarter.")
    >>> r.error, r.met, [c.met for c in r.checks]
    (None, 3, [True, True, True])
    >>> check_statement("Care.").error
    'Too short to check: write at least 4 words (this has 1).'
    """
    line = tidy_statement(text)
    words = len(_TOKEN.findall(line.lower()))
    error = None
    if not line:
        error = "The statement is empty: write one line on what your network is for."
    elif len(line) > MAX_CHARS:
        error = f"Too long for one line: {len(line)} characters; keep it to {MAX_CHARS}."
    elif words < MIN_WORDS:
        error = f"Too short to check: write at least {MIN_WORDS} words (this has {words})."
    if error:
        checks = tuple(QuestionCheck(q, False, (), HINTS[q]) for q in QUESTIONS)
        return StatementCheck(line, error, checks)
    said = _tokens(line)
    checks = []
    for q in QUESTIONS:
        found = tuple(c for c in CUES[q] if _tokens(c) in said or (c == "%" and "%" in line))
        if found:
            shown = ", ".join(f"'{c}'" for c in found[:3])
            checks.append(QuestionCheck(q, True, found, f"Met: the statement says {shown}."))
        else:
            checks.append(QuestionCheck(q, False, (), f"Not yet. {HINTS[q]}"))
    return StatementCheck(line, None, tuple(checks))


# --- readiness -----------------------------------------------------------------------------------

SCORE_MIN, SCORE_MAX = 1, 4
LEVELS = {1: "not started", 2: "beginning", 3: "mostly in place", 4: "established"}


@dataclass(frozen=True)
class ItemSpread:
    """One item across the practices: the mean, the lowest and highest score, range and population SD,
    and the practices at the lowest score (the ones the group waits for)."""

    item: str
    count: int
    mean: float
    min: int
    max: int
    range: int
    sd: float
    slowest: tuple[str, ...]


@dataclass(frozen=True)
class ReadinessSummary:
    """A network's readiness (see :func:`summarise_readiness`). ``items`` are in the order given."""

    practices: tuple[str, ...]
    items: tuple[ItemSpread, ...]
    overall_mean: float  # mean of every score
    pace_of_slowest: float  # mean over items of each item's lowest score
    practice_means: dict[str, float]
    slowest_practice: str  # lowest mean (first in order on a tie)

    def item(self, key: str) -> ItemSpread:
        for spread in self.items:
            if spread.item == key:
                return spread
        raise PurposeError(f"unknown readiness item '{key}'")

    def widest(self, count: int = 3) -> tuple[ItemSpread, ...]:
        """The ``count`` items the practices disagree about most: largest range, then larger SD,
        then the order given."""
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise PurposeError(f"count must be a whole number of items, 1 or more, not {count!r}")
        order = sorted(range(len(self.items)), key=lambda i: (-self.items[i].range, -self.items[i].sd, i))
        return tuple(self.items[i] for i in order[:count])


def check_scores(scores: Mapping[str, Mapping[str, int]], items: Iterable[str] | None = None
                 ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Check practice -> item -> score (whole numbers 1-4, every practice scoring every item).

    Returns (practices, items) in order: ``items`` as given, else in the order the first practice
    lists them. Raises :class:`PurposeError` listing every problem.
    """
    if not isinstance(scores, Mapping) or not scores:
        raise PurposeError("no scores yet: each practice needs to score every item")
    practices = tuple(scores)
    first = scores[practices[0]]
    if not isinstance(first, Mapping):
        raise PurposeError(f"the scores of '{practices[0]}' must map each item to a score")
    order = tuple(items) if items is not None else tuple(first)
    if not order:
        raise PurposeError("there are no readiness items to score")
    known, problems = set(order), []
    for practice in practices:
        if not isinstance(practice, str) or not practice.strip():
            problems.append(f"every practice needs a name, not {practice!r}")
            continue
        given = scores[practice]
        if not isinstance(given, Mapping):
            problems.append(f"the scores of '{practice}' must map each item to a score")
            continue
        missing = [i for i in order if i not in given]
        if missing:
            problems.append(f"'{practice}' has not scored: {', '.join(missing)}")
        extra = [str(i) for i in given if i not in known]
        if extra:
            problems.append(f"'{practice}' scored unknown items: {', '.join(extra)}")
        for item in order:
            if item not in given:
                continue
            value = given[item]
            if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)) \
                    or float(value) != int(value) or not SCORE_MIN <= value <= SCORE_MAX:
                problems.append(f"'{practice}', {item}: the score must be a whole number from "
                                f"{SCORE_MIN} to {SCORE_MAX}, not {value!r}")
    if problems:
        raise PurposeError("; ".join(problems))
    return practices, order


def summarise_readiness(scores: Mapping[str, Mapping[str, int]], items: Iterable[str] | None = None
                        ) -> ReadinessSummary:
    """Per-item spread, the widest disagreement and the pace of the slowest.

    >>> s = summarise_readiness({"A": {"vision": 4, "data": 3}, "B": {"vision": 1, "data": 3},
    ...                          "C": {"vision": 2, "data": 1}})
    >>> v = s.item("vision")
    >>> v.mean, v.min, v.max, v.range, v.slowest
    (2.3333333333333335, 1, 4, 3, ('B',))
    >>> s.widest(1)[0].item, s.pace_of_slowest, s.slowest_practice
    ('vision', 1.0, 'C')
    """
    practices, order = check_scores(scores, items)
    spreads = []
    for item in order:
        values = [int(scores[p][item]) for p in practices]
        mean = math.fsum(values) / len(values)
        sd = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / len(values))
        low, high = min(values), max(values)
        slowest = tuple(p for p in practices if int(scores[p][item]) == low)
        spreads.append(ItemSpread(item, len(values), mean, low, high, high - low, sd, slowest))
    every = [int(scores[p][i]) for p in practices for i in order]
    means = {p: math.fsum(int(scores[p][i]) for i in order) / len(order) for p in practices}
    slowest_practice = min(practices, key=lambda p: (means[p], practices.index(p)))
    return ReadinessSummary(practices, tuple(spreads), math.fsum(every) / len(every),
                            math.fsum(s.min for s in spreads) / len(spreads), means, slowest_practice)


# --- reasons sort --------------------------------------------------------------------------------

VERDICTS = ("sound", "unsound")


@dataclass(frozen=True)
class Reason:
    """A reason for forming a federation or PCN, the source's verdict and the workbook's why."""

    reason: str
    statement: str
    verdict: str
    why: str
    example: str = ""


@dataclass(frozen=True)
class ReasonFeedback:
    reason: str
    statement: str
    chosen: str | None  # None when the learner has not sorted it yet
    verdict: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class SortResult:
    correct: int
    sorted: int  # how many the learner has placed
    total: int
    feedback: tuple[ReasonFeedback, ...]  # in the order of the reasons

    @property
    def complete(self) -> bool:
        return self.sorted == self.total


def score_sort(answers: Mapping[str, str], reasons: Iterable[Reason]) -> SortResult:
    """Compare a learner's sort (reason -> 'sound' or 'unsound') with the sources' verdicts.

    >>> cards = [Reason("money", "To make money", "unsound", "Money is a result, not a purpose."),
    ...          Reason("resilience", "To share a back office", "sound", "It names shared work.")]
    >>> r = score_sort({"money": "sound"}, cards)
    >>> r.correct, r.sorted, r.total, r.feedback[0].feedback
    (0, 1, 2, 'Not quite: the source counts this as unsound. Money is a result, not a purpose.')
    """
    cards = tuple(reasons)
    if not cards:
        raise PurposeError("there are no reasons to sort")
    if not isinstance(answers, Mapping):
        raise PurposeError("the sort must map each reason to 'sound' or 'unsound'")
    keys = [c.reason for c in cards]
    problems = [f"unknown reason '{k}'" for k in answers if k not in keys]
    problems += [f"'{k}': choose 'sound' or 'unsound', not {v!r}" for k, v in answers.items()
                 if k in keys and v is not None and v not in VERDICTS]
    problems += [f"reason '{c.reason}' has verdict {c.verdict!r}; expected 'sound' or 'unsound'"
                 for c in cards if c.verdict not in VERDICTS]
    if problems:
        raise PurposeError("; ".join(problems))
    feedback = []
    for card in cards:
        chosen = answers.get(card.reason)
        if chosen is None:
            text = "Not sorted yet."
        elif chosen == card.verdict:
            text = f"Right: the source counts this as {card.verdict}. {card.why}"
        else:
            text = f"Not quite: the source counts this as {card.verdict}. {card.why}"
        feedback.append(ReasonFeedback(card.reason, card.statement, chosen, card.verdict,
                                       chosen == card.verdict, text))
    return SortResult(sum(f.correct for f in feedback), sum(f.chosen is not None for f in feedback),
                      len(cards), tuple(feedback))
