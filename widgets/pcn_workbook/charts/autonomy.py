"""Charts for the autonomy paradox chapter: data in, chart out.

Every chart carries a ``description`` (read out by screen readers as the SVG's label) that states
the figures it shows, so nothing is conveyed by the picture alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from ..lazy import lazy_module
from ..models.gainshare import REGIMES, Group, Outcome
from ._altair import altair
from .theme import GAIN, LOSS, NEUTRAL, OKABE_ITO, money

alt = lazy_module("altair", globals(), "alt", load=altair)  # imported when a chart is first built
pd = lazy_module("pandas", globals(), "pd")  # the app's live charts take plain rows; static charts use frames

REGIME_LABELS = {r.key: r.label for r in REGIMES}
# scales as plain settings (alt.Scale(**...) where used): importing this module does not import Altair
REGIME_COLOURS = {"domain": [r.label for r in REGIMES], "range": list(OKABE_ITO[: len(REGIMES)])}
REGIME_SHAPES = {"domain": [r.label for r in REGIMES], "range": ["circle", "square", "triangle-up", "cross", "diamond"]}


def regime_table(outcomes: Sequence[Outcome], group: Group, tolerance: float) -> pd.DataFrame:
    """One row per regime: label, benefit (GBP/yr), autonomy (0-1), losers, leavers."""
    return pd.DataFrame(_regime_rows(outcomes, group, tolerance))


def _regime_rows(outcomes: Sequence[Outcome], group: Group, tolerance: float) -> list[dict]:
    return [
        dict(
            order=i,
            regime=REGIME_LABELS[o.regime],
            benefit=o.group_benefit,
            autonomy=o.autonomy_index,
            losers=len(o.losers),
            leavers=len(o.would_leave(group, tolerance)),
        )
        for i, o in enumerate(outcomes)
    ]


def paradox_parts(outcomes: Sequence[Outcome], group: Group, tolerance: float, ceiling: float) -> dict:
    """What changes between updates of the paradox chart: its data and its text alternative."""
    rows = _as_columns(_regime_rows(outcomes, group, tolerance))
    summary = "; ".join(f"{r['regime']}: {money(r['benefit'])} a year, autonomy {r['autonomy']:.0%}" for r in rows)
    return {
        "datasets": {"regimes": rows,
                     "ceiling": [{"y": float(ceiling), "text": f"Most the group could gain: {money(ceiling)}"}]},
        "description": f"Scatter of group benefit against autonomy for five decision regimes. {summary}.",
    }


@lru_cache(maxsize=1)
def paradox_template() -> alt.LayerChart:
    """The paradox chart's fixed design; its data arrive as the named datasets of ``paradox_parts``."""
    x = alt.X("autonomy:Q", title="Autonomy retained (share of decisions each practice takes alone)",
              scale=alt.Scale(domain=[-0.05, 1.12]), axis=alt.Axis(format="%", values=[0, 0.25, 0.5, 0.75, 1]))
    y = alt.Y("benefit:Q", title="Group benefit realised (£ a year)", scale=alt.Scale(zero=True, nice=True),
              axis=alt.Axis(format=",.0f"))
    base = alt.Chart(alt.NamedData("regimes"))
    path = base.mark_line(color="#bbbbbb", strokeDash=[4, 4]).encode(x=x, y=y, order="order:Q")
    points = base.mark_point(size=420, filled=True, opacity=1).encode(
        x=x, y=y,
        color=alt.Color("regime:N", scale=alt.Scale(**REGIME_COLOURS), title="Decision regime", sort=None,
                        legend=alt.Legend(labelLimit=0, orient="bottom", columns=2)),
        shape=alt.Shape("regime:N", sort=None, scale=alt.Scale(**REGIME_SHAPES)),
        tooltip=[alt.Tooltip("regime:N", title="Regime"), alt.Tooltip("benefit:Q", title="£ a year", format=",.0f"),
                 alt.Tooltip("autonomy:Q", title="Autonomy", format=".0%"), alt.Tooltip("losers:Q", title="Practices worse off")],
    )
    ceiling = alt.Chart(alt.NamedData("ceiling"))
    rule = ceiling.mark_rule(color=NEUTRAL, strokeDash=[2, 2]).encode(y=alt.Y("y:Q", title=None))
    rule_text = ceiling.mark_text(align="right", x="width", dy=14, color="#333", fontSize=14).encode(y="y:Q", text="text:N")
    # No text labels on the points: regimes often land close together (a blocked bundle falls back
    # to the veto result), so colour + shape + legend, and the narrative, name them instead.
    return (path + rule + rule_text + points).properties(
        width=560, height=340,
        title=alt.Title("The autonomy paradox", subtitle="More benefit for the group costs each practice some say"),
    )


