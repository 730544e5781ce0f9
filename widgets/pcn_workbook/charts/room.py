"""Projector charts for a workshop: the room's answers run through each chapter's model.

Each chart comes in the pattern of ``charts.autonomy``: a fixed, cached ``*_template()`` whose data
arrive as named datasets; ``*_parts(result)`` gives the datasets, title and description of one
update (for ``charts.live.update_chart``); ``*_chart(result)`` is the two together; and
``*_text(result)`` is the chart's plain-language text alternative (also its ``description``).
Results come from ``models.room``.

Made for a projector: type of 18-24 px and about 900 px wide. Colours are the workbook's Okabe-Ito
palette (``charts.theme``), and nothing is told by colour alone: votes, statuses and the sources'
answers are also written in words or drawn as shapes. Every chart works on an empty room and
then says "No answers yet".

Participants' words (story titles) go into the charts only as data values, which Vega draws as
SVG text, never as HTML; none is used in a title, tooltip or expression. The ``*_text`` strings are
plain text: a caller that puts one in an HTML widget must escape it.
"""

from __future__ import annotations

from functools import lru_cache

from ..lazy import lazy_module
from ..models import purpose as pu
from ..models import room as rm
from ..models import trust
from ._altair import altair
from . import purpose as purpose_charts
from . import trust as trust_charts
from .theme import GAIN, LOSS, NEUTRAL, OKABE_ITO, money

alt = lazy_module("altair", globals(), "alt", load=altair)  # imported when a chart is first built

WIDTH = 900
LABEL_SIZE = 18  # axis and legend labels, text on marks
TITLE_SIZE = 20  # axis and legend titles
HEADING_SIZE = 24  # chart titles
SUBTITLE_SIZE = 19
NO_ANSWERS = "No answers yet"
VOTE_WORDS = {rm.YES: "Yes", rm.NO: "No"}
BY_WORDS = {rm.ROOM: "Its players", rm.MODEL: "The model (no one voted)"}
STATUS_WORDS = {"realised": "Realised", "blocked": "Blocked", "does not pay": "Not run"}


def _title(text: str, subtitle) -> dict:
    return {"text": text, "subtitle": subtitle, "fontSize": HEADING_SIZE, "subtitleFontSize": SUBTITLE_SIZE,
            "anchor": "start", "subtitleColor": "#333"}


def _axis(**kw) -> alt.Axis:
    return alt.Axis(labelFontSize=LABEL_SIZE, titleFontSize=TITLE_SIZE, titleFontWeight="normal", **kw)


def _legend(**kw) -> alt.Legend:
    return alt.Legend(labelFontSize=LABEL_SIZE, titleFontSize=TITLE_SIZE, labelLimit=0, symbolSize=260, **kw)


def _notice_layer(x: float, y: float | None = None, field: str = "label", order: str = "order") -> alt.Chart:
    """Big words in an otherwise empty chart ("No answers yet"); its dataset is empty otherwise.

    On a chart whose rows are a band scale (``field``, sorted by ``order``) the notice is a row of
    its own with a blank label, so an empty chart keeps the height of one row; otherwise it sits
    at pixel ``y``.
    """
    y_enc = alt.value(y) if y is not None else alt.Y(f"{field}:N", sort=alt.EncodingSortField(field=order, op="min"))
    return alt.Chart(alt.NamedData("notice")).mark_text(
        fontSize=28, fontWeight="bold", color="#333", align="center").encode(text="text:N", x=alt.value(x), y=y_enc)


def _notice(empty: bool, text: str = NO_ANSWERS, field: str = "label", order: str = "order") -> list[dict]:
    return [{"text": text, field: " ", order: -1}] if empty else []


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (plural or word + 's')}"


def _skips(result) -> str:
    if not result.skipped:
        return ""
    reasons = "; ".join(f"{n} {why}" for why, n in result.skip_reasons.items())
    return f" {_plural(result.skipped, 'answer')} could not be used ({reasons})."


def _names(items) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


# ---------------------------------------------------------------- purpose: the room on the compass

def _spread_words(spread: pu.PcnSpread) -> str:
    if spread.furthest is None:
        return f"{spread.pcn}: one view"
    a, b, d = spread.furthest
    return (f"{spread.pcn}: {spread.count} views, {a} and {b} furthest apart ({d:.1f} points; "
            f"mean distance {spread.mean_distance:.1f})")


def purpose_compass_text(room: rm.CompassRoom, references) -> str:
    """The room's compass in words: the centre and spread, then each PCN's spread, widest first."""
    refs = "; ".join(f"{r.label} at inward {r.inward:g}, outward {r.outward:g}" for r in references.itertuples())
    if room.summary is None:
        return f"{NO_ANSWERS}. Reference points: {refs}." + _skips(room)
    s = room.summary
    ci, co = s.centre
    head = (f"{_plural(room.answers, 'view')} of PCN purpose, centred at inward {ci:.1f}, outward {co:.1f} "
            f"({pu.reading(ci, co)}); the room stands on average {s.mean_distance_from_centre:.1f} points from "
            "its centre.")
    pcns = " ".join(_spread_words(p) + "." for p in s.pcns)
    ungrouped = sum(not v.pcn for v in room.views)
    loose = f" {_plural(ungrouped, 'view')} without a PCN group." if ungrouped else ""
    return f"{head} {pcns}{loose} Reference points: {refs}." + _skips(room)


