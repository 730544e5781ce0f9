"""A real room can join: forty laptops opening one app on one workshop server at once.

Usage: ``python benchmarks/bench_room.py [--participants 40] [--window 10]
[--notebook notebooks/02_autonomy_paradox.ipynb] [--moves 10] [--soak 300] [--seed 1] [--no-assets] [--renice-refills] [--quick]``

Method. The participants are ``room_clients.Participant`` objects: websocket clients in this
process (asyncio + tornado), each with its own cookie jar, that send the server exactly what a
Voila page sends (the page, its static files, the kernel check, the kernel websocket in the v1
protocol, ipywidgets 8's ``request_states``; see that module). Forty headless Chromiums would not
fit on the 2-core machines we measure on: they would measure the browsers, not the server. One
Chromium page load is recorded first to learn which static files a page fetches (and how many).

1. One server, preheated, in room mode when ``serve`` has ``--room`` (token, limits), on
   127.0.0.1, with a pool of ``--participants`` kernels for the target notebook (0 for the others)
   and ``--max-kernels`` above the room size.
2. Time to interactive (TTI) alone: 5 runs of one participant, each after the pool has refilled
   and the server is quiet. The median is the baseline every burst figure is compared with.
3. Slider round trip alone: one participant, ``--moves`` moves x 3 (0.2 s apart); from sending the
   update to the kernel's ``idle`` after it (the kernel ran the callbacks and sent the results).
4. Burst: every participant opens the app at a seeded random moment within ``--window`` seconds.
   TTI of each, failures (any refusal, error or timeout), the server's memory (server + kernels:
   RSS sum every 0.5 s, USS and PSS sums every 2 s), each participant's kernel RSS. Then everyone
   moves their slider ``--moves`` times at once (0.1-0.5 s random pauses): right away, while the
   pool refills ("load"), and again once the server has settled ("settled").
5. TCP_NODELAY A/B: two small servers, one with ``PCN_WORKBOOK_NODELAY=0``, slider round trips
   from one participant each, in alternating blocks so drift hits both alike.
6. Soak: ``--soak`` page opens and closes (4 browsers reloading the light ``benchmarks/`` baseline
   app, each open followed by the page's unload beacon), then: are kernels left beyond the pool,
   did every request get an answer?

Clients and server share the machine's cores. The participants' process runs at a higher CPU
priority (nice -10, when allowed) so that it does not queue behind the server's kernel starts, as
laptops of their own would not; its CPU use is reported. Absolute figures are still pessimistic
(no HTTP keep-alive, every file fetched on a cold cache unless ``--no-assets``); ratios to the
single-user baseline taken in the same run are the figures to compare. Each open also records
how long each step took (page, assets, kernel check, websocket, kernel_info, states), so a slow
or failed open says where it waited. Prints a table and writes
``benchmarks/results/room.json`` (``room-quick.json`` with ``--quick``) in the app benchmark's
shape (``taken_at``, ``machine``, ``versions``, ``baseline``: the one-participant figures), then
``clients``: one row per room size with its ratios to that baseline (see ``results_document``).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import secrets
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import bench_machine
import psutil
from bench_apps import percentile
from room_clients import OPEN_STAGES, Participant
from voila_browser import REPO, VoilaServer

RESULTS = REPO / "benchmarks" / "results"
SOAK_FOLDER = REPO / "benchmarks"  # the light baseline app (fast kernels); reference/ gets no pool
SOAK_NOTEBOOK = "baseline.ipynb"
SOAK_BROWSERS = 4
SOAK_POOL = 4
# The slider each app is moved by (the class its module adds to the widget).
SLIDER_CLASSES = {
    "baseline.ipynb": "pcn-baseline-slider",
    "02_autonomy_paradox.ipynb": "pcn-tolerance",
    "03_scale_choices.ipynb": "pcn-band",
}
BASELINE_RUNS = 5
IDLE_ROUNDS = 3
IDLE_PAUSE_S = 0.2
AB_BLOCKS = 4  # NODELAY on/off blocks each, alternating
TIMEOUT_S = 120  # any one step of a participant
UNANSWERED = ("timed out", "no answer", "websocket closed")


def spread(values: list[float]) -> dict:
    return {"p50": percentile(values, 0.5), "p95": percentile(values, 0.95), "n": len(values)}


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def favour_clients() -> str:
    """Run this process (all simulated participants) at a higher CPU priority than the server.

    In a real room each participant has a laptop of their own; here they share two cores with a
    server that, during a burst, runs dozens of kernel starts. Without priority the clients
    would queue behind those and their own waiting would be counted as the server's. They
    use little CPU (reported as client_cpu_s), so this takes little from the server."""
    try:
        psutil.Process().nice(-10)
    except (psutil.AccessDenied, PermissionError):
        return "normal priority (raising it needs root): client delays may count as the server's"
    return "nice -10 (ahead of the server and kernels, as if on laptops of their own)"


# --- servers -------------------------------------------------------------------------------------

@dataclass
class Room:
    """A started server, the notebook the room opens and how to get in."""

    server: VoilaServer
    notebook: str
    pool: int  # ready kernels kept for the notebook
    token: str | None

    def participant(self, **kwargs) -> Participant:
        return Participant(self.server.url, self.notebook, self.token, timeout=TIMEOUT_S, **kwargs)

    def settle(self) -> str | None:
        """Wait until the notebook's pool is full again and the server is quiet; a note if not."""
        try:
            self.server.wait_for_pool(self.notebook, timeout=900)
            kernels = len(self.server.processes())
            # idle kernels still tick (heartbeats): allow a little per process
            self.server.wait_until_quiet(cpu_percent=5 + 0.2 * kernels, timeout=300)
        except RuntimeError as error:
            return str(error).splitlines()[0]
        return None