def paradox_chart(outcomes: Sequence[Outcome], group: Group, tolerance: float, ceiling: float) -> alt.LayerChart:
    """Group benefit realised against autonomy retained, one point per regime (the paradox at a glance)."""
    return paradox_template().properties(**paradox_parts(outcomes, group, tolerance, ceiling))


def practice_table(outcome: Outcome, group: Group, tolerance: float) -> pd.DataFrame:
    """One row per practice: practice, list_size, net, alone (GBP/yr), status, text, label, label_at."""
    return pd.DataFrame(_practice_rows(outcome, group, tolerance))


def _practice_rows(outcome: Outcome, group: Group, tolerance: float) -> list[dict]:
    leavers = set(outcome.would_leave(group, tolerance))
    rows = []
    for p in group.practices:
        net = outcome.net[p.name]
        status = "would leave" if p.name in leavers else ("worse off" if net < -0.005 else "better off or level")
        label = money(net) + ("  (would leave)" if status == "would leave" else "")
        rows.append(dict(practice=p.name, list_size=p.list_size, net=net, alone=outcome.alone[p.name],
                         status=status, text=money(net), label=label, label_at=max(net, 0.0)))
    return rows


def practice_parts(outcome: Outcome, group: Group, tolerance: float) -> dict:
    """What changes between updates of the per-practice chart: data, title, text alternative."""
    rows = _as_columns(_practice_rows(outcome, group, tolerance))
    summary = "; ".join(f"{r['practice']}: {r['text']} ({r['status']})" for r in rows)
    name = REGIME_LABELS[outcome.regime]
    return {
        "datasets": {"practices": rows, "zero": [{"x": 0.0}]},
        "title": {"text": name, "subtitle": "Bars: net gain or loss. Black tick: what the practice would make alone."},
        "description": f"Bar chart of each practice's net position under '{name}'. {summary}.",
    }


@lru_cache(maxsize=1)
def practice_template() -> alt.LayerChart:
    """The per-practice chart's fixed design; data arrive as the named datasets of ``practice_parts``."""
    y = alt.Y("practice:N", title=None, sort=None, axis=alt.Axis(labelFontSize=16))
    gain_loss = alt.Color("sign:N", scale=alt.Scale(domain=["gain", "loss"], range=[GAIN, LOSS]),
                          title="Net position", legend=alt.Legend(orient="bottom"))
    base = alt.Chart(alt.NamedData("practices")).transform_calculate(sign="datum.net < -0.005 ? 'loss' : 'gain'")
    bars = base.mark_bar(height=26).encode(
        x=alt.X("net:Q", title="Net position (£ a year, against doing nothing)", axis=alt.Axis(format=",.0f")),
        y=y, color=gain_loss,
        tooltip=[alt.Tooltip("practice:N"), alt.Tooltip("list_size:Q", title="List size", format=","),
                 alt.Tooltip("net:Q", title="£ a year", format=",.0f"), alt.Tooltip("status:N")],
    )
    alone = base.mark_tick(color="#000", thickness=3, size=34).encode(x="alone:Q", y=y)
    labels = base.mark_text(align="left", dx=6, fontSize=15).encode(x="label_at:Q", y=y, text="label:N")
    zero = alt.Chart(alt.NamedData("zero")).mark_rule(color="#333").encode(x="x:Q")
    return (bars + zero + alone + labels).properties(width=520, height=alt.Step(40))


