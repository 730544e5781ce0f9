"""The apps' live chart widget: what the kernel sends and where its JavaScript comes from."""

from __future__ import annotations

import altair as alt
import pytest

from pcn_workbook.charts import live, live_bundle


def _chart(rows, title="First"):
    return (alt.Chart(alt.NamedData("rows")).mark_bar().encode(x="x:Q", y="y:N")
            .properties(datasets={"rows": rows}, title={"text": title, "subtitle": "sub"}, description="d1"))


@pytest.fixture
def fresh_class(monkeypatch):
    """Let a test choose the kernel's mode: the class decides its JavaScript on first use."""
    monkeypatch.delattr(live.LiveChart, "_esm", raising=False)
    yield
    monkeypatch.delattr(live.LiveChart, "_esm", raising=False)


def test_the_spec_is_the_whole_chart_and_updates_merge_parts():
    widget = live.live_chart(_chart([{"x": 1, "y": "a"}]), "pcn-test-chart")
    assert {"pcn-live-chart", "pcn-test-chart"} <= set(widget._dom_classes)
    assert widget.spec["datasets"] == {"rows": [{"x": 1, "y": "a"}]}
    layer = widget.spec["mark"]
    live.update_chart(widget, {"datasets": {"rows": [{"x": 2, "y": "b"}]}, "description": "d2",
                               "title": {"text": "Second", "subtitle": "sub"}})
    assert widget.spec["datasets"]["rows"] == [{"x": 2, "y": "b"}]
    assert (widget.spec["description"], widget.spec["title"]["text"]) == ("d2", "Second")
    assert widget.spec["mark"] == layer  # the design is untouched


def test_an_update_that_changes_nothing_sends_nothing():
    widget = live.live_chart(_chart([{"x": 1, "y": "a"}]), "pcn-test-chart")
    sent = []
    widget.observe(lambda change: sent.append(change), names="spec")
    live.update_chart(widget, {"datasets": {"rows": [{"x": 1, "y": "a"}]}})
    assert sent == []
    live.update_chart(widget, {"datasets": {"rows": [{"x": 3, "y": "a"}]}})
    assert len(sent) == 1


def test_served_kernels_send_a_small_loader(monkeypatch, fresh_class):
    url = "/pcn-assets/" + live_bundle.bundle_name()
    monkeypatch.setenv(live_bundle.URL_ENV, url)
    widget = live.live_chart(_chart([]), "pcn-test-chart")
    assert url in widget._esm and len(widget._esm) < 500
    assert "export default" in widget._esm


def test_other_kernels_inline_the_bundle(monkeypatch, fresh_class):
    monkeypatch.delenv(live_bundle.URL_ENV, raising=False)
    widget = live.live_chart(_chart([]), "pcn-test-chart")
    assert len(widget._esm) > 100_000  # Vega itself
    assert "pcn_title" in widget._esm and "https://" not in widget._esm.split("\n", 1)[0]


def test_the_bundle_name_follows_its_source(monkeypatch, tmp_path):
    name = live_bundle.bundle_name()
    other = tmp_path / "live.js"
    other.write_text(live_bundle.SOURCE.read_text(encoding="utf-8") + "\n// changed\n", encoding="utf-8")
    live_bundle.bundle_name.cache_clear()
    monkeypatch.setattr(live_bundle, "SOURCE", other)
    try:
        assert live_bundle.bundle_name() != name
        assert live_bundle.bundle_name().startswith("livechart-") and live_bundle.bundle_name().endswith(".js")
    finally:
        live_bundle.bundle_name.cache_clear()


def _capture(widget) -> list[dict]:
    """Every message the widget sends its front end from now on (state updates and custom ones)."""
    sent = []
    widget._send = lambda msg, buffers=None: sent.append(msg)
    return sent


