"""Charts for "What is a PCN for?": the purpose compass and the readiness spread.

Each chart follows the live pattern of ``charts.scale``: a fixed, cached ``*_template()`` plus
``*_parts(...)`` returning what changes between updates (named datasets, title, description), which
``charts.live.update_chart`` swaps in place; ``*_chart(...)`` joins the two for static use (the
book, tests, exports). Every chart carries a ``description`` that says what it shows now, for
screen readers. Colours come from the Okabe-Ito palette (``charts.theme``) and never carry meaning
alone: references have shapes and labels, the chosen PCN's members are filled, larger and named,
and the slowest practice on an item is a triangle as well as a colour.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache

from ..lazy import lazy_module
from ..models import purpose as pm
from ..tables import records
from ._altair import altair
from .theme import LOSS, NEUTRAL, OKABE_ITO

alt = lazy_module("altair", globals(), "alt", load=altair)  # imported when a chart is first built
pd = lazy_module("pandas", globals(), "pd")  # for annotations: a frame passed in is read without importing it

REFERENCE_SHAPES = ["square", "triangle-up", "diamond", "cross", "triangle-down", "wedge"]
CORNERS = [  # the middle of each quadrant's outer edge (the compass's MIDPOINT splits the axes)
    {"inward": 7.5, "outward": 0.4, "text": "mostly inward"},
    {"inward": 2.5, "outward": 9.6, "text": "mostly outward"},
    {"inward": 7.5, "outward": 9.6, "text": "both"},
    {"inward": 2.5, "outward": 0.4, "text": "neither yet"},
]
FOCUS, OTHER = OKABE_ITO[0], NEUTRAL
SLOWEST, PRACTICE = "slowest on this item", "a practice's score"
NUDGE = 0.14  # score units between practices that gave an item the same score (drawn side by side)


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


# --- compass -------------------------------------------------------------------------------------

def compass_parts(references: pd.DataFrame | Iterable[Mapping], placements: Iterable[pm.Placement] = (), pcn: str | None = None) -> dict:
    """What changes between updates of the compass: the reference points, the room's placements
    (those of ``pcn`` marked and named), the room's centre, the furthest pair of ``pcn`` and the
    text alternative. ``references`` is :func:`pcn_workbook.data.purpose_references` or its rows
    (:func:`pcn_workbook.data.purpose_reference_rows`)."""
    placements = tuple(placements)
    refs = [{"label": r["label"], "inward": float(r["inward"]), "outward": float(r["outward"]),
             "basis": "example given by the source" if r["role"] == "source_example" else "placed by the workbook"}
            for r in records(references)]
    points = [{"who": p.who, "pcn": p.pcn, "inward": p.inward, "outward": p.outward,
               "focus": bool(pcn) and p.pcn == pcn} for p in placements]
    ref_text = "; ".join(f"{r['label']} at inward {_fmt(r['inward'])}, outward {_fmt(r['outward'])}" for r in refs)
    centre, furthest, parts = [], [], []
    if placements:
        room = pm.summarise_room(placements)
        ci, co = room.centre
        centre = [{"inward": ci, "outward": co, "label": "room centre"}]
        parts.append(f"{room.count} {'placement' if room.count == 1 else 'placements'} in the room, centred at "
                     f"inward {_fmt(ci)}, outward {_fmt(co)} ({pm.reading(ci, co)})")
        if pcn:
            spread = room.pcn(pcn)
            if spread.furthest:
                a, b, d = spread.furthest
                furthest = [{"who": w, "inward": p.inward, "outward": p.outward}
                            for w in (a, b) for p in placements if p.pcn == pcn and p.who == w][:2]
                parts.append(f"{pcn}: {spread.count} views; {a} and {b} stand furthest apart, {_fmt(d)} points")
            else:
                parts.append(f"{pcn}: one view so far")
    else:
        parts.append("No placements yet")
    subtitle = ("Shapes: cited reference points. Filled, named circles: "
                f"{pcn}'s members. Hollow circles: the rest of the room. Cross: the room's centre."
                if pcn else "Shapes: cited reference points. Hollow circles: the room. Cross: the room's centre.")
    return {
        "datasets": {"references": refs, "placements": points, "centre": centre, "furthest": furthest},
        "title": {"text": "The purpose compass", "subtitle": subtitle},
        "description": (f"Scatter chart of purpose, inward (keeping core general practice viable) across and "
                        f"outward (the community's health) up, both 0 to 10. Reference points: {ref_text}. "
                        + ". ".join(parts) + "."),
    }


@lru_cache(maxsize=1)
def compass_template() -> alt.LayerChart:
    """The compass's fixed design; data arrive through ``compass_parts``."""
    scale = alt.Scale(domain=[0, 10], nice=False)
    x = alt.X("inward:Q", title="Inward: keeping core general practice viable", scale=scale)
    y = alt.Y("outward:Q", title="Outward: the community's health", scale=scale)
    mid = alt.InlineData(values=[{"v": pm.MIDPOINT}])  # moved to a named dataset, as a frame was
    vline = alt.Chart(mid).mark_rule(color="#bbbbbb", strokeDash=[4, 4]).encode(x=alt.X("v:Q", scale=scale))
    hline = alt.Chart(mid).mark_rule(color="#bbbbbb", strokeDash=[4, 4]).encode(y=alt.Y("v:Q", scale=scale))
    corners = alt.Chart(alt.InlineData(values=[dict(c) for c in CORNERS])).mark_text(color="#555555", fontSize=14, fontStyle="italic").encode(
        x=x, y=y, text="text:N")
    others = alt.Chart(alt.NamedData("placements")).transform_filter("!datum.focus").mark_point(
        shape="circle", filled=False, size=110, strokeWidth=2, color=OTHER, aria=False).encode(
        x=x, y=y, tooltip=[alt.Tooltip("who:N", title="Placed by"), alt.Tooltip("pcn:N", title="PCN"),
                           alt.Tooltip("inward:Q", format=".1f"), alt.Tooltip("outward:Q", format=".1f")])
    link = alt.Chart(alt.NamedData("furthest")).mark_line(color=FOCUS, strokeDash=[6, 3], strokeWidth=2, aria=False).encode(x=x, y=y)
    focus = alt.Chart(alt.NamedData("placements")).transform_filter("datum.focus")
    members = focus.mark_point(shape="circle", filled=True, size=200, color=FOCUS, opacity=1, aria=False).encode(
        x=x, y=y, tooltip=[alt.Tooltip("who:N", title="Placed by"), alt.Tooltip("pcn:N", title="PCN"),
                           alt.Tooltip("inward:Q", format=".1f"), alt.Tooltip("outward:Q", format=".1f")])
    names = focus.mark_text(align="left", dx=10, dy=-8, fontSize=14, color="#000000", aria=False).encode(x=x, y=y, text="who:N")
    refs = alt.Chart(alt.NamedData("references"))
    ref_points = refs.mark_point(filled=True, size=260, color="#000000", opacity=1).encode(
        x=x, y=y, shape=alt.Shape("label:N", title="Reference points", scale=alt.Scale(range=REFERENCE_SHAPES),
                                  legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=0)),
        tooltip=[alt.Tooltip("label:N", title="Reference"), alt.Tooltip("basis:N", title="Placed"),
                 alt.Tooltip("inward:Q", format=".0f"), alt.Tooltip("outward:Q", format=".0f")])
    ref_names = refs.mark_text(align="left", dx=12, dy=10, fontSize=14, fontWeight="bold", color="#000000").encode(
        x=x, y=y, text="label:N")
    centre = alt.Chart(alt.NamedData("centre")).mark_point(shape="cross", filled=True, size=320, color=LOSS, opacity=1, aria=False).encode(
        x=x, y=y, tooltip=[alt.Tooltip("label:N", title=" "), alt.Tooltip("inward:Q", format=".1f"),
                           alt.Tooltip("outward:Q", format=".1f")])
    # Layers that may be empty (no room yet, one placement) carry no role of their own: an empty
    # marked group is an image without words to a screen reader; the chart's description says it all.
    return (vline + hline + corners + others + link + members + names + ref_points + ref_names + centre).properties(
        width=460, height=460)


