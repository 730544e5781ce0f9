"""Time every chapter app in a real browser, against the bare baseline app in the same run.

Usage: ``pcn-workbook bench [--runs 5] [--presses 30] [--only NAME ...] [--out PATH]`` (or run
this file).

Method (STACK-NOTES, "Measuring a Voila app in a real browser"): a fresh Chromium context per run.
* Time-to-interactive: from navigation start (``page.goto``) until the slider handle is visible
  and the chart's marks are in the DOM, read inside the page (``performance.now()``). Measured with
  a fresh kernel per page ("cold", ``--no-preheat``) and from a filled kernel pool ("preheated",
  waiting before each run until the pool has refilled). Before every page, every server of the
  run must be quiet: the references and the chapters are served by different servers, and a
  refill on one would slow the page measured on another.
* Slider latency: focus the handle, press an arrow key ``--presses`` times with a pause between,
  and time each press in the page from a capture-phase ``keydown`` to the MutationObserver
  callback that sees the chart's marks change. Measured on the preheated server. The bare
  baseline's presses are measured again just before each chapter app's, and the app's slider
  ratio is to that paired figure: the machine's other load comes and goes over a run. A chapter
  chart may not change on every step (the outcome has not moved), so we also time each press to
  the first change of a "response" element that does (e.g. the narrative), and report how many
  presses changed the chart.
* Kernel memory: resident (RSS), unique (USS) and proportional (PSS) set size of the page's kernel
  process, right after it is interactive (median over both modes).
Prints a table with each app's figures and their ratio to the baseline; writes
``benchmarks/results/<timestamp>.json`` (git-ignored) and ``benchmarks/results/latest.json`` (the
issue-12 figures: per app the ratios to the bare baseline app and to the re-render-into-an-Output
app (benchmarks/reference/output_pattern.ipynb), both measured in the same run; committed when the
figures are taken for a closing note; ``--out`` for another path), and prints each figure against
its issue-12 target, met or MISSED. An app that fails to load gets its error in its entry; the
others are still measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import bench_machine
from page_timing import slider_latency, time_to_interactive
from voila_browser import REPO, VoilaServer, launch_chromium

BASELINE = REPO / "benchmarks" / "baseline.ipynb"
OUTPUT_PATTERN = REPO / "benchmarks" / "reference" / "output_pattern.ipynb"  # the common slow way
TARGETS = {"slider_p95_ratio": 1.5, "output_pattern_p95_ratio": 0.5, "tti_preheated_ratio": 1.1,
           "tti_cold_ratio": 1.2, "kernel_rss_mb": 150}  # issue 12: each figure at most this
RESULTS = REPO / "benchmarks" / "results"
# Per notebook: slider, chart, and an element that changes on every slider step (the
# "response"; the chart itself for the baseline), and optionally a query string that opens the
# app where that slider is (the trust app is a guided walk). Classes are set in each app module.
SELECTORS = {
    "baseline.ipynb": (".pcn-baseline-slider", ".pcn-baseline-chart", ".pcn-baseline-chart"),
    "output_pattern.ipynb": (".pcn-output-slider", ".pcn-output-chart", ".pcn-output-chart"),
    "01_purpose.ipynb": (".pcn-inward", ".pcn-compass-chart", ".pcn-narrative", "?step=compass"),
    # the paradox chart moves only where a change's blocking practice turns: in the default
    # scenario at 0.25, 0.5, 1 and 1.25 GBP a patient, so the presses turn at 0 and 1.5 (from the
    # top of the range the chart never moves and the p95 was one press's figure)
    "02_autonomy_paradox.ipynb": (".pcn-tolerance", ".pcn-paradox-chart", ".pcn-narrative", "", (0.0, 1.5)),
    "03_scale_choices.ipynb": (".pcn-band", ".pcn-networks-chart", ".pcn-narrative"),
    "04_trust.ipynb": (".pcn-noise", ".pcn-match-chart", ".pcn-narrative", "?step=noise&a=tit_for_tat&b=tit_for_tat"),
    "04b_deciding_together.ipynb": (".pcn-people", ".pcn-representation-chart", ".pcn-narrative", "?step=representation"),
    # typing into the form: the 'slider' is a text box and each press types a letter
    "05_springboard_stories.ipynb": (".pcn-field-predicament textarea", ".pcn-topics-chart", ".pcn-story-preview",
                                     "?tags=ae_pressure"),
}

@dataclass
class App:
    notebook: Path
    slider: str
    chart: str
    response: str
    query: str = ""
    bounds: tuple[float, float] | None = None  # where the presses turn (default: the slider's ends)
    tti: dict[str, list[float]] = field(default_factory=lambda: {"cold": [], "preheated": []})
    presses: int = 0
    chart_ms: list[float] = field(default_factory=list)  # presses that changed the chart
    # the bare baseline's key -> chart times, measured again just before this app's presses: the
    # slider ratio is against these (a baseline measured minutes earlier, on a machine whose other
    # load comes and goes, moved every ratio by up to 1.6x between runs of the same code)
    paired_baseline_ms: list[float] = field(default_factory=list)
    response_ms: list[float] = field(default_factory=list)
    kernel_rss_mb: list[float] = field(default_factory=list)
    kernel_uss_mb: list[float] = field(default_factory=list)
    kernel_pss_mb: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.notebook.stem

    @property
    def url_path(self) -> str:
        return f"voila/render/{self.notebook.name}{self.query}"


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def find_apps(notebooks: Path, only: list[str]) -> list[App]:
    chapters = sorted(notebooks.glob("[0-9][0-9]*_*.ipynb"))  # 04b_deciding_together too
    apps = []
    for notebook in [BASELINE, OUTPUT_PATTERN, *chapters]:
        if only and notebook.stem not in only and notebook not in (BASELINE, OUTPUT_PATTERN):
            continue
        if notebook.name not in SELECTORS:
            print(f"skipped {notebook.name}: add its slider/chart classes to SELECTORS")
            continue
        apps.append(App(notebook, *SELECTORS[notebook.name]))
    return apps


def _first_line(error: Exception) -> str:
    return f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"


def settle(servers: list[VoilaServer]) -> None:
    """Wait until every server of the run is quiet, not only the one about to be measured: a pool
    refill (or kernel shutdown) on another server would otherwise slow the next page down."""
    for server in servers:
        server.wait_until_quiet()


def measure(apps: list[App], mode: str, args, log_dir: Path, playwright) -> None:
    """Time-to-interactive runs in ``mode`` and (once, preferably preheated) slider latency. An app
    whose server does not start, or a page that fails, gets an error in ``app.errors``; the
    others are still measured."""
    preheat = mode == "preheated"
    roots = sorted({app.notebook.parent for app in apps})
    servers: dict[Path, VoilaServer] = {}
    try:
        for root in roots:
            servers[root] = VoilaServer(root, preheat=preheat,
                                        log_path=log_dir / f"{mode}-{root.name}.log")
        for root, server in list(servers.items()):
            try:
                server.wait_until_answering()
                if preheat:
                    server.wait_for_pools()
            except RuntimeError as error:  # keep measuring the apps of the other servers
                for app in apps:
                    if app.notebook.parent == root:
                        app.errors.append(f"{mode}: server for {root.name}/ did not start: "
                                          f"{_first_line(error)} (log {server.log_path})")
                server.stop()
                del servers[root]
        running = [app for app in apps if app.notebook.parent in servers]
        browser = launch_chromium(playwright)
        args.chromium = browser.version
        for run in range(args.runs):
            for app in running:
                server = servers[app.notebook.parent]
                try:
                    if preheat:
                        server.wait_for_pool(app.notebook.name)
                    settle(list(servers.values()))  # refills have run their notebooks, all idle
                    seconds, kernel_id = time_to_interactive(
                        browser, server.url + app.url_path, app.slider, app.chart
                    )
                except Exception as error:  # keep measuring the other apps
                    app.errors.append(f"{mode} run {run}: {_first_line(error)}")
                    continue
                if preheat and not server.served_preheated(kernel_id):
                    app.errors.append(f"{mode} run {run}: page did not get a pooled kernel")
                app.tti[mode].append(seconds)
                memory = server.kernel_memory(kernel_id) if kernel_id else None
                if memory:
                    app.kernel_rss_mb.append(memory["rss"])
                    app.kernel_uss_mb.append(memory["uss"])
                    app.kernel_pss_mb.append(memory["pss"])
                print(f"  {mode:9} run {run + 1}/{args.runs} {app.name}: {seconds:.2f} s")
        if preheat or "preheated" not in args.modes:  # latency once, preferably preheated
            base = next((a for a in running if a.notebook == BASELINE), None)

            def latency(app: App, errors_to: App, what: str = "latency"):
                for attempt in (1, 2):  # a page that never loaded has no latency: try once more
                    try:
                        settle(list(servers.values()))
                        return slider_latency(
                            browser, servers[app.notebook.parent].url + app.url_path,
                            app.slider, app.chart, app.response, args.presses, args.pause_ms,
                            app.bounds,
                        )
                    except Exception as error:
                        errors_to.errors.append(f"{what}, page {attempt} of 2: {_first_line(error)}")
                return None

            for app in running:
                if base is not None and app.notebook not in (BASELINE, OUTPUT_PATTERN):
                    paired = latency(base, app, "paired baseline latency")
                    if paired is not None:
                        app.paired_baseline_ms = paired[0]
                measured = latency(app, app)
                if measured is not None:
                    app.chart_ms, app.response_ms = measured
                    app.presses = args.presses
        browser.close()
    finally:
        for server in servers.values():
            server.stop()


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _ratio(value, ref) -> float | None:
    return None if value is None or not ref else round(value / ref, 3)


def results_document(apps: list[App], started: str, load_before, load_after, versions: dict) -> dict:
    """``latest.json``: per app the issue-12 figures and their ratios to the references measured in
    the same run (the bare baseline app, and the re-render-into-an-Output app)."""
    def figures(app: App) -> dict:
        cold, warm = _median(app.tti["cold"]), _median(app.tti["preheated"])
        return {"tti_cold_ms": None if cold is None else round(cold * 1000, 1),
                "tti_preheated_ms": None if warm is None else round(warm * 1000, 1),
                "slider_p50_ms": percentile(app.chart_ms, 0.5), "slider_p95_ms": percentile(app.chart_ms, 0.95),
                "presses": app.presses, "chart_changes": len(app.chart_ms),  # presses that moved the chart
                # key to the first change of the app's response element (e.g. the narrative): every
                # press has one, so this has all the samples where a chart changes only now and then
                "response_p50_ms": percentile(app.response_ms, 0.5),
                "response_p95_ms": percentile(app.response_ms, 0.95),
                "response_changes": len(app.response_ms),
                "kernel_rss_mb": _median(app.kernel_rss_mb), "kernel_uss_mb": _median(app.kernel_uss_mb),
                "kernel_pss_mb": _median(app.kernel_pss_mb), "errors": app.errors}

    by_name = {app.notebook: app for app in apps}
    base = figures(by_name[BASELINE]) if BASELINE in by_name else {}
    output = figures(by_name[OUTPUT_PATTERN]) if OUTPUT_PATTERN in by_name else {}
    rows = {}
    for app in apps:
        if app.notebook in (BASELINE, OUTPUT_PATTERN):
            continue
        row = figures(app)
        # the slider ratios are to the baseline measured just before this app (first-run baseline
        # if that was not measured); the first-run figure is kept beside it
        paired = percentile(app.paired_baseline_ms, 0.95) if app.paired_baseline_ms else None
        reference = paired or base.get("slider_p95_ms")
        row.update(tti_cold_ratio=_ratio(row["tti_cold_ms"], base.get("tti_cold_ms")),
                   tti_preheated_ratio=_ratio(row["tti_preheated_ms"], base.get("tti_preheated_ms")),
                   paired_baseline_p95_ms=paired,
                   paired_baseline_samples=len(app.paired_baseline_ms),
                   slider_p95_ratio=_ratio(row["slider_p95_ms"], reference),
                   slider_p95_ratio_to_first_baseline=_ratio(row["slider_p95_ms"], base.get("slider_p95_ms")),
                   output_pattern_p95_ratio=_ratio(row["slider_p95_ms"], output.get("slider_p95_ms")),
                   # the baseline's response element is its chart
                   response_p95_ratio=_ratio(row["response_p95_ms"], reference))
        row["targets_met"] = {key: (row[key] is not None and row[key] <= limit) for key, limit in TARGETS.items()}
        rows[app.name] = row
    uss = [r["kernel_uss_mb"] for r in rows.values() if r["kernel_uss_mb"]]
    return {
        "taken_at": started,
        "method": "STACK-NOTES: Measuring a Voila app in a real browser (benchmarks/bench_apps.py)",
        "targets": {k: f"at most {v}" for k, v in TARGETS.items()},
        "machine": bench_machine.machine(load_before, load_after),
        "versions": versions,
        "baseline": base,
        "output_pattern": output,
        "apps": rows,
        "room_of_40_mb": None if not uss else round(40 * max(uss), 1),  # the hungriest app's unique memory x 40
    }


TARGET_COLUMNS = [  # (key in an app's row, heading, unit)
    ("slider_p95_ratio", "slider/baseline", "x"),
    ("output_pattern_p95_ratio", "slider/Output", "x"),
    ("tti_cold_ratio", "TTI cold", "x"),
    ("tti_preheated_ratio", "TTI preheated", "x"),
    ("kernel_rss_mb", "kernel RSS", " MB"),
]


def targets_table(document: dict) -> str:
    """Each app's issue-12 figures from a results document, marked met or MISSED against
    ``TARGETS``, with how many key presses moved the chart (the slider p95's sample count)."""
    name_width = max([len(name) for name in document["apps"]] + [3]) + 2
    headings = [f"{title} <= {TARGETS[key]:g}{unit}" for key, title, unit in TARGET_COLUMNS]
    widths = [max(len(h), 14) + 2 for h in headings]
    lines = ["app".ljust(name_width) + "".join(f"{h:>{w}}" for h, w in zip(headings, widths))
             + "  chart moved"]
    for name, row in document["apps"].items():
        cells = []
        for (key, _, unit), w in zip(TARGET_COLUMNS, widths):
            value = row[key]
            text = "-" if value is None else f"{value:.2f}{unit}" if unit == "x" else f"{value:.0f}{unit}"
            text += " met" if row["targets_met"][key] else " MISSED"
            cells.append(f"{text:>{w}}")
        moved = f"{row['chart_changes']} of {row['presses']}"
        lines.append(name.ljust(name_width) + "".join(cells) + f"  {moved}")
    lines.append("slider = p95 of key press -> chart change, over the presses that moved the chart "
                 "(few presses: a rough p95; see response_p95_ms in the results file); slider/baseline "
                 "is to the bare baseline's presses measured just before the app's, slider/Output to "
                 "the clear-an-Output app, TTI to the baseline, all in this run")
    return "\n".join(lines)


def summary(app: App) -> dict:
    return {
        "tti_cold_s": statistics.median(app.tti["cold"]) if app.tti["cold"] else None,
        "tti_preheated_s": (
            statistics.median(app.tti["preheated"]) if app.tti["preheated"] else None
        ),
        "chart_p50_ms": percentile(app.chart_ms, 0.5),
        "chart_p95_ms": percentile(app.chart_ms, 0.95),
        "chart_changes": len(app.chart_ms),
        "response_p50_ms": percentile(app.response_ms, 0.5),
        "response_p95_ms": percentile(app.response_ms, 0.95),
        "kernel_rss_mb": statistics.median(app.kernel_rss_mb) if app.kernel_rss_mb else None,
    }


COLUMNS = [
    ("tti_cold_s", "TTI cold s", "{:.2f}"),
    ("tti_preheated_s", "TTI preheat s", "{:.2f}"),
    ("chart_p50_ms", "key->chart p50", "{:.0f}"),
    ("chart_p95_ms", "key->chart p95", "{:.0f}"),
    ("response_p50_ms", "key->resp p50", "{:.0f}"),
    ("response_p95_ms", "key->resp p95", "{:.0f}"),
    ("kernel_rss_mb", "kernel MB", "{:.0f}"),
]


def table(apps: list[App], figures: dict[str, dict]) -> str:
    base = figures.get(BASELINE.stem, {})
    name_width = max(len(app.name) for app in apps) + 2
    widths = [max(len(title), 13) + 2 for _, title, _ in COLUMNS]
    lines = ["app".ljust(name_width) + "".join(
        f"{title:>{w}}" for (_, title, _), w in zip(COLUMNS, widths, strict=False))]
    for app in apps:
        cells = []
        for (key, _, fmt), w in zip(COLUMNS, widths, strict=False):
            value, ref = figures[app.name][key], base.get(key)
            text = "-" if value is None else fmt.format(value)
            if value is not None and ref:
                text += f" ({value / ref:.2f}x)"
            cells.append(f"{text:>{w}}")
        lines.append(app.name.ljust(name_width) + "".join(cells))
    lines.append("(ratio) = figure / baseline figure from this run; TTI = median of runs; "
                 "latencies in ms; kernel MB = RSS after load")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pcn-workbook bench", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="TTI runs per app and mode")
    parser.add_argument("--presses", type=int, default=30, help="arrow-key presses per app")
    parser.add_argument("--pause-ms", type=int, default=200, help="pause between presses")
    parser.add_argument("--notebooks", type=Path, default=REPO / "notebooks")
    parser.add_argument("--only", nargs="*", default=[], help="chapter notebook stems")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json", help="results file (issue-12 figures)")
    parser.add_argument("--modes", nargs="*", default=["cold", "preheated"],
                        choices=["cold", "preheated"])
    args = parser.parse_args(argv)
    if args.runs < 1 or args.presses < 0:
        parser.error("--runs must be at least 1 and --presses at least 0")
    if not args.notebooks.is_dir():
        parser.error(f"notebooks folder not found: {args.notebooks}")
    known = sorted(p.stem for p in args.notebooks.glob("[0-9][0-9]*_*.ipynb"))
    unknown = [name for name in args.only if name not in known]
    if unknown:
        parser.error(f"--only: no chapter notebook named {', '.join(unknown)} in {args.notebooks} "
                     f"(known: {', '.join(known)})")
    if args.out.is_dir():
        parser.error(f"--out names a folder, not a file: {args.out}")

    from playwright.sync_api import sync_playwright

    apps = find_apps(args.notebooks.resolve(), args.only)
    started = dt.datetime.now().astimezone()
    load_before = bench_machine.load_average()
    with tempfile.TemporaryDirectory(prefix="pcn-bench-") as logs, sync_playwright() as pw:
        for mode in args.modes:
            print(f"{mode}: {', '.join(app.name for app in apps)}")
            measure(apps, mode, args, Path(logs), pw)
    figures = {app.name: summary(app) for app in apps}
    print()
    print(table(apps, figures))
    print(f"load average (1 min) before/after: {load_before[0]:.1f} / {os.getloadavg()[0]:.1f}"
          f" on {os.cpu_count()} CPUs ({bench_machine.cpu_model()})")
    for app in apps:
        for error in app.errors:
            print(f"! {app.name}: {error}")
        if app.presses:
            paired = (f"; the baseline just before: p95 {percentile(app.paired_baseline_ms, 0.95):.0f} ms"
                      if app.paired_baseline_ms else "")
            print(f"  {app.name}: {len(app.chart_ms)} of {app.presses} key presses changed the "
                  f"chart, {len(app.response_ms)} the response ({app.response}){paired}")

    RESULTS.mkdir(exist_ok=True)
    load_after = bench_machine.load_average()
    versions = bench_machine.versions(chromium=getattr(args, "chromium", None))
    latest = results_document(apps, started.isoformat(timespec="seconds"), load_before, load_after, versions)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(latest, indent=2) + "\n")
    print()
    print(targets_table(latest))
    print(f"wrote {args.out}")
    out = RESULTS / f"{started:%Y%m%dT%H%M%S}.json"
    record = {
        "started": started.isoformat(timespec="seconds"),
        # other work on the machine skews absolute figures (the load averages); ratios less so
        "machine": latest["machine"],
        "versions": latest["versions"],
        "settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "method": "STACK-NOTES: Measuring a Voila app in a real browser",
        "apps": {
            app.name: {
                "notebook": str(app.notebook.relative_to(REPO)),
                "selectors": {"slider": app.slider, "chart": app.chart, "response": app.response},
                "summary": figures[app.name],
                "tti_s": app.tti,
                "presses": app.presses,
                "key_to_chart_ms": app.chart_ms,
                "paired_baseline_key_to_chart_ms": app.paired_baseline_ms,
                "key_to_response_ms": app.response_ms,
                "kernel_rss_mb": app.kernel_rss_mb,
                "errors": app.errors,
            }
            for app in apps
        },
    }
    out.write_text(json.dumps(record, indent=2))
    print(f"wrote {out.relative_to(REPO)}")
    return 1 if any(app.errors for app in apps) else 0


if __name__ == "__main__":
    sys.exit(main())