def test_a_step_sends_only_what_changed_as_a_patch():
    rows = [{"x": 1, "y": "a"}]
    chart = _chart(rows).properties(datasets={"rows": rows, "fixed": [{"x": 9}]})
    widget = live.live_chart(chart, "pcn-test-chart")
    sent = _capture(widget)
    live.update_chart(widget, {"datasets": {"rows": [{"x": 2, "y": "b"}], "fixed": [{"x": 9}]},
                               "description": "d2", "title": {"text": "First", "subtitle": "sub"}})
    assert sent == [{"method": "custom", "content": {
        "pcn_live": "patch", "base": 0, "version": 1, "set": {"description": "d2"},
        "datasets": {"rows": [{"x": 2, "y": "b"}]}}}]  # no whole spec, no unchanged dataset or title
    assert widget.spec["datasets"] == {"rows": [{"x": 2, "y": "b"}], "fixed": [{"x": 9}]}
    assert widget.spec["description"] == "d2" and widget._version == 1
    live.update_chart(widget, {"datasets": {"rows": [{"x": 3, "y": "b"}]}})
    assert [m["content"]["base"] for m in sent] == [0, 1]


def test_a_front_end_that_is_behind_gets_the_whole_state_again():
    widget = live.live_chart(_chart([{"x": 1, "y": "a"}]), "pcn-test-chart")
    live.update_chart(widget, {"datasets": {"rows": [{"x": 2, "y": "b"}]}})
    sent = _capture(widget)
    widget._from_front_end(widget, {"pcn_live": "version", "version": 1}, [])  # up to date
    widget._from_front_end(widget, "not a dict", [])
    widget._from_front_end(widget, {"pcn_live": "something else", "version": 0}, [])
    assert sent == []
    widget._from_front_end(widget, {"pcn_live": "version", "version": 0}, [])  # missed the patch
    assert [m["method"] for m in sent] == ["update"]
    assert sent[0]["state"]["spec"] == widget.spec and sent[0]["state"]["_version"] == 1


def test_a_whole_spec_already_due_is_not_overtaken_by_a_patch():
    """Inside an app's hold_sync, a spec set outright and then patched goes as one whole spec."""
    widget = live.live_chart(_chart([{"x": 1, "y": "a"}]), "pcn-test-chart")
    sent = _capture(widget)
    with widget.hold_sync():
        widget.spec = _chart([{"x": 5, "y": "c"}], title="Redrawn").to_dict()
        live.update_chart(widget, {"datasets": {"rows": [{"x": 6, "y": "c"}]}})
    assert [m["method"] for m in sent] == ["update"]
    assert sent[0]["state"]["spec"]["datasets"]["rows"] == [{"x": 6, "y": "c"}]
    assert sent[0]["state"]["spec"]["title"]["text"] == "Redrawn"


def test_a_designed_chart_is_its_design_with_its_parts_checked_once_per_kernel(monkeypatch):
    from pcn_workbook.charts import scale as charts
    from pcn_workbook.models import scale as model

    made = []

    def template():
        made.append(1)
        return charts.networks_template()

    area = [{"code": c, "postcode": f"CW{i} 1AA", "list_size": 15_000} for i, c in enumerate("ABCD", start=1)]
    parts = charts.networks_parts(model.group_practices(area, 30_000, 50_000), 30_000, 50_000, "27D")
    first = live.designed_chart(template, parts, "pcn-test-chart")
    assert first.spec == charts.networks_template().properties(**parts).to_dict()
    other = live.designed_chart(template, charts.networks_parts(model.group_practices(area, 10_000, 20_000),
                                                               10_000, 20_000, "27D"), "pcn-test-chart")
    assert len(made) == 1  # the design was turned into a spec (and checked) once
    assert other.spec["datasets"]["band"] == [{"low": 10_000, "high": 20_000}]
    other.spec["layer"][0]["mark"]["opacity"] = 0  # each chart has its own copy of the design
    assert first.spec["layer"][0]["mark"]["opacity"] == 0.6


def test_serve_tells_the_page_template_which_chart_code_to_preload():
    from pathlib import Path

    from pcn_workbook import serve

    options = serve.ServeOptions(notebooks=Path("notebooks"))
    url = "/" + live_bundle.ASSET_PREFIX + "livechart-0123456789abcdef.js"
    assert f"--VoilaConfiguration.resources=pcn_chart_code={url}" in serve.voila_argv(options, url)
    # no shared bundle (it could not be built): nothing to preload, each chart carries its own code
    assert not [arg for arg in serve.voila_argv(options) if "resources" in arg]