def compass_chart(references: pd.DataFrame | Iterable[Mapping], placements: Iterable[pm.Placement] = (), pcn: str | None = None) -> alt.LayerChart:
    """The compass with the references, the room's placements and ``pcn``'s members named."""
    return compass_template().properties(**compass_parts(references, placements, pcn))


# --- readiness -----------------------------------------------------------------------------------

def _tag(practice: str) -> str:
    """A short label for a point: 'Practice C' -> 'C'; other names are kept as they are."""
    return practice[len("Practice "):] if practice.startswith("Practice ") and len(practice) > 9 else practice


def readiness_parts(summary: pm.ReadinessSummary, scores: Mapping[str, Mapping[str, int]],
                    labels: Mapping[str, str] | None = None) -> dict:
    """What changes between updates of the readiness chart: each practice's score per item (the
    slowest marked), each item's range and mean, and the text alternative. ``labels`` maps item
    keys to the names shown (``readiness_items()``'s label column); keys are shown otherwise."""
    labels = dict(labels or {})
    rows, items = [], []
    for order, spread in enumerate(summary.items):
        label = labels.get(spread.item, spread.item)
        items.append({"item": spread.item, "label": label, "order": order, "mean": spread.mean,
                      "min": spread.min, "max": spread.max})
        same: dict[int, list[str]] = {}
        for practice in summary.practices:
            same.setdefault(int(scores[practice][spread.item]), []).append(practice)
        for score, group in same.items():
            for k, practice in enumerate(group):
                rows.append({"item": spread.item, "label": label, "order": order, "practice": practice,
                             "tag": _tag(practice), "score": score,
                             "x": score + (k - (len(group) - 1) / 2) * NUDGE,
                             "status": SLOWEST if practice in spread.slowest else PRACTICE})
    widest = summary.widest(3)
    wide = "; ".join(f"{labels.get(w.item, w.item)} (from {w.min} to {w.max})" for w in widest)
    n = len(summary.practices)
    return {
        "datasets": {"scores": rows, "items": items},
        "title": {"text": "Where each practice thinks it is",
                  "subtitle": f"{n} practices, 1 not started to 4 established. Grey bar: lowest to highest, "
                              "tick: mean, triangle: slowest"},
        "description": (f"Strip chart of readiness scores of {n} practices on {len(summary.items)} items, each "
                        f"practice a labelled point from 1 to 4. Widest disagreement: {wide}. Slowest practice "
                        f"overall: {summary.slowest_practice} (mean {summary.practice_means[summary.slowest_practice]:.2f}). "
                        f"Pace of the slowest, the mean of each item's lowest score: {summary.pace_of_slowest:.2f}, "
                        f"against a mean of every score of {summary.overall_mean:.2f}."),
    }


