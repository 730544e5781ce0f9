"""Springboard stories: a checklist for a draft story, and matching a learner to cited stories.

Sources:

* Stephen Denning, *The Leader's Guide to Storytelling* (2005): a springboard story tells of a
  change that already worked, from the point of view of one protagonist like the audience, in a
  predicament the change solves; it opens with a date and a place, keeps detail to a minimum,
  ends authentically well, and leaves listeners to imagine the alternate ending (what would have
  happened without the change) and their own version ("what if we did this here?").
* Ben Gowland, "What is your story?", The General Practice Blog (Ockham Healthcare): leading
  general practice at scale is persuasion. Leadership sets a group's goals and wins agreement on
  them (management delivers them); a story does not replace analysis, it helps listeners imagine
  the change. The best springboard is a change that worked for a similar group of GPs or practices.

Assumptions (ours, numbered so the chapter can point at them):

1. Each element is checked by one plain rule over one or two fields of the form (word lists and
   patterns are the module constants below). The rules test the shape of a draft, not its truth:
   only the teller knows the story really happened. A facilitator should be able to say why a
   box is ticked.
2. Minimal detail is judged by length only: the story told (every field except the change idea,
   which is the teller's aim) must be MIN_STORY_WORDS to MAX_STORY_WORDS words. Denning wants a
   story short enough to tell in a minute or two; at an ordinary speaking pace of roughly 130-150
   words a minute (our round figure, not Denning's) that is about 150-300 words. We allow up to
   400 for a slow teller and ask for at least 60, below which the elements cannot all be there.
3. Matching is a transparent score, not a model of persuasion (ILLUSTRATIVE weights):
   score = TAG_POINTS x (topics shared with the story) + scale points, where scale points are
   SAME_SCALE_POINTS when the story worked at the learner's scale, NEAR_SCALE_POINTS when it is
   one step away on SCALES, and 0 otherwise or when either scale is unknown. A topic is worth
   more than scale because the predicament is what makes a story land. Stories scoring 0 are left
   out; ties keep the bank's order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only named in annotations: a bank or its figures come as frames or as plain rows
    import pandas as pd

MAX_FIELD_CHARS = 1_500  # per form field: a long paragraph; anything longer is cut, never an error
MIN_STORY_WORDS = 60
MAX_STORY_WORDS = 400
MIN_CHANGE_WORDS = 3  # "one visiting team" names a change; "visits" does not
MIN_PART_WORDS = 5  # the predicament and the action each need a short sentence

# Topics of datasets/story_bank.csv (the same keys as its schema's vocabulary) and how to say them.
TAGS: dict[str, str] = {
    "ae_pressure": "A&E pressure",
    "admissions": "emergency admissions",
    "msk_demand": "musculoskeletal demand",
    "burnout": "burnout",
    "care_homes": "care homes",
    "home_visits": "home visits",
    "workforce": "workforce and new roles",
    "prescribing": "prescribing and medicines",
    "registration": "people not registered with a GP",
    "cancer": "cancer outcomes",
    "children": "children's care",
    "specialist_services": "specialist care outside hospital",
    "integration": "joining up health and care",
    "governance": "shared decisions and governance",
    "population_health": "population health",
    "back_office": "the back office",
    "demand": "demand on appointments",
}
# Smallest first; one step along this ladder is a "neighbouring" scale.
SCALES: dict[str, str] = {
    "practice": "practice",
    "neighbourhood": "neighbourhood",
    "pcn": "PCN",
    "locality": "locality",
    "federation": "federation",
    "place": "place",
    "city_region": "city or region",
}
TAG_POINTS = 2.0
SAME_SCALE_POINTS = 1.0
NEAR_SCALE_POINTS = 0.5

# --- the rules' word lists and patterns (assumption 1) ---------------------------------------------
WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
YEAR = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
RELATIVE_TIME = re.compile(
    r"\b(?:last|that|this|one|early|late)\s+(?:year|month|week|winter|spring|summer|autumn|fall)\b"
    r"|\b(?:ago|yesterday)\b", re.IGNORECASE)
VAGUE_PLACES = frozenset({"here", "there", "somewhere", "anywhere", "everywhere", "nowhere", "local",
                          "locally", "a place", "n a", "na", "none", "unknown", "tbc"})
ROLE_WORDS = frozenset({"gp", "doctor", "dr", "nurse", "partner", "manager", "receptionist", "pharmacist",
                        "paramedic", "physiotherapist", "physio", "director", "lead", "clinician", "patient",
                        "administrator", "coordinator", "practitioner", "therapist", "registrar", "locum",
                        "matron", "carer", "chair", "colleague", "trainee", "mother", "father", "woman", "man"})
# A group rather than a person; "our" and "their" are left out because "our practice manager" is one person.
PLURAL_WORDS = frozenset({"we", "us", "they", "them", "everyone", "everybody", "people", "staff", "team",
                          "teams", "practices", "gps", "doctors", "nurses", "partners", "patients",
                          "colleagues", "folk", "folks"})
NOT_NAMES = frozenset({"the", "a", "an", "my", "our", "their", "this", "that", "one", "of", "at", "in", "and",
                       "with", "from", "for", "her", "his", "who", "i"}) | PLURAL_WORDS
PAST_REGULAR = re.compile(r"\b[a-z]{2,}ed\b", re.IGNORECASE)
NOT_PAST = frozenset({"need", "feed", "seed", "speed", "bleed", "breed", "indeed", "proceed", "exceed",
                      "succeed", "weed", "deed", "greed", "red", "bed", "shed", "hundred", "sacred",
                      "kindred", "naked", "wicked", "embed", "bred"})
PAST_IRREGULAR = frozenset({"was", "were", "had", "did", "went", "came", "saw", "made", "took", "began",
                            "found", "got", "gave", "knew", "left", "met", "ran", "said", "told", "thought",
                            "brought", "bought", "built", "chose", "fell", "felt", "grew", "heard", "held",
                            "kept", "led", "lost", "meant", "paid", "rose", "sat", "sent", "spent", "stood",
                            "taught", "won", "wrote", "became", "spoke", "sought", "caught", "drew", "drove",
                            "forgot", "hired", "sold", "struck", "understood", "woke"})
OUTCOME_WORDS = frozenset({"fewer", "less", "lower", "reduced", "reduction", "saved", "saving", "savings",
                           "fell", "dropped", "halved", "cut", "shorter", "faster", "quicker", "sooner",
                           "more", "higher", "rose", "increased", "doubled", "improved", "better", "freed",
                           "released", "avoided", "prevented", "stopped", "recovered", "happier"})
NUMBER_WORDS = frozenset({"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                          "eleven", "twelve", "twenty", "thirty", "forty", "fifty", "hundred", "thousand",
                          "million", "half", "third", "quarter", "dozen", "twice"})
DIGIT = re.compile(r"[0-9]")
CONDITIONAL = re.compile(r"\b(?:would|wouldn't|without|otherwise|instead|unless|could\s+have|"
                         r"might\s+have)\b", re.IGNORECASE)
INVITATION = re.compile(r"\b(?:we|our|us|here|imagine|what\s+if|let['’]s|let\s+us)\b", re.IGNORECASE)
OPENING_PREPOSITIONS = frozenset({"In", "At", "On", "Across", "From"})
RUNS_ON = ",;:\u2014\u2013-"  # a part ending in one of these runs on into the next part of the story
TRAILING_RUN_ON = re.compile(r"[\s,;:\u2014\u2013-]+$")
BLOCK_START = re.compile(r"^(?:[#>+*-]|[0-9]+[.)])")  # would start a heading, quote or list in Markdown


class StoryError(ValueError):
    """A matching request the model cannot answer, with a message a facilitator can act on."""


# --- the draft -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Draft:
    """The guided form, one string per question; empty when not yet answered."""

    change: str = ""  # the change idea the story should spring listeners towards
    when: str = ""
    where: str = ""
    protagonist: str = ""
    predicament: str = ""
    action: str = ""
    ending: str = ""
    otherwise: str = ""
    invitation: str = ""

    def text(self) -> str:
        """The story as told: date and place, protagonist, predicament, action, ending, the
        alternate ending and the invitation. The change idea is the teller's aim, kept apart.

        Each part ends a sentence, except one that ends in a comma, semicolon, colon or dash,
        which runs on into the next part ("Dr Ahmed, a GP partner," + "was seeing ...") when that
        part starts with a letter or digit.

        >>> Draft(protagonist="Dr Ahmed, a GP partner,", predicament="was swamped").text()
        'Dr Ahmed, a GP partner, was swamped.'
        """
        d = _clean(self)
        opener = _opening(d.when, d.where)
        parts = [opener] + [d.protagonist, d.predicament, d.action, d.ending, d.otherwise, d.invitation]
        kept = [p.strip() for p in parts if _has_words(p)]  # stray punctuation is no part of a story
        runs_on = [p[-1] in RUNS_ON and nxt[0].isalnum() for p, nxt in zip(kept, kept[1:])] + [False]
        return " ".join(p if on else _sentence(p) for p, on in zip(kept, runs_on))

    @classmethod
    def from_dict(cls, values: Mapping) -> Draft:
        """A draft from form values: unknown keys ignored, anything not text read as "", and each
        field cut to MAX_FIELD_CHARS characters."""
        values = values if isinstance(values, Mapping) else {}
        return cls(**{f.name: _field_text(values.get(f.name, "")) for f in fields(cls)})


FIELDS = tuple(f.name for f in fields(Draft))


def _field_text(value) -> str:
    return value[:MAX_FIELD_CHARS] if isinstance(value, str) else ""


def _clean(draft: Draft) -> Draft:
    """Any Draft (even one built with odd values) as plain text within the field limit."""
    return Draft(**{name: _field_text(getattr(draft, name, "")) for name in FIELDS})


def _sentence(part: str) -> str:
    """A part as a finished sentence: a trailing comma or dash is dropped, a full stop added; a
    part with no letter or digit in it (stray punctuation) is dropped."""
    part = TRAILING_RUN_ON.sub("", part.strip())
    if not _has_words(part):
        return ""
    return part if part[-1] in ".!?…" else part + "."


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _opening(when: str, where: str) -> str:
    when, where = when.strip(), where.strip()
    if not (_has_words(when) and _has_words(where)):
        return when if _has_words(when) else where if _has_words(where) else ""
    where = where.lstrip(".,;: ")  # the comma below starts the place: no "2016, , in Leeds"
    first = where.split(maxsplit=1)[0]
    if first in OPENING_PREPOSITIONS:
        where = first.lower() + where[len(first):]
    return f"{when.rstrip('.,;:')}, {where}"


def words(text: str) -> list[str]:
    """The words of a text (letters or digits, with inner apostrophes and hyphens).

    >>> words("Dr Price's five-practice team, in 2016.")
    ['Dr', "Price's", 'five-practice', 'team', 'in', '2016']
    """
    return WORD.findall(text)


# --- the elements and the checklist -----------------------------------------------------------------

@dataclass(frozen=True)
class Element:
    """One element of a springboard story and the plain rule used to tick it."""

    key: str
    label: str
    question: str  # what a facilitator asks
    rule: str  # what the checklist looks for, in plain words


ELEMENTS: tuple[Element, ...] = (
    Element("change", "A clear change idea", "What change do you want your listeners to make?",
            f"The change idea names the change in at least {MIN_CHANGE_WORDS} words."),
    Element("true_event", "A true event, already over", "Did this really happen, and is it over?",
            "The predicament, action or ending uses the past tense (a word such as 'was', 'started' or 'found')."),
    Element("when", "A date at the start", "When did it happen?",
            "'When' gives a year (1900-2099), a month, or words such as 'last winter' or 'two years ago'."),
    Element("where", "A place at the start", "Where did it happen?",
            "'Where' names a place, not just 'here' or 'somewhere'."),
    Element("protagonist", "One protagonist like your listeners", "Whose story is it?",
            "'Who' names one person by role (a GP, a practice manager) or by name (a capital letter); "
            "a group ('we', 'the partners', 'everyone') counts only if a role is named too."),
    Element("predicament", "Their predicament", "What problem were they stuck with?",
            f"'Predicament' has at least {MIN_PART_WORDS} words."),
    Element("action", "What they did", "What did they do about it?",
            f"'What they did' has at least {MIN_PART_WORDS} words."),
    Element("ending", "A positive ending with a result", "What got better, and by how much?",
            "The ending has a number or a result word such as 'fewer', 'saved' or 'reduced'."),
    Element("otherwise", "The alternate ending", "What would have happened without the change?",
            "'Otherwise' says what would have happened, with 'would', 'without', 'otherwise' or 'instead'."),
    Element("length", "Minimal detail", "Can you tell it in a minute or two?",
            f"The story told is {MIN_STORY_WORDS}-{MAX_STORY_WORDS} words long."),
    Element("invitation", "An invitation", "What do you want your listeners to imagine doing?",
            "The invitation speaks to the listeners: 'we', 'our', 'here', 'imagine' or 'what if'."),
)
ELEMENT_BY_KEY = {e.key: e for e in ELEMENTS}


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    met: bool
    feedback: str  # kind and specific: what is there, or what to add


@dataclass(frozen=True)
class Checklist:
    checks: tuple[Check, ...]
    score: int  # number of elements met
    total: int

    def summary(self) -> str:
        """One line: how many elements are in place and which are still to do."""
        missing = [c.label.lower() for c in self.checks if not c.met]
        if not missing:
            return f"All {self.total} elements are in place: ready to tell."
        return f"{self.score} of {self.total} elements in place. Still to add: {'; '.join(missing)}."


def _lower_words(text: str) -> list[str]:
    return [w.lower() for w in words(text)]


def _date_found(when: str) -> str | None:
    for pattern in (YEAR, RELATIVE_TIME):
        found = pattern.search(when)
        if found:
            return found.group(0)
    return next((w for w in words(when) if w.lower() in MONTHS), None)


def _past_word(text: str) -> str | None:
    for w in words(text):
        low = w.lower()
        if low in PAST_IRREGULAR or (PAST_REGULAR.fullmatch(low) and low not in NOT_PAST):
            return w
    return None


def _person(protagonist: str) -> str | None:
    found = words(protagonist)
    for w in found:
        if w.lower() in ROLE_WORDS:
            return w
    if any(w.lower() in PLURAL_WORDS for w in found):
        return None  # a group, and no one in it named by role
    for w in found:
        if w[:1].isupper() and len(w) > 1 and w.lower() not in NOT_NAMES:
            return w
    return None


def _outcome(ending: str) -> str | None:
    if DIGIT.search(ending):
        return "a number"
    found = next((w for w in _lower_words(ending) if w in OUTCOME_WORDS | NUMBER_WORDS), None)
    return f"'{found}'" if found else None


def check(draft: Draft) -> Checklist:
    """Tick each element of ``ELEMENTS`` for a draft; never raises, whatever the text.

    >>> check(Draft()).score
    0
    """
    if isinstance(draft, Mapping):
        draft = Draft.from_dict(draft)
    d = _clean(draft if isinstance(draft, Draft) else Draft())
    results = {}

    n = len(words(d.change))
    results["change"] = (n >= MIN_CHANGE_WORDS,
                         "Good: your change idea is named." if n >= MIN_CHANGE_WORDS else
                         "Say in a short phrase what you want listeners to change, e.g. 'one home-visiting "
                         "team for our practices'." if n == 0 else
                         f"Say a little more about the change ({n} of at least {MIN_CHANGE_WORDS} words).")

    past = _past_word(" ".join((d.predicament, d.action, d.ending)))
    results["true_event"] = (past is not None,
                             f"Good: it is told as something that happened ('{past}')." if past else
                             "Tell it in the past tense, as something that already happened. If it has not "
                             "happened yet, it is a plan, not a springboard story: find a group that did it.")

    date = _date_found(d.when)
    results["when"] = (date is not None,
                       f"Good: listeners know when ({date})." if date else
                       "Add when it happened, e.g. 'In March 2019' or 'Last winter': a date tells "
                       "listeners it is real.")

    place = " ".join(words(d.where)).lower()
    ok_place = bool(place) and place not in VAGUE_PLACES
    results["where"] = (ok_place,
                        "Good: listeners know where." if ok_place else
                        "Name the place, e.g. 'a five-practice network in a market town': 'here' or "
                        "'somewhere' does not let listeners picture it." if place else
                        "Add where it happened, so listeners can picture it.")

    person = _person(d.protagonist)
    results["protagonist"] = (person is not None,
                              "Good: one person for listeners to follow." if person else
                              "Pick one person your listeners will recognise as like them, by name or role, "
                              "e.g. 'Dr Patel, a partner in a small practice'; a group is harder to follow."
                              if d.protagonist.strip() else
                              "Add who the story is about: one person like your listeners.")

    for key, what in (("predicament", "the problem they were stuck with"), ("action", "what they did")):
        n = len(words(getattr(d, key)))
        results[key] = (n >= MIN_PART_WORDS,
                        f"Good: {what} is clear." if n >= MIN_PART_WORDS else
                        f"Add a sentence on {what}." if n == 0 else
                        f"Say a little more about {what} ({n} of at least {MIN_PART_WORDS} words).")

    outcome = _outcome(d.ending)
    results["ending"] = (outcome is not None,
                         f"Good: the ending has a result ({outcome})." if outcome else
                         "Give the ending a result listeners can picture: a number, or what became "
                         "fewer, faster, saved or better." if d.ending.strip() else
                         "Add how it ended: what got better, and by how much.")

    conditional = CONDITIONAL.search(d.otherwise)
    results["otherwise"] = (conditional is not None,
                            "Good: listeners can see what would have happened without the change." if conditional
                            else "Say what would have happened without the change, e.g. 'Without it, we would "
                            "still be ...'." if d.otherwise.strip() else
                            "Add the alternate ending: what would have happened without the change?")

    n = len(words(d.text()))
    fits = MIN_STORY_WORDS <= n <= MAX_STORY_WORDS
    results["length"] = (fits,
                         f"Good: {n} words, about a minute or two to tell." if fits else
                         f"At {n} words it is too short to carry the story: aim for {MIN_STORY_WORDS}-"
                         f"{MAX_STORY_WORDS}." if n < MIN_STORY_WORDS else
                         f"At {n} words it is long: cut detail until it is under {MAX_STORY_WORDS} words; "
                         "listeners fill in the rest.")

    invites = INVITATION.search(d.invitation)
    results["invitation"] = (invites is not None,
                             "Good: it invites listeners to picture their own version." if invites else
                             "Turn the invitation towards your listeners: 'What if we ...?' or 'Imagine our "
                             "practices ...'." if d.invitation.strip() else
                             "End with an invitation, e.g. 'What if we tried this here?'")

    checks = tuple(Check(e.key, e.label, bool(results[e.key][0]), results[e.key][1]) for e in ELEMENTS)
    return Checklist(checks, sum(c.met for c in checks), len(checks))


# --- matching a learner to the bank ----------------------------------------------------------------

@dataclass(frozen=True)
class StoryMatch:
    story: str
    title: str
    score: float
    reasons: tuple[str, ...]  # why it matched, in words


def _bank_tags(cell) -> tuple[str, ...]:
    if isinstance(cell, str):
        return tuple(t.strip() for t in cell.split(";") if t.strip())
    if isinstance(cell, (tuple, list)):
        return tuple(str(t) for t in cell)
    return ()


def _chosen_tags(tags) -> list[str]:
    try:
        chosen = [tags] if isinstance(tags, str) else list(tags if tags is not None else [])
    except TypeError:
        raise StoryError(f"Topics must be a list of topic keys, not {tags!r}.") from None
    unknown = [t for t in chosen if not isinstance(t, str) or t not in TAGS]
    if unknown:
        known = ", ".join(f"{k} ({v})" for k, v in TAGS.items())
        raise StoryError(f"Unknown topic {', '.join(repr(t) for t in unknown)}. Known topics: {known}.")
    return list(dict.fromkeys(chosen))


def _scale_points(mine: str | None, theirs) -> tuple[float, str | None]:
    if mine is None or theirs not in SCALES:
        return 0.0, None
    steps = abs(list(SCALES).index(mine) - list(SCALES).index(theirs))
    if steps == 0:
        return SAME_SCALE_POINTS, f"same scale: {SCALES[theirs]}"
    if steps == 1:
        return NEAR_SCALE_POINTS, f"neighbouring scale: {SCALES[theirs]} (you chose {SCALES[mine]})"
    return 0.0, None


def bank_columns(bank: pd.DataFrame | Sequence[Mapping], columns: Sequence[str]) -> list[tuple]:
    """The values of ``columns`` for each story of ``bank``, as tuples in bank order. ``bank`` is a
    frame (``data.story_bank()``) or its rows as mappings (``data.story_bank_rows()``, which needs no
    pandas); a bank that lacks one of the columns is a :class:`StoryError`."""
    if hasattr(bank, "columns"):
        missing = [c for c in columns if c not in bank.columns]
    elif isinstance(bank, Sequence) and not isinstance(bank, str) and all(isinstance(r, Mapping) for r in bank):
        missing = [c for c in columns if any(c not in row for row in bank)]
    else:
        missing = list(columns)
    if missing:
        raise StoryError(f"The story bank lacks the column(s) {', '.join(missing)}; load it with "
                         "pcn_workbook.data.story_bank().")
    if hasattr(bank, "columns"):
        return list(bank[list(columns)].itertuples(index=False, name=None))
    return [tuple(row[c] for c in columns) for row in bank]


def figures_of(figures: pd.DataFrame | Sequence[Mapping] | None, story) -> list:
    """The rows of ``figures`` (``data.story_figures()``, or its rows as mappings from
    ``data.story_figures_rows()``) that belong to ``story``, in order; none when ``figures`` is
    None, empty or has no story column."""
    if figures is None or not len(figures):
        return []
    if hasattr(figures, "columns"):
        if "story" not in figures.columns:
            return []
        return [row for _, row in figures[figures["story"] == story].iterrows()]
    return [row for row in figures if isinstance(row, Mapping) and "story" in row and row["story"] == story]


def match_stories(bank: pd.DataFrame | Sequence[Mapping], tags: Iterable[str], scale: str | None = None,
                  limit: int = 3) -> list[StoryMatch]:
    """The bank stories closest to a learner's topics and scale, best first (assumption 3).

    score = 2 x shared topics + (1 if the same scale, 0.5 if one step away on SCALES, else 0).
    Stories scoring 0 are left out; ties keep the bank's order; at most ``limit`` are returned.
    ``bank`` is a frame or its rows as mappings (see ``bank_columns``).
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise StoryError(f"limit must be a whole number of stories, 1 or more (got {limit!r}).")
    chosen = _chosen_tags(tags)
    if scale is not None and scale not in SCALES:
        raise StoryError(f"Unknown scale {scale!r}. Known scales, smallest first: {', '.join(SCALES)}.")
    matches = []
    for position, (story, title, their_scale, their_tags) in enumerate(
            bank_columns(bank, ("story", "title", "scale", "tags"))):
        shared = [t for t in chosen if t in _bank_tags(their_tags)]
        points, scale_reason = _scale_points(scale, their_scale)
        score = TAG_POINTS * len(shared) + points
        if score > 0:
            reasons = tuple(f"speaks to {TAGS[t]}" for t in shared) + ((scale_reason,) if scale_reason else ())
            matches.append((-score, position, StoryMatch(str(story), str(title), score, reasons)))
    return [m for _, _, m in sorted(matches, key=lambda x: x[:2])[:limit]]