def purpose_compass_chart(room: rm.CompassRoom, references) -> alt.LayerChart:
    """The room's views on the purpose compass with the cited reference points; the PCN whose
    members stand furthest apart is filled and tagged, its furthest pair joined by a dashed line."""
    focus = room.focus.pcn if room.focus else None
    parts = purpose_charts.compass_parts(references, room.placements, pcn=focus)
    where = (f"Filled, tagged circles: {focus}, whose views stand furthest apart; dashed line: its furthest pair."
             if focus else "Each circle is one participant's view of their PCN.")
    parts["title"] = _title("How the room sees its PCNs' purpose",
                            [f"{_plural(room.answers, 'view')}. " + where if room.answers else f"{NO_ANSWERS}.",
                             "Black shapes: cited reference points. Cross: the room's centre."])
    parts["description"] = purpose_compass_text(room, references)
    return purpose_charts.compass_template().properties(**parts).configure_axis(
        labelFontSize=LABEL_SIZE, titleFontSize=TITLE_SIZE).configure_legend(
        labelFontSize=LABEL_SIZE, titleFontSize=TITLE_SIZE)


# ---------------------------------------------------------------- purpose: the room's statements

def purpose_statements_text(room: rm.StatementsRoom, labels) -> str:
    """How many approved statements meet each of Smith's three questions."""
    if not room.statements:
        return f"{NO_ANSWERS}: no statement approved yet." + _skips(room)
    n = len(room.statements)
    meets = "; ".join(f"{labels.get(q, q)} {room.meets[q]} of {n}" for q in pu.QUESTIONS)
    return (f"{_plural(n, 'approved statement')}. Meeting each of Smith's three questions (the workbook's "
            f"illustrative cue words): {meets}. {room.all_three} of {n} meet all three." + _skips(room))


def purpose_statements_parts(room: rm.StatementsRoom, labels) -> dict:
    n = len(room.statements)
    bars = [{"label": labels.get(q, q), "order": i, "meets": room.meets[q],
             "share": room.meets[q] / n if n else 0.0, "text": f"{room.meets[q]} of {n}"}
            for i, q in enumerate(pu.QUESTIONS)] if n else []
    return {
        "datasets": {"bars": bars, "notice": _notice(not n, "No statement approved yet")},
        "title": _title("Do the room's statements answer Smith's three questions?",
                        [f"{_plural(n, 'approved statement')}; {room.all_three} meet all three." if n else NO_ANSWERS + ".",
                         "The check looks for the workbook's cue words: a prompt for discussion, not a grade."]),
        "description": purpose_statements_text(room, labels),
    }


@lru_cache(maxsize=1)
def purpose_statements_template() -> alt.LayerChart:
    base = alt.Chart(alt.NamedData("bars"))
    y = alt.Y("label:N", title=None, sort=alt.EncodingSortField(field="order", op="min"), axis=_axis(labelLimit=360, grid=False))
    bars = base.mark_bar(height=34, color=OKABE_ITO[0]).encode(
        x=alt.X("share:Q", title="Share of the approved statements that meet it", scale=alt.Scale(domain=[0, 1]),
                axis=_axis(format="%")), y=y)
    text = base.mark_text(align="left", dx=6, fontSize=LABEL_SIZE).encode(x="share:Q", y=y, text="text:N")
    return alt.layer(bars, text, _notice_layer(280)).properties(width=560, height=alt.Step(60))


def purpose_statements_chart(room: rm.StatementsRoom, labels) -> alt.LayerChart:
    """For each of Smith's three questions, how many approved statements meet it."""
    return purpose_statements_template().properties(**purpose_statements_parts(room, labels))


def statement_item(check: pu.StatementCheck, labels) -> dict:
    """One statement for a list (the projector's, the facilitator's queue): the line, and what it meets."""
    if check.error:
        note = check.error
    else:
        met = [labels.get(c.question, c.question) for c in check.checks if c.met]
        not_yet = [labels.get(c.question, c.question) for c in check.checks if not c.met]
        # the labels are the questions themselves ("Is it shared?"), so they need no other punctuation
        note = " ".join([f"Meets {check.met} of 3:" if met else "Meets none of the 3 yet.", *met]
                        + (["Not yet:", *not_yet] if not_yet and met else []))
    return {"title": check.statement, "text": "", "note": note}


# ---------------------------------------------------------------- purpose: the room's readiness