def start_room(folder: Path, notebook: str, pool: int, max_kernels: int, log_path: Path,
               env: dict[str, str] | None = None) -> Room:
    """Start a preheated room server (token, limits, ``pool`` ready kernels for ``notebook`` and
    none for the others) and return it once that pool is full and the server is quiet."""
    token = secrets.token_urlsafe(18)
    env = {**(env or {}), "PCN_WORKBOOK_TOKEN": token}
    extra = ("--room", "--host", "127.0.0.1", "--max-kernels", str(max_kernels),
             "--pool", "0", "--pool", f"{notebook}={pool}")
    server = VoilaServer(folder, preheat=True, log_path=log_path, extra_args=extra, env=env)
    try:
        server.wait_until_answering(timeout=120)
        room = Room(server, notebook, pool, token)
        note = room.settle()
        if note:
            print(f"  ! {log_path.stem}: {note}")
    except BaseException:
        server.stop()
        raise
    return room


class ServerSampler(threading.Thread):
    """The server and all its kernels, every 0.5 s: kernel processes, RSS sum, and the CPU share of
    the server process itself (its event loop serves every page, file and websocket). USS and PSS
    sums (pages only that process holds / its share of shared pages; RSS counts shared pages in
    every kernel) every 2 s, as reading them costs more. Keeps peaks and a timeline.

    ``renice_new`` (an experiment, ``--renice-refills``): give every kernel started after the
    sampler (the pool's refills, when every page got a ready kernel) nice 10, to see what the room
    would gain if the server started refills at a low priority. Linux sets it on the kernel's main
    thread, which does the imports and runs the notebook."""

    def __init__(self, server: VoilaServer, renice_new: bool = False):
        super().__init__(daemon=True)
        self.server = server
        self.renice_new = renice_new
        self.reniced = 0
        self._known = {proc.pid for proc in server.processes()}
        self.peak = {"rss": 0, "uss": 0, "pss": 0, "kernels": 0}
        self.timeline: list[dict] = []  # {"t": s, "kernels": n, "rss_mb": MB, "server_cpu": %}
        self.full_info = True
        self._done = threading.Event()

    def run(self) -> None:
        started, tick = time.monotonic(), 0
        main = psutil.Process(self.server.process.pid)
        main.cpu_percent(None)
        self.server_cpu_start = sum(main.cpu_times()[:2])
        while not self._done.wait(0.5):
            procs = self.server.processes()
            rss = 0
            for proc in procs:
                try:
                    rss += proc.memory_info().rss
                except psutil.Error:
                    continue
            self.peak["rss"] = max(self.peak["rss"], rss)
            self.peak["kernels"] = max(self.peak["kernels"], len(procs) - 1)
            if self.renice_new:
                self._renice([p for p in procs if p.pid not in self._known])
            if self.full_info and tick % 4 == 0:
                try:
                    infos = [p.memory_full_info() for p in procs]
                    self.peak["uss"] = max(self.peak["uss"], sum(i.uss for i in infos))
                    self.peak["pss"] = max(self.peak["pss"], sum(getattr(i, "pss", 0) for i in infos))
                except psutil.AccessDenied:
                    self.full_info = False
                except psutil.Error:
                    pass  # a kernel exited between listing and reading: next sample
            try:
                cpu = main.cpu_percent(None)
                self.server_cpu_s = sum(main.cpu_times()[:2]) - self.server_cpu_start
            except psutil.Error:
                cpu = None
            self.timeline.append({"t": round(time.monotonic() - started, 1), "kernels": len(procs) - 1,
                                  "rss_mb": round(rss / 2**20), "server_cpu": cpu})
            tick += 1

    def _renice(self, new: list[psutil.Process]) -> None:
        for proc in new:
            try:
                proc.nice(10)
                self.reniced += 1
            except psutil.Error:
                pass
            self._known.add(proc.pid)

    def stop(self) -> dict:
        self._done.set()
        self.join(timeout=10)

        def mb(key: str) -> float | None:
            unread = not self.peak[key] or (key != "rss" and not self.full_info)
            return None if unread else self.peak[key] / 2**20

        return {"rss_mb": mb("rss"), "uss_mb": mb("uss"), "pss_mb": mb("pss"),
                "kernels": self.peak["kernels"], "server_cpu_s": getattr(self, "server_cpu_s", None),
                "reniced": self.reniced,
                "timeline": self.timeline}


