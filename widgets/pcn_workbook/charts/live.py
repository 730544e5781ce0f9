"""Live charts for apps: one small anywidget (``LiveChart``) whose Vega view changes in place.

Why not ``alt.JupyterChart``: changing its spec throws the Vega view away and embeds a new one
(40-60 ms in the browser per slider step), and offline each chart carries its own copy of the Vega
bundle (~900 KB of JavaScript that the browser parses once per chart, reason for anywidget's
"Failed to initialize model" when a loaded machine takes over two seconds).

``LiveChart`` keeps the whole Vega-Lite spec in its ``spec`` trait (so a new view, a test or a
screenshot always sees the truth), and its front end (``live.js``) compares each new spec with what
it shows: when only named datasets, the title's lines or the description changed (what the chart
builders' ``*_parts`` functions return) it applies a Vega changeset and signal updates to the view it
keeps; anything else re-embeds.

What travels on a slider step (``update_chart``): only what changed. The kernel's ``spec`` is set
without sending it, and one small message (``"pcn_live": "patch"``) carries the changed datasets
and top-level keys with the version they apply to (``_version``, counted up per patch); the front
end applies it to its copy of the spec and the views change in place. Sending the whole spec cost
every step its full size three times over (the kernel's serialising, the server, the browser's
parse and deep comparisons): 23 KB for the scale chapter's voice chart when only its 16-byte marker
moved. A front end that finds a patch not made for the version it holds (it missed one while its
JavaScript was loading) asks for the whole state again (``"pcn_live": "version"``), as it does
once when it starts.

Text alternatives (``live.js``): the drawn chart is wrapped in ``role="img"`` labelled with the spec's
``description``, kept current on every change, and followed by a "Show as table" disclosure that
lists the chart's main dataset (at most 60 rows). The same module names the page's sliders for
screen readers (ipywidgets leaves their handles unnamed).

Where its JavaScript comes from:

* under ``pcn-workbook serve`` the server builds ``live.js`` with Vega into one file, serves it at
  ``<base>/pcn-assets/livechart-<hash>.js`` with a year-long cache, and tells kernels the path in
  ``PCN_WORKBOOK_LIVECHART_URL``; each widget then carries a few hundred bytes that import it, so a
  page parses Vega once and a reload takes it from the browser's cache;
* anywhere else (JupyterLab, plain Voila, the tests) the bundle is inlined in the widget, as
  Altair's offline JupyterChart does.

How the bundle is built and named: ``live_bundle.py``.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from typing import TYPE_CHECKING

import anywidget
import traitlets

from . import designs, projector
from .live_bundle import URL_ENV, bundle_path, loader

if TYPE_CHECKING:
    import altair as alt

EMBED_OPTIONS = {"renderer": "svg", "actions": False}  # svg: screen readers get the description


def _esm() -> str:
    url = os.environ.get(URL_ENV, "").strip()
    if url:
        return loader(url)
    return bundle_path().read_text(encoding="utf-8")


class LiveChart(anywidget.AnyWidget):
    """A Vega-Lite chart in an app; set ``spec`` (or call ``update_chart``) to change it."""

    _css = """
.pcn-live-chart .vega-embed { overflow: visible; }
.pcn-chart-table { margin: 2px 0 10px; font-size: 15px; }
.pcn-chart-table summary { cursor: pointer; color: #005a8c; font-weight: 600; padding: 2px 4px; width: max-content; }
.pcn-chart-table summary:focus-visible { outline: 3px solid #005a8c; outline-offset: 2px; }
.pcn-chart-table table { border-collapse: collapse; margin: 6px 0 2px; }
.pcn-chart-table caption { text-align: left; font-weight: 600; padding: 2px 0; }
.pcn-chart-table th, .pcn-chart-table td { border: 1px solid #b7c0c9; padding: 2px 8px; text-align: left; }
.pcn-chart-table td { font-variant-numeric: tabular-nums; }
.pcn-table-note { margin: 2px 0; color: #3d4650; }
"""
    spec = traitlets.Dict().tag(sync=True)
    embed_options = traitlets.Dict().tag(sync=True)
    _version = traitlets.Int(0).tag(sync=True)  # patches applied to ``spec`` (see update_chart)

    def __init__(self, **kwargs):
        if "_esm" not in LiveChart.__dict__:
            LiveChart._esm = _esm()  # read by AnyWidget.__init__; decided once per kernel
        super().__init__(**kwargs)
        self.on_msg(self._from_front_end)

    def _from_front_end(self, _widget, content, _buffers) -> None:
        """A front end reports the version it holds; one that is behind gets the whole state again.
        (Anyone on the page can send this: the answer is only the state they already have.)"""
        if isinstance(content, dict) and content.get("pcn_live") == "version" and content.get("version") != self._version:
            self.send_state(["spec", "_version"])


def live_chart(chart: alt.TopLevelMixin | dict, css_class: str) -> LiveChart:
    """A live chart for an app (an Altair chart, or a Vega-Lite spec already made), tagged with a
    CSS class for tests and styling."""
    widget = LiveChart(spec=chart if isinstance(chart, dict) else chart.to_dict(), embed_options=EMBED_OPTIONS)
    widget.add_class("pcn-live-chart")
    widget.add_class(css_class)
    projector.apply(widget)  # drawn large when this page is in projector view
    return widget


def designed_chart(template, parts: dict, css_class: str) -> LiveChart:
    """A live chart of a fixed design (``template``: a chart builder taking no arguments, such as
    ``networks_template``) drawn with its first ``parts``, as ``update_chart`` would change it.

    Turning an Altair chart into a spec checks it against the Vega-Lite schema, a third of an app's
    build (the scale app: 26 of 78 ms), and needs Altair itself; the design is the same every time,
    so it is read from the designs file ``pcn-workbook serve`` writes (``charts.designs``), or built
    once per kernel where there is none, and each chart starts from a copy of it with the parts
    merged in.
    """
    spec = json.loads(_design(template))
    spec.update({k: v for k, v in parts.items() if k != "datasets"})
    spec["datasets"] = {**spec.get("datasets", {}), **parts.get("datasets", {})}
    return live_chart(spec, css_class)


@lru_cache(maxsize=64)
def _design(template) -> str:
    return designs.design(template)


def update_chart(widget: LiveChart, parts: dict) -> None:
    """Swap a live chart's named datasets and top-level text (title, description).

    Rebuilding and re-validating an Altair chart on every slider step costs 50-130 ms; the design
    is fixed, so only the parts that change are sent (a chart builder's ``*_parts`` function), as a
    patch of what differs from the spec the front end holds (see the module's notes), and the
    browser changes the drawn view in place.
    """
    old = widget.spec
    held = old.get("datasets", {})
    datasets = {k: v for k, v in parts.get("datasets", {}).items() if held.get(k) != v}
    top = {k: v for k, v in parts.items() if k != "datasets" and old.get(k) != v}
    if not datasets and not top:
        return
    spec = {**old, **top, "datasets": {**held, **datasets}}
    if widget._holding_sync and "spec" in widget._states_to_send:  # a whole spec is already due to go
        widget.spec = spec
        return
    with widget.hold_sync():  # the kernel's spec changes; the patch below is all that is sent
        widget.spec = spec
        widget._version += 1
        widget._states_to_send.difference_update({"spec", "_version"})
    widget.send({"pcn_live": "patch", "base": widget._version - 1, "version": widget._version,
                 "set": top, "datasets": datasets})