def _widest_order(room: rm.ReadinessRoom) -> list[str]:
    """The items, widest disagreement first (the file's order while nobody has answered)."""
    return list(room.items) if room.summary is None else [s.item for s in room.summary.widest(len(room.items))]


def purpose_readiness_text(room: rm.ReadinessRoom, every_item: bool = True) -> str:
    """The room's readiness in words: the widest disagreements, the pace of the slowest, each PCN,
    then (``every_item``: the chart's full text alternative) every item's split."""
    if room.summary is None:
        return f"{NO_ANSWERS}." + _skips(room)
    s = room.summary
    wide = "; ".join(f"{room.labels[w.item]} (from {w.min} to {w.max})" for w in s.widest(3))
    head = (f"{_plural(room.answers, 'practice')} scored {len(room.items)} readiness items from 1 (not started) to 4 "
            f"(established). Widest disagreement: {wide}. Pace of the slowest, each item at its lowest score "
            f"averaged: {s.pace_of_slowest:.2f}, against a mean of every score of {s.overall_mean:.2f}.")
    pcns = " ".join(f"{pcn} ({len(p.practices)} practices): pace of the slowest {p.pace_of_slowest:.2f}, mean "
                    f"{p.overall_mean:.2f}, widest on {room.labels[p.widest(1)[0].item]}." for pcn, p in room.pcns)
    parts = [head, pcns]
    if every_item:
        lines = []
        for item in _widest_order(room):
            split = ", ".join(f"{n} {room.counts[item][n]}" for n in range(pu.SCORE_MIN, pu.SCORE_MAX + 1))
            spread = s.item(item)
            lines.append(f"{room.labels[item]}: scores {split}; lowest {spread.min}, mean {spread.mean:.1f}.")
        parts.append("Widest first. " + " ".join(lines))
    return " ".join(x for x in parts if x) + _skips(room)


def purpose_readiness_parts(room: rm.ReadinessRoom) -> dict:
    cells, spans = [], []
    n = room.answers
    for rank, item in enumerate(_widest_order(room)):
        label = room.labels[item]
        spread = room.summary.item(item) if room.summary else None
        low = spread.min if spread else None
        for score in range(pu.SCORE_MIN, pu.SCORE_MAX + 1):
            count = room.counts[item][score]
            share = count / n if n else 0.0
            lowest = score == low
            cells.append({"label": label, "rank": rank, "score": f"{score} {pu.LEVELS[score]}", "score_order": score,
                          "count": count, "share": share, "lowest": lowest, "dark": share > 0.55,
                          "text": (str(count) if n else "–") + ("\nlowest" if lowest else "")})
        if spread:
            spans.append({"label": label, "rank": rank, "range": spread.range, "text": f"{spread.min} to {spread.max}"})
    sub = ([f"{_plural(n, 'practice')}. Pace of the slowest {room.summary.pace_of_slowest:.2f}, mean of every score "
            f"{room.summary.overall_mean:.2f}.", "Black border and the word 'lowest': the lowest score given. Widest "
            "disagreement first."] if room.summary else [f"{NO_ANSWERS}."])
    return {
        "datasets": {"cells": cells, "spans": spans},
        "title": _title("Where the room's practices think they are", sub),
        "description": purpose_readiness_text(room),
    }


@lru_cache(maxsize=1)
def purpose_readiness_template() -> alt.HConcatChart:
    return _matrix_and_bars(
        column=alt.X("score:N", title=None, sort=alt.EncodingSortField(field="score_order", op="min"),
                     axis=_axis(orient="top", labelAngle=0, grid=False, domain=False, ticks=False, labelLimit=150)),
        outline="lowest", width=520, step=56, side="spans", bar_height=22,
        bar_x=alt.X("range:Q", title="Range of scores", scale=alt.Scale(domain=[0, pu.SCORE_MAX - pu.SCORE_MIN]),
                    axis=_axis(orient="top", values=[0, 1, 2, 3], format="d")))


def purpose_readiness_chart(room: rm.ReadinessRoom) -> alt.HConcatChart:
    """Items against scores: how many of the room gave each score, the lowest score outlined, and
    each item's range; widest disagreement first."""
    return purpose_readiness_template().properties(**purpose_readiness_parts(room))


# ---------------------------------------------------------------- autonomy: votes change by change

def _change_text(c: rm.ChangeResult) -> str:
    if c.realised:
        return f"Realised: {money(c.group_value)}"
    if c.pays:
        return f"Blocked by {_names(c.blocked_by)}"
    return "Not run: does not pay"


def _change_words(c: rm.ChangeResult) -> str:
    if c.realised:
        return f"realised, {money(c.group_value)} a year"
    if c.pays:
        return f"blocked by {_names(c.blocked_by)}"
    return "not run, as it does not pay for the group"


