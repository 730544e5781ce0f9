"""Time the model calls a chapter app makes on one slider step (kernel side only).

Usage: ``python benchmarks/bench_models.py [--repeat 7]``. Prints the median of each call and its
ratio to a baseline measured in the same run (one ten-round match without mistakes, the smallest
unit of work), so figures from noisy machines can still be compared.
"""

from __future__ import annotations

import argparse
import statistics
import time

from pcn_workbook.models import decisions, trust

SANDBOX_MIX = {k: 3 for k in trust.STRATEGIES} | {"random": 4}  # 25 players, every habit

CALLS = {
    "baseline: one match, 10 rounds": lambda: trust.match("tit_for_tat", "detective", 10, 0.0, 0),
    "match, 10 rounds, 10% mistakes": lambda: trust.match("tit_for_tat", "tit_for_tat", 10, 0.1, 0),
    "tournament, 25 players, 5% mistakes": lambda: trust.tournament(SANDBOX_MIX, 10, 0.05, 0),
    "evolve, 25 players x 30 generations, no mistakes": lambda: trust.evolve(SANDBOX_MIX, 30, 10, 0.0, 5, 0),
    "evolve, 25 players x 30 generations, 5% mistakes": lambda: trust.evolve(SANDBOX_MIX, 30, 10, 0.05, 5, 0),
    "communication curve, 200 seeds": lambda: trust.communication_curve(seeds=range(200)),
    "vote vs consensus, defaults, 40 seeds": lambda: decisions.compare_over_seeds(decisions.DecisionSettings(meetings=48), range(40)),
    "vote vs consensus, 30 practices x 100 meetings, 40 seeds":
        lambda: decisions.compare_over_seeds(decisions.DecisionSettings(practices=30, meetings=100), range(40)),
}


def median_seconds(call, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    results = {name: median_seconds(call, args.repeat) for name, call in CALLS.items()}
    base = next(iter(results.values()))
    width = max(map(len, results))
    for name, seconds in results.items():
        print(f"{name:<{width}}  {seconds * 1000:9.2f} ms  {seconds / base:9.0f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
