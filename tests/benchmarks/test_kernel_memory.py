"""The kernel-memory benchmark's measuring function, on the bare baseline app only.

It starts a real kernel and runs the baseline notebook as Voila would; the figures are checked for
shape and sense (positive, RSS >= PSS >= USS), never against a threshold: the numbers themselves
belong to benchmarks/results/memory.json.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import kernel_memory  # noqa: E402


@pytest.fixture(scope="module")
def baseline():
    return kernel_memory.measure_notebook(kernel_memory.BASELINE)


def test_the_baseline_kernel_is_measured_with_every_field(baseline):
    assert baseline["errors"] == []
    for key in ("rss_mb", "uss_mb", "pss_mb", "kernel_start_s", "cells_s"):
        assert baseline[key] > 0, key
    assert baseline["rss_mb"] >= baseline["pss_mb"] >= baseline["uss_mb"]
    bare = baseline["bare_kernel"]
    assert set(bare) == {"rss_mb", "uss_mb", "pss_mb"} and all(v > 0 for v in bare.values())
    assert baseline["modules"]["count"] > 0
    assert "altair" in baseline["modules"]["packages"]  # the app's cells really ran
    assert baseline["by_owner"] and all(row["rss_mb"] >= 0 for row in baseline["by_owner"])


def test_a_summary_row_and_the_results_document_hold_the_room_totals(baseline):
    row = kernel_memory.summarise("baseline", [baseline], None)
    assert row["shared_mb"] == pytest.approx(row["rss_mb"] - row["uss_mb"], abs=0.11)
    assert row["room_of_40_mb"] == pytest.approx(40 * row["uss_mb"] + row["shared_mb"], abs=0.11)
    app = dict(row, notebook="an_app")
    doc = kernel_memory.results_document({"an_app": app}, row, "2026-12-03T00:00:00+00:00", [1.0, 1.0, 1.0],
                                         [1.0, 1.0, 1.0])
    assert set(doc) >= {"taken_at", "machine", "versions", "baseline", "apps", "target_rss_mb", "method"}
    assert doc["machine"]["cores"] > 0 and doc["versions"]["python"]
    assert doc["apps"]["an_app"]["rss_ratio"] == 1.0


def test_the_import_meter_attributes_memory_to_packages():
    measured = kernel_memory.measure_notebook(kernel_memory.BASELINE, attribute=True)
    assert measured["errors"] == []
    packages = measured["imports"]["packages"]
    assert "altair" in packages  # imported by the baseline's first cell, after the meter
    assert all(modules > 0 for _, _, modules in packages.values())
    row = kernel_memory.summarise("baseline", [kernel_memory.measure_notebook(kernel_memory.BASELINE)], measured)
    assert row["imports_by_rss"] and row["import_s_total"] > 0


def test_memory_is_read_from_proc_when_psutil_is_missing(monkeypatch):
    import os

    with_psutil = kernel_memory.read_memory(os.getpid())
    monkeypatch.setitem(sys.modules, "psutil", None)
    from_proc = kernel_memory.read_memory(os.getpid())
    assert from_proc["rss_mb"] >= from_proc["pss_mb"] >= from_proc["uss_mb"] > 0
    assert from_proc["rss_mb"] == pytest.approx(with_psutil["rss_mb"], rel=0.2)


def test_a_chapter_opened_from_a_workshop_link_is_walked_through_every_step(tmp_path):
    """The figures the room's sizing rests on: a kernel with the workshop panel and its store, read
    again once every step of the walk has been shown."""
    from pcn_workbook.apps import purpose_text

    measured = kernel_memory.measure_notebook(kernel_memory.NOTEBOOKS / "01_purpose.ipynb",
                                              extra=kernel_memory.workshop_link(tmp_path))
    assert measured["errors"] == []
    assert measured["walked"]["shown"] == len(purpose_text.STEPS)
    assert measured["walked"]["rss_mb"] >= measured["walked"]["pss_mb"] >= measured["walked"]["uss_mb"] > 0
    assert "sqlalchemy" in measured["modules"]["packages"]  # the panel really opened the store
    row = kernel_memory.summarise("01_purpose", [measured], None)
    assert row["walked_shown"] == len(purpose_text.STEPS) and row["walked_rss_mb"] > 0