def autonomy_votes_text(room: rm.AutonomyRoom) -> str:
    """The votes chart in words: every change's result, who blocked it, and the totals."""
    played = sum(1 for n in room.players.values() if n)
    head = (f"{_plural(room.answers, 'answer')} from the room; {played} of {len(room.practices)} practices played. "
            if room.answers else f"{NO_ANSWERS}: every practice votes as the model says. ")
    model = (f"A practice nobody plays votes as the model says at £{room.tolerance:.2f} per patient a year. ")
    lines = []
    for c in room.changes:
        mine = [v for v in room.votes if v.change == c.key]
        by_room = sum(v.by == rm.ROOM for v in mine)
        lines.append(f"{c.label}: {_change_words(c)} "
                     f"({sum(v.vote == rm.YES for v in mine)} yes, {sum(v.vote == rm.NO for v in mine)} no; "
                     f"{by_room} decided by players).")
    total = (f"Change by change the room realises {money(room.value_realised)} of the {money(room.ceiling)} a year "
             f"on the table.")
    return head + model + " ".join(lines) + " " + total + _skips(room)


def autonomy_votes_parts(room: rm.AutonomyRoom) -> dict:
    order = {c.key: i for i, c in enumerate(room.changes)}
    labels = {c.key: c.label for c in room.changes}
    cells = []
    for v in room.votes:
        # the winning side's count among the practice's voters, e.g. "NO / 2 of 3"
        detail = f"{v.yes if v.vote == rm.YES else v.no} of {v.yes + v.no}" if v.by == rm.ROOM else "model"
        cells.append({"change": labels[v.change], "change_order": order[v.change], "practice": v.practice,
                      "practice_order": room.practices.index(v.practice), "vote": VOTE_WORDS[v.vote],
                      "by": BY_WORDS[v.by], "text": f"{VOTE_WORDS[v.vote].upper()}\n{detail}"})
    outcomes = [{"change": c.label, "change_order": i, "status": STATUS_WORDS[c.status], "text": _change_text(c)}
                for i, c in enumerate(room.changes)]
    played = sum(1 for n in room.players.values() if n)
    who = (f"{_plural(room.answers, 'answer')}; {played} of {len(room.practices)} practices played"
           if room.answers else f"{NO_ANSWERS}: every practice votes as the model says")
    return {
        "datasets": {"cells": cells, "outcomes": outcomes, },
        "title": _title("Change by change: one no blocks a change",
                        [f"Realised {money(room.value_realised)} of {money(room.ceiling)} a year on the table. {who}.",
                         (f"Faded cells: nobody played that practice, so it votes as the model says at "
                          f"£{room.tolerance:.2f} per patient.")]),
        "description": autonomy_votes_text(room),
    }


@lru_cache(maxsize=1)
def autonomy_votes_template() -> alt.HConcatChart:
    y = alt.Y("change:N", title=None, sort=alt.EncodingSortField(field="change_order", op="min"),
              axis=_axis(labelLimit=280, grid=False, domain=False, ticks=False))
    x = alt.X("practice:N", title=None, sort=alt.EncodingSortField(field="practice_order", op="min"),
              axis=_axis(orient="top", labelAngle=0, labelLimit=120, grid=False, domain=False, ticks=False))
    base = alt.Chart(alt.NamedData("cells"))
    cells = base.mark_rect(stroke="white", strokeWidth=3).encode(
        x=x, y=y,
        color=alt.Color("vote:N", title="Vote", scale=alt.Scale(domain=list(VOTE_WORDS.values()), range=[GAIN, LOSS]),
                        legend=_legend(orient="bottom")),
        opacity=alt.Opacity("by:N", title="Decided by", scale=alt.Scale(domain=list(BY_WORDS.values()), range=[1.0, 0.35]),
                            legend=_legend(orient="bottom")))
    words = base.mark_text(lineBreak="\n", fontSize=16, fontWeight="bold").encode(
        x=x, y=y, text="text:N",
        color=alt.condition(f"datum.by == '{BY_WORDS[rm.ROOM]}'", alt.value("white"), alt.value("#000")))
    grid = alt.layer(cells, words).properties(width=460, height=alt.Step(64))
    status = alt.Chart(alt.NamedData("outcomes"))
    y2 = alt.Y("change:N", title=None, sort=alt.EncodingSortField(field="change_order", op="min"), axis=None)
    marks = status.mark_point(size=420, filled=True, opacity=1, strokeWidth=4).encode(
        x=alt.value(18), y=y2,
        shape=alt.Shape("status:N", title="The room's result",
                        scale=alt.Scale(domain=list(STATUS_WORDS.values()), range=["circle", "cross", "square"]),
                        legend=_legend(orient="bottom")),
        color=alt.Color("status:N", title="The room's result",
                        scale=alt.Scale(domain=list(STATUS_WORDS.values()), range=[GAIN, LOSS, NEUTRAL]),
                        legend=_legend(orient="bottom")))
    text = status.mark_text(align="left", fontSize=LABEL_SIZE, limit=250).encode(x=alt.value(40), y=y2, text="text:N")
    column = alt.layer(marks, text).properties(width=290, height=alt.Step(64))
    return alt.hconcat(grid, column, spacing=16).resolve_scale(
        y="shared", color="independent", opacity="independent", shape="independent")