def record_assets(room: Room) -> tuple[tuple[str, ...], str]:
    """The static files one real page load fetches (scripts, styles, fonts, images), recorded
    with headless Chromium; the page's kernel is shut down afterwards as its unload would."""
    try:
        from playwright.sync_api import sync_playwright
        from voila_browser import launch_chromium

        url = room.server.url + f"voila/render/{room.notebook}"
        if room.token:
            url += f"?token={room.token}"
        fetched: list[str] = []
        kinds = {"script", "stylesheet", "font", "image"}
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page()
            page.on("request", lambda r: fetched.append(r.url)
                    if r.method == "GET" and r.resource_type in kinds else None)
            page.goto(url, wait_until="networkidle", timeout=TIMEOUT_S * 1000)
            page.wait_for_timeout(1000)
            kernel_id = page.evaluate(
                "JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
            page.evaluate("id => fetch(`/voila/api/shutdown/${id}`, {method: 'POST'})", kernel_id)
            browser.close()
    except Exception as error:  # noqa: BLE001 - the benchmark still runs, without static files
        return (), f"not fetched: recording with Chromium failed ({type(error).__name__}: {error})"
    base = room.server.url
    paths = tuple(dict.fromkeys(u[len(base):] for u in fetched
                                if u.startswith(base) and "/api/" not in u))
    return paths, f"{len(paths)} static files, recorded from one Chromium page load"


# --- measurements --------------------------------------------------------------------------------

def stage_times(people: list[Participant]) -> dict:
    """How long each step of opening took (p50/p95 over the pages that opened), in seconds."""
    steps: dict[str, list[float]] = {stage: [] for stage in OPEN_STAGES}
    for person in people:
        if person.tti is None:
            continue
        previous = 0.0
        for stage in OPEN_STAGES:
            steps[stage].append(person.stages[stage] - previous)
            previous = person.stages[stage]
    return {stage: spread(values) for stage, values in steps.items()}


async def single_user_tti(room: Room, assets: tuple[str, ...]) -> dict:
    tti, errors, preheated, people = [], [], 0, []
    for run in range(BASELINE_RUNS):
        note = await asyncio.to_thread(room.settle)
        if note:
            errors.append(f"run {run}: {note}")
        person = room.participant(assets=assets)
        people.append(person)
        if await person.open():
            tti.append(person.tti)
            preheated += room.server.served_preheated(person.kernel_id)
            print(f"  alone run {run + 1}/{BASELINE_RUNS}: {person.tti:.2f} s")
        await person.close()
        errors += person.errors
    return {"tti_s": tti, "median_s": statistics.median(tti) if tti else None,
            "preheated": preheated, "errors": errors, "steps_s": stage_times(people)}


async def move_many(person: Participant, slider_class: str, moves: int, pause) -> list[float]:
    """``moves`` slider moves, one step each, ``pause()`` seconds apart; round trips in ms."""
    slider = person.slider(slider_class)
    if slider is None:
        person.errors.append(f"move: no slider with class {slider_class!r} in the widget states")
        return []
    times, direction = [], 1
    for _ in range(moves):
        value, direction = slider.next_value(direction)
        seconds = await person.move_slider(slider, value)
        if seconds is not None:
            times.append(seconds * 1000)
        await asyncio.sleep(pause())
    return times


async def idle_slider(room: Room, slider_class: str, moves: int) -> dict:
    await asyncio.to_thread(room.settle)
    person = room.participant()
    times: list[float] = []
    if await person.open():
        for _ in range(IDLE_ROUNDS):
            times += await move_many(person, slider_class, moves, lambda: IDLE_PAUSE_S)
            await asyncio.sleep(1)
    await person.close()
    return {"ms": times, **spread(times), "errors": person.errors}


async def everyone_moves(people: list[Participant], slider_class: str, moves: int,
                         rng: random.Random) -> list[float]:
    pauses = [random.Random(rng.random()) for _ in people]  # each participant's own rhythm
    runs = await asyncio.gather(*(
        move_many(p, slider_class, moves, lambda r=r: r.uniform(0.1, 0.5))
        for p, r in zip(people, pauses)))
    return [t for run in runs for t in run]


async def burst(room: Room, assets: tuple[str, ...], args, rng: random.Random) -> dict:
    people = [room.participant(assets=assets) for _ in range(args.participants)]
    offsets = [rng.uniform(0, args.window) for _ in people]

    async def join(person: Participant, offset: float) -> None:
        await asyncio.sleep(offset)
        await person.open()

    sampler = ServerSampler(room.server, renice_new=args.renice_refills)
    sampler.start()
    started, client_cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(join(p, o) for p, o in zip(people, offsets)))
    joined_s = time.perf_counter() - started
    inside = [p for p in people if p.tti is not None]
    print(f"  burst: {len(inside)}/{len(people)} interactive within {joined_s:.1f} s")
    kernel_rss = [room.server.kernel_rss(p.kernel_id) for p in inside]
    kernel_rss_mb = [r / 2**20 for r in kernel_rss if r]
    preheated = sum(room.server.served_preheated(p.kernel_id) for p in inside)
    slider_class = args.slider_class

    load = await everyone_moves(inside, slider_class, args.moves, rng)
    print(f"  burst: {len(load)} slider moves under load")
    settle_note = await asyncio.to_thread(room.settle)
    settled = await everyone_moves(inside, slider_class, args.moves, rng)
    print(f"  burst: {len(settled)} slider moves once settled")
    server = sampler.stop()
    client_cpu = time.process_time() - client_cpu
    await asyncio.gather(*(p.close() for p in inside))

    return {
        "tti_s": [p.tti for p in inside],
        "tti": spread([p.tti for p in inside]),
        "steps_s": stage_times(people),  # where the time to interactive went
        "all_interactive_after_s": joined_s,
        "preheated": preheated,
        "failures": sum(bool(p.errors) for p in people),
        "errors": [f"participant {i}: {e}" for i, p in enumerate(people) for e in p.errors],
        "server": server,  # peaks and timeline, first join to last move
        "kernel_rss_mb": kernel_rss_mb,
        "states_kb": statistics.median(p.states_bytes for p in inside) / 1024 if inside else None,
        "slider_load_ms": load,
        "slider_load": spread(load),
        "slider_settled_ms": settled,
        "slider_settled": spread(settled),
        "settle_note": settle_note,
        "client_cpu_s": client_cpu,  # this process (all participants) from the first join to the
        # last move: CPU the server did not get
    }