def practice_chart(outcome: Outcome, group: Group, tolerance: float) -> alt.LayerChart:
    """Each practice's net position under one regime, with its go-it-alone position marked."""
    return practice_template().properties(**practice_parts(outcome, group, tolerance))


def _records(table: pd.DataFrame) -> list[dict]:
    """Rows as plain Python values (widget state must be JSON, not numpy)."""
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()} for row in table.to_dict("records")]


def _as_columns(rows: list[dict]) -> list[dict]:
    """Rows as ``_records(pd.DataFrame(rows))`` gives them, without pandas: plain Python values, and
    a column of numbers that holds any float all floats (as a frame's float64 column)."""
    rows = [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()} for row in rows]
    for column in rows[0] if rows else ():
        values = [row[column] for row in rows]
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
        if numbers and any(isinstance(v, float) for v in values):
            for row in rows:
                row[column] = float(row[column])
    return rows


def change_positions_chart(rows: Sequence[dict], labels: dict[str, str]) -> alt.Chart:
    """Net position of each practice from each change run group-wide with no transfers."""
    def header(row) -> str:
        return labels[row.change] + ("" if row.group_value > 0 else " (does not pay for the group)")

    table = pd.DataFrame(rows)
    table = table.assign(change=table.apply(header, axis=1),
                         sign=table.net.map(lambda x: "loss" if x < -0.005 else "gain"))
    losers = table[table.sign == "loss"]
    summary = "; ".join(f"{r.practice} loses {money(-r.net)} from {r.change}" for r in losers.itertuples()) or "nobody loses"
    return alt.Chart(table).mark_bar().encode(
        x=alt.X("net:Q", title="£ a year", axis=alt.Axis(format=",.0f")),
        y=alt.Y("practice:N", title=None, sort=None),
        color=alt.Color("sign:N", scale=alt.Scale(domain=["gain", "loss"], range=[GAIN, LOSS]), title="Net position"),
        row=alt.Row("change:N", title=None, sort=None, header=alt.Header(labelAngle=0, labelOrient="top", labelAnchor="start",
                                                                       labelFontSize=15, labelFontWeight="bold")),
        tooltip=["change:N", "practice:N", alt.Tooltip("saving:Q", format=",.0f"), alt.Tooltip("cost_share:Q", format=",.0f"),
                 alt.Tooltip("net:Q", format=",.0f")],
    ).properties(width=420, height=alt.Step(18), description=f"Each change's gain or loss for each practice without transfers: {summary}.")


