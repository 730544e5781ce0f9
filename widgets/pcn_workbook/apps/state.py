"""Scenario state that round-trips through a URL query string.

A state is a frozen dataclass; ``to_query`` writes only what differs from the defaults, and
``from_query`` reads it back, returning the state plus a plain message for every part it had to
ignore (a malformed link never stops the app).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, urlencode

MAX_QUERY = 4_000  # characters; longer links are cut before parsing
# Scenario keys that were renamed, so old links keep working: the five-practice case was called
# "winsford_five" while it used the real list sizes of the practices in Winsford (CW7).
RENAMED_SCENARIOS = {"winsford_five": "five_practices"}


@dataclass(frozen=True)
class AutonomyState:
    scenario: str = "five_practices"
    tolerance: float = 1.0  # GBP per patient per year
    rule: str = "shapley"
    changes: tuple[str, ...] | None = None  # None: every change in the scenario
    list_sizes: tuple[tuple[str, int], ...] = field(default=())  # overrides, sorted by practice

    def to_query(self) -> str:
        default = AutonomyState()
        pairs = [("scenario", self.scenario)]
        if self.tolerance != default.tolerance:
            pairs.append(("tolerance", f"{self.tolerance:g}"))
        if self.rule != default.rule:
            pairs.append(("rule", self.rule))
        if self.changes is not None:
            pairs.append(("changes", ",".join(self.changes)))
        pairs += [(f"list_{name}", str(size)) for name, size in self.list_sizes]
        return urlencode(pairs)


def from_query(query: str) -> tuple[AutonomyState, list[str]]:
    """Parse a query string into a state; unknown or bad values are skipped with a message.

    Names of scenarios, changes and practices are checked later, against the loaded data.
    """
    # Here, not at the top: every app reads its state from this module, and the gainshare model
    # brings numpy, which the trust app's kernel otherwise never loads (12 MB resident, 98 -> 86 MB).
    from ..models.gainshare import LIST_SIZE_RANGE, RULES, TOLERANCE_RANGE

    problems: list[str] = []
    state = AutonomyState()
    sizes: dict[str, int] = {}
    for key, raw, value in _pairs(query, problems):
        if key == "scenario":
            state = replace(state, scenario=RENAMED_SCENARIOS.get(value, value))
        elif key == "tolerance":
            tau = _bounded(key, raw, *TOLERANCE_RANGE, problems, unit=" of pounds per patient")
            if tau is not None:
                state = replace(state, tolerance=tau)
        elif key == "rule":
            known = [r.key for r in RULES]
            if value in known:
                state = replace(state, rule=value)
            else:
                problems.append(f"Ignored rule '{_short(raw)}': choose one of {', '.join(known)}.")
        elif key == "changes":
            state = replace(state, changes=tuple(k for k in value.split(",") if k))
        elif key.startswith("list_"):
            size = _bounded(f"list size for {_short(key[5:])}", raw, *LIST_SIZE_RANGE, problems, whole=True,
                            unit=" of patients")
            if size is not None:
                sizes[key[5:]] = size
        else:
            problems.append(f"Ignored unknown setting '{_short(key)}'.")
    return replace(state, list_sizes=tuple(sorted(sizes.items()))), problems


def _pairs(query: str, problems: list[str]):
    """(key, raw value, stripped value) for each setting of a link; an over-long link is cut first,
    with a message."""
    if len(query) > MAX_QUERY:
        problems.append(f"The link was longer than {MAX_QUERY:,} characters; only the start was read.")
    for key, raw in parse_qsl(query[:MAX_QUERY].lstrip("?"), keep_blank_values=True):
        yield key, raw, raw.strip()


def _bounded(name: str, raw: str, lo: float, hi: float, problems: list[str], *, whole: bool = False,
             unit: str = "") -> float | int | None:
    """``raw`` as a number from ``lo`` to ``hi`` (a whole one if ``whole``), or None with a message."""
    x = _number(raw.strip())
    if x is None or (whole and x != int(x)) or not lo <= x <= hi:
        show = (lambda v: f"{v:,.0f}") if whole and hi >= 10_000 else (lambda v: f"{v:g}")
        problems.append(f"Ignored {name} '{_short(raw)}': it must be {'a whole number' if whole else 'a number'}"
                        f"{unit} from {show(lo)} to {show(hi)}.")
        return None
    return int(x) if whole else x


def _number(text: str) -> float | None:
    try:
        x = float(text.replace(",", ""))
    except ValueError:
        return None
    return x if x == x and abs(x) != float("inf") else None


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class ScaleState:
    area: str = ""  # 2021 CCG code; "" means the area nearest the national median size
    target_min: int = 30_000  # patients
    target_max: int = 50_000
    hospital: int = 300_000  # an acute trust's catchment (Gowland's round figure)
    voice_weight: float = 0.5

    def to_query(self) -> str:
        default = ScaleState()
        pairs = [(k, str(getattr(self, k))) for k in ("area", "target_min", "target_max", "hospital", "voice_weight")
                 if getattr(self, k) != getattr(default, k)]
        return urlencode(pairs)


SCALE_LIMITS = {"target_min": (1_000, 400_000), "target_max": (1_000, 400_000), "hospital": (10_000, 2_000_000)}


def scale_from_query(query: str) -> tuple[ScaleState, list[str]]:
    """Parse a scale-chapter link; the area code is checked later, against the data."""
    problems: list[str] = []
    values: dict = {}
    for key, raw, value in _pairs(query, problems):
        if key == "area":
            values["area"] = value.upper()
        elif key in SCALE_LIMITS:
            x = _bounded(key, raw, *SCALE_LIMITS[key], problems, whole=True, unit=" of patients")
            if x is not None:
                values[key] = x
        elif key == "voice_weight":
            x = _bounded(key, raw, 0, 1, problems)
            if x is not None:
                values[key] = x
        else:
            problems.append(f"Ignored unknown setting '{_short(key)}'.")
    state = replace(ScaleState(), **values)
    if state.target_min > state.target_max:
        problems.append(f"The target band was upside down ({state.target_min:,} above {state.target_max:,}); the two ends were swapped.")
        state = replace(state, target_min=state.target_max, target_max=state.target_min)
    return state, problems


# ------------------------------------------------------------------ the trust chapter

TRUST_STEPS = ("hook", "strategies", "match", "noise", "tournament", "evolution", "communication", "thread",
               "sandbox")
# Steps that moved to the chapter "Deciding together" (notebooks/04b_deciding_together.ipynb), with
# their settings (DECIDING_LIMITS). serve.py redirects old links to them; the trust app, opened some
# other way, shows a link instead (``moved_step``).
MOVED_STEPS = ("decisions", "access")
# name -> (kind, low, high) for numbers; every numeric setting of the trust app is bounded here.
TRUST_LIMITS: dict[str, tuple[type, float, float]] = {
    "rounds": (int, 1, 50), "noise": (float, 0.0, 0.5), "seed": (int, 0, 10_000),
    "both_share": (float, -5, 5), "sucker": (float, -5, 5), "temptation": (float, -5, 5), "both_hoard": (float, -5, 5),
    "generations": (int, 1, 50), "replace": (int, 1, 10), "effort": (float, 0.0, 1.0), "cost": (float, 0.0, 3.0),
    "links": (int, 1, 6), "link_noise": (float, 0.0, 0.25),
}
MIX_LIMIT = 15  # players of one strategy in the tournament and the evolving network


@dataclass(frozen=True)
class TrustState:
    step: str = "hook"
    a: str = "tit_for_tat"
    b: str = "detective"
    rounds: int = 10  # Case's matches are ten rounds long
    noise: float = 0.0
    seed: int = 1
    both_share: float = 2.0  # Nicky Case's payoffs
    sucker: float = -1.0
    temptation: float = 3.0
    both_hoard: float = 0.0
    mix: tuple[tuple[str, int], ...] = (("always_share", 5), ("always_hoard", 5), ("tit_for_tat", 5),
                                        ("tit_for_two_tats", 5), ("grudger", 5))
    generations: int = 20
    replace: int = 5  # Case replaces the bottom five with copies of the top five
    effort: float = 0.0
    cost: float | None = None  # None: the model's default cost of communicating
    links: int = 3  # the golden thread: group -> PCN -> practice manager -> practice
    link_noise: float = 0.05  # chance a message goes astray at each link

    def to_query(self) -> str:
        default = TrustState()
        pairs = []
        for name in ("step", "a", "b", *TRUST_LIMITS):
            value = getattr(self, name)
            if value != getattr(default, name) and value is not None:
                pairs.append((name, f"{value:g}" if isinstance(value, float) else str(value)))
        if self.mix != default.mix:
            pairs += [(f"mix_{key}", str(count)) for key, count in self.mix]
        return urlencode(pairs)


def trust_from_query(query: str, strategies: tuple[str, ...]) -> tuple[TrustState, list[str]]:
    """Parse a trust-chapter link; ``strategies`` are the known strategy keys (from the model)."""
    problems: list[str] = []
    values: dict = {}
    mix: dict[str, int] = {}
    for key, raw, value in _pairs(query, problems):
        if key == "step":
            if value in TRUST_STEPS:
                values["step"] = value
            elif value not in MOVED_STEPS:  # a moved step: the app points to its new chapter
                problems.append(f"Ignored step '{_short(raw)}': choose one of {', '.join(TRUST_STEPS)}.")
        elif key in ("a", "b"):
            if value in strategies:
                values[key] = value
            else:
                problems.append(f"Ignored player {key.upper()} '{_short(raw)}': choose one of {', '.join(strategies)}.")
        elif key in TRUST_LIMITS:
            kind, lo, hi = TRUST_LIMITS[key]
            x = _bounded(key, raw, lo, hi, problems, whole=kind is int)
            if x is not None:
                values[key] = x
        elif key.startswith("mix_"):
            name = key[4:]
            if name not in strategies:
                problems.append(f"Ignored unknown strategy '{_short(name)}' in the mix.")
            elif (x := _bounded(_short(key), raw, 0, MIX_LIMIT, problems, whole=True)) is not None:
                mix[name] = x
        elif key in DECIDING_LIMITS or key in DECIDING_CHOICES:
            pass  # a setting of the steps that moved to "Deciding together": read there, not here
        else:
            problems.append(f"Ignored unknown setting '{_short(key)}'.")
    if mix:
        if sum(mix.values()) < 2:
            problems.append("Ignored the population mix: it needs at least two players.")
        else:
            values["mix"] = tuple((k, mix[k]) for k in strategies if mix.get(k))
    return replace(TrustState(), **values), problems


def moved_step(query: str) -> str | None:
    """The step a trust-chapter link asks for when it has moved to "Deciding together", else None.

    >>> moved_step("?step=decisions&practices=12"), moved_step("step=noise"), moved_step("")
    ('decisions', None, None)
    """
    steps = [v.strip() for k, v in parse_qsl(query[:MAX_QUERY].lstrip("?"), keep_blank_values=True) if k == "step"]
    return steps[-1] if steps and steps[-1] in MOVED_STEPS else None


# ------------------------------------------------------------------ the deciding-together chapter

DECIDING_STEPS = ("hook", "decisions", "access", "representation", "sandbox")
# Numbers; the first seven are the settings the trust app's old steps 7 and 8 used, same names and
# bounds, so an old link opens here unchanged.
DECIDING_LIMITS: dict[str, tuple[type, float, float]] = {
    "practices": (int, 3, 30), "meetings": (int, 4, 100), "rogue_step": (float, 0.0, 0.5),
    "consensus_meetings": (int, 1, 4), "p_yes": (float, 0.0, 1.0), "pcns": (int, 1, 20), "seed": (int, 0, 10_000),
    "committed": (int, 0, 20), "spread": (float, 0.0, 5.0), "people": (int, 1, 12),
}
# Yes/no and named choices of the representation step.
DECIDING_CHOICES: dict[str, tuple[str, ...]] = {
    "briefed": ("0", "1"), "report": ("0", "1"), "admin": ("0", "1"), "mandate": ("none", "rigid", "review"),
}
# The trust game's own settings: an old trust link sent here may carry them; they are not ours.
_TRUST_ONLY = frozenset({"a", "b"}) | frozenset(TRUST_LIMITS) - frozenset(DECIDING_LIMITS)


@dataclass(frozen=True)
class DecidingState:
    step: str = "hook"
    practices: int = 8
    meetings: int = 48  # long enough for consensus to overtake with the other defaults
    rogue_step: float = 0.10
    consensus_meetings: int = 2
    spread: float = 2.0  # how differently practices value one proposal (the model's default)
    p_yes: float = 0.3
    pcns: int = 6
    committed: int | None = None  # PCNs that send approaches to the front door; None: all of them
    people: int = 6  # representation starts from "whoever volunteers" (models.representation)
    briefed: bool = False
    mandate: str = "none"
    report: bool = False  # an agreed process for reporting back
    admin: bool = False  # admin support for the actions
    seed: int = 1

    def to_query(self) -> str:
        default = DecidingState()
        pairs = [("step", self.step)] if self.step != default.step else []
        for name in (*DECIDING_LIMITS, *DECIDING_CHOICES):
            value = getattr(self, name)
            if value != getattr(default, name) and value is not None:
                text = str(int(value)) if isinstance(value, bool) else f"{value:g}" if isinstance(value, float) else str(value)
                pairs.append((name, text))
        return urlencode(pairs)


def deciding_from_query(query: str) -> tuple[DecidingState, list[str]]:
    """Parse a deciding-together link (or an old trust link to steps 7 and 8)."""
    problems: list[str] = []
    values: dict = {}
    for key, raw, value in _pairs(query, problems):
        if key == "step":
            if value in DECIDING_STEPS:
                values["step"] = value
            else:
                problems.append(f"Ignored step '{_short(raw)}': choose one of {', '.join(DECIDING_STEPS)}.")
        elif key in DECIDING_LIMITS:
            kind, lo, hi = DECIDING_LIMITS[key]
            x = _bounded(key, raw, lo, hi, problems, whole=kind is int)
            if x is not None:
                values[key] = x
        elif key in DECIDING_CHOICES:
            if value in DECIDING_CHOICES[key]:
                values[key] = value if key == "mandate" else value == "1"
            else:
                problems.append(f"Ignored {key} '{_short(raw)}': choose one of {', '.join(DECIDING_CHOICES[key])}.")
        elif key in _TRUST_ONLY or key.startswith("mix_"):
            pass  # the trust game's settings, on an old link to a step that moved here
        else:
            problems.append(f"Ignored unknown setting '{_short(key)}'.")
    state = replace(DecidingState(), **values)
    if state.committed is not None and state.committed > state.pcns:
        problems.append(f"Ignored committed '{state.committed}': only {state.pcns} PCNs can be asked, so at most "
                        f"{state.pcns} can use the front door.")
        state = replace(state, committed=None)
    return state, problems


# ------------------------------------------------------------------ the springboard-stories chapter

@dataclass(frozen=True)
class StoriesState:
    """Topics and scale a group chose, and the bank story it starts from. The draft itself stays
    out of links (it can be long and personal); it lives in the browser tab instead."""

    tags: tuple[str, ...] = ()
    scale: str = ""  # "" means any scale
    story: str = ""  # "" means the best match

    def to_query(self) -> str:
        pairs = [("tags", ",".join(self.tags))] if self.tags else []
        pairs += [(k, getattr(self, k)) for k in ("scale", "story") if getattr(self, k)]
        return urlencode(pairs)


def stories_from_query(query: str, tags: tuple[str, ...], scales: tuple[str, ...]) -> tuple[StoriesState, list[str]]:
    """Parse a stories-chapter link; ``tags`` and ``scales`` are the known keys (story ids are
    checked later, against the bank)."""
    problems: list[str] = []
    values: dict = {}
    for key, raw, value in _pairs(query, problems):
        if key == "tags":
            chosen = [t for t in (x.strip() for x in value.split(",")) if t]
            unknown = [t for t in chosen if t not in tags]
            if unknown:
                problems.append(f"Ignored unknown topic(s) {', '.join(repr(_short(t)) for t in unknown[:5])}.")
            values["tags"] = tuple(dict.fromkeys(t for t in chosen if t in tags))
        elif key == "scale":
            if value in scales or value == "":
                values["scale"] = value
            else:
                problems.append(f"Ignored scale '{_short(raw)}': choose one of {', '.join(scales)}.")
        elif key == "story":
            values["story"] = value[:60]
        else:
            problems.append(f"Ignored unknown setting '{_short(key)}'.")
    return replace(StoriesState(), **values), problems


# ------------------------------------------------------------------ the what-is-a-PCN-for chapter

PURPOSE_STEPS = ("hook", "compass", "statement", "readiness", "reasons", "summary")
# The learner's placement of their PCN on the purpose compass: whole points from 0 to 10 on each
# axis (models.purpose.AXIS_MIN/AXIS_MAX). Nothing the learner types goes into a link.
PURPOSE_LIMITS: dict[str, tuple[type, float, float]] = {"inward": (int, 0, 10), "outward": (int, 0, 10)}


@dataclass(frozen=True)
class PurposeState:
    """The step and the learner's compass placement. The purpose statement, the readiness scores
    and the reasons sort stay out of links: a link is for a view, not for someone's answers."""

    step: str = "hook"
    inward: int = 5  # the middle of both axes: no view yet
    outward: int = 5

    def to_query(self) -> str:
        default = PurposeState()
        pairs = [(k, str(getattr(self, k))) for k in ("step", *PURPOSE_LIMITS)
                 if getattr(self, k) != getattr(default, k)]
        return urlencode(pairs)


def purpose_from_query(query: str) -> tuple[PurposeState, list[str]]:
    """Parse a what-is-a-PCN-for link; every bad value is ignored with a plain message."""
    problems: list[str] = []
    values: dict = {}
    for key, raw, value in _pairs(query, problems):
        if key == "step":
            if value in PURPOSE_STEPS:
                values["step"] = value
            else:
                problems.append(f"Ignored step '{_short(raw)}': choose one of {', '.join(PURPOSE_STEPS)}.")
        elif key in PURPOSE_LIMITS:
            _, lo, hi = PURPOSE_LIMITS[key]
            x = _bounded(key, raw, lo, hi, problems, whole=True, unit=" of compass points")
            if x is not None:
                values[key] = x
        else:
            problems.append(f"Ignored unknown setting '{_short(key)}'.")
    return replace(PurposeState(), **values), problems
