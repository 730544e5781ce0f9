"""The common way to make a chart follow a slider, kept as a benchmark reference.

The same one slider and one bar as ``apps/baseline.py``, written as many notebooks do it: on every
change, clear an ``ipywidgets.Output`` and display a chart built afresh (an ``alt.JupyterChart``,
since Altair 6's plain output does not render in Voila offline; see STACK-NOTES). The chapter apps
must beat it by at least two to one at p95 (issue 12); the baseline app shows the floor.
"""

from __future__ import annotations

import altair as alt
import ipywidgets as widgets
from IPython.display import display

from ..charts.offline import enable_jupyterchart_offline

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

    def draw(level: int) -> None:
        with out:
            out.clear_output(wait=True)
            display(alt.JupyterChart(bar_chart(level), embed_options={"renderer": "svg"}))

    slider.observe(lambda change: draw(change["new"]), names="value")
    draw(initial)
    return widgets.VBox([slider, out])
