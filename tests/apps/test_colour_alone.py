"""Nothing in a chart is told by colour alone (issue 13): every colour-encoded category is also told
by position, shape, dash, or words on the chart. Checked on the charts the apps really draw."""

from __future__ import annotations

import importlib

import pytest
from ipywidgets.widgets.widget import _instances

from pcn_workbook.charts.live import LiveChart

STEPS = {"purpose": ["step=compass", "step=readiness"], "autonomy": [""], "scale": [""],
         "trust": ["step=match", "step=tournament", "step=evolution", "step=communication", "step=thread"],
         "deciding": ["step=decisions", "step=access", "step=representation"], "stories": ["tags=ae_pressure"]}
OTHER_CHANNELS = ("shape", "strokeDash", "text", "x", "y", "row", "column", "facet")
# Where the colour's partner has another name: chart class -> colour field -> the field that tells the
# same thing in words or position on the chart, checked below against the data.
TOLD_BY = {
    "pcn-practice-chart": {"sign": "net"},  # gain or loss: the bar's side of zero and its £ label
    "pcn-match-chart": {"action": "letter"},  # share or hoard: the S / H letter on each square
    "pcn-networks-chart": {"status": "label"},  # "3 · below" at the bar's end
    "pcn-evolution-chart": {"strategy": "name"},  # the strategy's name at the band's end
}


def views(spec: dict) -> list[dict]:
    out = [spec] if "encoding" in spec else []
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for sub in spec.get(key, []):
            out += views(sub)
    return out


def field(enc) -> str | None:
    return enc.get("field") if isinstance(enc, dict) else None


def drawn_charts():
    seen: set[str] = set()
    for name, steps in STEPS.items():
        module = importlib.import_module(f"pcn_workbook.apps.{name}")
        for query in steps:
            module.build(query)
            for widget in list(_instances.values()):
                if isinstance(widget, LiveChart) and widget.model_id not in seen:
                    seen.add(widget.model_id)
                    css = next(c for c in widget._dom_classes if c.endswith("-chart") and c != "pcn-live-chart")
                    yield css, widget.spec


CHARTS = list(drawn_charts())


def test_every_app_chart_was_found():
    assert len({css for css, _ in CHARTS}) >= 10


@pytest.mark.parametrize("css,spec", CHARTS, ids=[css for css, _ in CHARTS])
def test_no_category_is_told_by_colour_alone(css, spec):
    fields = [(v, field(v["encoding"].get("color"))) for v in views(spec)]
    others = {field(v["encoding"].get(c)) for v in views(spec) for c in OTHER_CHANNELS} - {None}
    for view, colour in fields:
        if colour is None or view["encoding"]["color"].get("type") == "quantitative" or colour in others:
            continue
        partner = TOLD_BY.get(css, {}).get(colour)
        assert partner in others, f"{css}: '{colour}' is shown by colour alone"
        rows = [r for table in spec.get("datasets", {}).values() for r in table if colour in r and partner in r]
        by_colour: dict = {}
        for r in rows:
            by_colour.setdefault(r[colour], set()).add(r[partner] > 0 if isinstance(r[partner], (int, float)) else r[partner])
        values = list(by_colour.values())
        for i, a in enumerate(values):
            for b in values[i + 1:]:
                assert not a & b, f"{css}: '{partner}' does not tell the '{colour}' categories apart"
