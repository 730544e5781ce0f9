"""The common way to make a chart follow a slider, kept as a benchmark reference.

The same one slider and one bar as ``apps/baseline.py``, written as many notebooks do it: on every
change, clear an ``ipywidgets.Output`` and display a chart built afresh (an ``alt.JupyterChart``,
since Altair 6's plain output does not render in Voila offline; see STACK-NOTES). The chapter apps
must beat it by at least two to one at p95 (issue 12); the baseline app shows the floor.

Only the slider's redraws go through ``with out: clear_output(wait=True); display(...)``: the
first chart is put into the Output's state directly (``append_display_data``). Captured while
Voila pre-runs the notebook for a kernel pool, the first draw left about one page in six stuck
at "Executing 2 of 3" with an idle kernel (benchmarks/bench_apps.py, preheated; 4 of 26 pages
here, 0 of 26 drawn this way). Voila has an open report of pages stuck that way with Output
widgets (voila-dashboards/voila issue 1428).
"""

from __future__ import annotations

import ipywidgets as widgets
from IPython.display import display

from ..charts._altair import altair
from ..charts.offline import enable_jupyterchart_offline

alt = altair()  # as every app kernel did before designs were kept on disk: jsonschema set up, the workbook theme

SLIDER_CLASS = "pcn-output-slider"
CHART_CLASS = "pcn-output-chart"
MAX_LEVEL = 20


def bar_chart(level: int) -> alt.Chart:
    """One bar of height ``level``, built from scratch (no parameters, nothing kept)."""
    return (
        alt.Chart(alt.Data(values=[{"bar": "value", "size": level}]))
        .mark_bar()
        .encode(x=alt.X("bar:N", title=None),
                y=alt.Y("size:Q", title="Slider value", scale=alt.Scale(domain=[0, MAX_LEVEL])))
        .properties(width=160, height=240)
    )


def build(initial: int = 5) -> widgets.VBox:
    """Return the slider and an Output that redraws the chart on every slider change."""
    enable_jupyterchart_offline()
    slider = widgets.IntSlider(value=initial, min=0, max=MAX_LEVEL, description="Value")
    slider.add_class(SLIDER_CLASS)
    out = widgets.Output()
    out.add_class(CHART_CLASS)

    def chart(level: int) -> alt.JupyterChart:
        return alt.JupyterChart(bar_chart(level), embed_options={"renderer": "svg"})

    def redraw(change: dict) -> None:
        with out:
            out.clear_output(wait=True)
            display(chart(change["new"]))

    slider.observe(redraw, names="value")
    out.append_display_data(chart(initial))  # not captured: see the module's docstring
    return widgets.VBox([slider, out])