def autonomy_votes_chart(room: rm.AutonomyRoom) -> alt.HConcatChart:
    """Every practice's vote on every change (its players' majority, or faded: the model's), and
    whether the change was realised, blocked or does not pay."""
    return autonomy_votes_template().properties(**autonomy_votes_parts(room))


# ---------------------------------------------------------------- autonomy: the ways of deciding

def _regime_text(r: rm.RoomRegime) -> str:
    bits = [f"{money(r.benefit)} a year"]
    if r.fell_back:
        bits.append(f"blocked by {_names(r.blocked_by)}")
    if r.leavers:
        bits.append(f"{_plural(len(r.leavers), 'practice')} would leave")
    return "; ".join(bits)


def autonomy_regimes_text(room: rm.AutonomyRoom) -> str:
    """The comparison in words: each way of deciding, what it realises, who blocks or would leave."""
    head = "" if room.answers else f"{NO_ANSWERS}: every practice decides as the model says. "
    lines = [f"{r.label}: {_regime_text(r)}" + (f" ({_names(r.leavers)})" if r.leavers else "") + "."
             for r in room.regimes]
    leave = (f" Under the room's own result {_names(room.would_leave)} would leave." if room.would_leave
             else " Under the room's own result no practice would leave.")
    return (head + f"Most the group could gain: {money(room.ceiling)} a year. " + " ".join(lines) + leave
            + _skips(room))


def _kind(key: str) -> str:
    return "Your room's votes" if key == "veto" else "As one bundle" if key == "bundle" else "Gainshare"


def autonomy_regimes_parts(room: rm.AutonomyRoom) -> dict:
    rows = [{"regime": r.label, "order": i, "benefit": float(r.benefit), "kind": _kind(r.key), "text": _regime_text(r),
             "chosen": r.key in ("veto", f"gainshare_{room.rule}")} for i, r in enumerate(room.regimes)]
    return {
        "datasets": {"regimes": rows, "ceiling": [{"x": float(room.ceiling), "text": f"On the table: {money(room.ceiling)}"}],
},
        "title": _title("What the same practices would agree another way",
                        ["Group benefit a year. Dashed line: the most the group could gain.",
                         "Outlined: the room's own result and the gainshare rule on show.",
                         "Bundle and gainshare judged by what each practice's votes accept."
                         + ("" if room.answers else f" {NO_ANSWERS}.")]),
        "description": autonomy_regimes_text(room),
    }


@lru_cache(maxsize=1)
def autonomy_regimes_template() -> alt.HConcatChart:
    y = alt.Y("regime:N", title=None, sort=alt.EncodingSortField(field="order", op="min"),
              axis=_axis(labelLimit=320, grid=False))
    base = alt.Chart(alt.NamedData("regimes"))
    bars = base.mark_bar(height=34).encode(
        x=alt.X("benefit:Q", title="£ a year", axis=_axis(format=",.0f", tickCount=4)), y=y,
        color=alt.Color("kind:N", legend=None, scale=alt.Scale(
            domain=["Your room's votes", "As one bundle", "Gainshare"], range=[OKABE_ITO[0], OKABE_ITO[1], OKABE_ITO[2]])),
        strokeWidth=alt.condition("datum.chosen", alt.value(3), alt.value(0)), stroke=alt.value("#000"))
    ceiling = alt.Chart(alt.NamedData("ceiling"))
    rule = ceiling.mark_rule(color="#000", strokeDash=[6, 4], strokeWidth=2).encode(x="x:Q")
    rule_text = ceiling.mark_text(align="right", dx=-4, y=-10, fontSize=16, color="#000").encode(x="x:Q", text="text:N")
    chart = alt.layer(bars, rule, rule_text).properties(width=300, height=alt.Step(48))
    y2 = alt.Y("regime:N", title=None, sort=alt.EncodingSortField(field="order", op="min"), axis=None)
    words = base.mark_text(align="left", fontSize=LABEL_SIZE, limit=330).encode(x=alt.value(0), y=y2, text="text:N")
    return alt.hconcat(chart, words.properties(width=330, height=alt.Step(48)), spacing=16).resolve_scale(y="shared")


def autonomy_regimes_chart(room: rm.AutonomyRoom) -> alt.HConcatChart:
    """Group benefit under the room's vetoes, as one bundle and with each gainshare rule, with the
    most the group could gain marked; who blocks and who would leave written beside each bar."""
    return autonomy_regimes_template().properties(**autonomy_regimes_parts(room))


# ---------------------------------------------------------------- scale: the placement matrix

