"""How the models' cost grows with the work, and whether every app stays inside its slider budget.

Usage: ``python benchmarks/bench_growth.py [--repeat 5] [--out benchmarks/results/growth.json]``.

Kernel side only (no browser): each figure is the median of ``--repeat`` calls, with its ratio to
the smallest unit of work measured in the same run (one ten-round match), so figures from machines
of different speed can be compared. Four tables:

* **Shapley**: exact (every coalition, up to the 12 practices ``models.shapley`` allows) against
  sampled orders up to 60 practices, on a game whose Shapley value is known in closed form
  (v(S) = (sum of the members' weights)^2 gives each player w_i x W), so the sampling error is
  measured, not guessed: the largest error as a share of the mean share, and the standard error
  the sampler itself reports over repeated seeds.
* **Trust**: a round robin as players and rounds grow, and evolution as generations grow.
* **Scale**: grouping practices into networks for one area and for all of England's practices
  (the NHS Digital list-size file: every practice of 1,000 patients or more, in one pass).
* **Apps at their largest settings**: one control change in each chapter app, set to the largest
  values its controls allow, timed in the kernel (the model, the chart's parts and the words).
  The budget is what the issue-12 slider target leaves the kernel: 1.5 x the bare chart's p95
  (browser round trip included) minus the bare chart's p50 (the round trip and one Vega update),
  both read from ``benchmarks/results/latest.json`` (the last browser benchmark on this machine).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np

import bench_machine
import bench_models

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
SLIDER_TARGET = 1.5  # issue 12: slider p95 at most 1.5 x the bare chart's


def median_ms(call, repeat: int) -> float:
    return bench_models.median_seconds(call, repeat) * 1000


def kernel_budget_ms(latest: Path) -> tuple[float | None, str]:
    try:
        base = json.loads(latest.read_text())["baseline"]
        p95, p50 = base["slider_p95_ms"], base["slider_p50_ms"]
    except (OSError, KeyError, TypeError, ValueError) as err:
        return None, f"no budget: {latest} unreadable ({err})"
    return round(SLIDER_TARGET * p95 - p50, 1), f"{SLIDER_TARGET} x {p95} ms (bare p95) - {p50} ms (bare p50), {latest.name}"


# --- Shapley ------------------------------------------------------------------------------------

def square_game(n: int, seed: int = 0):
    """v(S) = (sum of weights in S)^2, weights drawn once: Shapley value w_i x W, exactly."""
    weights = dict(zip(range(n), np.random.default_rng(seed).uniform(0.5, 2.0, n)))
    total = sum(weights.values())
    return (lambda s: sum(weights[p] for p in s) ** 2), weights, {p: w * total for p, w in weights.items()}


def shapley_rows(repeat: int) -> list[dict]:
    from pcn_workbook.models import shapley as sh

    samples = 2_000  # what ``shapley`` samples beyond EXACT_LIMIT practices
    rows = []
    for n in (4, 8, 12, 16, 24, 40, 60):
        game, _, truth = square_game(n)
        order = sorted(truth, key=str)
        mean_share = statistics.fmean(abs(v) for v in truth.values())
        if n <= sh.EXACT_LIMIT:
            exact = sh.shapley(game, order)
            rows.append({"practices": n, "method": "exact", "work": f"{2 ** n:,} coalitions",
                         "ms": median_ms(lambda: sh.shapley(game, order), repeat),
                         "max_error_share": max(abs(exact[p] - truth[p]) for p in truth) / mean_share})
        # the sampler itself (``shapley`` uses it only above EXACT_LIMIT): here at every size, so
        # its error can be read where the exact answer is also computed
        value = sh._lookup(game)
        runs = [sh._sampled(value, order, samples, s) for s in range(5)]
        errors = [max(abs(r[p] - truth[p]) for p in truth) / mean_share for r in runs]
        spread = max(statistics.stdev(r[p] for r in runs) for p in truth) / mean_share
        rows.append({"practices": n, "method": "sampled" + ("" if n > sh.EXACT_LIMIT else " (not used at this size)"),
                     "work": f"{samples:,} orders",
                     "ms": median_ms(lambda: sh._sampled(value, order, samples, 0), max(1, repeat // 2)),
                     "max_error_share": max(errors), "seed_to_seed_sd_share": spread})
    return rows


# --- Trust --------------------------------------------------------------------------------------

def mix_of(players: int) -> dict[str, int]:
    from pcn_workbook.models import trust

    keys = list(trust.STRATEGIES)
    mix = dict.fromkeys(keys, players // len(keys))
    for key in keys[: players - sum(mix.values())]:
        mix[key] += 1
    return mix


def trust_rows(repeat: int) -> list[dict]:
    from pcn_workbook.models import trust

    rows = []
    for players in (10, 20, 40, 60):
        mix = mix_of(players)
        rows.append({"work": "tournament", "players": players, "rounds": 10, "generations": None,
                     "matches": players * (players - 1) // 2,
                     "ms": median_ms(lambda: trust.tournament(mix, 10, 0.05, 0), repeat)})
    for rounds in (50, 200):
        mix = mix_of(25)
        rows.append({"work": "tournament", "players": 25, "rounds": rounds, "generations": None, "matches": 300,
                     "ms": median_ms(lambda: trust.tournament(mix, rounds, 0.05, 0), repeat)})
    for generations in (10, 50, 200):
        mix = mix_of(25)
        rows.append({"work": "evolution", "players": 25, "rounds": 10, "generations": generations,
                     "matches": 300 * generations,
                     "ms": median_ms(lambda: trust.evolve(mix, generations, 10, 0.05, 5, 0), max(1, repeat // 2))})
    return rows


# --- Scale --------------------------------------------------------------------------------------

def scale_rows(repeat: int) -> list[dict]:
    from pcn_workbook import data
    from pcn_workbook.models import scale as model

    practices, _ = data.nhs_practices()
    areas = data.areas_of(practices)
    biggest = str(areas.sort_values("practices").iloc[-1].ccg)
    table = practices[["code", "postcode", "list_size"]]
    rows = []
    for label, frame in ((f"largest area ({biggest})", practices[practices.ccg == biggest]), ("all of England", practices)):
        frame = frame[["code", "postcode", "list_size"]]
        for band in ((30_000, 50_000), (10_000, 20_000), (100_000, 250_000)):
            rows.append({"practices_in": label, "practices": len(frame), "band": list(band),
                         "ms": median_ms(lambda: model.group_practices(frame, *band), repeat if len(frame) < 1_000 else 1)})
    del table
    return rows


# --- Apps at their largest settings -------------------------------------------------------------

def _press(widget, values: list, repeat: int) -> float:
    """Median ms of setting ``widget.value`` to each value in turn (observers run in the call)."""
    times = []
    for value in (values * repeat)[: max(repeat, len(values))]:
        if widget.value == value:
            continue
        start = time.perf_counter()
        widget.value = value
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def app_rows(repeat: int) -> list[dict]:
    from pcn_workbook import data
    from pcn_workbook.apps import autonomy, deciding, scale, trust
    from pcn_workbook.apps.state import DECIDING_LIMITS, MIX_LIMIT, TRUST_LIMITS
    from pcn_workbook.models import trust as trust_model

    rows = []
    # autonomy: the scenario with most practices, every change on the table, a tolerance step
    scenarios = data.autonomy_scenarios()
    app = autonomy.build("")
    sizes = {key: len(data.autonomy_group(key).practices) for key in scenarios.scenario}
    app.scenario.value = max(sizes, key=sizes.get)
    rows.append({"app": "02 autonomy", "control": "tolerance", "largest": f"{max(sizes.values())} practices, every change",
                 "ms": _press(app.tolerance, [1.0, 1.25, 1.5, 1.75, 2.0], repeat)})
    # scale: the area with most practices, the band slider
    app = scale.build("")
    largest = max(app.area_rows, key=lambda r: r["practices"])
    app.area.value = str(largest["ccg"])
    rows.append({"app": "03 scale", "control": "band", "largest": f"{int(largest['practices'])} practices",
                 "ms": _press(app.band, [(30_000, 50_000), (25_000, 45_000), (35_000, 55_000)], repeat)})
    # trust sandbox: as many players as allowed, longest matches, most generations
    mix_max = {k: 0 for k in trust_model.STRATEGIES}
    left = trust_model.MAX_PLAYERS
    for key in mix_max:
        mix_max[key] = min(MIX_LIMIT, left)
        left -= mix_max[key]
    query = "step=sandbox&" + "&".join(f"mix_{k}={n}" for k, n in mix_max.items() if n) + (
        f"&rounds={TRUST_LIMITS['rounds'][2]}&generations={TRUST_LIMITS['generations'][2]}&replace={TRUST_LIMITS['replace'][2]}")
    app = trust.build("step=sandbox")
    players = sum(s.value for s in app.mix.values())
    rows.append({"app": "04 trust", "control": "noise (sandbox)",
                 "largest": f"defaults: {players} players, {app.rounds.value} rounds, {app.generations.value} generations",
                 "ms": _press(app.noise, [0.05, 0.1, 0.15], repeat)})
    app = trust.build(query)
    players = sum(s.value for s in app.mix.values())
    rows.append({"app": "04 trust", "control": "noise (sandbox)",
                 "largest": f"{players} players, {app.rounds.value} rounds, {app.generations.value} generations",
                 "ms": _press(app.noise, [0.05, 0.1, 0.15], 1)})
    # deciding: most practices and meetings; and the representation step
    hi = {k: int(v[2]) for k, v in DECIDING_LIMITS.items() if v[0] is int}
    app = deciding.build(f"step=decisions&practices={hi['practices']}&meetings={hi['meetings']}")
    rows.append({"app": "04b deciding", "control": "spread (vote or agree)",
                 "largest": f"{hi['practices']} practices, {hi['meetings']} meetings, 40 runs",
                 "ms": _press(app.spread, [1.0, 1.25, 1.5, 1.75], repeat)})
    app = deciding.build("step=representation")
    rows.append({"app": "04b deciding", "control": "people (who speaks)", "largest": f"up to {hi['people']} GPs, 40 runs",
                 "ms": _press(app.people, list(range(1, hi["people"] + 1)), 1)})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=RESULTS / "growth.json")
    parser.add_argument("--latest", type=Path, default=RESULTS / "latest.json", help="browser figures for the budget")
    args = parser.parse_args(argv)
    from pcn_workbook.models import trust

    load_before = bench_machine.load_average()
    unit = median_ms(lambda: trust.match("tit_for_tat", "detective", 10, 0.0, 0), max(args.repeat, 20))
    tables = {"shapley": shapley_rows(args.repeat), "trust": trust_rows(args.repeat),
              "scale": scale_rows(args.repeat), "apps": app_rows(args.repeat)}
    budget, how = kernel_budget_ms(args.latest)
    for table in tables.values():
        for row in table:
            row["ms"] = round(row["ms"], 2)
            row["x_unit"] = round(row["ms"] / unit, 1)
            for key in ("max_error_share", "seed_to_seed_sd_share"):
                if key in row:
                    row[key] = round(row[key], 4)
    for row in tables["apps"]:
        row["within_budget"] = None if budget is None else row["ms"] <= budget
    result = {"unit": {"what": "one ten-round match, no mistakes", "ms": round(unit, 4)},
              "kernel_budget_ms": budget, "kernel_budget_from": how, **tables,
              "machine": bench_machine.machine(load_before, bench_machine.load_average()),
              "versions": bench_machine.versions()}
    for name, table in tables.items():
        print(f"\n{name}")
        keys = list(table[0])
        print("  " + " | ".join(keys))
        for row in table:
            print("  " + " | ".join(str(row.get(k)) for k in keys))
    print(f"\nkernel budget per control change: {budget} ms ({how})")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