# --- the printable card -----------------------------------------------------------------------------

def _flat(text) -> str:
    """The writer's own words on one line: whitespace and control characters become single
    spaces, so a field cannot break the card's layout. Nothing is escaped (the app escapes for HTML)."""
    if not isinstance(text, str):
        return ""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def _paragraph(text) -> str:
    """A line that starts a paragraph: a leading '#', '>', '-' or '1.' is escaped so the story
    stays a paragraph instead of becoming a heading, quote or list."""
    line = _flat(text)
    return "\\" + line if BLOCK_START.match(line) else line


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def figure_text(row) -> str:
    """A figure in words, e.g. 'up to 30%: Patients redirected back to the community'.

    >>> figure_text({"value": 440000.0, "unit": "GBP", "qualifier": "", "figure": "Less commissioning spend",
    ...              "period": "six months compared with the previous year"})
    '£440,000: Less commissioning spend (six months compared with the previous year)'
    """
    value, unit = float(row["value"]), str(row["unit"])
    amount = (f"£{_number(value)}" if unit == "GBP" else f"{_number(value)}%" if unit == "percent"
              else f"{_number(value)} {unit}")
    qualifier = str(row.get("qualifier", "") or "")
    period = str(row.get("period", "") or "")
    text = f"{qualifier + ' ' if qualifier else ''}{amount}: {row['figure']}"
    return text + (f" ({period})" if period else "")


