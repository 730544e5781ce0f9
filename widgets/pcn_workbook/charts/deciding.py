"""Charts for the chapter "Deciding together": vote or consensus, one front door, representation.

Live charts follow the pattern of ``charts.trust``: a fixed template (cached) whose data come in as
named datasets, plus a ``*_parts`` function giving the data and the description for one update.
Every chart carries a ``description`` that states its figures, and lines are told apart by dash
pattern as well as colour.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

from ..lazy import lazy_module
from ..models import representation as rep
from ._altair import altair
from .theme import NEUTRAL, OKABE_ITO

alt = lazy_module("altair", globals(), "alt", load=altair)  # imported when a chart is first built

REGIME_WORDS = {"vote": "Majority vote", "consensus": "Consensus"}
WAY_WORDS = {"yours": "Your way", "advice": "Gowland's advice", "volunteers": "Whoever volunteers"}
WAY_COLOURS = ["#000000", OKABE_ITO[0], OKABE_ITO[5]]
WAY_DASHES = [[1, 0], [8, 4], [2, 3]]
NARROW = 460  # px: fits a laptop beside the controls; phones scroll the chart sideways
PHONE = 300  # px: the representation chart (the step most used on phones) fits a 390 px screen


# ---------------------------------------------------------------- vote or consensus

def decisions_parts(rows: Sequence[Mapping]) -> dict:
    table = [{"meeting": int(r["meeting"]), "regime": REGIME_WORDS[r["regime"]], "value": float(r["value"]),
              "rogue": float(r["rogue"]), "decisions": float(r["decisions"])} for r in rows]
    last = {t["regime"]: t for t in table if t["meeting"] == max(x["meeting"] for x in table)}
    summary = "; ".join(f"{k}: value {v['value']:.1f}, {v['decisions']:.1f} decisions, {v['rogue']:.1f} practices gone rogue"
                        for k, v in last.items())
    return {
        "datasets": {"decisions": table},
        "description": f"Two line charts over meetings, cumulative value delivered and practices gone rogue, "
                       f"for majority vote and consensus. At the last meeting: {summary}.",
    }


@lru_cache(maxsize=1)
def decisions_template() -> alt.VConcatChart:
    base = alt.Chart(alt.NamedData("decisions"))
    colour = alt.Color("regime:N", title=None, scale=alt.Scale(domain=list(REGIME_WORDS.values()), range=[OKABE_ITO[5], OKABE_ITO[0]]),
                       legend=alt.Legend(orient="bottom", labelLimit=0))
    dash = alt.StrokeDash("regime:N", sort=list(REGIME_WORDS.values()), legend=None)
    x = alt.X("meeting:Q", title="Meeting", axis=alt.Axis(tickMinStep=1, format="d"))
    value = base.mark_line(strokeWidth=3).encode(x=x, y=alt.Y("value:Q", title="Value delivered so far"), color=colour, strokeDash=dash,
                                                tooltip=["regime:N", "meeting:Q", alt.Tooltip("value:Q", format=".1f")])
    rogue = base.mark_line(strokeWidth=3, interpolate="step-after").encode(
        x=x, y=alt.Y("rogue:Q", title="Practices gone rogue"), color=colour, strokeDash=dash,
        tooltip=["regime:N", "meeting:Q", alt.Tooltip("rogue:Q", format=".1f")])
    return alt.vconcat(value.properties(width=NARROW, height=220), rogue.properties(width=NARROW, height=120), spacing=12).properties(
        title=alt.Title("Majority vote or consensus? An illustrative model", subtitle="Averages over many runs of the same settings"))


def decisions_chart(rows: Sequence[Mapping]) -> alt.VConcatChart:
    """Cumulative value and rogue practices by meeting under majority vote and under consensus."""
    return decisions_template().properties(**decisions_parts(rows))


# ---------------------------------------------------------------- single point of access

def access_parts(table: Sequence[Mapping], gatekeeper: float, committed: int | None = None) -> dict:
    """``table`` from ``decisions.asks_table``; ``gatekeeper`` is the chance of a yes through the door
    (``decisions.door_yes``), used by ``committed`` PCNs (all of them when None)."""
    rows = [{"asks": int(r["asks"]), "chance": float(r["chance_yes_by_then"])} for r in table]
    last = rows[-1]
    door = ("one front door" if committed is None or committed >= last["asks"]
            else f"a front door {committed} of {last['asks']} PCNs use")
    return {
        "datasets": {"asks": rows, "gate": [{"y": float(gatekeeper)}]},
        "title": {"text": "Asking around until someone says yes",
                  "subtitle": f"Bars: the system asks PCN after PCN. Dashed blue line: {door}, yes {gatekeeper:.0%} of the time"},
        "description": (f"Bar chart of the chance the system has found a yes after asking 1 to {last['asks']} PCNs in turn; "
                        f"after all {last['asks']} it is {last['chance']:.0%}, against {gatekeeper:.0%} through {door}."),
    }


@lru_cache(maxsize=1)
def access_template() -> alt.LayerChart:
    bars = alt.Chart(alt.NamedData("asks")).mark_bar(color=OKABE_ITO[5]).encode(
        x=alt.X("asks:O", title="PCNs asked in turn", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("chance:Q", title="Chance someone has said yes", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        tooltip=[alt.Tooltip("asks:O"), alt.Tooltip("chance:Q", format=".0%")])
    text = bars.mark_text(dy=-8, fontSize=14, color="#000").encode(text=alt.Text("chance:Q", format=".0%"))
    rule = alt.Chart(alt.NamedData("gate")).mark_rule(color=OKABE_ITO[0], strokeWidth=3, strokeDash=[6, 3]).encode(y="y:Q")
    return (bars + text + rule).properties(width=NARROW, height=260)


def access_chart(table: Sequence[Mapping], gatekeeper: float, committed: int | None = None) -> alt.LayerChart:
    """The chance a request finds a yes when the system may ask PCN after PCN, against the door."""
    return access_template().properties(**access_parts(table, gatekeeper, committed))


# ---------------------------------------------------------------- representation

def representation_parts(rows: Sequence[Mapping], collapse: float = rep.RepresentationSettings().collapse) -> dict:
    """``rows`` from ``representation.compare_over_seeds`` with ways named as in WAY_WORDS."""
    table = [{"meeting": int(r["meeting"]), "way": WAY_WORDS.get(r["way"], str(r["way"])), "total": float(r["total"]),
              "trust": float(r["trust"]), "collapsed": float(r["collapsed"])} for r in rows]
    end = max(t["meeting"] for t in table)
    last = [t for t in table if t["meeting"] == end]
    summary = "; ".join(f"{t['way']}: {t['total']:.1f} units of influence kept, trust {t['trust']:.2f}, "
                        f"collapsed in {t['collapsed']:.0%} of runs" for t in last)
    return {
        "datasets": {"representation": table, "floor": [{"y": float(collapse)}]},
        "description": (f"Two line charts over {end} system meetings, for each way of working: the influence general "
                        f"practice has kept so far, and the group's trust in its representation (representation "
                        f"collapses below {collapse:g}). At the last meeting: {summary}."),
    }


@lru_cache(maxsize=1)
def representation_template() -> alt.VConcatChart:
    base = alt.Chart(alt.NamedData("representation"))
    domain = list(WAY_WORDS.values())
    colour = alt.Color("way:N", title=None, scale=alt.Scale(domain=domain, range=WAY_COLOURS),
                       legend=alt.Legend(orient="bottom", labelLimit=0, columns=1))
    dash = alt.StrokeDash("way:N", scale=alt.Scale(domain=domain, range=WAY_DASHES), legend=None)
    x = alt.X("meeting:Q", title="System meeting", axis=alt.Axis(tickMinStep=1, format="d"))
    kept = base.mark_line(strokeWidth=3).encode(
        x=x, y=alt.Y("total:Q", title="Influence kept so far"), color=colour, strokeDash=dash,
        tooltip=["way:N", "meeting:Q", alt.Tooltip("total:Q", format=".1f", title="influence kept")])
    trust = base.mark_line(strokeWidth=3).encode(
        x=x, y=alt.Y("trust:Q", title="Group's trust", scale=alt.Scale(domain=[0, 1])), color=colour, strokeDash=dash,
        tooltip=["way:N", "meeting:Q", alt.Tooltip("trust:Q", format=".2f"),
                 alt.Tooltip("collapsed:Q", format=".0%", title="runs collapsed")])
    floor = alt.Chart(alt.NamedData("floor")).mark_rule(color=NEUTRAL, strokeDash=[3, 3], strokeWidth=2).encode(y="y:Q")
    return alt.vconcat(kept.properties(width=PHONE, height=200), (trust + floor).properties(width=PHONE, height=110),
                       spacing=12).properties(
        title=alt.Title("Who speaks for general practice?",
                        subtitle=["An illustrative model, averaged over 40 runs.", "Grey dotted line: below it,",
                                  "representation collapses."]))


def representation_chart(rows: Sequence[Mapping], collapse: float = rep.RepresentationSettings().collapse) -> alt.VConcatChart:
    """Influence kept and trust in the representation, meeting by meeting, for each way of working."""
    return representation_template().properties(**representation_parts(rows, collapse))
