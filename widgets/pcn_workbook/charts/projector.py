"""Projector view for live charts: larger type, thicker marks, bigger plots, no gridlines.

A chart read from the back of a training room (about 8 metres from a 2-3 metre screen) needs type
of roughly 1.5 times what reads well on a laptop, lines that survive a washed-out projector, and
less clutter. The design rules are the workbook's own (illustrative, not from a source):

* every font size x ``TEXT`` (the theme's 15-19 px become 22-28 px);
* plot widths and heights (and band steps) x ``PLOT``, so a 520 px chart fills a 1024 px screen;
* stroke widths x ``STROKE`` and point/symbol areas x ``AREA``;
* no axis gridlines (the values that matter are labelled on the marks or the axes).

The transformation is on the whole Vega-Lite spec, so it reaches every chart the same way, and
the chart's datasets, words and text alternative are untouched. Turning it off restores the spec
the chart builder made (keeping the current data and words).
"""

from __future__ import annotations

import copy

TEXT, PLOT, STROKE, AREA = 1.45, 1.35, 1.6, 2.0
_SKIP = frozenset({"datasets", "data", "transform", "params", "description", "scale", "field", "sort"})
_PLOTS = frozenset({"width", "height", "continuousWidth", "continuousHeight", "discreteWidth", "discreteHeight"})
_AREAS = frozenset({"size", "symbolSize"})
_KEEP_ON_RESTORE = ("datasets", "title", "description")

_on = False  # this kernel's setting: one page, one participant


def projected(spec: dict) -> dict:
    """A copy of a Vega-Lite spec drawn for a projector (see the module's rules).

    >>> s = projected({"width": 520, "mark": {"type": "text", "fontSize": 14},
    ...                "config": {"axis": {"labelFontSize": 15, "grid": True}}, "datasets": {"d": [{"width": 3}]}})
    >>> s["width"], s["mark"]["fontSize"], s["config"]["axis"], s["datasets"]
    (702, 20, {'labelFontSize': 22, 'grid': False}, {'d': [{'width': 3}]})
    """
    out = _scaled(copy.deepcopy(spec))
    config = out.setdefault("config", {})
    config.setdefault("axis", {})["grid"] = False
    return out


def _scaled(node, key: str | None = None):
    if isinstance(node, dict):
        for k, v in list(node.items()):
            if k in _SKIP:
                continue
            node[k] = _scaled(v, k)
        if key in ("width", "height") and isinstance(node.get("step"), (int, float)):
            node["step"] = round(node["step"] * PLOT)
        if key in _AREAS and _number(node.get("value")):  # an encoding's constant, size=alt.value(80)
            node["value"] = round(node["value"] * AREA)
        return node
    if isinstance(node, list):
        return [_scaled(v, key) for v in node]
    if not _number(node) or key is None:
        return node
    if key == "fontSize" or key.endswith("FontSize"):
        return round(node * TEXT)
    if key in _PLOTS:
        return round(node * PLOT)
    if key.endswith("Width"):  # strokeWidth, domainWidth, tickWidth, gridWidth...
        return round(node * STROKE, 1)
    if key in _AREAS:
        return round(node * AREA)
    return node


def _number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def is_on() -> bool:
    return _on


def apply(widget) -> None:
    """Draw one live chart as the kernel's projector setting says (call on every new chart)."""
    plain = getattr(widget, "_pcn_plain_spec", None)
    if _on and plain is None:
        widget._pcn_plain_spec = copy.deepcopy(widget.spec)
        widget.spec = projected(widget.spec)
    elif not _on and plain is not None:
        current = widget.spec
        widget._pcn_plain_spec = None
        widget.spec = {**plain, **{k: current[k] for k in _KEEP_ON_RESTORE if k in current}}


def set_projector(on: bool) -> None:
    """Switch this kernel's charts (every live chart open now, and every one made later)."""
    global _on
    _on = bool(on)
    from ipywidgets.widgets.widget import _instances

    from .live import LiveChart

    for widget in list(_instances.values()):
        if isinstance(widget, LiveChart):
            apply(widget)
