"""Charts for the scale chapter: data in, chart out, each with a text alternative.

The networks chart follows the live pattern of ``charts.autonomy``: a fixed template plus
per-update ``parts`` (named datasets and description), so the app can patch it cheaply.
"""

from __future__ import annotations

from functools import lru_cache

from ..lazy import lazy_module
from ..tables import records
from ._altair import altair
from .theme import GAIN, LOSS, NEUTRAL, OKABE_ITO

alt = lazy_module("altair", globals(), "alt", load=altair)  # imported when a chart is first built
pd = lazy_module("pandas", globals(), "pd")  # only list_size_chart needs it


def network_rows(grouping, target_min: int, target_max: int) -> list[dict]:
    rows = []
    for i, n in enumerate(grouping.networks):
        status = "in the target band" if target_min <= n.population <= target_max else (
            "below the band" if n.population < target_min else "above the band (one large practice)")
        # the bar's label says the size class in words too (not by colour alone): "4" in the band, "3 · below"
        label = f"{len(n.practices)}" + ("" if status.startswith("in ") else f" · {status.split()[0]}")
        rows.append(dict(order=i, network=n.name, population=int(n.population), practices=len(n.practices),
                         districts=", ".join(n.districts), status=status, label=label))
    return rows


def networks_parts(grouping, target_min: int, target_max: int, area: str) -> dict:
    rows = network_rows(grouping, target_min, target_max)
    summary = "; ".join(f"{r['network']}: {r['population']:,} patients in {r['practices']} practices ({r['status']})" for r in rows)
    return {
        "datasets": {"networks": rows, "band": [{"low": int(target_min), "high": int(target_max)}]},
        "title": {"text": f"Networks in area {area}", "subtitle": f"Target band {target_min:,} to {target_max:,} patients (shaded)"},
        "description": f"Bar chart of network populations in area {area}. {summary}.",
    }


@lru_cache(maxsize=1)
def networks_template() -> alt.LayerChart:
    status = alt.Color("status:N", title="Network size", legend=alt.Legend(orient="bottom", labelLimit=0),
                       scale=alt.Scale(domain=["in the target band", "below the band", "above the band (one large practice)"],
                                       range=[GAIN, LOSS, OKABE_ITO[3]]))
    y = alt.Y("network:N", title=None, sort=alt.EncodingSortField(field="order", op="min"), axis=alt.Axis(labelFontSize=15))
    band = alt.Chart(alt.NamedData("band")).mark_rect(color="#dddddd", opacity=0.6).encode(x="low:Q", x2="high:Q")
    bars = alt.Chart(alt.NamedData("networks")).mark_bar(height=22).encode(
        x=alt.X("population:Q", title="Registered patients", axis=alt.Axis(format=",.0f")), y=y, color=status,
        tooltip=[alt.Tooltip("network:N"), alt.Tooltip("population:Q", format=","), alt.Tooltip("practices:Q"),
                 alt.Tooltip("districts:N", title="Postcode districts")])
    labels = alt.Chart(alt.NamedData("networks")).mark_text(align="left", dx=5, fontSize=14).encode(
        x="population:Q", y=y, text="label:N")
    return (band + bars + labels).properties(width=520, height=alt.Step(30))


def networks_chart(grouping, target_min: int, target_max: int, area: str) -> alt.LayerChart:
    """Each network's population against the target band; the number at each bar's end is its practice
    count, with "below" or "above" when the network is outside the band."""
    return networks_template().properties(**networks_parts(grouping, target_min, target_max, area))


VOICE_MEASURES = {"voice": "Voice with the system", "closeness": "Closeness to practices", "score": "Weighted balance"}


def voice_parts(rows: list[dict], marker: float) -> dict:
    """What changes between updates of the voice chart: the curves, the marker, the text alternative."""
    curve = [{"population": float(r["population"]), "measure": label, "value": float(r[key])}
             for r in rows for key, label in VOICE_MEASURES.items()]
    best = max(rows, key=lambda r: r["score"])
    return {
        "datasets": {"curve": curve, "marker": [{"x": float(marker)}]},
        "description": ("Illustrative curves of voice, closeness and their weighted balance against population. "
                        f"With these weights the balance peaks near {best['population']:,.0f} patients."),
    }


