"""What the room's answers mean: a workshop's submissions run through each chapter's own model.

In a live workshop every participant sends answers from a chapter app to a shared store; the
facilitator's projector shows the ROOM's result, worked out by the chapter's real model rather
than as vote bars. This module turns the room's answers into those results. It is pure: no
widgets, no charts, no store; the same answers (and seed) always give the same result.

Questions and their answers (``payload`` is a plain dict, as stored):

* ``purpose.compass``: ``{"inward": int, "outward": int}``, each a whole number from 0 to 10; the
  role is the participant's PCN group (one of ``PCN_GROUPS``). -> :func:`purpose_compass_room`.
* ``purpose.statement``: ``{"statement": str}``, one line of at most ``purpose.MAX_CHARS``
  characters (moderated). -> :func:`purpose_statements_room`, through ``purpose.check_statement``.
* ``purpose.readiness``: ``{"scores": {item_key: 1-4}}`` for every readiness item.
  -> :func:`purpose_readiness_room`, through ``purpose.summarise_readiness``.
* ``autonomy.votes``: the role is the practice the participant plays;
  ``{"scenario": str, "votes": {change_key: "yes" | "no"}}`` (at least one vote).
  -> :func:`autonomy_room`, through ``models.gainshare``.
* ``scale.placement``: ``{"placement": {function_key: tier_key}}`` (partial allowed, at least one).
  -> :func:`scale_room`, against the sources' tier for each function (``data.scale_functions``).
* ``trust.habit``: ``{"habit": strategy_key, "noise": float in trust.NOISE_RANGE}``.
  -> :func:`trust_room`, through ``models.trust`` (tournament and evolution).
* ``stories.draft``: ``{"draft": {field: text}}`` for the fields of ``stories.Draft``, each at most
  ``stories.MAX_FIELD_CHARS`` characters; ``stories.vote``: ``{"story": submission_id}``.
  -> :func:`stories_room`, through ``models.stories.check``.

Every question has a validator (``validate_purpose_compass``, ``validate_purpose_statement``,
``validate_purpose_readiness``, ``validate_autonomy``, ``validate_scale``, ``validate_trust``,
``validate_stories_draft``, ``validate_stories_vote``; by question id in ``VALIDATORS``) that the
kernel runs before it sends an answer: it returns a clean copy of the payload (unknown top-level
keys dropped) or raises :class:`RoomPayloadError` with a sentence the participant can act on. The
room functions run the same validators over what the store holds and SKIP, never raise on, an
answer that fails, counting it in ``skipped`` with the reason in ``skip_reasons``.

Participants' words (story drafts) stay plain text in every result: nothing here escapes or
formats them, and whoever puts them in HTML must escape them.

Assumptions, named and numbered in ``ASSUMPTIONS`` (the ones marked ILLUSTRATIVE are the
workbook's own readings, not a source's):

Every question
  R1. One answer per participant and question: a participant's later valid answer (later in the
      list, which the store gives in submission order) replaces an earlier one. An answer that
      fails its question's validator is skipped and counted, and does not replace anything.

What is a PCN for? (see ``models.purpose`` for the compass, the statement check and readiness)
  U1. A participant speaks for their own PCN or practice. Their PCN is the group they chose when
      they sent the answer (the role: a letter the facilitator gives each table or network, one of
      ``PCN_GROUPS``); answers with no group are the room's but belong to no PCN.
  U2. Views are never named in a result: each participant is a tag made of their group's letter
      and their place in it by join order (A1, A2, ...; "-1", "-2" without a group), so the
      projector can show who stands apart without saying who.
  U3. Compass: the room's centre, spread and, per PCN, how far apart its members stand, as
      ``purpose.summarise_room`` works them out; the PCN in focus is the one whose two views are
      furthest apart (ties: the first group in order).
  U4. Statements: only those the facilitator approved take part, one per participant (R1), each
      checked with ``purpose.check_statement``, whose cue words are ILLUSTRATIVE.
  U5. Readiness: an answer scores every item 1-4. The room's spread per item is over everyone who
      sent one, each standing for their own practice; the widest disagreement and the pace of the
      slowest are ``purpose.summarise_readiness``'s, for the room and for each PCN with at least
      two members.

The autonomy paradox (see ``models.gainshare`` for the model and its own assumptions 1-6)
  A1. A practice's vote on a change is the majority of the votes its players cast on that change;
      a TIE COUNTS AS NO (a veto needs only one no, so a split practice is not a clear yes).
  A2. A practice nobody plays, or whose players did not vote on a change, votes as the model says
      it would at the room's tolerance: no if running the change group-wide without transfers
      leaves it worse off than going it alone by more than tolerance x list size (gainshare
      assumption 5, exactly the veto regime of ``gainshare.compare``) unless its players' votes on
      other changes already settle it (A4).
  A3. Change by change with vetoes: a change is realised only if no practice votes no AND it pays
      for the whole group (v_c(N) > 0, gainshare assumption 3: a shared service runs only if it
      pays). A change the room agrees that does not pay is not run and adds nothing.
  A4. Votes read as tolerances (ILLUSTRATIVE): the model has practices decide by money and
      tolerance, so a yes says "this practice accepts ending this far behind its outside option"
      and a no says "it refuses to end this far behind". For anything its players did not vote
      on (the bundle, a gainshare offer, a change they skipped) a practice REFUSES if it would end
      at least as far behind as on a change it voted no, ACCEPTS if it ends no further behind than
      on a change it voted yes, and otherwise decides at the room's tolerance (A2). Where its own
      votes disagree (a yes to a bigger loss than a no), the no wins.
  A5. Bundle and gainshare: the arrangements of ``gainshare.compare`` (every change that pays for
      the group, agreed together; then the same bundle with each rule of ``gainshare.RULES``
      sharing the total gain). One refusing practice blocks an arrangement; a blocked one falls
      back as in compare (a gainshare to the bundle, the bundle to the room's vetoes). With no
      answers at all the room's results equal ``compare`` at the room's tolerance.
  A6. Who would leave: practices that, under an arrangement's outcome, end further behind their
      outside option (going it alone) than they accept by A4.

Scale choices
  S1. A partial answer counts for the functions it places. The sources' answer is the tier
      ``datasets/scale_functions.csv`` gives each function.
  S2. Dispute (ours): (1 - largest tier share) / (1 - 1/k) for k tiers, so 0 when everyone who
      placed a function chose the same tier and 1 when they split evenly across all k tiers.
      Functions nobody placed have no dispute and come last; equal disputes keep the file order.

Trust
  T1. One clinical director per participant, playing the habit that participant chose.
  T2. The room's mistake rate is the MEDIAN of the noise values submitted (ours, not Case's): one
      extreme choice cannot swing the whole room, and it is always one of the allowed values.
  T3. At most ``trust.MAX_PLAYERS`` directors: beyond that, the lowest participant ids (the first
      to join) play and the rest are counted as left out.
  T4. Evolution as ``trust.evolve`` (Case's replace-the-worst-with-copies-of-the-best), replacing
      ``replace`` players a generation (Case: 5), cut to half the room when the room is smaller;
      seeded, so the same answers and seed give the same result.
  T5. A participant "holds a surviving habit" when the habit they chose still has players after
      the last generation.

Springboard stories
  P1. Only drafts the facilitator approved are passed in; each is checked by ``stories.check``.
  P2. One story per participant: their draft with the highest submission id. Votes for an earlier
      approved draft of theirs count for that story.
  P3. One vote per participant (R1). Votes for an id that is not an approved story are ignored and
      counted. Voting for one's own story is allowed.
  P4. The leader is the story with the most votes; equal tops are all leaders; no votes, no leader.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from ..lazy import lazy_module
from . import purpose as pu
from . import stories as sto
from . import trust as tr

# The autonomy paradox's model (and numpy with it) only for the autonomy questions: a room page of
# another chapter's app never loads it (8 MB in each participant's kernel).
gs = lazy_module("pcn_workbook.models.gainshare", globals(), "gs")

ASSUMPTIONS: dict[str, dict[str, str]] = {
    "room": {
        "R1": "One answer per participant and question: a later valid answer replaces an earlier one; an answer "
              "that fails its question's check is skipped and counted.",
    },
    "purpose": {
        "U1": "Each participant speaks for their own PCN or practice; their PCN is the group they chose when sending.",
        "U2": "Nobody is named: each view is a tag of its group's letter and its place in the group (A1, A2, ...).",
        "U3": "Compass: the room's centre and spread, and how far apart each PCN's members stand; the PCN in focus "
              "is the one whose views are furthest apart.",
        "U4": "Statements: only approved ones, one each, checked with the chapter's cue words (illustrative).",
        "U5": "Readiness: every item scored 1-4; the spread, widest disagreement and pace of the slowest over the "
              "room, and over each PCN with two or more members.",
    },
    "autonomy": {
        "A1": "A practice's vote is the majority of its players' votes; a tie counts as no.",
        "A2": "A practice nobody plays (or a change its players skipped) votes as the model says at the room's "
              "tolerance: no if the change leaves it worse off than going it alone by more than tolerance x list size.",
        "A3": "A change happens only if no practice votes no and it pays for the whole group.",
        "A4": "Illustrative: each yes is read as a loss the practice accepts, each no as a loss it refuses; the "
              "bundle and each gainshare offer are judged by the same standard (the no wins if votes disagree), "
              "and by the room's tolerance where the votes do not say.",
        "A5": "Bundle and gainshare as in the chapter's model: every change that pays, agreed together, with each "
              "sharing rule; one refusal blocks, and a blocked arrangement falls back (gainshare to bundle, bundle "
              "to the room's vetoes).",
        "A6": "Would leave: a practice that ends further behind going it alone than its votes accept.",
    },
    "scale": {
        "S1": "A partial answer counts for the functions it places; the sources' answer is the tier in the dataset.",
        "S2": "Dispute (ours) = (1 - the largest tier's share) / (1 - 1/number of tiers): 0 when everyone agrees, "
              "1 when the room splits evenly.",
    },
    "trust": {
        "T1": "One clinical director per participant, playing the habit they chose.",
        "T2": "The room's mistake rate is the median of the values sent (ours, not Case's).",
        "T3": f"At most {tr.MAX_PLAYERS} directors: the first to join play.",
        "T4": "Evolution as in the chapter: the worst replaced by copies of the best each generation, seeded.",
        "T5": "A participant holds a surviving habit when the habit they chose still has players at the end.",
    },
    "stories": {
        "P1": "Only approved drafts take part; each is checked with the chapter's springboard checklist.",
        "P2": "One story per participant, their latest approved draft; votes for an earlier draft count for it.",
        "P3": "One vote each; votes for a story that is not on the list are ignored and counted.",
        "P4": "The leader has the most votes; equal tops are all leaders.",
    },
}

QUESTIONS = ("purpose.compass", "purpose.statement", "purpose.readiness", "autonomy.votes", "scale.placement", "trust.habit", "stories.draft", "stories.vote")
YES, NO = "yes", "no"
VOTE_VALUES = (YES, NO)
ROOM, MODEL = "room", "model"  # who decided a practice's vote: its players, or the model (A2)
KEY = re.compile(r"[a-z0-9][a-z0-9_]{0,63}")  # scenario, change, function, tier and habit keys
MAX_ENTRIES = 100  # votes or placements in one answer when the caller gives no list of known keys
PENNY = 0.005  # GBP: the rounding gainshare uses when it asks who is worse off
TRUST_GENERATIONS = 20  # the trust app's default
TRUST_REPLACE = 5  # Case replaces the bottom five with copies of the top five
TITLE_CHARS = 44  # a story's short title on the projector
# The groups a purpose-chapter participant chooses from (U1): the facilitator gives each table or
# network a letter, so no network's name (which could identify people) has to be typed.
PCN_GROUPS = tuple(f"PCN {letter}" for letter in "ABCDEFGH")

# Why an answer was skipped (keys of ``skip_reasons``), in plain words.
MALFORMED = "not a room answer"
INVALID = "not a valid answer"
OTHER_SCENARIO = "for another scenario"
NOT_A_PRACTICE = "role is not a practice of this scenario"
BAD_SUBMISSION = "no usable submission id"
DUPLICATE_SUBMISSION = "submission id given twice with different answers"


class RoomPayloadError(ValueError):
    """An answer the room cannot take, with a message a participant can act on."""


@dataclass(frozen=True)
class RoomAnswer:
    """One participant's latest answer to one question, as the store holds it."""

    participant: int  # the store's participant id (never a name)
    role: str  # e.g. the practice played in the autonomy paradox; "" where the chapter has no roles
    payload: dict