@lru_cache(maxsize=1)
def readiness_template() -> alt.LayerChart:
    """The readiness chart's fixed design; data arrive through ``readiness_parts``."""
    y = alt.Y("label:N", title=None, sort=alt.EncodingSortField(field="order", op="min"),
              axis=alt.Axis(labelFontSize=15, labelLimit=320))
    x = alt.X("x:Q", title="Self-assessed score (1 not started, 4 established)",
              scale=alt.Scale(domain=[0.5, 4.5], nice=False), axis=alt.Axis(values=[1, 2, 3, 4], format="d"))
    items = alt.Chart(alt.NamedData("items"))
    span = items.mark_bar(height=8, color="#d9d9d9").encode(x=alt.X("min:Q", scale=alt.Scale(domain=[0.5, 4.5], nice=False)),
                                                            x2="max:Q", y=y)
    mean = items.mark_tick(color="#000000", thickness=3, size=26).encode(
        x=alt.X("mean:Q", scale=alt.Scale(domain=[0.5, 4.5], nice=False)), y=y,
        tooltip=[alt.Tooltip("label:N", title="Item"), alt.Tooltip("mean:Q", format=".2f", title="Mean"),
                 alt.Tooltip("min:Q", title="Lowest"), alt.Tooltip("max:Q", title="Highest")])
    status = alt.Color("status:N", title=None, scale=alt.Scale(domain=[PRACTICE, SLOWEST], range=[OKABE_ITO[0], LOSS]),
                       legend=alt.Legend(orient="bottom", labelLimit=0))
    shape = alt.Shape("status:N", title=None, scale=alt.Scale(domain=[PRACTICE, SLOWEST], range=["circle", "triangle-down"]))
    scores = alt.Chart(alt.NamedData("scores"))
    points = scores.mark_point(filled=True, size=330, opacity=1).encode(
        x=x, y=y, color=status, shape=shape,
        tooltip=[alt.Tooltip("practice:N"), alt.Tooltip("label:N", title="Item"), alt.Tooltip("score:Q"),
                 alt.Tooltip("status:N", title=" ")])
    # white on blue, black on vermillion: both above 4.5:1 contrast
    tags = scores.mark_text(fontSize=11, fontWeight="bold", baseline="middle", dy=alt.expr(
        f"datum.status === '{SLOWEST}' ? -2 : 0")).encode(
        x=x, y=y, text="tag:N",
        color=alt.condition(f"datum.status === '{SLOWEST}'", alt.value("#000000"), alt.value("#ffffff")))
    return (span + mean + points + tags).properties(width=460, height=alt.Step(36))


def readiness_chart(summary: pm.ReadinessSummary, scores: Mapping[str, Mapping[str, int]],
                    labels: Mapping[str, str] | None = None) -> alt.LayerChart:
    """Each practice's score on every item, with the item's range, mean and slowest practice."""
    return readiness_template().properties(**readiness_parts(summary, scores, labels))
