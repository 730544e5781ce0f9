"""How much memory one participant's kernel holds for each app, and what it holds.

Usage: ``.venv/bin/python benchmarks/kernel_memory.py [--runs 2] [--only NAME ...] [--no-attribute]``

Method. For the bare baseline app (``benchmarks/baseline.ipynb``) and every chapter notebook
(``notebooks/[0-9][0-9]*_*.ipynb``), in turn, never two at once:

* start a fresh kernel the way Voila does for a page (jupyter_client, working directory
  ``notebooks/``, Voila's environment variables for a page without a query string, and the
  live-chart bundle address that ``pcn-workbook serve`` hands its kernels, and the chart designs
  file it writes at start, from which kernels read their charts' designs instead of building them);
* give it the cells Voila would (``serve.app_cells_only``: a chapter that asks for it runs only its
  app cells; the baseline runs whole) and run them with Voila's own executor, one cell at a time,
  without storing history, as Voila's page renderer does;
* before any of this, load every dataset once in the benchmark's own process, as the first
  kernel of a workshop would (a loader that remembers passed checks then spares the rest);
* once the last cell has finished and the kernel has been idle a moment, read the kernel process's
  RSS, USS and PSS (psutil, which reads ``/proc/<pid>/smaps``; ``/proc/<pid>/smaps_rollup`` when
  psutil is missing), how many modules it has loaded, and which files its memory maps belong to.

RSS counts every page the process can touch, shared ones (the Python binary, numpy's libraries)
included; USS only the pages no other process shares (what one more participant costs); PSS shares
each shared page among the processes using it. A room of 40 participants on one app holds about
``40 x USS + (RSS - USS)``: each kernel's private memory, and the shared pages once.

Attribution (unless ``--no-attribute``): a second fresh kernel per app runs the same cells after a
small hook on the import system that reads the kernel's RSS and the clock before and after each
top-level package is first imported (a package's own cost, without the packages it imports). It
says which imports the memory and the import time go to. The hook costs a little itself, so these
figures come from their own kernel, never the one measured above.

Then, in the same kernel, every guided walk shows each of its steps in turn (a step's controls and
charts are built when first shown) and every tab and accordion opens each page, and memory is read
again (``walked_*``): what a participant who visits everything makes the kernel hold.

Workshop kernels (unless ``--no-workshop``): each chapter app is measured again, in kernels that
open it from a room's link (``workshop=<code>`` of a real workshop in a new SQLite store), so with
the workshop panel and the store behind it, as every participant's kernel in a workshop is. The
room's sizing (``workshop/room.py``, ``KERNEL_MB``) rests on the largest of these figures.

Prints a table; writes ``benchmarks/results/memory.json``. Figures are compared with the baseline
measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import bench_machine

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
BASELINE = REPO / "benchmarks" / "baseline.ipynb"
RESULTS = REPO / "benchmarks" / "results"
TARGET_RSS_MB = 150.0  # issue 12: at most 150 MB resident per participant kernel
ROOM = 40  # participants in the room the totals are for
SETTLE_SECONDS = 1.0  # idle time after the last cell before reading memory
TOP = 12  # packages and files listed per app
MB = 1024 * 1024

# Run inside the attribution kernel before the notebook's cells. CPython's import system loads
# every module through importlib._bootstrap._load_unlocked (looked up by name at call time), so
# wrapping it sees each first import; a package is charged what it costs itself, and what the
# packages it imports cost is charged to them.
IMPORT_HOOK = r"""
def _pcn_install_import_meter():
    import _frozen_importlib as bootstrap, os, time
    page = os.sysconf("SC_PAGE_SIZE")
    def rss():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * page
    original, stack, costs = bootstrap._load_unlocked, [], {}
    def load(spec):
        top = spec.name.partition(".")[0]
        if stack and stack[-1][0] == top:
            return original(spec)
        stack.append([top, rss(), time.perf_counter(), 0, 0.0])
        try:
            return original(spec)
        finally:
            name, rss0, t0, child_rss, child_s = stack.pop()
            grown, took = rss() - rss0, time.perf_counter() - t0
            cost = costs.setdefault(name, [0, 0.0, 0])
            cost[0] += grown - child_rss
            cost[1] += took - child_s
            cost[2] += 1
            if stack:
                stack[-1][3] += grown
                stack[-1][4] += took
    bootstrap._load_unlocked = load
    return costs, rss