async def nodelay_ab(rooms: dict[str, Room], slider_class: str, moves: int) -> dict:
    """Slider round trips on the NODELAY "on" and "off" servers, in alternating blocks; with the
    browser's v1 protocol (the figures that count) and, for comparison, the legacy JSON one."""
    people = {(mode, protocol): room.participant(protocol=protocol)
              for protocol in ("v1", "legacy") for mode, room in rooms.items()}
    times: dict[tuple[str, str], list[float]] = {key: [] for key in people}
    for person in people.values():
        await person.open()
    for block in range(AB_BLOCKS):
        order = list(people) if block % 2 == 0 else list(reversed(people))
        for key in order:
            if people[key].tti is not None:
                times[key] += await move_many(people[key], slider_class, moves, lambda: IDLE_PAUSE_S)
    for person in people.values():
        await person.close()
    errors = [f"{mode} {protocol}: {e}" for (mode, protocol), p in people.items() for e in p.errors]
    result = {mode: {"ms": times[mode, "v1"], **spread(times[mode, "v1"])} for mode in rooms}
    result["legacy"] = {mode: {"ms": times[mode, "legacy"], **spread(times[mode, "legacy"])}
                        for mode in rooms}
    return result | {"errors": errors}


async def soak(room: Room, opens: int) -> dict:
    """``opens`` page loads by ``SOAK_BROWSERS`` browsers, each reloading (same cookie jar)."""
    started = 0
    results: list[list[str]] = []
    tti: list[float] = []

    async def browser() -> None:
        nonlocal started
        jar: dict[str, str] = {}
        while started < opens:
            started += 1
            tab = room.participant(cookies=jar)
            if await tab.open():
                tti.append(tab.tti)
            await tab.close()
            results.append(tab.errors)

    t0 = time.perf_counter()
    await asyncio.gather(*(browser() for _ in range(SOAK_BROWSERS)))
    seconds = time.perf_counter() - t0
    errors = [e for tab in results for e in tab]
    return {"opens": len(results), "seconds": seconds, "tti_s": spread(tti),
            "failures": sum(bool(tab) for tab in results),
            "unanswered": sum(any(u in e for u in UNANSWERED) for e in errors),
            "errors": errors}