def explorer_chart(grid: pd.DataFrame, ceiling: float) -> alt.LayerChart:
    """The paradox chart over a precomputed grid, with a tolerance slider and rule picker that need no kernel."""
    tolerances = sorted(grid.tolerance.unique())
    step = tolerances[1] - tolerances[0] if len(tolerances) > 1 else 1
    tau = alt.param(name="tolerance", value=tolerances[len(tolerances) // 4],
                    bind=alt.binding_range(min=tolerances[0], max=tolerances[-1], step=step, name="Tolerance (£ per patient a year) "))
    rule = alt.param(name="rule", value="shapley",
                     bind=alt.binding_select(options=list(grid.rule.unique()), name="Gainshare rule "))
    data = grid.assign(regime=grid.regime.map(REGIME_LABELS))
    base = alt.Chart(data).transform_filter(
        "abs(datum.tolerance - tolerance) < 1e-9 && datum.rule == rule")
    x = alt.X("autonomy_index:Q", title="Autonomy retained", scale=alt.Scale(domain=[-0.05, 1.12]), axis=alt.Axis(format="%"))
    y = alt.Y("group_benefit:Q", title="Group benefit realised (£ a year)", scale=alt.Scale(domain=[0, ceiling * 1.15]),
              axis=alt.Axis(format=",.0f"))
    points = base.mark_point(size=420, filled=True, opacity=1).encode(
        x=x, y=y, color=alt.Color("regime:N", scale=alt.Scale(**REGIME_COLOURS), sort=None, title="Decision regime",
                                  legend=alt.Legend(labelLimit=0, orient="bottom", columns=2)),
        shape=alt.Shape("regime:N", sort=None, scale=alt.Scale(**REGIME_SHAPES)),
        tooltip=[alt.Tooltip("regime:N"), alt.Tooltip("group_benefit:Q", format=",.0f", title="£ a year"),
                 alt.Tooltip("autonomy_index:Q", format=".0%", title="Autonomy"), alt.Tooltip("losers:Q", title="Practices worse off")])
    ceiling_rule = alt.Chart(pd.DataFrame({"y": [ceiling]})).mark_rule(color=NEUTRAL, strokeDash=[2, 2]).encode(y="y:Q")
    return (ceiling_rule + points).add_params(tau, rule).properties(
        width=520, height=320, title="Explore: move the tolerance, change the rule",
        description="Interactive scatter of group benefit against autonomy for five decision regimes; a slider sets the "
                    f"tolerance and a menu the gainshare rule. The dashed line is the most the group could gain, {money(ceiling)} a year.")


# ---------------------------------------------------------------- merger pressure (assumption 7)

PRESSURE_SERIES = ("veto", "transfers", "merger")
PRESSURE_COLOURS = {"domain": [REGIME_LABELS[k] for k in PRESSURE_SERIES],
                    "range": [OKABE_ITO[[r.key for r in REGIMES].index(k)] for k in PRESSURE_SERIES]}


def merger_pressure_parts(rows: Sequence[dict]) -> dict:
    """Data and text alternative of the merger-pressure chart, from ``gainshare.merger_pressure`` rows."""
    money_rows, say_rows, gap_rows = [], [], []
    for r in rows:
        step = f"{r['changes']}. {r['label']}"
        for key, value in (("veto", r["veto"]), ("merger", r["ceiling"])):
            money_rows.append(dict(changes=r["changes"], step=step, series=REGIME_LABELS[key], value=float(value)))
        for key in PRESSURE_SERIES:
            say_rows.append(dict(changes=r["changes"], step=step, series=REGIME_LABELS[key],
                                 value=float(r[f"autonomy_{'gainshare' if key == 'transfers' else key}"])))
        gap_rows.append(dict(changes=r["changes"], step=step, low=float(r["veto"]), high=float(r["ceiling"]),
                             left=float(r["left"]), share=float(r["share_left"])))
    summary = "; ".join(
        f"{r['changes']} ({r['label']} added): change by change collects {money(r['veto'])} of {money(r['ceiling'])}, "
        f"leaving {money(r['left'])}; with a gainshare each practice keeps {r['autonomy_gainshare']:.0%} of its say"
        for r in rows)
    return {
        "datasets": {"pressure_money": money_rows, "pressure_gap": gap_rows, "pressure_say": say_rows},
        "description": "Two line charts against the number of changes on the table, added cheapest first. "
                       f"Top: what the group collects; bottom: the say each practice keeps. {summary}.",
    }


@lru_cache(maxsize=1)
def merger_pressure_template() -> alt.VConcatChart:
    """The merger-pressure chart's fixed design; data arrive as the named datasets of the parts."""
    x = alt.X("changes:Q", title="Changes on the table (cheapest first)", axis=alt.Axis(tickMinStep=1, format="d"),
              scale=alt.Scale(nice=False, padding=12))
    colour = alt.Color("series:N", scale=alt.Scale(**PRESSURE_COLOURS), sort=None, title="Way of deciding",
                       legend=alt.Legend(orient="bottom", labelLimit=0, direction="vertical"))
    tips = [alt.Tooltip("step:N", title="Last change added"), alt.Tooltip("series:N", title="Way of deciding")]
    gap = alt.Chart(alt.NamedData("pressure_gap")).mark_area(color=LOSS, opacity=0.18).encode(
        x=x, y=alt.Y("low:Q"), y2="high:Q",
        tooltip=[alt.Tooltip("step:N", title="Last change added"),
                 alt.Tooltip("left:Q", title="Left on the table (£ a year)", format=",.0f"),
                 alt.Tooltip("share:Q", title="Share of what a merger collects", format=".0%")])
    money_lines = alt.Chart(alt.NamedData("pressure_money")).mark_line(point=alt.OverlayMarkDef(size=90), strokeWidth=3).encode(
        x=x, y=alt.Y("value:Q", title="Group benefit realised (£ a year)", axis=alt.Axis(format=",.0f"),
                     scale=alt.Scale(zero=True)),
        color=colour, strokeDash=alt.StrokeDash("series:N", sort=None, legend=None),
        tooltip=[*tips, alt.Tooltip("value:Q", title="£ a year", format=",.0f")])
    say_lines = alt.Chart(alt.NamedData("pressure_say")).mark_line(point=alt.OverlayMarkDef(size=90), strokeWidth=3).encode(
        x=x, y=alt.Y("value:Q", title="Say each practice keeps", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        color=colour, strokeDash=alt.StrokeDash("series:N", sort=None, legend=None),
        tooltip=[*tips, alt.Tooltip("value:Q", title="Decisions taken alone", format=".0%")])
    money_panel = (gap + money_lines).properties(
        width=460, height=220, title=alt.Title("What the group collects", subtitle="Shaded: left on the table without merging"))
    say_panel = say_lines.properties(
        width=460, height=160, title=alt.Title("What each practice keeps", subtitle="A gainshare collects what a merger does"))
    return alt.vconcat(money_panel, say_panel, spacing=28).resolve_scale(color="shared", strokeDash="shared")


def merger_pressure_chart(rows: Sequence[dict]) -> alt.VConcatChart:
    """What deciding change by change leaves on the table, and the say a gainshare costs, as changes are added."""
    return merger_pressure_template().properties(**merger_pressure_parts(rows))


def cross_subsidy_chart(subsidy: dict[str, float], label: str) -> alt.Chart:
    """Bars: what each practice pays towards the others' use of a change (``gainshare.cross_subsidy``)."""
    table = pd.DataFrame({"practice": list(subsidy), "subsidy": [float(v) for v in subsidy.values()]})
    table = table.assign(side=table.subsidy.map(lambda v: "pays for others' use" if v > 0.5 else "others pay for its use"
                                                if v < -0.5 else "about even"),
                         text=table.subsidy.map(money), label_at=table.subsidy.clip(lower=0.0))
    summary = "; ".join(f"{r.practice} {r.side} ({r.text})" for r in table.itertuples())
    bars = alt.Chart(table).mark_bar(height=24).encode(
        x=alt.X("subsidy:Q", title="£ a year paid towards other practices' use (negative: received)",
                axis=alt.Axis(format=",.0f")),
        y=alt.Y("practice:N", title=None, sort=None),
        color=alt.Color("side:N", title=None, legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=["pays for others' use", "others pay for its use", "about even"],
                                        range=[LOSS, GAIN, NEUTRAL])),
        tooltip=[alt.Tooltip("practice:N"), alt.Tooltip("subsidy:Q", title="£ a year", format=",.0f"), "side:N"])
    labels = alt.Chart(table).mark_text(align="left", dx=6).encode(
        x=alt.X("label_at:Q"), y=alt.Y("practice:N", sort=None), text="text:N")
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#333").encode(x="x:Q")
    return (bars + zero + labels).properties(
        width=460, height=alt.Step(36),
        title=alt.Title(f"{label}: who pays for whose use?",
                        subtitle="Cost split by list size, against a split by what each practice gets out of it"),
        description=f"Bar chart of what each practice pays towards others' use of '{label}' when its cost is "
                    f"split by list size: {summary}.")
