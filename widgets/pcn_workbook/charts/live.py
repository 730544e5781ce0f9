"""Live charts for apps: ``alt.JupyterChart`` with its JavaScript bundled, so nothing comes from a CDN.

Altair's ``JupyterChart.enable_offline()`` builds the Vega bundle with vl-convert, which costs each
kernel about a second and a hundred megabytes. The bundle depends only on the installed altair and
vl-convert versions, so it is built once, kept in a cache file, and later kernels just read it.
"""

from __future__ import annotations

import os
from importlib.metadata import version
from pathlib import Path

import altair as alt

EMBED_OPTIONS = {"renderer": "svg", "actions": False}  # svg: screen readers get the description


def _cache_file() -> Path:
    root = Path(os.environ.get("PCN_WORKBOOK_CACHE", Path.home() / ".cache" / "pcn-workbook"))
    return root / f"jupyterchart-altair{version('altair')}-vlc{version('vl-convert-python')}.js"


def enable_offline() -> None:
    """Make every JupyterChart carry its own JavaScript (from the cache when it exists)."""
    if alt.JupyterChart._is_offline:
        return
    cache = _cache_file()
    if cache.exists():
        alt.JupyterChart._esm = cache.read_text(encoding="utf-8")
        alt.JupyterChart._is_offline = True
        return
    alt.JupyterChart.enable_offline()
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(alt.JupyterChart._esm, encoding="utf-8")
        tmp.replace(cache)  # atomic: concurrent kernels never read half a file
    except OSError:
        pass  # a read-only home only costs speed


def live_chart(chart: alt.TopLevelMixin, css_class: str) -> alt.JupyterChart:
    """A JupyterChart for an app, tagged with a CSS class for tests and styling."""
    enable_offline()
    widget = alt.JupyterChart(chart, embed_options=EMBED_OPTIONS)
    widget.add_class(css_class)
    return widget


def update_chart(widget: alt.JupyterChart, parts: dict) -> None:
    """Swap a live chart's named datasets and top-level text (title, description) in place.

    Rebuilding and re-validating an Altair chart on every slider step costs 50-130 ms; the design
    is fixed, so only the parts that change are sent (a chart builder's ``*_parts`` function).
    """
    spec = {**widget.spec, **{k: v for k, v in parts.items() if k != "datasets"}}
    spec["datasets"] = {**widget.spec.get("datasets", {}), **parts.get("datasets", {})}
    if spec != widget.spec:
        widget.spec = spec