_pcn_import_costs, _pcn_rss = _pcn_install_import_meter()
_pcn_rss_before_cells = _pcn_rss()
del _pcn_install_import_meter
"""

IMPORT_REPORT = r"""
import json as _pcn_json
print("PCN-IMPORTS " + _pcn_json.dumps({"rss_before_cells": _pcn_rss_before_cells, "rss_after_cells": _pcn_rss(),
      "packages": {k: v for k, v in _pcn_import_costs.items()}}))
"""

# Run in the measured kernel after its memory has been read: what it has loaded (cheap, read-only).
MODULES_REPORT = r"""
import sys as _pcn_sys, json as _pcn_json
_pcn_tops = {}
for _pcn_name in list(_pcn_sys.modules):
    _pcn_top = _pcn_name.partition(".")[0]
    _pcn_tops[_pcn_top] = _pcn_tops.get(_pcn_top, 0) + 1
print("PCN-MODULES " + _pcn_json.dumps({"count": len(_pcn_sys.modules), "packages": _pcn_tops}))
"""

# Run after the first reading: what a participant who visits everything makes the kernel hold.
# Every guided walk shows each of its steps in turn (a step's controls and charts are built when
# it is first shown), every tab and accordion opens each of its pages; then memory is read again.
WALK = r"""
import json as _pcn_json, gc as _pcn_gc
import ipywidgets as _pcn_w
from ipywidgets.widgets.widget import _instances as _pcn_instances
from pcn_workbook.apps.page import StepWalk as _PcnWalk
_pcn_shown = 0
for _pcn_widget in list(_pcn_instances.values()):
    if isinstance(_pcn_widget, _PcnWalk):
        for _pcn_label, _pcn_key in list(_pcn_widget.step.options):
            _pcn_widget.step.value = _pcn_key
            _pcn_shown += 1
    elif isinstance(_pcn_widget, (_pcn_w.Tab, _pcn_w.Accordion)):
        for _pcn_i in range(len(_pcn_widget.children)):
            _pcn_widget.selected_index = _pcn_i
            _pcn_shown += 1
_pcn_gc.collect()
print("PCN-WALK " + _pcn_json.dumps({"shown": _pcn_shown}))
"""


# ------------------------------------------------------------------------------- reading memory

def read_memory(pid: int) -> dict[str, float]:
    """RSS, USS and PSS of one process in MB (psutil if installed, else /proc/<pid>/smaps_rollup)."""
    try:
        import psutil
    except ImportError:
        psutil = None
    if psutil is not None:
        info = psutil.Process(pid).memory_full_info()
        rss, uss, pss = info.rss, info.uss, info.pss
    else:
        fields = {}
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, rest = line.partition(":")
            if rest.strip().endswith("kB"):
                fields[key] = int(rest.split()[0]) * 1024
        rss, pss = fields["Rss"], fields["Pss"]
        uss = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
    return {"rss_mb": round(rss / MB, 1), "uss_mb": round(uss / MB, 1), "pss_mb": round(pss / MB, 1)}


_SITE = re.compile(r"/(?:site|dist)-packages/([^/]+)")
_STDLIB = re.compile(r"/lib/python3\.\d+/")


def _owner(path: str) -> str:
    """Who a mapped file belongs to: a site-packages distribution folder, the standard library, ..."""
    if not path:
        return "[anonymous: Python objects, heaps, arrays]"
    if path.startswith("["):
        return "[heap]" if path == "[heap]" else "[stack and kernel pages]"
    found = _SITE.search(path)
    if found:
        name = found.group(1)
        name = name.split(".libs")[0].rstrip("_") if name.endswith(".libs") else name
        return re.sub(r"(\.cpython.*|\.abi3)?\.so$", "", name).split("-")[0]
    if _STDLIB.search(path):
        return "python standard library"
    if "/libpython" in path or re.search(r"/bin/python", path):
        return "python interpreter"
    return "system libraries (" + Path(path).name.split(".so")[0] + ")" if ".so" in path else "other files"


def memory_by_owner(pid: int) -> list[dict]:
    """RSS and USS per owner of the process's mappings (from /proc/<pid>/smaps), largest USS first."""
    owners: dict[str, dict[str, int]] = {}
    current = None
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        head = line.split(None, 5)
        if head and "-" in head[0] and len(head) >= 5 and ":" not in head[0]:
            current = owners.setdefault(_owner(head[5] if len(head) > 5 else ""), {"rss": 0, "uss": 0})
        elif current is not None and line.startswith(("Rss:", "Private_Clean:", "Private_Dirty:")):
            size = int(line.split()[1]) * 1024
            current["rss" if line.startswith("Rss:") else "uss"] += size
    rows = [{"owner": k, "rss_mb": round(v["rss"] / MB, 1), "uss_mb": round(v["uss"] / MB, 1)}
            for k, v in owners.items()]
    rows.sort(key=lambda r: (-r["uss_mb"], -r["rss_mb"]))
    return rows