def kernels_after_soak(room: Room, wait_s: float = 60) -> dict:
    """Wait up to ``wait_s`` for the kernel count to come down to the pool; what is left."""
    deadline = time.monotonic() + wait_s
    while (kernels := len(room.server.kernels())) > room.pool and time.monotonic() < deadline:
        time.sleep(1)
    status = None
    if room.token:  # the facilitator's numbers (room mode)
        person_cookie = f"pcn_room={room.token}"
        try:
            import urllib.request

            request = urllib.request.Request(room.server.url + "room/status.json",
                                             headers={"Cookie": person_cookie})
            with urllib.request.urlopen(request, timeout=10) as response:
                status = json.load(response)
        except Exception as error:  # noqa: BLE001
            status = {"error": f"{type(error).__name__}: {error}"}
    return {"kernel_processes": kernels, "pool": room.pool,
            "kernels_left_behind": max(0, kernels - room.pool), "room_status": status}


# --- report --------------------------------------------------------------------------------------

def fmt(value, unit: str = "", digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}{unit}"


def to_ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


def results_document(*, participants: int, alone: dict, idle: dict, crowd: dict, nodelay: dict,
                     soaked: dict, taken_at: str, machine: dict, versions: dict, settings: dict,
                     method: str) -> dict:
    """``room.json``: the same top level as the app benchmark's ``latest.json`` (``taken_at``,
    ``machine``, ``versions``, ``baseline``), then one row per number of clients, each figure with
    its ratio to the one-participant baseline measured on the same server in the same run."""
    base = {
        "clients": 1,
        "tti_preheated_ms": to_ms(alone["median_s"]),  # median of BASELINE_RUNS page opens
        "tti_runs": len(alone["tti_s"]),
        "slider_p50_ms": idle["p50"],
        "slider_p95_ms": idle["p95"],
        "slider_moves": idle["n"],
    }
    tti, server = crowd["tti"], crowd["server"]
    row = {
        "clients": participants,
        "tti_p50_ms": to_ms(tti["p50"]),
        "tti_p50_ratio": ratio(to_ms(tti["p50"]), base["tti_preheated_ms"]),
        "tti_p95_ms": to_ms(tti["p95"]),
        "tti_p95_ratio": ratio(to_ms(tti["p95"]), base["tti_preheated_ms"]),
        "all_interactive_after_s": crowd["all_interactive_after_s"],
        "failures": crowd["failures"],
        "preheated": crowd["preheated"],  # pages given a ready kernel
        "slider_p50_ms": crowd["slider_load"]["p50"],  # everyone moving while the pool refills
        "slider_p95_ms": crowd["slider_load"]["p95"],
        "slider_p95_ratio": ratio(crowd["slider_load"]["p95"], base["slider_p95_ms"]),
        "slider_settled_p50_ms": crowd["slider_settled"]["p50"],  # everyone moving, pool full
        "slider_settled_p95_ms": crowd["slider_settled"]["p95"],
        "slider_settled_p95_ratio": ratio(crowd["slider_settled"]["p95"], base["slider_p95_ms"]),
        "kernel_rss_mb": (statistics.median(crowd["kernel_rss_mb"]) if crowd["kernel_rss_mb"]
                          else None),
        "peak_kernels": server["kernels"],
        "peak_rss_mb": server["rss_mb"],  # server + kernels, summed
        "peak_uss_mb": server["uss_mb"],
        "peak_pss_mb": server["pss_mb"],
        "states_kb": crowd["states_kb"],
        "client_cpu_s": crowd["client_cpu_s"],
        "server_cpu_s": server["server_cpu_s"],
    }
    return {
        "taken_at": taken_at,
        "method": method,
        "machine": machine,
        "versions": versions,
        "baseline": base,
        "clients": {str(participants): row},
        "nodelay": {mode: {"p50_ms": nodelay[mode]["p50"], "p95_ms": nodelay[mode]["p95"]}
                    for mode in ("on", "off")} | {
            "off_p95_ratio": ratio(nodelay["off"]["p95"], nodelay["on"]["p95"]),
            "legacy_protocol": {mode: {"p50_ms": nodelay["legacy"][mode]["p50"],
                                       "p95_ms": nodelay["legacy"][mode]["p95"]}
                                for mode in ("on", "off")}},
        "soak": {key: soaked[key] for key in
                 ("opens", "failures", "unanswered", "kernels_left_behind", "seconds", "tti_s",
                  "kernel_processes", "pool", "room_status", "server_answering")},
        "settings": settings,
        "details": {"alone": alone, "idle_slider": idle, "burst": crowd, "nodelay": nodelay,
                    "soak_errors": soaked["errors"]},
    }