def _percent(x: float | None) -> str:
    return "no one yet" if x is None else f"{x:.0%}"


def scale_matrix_text(room: rm.ScaleRoom) -> str:
    """The matrix in words: for each function, most disputed first, the room's split and the sources' tier."""
    if not room.answers:
        head = f"{NO_ANSWERS}. "
    else:
        head = (f"{_plural(room.answers, 'answer')}, {_plural(room.placements, 'placement')}; "
                f"{_percent(room.agreement)} of placements agree with the sources. ")
    lines = []
    for f in room.functions:
        sources = room.tier_labels.get(f.sources_tier, f.sources_tier)
        if not f.placed:
            lines.append(f"{f.label}: nobody has placed it; the sources say {sources}.")
            continue
        split = ", ".join(f"{room.tier_labels[t]} {f.counts[t]}" for t in room.tiers)
        lines.append(f"{f.label}: {split}; the sources say {sources}; {_percent(f.agreement)} agree; "
                     f"dispute {f.dispute:.2f}.")
    return head + "Most disputed first. " + " ".join(lines) + _skips(room)


def scale_matrix_parts(room: rm.ScaleRoom) -> dict:
    cells = []
    for row in room.rows():
        f = room.functions[row["rank"]]
        text = f"{row['count']} · {row['share']:.0%}" if f.placed else "–"
        cells.append({**row, "text": text + ("\nsources" if row["sources"] else ""), "dark": row["share"] > 0.55})
    disputes = [{"label": f.label, "rank": i, "dispute": f.dispute if f.dispute is not None else 0.0,
                 "text": "nobody yet" if f.dispute is None else f"{f.dispute:.2f}"} for i, f in enumerate(room.functions)]
    agree = (f"{_percent(room.agreement)} of {_plural(room.placements, 'placement')} agree with the sources"
             if room.answers else NO_ANSWERS)
    return {
        "datasets": {"cells": cells, "disputes": disputes},
        "title": _title("Where the room would run each function",
                        [f"{_plural(room.answers, 'answer')}: {agree}." if room.answers else f"{NO_ANSWERS}.",
                         "Black border and the word 'sources': where the sources place it. Most disputed first."]),
        "description": scale_matrix_text(room),
    }


def _matrix_and_bars(column: alt.X, outline: str, width: int, step: int, side: str, bar_height: int,
                     bar_x: alt.X) -> alt.HConcatChart:
    """Rows (``label``, ordered by ``rank``) against columns: each cell shaded by its share of the
    room and written in words, the cells where ``outline`` is true boxed in black; beside it, one
    bar a row from the dataset ``side`` with its words (``text``)."""
    y = alt.Y("label:N", title=None, sort=alt.EncodingSortField(field="rank", op="min"),
              axis=_axis(labelLimit=340, grid=False, domain=False, ticks=False))
    base = alt.Chart(alt.NamedData("cells"))
    fill = base.mark_rect(stroke="white", strokeWidth=2).encode(
        x=column, y=y, color=alt.Color("share:Q", title="Share of the room", scale=alt.Scale(domain=[0, 1], range=["#f2f6fa", GAIN]),
                                       legend=_legend(orient="bottom", format="%", gradientLength=240)))
    boxed = base.transform_filter(f"datum.{outline}").mark_rect(filled=False, stroke="#000", strokeWidth=5).encode(
        x=column, y=y)
    words = base.mark_text(lineBreak="\n", fontSize=17).encode(
        x=column, y=y, text="text:N", color=alt.condition("datum.dark", alt.value("white"), alt.value("#000")))
    matrix = alt.layer(fill, boxed, words).properties(width=width, height=alt.Step(step))
    y2 = alt.Y("label:N", title=None, sort=alt.EncodingSortField(field="rank", op="min"), axis=None)
    rows = alt.Chart(alt.NamedData(side))
    bars = rows.mark_bar(height=bar_height, color=OKABE_ITO[5]).encode(x=bar_x, y=y2)
    text = rows.mark_text(align="left", dx=6, fontSize=LABEL_SIZE).encode(x=bar_x.shorthand, y=y2, text="text:N")
    return alt.hconcat(matrix, alt.layer(bars, text).properties(width=150, height=alt.Step(step)),
                       spacing=20).resolve_scale(y="shared")


@lru_cache(maxsize=1)
def scale_matrix_template() -> alt.HConcatChart:
    return _matrix_and_bars(
        column=alt.X("tier_label:N", title=None, sort=alt.EncodingSortField(field="tier_order", op="min"),
                     axis=_axis(orient="top", labelAngle=0, grid=False, domain=False, ticks=False)),
        outline="sources", width=360, step=56, side="disputes", bar_height=26,
        bar_x=alt.X("dispute:Q", title="Dispute (0 agreed, 1 split)", scale=alt.Scale(domain=[0, 1]),
                    axis=_axis(orient="top", values=[0, 0.5, 1], format=".1f")))