# ------------------------------------------------------------------------------- running an app

def app_notebook(notebook: Path):
    """The notebook as Voila is handed it (only its app cells when it asks for that)."""
    import nbformat

    from pcn_workbook.serve import app_cells_only

    nb = nbformat.read(notebook, as_version=4)
    app_cells_only(nb)
    return nb


def workshop_link(folder: Path) -> dict[str, str]:
    """A real workshop in a new SQLite store under ``folder``: what a kernel's environment needs to
    open its app from the room's link (the store's address and ``workshop=<code>``)."""
    from pcn_workbook.workshop import store

    url = f"sqlite:///{folder / 'workshops.sqlite3'}"
    room = store.Store(url)
    try:
        room.migrate()
        code = room.create_workshop("Kernel memory benchmark").workshop.code
    finally:
        room.close()
    return {store.DB_ENV: url, "QUERY_STRING": f"workshop={code}"}


def write_chart_designs() -> bool:
    """Write the chart designs file as ``pcn-workbook serve`` does at start (``charts.designs``),
    so kernels read their charts' designs instead of building them with Altair; False for a
    version of the workbook without one."""
    try:
        from pcn_workbook.charts import designs
    except ImportError:
        return False
    designs.build_designs_elsewhere()
    return True


def kernel_environment(notebook: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """What Voila puts in a page kernel's environment (a fresh kernel, no query string unless
    ``extra`` sets one), plus the address of the shared live-chart bundle that ``pcn-workbook
    serve`` gives every kernel."""
    env = dict(os.environ)
    env.update({"VOILA_PREHEAT": "False", "VOILA_BASE_URL": "/", "VOILA_SERVER_URL": "/",
                "VOILA_APP_IP": "127.0.0.1", "VOILA_APP_PORT": "8866", "VOILA_APP_PROTOCOL": "http",
                "SCRIPT_NAME": "/", "PATH_INFO": f"/voila/render/{notebook.name}", "QUERY_STRING": "",
                "SERVER_SOFTWARE": "voila/0.5", "SERVER_PROTOCOL": "HTTP/1.1", "SERVER_PORT": "8866",
                "SERVER_NAME": "127.0.0.1"})
    env.update(extra or {})
    try:
        from pcn_workbook.charts import live_bundle
    except ImportError:
        return env
    if hasattr(live_bundle, "bundle_name") and hasattr(live_bundle, "URL_ENV"):
        env[live_bundle.URL_ENV] = "/" + getattr(live_bundle, "ASSET_PREFIX", "") + live_bundle.bundle_name()
    return env


def _printed(cell, marker: str) -> dict | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            for line in output.get("text", "").splitlines():
                if line.startswith(marker + " "):
                    return json.loads(line[len(marker) + 1:])
    return None


def _errors(cells) -> list[str]:
    found = []
    for cell in cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found.append(f"{output.get('ename')}: {output.get('evalue')}")
    return found


async def _run(notebook: Path, attribute: bool, extra: dict[str, str] | None) -> dict:
    import nbformat
    from jupyter_client.manager import AsyncKernelManager
    from voila.execute import VoilaExecutor

    from pcn_workbook.kernel import WorkbookKernelSpecManager

    nb = app_notebook(notebook)
    cells = [c for c in nb.cells if c.cell_type == "code"]
    if attribute:
        cells = [nbformat.v4.new_code_cell(IMPORT_HOOK), *cells, nbformat.v4.new_code_cell(IMPORT_REPORT)]
    nb.cells = cells
    km = AsyncKernelManager(kernel_name=nb.metadata.get("kernelspec", {}).get("name", "python3"),
                            kernel_spec_manager=WorkbookKernelSpecManager())  # the kernel serve starts
    started = time.perf_counter()
    await km.start_kernel(cwd=str(NOTEBOOKS), env=kernel_environment(notebook, extra))
    try:
        executor = VoilaExecutor(nb, km=km)
        executor.kc = await executor.async_start_new_kernel_client()
        ready = time.perf_counter()
        pid = km.provisioner.process.pid
        bare = read_memory(pid)
        await executor.kc.execute_interactive("import os\nos.environ['VOILA_KERNEL_ID'] = 'kernel-memory-bench'",
                                              store_history=False, timeout=60)
        cell_seconds = []
        for index, cell in enumerate(nb.cells):
            began = time.perf_counter()
            try:
                await executor.execute_cell(cell, None, index, store_history=False)
            except Exception as error:  # noqa: BLE001 - a failing app is reported, not fatal
                cell.setdefault("outputs", []).append(
                    {"output_type": "error", "ename": type(error).__name__, "evalue": str(error)[:300]})
                break
            cell_seconds.append(time.perf_counter() - began)
        finished = time.perf_counter()
        await asyncio.sleep(SETTLE_SECONDS)
        result = {"errors": _errors(nb.cells), "kernel_start_s": round(ready - started, 3),
                  "cells_s": round(finished - ready, 3), "bare_kernel": bare}
        if attribute:
            result["imports"] = _printed(nb.cells[-1], "PCN-IMPORTS")
            return result
        result.update(read_memory(pid))
        result["by_owner"] = memory_by_owner(pid)[:TOP]
        probe = nbformat.v4.new_code_cell(MODULES_REPORT)
        nb.cells.append(probe)
        await executor.execute_cell(probe, None, len(nb.cells) - 1, store_history=False)
        result["modules"] = _printed(probe, "PCN-MODULES")
        walk = nbformat.v4.new_code_cell(WALK)
        nb.cells.append(walk)
        await executor.execute_cell(walk, None, len(nb.cells) - 1, store_history=False)
        await asyncio.sleep(SETTLE_SECONDS)
        result["errors"] = _errors(nb.cells)
        result["walked"] = dict(read_memory(pid), shown=(_printed(walk, "PCN-WALK") or {}).get("shown"))
        executor.kc.stop_channels()
        return result
    finally:
        await km.shutdown_kernel(now=True)


def measure_notebook(notebook: str | os.PathLike, attribute: bool = False, extra: dict[str, str] | None = None) -> dict:
    """One fresh kernel running ``notebook`` as Voila would; its memory (MB), timings and errors.

    Fields: rss_mb, uss_mb, pss_mb (after the app is built), bare_kernel (the same three before any
    cell), walked (the same three once every step, tab and accordion page has been shown, and
    ``shown``: how many), kernel_start_s, cells_s (the app's cells: imports and building), modules (count and
    modules per top-level package), by_owner (RSS/USS per owner of mapped memory), errors. With
    ``attribute=True`` the kernel runs the import meter instead and the result has ``imports``
    (per top-level package: [own RSS growth in bytes, own import seconds, modules]) and no
    memory figures of its own (the meter perturbs them). ``extra`` is added to the kernel's
    environment (``workshop_link`` opens the app as a workshop participant does).
    """
    job = _run(Path(notebook).resolve(), attribute, extra)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(job)
    # Called from code that already runs an event loop (e.g. a test process where Playwright's
    # sync API is active): run ours on a thread of its own.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, job).result()


# ------------------------------------------------------------------------------- the report

def summarise(name: str, runs: list[dict], attribution: dict | None) -> dict:
    """The median of several runs of one app, with the first run's detail and the attribution."""
    row = {"notebook": name, "runs": len(runs)}
    for key in ("rss_mb", "uss_mb", "pss_mb", "kernel_start_s", "cells_s"):
        row[key] = round(statistics.median(r[key] for r in runs), 3 if key.endswith("_s") else 1)
    row["bare_kernel_rss_mb"] = round(statistics.median(r["bare_kernel"]["rss_mb"] for r in runs), 1)
    for key in ("rss_mb", "uss_mb", "pss_mb"):  # once everything the app can show has been shown
        row[f"walked_{key}"] = round(statistics.median(r["walked"][key] for r in runs), 1)
    row["walked_shown"] = runs[0]["walked"]["shown"]
    row["cells_added_rss_mb"] = round(row["rss_mb"] - row["bare_kernel_rss_mb"], 1)  # the app's imports and build
    row["shared_mb"] = round(row["rss_mb"] - row["uss_mb"], 1)
    row["room_of_40_mb"] = round(ROOM * row["uss_mb"] + row["shared_mb"], 1)
    row["room_of_40_pss_mb"] = round(ROOM * row["pss_mb"], 1)
    row["modules"] = runs[0]["modules"]["count"] if runs[0].get("modules") else None
    tops = (runs[0].get("modules") or {}).get("packages", {})
    row["modules_by_package"] = dict(sorted(tops.items(), key=lambda kv: -kv[1])[:TOP])
    row["memory_by_owner"] = runs[0]["by_owner"]
    row["errors"] = sorted({e for r in runs for e in r["errors"]})
    row["within_target"] = max(row["rss_mb"], row["walked_rss_mb"]) <= TARGET_RSS_MB
    if attribution and attribution.get("imports"):
        packages = attribution["imports"]["packages"]
        ranked = sorted(packages.items(), key=lambda kv: -kv[1][0])
        row["imports_by_rss"] = [{"package": k, "rss_mb": round(v[0] / MB, 1), "import_s": round(v[1], 3),
                                  "modules": v[2]} for k, v in ranked[:TOP]]
        row["import_s_total"] = round(sum(v[1] for v in packages.values() if v[2]), 3)
        row["slowest_imports"] = [{"package": k, "import_s": round(v[1], 3)}
                                  for k, v in sorted(packages.items(), key=lambda kv: -kv[1][1])[:TOP]]
        row["attribution_errors"] = attribution["errors"]
    return row


def results_document(apps: dict[str, dict], baseline: dict, taken_at: str, load_before, load_after) -> dict:
    """The memory.json document: every app's figures and its ratio to the same run's baseline."""
    for row in apps.values():
        row["rss_ratio"] = round(row["rss_mb"] / baseline["rss_mb"], 3)
        row["uss_ratio"] = round(row["uss_mb"] / baseline["uss_mb"], 3)
    return {
        "taken_at": taken_at,
        "method": ("fresh kernel per app via jupyter_client with Voila's environment and executor, "
                   "app cells only where the chapter asks (serve.app_cells_only), memory read "
                   f"{SETTLE_SECONDS} s after the last cell, and again after every step, tab and "
                   f"accordion page was shown (walked_*); median of runs; room of {ROOM} = "
                   f"{ROOM} x USS + (RSS - USS) once"),
        "machine": bench_machine.machine(list(load_before or []), list(load_after or [])),
        "versions": bench_machine.versions(),
        "target_rss_mb": TARGET_RSS_MB,
        "baseline": baseline,
        "apps": apps,
        "all_within_target": all(r["within_target"] and r.get("workshop", {}).get("within_target", True)
                                 for r in apps.values()),
        "largest_rss_mb": max((max(r["rss_mb"], r["walked_rss_mb"], r.get("workshop", {}).get("walked_rss_mb", 0),
                                   r.get("workshop", {}).get("rss_mb", 0)) for r in apps.values()), default=None),
    }


def table(baseline: dict, apps: dict[str, dict]) -> str:
    head = (f"{'app':38} {'RSS':>6} {'USS':>6} {'PSS':>6} {'xBase':>6} {'room40':>7} {'mods':>5} "
            f"{'start s':>7} {'cells s':>7} {'walked RSS':>10} {'shown':>5}")
    lines = [head, "-" * len(head)]
    for row in [baseline, *apps.values()]:
        ratio = row.get("rss_ratio", 1.0)
        lines.append(f"{row['notebook']:38} {row['rss_mb']:6.1f} {row['uss_mb']:6.1f} {row['pss_mb']:6.1f} "
                     f"{ratio:6.2f} {row['room_of_40_mb']:7.0f} {row['modules'] or 0:5d} "
                     f"{row['kernel_start_s']:7.2f} {row['cells_s']:7.2f} {row['walked_rss_mb']:10.1f} "
                     f"{row['walked_shown'] or 0:5d}"
                     + ("" if row["within_target"] else "  > target") + ("  ERRORS" if row["errors"] else ""))
    for row in apps.values():
        if row.get("workshop"):
            room = row["workshop"]
            lines.append(f"{row['notebook'] + ' (workshop link)':38} {room['rss_mb']:6.1f} {room['uss_mb']:6.1f} "
                         f"{room['pss_mb']:6.1f} {'':6} {room['room_of_40_mb']:7.0f} {room['modules'] or 0:5d} "
                         f"{room['kernel_start_s']:7.2f} {room['cells_s']:7.2f} {room['walked_rss_mb']:10.1f} "
                         f"{room['walked_shown'] or 0:5d}" + ("  ERRORS" if room["errors"] else ""))
    lines.append(f"(MB; room40 = {ROOM} x USS + shared once; walked: after every step, tab and accordion page "
                 f"was shown; target: RSS <= {TARGET_RSS_MB:.0f} MB, both readings)")
    for row in [baseline, *apps.values()]:
        if row.get("imports_by_rss"):
            heavy = ", ".join(f"{i['package']} {i['rss_mb']:.0f} MB/{i['import_s']:.2f} s"
                              for i in row["imports_by_rss"][:8])
            lines.append(f"{row['notebook']}: imports {heavy}")
        for error in row["errors"]:
            lines.append(f"{row['notebook']}: ERROR {error}")
    return "\n".join(lines)


def check_datasets() -> dict:
    """Load every table once in this process, as the first kernel of a workshop would, so the
    measured kernels find the datasets already checked (if the loader remembers passed checks)."""
    from pcn_workbook import data

    began, names, problems = time.perf_counter(), [], []
    for item in data.package()["resources"]:
        try:
            data.load_table(item["name"])
            names.append(item["name"])
        except data.DatasetError as error:
            problems.append(str(error).splitlines()[0])
    return {"tables": len(names), "seconds": round(time.perf_counter() - began, 3), "problems": problems}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2, help="fresh kernels per app (median taken)")
    parser.add_argument("--only", nargs="*", default=[], help="chapter notebook stems (the baseline always runs)")
    parser.add_argument("--no-attribute", action="store_true", help="skip the import-attribution kernel")
    parser.add_argument("--no-workshop", action="store_true",
                        help="skip the kernels that open each chapter app from a workshop link")
    parser.add_argument("--output", type=Path, default=RESULTS / "memory.json")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be 1 or more")
    chapters = sorted(NOTEBOOKS.glob("[0-9][0-9]*_*.ipynb"))
    unknown = set(args.only) - {c.stem for c in chapters}
    if unknown:
        parser.error(f"no chapter notebook called {', '.join(sorted(unknown))} in {NOTEBOOKS}")
    chosen = [BASELINE, *(c for c in chapters if not args.only or c.stem in args.only)]
    load_before = list(os.getloadavg())
    taken_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    prechecked = check_datasets()
    designs = write_chart_designs()
    rows = {}
    for notebook in chosen:
        print(f"measuring {notebook.name} ...", flush=True)
        runs = [measure_notebook(notebook) for _ in range(args.runs)]
        attribution = None if args.no_attribute else measure_notebook(notebook, attribute=True)
        rows[notebook.stem] = summarise(notebook.stem, runs, attribution)
        if notebook != BASELINE and not args.no_workshop:
            with tempfile.TemporaryDirectory(prefix="pcn-memory-") as folder:
                link = workshop_link(Path(folder))
                room_runs = [measure_notebook(notebook, extra=link) for _ in range(args.runs)]
            rows[notebook.stem]["workshop"] = summarise(notebook.stem, room_runs, None)
    baseline = rows.pop(BASELINE.stem)
    doc = results_document(rows, baseline, taken_at, load_before, list(os.getloadavg()))
    doc["datasets_checked_before"] = prechecked
    doc["chart_designs_file"] = designs
    print(table(baseline, rows))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
