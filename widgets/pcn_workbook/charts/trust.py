"""Charts for the trust chapter: data in, chart out, each with a text alternative.

Live charts follow the pattern of ``charts.autonomy``: a fixed template (cached) whose data come in
as named datasets, plus a ``*_parts`` function giving the data and the description for one update.
Strategies keep one colour each across every chart; sharing and hoarding are told apart by colour
and by the letters S and H, never by colour alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

import altair as alt

from ..models import trust
from .theme import GAIN, LOSS, NEUTRAL, OKABE_ITO

STRATEGY_COLOURS = {
    "always_share": OKABE_ITO[4], "always_hoard": OKABE_ITO[5], "tit_for_tat": OKABE_ITO[0],
    "tit_for_two_tats": OKABE_ITO[2], "grudger": OKABE_ITO[7], "detective": OKABE_ITO[3],
    "win_stay_lose_shift": OKABE_ITO[1], "random": OKABE_ITO[6],
}
ACTION_WORDS = {trust.SHARE: "Shared", trust.HOARD: "Hoarded"}
REGIME_WORDS = {"vote": "Majority vote", "consensus": "Consensus"}


def _names() -> list[str]:
    return [s.name for s in trust.STRATEGIES.values()]


def _strategy_scale() -> alt.Scale:
    return alt.Scale(domain=_names(), range=[STRATEGY_COLOURS[k] for k in trust.STRATEGIES])


# ---------------------------------------------------------------- one match

def match_parts(result) -> dict:
    """Round-by-round moves and running scores of one match (a ``trust.MatchResult``)."""
    a, b = trust.STRATEGIES[result.a].name, trust.STRATEGIES[result.b].name
    labels = {"A": f"A: {a}", "B": f"B: {b}"}
    moves = [{"round": r["round"], "player": labels[r["player"]], "action": ACTION_WORDS[r["action"]],
              "letter": r["action"], "mistake": "mistake" if r["flipped"] else "", "score": float(r["score"]),
              "cumulative": float(r["cumulative"])} for r in result.rows()]
    share = result.cooperation
    mistakes = f", {result.mistakes} of them by mistake" if result.mistakes else ""
    return {
        "datasets": {"moves": moves},
        "title": {"text": f"{a} against {b}", "subtitle": f"{result.rounds} rounds, {result.noise:.0%} chance of a mistake"},
        "description": (f"Moves and running scores over {result.rounds} rounds. {labels['A']} scored "
                        f"{result.totals[0]:g}; {labels['B']} scored {result.totals[1]:g}. "
                        f"{share:.0%} of all moves were to share{mistakes}."),
    }


@lru_cache(maxsize=1)
def match_template() -> alt.VConcatChart:
    base = alt.Chart(alt.NamedData("moves"))
    x = alt.X("round:O", title="Round", axis=alt.Axis(labelAngle=0, labelOverlap=True, grid=False))
    y = alt.Y("player:N", title=None, axis=alt.Axis(labelFontSize=15, labelLimit=260, grid=False))
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        x=x, y=y, color=alt.Color("action:N", title="Move", scale=alt.Scale(domain=list(ACTION_WORDS.values()), range=[GAIN, LOSS]),
                                  legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("round:O"), alt.Tooltip("player:N"), alt.Tooltip("action:N"), alt.Tooltip("mistake:N"),
                 alt.Tooltip("score:Q")])
    letters = base.mark_text(color="white", fontSize=14, fontWeight="bold").encode(x=x, y=y, text="letter:N")
    slips = base.transform_filter("datum.mistake != ''").mark_point(shape="triangle-down", size=120, filled=True,
                                                                       color="#000", yOffset=-16).encode(x=x, y=y)
    grid = (cells + letters + slips).properties(width=560, height=90)
    lines = base.mark_line(point=True, strokeWidth=3).encode(
        x=alt.X("round:O", title="Round", axis=alt.Axis(labelAngle=0, labelOverlap=True)),
        y=alt.Y("cumulative:Q", title="Running score"),
        color=alt.Color("player:N", title=None, scale=alt.Scale(range=[OKABE_ITO[0], OKABE_ITO[1]]), legend=alt.Legend(orient="bottom", labelLimit=0)),
        strokeDash=alt.StrokeDash("player:N", legend=None))
    return alt.vconcat(grid, lines.properties(width=560, height=200), spacing=10).resolve_scale(
        color="independent", strokeDash="independent")


def match_chart(result) -> alt.VConcatChart:
    """Who shared and who hoarded, round by round (black triangles mark mistakes), and the running scores."""
    return match_template().properties(**match_parts(result))


# ---------------------------------------------------------------- a tournament

def tournament_parts(result) -> dict:
    rows = [{"strategy": r["name"], "players": int(r["players"]), "mean_score": float(r["mean_score"]), "order": i}
            for i, r in enumerate(result.by_strategy())]
    summary = "; ".join(f"{r['strategy']} ({r['players']}): {r['mean_score']:.1f}" for r in rows)
    return {
        "datasets": {"scores": rows},
        "title": {"text": "Who does best when everyone meets everyone?",
                  "subtitle": f"Mean score per player; {result.rounds} rounds a match, {result.noise:.0%} mistakes"},
        "description": f"Bar chart of mean score per player by strategy, best first: {summary}. "
                       f"{result.cooperation:.0%} of all moves were to share.",
    }


@lru_cache(maxsize=1)
def tournament_template() -> alt.LayerChart:
    base = alt.Chart(alt.NamedData("scores"))
    y = alt.Y("strategy:N", title=None, sort=alt.EncodingSortField(field="order", op="min"), axis=alt.Axis(labelLimit=260))
    bars = base.mark_bar(height=24).encode(
        x=alt.X("mean_score:Q", title="Mean score per player"), y=y,
        color=alt.Color("strategy:N", scale=_strategy_scale(), legend=None),
        tooltip=[alt.Tooltip("strategy:N"), alt.Tooltip("players:Q"), alt.Tooltip("mean_score:Q", format=".1f")])
    text = base.mark_text(align="left", dx=4, fontSize=14).encode(x="mean_score:Q", y=y, text=alt.Text("mean_score:Q", format=".1f"))
    return (bars + text).properties(width=480, height=alt.Step(32))


def tournament_chart(result) -> alt.LayerChart:
    """Mean score per player for each strategy in a round-robin tournament."""
    return tournament_template().properties(**tournament_parts(result))


# ---------------------------------------------------------------- evolution

def evolution_parts(result) -> dict:
    names = {k: s.name for k, s in trust.STRATEGIES.items()}
    rows = [{"generation": r["generation"], "strategy": names[r["strategy"]], "count": int(r["count"]),
             "order": list(trust.STRATEGIES).index(r["strategy"])} for r in result.rows()]
    end = result.counts[-1]
    left = ", ".join(f"{names[k]} {n}" for k, n in end.items() if n) or "nobody"
    winner = result.winner()
    verdict = f"Only {names[winner]} is left." if winner else "More than one strategy survives."
    generations = len(result.counts) - 1
    return {
        "datasets": {"counts": rows},
        "title": {"text": "How the network's habits spread", "subtitle": f"Players of each strategy over {generations} generations"},
        "description": (f"Stacked area chart of players per strategy over {generations} generations. "
                        f"At the end: {left}. {verdict} Sharing went from {result.cooperation[0]:.0%} of moves in the "
                        f"first generation to {result.cooperation[-1]:.0%} in the last."),
    }


@lru_cache(maxsize=1)
def evolution_template() -> alt.Chart:
    return alt.Chart(alt.NamedData("counts")).mark_area().encode(
        x=alt.X("generation:Q", title="Generation", axis=alt.Axis(tickMinStep=1, format="d")),
        y=alt.Y("count:Q", title="Players", stack="zero"),
        color=alt.Color("strategy:N", title="Strategy", scale=_strategy_scale(), legend=alt.Legend(orient="right", labelLimit=0)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("generation:Q"), alt.Tooltip("strategy:N"), alt.Tooltip("count:Q")],
    ).properties(width=520, height=260)


def evolution_chart(result) -> alt.Chart:
    """Players of each strategy, generation by generation, as the worst are replaced by copies of the best."""
    return evolution_template().properties(**evolution_parts(result))


# ---------------------------------------------------------------- over-communication

CURVE_WORDS = {"gross": "Payoff from the game", "cost": "Cost of communicating", "net": "What is left"}


def communication_parts(curve: Sequence[Mapping], effort: float) -> dict:
    rows = [{"effort": float(r["effort"]), "measure": label, "value": float(r[key])}
            for r in curve for key, label in CURVE_WORDS.items()]
    best = trust.best_effort(list(curve))
    here = min(curve, key=lambda r: abs(r["effort"] - effort))
    return {
        "datasets": {"curve": rows, "marker": [{"effort": float(effort)}]},
        "description": (f"Line chart of payoff per round against communication effort (illustrative model). "
                        f"What is left after the cost of communicating peaks at effort {best['effort']:.0%} "
                        f"({best['net']:.2f} a round); at your effort, {here['effort']:.0%}, it is {here['net']:.2f}."),
    }


@lru_cache(maxsize=1)
def communication_template() -> alt.LayerChart:
    lines = alt.Chart(alt.NamedData("curve")).mark_line(strokeWidth=3).encode(
        x=alt.X("effort:Q", title="Time spent communicating (share of the most you could)", axis=alt.Axis(format="%")),
        y=alt.Y("value:Q", title="Per round, per clinical director"),
        color=alt.Color("measure:N", title=None, sort=list(CURVE_WORDS.values()),
                        scale=alt.Scale(domain=list(CURVE_WORDS.values()), range=[OKABE_ITO[0], OKABE_ITO[5], "#000000"]),
                        legend=alt.Legend(orient="bottom", labelLimit=0)),
        strokeDash=alt.StrokeDash("measure:N", sort=list(CURVE_WORDS.values()), legend=None))
    rule = alt.Chart(alt.NamedData("marker")).mark_rule(color=NEUTRAL, strokeDash=[3, 3], strokeWidth=2).encode(x="effort:Q")
    return (lines + rule).properties(width=520, height=260, title=alt.Title(
        "Does talking more pay? An illustrative model", subtitle="Dashed grey line: your effort"))


def communication_chart(curve: Sequence[Mapping], effort: float) -> alt.LayerChart:
    """Payoff, communication cost and what is left, against effort (the model is illustrative)."""
    return communication_template().properties(**communication_parts(curve, effort))


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
    return alt.vconcat(value.properties(width=520, height=220), rogue.properties(width=520, height=120), spacing=12).properties(
        title=alt.Title("Majority vote or consensus? An illustrative model", subtitle="Averages over many runs of the same settings"))


def decisions_chart(rows: Sequence[Mapping]) -> alt.VConcatChart:
    """Cumulative value and rogue practices by meeting under majority vote and under consensus."""
    return decisions_template().properties(**decisions_parts(rows))


# ---------------------------------------------------------------- single point of access

def access_parts(table: Sequence[Mapping], gatekeeper: float) -> dict:
    rows = [{"asks": int(r["asks"]), "chance": float(r["chance_yes_by_then"])} for r in table]
    last = rows[-1]
    return {
        "datasets": {"asks": rows, "gate": [{"y": float(gatekeeper)}]},
        "title": {"text": "Asking around until someone says yes",
                  "subtitle": f"Bars: the system asks PCN after PCN. Dashed blue line: one front door, yes {gatekeeper:.0%} of the time"},
        "description": (f"Bar chart of the chance the system has found a yes after asking 1 to {last['asks']} PCNs in turn; "
                        f"after all {last['asks']} it is {last['chance']:.0%}, against {gatekeeper:.0%} with a single point of access."),
    }


@lru_cache(maxsize=1)
def access_template() -> alt.LayerChart:
    bars = alt.Chart(alt.NamedData("asks")).mark_bar(color=OKABE_ITO[5]).encode(
        x=alt.X("asks:O", title="PCNs asked in turn", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("chance:Q", title="Chance someone has said yes", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        tooltip=[alt.Tooltip("asks:O"), alt.Tooltip("chance:Q", format=".0%")])
    text = bars.mark_text(dy=-8, fontSize=14, color="#000").encode(text=alt.Text("chance:Q", format=".0%"))
    rule = alt.Chart(alt.NamedData("gate")).mark_rule(color=OKABE_ITO[0], strokeWidth=3, strokeDash=[6, 3]).encode(y="y:Q")
    return (bars + text + rule).properties(width=520, height=260)


def access_chart(table: Sequence[Mapping], gatekeeper: float) -> alt.LayerChart:
    """The chance a request finds a yes when the system may ask PCN after PCN, against one gatekeeper."""
    return access_template().properties(**access_parts(table, gatekeeper))
