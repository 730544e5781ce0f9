"""Chart designs kept on disk (charts/designs.py): the file holds exactly what Altair builds for
every template, kernels read it when it is there and build the design themselves when it is not
(or cannot be read), and a change to the sources gives a new file name."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pcn_workbook.charts import deciding, designs, live, scale


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PCN_WORKBOOK_CACHE", str(tmp_path))
    designs._kept.cache_clear()
    live._design.cache_clear()
    yield tmp_path
    designs._kept.cache_clear()
    live._design.cache_clear()


def test_the_file_holds_every_template_as_altair_builds_it(cache):
    path = designs.build_designs()
    assert path.parent == cache and designs.designs_key() in path.name
    table = json.loads(path.read_text(encoding="utf-8"))
    found = designs.templates()
    # every app's designed charts are among them (a template the search missed is built in the kernel)
    names = {designs.template_name(t) for t in found}
    assert {"pcn_workbook.charts.scale.networks_template", "pcn_workbook.charts.scale.evidence_template",
            "pcn_workbook.charts.deciding.representation_template", "pcn_workbook.charts.trust.match_template"} <= names
    assert set(table) == names
    for template in found:
        assert table[designs.template_name(template)] == json.dumps(template().to_dict())


def test_a_kernel_reads_the_design_from_the_file(cache):
    path = designs.build_designs()
    table = json.loads(path.read_text(encoding="utf-8"))
    name = designs.template_name(scale.networks_template)
    marked = json.loads(table[name])
    marked["description"] = "read from the designs file"
    table[name] = json.dumps(marked)
    path.write_text(json.dumps(table), encoding="utf-8")
    designs._kept.cache_clear()
    assert json.loads(designs.design(scale.networks_template))["description"] == "read from the designs file"
    chart = live.designed_chart(scale.networks_template, {"datasets": {}}, "pcn-test-chart")
    assert chart.spec["description"] == "read from the designs file"


@pytest.mark.parametrize("content", [None, "not json {", json.dumps(["a", "list"]), json.dumps({"x": 1})])
def test_without_a_readable_file_the_kernel_builds_the_design(cache, content):
    if content is not None:
        designs.designs_path().write_text(content, encoding="utf-8")
    assert designs.design(deciding.representation_template) == json.dumps(deciding.representation_template().to_dict())


def test_the_file_name_changes_with_any_source_and_with_altair(tmp_path):
    (tmp_path / "charts").mkdir()
    source = tmp_path / "charts" / "scale.py"
    source.write_text("WIDTH = 420\n", encoding="utf-8")
    first = designs.sources_key(tmp_path, "6.3.0")
    assert designs.sources_key(tmp_path, "6.3.0") == first
    source.write_text("WIDTH = 421\n", encoding="utf-8")
    assert designs.sources_key(tmp_path, "6.3.0") != first
    source.write_text("WIDTH = 420\n", encoding="utf-8")
    assert designs.sources_key(tmp_path, "6.4.0") != first
    (tmp_path / "models.py").write_text("", encoding="utf-8")
    assert designs.sources_key(tmp_path, "6.3.0") != first


def test_the_server_writes_the_file_in_a_child_process(cache):
    """``serve`` calls this at start; the server itself never imports Altair for it."""
    code = ("import sys\nfrom pcn_workbook.charts import designs\npath = designs.build_designs_elsewhere()\n"
            "print(path.exists(), 'altair' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300).stdout
    assert out.split() == ["True", "False"]
    assert designs.designs_path().exists()


def test_a_server_that_cannot_write_the_file_says_so_and_goes_on(monkeypatch, capsys):
    from pcn_workbook import serve

    def fail():
        raise OSError("disk full")

    monkeypatch.setattr(designs, "build_designs_elsewhere", fail)
    serve.serve_chart_designs()  # no traceback: the kernels build their designs themselves
    assert "could not be written (disk full); each kernel builds its own" in capsys.readouterr().out
