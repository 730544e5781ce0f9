"""The benchmark's clear-an-Output reference app (apps/output_pattern.py), without a browser."""

from __future__ import annotations

import ipywidgets as widgets
import pytest
from pcn_workbook.apps import output_pattern

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def parts(app: widgets.VBox) -> tuple[widgets.IntSlider, widgets.Output]:
    slider, out = app.children
    return slider, out


@pytest.fixture
def charts_made(monkeypatch) -> list:
    """Every alt.JupyterChart the app builds, in order."""
    made = []

    class Recorded(output_pattern.alt.JupyterChart):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(output_pattern.alt, "JupyterChart", Recorded)
    return made


def test_the_first_chart_is_in_the_output_state_not_captured_from_a_display(charts_made):
    slider, out = parts(output_pattern.build(initial=7))

    # with no kernel here, a display captured by `with out:` would leave the outputs empty
    assert len(out.outputs) == 1 and len(charts_made) == 1
    chart = charts_made[0]
    assert out.outputs[0]["data"][WIDGET_VIEW]["model_id"] == chart.model_id

    assert chart.spec["data"]["values"] == [{"bar": "value", "size": 7}]
    assert slider.value == 7


def test_the_classes_the_benchmark_looks_for():
    slider, out = parts(output_pattern.build())

    assert output_pattern.SLIDER_CLASS in slider._dom_classes
    assert output_pattern.CHART_CLASS in out._dom_classes


def test_every_chart_is_built_afresh_from_its_level():
    one, other = output_pattern.bar_chart(3).to_dict(), output_pattern.bar_chart(4).to_dict()

    assert one["data"]["values"][0]["size"] == 3 and other["data"]["values"][0]["size"] == 4
    assert "params" not in one  # no Altair parameter: the whole chart is new each time