# --- validators ------------------------------------------------------------------------------------

def _mapping(value, what: str) -> Mapping:
    if not isinstance(value, Mapping):
        raise RoomPayloadError(f"{what} is missing or is not a set of named answers.")
    return value


def _key(value, what: str) -> str:
    if not isinstance(value, str) or not KEY.fullmatch(value):
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
        raise RoomPayloadError(f"{what} {shown} is not a known name (lower-case letters, digits and _).")
    return value


def _known(keys, column: str) -> tuple[str, ...] | None:
    """A list of allowed keys from an iterable of keys or a table with that column (None = any)."""
    if keys is None:
        return None
    if hasattr(keys, "columns"):
        keys = keys[column]
    return tuple(str(k) for k in keys)


def _whole(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _entries(entries: Mapping, known, *, verb: str, noun: str, what: str, unknown: str,
             value: Callable[[str, object], object]) -> dict:
    """The named answers of one answer (votes, placements, scores), checked: at most one per known
    key (``MAX_ENTRIES`` when any key goes), every key a well-formed name and, when ``known`` is
    given, one of them (``unknown`` is the message, with ``{key}``); each value through
    ``value(key, raw)``. A clean copy, in the order of ``known`` when it is given."""
    limit = MAX_ENTRIES if known is None else len(known)
    if len(entries) > limit:
        raise RoomPayloadError(f"An answer can {verb} at most {limit} {noun}, not {len(entries)}.")
    clean = {}
    for key, raw in entries.items():
        key = _key(key, what)
        if known is not None and key not in known:
            raise RoomPayloadError(unknown.format(key=key))
        clean[key] = value(key, raw)
    return clean if known is None else {k: clean[k] for k in known if k in clean}


def validate_autonomy(payload, group: gs.Group | None = None, scenarios: Iterable[str] | None = None) -> dict:
    """Check an ``autonomy.votes`` answer: ``{"scenario": str, "votes": {change: "yes"|"no"}}``.

    With ``group``, every vote must name one of its changes; with ``scenarios``, the scenario must
    be one of them. Returns a clean copy (votes in the group's order when it is given).

    >>> validate_autonomy({"scenario": "five_practices", "votes": {"single_accountant": "yes"}})
    {'scenario': 'five_practices', 'votes': {'single_accountant': 'yes'}}
    """
    payload = _mapping(payload, "The answer")
    scenario = _key(payload.get("scenario"), "The scenario")
    known_scenarios = _known(scenarios, "scenario")
    if known_scenarios is not None and scenario not in known_scenarios:
        raise RoomPayloadError(f"There is no scenario called '{scenario}'.")
    votes = _mapping(payload.get("votes"), "The votes")
    if not votes:
        raise RoomPayloadError("Vote yes or no on at least one change before sending.")
    changes = None if group is None else {c.key: c.label for c in group.changes}

    def vote(key, value):
        if value not in VOTE_VALUES:
            raise RoomPayloadError(f"Vote 'yes' or 'no' on '{changes[key] if changes else key}'.")
        return value

    clean = _entries(votes, changes, verb="hold", noun="votes", what="The change",
                     unknown="There is no change called '{key}' in this scenario.", value=vote)
    return {"scenario": scenario, "votes": clean}


def validate_scale(payload, functions=None, tiers=None) -> dict:
    """Check a ``scale.placement`` answer: ``{"placement": {function: tier}}``, at least one.

    ``functions`` and ``tiers`` are the allowed keys (an iterable, or the tables of
    ``data.scale_functions()`` and ``data.scale_tiers()``); without them any well-formed key passes.
    Returns a clean copy (in the functions' order when they are given).
    """
    payload = _mapping(payload, "The answer")
    placement = _mapping(payload.get("placement"), "The placement")
    if not placement:
        raise RoomPayloadError("Place at least one function in a tier before sending.")
    known_tiers = _known(tiers, "tier")

    def tier_of(_function, tier):
        tier = _key(tier, "The tier")
        if known_tiers is not None and tier not in known_tiers:
            raise RoomPayloadError(f"There is no tier called '{tier}': choose one of {', '.join(known_tiers)}.")
        return tier

    clean = _entries(placement, _known(functions, "function"), verb="place", noun="functions", what="The function",
                     unknown="There is no function called '{key}'.", value=tier_of)
    return {"placement": clean}


def validate_trust(payload) -> dict:
    """Check a ``trust.habit`` answer: ``{"habit": strategy key, "noise": number in NOISE_RANGE}``.

    >>> validate_trust({"habit": "tit_for_tat", "noise": 0})
    {'habit': 'tit_for_tat', 'noise': 0.0}
    """
    payload = _mapping(payload, "The answer")
    habit = payload.get("habit")
    if not isinstance(habit, str) or habit not in tr.STRATEGIES:
        raise RoomPayloadError(f"Choose one of the habits: {', '.join(s.name for s in tr.STRATEGIES.values())}.")
    noise = payload.get("noise")
    lo, hi = tr.NOISE_RANGE
    if not (isinstance(noise, (int, float)) and not isinstance(noise, bool) and math.isfinite(noise)
            and lo <= noise <= hi):
        raise RoomPayloadError(f"The chance of a mistake must be a number from {lo:.0%} to {hi:.0%}.")
    return {"habit": habit, "noise": float(noise)}


def validate_stories_draft(payload) -> dict:
    """Check a ``stories.draft`` answer: ``{"draft": {field: text}}`` for ``stories.FIELDS``.

    Each field is text of at most ``stories.MAX_FIELD_CHARS`` characters (NUL characters, which a
    database cannot store, are removed); at least one field must have words. Returns every field,
    "" where not given. The text is kept exactly as written otherwise: it is never escaped here.
    """
    payload = _mapping(payload, "The answer")
    draft = _mapping(payload.get("draft"), "The draft")
    clean = dict.fromkeys(sto.FIELDS, "")
    for name, text in draft.items():
        if name not in clean:
            raise RoomPayloadError(f"The story form has no field called {str(name)[:40]!r}.")
        if not isinstance(text, str):
            raise RoomPayloadError(f"The '{name}' field must be text.")
        text = text.replace("\x00", "")
        if len(text) > sto.MAX_FIELD_CHARS:
            raise RoomPayloadError(f"The '{name}' field has {len(text):,} characters; "
                                   f"cut it to {sto.MAX_FIELD_CHARS:,} or fewer.")
        clean[name] = text
    if not any(t.strip() for t in clean.values()):
        raise RoomPayloadError("The draft is empty: write at least one part of the story before sending.")
    return {"draft": clean}


def validate_stories_vote(payload, stories: Iterable[int] | None = None) -> dict:
    """Check a ``stories.vote`` answer: ``{"story": submission id}`` (a whole number from 1).

    With ``stories``, the id must be one of them (the approved drafts on show).
    """
    payload = _mapping(payload, "The answer")
    story = payload.get("story")
    if not _whole(story) or story < 1:
        raise RoomPayloadError("Choose one of the stories on show to vote for.")
    if stories is not None and story not in set(stories):
        raise RoomPayloadError("That story is no longer on show: choose one of the stories listed.")
    return {"story": story}


def _compass_score(value, axis: str) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not _whole(value) or not pu.AXIS_MIN <= value <= pu.AXIS_MAX:
        raise RoomPayloadError(f"The {axis} score must be a whole number from {pu.AXIS_MIN:g} to {pu.AXIS_MAX:g}.")
    return value


def validate_purpose_compass(payload) -> dict:
    """Check a ``purpose.compass`` answer: ``{"inward": 0-10, "outward": 0-10}`` (whole numbers).

    >>> validate_purpose_compass({"inward": 7, "outward": 3.0, "name": "dropped"})
    {'inward': 7, 'outward': 3}
    """
    payload = _mapping(payload, "The answer")
    return {axis: _compass_score(payload.get(axis), axis) for axis in ("inward", "outward")}


def validate_purpose_statement(payload) -> dict:
    """Check a ``purpose.statement`` answer: ``{"statement": one line of text}``.

    The line is tidied as the chapter tidies it (single spaces, no control characters) and must
    hold words and fit ``purpose.MAX_CHARS``; it is never escaped here.

    >>> validate_purpose_statement({"statement": "  We all aim\\n to keep care local. "})
    {'statement': 'We all aim to keep care local.'}
    """
    payload = _mapping(payload, "The answer")
    text = payload.get("statement")
    if not isinstance(text, str):
        raise RoomPayloadError("The purpose statement must be text.")
    line = pu.tidy_statement(text)
    if not line:
        raise RoomPayloadError("The statement is empty: write one line on what your network is for before sending.")
    if len(line) > pu.MAX_CHARS:
        raise RoomPayloadError(f"The statement has {len(line):,} characters; keep it to one line of "
                               f"{pu.MAX_CHARS} or fewer.")
    return {"statement": line}


def validate_purpose_readiness(payload, items=None) -> dict:
    """Check a ``purpose.readiness`` answer: ``{"scores": {item: whole number 1-4}}``.

    With ``items`` (keys, or the table of ``data.readiness_items()``) every item must be scored and
    no other; without them any well-formed keys pass (at least one). A clean copy, in item order.

    >>> validate_purpose_readiness({"scores": {"b": 2, "a": 4}}, ["a", "b"])
    {'scores': {'a': 4, 'b': 2}}
    """
    payload = _mapping(payload, "The answer")
    scores = _mapping(payload.get("scores"), "The scores")
    known = _known(items, "item")

    def score_of(item, score):
        if not _whole(score) or not pu.SCORE_MIN <= score <= pu.SCORE_MAX:
            raise RoomPayloadError(f"Score '{item}' with a whole number from {pu.SCORE_MIN} to {pu.SCORE_MAX}.")
        return score

    clean = _entries(scores, known, verb="score", noun="items", what="The item",
                     unknown="There is no readiness item called '{key}'.", value=score_of)
    if known is None and not clean:
        raise RoomPayloadError("Score at least one item before sending.")
    if known is not None and len(clean) < len(known):
        raise RoomPayloadError(f"Score every item before sending: {len(known) - len(clean)} of {len(known)} "
                               "still to score.")
    return {"scores": clean}


VALIDATORS: dict[str, Callable[..., dict]] = {
    "purpose.compass": validate_purpose_compass,
    "purpose.statement": validate_purpose_statement,
    "purpose.readiness": validate_purpose_readiness,
    "autonomy.votes": validate_autonomy,
    "scale.placement": validate_scale,
    "trust.habit": validate_trust,
    "stories.draft": validate_stories_draft,
    "stories.vote": validate_stories_vote,
}


# --- one answer per participant (R1) ---------------------------------------------------------------

class _Skip(Exception):
    def __init__(self, reason: str):
        self.reason = reason


def _as_answer(item) -> RoomAnswer | None:
    if isinstance(item, Mapping):
        item = RoomAnswer(item.get("participant"), item.get("role", ""), item.get("payload"))
    if not isinstance(item, RoomAnswer):
        return None
    if not _whole(item.participant) or not isinstance(item.role, str) or not isinstance(item.payload, Mapping):
        return None
    return item


def _collect(answers, check: Callable[[RoomAnswer], dict]) -> tuple[dict[int, tuple[RoomAnswer, dict]], Counter]:
    """Each participant's last valid answer (participant -> (answer, checked payload)) and the skips."""
    kept: dict[int, tuple[RoomAnswer, dict]] = {}
    skipped: Counter = Counter()
    for item in answers or ():
        answer = _as_answer(item)
        if answer is None:
            skipped[MALFORMED] += 1
            continue
        try:
            payload = check(answer)
        except _Skip as skip:
            skipped[skip.reason] += 1
            continue
        except RoomPayloadError:
            skipped[INVALID] += 1
            continue
        kept[answer.participant] = (answer, payload)
    return dict(sorted(kept.items())), skipped


# --- what is a PCN for? ----------------------------------------------------------------------------

def _tags(kept: Mapping[int, tuple[RoomAnswer, dict]]) -> dict[int, tuple[str, str]]:
    """participant -> (PCN group or "", tag) (U1, U2): the group's letter and the place in it by id."""
    seen: Counter = Counter()
    tags = {}
    for participant, (answer, _) in kept.items():  # _collect keeps participants in id order
        pcn = answer.role if answer.role in PCN_GROUPS else ""
        seen[pcn] += 1
        tags[participant] = (pcn, f"{pcn[-1] if pcn else '-'}{seen[pcn]}")
    return tags


def _pcn_order(pcn: str) -> int:
    return PCN_GROUPS.index(pcn) if pcn in PCN_GROUPS else len(PCN_GROUPS)


@dataclass(frozen=True)
class PurposeView:
    """One participant's placement of their PCN on the compass, under their tag (never a name)."""

    participant: int
    pcn: str  # a PCN group, or "" for none
    tag: str
    inward: int
    outward: int


@dataclass(frozen=True)
class CompassRoom:
    views: tuple[PurposeView, ...]  # in participant order
    summary: pu.CompassSummary | None  # None with no views
    focus: pu.PcnSpread | None  # the PCN whose views stand furthest apart (U3); None without two in one PCN
    answers: int
    skipped: int
    skip_reasons: Mapping[str, int]

    @property
    def placements(self) -> tuple[pu.Placement, ...]:
        """The views as ``purpose.Placement``s (``who`` is the tag)."""
        return _placements(self.views)


def _placements(views: Iterable[PurposeView]) -> tuple[pu.Placement, ...]:
    return tuple(pu.Placement(v.tag, float(v.inward), float(v.outward), v.pcn) for v in views)


def purpose_compass_room(answers: Iterable) -> CompassRoom:
    """The room's views of their PCNs' purpose on the compass (assumptions U1-U3)."""
    kept, skipped = _collect(answers, lambda a: validate_purpose_compass(a.payload))
    tags = _tags(kept)
    views = tuple(PurposeView(i, *tags[i], payload["inward"], payload["outward"]) for i, (_, payload) in kept.items())
    summary = pu.summarise_room(_placements(views)) if views else None
    spreads = [s for s in (summary.pcns if summary else ()) if s.furthest is not None]
    focus = min(spreads, key=lambda s: (-s.max_distance, _pcn_order(s.pcn)), default=None)
    return CompassRoom(views, summary, focus, len(kept), sum(skipped.values()), dict(skipped))


@dataclass(frozen=True)
class RoomStatement:
    participant: int
    pcn: str
    tag: str
    check: pu.StatementCheck  # ``check.statement`` is the participant's line (plain text, never escaped)


@dataclass(frozen=True)
class StatementsRoom:
    statements: tuple[RoomStatement, ...]  # in participant order
    meets: Mapping[str, int]  # question -> statements that meet it (purpose.QUESTIONS order)
    answers: int
    skipped: int
    skip_reasons: Mapping[str, int]

    @property
    def all_three(self) -> int:
        return sum(s.check.met == len(pu.QUESTIONS) for s in self.statements)


def purpose_statements_room(answers: Iterable) -> StatementsRoom:
    """The room's approved purpose statements, each checked against Smith's three questions (U4).
    Pass only approved answers: this function cannot tell which are."""
    kept, skipped = _collect(answers, lambda a: validate_purpose_statement(a.payload))
    tags = _tags(kept)
    statements = tuple(RoomStatement(i, *tags[i], pu.check_statement(payload["statement"]))
                       for i, (_, payload) in kept.items())
    meets = {q: sum(s.check.check(q).met for s in statements) for q in pu.QUESTIONS}
    return StatementsRoom(statements, meets, len(kept), sum(skipped.values()), dict(skipped))


@dataclass(frozen=True)
class ReadinessRoom:
    items: tuple[str, ...]  # in the dataset's order
    labels: Mapping[str, str]
    scores: Mapping[str, Mapping[str, int]]  # tag -> item -> score
    pcn_of: Mapping[str, str]  # tag -> PCN group ("" for none)
    counts: Mapping[str, Mapping[int, int]]  # item -> score -> how many gave it (1-4, zeros included)
    summary: pu.ReadinessSummary | None  # the whole room; None with no answers
    pcns: tuple[tuple[str, pu.ReadinessSummary], ...]  # PCNs with two or more members, in group order
    answers: int
    skipped: int
    skip_reasons: Mapping[str, int]


def purpose_readiness_room(items, answers: Iterable) -> ReadinessRoom:
    """The room's readiness self-assessments: spread per item, widest disagreement and the pace of
    the slowest, for the room and each PCN (U1, U2, U5). ``items`` is ``data.readiness_items()``
    (columns item and label) or a sequence of item keys."""
    keys = _known(items, "item")
    labels = dict(zip(keys, (str(x) for x in items["label"]))) if hasattr(items, "columns") else {k: k for k in keys}
    if not keys:
        raise pu.PurposeError("there are no readiness items to score")
    kept, skipped = _collect(answers, lambda a: validate_purpose_readiness(a.payload, keys))
    tags = _tags(kept)
    scores = {tags[i][1]: dict(payload["scores"]) for i, (_, payload) in kept.items()}
    pcn_of = {tags[i][1]: tags[i][0] for i in kept}
    counts = {k: {n: 0 for n in range(pu.SCORE_MIN, pu.SCORE_MAX + 1)} for k in keys}
    for given in scores.values():
        for k, n in given.items():
            counts[k][n] += 1
    summary = pu.summarise_readiness(scores, keys) if scores else None
    groups = sorted({p for p in pcn_of.values() if p}, key=_pcn_order)
    pcns = []
    for pcn in groups:
        members = {t: s for t, s in scores.items() if pcn_of[t] == pcn}
        if len(members) >= 2:
            pcns.append((pcn, pu.summarise_readiness(members, keys)))
    return ReadinessRoom(keys, labels, scores, pcn_of, counts, summary, tuple(pcns), len(kept),
                         sum(skipped.values()), dict(skipped))


# --- the autonomy paradox --------------------------------------------------------------------------

@dataclass(frozen=True)
class PracticeVote:
    """How one practice voted on one change, and who decided it."""

    change: str
    practice: str
    vote: str  # "yes" or "no"
    by: str  # "room" (the majority of its players, A1) or "model" (A2)
    yes: int  # its players' yes votes on this change
    no: int  # its players' no votes on this change


@dataclass(frozen=True)
class ChangeResult:
    """One change on the table under the room's vetoes (A3)."""

    key: str
    label: str
    group_value: float  # v_c(N): GBP a year if the whole group runs it
    pays: bool  # v_c(N) > 0
    realised: bool  # pays, and no practice voted no
    blocked_by: tuple[str, ...]  # practices voting no, in group order

    @property
    def status(self) -> str:
        """'realised', 'blocked' or 'does not pay' (not run whatever the votes)."""
        return "realised" if self.realised else "blocked" if self.pays else "does not pay"


@dataclass(frozen=True)
class RoomRegime:
    """One way of deciding, applied to the room: what it adopts and who blocks or would leave."""

    key: str  # "veto", "bundle", or "gainshare_<rule key>"
    label: str
    outcome: gs.Outcome  # as gainshare builds it (net, alone, autonomy, blocked_by, note)
    blocked_by: tuple[str, ...]  # practices that blocked this arrangement (veto: any change)
    fell_back: bool  # blocked, so the room fell back to the previous arrangement (A5)
    leavers: tuple[str, ...]  # practices that would leave under its outcome (A6)

    @property
    def benefit(self) -> float:
        """The group's benefit, GBP a year (gainshare's ``Outcome.group_benefit``)."""
        return self.outcome.group_benefit


@dataclass(frozen=True)
class AutonomyRoom:
    scenario: str | None
    tolerance: float  # GBP per patient a year
    rule: str  # the gainshare rule the room is looking at (every rule is in ``regimes``)
    practices: tuple[str, ...]
    changes: tuple[ChangeResult, ...]  # the changes on the table, in the group's order
    votes: tuple[PracticeVote, ...]  # change by change, practices in group order
    players: Mapping[str, int]  # practice -> participants playing it
    limits: Mapping[str, tuple[float | None, float | None]]  # practice -> (accepts up to, refuses from), GBP/patient (A4)
    ceiling: float  # v(N): the most the group can gain from the changes on the table
    regimes: tuple[RoomRegime, ...]  # veto, bundle, then a gainshare for each rule of gainshare.RULES
    answers: int  # answers counted (one per participant)
    skipped: int
    skip_reasons: Mapping[str, int]

    @property
    def realised(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.changes if c.realised)

    @property
    def value_realised(self) -> float:
        """Sum of v_c(N) over the changes the room realised (GBP a year)."""
        return float(sum(c.group_value for c in self.changes if c.realised))

    def regime(self, key: str) -> RoomRegime:
        for r in self.regimes:
            if r.key == key:
                return r
        raise KeyError(key)

    @property
    def veto(self) -> RoomRegime:
        return self.regimes[0]

    @property
    def bundle(self) -> RoomRegime:
        return self.regimes[1]

    def gainshare(self, rule: str | None = None) -> RoomRegime:
        return self.regime(f"gainshare_{rule or self.rule}")

    @property
    def would_leave(self) -> tuple[str, ...]:
        """Practices that would leave under the room's own result (its vetoes)."""
        return self.veto.leavers

    def vote(self, change: str, practice: str) -> PracticeVote:
        return next(v for v in self.votes if v.change == change and v.practice == practice)


def autonomy_room(group: gs.Group, answers: Iterable, tolerance: float, rule: str = "shapley", *,
                  scenario: str | None = None, changes: Iterable[str] | None = None,
                  seed: int | None = 0) -> AutonomyRoom:
    """The room's votes on the changes of ``group``, decided change by change, as a bundle and
    with each gainshare rule (assumptions A1-A6 of the module docstring).

    ``answers`` are ``autonomy.votes`` answers whose role is a practice of the group; with
    ``scenario``, answers for another scenario are skipped. ``changes`` picks the changes on the
    table (default: all). ``tolerance`` (GBP per patient a year) is what practices nobody plays
    accept; ``seed`` is for Shapley sampling in groups of more than 12 practices. A group or
    tolerance the model cannot run raises ``gainshare.ScenarioError`` (the facilitator's set-up,
    not the room's answers).
    """
    if not (isinstance(tolerance, (int, float)) and not isinstance(tolerance, bool) and math.isfinite(tolerance)):
        raise gs.ScenarioError(f"tolerance must be a number of pounds per patient per year, not {tolerance!r}")
    gs.validate(group, tolerance, rule)
    table = group.changes if changes is None else tuple(group.change(k) for k in changes)
    names = group.names
    sizes = {p.name: p.list_size for p in group.practices}

    def check(answer: RoomAnswer) -> dict:
        payload = validate_autonomy(answer.payload)
        if scenario is not None and payload["scenario"] != scenario:
            raise _Skip(OTHER_SCENARIO)
        if answer.role not in sizes:
            raise _Skip(NOT_A_PRACTICE)
        return validate_autonomy(payload, group)

    kept, skipped = _collect(answers, check)
    players = dict.fromkeys(names, 0)
    tally = {(c.key, p): [0, 0] for c in table for p in names}
    for answer, payload in kept.values():
        players[answer.role] += 1
        for key, vote in payload["votes"].items():
            if (key, answer.role) in tally:
                tally[(key, answer.role)][vote == NO] += 1

    # Each practice's loss from each change run group-wide without transfers, against running it
    # alone (its outside option): the quantity the model's veto compares with tolerance x list size.
    net = {(r["change"], r["practice"]): r["net"] for r in gs.per_change_positions(group, [c.key for c in table])}
    solo = {(c.key, p): gs.coalition_value(group, c, [p]) for c in table for p in names}
    loss = {k: solo[k] - net[k] for k in solo}
    value = {c.key: gs.coalition_value(group, c, names) for c in table}

    said = {k: (YES if y > n else NO) for k, (y, n) in tally.items() if y + n}  # A1: a tie is no
    limits_gbp = {}
    for p in names:
        accepted = [loss[(c.key, p)] for c in table if said.get((c.key, p)) == YES]
        refused = [loss[(c.key, p)] for c in table if said.get((c.key, p)) == NO]
        limits_gbp[p] = (max(accepted) if accepted else None, min(refused) if refused else None)

    def accepts(p: str, lost: float) -> bool:  # A4, falling back on A2
        up_to, refuses_from = limits_gbp[p]
        if refuses_from is not None and lost >= refuses_from - PENNY:
            return False
        if up_to is not None and lost <= up_to + PENNY:
            return True
        return lost <= tolerance * sizes[p] + PENNY

    votes = []
    for c in table:
        for p in names:
            y, n = tally[(c.key, p)]
            if y + n:
                votes.append(PracticeVote(c.key, p, said[(c.key, p)], ROOM, y, n))
            else:
                votes.append(PracticeVote(c.key, p, YES if accepts(p, loss[(c.key, p)]) else NO, MODEL, 0, 0))
    against = {c.key: tuple(v.practice for v in votes if v.change == c.key and v.vote == NO) for c in table}
    results = tuple(ChangeResult(c.key, c.label, value[c.key], value[c.key] > 0,
                                 value[c.key] > 0 and not against[c.key], against[c.key]) for c in table)

    # The arrangements of gainshare.compare, with the room's practices deciding (A5).
    alone = {p: sum(solo[(c.key, p)] for c in table) for p in names}
    worthwhile = tuple(c for c in table if value[c.key] > 0)
    decisions = len(table) + 2  # as gainshare.compare: each function, the practice's money, the rest

    def outcome(regime, adopted, shares, pooled, blocked=None, note="") -> gs.Outcome:
        own = {p: (decisions - len(adopted) - pooled) / decisions for p in names}
        return gs.Outcome(regime, tuple(c.key for c in adopted), shares, alone, own, dict(blocked or {}), note)

    def without_transfers(adopted) -> dict[str, float]:
        shared = gs.allocate(group, "none", adopted)
        rest = [c for c in table if c not in adopted]
        return {p: shared[p] + sum(solo[(c.key, p)] for c in rest) for p in names}

    def refusers(shares) -> tuple[str, ...]:
        return tuple(p for p in names if not accepts(p, alone[p] - shares[p]))

    def fallback(previous: gs.Outcome, regime: str, blocked: dict, note: str) -> gs.Outcome:
        return gs.Outcome(regime, previous.adopted, previous.net, previous.alone, previous.autonomy,
                          {**previous.blocked_by, **blocked}, note)

    passed = [c for c in worthwhile if not against[c.key]]
    vetoed = {c.key: against[c.key] for c in worthwhile if against[c.key]}
    veto = outcome("veto", passed, without_transfers(passed), 0, vetoed)
    regimes = [RoomRegime("veto", "Your room, change by change", veto,
                          tuple(p for p in names if any(p in b for b in vetoed.values())), False, refusers(veto.net))]

    bundle_net = without_transfers(worthwhile)
    blockers = refusers(bundle_net) if worthwhile else ()
    if blockers:
        bundle = fallback(veto, "bundle", {"bundle": blockers}, "the bundle was blocked, so the group went change by change")
    else:
        bundle = outcome("bundle", worthwhile, bundle_net, 0)
    regimes.append(RoomRegime("bundle", "As one bundle", bundle, blockers, bool(blockers), refusers(bundle.net)))

    for r in gs.RULES:
        shares = gs.allocate(group, r.key, worthwhile, seed)
        blockers = refusers(shares) if worthwhile else ()
        if blockers:
            shared = fallback(bundle, "transfers", {"gainshare": blockers},
                              "the gainshare was blocked, so the group fell back to the bundle vote")
        else:
            shared = outcome("transfers", worthwhile, dict(shares), int(bool(worthwhile) and r.key != "none"))
        regimes.append(RoomRegime(f"gainshare_{r.key}", f"Gainshare: {r.label}", shared, blockers,
                                  bool(blockers), refusers(shared.net)))

    per_patient = {p: tuple(None if x is None else x / sizes[p] for x in limits_gbp[p]) for p in names}
    return AutonomyRoom(
        scenario=scenario, tolerance=float(tolerance), rule=rule, practices=names, changes=results,
        votes=tuple(votes), players=players, limits=per_patient, ceiling=float(sum(value.values())),
        regimes=tuple(regimes), answers=len(kept), skipped=sum(skipped.values()), skip_reasons=dict(skipped))


# --- scale choices ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class FunctionPlacement:
    """Where the room put one function, against where the sources put it."""

    function: str
    label: str
    sources_tier: str
    reason: str  # the sources' reason, from the dataset
    counts: Mapping[str, int]  # tier -> participants who placed it there (every tier, zeros included)
    placed: int  # participants who placed it at all
    shares: Mapping[str, float]  # tier -> counts / placed (0 when nobody placed it)
    agreement: float | None  # share who placed it where the sources do; None when nobody placed it
    dispute: float | None  # S2; None when nobody placed it
    room_tiers: tuple[str, ...]  # the most chosen tier(s), in tier order; () when nobody placed it


@dataclass(frozen=True)
class ScaleRoom:
    tiers: tuple[str, ...]  # smallest first
    tier_labels: Mapping[str, str]
    functions: tuple[FunctionPlacement, ...]  # most disputed first (S2)
    answers: int
    skipped: int
    skip_reasons: Mapping[str, int]

    @property
    def placements(self) -> int:
        return sum(f.placed for f in self.functions)

    @property
    def agreement(self) -> float | None:
        """Share of all placements that match the sources' tier (None with no placements)."""
        agreeing = sum(f.counts.get(f.sources_tier, 0) for f in self.functions)
        return agreeing / self.placements if self.placements else None

    def rows(self) -> list[dict]:
        """The placement matrix: one row per function and tier, functions most disputed first."""
        return [{"function": f.function, "label": f.label, "rank": i, "tier": t, "tier_label": self.tier_labels[t],
                 "tier_order": j, "count": f.counts[t], "share": f.shares[t], "sources": t == f.sources_tier}
                for i, f in enumerate(self.functions) for j, t in enumerate(self.tiers)]


def dispute(counts: Iterable[int]) -> float | None:
    """S2: (1 - largest share) / (1 - 1/k) over k tiers; None when nothing was placed.

    >>> dispute([4, 0, 0]), dispute([1, 1, 1]), dispute([2, 2, 0])
    (0.0, 1.0, 0.75)
    """
    counts = list(counts)
    total = sum(counts)
    if total == 0:
        return None
    if len(counts) < 2:
        return 0.0
    k = len(counts)
    return k * (total - max(counts)) / ((k - 1) * total)  # the same, in whole numbers until the end


def scale_room(functions, tiers, answers: Iterable) -> ScaleRoom:
    """The room's placement of functions in tiers (``data.scale_functions()``, ``data.scale_tiers()``,
    tables with columns function, label, tier, reason and tier, label), against the sources."""
    tier_keys = tuple(str(t) for t in tiers["tier"])
    tier_labels = dict(zip(tier_keys, (str(x) for x in tiers["label"])))
    table = list(zip(*(list(functions[c]) for c in ("function", "label", "tier", "reason"))))
    function_keys = tuple(str(f) for f, *_ in table)
    kept, skipped = _collect(answers, lambda a: validate_scale(a.payload, function_keys, tier_keys))
    counts = {f: dict.fromkeys(tier_keys, 0) for f in function_keys}
    for _, payload in kept.values():
        for f, t in payload["placement"].items():
            counts[f][t] += 1
    results = []
    for key, label, sources, reason in table:
        key, c = str(key), counts[str(key)]
        placed = sum(c.values())
        top = max(c.values())
        results.append(FunctionPlacement(
            function=key, label=str(label), sources_tier=str(sources), reason=str(reason), counts=c, placed=placed,
            shares={t: (n / placed if placed else 0.0) for t, n in c.items()},
            agreement=(c.get(str(sources), 0) / placed) if placed else None,
            dispute=dispute(c.values()),
            room_tiers=tuple(t for t in tier_keys if placed and c[t] == top)))
    order = sorted(range(len(results)), key=lambda i: (results[i].dispute is None, -(results[i].dispute or 0.0), i))
    return ScaleRoom(tier_keys, tier_labels, tuple(results[i] for i in order), len(kept),
                     sum(skipped.values()), dict(skipped))


# --- trust -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TrustRoom:
    players: int  # directors in the room's game (at most trust.MAX_PLAYERS)
    habits: Mapping[int, str]  # participant -> habit, for the players
    mix: Mapping[str, int]  # habit -> players, in trust.STRATEGIES order (habits nobody chose left out)
    noise: float | None  # the room's mistake rate (T2); None with no players
    rounds: int
    generations: int
    replace: int  # players replaced each generation (T4); 0 with fewer than two players
    seed: int
    tournament: tr.TournamentResult | None  # None with fewer than two players
    evolution: tr.EvolutionResult | None
    survivors: tuple[str, ...]  # habits with players after the last generation, most first
    leaders: tuple[str, ...]  # habit(s) with the most players after the last generation
    holders: Mapping[str, tuple[int, ...]]  # habit -> participant ids who chose it
    left_out: tuple[int, ...]  # participants beyond MAX_PLAYERS (T3)
    answers: int
    skipped: int
    skip_reasons: Mapping[str, int]
    message: str  # one plain sentence on what the room's game shows, or why it cannot be played

    @property
    def ready(self) -> bool:
        return self.tournament is not None

    @property
    def survivor_ids(self) -> tuple[int, ...]:
        """Participants whose habit survived (T5)."""
        return tuple(sorted(i for h in self.survivors for i in self.holders.get(h, ())))

    @property
    def leader_ids(self) -> tuple[int, ...]:
        return tuple(sorted(i for h in self.leaders for i in self.holders.get(h, ())))

    @property
    def best_scorers(self) -> tuple[str, ...]:
        """The habit(s) with the best mean score in the room's tournament."""
        if self.tournament is None:
            return ()
        rows = self.tournament.by_strategy()
        best = rows[0]["mean_score"]
        return tuple(r["strategy"] for r in rows if abs(r["mean_score"] - best) < 1e-9)


def _count(value, name: str, lo: int, hi: int) -> int:
    if not _whole(value) or not lo <= value <= hi:
        raise tr.TrustError(f"{name} must be a whole number from {lo} to {hi}, not {value!r}")
    return value


def trust_room(answers: Iterable, *, rounds: int = 10, generations: int = TRUST_GENERATIONS, seed: int = 0,
               replace: int = TRUST_REPLACE, payoffs: tr.Payoffs = tr.CASE_PAYOFFS) -> TrustRoom:
    """The room's own tournament and evolution: one director per participant with their habit, at
    the median of the mistake rates they sent (assumptions T1-T5). Fewer than two players gives a
    result that says so (``ready`` is False), never an error; bad settings raise ``trust.TrustError``."""
    rounds = _count(rounds, "the number of rounds", 1, tr.MAX_ROUNDS)
    generations = _count(generations, "the number of generations", 0, tr.MAX_GENERATIONS)
    replace = _count(replace, "the number replaced each generation", 1, tr.MAX_PLAYERS // 2)
    if not _whole(seed):
        raise tr.TrustError(f"the seed must be a whole number, not {seed!r}")
    kept, skipped = _collect(answers, lambda a: validate_trust(a.payload))
    ids = list(kept)  # sorted by participant id
    playing, left_out = ids[:tr.MAX_PLAYERS], tuple(ids[tr.MAX_PLAYERS:])
    habits = {i: kept[i][1]["habit"] for i in playing}
    chosen = Counter(habits.values())
    mix = {k: chosen[k] for k in tr.STRATEGIES if chosen[k]}
    holders = {k: tuple(i for i in playing if habits[i] == k) for k in mix}
    noise = statistics.median(kept[i][1]["noise"] for i in playing) if playing else None
    common = {"habits": habits, "mix": mix, "noise": noise, "rounds": rounds, "generations": generations,
              "seed": seed, "holders": holders, "left_out": left_out, "answers": len(kept),
              "skipped": sum(skipped.values()), "skip_reasons": dict(skipped)}
    n = len(playing)
    if n < 2:
        so_far = "no one has" if n == 0 else "one director has"
        return TrustRoom(players=n, replace=0, tournament=None, evolution=None, survivors=(), leaders=(),
                         message=f"The room needs at least two habits to play: {so_far} sent one so far.", **common)
    replace = min(replace, n // 2)
    game = tr.tournament(mix, rounds, noise, seed, payoffs)
    evolution = tr.evolve(mix, generations, rounds, noise, replace, seed, payoffs)
    end = evolution.counts[-1]
    order = list(tr.STRATEGIES)
    survivors = tuple(sorted((k for k, c in end.items() if c > 0), key=lambda k: (-end[k], order.index(k))))
    top = max(end.values())
    leaders = tuple(k for k in survivors if end[k] == top)
    names = " and ".join(tr.STRATEGIES[k].name for k in leaders)
    held = sum(len(holders.get(k, ())) for k in leaders)
    message = (f"After {generations} generations {names} {'leads' if len(leaders) == 1 else 'lead'} "
               f"with {top} of {n} players; {held} of the room chose {'it' if len(leaders) == 1 else 'them'}.")
    return TrustRoom(players=n, replace=replace, tournament=game, evolution=evolution, survivors=survivors,
                     leaders=leaders, message=message, **common)


# --- springboard stories ---------------------------------------------------------------------------

@dataclass(frozen=True)
class RoomStory:
    submission: int  # the story's id: its latest approved draft (P2)
    participant: int
    title: str  # a short plain-text title from the draft (never escaped here)
    label: str  # the title, made unique in the room (" (2)" and so on)
    draft: sto.Draft
    checklist: sto.Checklist
    votes: int
    earlier: tuple[int, ...] = ()  # the author's earlier approved drafts (their votes count here)


@dataclass(frozen=True)
class StoriesRoom:
    stories: tuple[RoomStory, ...]  # in submission order
    leaders: tuple[int, ...]  # submission ids with the most votes (ties all listed); () with no votes
    votes: int  # votes counted
    ignored_votes: int  # votes for an id that is not an approved story (P3)
    drafts: int  # usable drafts received (before one per participant)
    skipped: int  # drafts and votes that could not be used
    skip_reasons: Mapping[str, int]

    def story(self, submission: int) -> RoomStory:
        return next(s for s in self.stories if s.submission == submission or submission in s.earlier)

    def ranked(self) -> tuple[RoomStory, ...]:
        """Most votes first; equal votes in submission order."""
        return tuple(sorted(self.stories, key=lambda s: (-s.votes, s.submission)))


def _flat(text: str) -> str:
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def story_title(draft: sto.Draft, limit: int = TITLE_CHARS) -> str:
    """A short title for a draft: its change idea, else the start of the story, cut at a word.

    >>> story_title(sto.Draft(change="One paramedic-led home visiting team for all five practices"))
    'One paramedic-led home visiting team for…'
    """
    for text in (draft.change, draft.text()):
        flat = _flat(text)
        if flat:
            if len(flat) <= limit:
                return flat
            cut = flat[:limit - 1]
            space = cut.rfind(" ")
            if space >= limit // 2:
                cut = cut[:space]
            return cut.rstrip(" ,;:.-") + "…"
    return "Untitled story"


def stories_room(drafts: Iterable, votes: Iterable) -> StoriesRoom:
    """The room's approved drafts, each with its springboard checklist, and the room's votes.

    ``drafts`` are ``(submission_id, RoomAnswer)`` pairs of approved ``stories.draft`` answers;
    ``votes`` are ``stories.vote`` answers (assumptions P1-P4)."""
    skipped: Counter = Counter()
    given: dict[int, list[tuple[RoomAnswer, dict]]] = {}
    for item in drafts or ():
        try:
            submission, raw = item
        except (TypeError, ValueError):
            skipped[MALFORMED] += 1
            continue
        answer = _as_answer(raw)
        if answer is None:
            skipped[MALFORMED] += 1
            continue
        if not _whole(submission) or submission < 1:
            skipped[BAD_SUBMISSION] += 1
            continue
        try:
            payload = validate_stories_draft(answer.payload)
        except RoomPayloadError:
            skipped[INVALID] += 1
            continue
        given.setdefault(submission, []).append((answer, payload))
    by_id: dict[int, tuple[RoomAnswer, dict]] = {}
    for submission, entries in given.items():
        if len({(a.participant, repr(sorted(p["draft"].items()))) for a, p in entries}) > 1:
            skipped[DUPLICATE_SUBMISSION] += len(entries)  # which one is the real draft cannot be told
        else:
            by_id[submission] = entries[0]
    usable = len(by_id)
    authors: dict[int, list[int]] = {}
    for submission in sorted(by_id):
        authors.setdefault(by_id[submission][0].participant, []).append(submission)
    story_of = {s: ids[-1] for ids in authors.values() for s in ids}  # every approved id -> its story (P2)

    kept_votes, vote_skips = _collect(votes, lambda a: validate_stories_vote(a.payload))
    skipped.update(vote_skips)
    tally: Counter = Counter()
    ignored = 0
    for _, payload in kept_votes.values():
        if payload["story"] in story_of:
            tally[story_of[payload["story"]]] += 1
        else:
            ignored += 1

    stories, labels = [], set()
    for submission in sorted(set(story_of.values())):
        answer, payload = by_id[submission]
        draft = sto.Draft(**payload["draft"])
        title = label = story_title(draft)
        copy = 1
        while label in labels:
            copy += 1
            label = f"{title} ({copy})"
        labels.add(label)
        earlier = tuple(s for s in authors[answer.participant] if s != submission)
        stories.append(RoomStory(submission, answer.participant, title, label, draft, sto.check(draft),
                                 tally[submission], earlier))
    top = max((s.votes for s in stories), default=0)
    leaders = tuple(s.submission for s in stories if top > 0 and s.votes == top)
    return StoriesRoom(tuple(stories), leaders, sum(tally.values()), ignored, usable,
                       sum(skipped.values()), dict(skipped))
