"""The app benchmark's results document: fields and ratio arithmetic (no timing here)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import bench_apps  # noqa: E402


def _app(notebook, chart_ms, tti_cold, tti_warm, rss, uss=80.0, pss=100.0):
    app = bench_apps.App(notebook, ".s", ".c", ".r")
    app.chart_ms, app.presses = chart_ms, len(chart_ms)
    app.tti = {"cold": tti_cold, "preheated": tti_warm}
    app.kernel_rss_mb, app.kernel_uss_mb, app.kernel_pss_mb = [rss], [uss], [pss]
    return app


def test_ratios_are_taken_against_both_references_of_the_same_run():
    chapter = Path("notebooks/03_scale_choices.ipynb")
    apps = [_app(bench_apps.BASELINE, [10.0] * 19 + [20.0], [2.0], [1.0], 140),
            _app(bench_apps.OUTPUT_PATTERN, [50.0] * 19 + [100.0], [2.5], [1.2], 150),
            _app(chapter, [12.0] * 19 + [25.0], [2.2, 2.4, 9.0], [1.05], 149.0, uss=90.0)]
    doc = bench_apps.results_document(apps, "2026-12-03T10:00:00+00:00", (1.0, 1.0, 1.0), (2.0, 1.5, 1.0),
                                      {"voila": "x"})
    assert set(doc) >= {"taken_at", "machine", "versions", "baseline", "output_pattern", "apps"}
    assert doc["machine"]["load_before"] == [1.0, 1.0, 1.0] and doc["machine"]["cores"]
    row = doc["apps"]["03_scale_choices"]
    assert set(row) >= {"tti_cold_ratio", "tti_preheated_ratio", "slider_p95_ms", "slider_p95_ratio",
                        "output_pattern_p95_ratio", "kernel_rss_mb", "kernel_uss_mb", "kernel_pss_mb"}
    p95 = bench_apps.percentile(apps[2].chart_ms, 0.95)
    assert row["slider_p95_ms"] == p95
    assert row["slider_p95_ratio"] == round(p95 / bench_apps.percentile(apps[0].chart_ms, 0.95), 3)
    assert row["output_pattern_p95_ratio"] == round(p95 / bench_apps.percentile(apps[1].chart_ms, 0.95), 3)
    assert row["tti_cold_ratio"] == round(2400 / 2000, 3)  # medians: 2.4 s against 2.0 s
    assert row["targets_met"]["kernel_rss_mb"] and row["targets_met"]["output_pattern_p95_ratio"]
    assert doc["room_of_40_mb"] == 40 * 90.0
    assert "03_scale_choices" in doc["apps"] and "baseline" not in doc["apps"]


def test_a_missing_reference_gives_no_ratio_rather_than_a_wrong_one():
    chapter = Path("notebooks/03_scale_choices.ipynb")
    doc = bench_apps.results_document([_app(chapter, [12.0], [2.0], [1.0], 120)], "t", (0, 0, 0), (0, 0, 0), {})
    row = doc["apps"]["03_scale_choices"]
    assert row["slider_p95_ratio"] is None and row["output_pattern_p95_ratio"] is None
    assert row["targets_met"]["slider_p95_ratio"] is False
