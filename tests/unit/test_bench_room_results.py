"""The room benchmark's results document (room.json): its shape matches the app benchmark's
(latest.json) and its ratios come from the figures it holds. Fake measurements; no timing."""

from __future__ import annotations

import bench_machine  # benchmarks/ is on the path (tests/conftest.py)
import bench_room
from bench_apps import percentile
from room_clients import OPEN_STAGES

IDLE_MS = [20.0, 22.0, 25.0, 30.0, 40.0]
LOAD_MS = [30.0, 60.0, 90.0, 120.0, 200.0]
SETTLED_MS = [25.0, 30.0, 35.0, 50.0, 80.0]
TTI_S = [0.5, 0.7, 0.9, 1.5, 2.0]


def measured(participants: int = 40) -> dict:
    """What ``main`` hands to ``results_document``, shaped as the measuring functions return it."""
    alone = {"tti_s": [0.2, 0.25, 0.3], "median_s": 0.25, "preheated": 3, "errors": [],
             "steps_s": {}}
    idle = {"ms": IDLE_MS, **bench_room.spread(IDLE_MS), "errors": []}
    crowd = {
        "tti_s": TTI_S, "tti": bench_room.spread(TTI_S),
        "steps_s": {stage: bench_room.spread([0.1, 0.2]) for stage in OPEN_STAGES},
        "all_interactive_after_s": 9.5, "preheated": 38, "failures": 1, "errors": ["x"],
        "server": {"rss_mb": 9000.0, "uss_mb": 7000.0, "pss_mb": 7100.0, "kernels": 41,
                   "server_cpu_s": 12.0, "reniced": 0, "timeline": []},
        "kernel_rss_mb": [150.0, 160.0, 170.0], "states_kb": 1800.0,
        "slider_load_ms": LOAD_MS, "slider_load": bench_room.spread(LOAD_MS),
        "slider_settled_ms": SETTLED_MS, "slider_settled": bench_room.spread(SETTLED_MS),
        "settle_note": None, "client_cpu_s": 3.0,
    }
    nodelay = {"on": {"ms": [], "p50": 15.0, "p95": 20.0, "n": 40},
               "off": {"ms": [], "p50": 40.0, "p95": 50.0, "n": 40},
               "legacy": {"on": {"ms": [], "p50": 16.0, "p95": 21.0, "n": 40},
                          "off": {"ms": [], "p50": 44.0, "p95": 48.0, "n": 40}},
               "errors": []}
    soaked = {"opens": 20, "failures": 0, "unanswered": 0, "kernels_left_behind": 0,
              "seconds": 30.0, "tti_s": {"p50": 0.3, "p95": 0.5, "n": 20}, "kernel_processes": 4,
              "pool": 4, "room_status": {}, "server_answering": True, "errors": []}
    return dict(participants=participants, alone=alone, idle=idle, crowd=crowd, nodelay=nodelay,
                soaked=soaked, taken_at="2026-12-03T10:00:00+00:00",
                machine=bench_machine.machine([1.0, 0.5, 0.25], [2.0, 1.0, 0.5]),
                versions={"python": "3.11", "voila": "0.5.13"},
                settings={"server": "room mode"}, method="fake")


def test_the_top_level_matches_the_app_benchmark():
    doc = bench_room.results_document(**measured())

    assert set(doc) >= {"taken_at", "machine", "versions", "baseline", "clients"}
    machine = doc["machine"]
    assert set(machine) >= {"cores", "cpu", "memory_gb", "load_before", "load_after"}
    assert machine["load_before"] == [1.0, 0.5, 0.25] and machine["load_after"] == [2.0, 1.0, 0.5]
    assert machine["cores"] >= 1 and machine["memory_gb"] > 0 and machine["cpu"]
    assert list(doc["clients"]) == ["40"]


def test_the_baseline_is_the_participant_alone():
    base = bench_room.results_document(**measured())["baseline"]

    assert base["clients"] == 1
    assert base["tti_preheated_ms"] == 250.0
    assert base["slider_p50_ms"] == percentile(IDLE_MS, 0.5) == 25.0
    assert base["slider_p95_ms"] == percentile(IDLE_MS, 0.95) == 40.0


def test_every_ratio_is_a_crowd_figure_over_the_baseline_figure():
    row = bench_room.results_document(**measured())["clients"]["40"]

    assert row["tti_p95_ms"] == 2000.0  # seconds measured, milliseconds written
    assert row["tti_p95_ratio"] == 2000.0 / 250.0
    assert row["tti_p50_ratio"] == percentile(TTI_S, 0.5) * 1000 / 250.0
    assert row["slider_p95_ms"] == 200.0
    assert row["slider_p95_ratio"] == 200.0 / 40.0
    assert row["slider_settled_p95_ratio"] == 80.0 / 40.0
    assert row["kernel_rss_mb"] == 160.0  # median of the participants' kernels
    assert (row["failures"], row["preheated"], row["peak_kernels"]) == (1, 38, 41)


def test_the_nodelay_comparison_keeps_its_ratio():
    nodelay = bench_room.results_document(**measured())["nodelay"]

    assert nodelay["on"]["p95_ms"] == 20.0 and nodelay["off"]["p95_ms"] == 50.0
    assert nodelay["off_p95_ratio"] == 2.5
    assert nodelay["legacy_protocol"]["off"]["p50_ms"] == 44.0


def test_a_run_where_nobody_got_in_gives_no_ratio_rather_than_a_wrong_one():
    figures = measured()
    figures["alone"] |= {"tti_s": [], "median_s": None}
    empty = bench_room.spread([])
    figures["crowd"] |= {"tti_s": [], "tti": empty, "slider_load": empty, "kernel_rss_mb": []}

    doc = bench_room.results_document(**figures)
    row = doc["clients"]["40"]

    assert doc["baseline"]["tti_preheated_ms"] is None
    assert row["tti_p95_ms"] is None and row["tti_p95_ratio"] is None
    assert row["slider_p95_ratio"] is None and row["kernel_rss_mb"] is None


def test_the_table_prints_the_document():
    text = bench_room.table(bench_room.results_document(**measured()))

    assert "40 clients: TTI p95" in text and "8.00x" in text  # 2000 ms against 250 ms
    assert "load average (1 min) 1.00 before / 2.00 after" in text
