"""Charts for the trust chapter: data in, chart out, each with a text alternative.

Live charts follow the pattern of ``charts.autonomy``: a fixed template (cached) whose data come in
as named datasets, plus a ``*_parts`` function giving the data and the description for one update.
Strategies keep one colour each across every chart; sharing and hoarding are told apart by colour
and by the letters S and H, never by colour alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

from ..lazy import lazy_module
from ..models import trust
from ._altair import altair
from .theme import GAIN, LOSS, NEUTRAL, OKABE_ITO

alt = lazy_module("altair", globals(), "alt", load=altair)  # imported when a chart is first built

STRATEGY_COLOURS = {
    "always_share": OKABE_ITO[4], "always_hoard": OKABE_ITO[5], "tit_for_tat": OKABE_ITO[0],
    "tit_for_two_tats": OKABE_ITO[2], "grudger": OKABE_ITO[7], "detective": OKABE_ITO[3],
    "win_stay_lose_shift": OKABE_ITO[1], "random": OKABE_ITO[6],
}
ACTION_WORDS = {trust.SHARE: "Shared", trust.HOARD: "Hoarded"}


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
    slips = base.transform_filter("datum.mistake != ''").mark_point(shape="triangle-down", size=120, filled=True, aria=False,
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
        "datasets": {"counts": rows, "ends": end_labels(rows)},
        "title": {"text": "How the network's habits spread", "subtitle": f"Players of each strategy over {generations} generations"},
        "description": (f"Stacked area chart of players per strategy over {generations} generations. "
                        f"At the end: {left}. {verdict} Sharing went from {result.cooperation[0]:.0%} of moves in the "
                        f"first generation to {result.cooperation[-1]:.0%} in the last."),
    }


def end_labels(rows: Sequence[Mapping]) -> list[dict]:
    """Where to name each strategy still present at the last generation: the middle of its band in
    the stack (bands stack from the bottom in ``order``), so the areas are told apart by name, not
    by colour alone. Bands thinner than two players are left to the legend (names would overlap).

    >>> end_labels([{"generation": 1, "strategy": "A", "count": 3, "order": 0},
    ...             {"generation": 1, "strategy": "B", "count": 5, "order": 1}])
    [{'generation': 1, 'y': 1.5, 'name': 'A'}, {'generation': 1, 'y': 5.5, 'name': 'B'}]
    """
    if not rows:
        return []
    last = max(r["generation"] for r in rows)
    below, out = 0, []
    for r in sorted((r for r in rows if r["generation"] == last), key=lambda r: r["order"]):
        if r["count"] >= 2:
            out.append({"generation": last, "y": below + r["count"] / 2, "name": r["strategy"]})
        below += r["count"]
    return out


def end_labels_layer(font_size: int = 14) -> alt.Chart:
    """The strategy names at the right-hand end of a stacked evolution chart (dataset ``ends``)."""
    return alt.Chart(alt.NamedData("ends")).mark_text(align="left", dx=6, fontSize=font_size).encode(
        x="generation:Q", y="y:Q", text="name:N")


@lru_cache(maxsize=1)
def evolution_template() -> alt.LayerChart:
    area = alt.Chart(alt.NamedData("counts")).mark_area().encode(
        x=alt.X("generation:Q", title="Generation", axis=alt.Axis(tickMinStep=1, format="d")),
        y=alt.Y("count:Q", title="Players", stack="zero"),
        # under the chart: on the right the legend ran into the names at the areas' ends
        color=alt.Color("strategy:N", title="Strategy", scale=_strategy_scale(),
                        legend=alt.Legend(orient="bottom", columns=4, labelLimit=0)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("generation:Q"), alt.Tooltip("strategy:N"), alt.Tooltip("count:Q")],
    )
    return alt.layer(area, end_labels_layer()).properties(width=520, height=260)


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


# ---------------------------------------------------------------- the golden thread

THREAD_WORDS = ("No extra effort", "At your effort")


def thread_parts(rows: Sequence[Mapping], effort: float, links: int) -> dict:
    """``rows`` from ``trust.golden_thread`` with efforts (0, effort); ``links`` is the chain chosen."""
    label = {0.0: THREAD_WORDS[0]} | ({float(effort): THREAD_WORDS[1]} if effort else {})
    table = [{"links": int(r["links"]), "line": label[float(r["effort"])], "backing": float(r["backing"]),
              "noise": float(r["noise"])} for r in rows if float(r["effort"]) in label]
    here = {t["line"]: t for t in table if t["links"] == links}
    said = "; ".join(f"{k.lower()}, {v['backing']:.0%} (a move misread {v['noise']:.1%} of the time)" for k, v in here.items())
    return {
        "datasets": {"thread": table, "chosen": [{"links": int(links)}]},
        "description": (f"Line chart of how often a practice backs its leadership group against the number of links "
                        f"between them (illustrative model), with no extra communication effort and at effort "
                        f"{effort:.0%}. With {links} link(s): {said}."),
    }


@lru_cache(maxsize=1)
def thread_template() -> alt.LayerChart:
    lines = alt.Chart(alt.NamedData("thread")).mark_line(point=alt.OverlayMarkDef(size=90, filled=True), strokeWidth=3).encode(
        x=alt.X("links:Q", title="Links between the group and a practice", axis=alt.Axis(tickMinStep=1, format="d")),
        y=alt.Y("backing:Q", title="Practice backs the group", scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%")),
        color=alt.Color("line:N", title=None, scale=alt.Scale(domain=list(THREAD_WORDS), range=[OKABE_ITO[5], OKABE_ITO[0]]),
                        legend=alt.Legend(orient="bottom", labelLimit=0)),
        strokeDash=alt.StrokeDash("line:N", scale=alt.Scale(domain=list(THREAD_WORDS), range=[[6, 3], [1, 0]]), legend=None),
        tooltip=[alt.Tooltip("line:N"), alt.Tooltip("links:Q"), alt.Tooltip("backing:Q", format=".0%"),
                 alt.Tooltip("noise:Q", format=".1%", title="misread")])
    rule = alt.Chart(alt.NamedData("chosen")).mark_rule(color=NEUTRAL, strokeDash=[3, 3], strokeWidth=2).encode(x="links:Q")
    return (lines + rule).properties(width=520, height=260, title=alt.Title(
        "The golden thread: an illustrative model", subtitle="Dashed grey line: the links you chose"))


def thread_chart(rows: Sequence[Mapping], effort: float, links: int) -> alt.LayerChart:
    """How often a practice backs its leadership group as the chain of links between them grows."""
    return thread_template().properties(**thread_parts(rows, effort, links))
