"""The projector view: a switch on every chapter app and a ``?projector=1`` link flag that make the
page's type and charts larger (charts.projector, apps.layout), without changing data or words."""

from __future__ import annotations

import importlib

import pytest
from ipywidgets.widgets.widget import _instances

from pcn_workbook.apps import layout
from pcn_workbook.charts import projector
from pcn_workbook.charts.live import LiveChart

APPS = {"purpose": "step=compass", "autonomy": "", "scale": "", "trust": "step=noise", "deciding": "step=decisions", "stories": "tags=ae_pressure"}


@pytest.fixture(autouse=True)
def plain_view():
    projector.set_projector(False)
    yield
    projector.set_projector(False)


def charts_of(app) -> list[LiveChart]:
    """Every live chart the app's widget tree holds now."""
    seen, todo, found = set(), [app], []
    while todo:
        widget = todo.pop()
        if widget.model_id in seen:
            continue
        seen.add(widget.model_id)
        if isinstance(widget, LiveChart):
            found.append(widget)
        todo.extend(getattr(widget, "children", ()))
    return found


def font_sizes(spec) -> list[float]:
    out = []
    if isinstance(spec, dict):
        for k, v in spec.items():
            if k == "datasets":
                continue
            if (k == "fontSize" or k.endswith("FontSize")) and isinstance(v, (int, float)):
                out.append(v)
            out += font_sizes(v)
    elif isinstance(spec, list):
        for v in spec:
            out += font_sizes(v)
    return out


@pytest.mark.parametrize("name", list(APPS))
def test_the_link_flag_opens_the_projector_view_and_the_switch_undoes_it(name):
    module = importlib.import_module(f"pcn_workbook.apps.{name}")
    query = "&".join(q for q in (APPS[name], "projector=1") if q)
    plain = module.build(APPS[name])
    plain_charts = {c._dom_classes: c.spec for c in charts_of(plain)}
    app = module.build(query)
    assert "pcn-projector" in app._dom_classes and app.view_bar.switch.value is True
    assert "projector" not in app.message.value.lower(), "the flag was reported as an unknown setting"
    charts = charts_of(app)
    assert charts, "no chart on this step"
    for chart in charts:
        before = plain_charts[chart._dom_classes]
        assert min(font_sizes(chart.spec)) > min(font_sizes(before)), "type not larger"
        assert chart.spec["config"]["axis"]["grid"] is False
        assert chart.spec["datasets"] == before["datasets"]
    app.view_bar.switch.value = False
    assert "pcn-projector" not in app._dom_classes
    for chart in charts_of(app):
        assert chart.spec == plain_charts[chart._dom_classes]


def test_charts_made_after_the_switch_are_drawn_large_too():
    from pcn_workbook.apps import deciding

    app = deciding.build("projector=1")  # the hook step has no chart yet
    assert not charts_of(app)
    app.step.value = "access"
    (chart,) = charts_of(app)
    assert chart.spec["config"]["axis"]["grid"] is False


def test_data_that_changes_in_projector_view_survives_switching_back():
    from pcn_workbook.apps import deciding

    app = deciding.build("step=access&projector=1")
    app.p_yes.value = 0.8
    (chart,) = charts_of(app)
    data_now = chart.spec["datasets"]
    app.view_bar.switch.value = False
    assert chart.spec["datasets"] == data_now
    assert chart.spec["config"].get("axis", {}).get("grid") is not False


@pytest.mark.parametrize("query,expected", [("projector=1", True), ("projector=yes", True), ("projector=0", False),
                                            ("projector=", False), ("", False), ("step=x&projector=ON", True)])
def test_the_flag_is_read_leniently(query, expected):
    assert layout.take_flag(query)[0] is expected
    assert "projector" not in layout.take_flag(query)[1]


def test_no_widget_is_left_behind_by_the_switch():
    from pcn_workbook.apps import trust

    app = trust.build("step=noise")
    before = len(_instances)
    for _ in range(3):
        app.view_bar.switch.value = True
        app.view_bar.switch.value = False
    assert len(_instances) == before