@lru_cache(maxsize=1)
def voice_template() -> alt.LayerChart:
    """The distance-against-voice chart's fixed design; data arrive through ``voice_parts``."""
    lines = alt.Chart(alt.NamedData("curve")).mark_line(strokeWidth=3).encode(
        x=alt.X("population:Q", title="Population covered (log scale)", scale=alt.Scale(type="log"), axis=alt.Axis(format=",.0f")),
        y=alt.Y("value:Q", title="Illustrative score (0 to 1)", scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("measure:N", title=None, sort=list(VOICE_MEASURES.values()),
                        scale=alt.Scale(domain=list(VOICE_MEASURES.values()), range=[OKABE_ITO[1], OKABE_ITO[0], "#000000"]),
                        legend=alt.Legend(orient="bottom", labelLimit=0)),
        strokeDash=alt.StrokeDash("measure:N", legend=None))
    rule = alt.Chart(alt.NamedData("marker")).mark_rule(color=NEUTRAL, strokeDash=[3, 3]).encode(x="x:Q")
    return (lines + rule).properties(
        width=520, height=260, title=alt.Title("Distance against voice: a thinking aid, not evidence",
                                               subtitle="Dashed line: the middle of your target band"))


def voice_chart(rows: list[dict], marker: float) -> alt.LayerChart:
    """The illustrative distance-versus-voice curves, with the learner's chosen size marked."""
    return voice_template().properties(**voice_parts(rows, marker))


def evidence_parts(table) -> dict:
    """Data and text alternative of the evidence chart. ``table``: rows (mappings) or a frame with
    columns group, order and value (others are carried along)."""
    rows = records(table)
    summary = "; ".join(f"{r['group']}: £{r['value']:.2f}" for r in rows)
    rows = [{**r, "label": f"£{r['value']:.2f}"} for r in rows]  # d3-format has no pound sign
    return {"datasets": {"evidence": rows},
            "description": f"Bar chart of expenses per patient by practice size: {summary}."}


@lru_cache(maxsize=1)
def evidence_template() -> alt.LayerChart:
    bars = alt.Chart(alt.NamedData("evidence")).mark_bar(color=OKABE_ITO[0]).encode(
        x=alt.X("group:N", title="Practice size (number of GPs)", sort=alt.EncodingSortField(field="order", op="min"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title="Expenses per patient (£ a year)", scale=alt.Scale(zero=True)))
    text = bars.mark_text(dy=-8, fontSize=15, color="#000").encode(text="label:N")
    return (bars + text).properties(
        width=420, height=260,
        title=alt.Title("Bigger practices did not spend less per patient",
                        subtitle="NHS Digital GP earnings and expenses 2013/14 (as reported by GPonline)"))


def evidence_chart(table) -> alt.LayerChart:
    """Published expenses per patient by practice size, with the value on each bar (``evidence_parts``)."""
    return evidence_template().properties(**evidence_parts(table))


def list_size_chart(list_sizes: pd.Series, step: int = 2_000, cap: int = 40_000) -> alt.LayerChart:
    """How many practices have lists of each size, in bins of ``step`` patients (binned here, not in
    the browser, so the chart carries 20 rows rather than every practice)."""
    clipped = list_sizes.clip(upper=cap - 1)
    start = (clipped // step * step).astype(int)
    table = start.value_counts().sort_index().rename_axis("start").reset_index(name="practices")
    table["end"] = table.start + step
    median = float(list_sizes.median())
    bars = alt.Chart(table).mark_bar(color=OKABE_ITO[0]).encode(
        x=alt.X("start:Q", title=f"Registered patients (lists above {cap:,} in the last bar)", axis=alt.Axis(format=",.0f")),
        x2="end:Q", y=alt.Y("practices:Q", title="Practices"), y2=alt.datum(0),
        tooltip=[alt.Tooltip("start:Q", title="From", format=","), alt.Tooltip("end:Q", title="Up to", format=","),
                 alt.Tooltip("practices:Q")])
    rule = alt.Chart(pd.DataFrame({"x": [median]})).mark_rule(color="#000", strokeDash=[4, 3]).encode(x="x:Q")
    return (bars + rule).properties(
        width=520, height=240, title=alt.Title("Practice list sizes in England, January 2021",
                                               subtitle=f"{len(list_sizes):,} practices shown; dashed line: their median, {median:,.0f} patients"),
        description=f"Histogram of {len(list_sizes):,} practice list sizes in bins of {step:,}; median {median:,.0f} patients.")