@dataclass(frozen=True)
class StoryCard:
    """Everything a printable card carries, as plain one-line texts (nothing escaped: each
    renderer escapes for its own format)."""

    change: str
    story: str
    checks: tuple[Check, ...]
    score: int
    total: int
    summary: str
    inspired_title: str = ""
    inspired_place: str = ""
    inspired_lines: tuple[str, ...] = ()  # "What changed: ...", "Outcome: ..."
    figures: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # 'Source: "title", author.'
    credit: str = "Checklist after Stephen Denning, The Leader's Guide to Storytelling (2005)."

    def sections(self) -> list[tuple[str, str]]:
        """(heading, text) pairs in reading order, lines separated by newlines."""
        out = [("The change I want", self.change or "Not written yet."), ("The story", self.story or "Not written yet."),
               (f"Checklist: {self.score} of {self.total}",
                "\n".join(f"{'[x]' if c.met else '[ ]'} {c.label}" for c in self.checks) + "\n" + self.summary)]
        if self.inspired_title:
            head = self.inspired_title + (f" ({self.inspired_place})" if self.inspired_place else "")
            out.append(("Inspired by", "\n".join([head, *self.inspired_lines, *self.figures, *self.sources])))
        return out


def story_card(draft: Draft, checklist: Checklist, inspired_by: pd.Series | Mapping | None = None,
               figures: pd.DataFrame | Sequence[Mapping] | None = None) -> StoryCard:
    """The card for a draft: the change, the story, the checklist and, when a bank story inspired
    it, that story's outcome figures and its source line (title and author). ``inspired_by`` is a
    bank row (a Series or a dict) and ``figures`` the figures as a frame or as rows."""
    d = _clean(draft if isinstance(draft, Draft) else Draft())
    card = dict(change=_flat(d.change), story=_flat(d.text()), checks=checklist.checks, score=checklist.score,
                total=checklist.total, summary=_flat(checklist.summary()))
    if inspired_by is not None:
        story = inspired_by.get("story", "")
        place = ", ".join(_flat(inspired_by.get(k, "")) for k in ("place", "country") if _flat(inspired_by.get(k, "")))
        lines = tuple(f"{label}: {_flat(inspired_by.get(key, ''))}" for key, label in
                      (("what_changed", "What changed"), ("outcome", "Outcome")) if _flat(inspired_by.get(key, "")))
        sources = [(_flat(inspired_by.get("source_title", "")), _flat(inspired_by.get("source_author", "")))]
        own = figures_of(figures, story)
        shown = tuple(_flat(figure_text(r)) for r in own)
        sources += [(_flat(r["source_title"]), "") for r in own
                    if "source_title" in r and _flat(r["source_title"]) != sources[0][0]]
        card.update(inspired_title=_flat(inspired_by.get("title", "")), inspired_place=place, inspired_lines=lines,
                    figures=shown, sources=tuple(f"Source: \u201c{t}\u201d" + (f", {a}" if a else "") + "."
                                                 for t, a in dict.fromkeys(sources)))
    return StoryCard(**card)


def story_card_markdown(draft: Draft, checklist: Checklist, inspired_by: pd.Series | Mapping | None = None,
                        figures: pd.DataFrame | Sequence[Mapping] | None = None) -> str:
    """The card as printable Markdown (see ``story_card``)."""
    card = story_card(draft, checklist, inspired_by, figures)
    lines = ["# My springboard story", ""]
    lines += [f"**The change I want:** {card.change or '_not written yet_'}", ""]
    lines += ["## The story", "", _paragraph(card.story) or "_Not written yet._", ""]
    lines += [f"## Checklist: {card.score} of {card.total}", ""]
    lines += [f"- [{'x' if c.met else ' '}] **{c.label}**: {_flat(c.feedback)}" for c in card.checks]
    lines += ["", f"_{card.summary}_"]
    if card.inspired_title:
        lines += ["", "## Inspired by", "", f"**{card.inspired_title}**" + (f" ({card.inspired_place})" if card.inspired_place else "")]
        for line in card.inspired_lines:
            lines += ["", line]
        if card.figures:
            lines += [""] + [f"- {f}" for f in card.figures]
        for source in card.sources:
            lines += ["", source]
    lines += ["", f"_{card.credit[:-1]}._", ""]
    return "\n".join(lines)