def scale_matrix_chart(room: rm.ScaleRoom) -> alt.HConcatChart:
    """Functions against tiers: how many of the room put each function at each tier, the sources'
    tier outlined, and how disputed each function is; most disputed first."""
    return scale_matrix_template().properties(**scale_matrix_parts(room))


# ---------------------------------------------------------------- trust: the room's tournament

def _strategy_scale() -> alt.Scale:
    return alt.Scale(domain=[s.name for s in trust.STRATEGIES.values()],
                     range=[trust_charts.STRATEGY_COLOURS[k] for k in trust.STRATEGIES])


def _game(room: rm.TrustRoom) -> str:
    return (f"{_plural(room.players, 'director')}, {room.rounds} rounds a match, "
            f"{room.noise:.0%} mistakes (the median the room chose)")


def trust_tournament_text(room: rm.TrustRoom) -> str:
    """The room's tournament in words: mean score per habit, best first."""
    if not room.ready:
        return (f"{NO_ANSWERS}. " if not room.answers else "") + room.message + _skips(room)
    rows = room.tournament.by_strategy()
    scores = "; ".join(f"{r['name']} ({_plural(r['players'], 'player')}): {r['mean_score']:.1f}" for r in rows)
    left = f" {_plural(len(room.left_out), 'answer')} over the limit of {trust.MAX_PLAYERS} did not play." if room.left_out else ""
    return (f"The room's tournament: {_game(room)}. Mean score per player, best first: {scores}. "
            f"{room.tournament.cooperation:.0%} of all moves were to share.{left}" + _skips(room))


def trust_tournament_parts(room: rm.TrustRoom) -> dict:
    rows = []
    if room.ready:
        for r in trust_charts.tournament_parts(room.tournament)["datasets"]["scores"]:
            rows.append({**r, "text": f"{r['mean_score']:.1f} ({_plural(r['players'], 'player')})"})
    sub = (f"{_game(room)}. {room.tournament.cooperation:.0%} of moves were to share." if room.ready
           else room.message)
    return {
        "datasets": {"scores": rows, "notice": _notice(not room.ready, NO_ANSWERS if not room.answers else "Waiting for a second habit",
                                                    field="strategy")},
        "title": _title("The room's tournament: everyone meets everyone", ["Mean score per player, by habit.", sub]),
        "description": trust_tournament_text(room),
    }


@lru_cache(maxsize=1)
def trust_tournament_template() -> alt.LayerChart:
    base = alt.Chart(alt.NamedData("scores"))
    y = alt.Y("strategy:N", title=None, sort=alt.EncodingSortField(field="order", op="min"), axis=_axis(labelLimit=300, grid=False))
    bars = base.mark_bar(height=34).encode(
        x=alt.X("mean_score:Q", title="Mean score per player", axis=_axis()), y=y,
        color=alt.Color("strategy:N", scale=_strategy_scale(), legend=None))
    text = base.mark_text(align="left", dx=6, fontSize=LABEL_SIZE).encode(x=alt.X("mean_score:Q"), y=y, text="text:N")
    return alt.layer(bars, text, _notice_layer(300, field="strategy")).properties(width=600, height=alt.Step(52))


def trust_tournament_chart(room: rm.TrustRoom) -> alt.LayerChart:
    """Mean score per player for each habit in the room's own round robin."""
    return trust_tournament_template().properties(**trust_tournament_parts(room))


# ---------------------------------------------------------------- trust: the room's evolution

def trust_evolution_text(room: rm.TrustRoom) -> str:
    """The room's evolution in words: counts at the start and end, the survivors and who chose them."""
    if not room.ready:
        return (f"{NO_ANSWERS}. " if not room.answers else "") + room.message + _skips(room)
    names = {k: s.name for k, s in trust.STRATEGIES.items()}
    start = ", ".join(f"{names[k]} {n}" for k, n in room.evolution.counts[0].items() if n)
    end = ", ".join(f"{names[k]} {room.evolution.counts[-1][k]}" for k in room.survivors)
    held = len(room.survivor_ids)
    return (f"The room's habits over {room.generations} generations, {room.replace} replaced each generation; "
            f"{_game(room)}. At the start: {start}. At the end: {end}. {room.message} "
            f"{held} of {room.players} chose a habit that survived. Sharing went from "
            f"{room.evolution.cooperation[0]:.0%} of moves to {room.evolution.cooperation[-1]:.0%}." + _skips(room))


def trust_evolution_parts(room: rm.TrustRoom) -> dict:
    rows = trust_charts.evolution_parts(room.evolution)["datasets"]["counts"] if room.ready else []
    if room.ready:
        survivors = " and ".join(trust.STRATEGIES[k].name for k in room.survivors)
        sub = [f"Surviving: {survivors}. {len(room.survivor_ids)} of {room.players} of you chose a surviving habit.",
               f"{room.replace} worst replaced by copies of the best each generation; {room.noise:.0%} mistakes."]
    else:
        sub = [room.message]
    return {
        "datasets": {"counts": rows, "ends": trust_charts.end_labels(rows),
                     "notice": _notice(not room.ready, NO_ANSWERS if not room.answers else "Waiting for a second habit")},
        "title": _title("How the room's habits spread", sub),
        "description": trust_evolution_text(room),
    }


