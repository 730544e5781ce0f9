"""The bare one-slider app that every benchmark figure is compared with.

One IntSlider drives the height of one bar in an ``alt.JupyterChart`` through an Altair
parameter updated from Python (``jchart.params.level = value``), the fastest update path we
know (see STACK-NOTES). A chapter app that is much slower than this is doing extra work.
"""

from __future__ import annotations

import ipywidgets as widgets

from ..charts._altair import altair
from ..charts.offline import enable_jupyterchart_offline

alt = altair()  # as every app kernel did before designs were kept on disk: jsonschema set up, the workbook theme

SLIDER_CLASS = "pcn-baseline-slider"
CHART_CLASS = "pcn-baseline-chart"
LEVEL_PARAM = "level"  # not "height": Vega already has a signal by that name (the plot height)
MAX_LEVEL = 20


def _bar_chart(initial: int) -> alt.Chart:
    """One bar whose height is the value of the ``level`` parameter."""
    level = alt.param(name=LEVEL_PARAM, value=initial)
    return (
        alt.Chart(alt.Data(values=[{"bar": "value"}]))
        .mark_bar()
        .encode(
            x=alt.X("bar:N", title=None),
            y=alt.Y("size:Q", title="Slider value", scale=alt.Scale(domain=[0, MAX_LEVEL])),
        )
        .transform_calculate(size=LEVEL_PARAM)
        .add_params(level)
        .properties(width=160, height=240)
    )


def build(initial: int = 5) -> widgets.VBox:
    """Return the slider and chart in a VBox; moving the slider resizes the bar."""
    enable_jupyterchart_offline()  # Altair's offline bundle, read from the cache (as the apps' is)
    slider = widgets.IntSlider(value=initial, min=0, max=MAX_LEVEL, description="Value")
    slider.add_class(SLIDER_CLASS)
    chart = alt.JupyterChart(_bar_chart(initial), embed_options={"renderer": "svg"})
    chart.add_class(CHART_CLASS)

    def _follow(change: dict) -> None:
        setattr(chart.params, LEVEL_PARAM, change["new"])

    slider.observe(_follow, names="value")
    return widgets.VBox([slider, chart])