def table(r: dict) -> str:
    """The figures of the results document ``r`` (see ``results_document``), one row per client
    count, with the ratio to the one-participant baseline."""
    base = r["baseline"]
    rows = [
        (f"TTI alone, preheated (median of {base['tti_runs']})",
         fmt(base["tti_preheated_ms"], " ms", 0), "1.00x"),
        ("slider alone p50 / p95", f"{fmt(base['slider_p50_ms'], '', 1)} / "
                                   f"{fmt(base['slider_p95_ms'], ' ms', 1)}", "1.00x"),
    ]
    for count, c in r["clients"].items():
        rows += [
            (f"{count} clients: TTI p50", fmt(c["tti_p50_ms"], " ms", 0), fmt(c["tti_p50_ratio"], "x")),
            (f"{count} clients: TTI p95", fmt(c["tti_p95_ms"], " ms", 0), fmt(c["tti_p95_ratio"], "x")),
            (f"{count} clients: all interactive after (from first start)",
             fmt(c["all_interactive_after_s"], " s"), ""),
            (f"{count} clients: failed", f"{c['failures']} of {count}", ""),
            (f"{count} clients: pages given a ready kernel", f"{c['preheated']} of {count}", ""),
            (f"{count} clients: kernel processes at the peak", str(c["peak_kernels"]), ""),
            (f"{count} clients: server + kernels peak RSS sum", fmt(c["peak_rss_mb"], " MB", 0), ""),
            (f"{count} clients: server + kernels peak USS / PSS sum",
             f"{fmt(c['peak_uss_mb'], '', 0)} / {fmt(c['peak_pss_mb'], ' MB', 0)}", ""),
            (f"{count} clients: kernel RSS (median)", fmt(c["kernel_rss_mb"], " MB", 0), ""),
            (f"{count} clients: widget states on the wire (median)", fmt(c["states_kb"], " kB", 0), ""),
            (f"{count} clients: CPU used by the simulated participants",
             fmt(c["client_cpu_s"], " s", 1), ""),
            (f"{count} clients: CPU used by the server process (event loop)",
             fmt(c["server_cpu_s"], " s", 1), ""),
            (f"{count} clients: slider, all moving, pool refilling p50 / p95",
             f"{fmt(c['slider_p50_ms'], '', 1)} / {fmt(c['slider_p95_ms'], ' ms', 1)}",
             fmt(c["slider_p95_ratio"], "x")),
            (f"{count} clients: slider, all moving, settled p50 / p95",
             f"{fmt(c['slider_settled_p50_ms'], '', 1)} / {fmt(c['slider_settled_p95_ms'], ' ms', 1)}",
             fmt(c["slider_settled_p95_ratio"], "x")),
        ]
    nodelay = r["nodelay"]
    rows += [
        ("slider, TCP_NODELAY on p50 / p95",
         f"{fmt(nodelay['on']['p50_ms'], '', 1)} / {fmt(nodelay['on']['p95_ms'], ' ms', 1)}", ""),
        ("slider, TCP_NODELAY off p50 / p95",
         f"{fmt(nodelay['off']['p50_ms'], '', 1)} / {fmt(nodelay['off']['p95_ms'], ' ms', 1)}",
         fmt(nodelay["off_p95_ratio"], "x of on")),
        *((f"slider, legacy JSON protocol, NODELAY {mode} p50 / p95",
           f"{fmt(nodelay['legacy_protocol'][mode]['p50_ms'], '', 1)} / "
           f"{fmt(nodelay['legacy_protocol'][mode]['p95_ms'], ' ms', 1)}", "")
          for mode in ("on", "off")),
        ("soak: opens / failed / unanswered",
         f"{r['soak']['opens']} / {r['soak']['failures']} / {r['soak']['unanswered']}",
         fmt(r["soak"]["seconds"], " s", 0)),
        ("soak: TTI of a reload p50 / p95", f"{fmt(r['soak']['tti_s']['p50'])} / "
                                            f"{fmt(r['soak']['tti_s']['p95'], ' s')}", ""),
        ("soak: kernels left beyond the pool", str(r["soak"]["kernels_left_behind"]), ""),
    ]
    width = max(len(name) for name, _, _ in rows) + 2
    lines = [f"{'figure':<{width}}{'value':>20}  vs alone"]
    lines += [f"{name:<{width}}{value:>20}  {versus}" for name, value, versus in rows]
    b = r["details"]["burst"]
    steps = ", ".join(f"{stage} {fmt(b['steps_s'][stage]['p50'])}/{fmt(b['steps_s'][stage]['p95'])}"
                      for stage in OPEN_STAGES)
    lines.append(f"burst TTI by step, p50/p95 s: {steps}")
    m = r["machine"]
    lines.append(f"machine: {m['cores']} cores ({m['cpu']}), {m['memory_gb']:.0f} GB, load average "
                 f"(1 min) {m['load_before'][0]:.2f} before / {m['load_after'][0]:.2f} after;"
                 f" {r['settings']['server']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=40)
    parser.add_argument("--window", type=float, default=10, help="seconds over which they join")
    parser.add_argument("--notebook", type=Path, default=REPO / "notebooks" / "02_autonomy_paradox.ipynb")
    parser.add_argument("--slider-class", help="the slider's class (default: known per notebook)")
    parser.add_argument("--moves", type=int, default=10, help="slider moves per participant")
    parser.add_argument("--soak", type=int, default=300, help="page opens and closes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="5 participants, soak 20 (a try-out)")
    parser.add_argument("--no-assets", action="store_true",
                        help="do not fetch the page's static files (as from a warm browser cache)")
    parser.add_argument("--renice-refills", action="store_true",
                        help="experiment: kernels started during the burst (refills) at nice 10")
    parser.add_argument("--out", type=Path, help="results file (default benchmarks/results/room.json)")
    args = parser.parse_args(argv)
    if args.quick:
        args.participants, args.soak = 5, 20
    notebook = args.notebook.resolve()
    if not notebook.is_file():
        parser.error(f"notebook not found: {args.notebook}")
    args.slider_class = args.slider_class or SLIDER_CLASSES.get(notebook.name)
    if not args.slider_class:
        parser.error(f"say which slider to move in {notebook.name} with --slider-class")
    if args.participants < 1 or args.moves < 1 or args.soak < 0:
        parser.error("--participants and --moves must be at least 1, --soak at least 0")
    out = args.out or RESULTS / ("room-quick.json" if args.quick else "room.json")

    max_kernels = args.participants + 10
    server_note = (f"room mode (token, --max-kernels {max_kernels}, pool {args.participants} for "
                   f"{notebook.name}, 0 for the others)")
    if args.renice_refills:
        server_note += "; EXPERIMENT: kernels started during the burst run at nice 10"
    print(f"Room benchmark: {args.participants} participants, {notebook.name}; {server_note}")
    rng = random.Random(args.seed)
    priority = favour_clients()
    print(f"  participants' process: {priority}")
    load_before = bench_machine.load_average()
    started = dt.datetime.now().astimezone()
    logs = Path(tempfile.mkdtemp(prefix="pcn-room-bench-"))
    print(f"server logs in {logs}")

    main_room = start_room(notebook.parent, notebook.name, args.participants, max_kernels,
                           logs / "main.log")
    try:
        assets, assets_note = ((), "not fetched (--no-assets)") if args.no_assets else (
            record_assets(main_room))
        print(f"  page assets: {assets_note}")
        alone = asyncio.run(single_user_tti(main_room, assets))
        idle = asyncio.run(idle_slider(main_room, args.slider_class, args.moves))
        print(f"  slider alone: p50 {fmt(idle['p50'], ' ms', 1)}, p95 {fmt(idle['p95'], ' ms', 1)}")
        note = main_room.settle()
        if note:
            print(f"  ! before the burst: {note}")
        crowd = asyncio.run(burst(main_room, assets, args, rng))
    finally:
        main_room.server.stop()

    print("TCP_NODELAY A/B")
    ab_rooms = {}
    try:
        for mode, env in (("on", {}), ("off", {"PCN_WORKBOOK_NODELAY": "0"})):
            ab_rooms[mode] = start_room(notebook.parent, notebook.name, 2, 4,
                                        logs / f"nodelay-{mode}.log", env)
        nodelay = asyncio.run(nodelay_ab(ab_rooms, args.slider_class, args.moves))
    finally:
        for room in ab_rooms.values():
            room.server.stop()
    for mode in ("on", "off"):
        print(f"  NODELAY {mode}: p50 {fmt(nodelay[mode]['p50'], ' ms', 1)}, "
              f"p95 {fmt(nodelay[mode]['p95'], ' ms', 1)}; legacy protocol: p50 "
              f"{fmt(nodelay['legacy'][mode]['p50'], ' ms', 1)}, "
              f"p95 {fmt(nodelay['legacy'][mode]['p95'], ' ms', 1)}")

    print(f"Soak: {args.soak} opens and closes of {SOAK_NOTEBOOK}, {SOAK_BROWSERS} browsers")
    soak_room = start_room(SOAK_FOLDER, SOAK_NOTEBOOK, SOAK_POOL, SOAK_BROWSERS * 2,
                           logs / "soak.log")
    try:
        soaked = asyncio.run(soak(soak_room, args.soak))
        soaked |= kernels_after_soak(soak_room)
        soaked["server_answering"] = soak_room.server.process.poll() is None
    finally:
        soak_room.server.stop()

    settings = {
        "participants": args.participants, "window_s": args.window,
        "notebook": str(notebook.relative_to(REPO)), "slider_class": args.slider_class,
        "moves": args.moves, "soak": args.soak, "seed": args.seed, "quick": args.quick,
        "server": server_note, "max_kernels": max_kernels,
        "page_assets": assets_note, "soak_notebook": f"benchmarks/{SOAK_NOTEBOOK}",
        "soak_browsers": SOAK_BROWSERS, "step_timeout_s": TIMEOUT_S,
        "participants_priority": priority,
        "renice_refills": args.renice_refills,
        "logs": str(logs),
    }
    method = (
        "Participants are websocket clients in one asyncio process (tornado), one cookie jar "
        "each, sending what a Voila 0.5 / ipywidgets 8 page sends: the page (token redirect "
        "followed by hand), the page's static files (list recorded from one real Chromium "
        "page load, fetched 6 at a time), GET /api/kernels/<id>, the kernel websocket in the "
        "v1.kernel.websocket.jupyter.org protocol (binary frames, what JupyterLab's services "
        "library asks for), kernel_info_request, then comm_open on jupyter.widget.control and "
        "request_states. TTI runs from the page request to the update_states reply (browser "
        "drawing time not included). A slider move is a comm_msg update of the slider's value; "
        "its round trip ends at the kernel's idle status for that message. Page close is the "
        "unload beacon POST /voila/api/shutdown/<id>. Not 40 headless Chromiums: on a 2-core "
        "machine they would measure the browsers, not the server. Clients share the cores "
        "with the server (their process at nice -10 when allowed, so they do not queue behind "
        "kernel starts as separate laptops would not), so ratios to the single-user figures of the same run matter more "
        "than absolute values."
    )
    record = results_document(
        participants=args.participants, alone=alone, idle=idle, crowd=crowd, nodelay=nodelay,
        soaked=soaked, taken_at=started.isoformat(timespec="seconds"),
        machine=bench_machine.machine(load_before, bench_machine.load_average()),
        versions=bench_machine.versions(), settings=settings, method=method,
    )
    print()
    print(table(record))
    for line in crowd["errors"][:20] + alone["errors"] + nodelay["errors"] + soaked["errors"][:20]:
        print(f"! {line}")
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(record, indent=2))
    print(f"wrote {out.relative_to(REPO) if out.is_relative_to(REPO) else out}")
    return 1 if crowd["failures"] or soaked["failures"] or soaked["kernels_left_behind"] else 0


if __name__ == "__main__":
    sys.exit(main())