@lru_cache(maxsize=1)
def trust_evolution_template() -> alt.LayerChart:
    area = alt.Chart(alt.NamedData("counts")).mark_area(stroke="white", strokeWidth=1).encode(
        x=alt.X("generation:Q", title="Generation", axis=_axis(tickMinStep=1, format="d")),
        y=alt.Y("count:Q", title="Directors", stack="zero", axis=_axis(tickMinStep=1, format="d")),
        color=alt.Color("strategy:N", title="Habit", scale=_strategy_scale(), legend=_legend(orient="right")),
        order=alt.Order("order:Q"))
    return alt.layer(area, trust_charts.end_labels_layer(18), _notice_layer(330, 140)).properties(width=660, height=340)


def trust_evolution_chart(room: rm.TrustRoom) -> alt.LayerChart:
    """Directors of each habit, generation by generation, as the worst copy the best."""
    return trust_evolution_template().properties(**trust_evolution_parts(room))


# ---------------------------------------------------------------- stories: votes per story

def stories_votes_text(room: rm.StoriesRoom) -> str:
    """The vote in words: each story's votes and checklist score, the leader(s), ignored votes."""
    if not room.stories:
        return f"{NO_ANSWERS}: no approved story to vote on." + _skips(room)
    leaders = [room.story(i).label for i in room.leaders]
    lead = (f"Leading: {_names(leaders)} with {_plural(room.story(room.leaders[0]).votes, 'vote')}."
            if leaders else "No votes yet.")
    if len(leaders) > 1:
        lead = f"Tied for the lead: {_names(leaders)}, {_plural(room.story(room.leaders[0]).votes, 'vote')} each."
    lines = " ".join(f"{s.label}: {_plural(s.votes, 'vote')}, checklist {s.checklist.score} of {s.checklist.total}."
                     for s in room.ranked())
    ignored = (f" {_plural(room.ignored_votes, 'vote')} for a story not on the list {'was' if room.ignored_votes == 1 else 'were'} "
               "not counted." if room.ignored_votes else "")
    return (f"{_plural(room.votes, 'vote')} for {_plural(len(room.stories), 'story', 'stories')}. {lead} {lines}"
            f"{ignored}" + _skips(room))


def stories_votes_parts(room: rm.StoriesRoom) -> dict:
    leaders = set(room.leaders)
    rows = [{"label": s.label, "order": i, "votes": s.votes, "leader": s.submission in leaders,
             "text": f"{_plural(s.votes, 'vote')} · checklist {s.checklist.score}/{s.checklist.total}"
                     + (" · LEADING" if s.submission in leaders else "")}
            for i, s in enumerate(room.ranked())]
    ignored = f"; {_plural(room.ignored_votes, 'vote')} for a story not on the list not counted" if room.ignored_votes else ""
    return {
        "datasets": {"stories": rows, "notice": _notice(not room.stories)},
        "title": _title("Which story should the room tell?",
                        [(f"{_plural(room.votes, 'vote')} for "
                          f"{_plural(len(room.stories), 'approved story', 'approved stories')}{ignored}."),
                         "Checklist: springboard elements in place (after Denning)."]),
        "description": stories_votes_text(room),
    }


@lru_cache(maxsize=1)
def stories_votes_template() -> alt.HConcatChart:
    base = alt.Chart(alt.NamedData("stories"))
    y = alt.Y("label:N", title=None, sort=alt.EncodingSortField(field="order", op="min"), axis=_axis(labelLimit=380, grid=False))
    bars = base.mark_bar(height=34).encode(
        x=alt.X("votes:Q", title="Votes", axis=_axis(tickMinStep=1, format="d")), y=y,
        color=alt.Color("leader:N", legend=None, scale=alt.Scale(domain=[True, False], range=[GAIN, "#9e9e9e"])))
    chart = alt.layer(bars, _notice_layer(130)).properties(width=260, height=alt.Step(48))
    y2 = alt.Y("label:N", title=None, sort=alt.EncodingSortField(field="order", op="min"), axis=None)
    words = base.mark_text(align="left", fontSize=LABEL_SIZE, limit=300).encode(x=alt.value(0), y=y2, text="text:N")
    return alt.hconcat(chart, words.properties(width=300, height=alt.Step(48)), spacing=16).resolve_scale(y="shared")


def stories_votes_chart(room: rm.StoriesRoom) -> alt.HConcatChart:
    """Votes per approved story, most first, with its checklist score; the leader(s) marked in words."""
    return stories_votes_template().properties(**stories_votes_parts(room))
