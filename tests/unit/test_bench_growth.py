"""The growth benchmark's premises (no timing here): its test game's Shapley value is known exactly,
its mixes have the sizes it names, and its kernel budget is read from the browser figures."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import bench_growth  # noqa: E402

from pcn_workbook.models import shapley as sh  # noqa: E402


@pytest.mark.parametrize("n", [2, 5, 9])
def test_the_square_game_has_the_closed_form_shapley_value(n):
    """v(S) = (sum of weights)^2 gives each player w_i x W: the exact solver agrees, so the sampling
    errors the benchmark reports at 16-60 practices are measured against the truth."""
    game, weights, truth = bench_growth.square_game(n, seed=3)
    exact = sh.shapley(game, list(weights))
    assert exact == pytest.approx(truth, rel=1e-12)
    assert sum(truth.values()) == pytest.approx(sum(weights.values()) ** 2)


@pytest.mark.parametrize("players", [10, 25, 60])
def test_mixes_have_the_players_they_name(players):
    mix = bench_growth.mix_of(players)
    assert sum(mix.values()) == players and max(mix.values()) - min(mix.values()) <= 1


def test_the_kernel_budget_comes_from_the_browser_figures(tmp_path):
    latest = tmp_path / "latest.json"
    latest.write_text(json.dumps({"baseline": {"slider_p95_ms": 20.0, "slider_p50_ms": 8.0}}))
    assert bench_growth.kernel_budget_ms(latest)[0] == 1.5 * 20.0 - 8.0
    budget, why = bench_growth.kernel_budget_ms(tmp_path / "missing.json")
    assert budget is None and "unreadable" in why


def test_the_committed_growth_figures_cover_every_table():
    doc = json.loads((bench_growth.RESULTS / "growth.json").read_text())
    assert {"shapley", "trust", "scale", "apps", "machine", "versions", "kernel_budget_ms"} <= set(doc)
    assert max(r["practices"] for r in doc["shapley"]) == 60
    assert any(r["practices"] > 6_000 for r in doc["scale"])
    assert all("within_budget" in r for r in doc["apps"])


def test_the_apps_table_runs_against_the_apps_as_they_are():
    """The table of apps at their largest settings drives each app's own controls: a renamed
    attribute (it once read ``ScaleApp.areas``, long gone) must fail here, not on the next run."""
    rows = bench_growth.app_rows(1)
    assert [(r["app"], r["control"]) for r in rows] == [
        ("02 autonomy", "tolerance"), ("03 scale", "band"), ("04 trust", "noise (sandbox)"),
        ("04 trust", "noise (sandbox)"), ("04b deciding", "spread (vote or agree)"),
        ("04b deciding", "people (who speaks)")]
    assert all(r["ms"] > 0 for r in rows)
    from pcn_workbook import data

    largest = max(r["practices"] for r in data.area_rows(data.nhs_practice_rows()[0]))
    assert rows[1]["largest"] == f"{largest} practices"  # the area with most practices was chosen
