"""Forty participants press "send" at once, through real kernels, into one workshop store.

Usage: ``python benchmarks/bench_workshop.py [--participants 40] [--idle-sends 20] [--rounds 3]
[--gap 2.5] [--repeats 20] [--no-preheat] [--quick]``

Method. One server (``pcn-workbook serve`` through ``voila_browser.VoilaServer``, on 127.0.0.1,
not in room mode) with ``PCN_WORKBOOK_DB`` pointing at a fresh SQLite file, and a workshop made
in that file with the store API. Preheated by default: a pool of ``--participants`` kernels for
``03_scale_choices.ipynb`` (0 for the other notebooks), filled before anyone opens a page;
``--no-preheat`` starts a kernel per page instead. The time the pool took to fill is recorded.

Each participant is a ``room_clients.Participant`` (a websocket client in this process, the
v1 kernel protocol, ipywidgets 8's ``request_states``) that opens
``voila/render/03_scale_choices.ipynb?workshop=CODE``: a real page with its own kernel. In the
widget states it finds the name box (``pcn-room-name``), the back-office dropdown
(``pcn-match-back_office``), the send button (``pcn-send-scale-placement``) and the status line
(``pcn-room-status``). It types a name and picks a tier with comm ``update`` messages (what the
page's widget manager sends), then presses send with the comm ``custom`` message
``{"event": "click"}`` that ipywidgets' button view sends. **Acknowledgement time** runs from
sending the click to the arrival, on the websocket, of the status line's ``update`` that the click
caused (its parent is the click); it counts as acknowledged when that text says "Sent at". The
kernel has then validated the answer, joined the participant and written the row to the store.
Each click picks the next tier (community, locality, borough, ...), so every row says which
click it came from.

1. Idle: ``--idle-sends`` sends, one participant at a time (participant 1, 2, ... in turn),
   ``--gap`` seconds apart; nothing else is happening.
2. Load: ``--rounds`` rounds in which every participant presses send at the same moment
   (``asyncio.gather`` of the clicks, after each has picked its tier); rounds ``--gap`` seconds
   apart (the kernel refuses a send within 2 s of the previous one).
3. Exactly once: every acknowledged click is exactly one row in the store and no row is left
   without an acknowledgement: ``store.export_rows`` count, ids and the rows' uids (unique),
   each participant's rows in id order against their acknowledged clicks' tiers. Any click
   left unanswered (the kernel went idle without updating the status, or nothing came back) or
   refused ("Not sent") fails the run.
4. Facilitator poll, in this process on the same SQLite file: ``store.revision(code)`` (what a
   facilitator's screen polls every few seconds) and ``dashboard.snapshot(store, code, view)``
   for "projector" and "control", warm (the revision has not moved: the cache answers) and cold
   (just after a new submission), median over ``--repeats``; the projector both with the
   question's result hidden (the default) and revealed (it then draws the room's charts).

The participants share the machine's cores with the server and its kernels (this process at
nice -10 when allowed, as in ``bench_room.py``). Another job may be using the CPU: load averages
before and after each phase, and the CPU seconds used by processes that are not this benchmark's,
are recorded. Prints a table and writes ``benchmarks/results/workshop.json``
(``workshop-quick.json`` with ``--quick``). Exit status 1 when a check fails.
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
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import bench_machine
import psutil
from bench_apps import percentile
from bench_room import favour_clients
from room_clients import OPEN_STAGES, Participant
from voila_browser import REPO, VoilaServer

RESULTS = REPO / "benchmarks" / "results"
NOTEBOOK = "03_scale_choices.ipynb"
CHAPTER = "03_scale_choices"
QUESTION = "scale.placement"
NAME_CLASS = "pcn-room-name"
DROPDOWN_CLASS = "pcn-match-back_office"
FUNCTION = "back_office"
BUTTON_CLASS = "pcn-send-scale-placement"
STATUS_CLASS = "pcn-room-status"
TIERS = ("community", "locality", "borough")  # data.scale_tiers() order: dropdown index 1, 2, 3
ACKNOWLEDGED = "Sent at"
TIMEOUT_S = 120  # any one step of a participant
OPEN_AT_ONCE = {True: 8, False: 4}  # pages opening at a time (preheated or not); not timed


# --- figures -------------------------------------------------------------------------------------

def spread(values: list[float]) -> dict:
    """p50 / p95 / max (nearest rank, as ``bench_apps.percentile``) in the values' unit."""
    return {"p50": percentile(values, 0.5), "p95": percentile(values, 0.95),
            "max": max(values) if values else None, "n": len(values)}


def fmt(value, unit: str = "", digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}{unit}"


class CpuWindow:
    """CPU seconds the whole machine used over a phase, and how many of them were ours (the
    server, its kernels and this process): the rest went to someone else's job."""

    def __init__(self, server: VoilaServer | None):
        self.server = server

    def _ours(self) -> float:
        procs = [psutil.Process()] + (self.server.processes() if self.server else [])
        total = 0.0
        for proc in procs:
            try:
                times = proc.cpu_times()
                total += times.user + times.system
            except psutil.Error:
                continue
        return total

    @staticmethod
    def _busy() -> float:
        times = psutil.cpu_times()
        return sum(times) - times.idle - getattr(times, "iowait", 0.0)

    def __enter__(self) -> CpuWindow:
        self.load_before = os.getloadavg()
        self.started = time.perf_counter()
        self.busy0, self.ours0 = self._busy(), self._ours()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.started
        busy, ours = self._busy() - self.busy0, self._ours() - self.ours0
        self.record = {
            "seconds": self.seconds,
            "load_average_before": self.load_before,
            "load_average_after": os.getloadavg(),
            "machine_cpu_s": busy,
            "our_cpu_s": ours,  # kernels that exited during the phase are not counted
            "others_cpu_s": max(0.0, busy - ours),
            "machine_busy_percent": 100 * busy / (self.seconds * (os.cpu_count() or 1)),
        }


# --- participants --------------------------------------------------------------------------------

@dataclass
class Person:
    """One participant's page and the widgets they use."""

    number: int
    client: Participant
    name: str
    ids: dict[str, str] = field(default_factory=dict)  # name/dropdown/button/status -> model id
    clicks: list[dict] = field(default_factory=list)  # every press, in order
    problems: list[str] = field(default_factory=list)

    @property
    def acknowledged(self) -> list[dict]:
        return [c for c in self.clicks if c["ok"]]

    def find_widgets(self) -> bool:
        wanted = {"name": (NAME_CLASS, "TextModel"), "dropdown": (DROPDOWN_CLASS, "DropdownModel"),
                  "button": (BUTTON_CLASS, "ButtonModel"), "status": (STATUS_CLASS, "HTMLModel")}
        for key, (dom_class, model) in wanted.items():
            found = self.client.widget(dom_class, model)
            if found is None:
                self.problems.append(f"no {model} with class {dom_class!r} in the widget states "
                                     "(is the workshop panel on the page?)")
                return False
            self.ids[key] = found
        labels = self.client.states[self.ids["dropdown"]]["state"].get("_options_labels", [])
        if len(labels) != len(TIERS) + 1:
            self.problems.append(f"the {FUNCTION} dropdown has options {labels!r}, not a prompt + {TIERS}")
            return False
        return True

    async def type_name(self) -> bool:
        ok = await self.client.set_state(self.ids["name"], {"value": self.name}) is not None
        if not ok:
            self.problems.append("could not set the name")
        return ok

    async def pick(self) -> str | None:
        """Pick the tier for this person's next click (community, locality, borough, ...)."""
        tier_index = len(self.clicks) % len(TIERS)
        if await self.client.set_state(self.ids["dropdown"], {"index": tier_index + 1}) is None:
            self.problems.append("could not set the dropdown")
            return None
        return TIERS[tier_index]

    async def send(self, scenario: str, round_: int, tier: str) -> dict:
        """Press send; the click's record (acknowledgement seconds, the status text)."""
        seconds, state = await self.client.press(self.ids["button"], self.ids["status"])
        text = (state or {}).get("value", "")
        click = {"scenario": scenario, "round": round_, "tier": tier, "ok": ACKNOWLEDGED in text,
                 "ack_s": seconds, "text": text, "at": time.time()}
        if seconds is None:
            click["text"] = "unanswered: " + (self.client.errors[-1] if self.client.errors
                                              else "the kernel went idle without updating the status")
        self.clicks.append(click)
        return click


async def open_people(server: VoilaServer, code: str, count: int, preheat: bool) -> tuple[list[Person], dict]:
    gate = asyncio.Semaphore(OPEN_AT_ONCE[preheat])
    people = [Person(i + 1, Participant(server.url, f"{NOTEBOOK}?workshop={code}", timeout=TIMEOUT_S),
                     f"Bench participant {i + 1:02d}") for i in range(count)]

    async def one(person: Person) -> None:
        async with gate:
            if not await person.client.open():
                return
        if person.find_widgets():
            await person.type_name()

    started = time.perf_counter()
    await asyncio.gather(*(one(p) for p in people))
    seconds = time.perf_counter() - started
    ready = [p for p in people if p.client.tti is not None and len(p.ids) == 4 and not p.problems]
    tti = [p.client.tti for p in people if p.client.tti is not None]
    steps = {stage: [] for stage in OPEN_STAGES}
    for p in people:
        if p.client.tti is None:
            continue
        previous = 0.0
        for stage in OPEN_STAGES:
            steps[stage].append(p.client.stages[stage] - previous)
            previous = p.client.stages[stage]
    preheated = sum(server.served_preheated(p.client.kernel_id) for p in people if p.client.kernel_id)
    return people, {"seconds": seconds, "ready": len(ready), "of": count, "preheated": preheated,
                    "tti_s": spread(tti), "steps_s": {s: spread(v) for s, v in steps.items()},
                    "open_at_once": OPEN_AT_ONCE[preheat]}


async def idle_scenario(people: list[Person], sends: int, gap: float) -> list[dict]:
    """One participant at a time, ``gap`` seconds between clicks, in turn."""
    clicks = []
    last = 0.0
    for s in range(sends):
        person = people[s % len(people)]
        tier = await person.pick()
        if tier is None:
            continue
        await asyncio.sleep(max(0.0, last + gap - time.monotonic()))
        last = time.monotonic()
        click = await person.send("idle", s, tier)
        clicks.append(click | {"participant": person.number})
        print(f"  idle send {s + 1}/{sends} (participant {person.number}): "
              f"{fmt(click['ack_s'] and click['ack_s'] * 1000, ' ms')} {'ok' if click['ok'] else click['text'][:80]}")
    return clicks


async def load_scenario(people: list[Person], rounds: int, gap: float) -> list[dict]:
    """Every participant presses send at the same moment, ``rounds`` times, ``gap`` s apart."""
    clicks = []
    for r in range(rounds):
        tiers = await asyncio.gather(*(p.pick() for p in people))  # not timed
        # every kernel refuses a second send within 2 s: keep ``gap`` since each one's last click
        latest = max((p.clicks[-1]["at"] for p in people if p.clicks), default=0.0)
        await asyncio.sleep(max(0.0, latest + gap - time.time()))
        started = time.perf_counter()
        sent = await asyncio.gather(*(p.send("load", r, t) for p, t in zip(people, tiers) if t is not None))
        wall = time.perf_counter() - started
        chosen = [p for p, t in zip(people, tiers) if t is not None]
        clicks += [c | {"participant": p.number} for p, c in zip(chosen, sent)]
        acked = [c["ack_s"] * 1000 for c in sent if c["ok"]]
        print(f"  load round {r + 1}/{rounds}: {sum(c['ok'] for c in sent)}/{len(people)} acknowledged "
              f"in {wall:.2f} s; p50 {fmt(percentile(acked, 0.5), ' ms')}, max {fmt(max(acked, default=None), ' ms')}")
    return clicks


# --- checks --------------------------------------------------------------------------------------

def stored_rows(store, code: str) -> list:
    """Every submission of the workshop with its uid (``export_rows`` leaves the uid out)."""
    from pcn_workbook.workshop.store import submissions_t

    wid = store.workshop(code).id
    return store._read(lambda conn: [store._submission(r) for r in conn.execute(
        store._submissions_query().where(submissions_t.c.workshop_id == wid))])


def exactly_once(store, code: str, people: list[Person]) -> dict:
    """Every acknowledged click is one row; every row is an acknowledged click; nothing unanswered."""
    exported = store.export_rows(code)
    rows = stored_rows(store, code)
    failures: list[str] = []
    clicks = [c for p in people for c in p.clicks]
    acked = [c for c in clicks if c["ok"]]
    unanswered = [c for c in clicks if c["ack_s"] is None]
    refused = [c for c in clicks if c["ack_s"] is not None and not c["ok"]]
    if unanswered:
        failures.append(f"{len(unanswered)} click(s) left unanswered, e.g. {unanswered[0]['text'][:160]}")
    if refused:
        failures.append(f"{len(refused)} click(s) answered without 'Sent at', e.g. {refused[0]['text'][:160]}")
    if len(exported) != len(acked):
        failures.append(f"export_rows has {len(exported)} rows for {len(acked)} acknowledged clicks")
    if [r["id"] for r in exported] != [r.id for r in rows]:
        failures.append("export_rows and the submissions table disagree on the row ids")
    uids = [r.uid for r in rows]
    if len(set(uids)) != len(uids):
        failures.append(f"{len(uids) - len(set(uids))} duplicate uid(s) in the store")
    by_name: dict[str, list] = {}
    for row in rows:
        by_name.setdefault(row.name, []).append(row)
    names = {p.name for p in people}
    strangers = sorted(set(by_name) - names)
    if strangers:
        failures.append(f"rows from unknown participants: {strangers[:5]}")
    mismatched = 0
    for p in people:
        expected = [c["tier"] for c in p.acknowledged]
        got = [r.payload.get("placement", {}).get(FUNCTION) for r in by_name.get(p.name, [])]
        if expected != got:
            mismatched += 1
            if mismatched <= 3:
                failures.append(f"participant {p.number}: acknowledged {expected}, stored {got}")
    if mismatched > 3:
        failures.append(f"... {mismatched} participants' rows differ from their acknowledged clicks")
    wrong_question = sum(r.question != QUESTION for r in rows)
    if wrong_question:
        failures.append(f"{wrong_question} row(s) for another question")
    participants = store.participants(code)
    if len(participants) != sum(bool(p.acknowledged) for p in people):
        failures.append(f"{len(participants)} participants in the store, "
                        f"{sum(bool(p.acknowledged) for p in people)} with acknowledged clicks")
    return {"clicks": len(clicks), "acknowledged": len(acked), "rows": len(exported),
            "unique_uids": len(set(uids)), "unanswered": len(unanswered), "refused": len(refused),
            "participants_in_store": len(participants), "participants_mismatched": mismatched,
            "ok": not failures, "failures": failures}


# --- the facilitator's poll ----------------------------------------------------------------------

def timed(work) -> float:
    started = time.perf_counter()
    work()
    return (time.perf_counter() - started) * 1000


def poll_timings(store, code: str, repeats: int) -> dict:
    """``revision`` and ``snapshot`` per view, warm and cold (after a new submission), in ms."""
    from pcn_workbook.workshop import dashboard

    first = {view: timed(lambda v=view: dashboard.snapshot(store, code, v)) for view in ("projector", "control")}
    out: dict = {"first_call_ms": first, "repeats": repeats}

    def post(label: str) -> None:  # a new participant each time: no rate limit, revision moves
        who, secret = store.join(code, None, label)
        store.submit(code, secret, QUESTION, {"placement": {FUNCTION: "locality"}}, os.urandom(8).hex())

    for phase, revealed in (("hidden", False), ("revealed", True)):
        store.set_question(code, QUESTION, revealed=revealed)
        times: dict[str, list[float]] = {k: [] for k in (
            "revision", "projector_cold", "control_cold", "projector_warm", "control_warm")}
        for r in range(repeats):
            post(f"Poll probe {phase} {r + 1:02d}")
            times["revision"].append(timed(lambda: store.revision(code)))
            times["projector_cold"].append(timed(lambda: dashboard.snapshot(store, code, "projector")))
            times["control_cold"].append(timed(lambda: dashboard.snapshot(store, code, "control")))
            for _ in range(3):
                times["projector_warm"].append(timed(lambda: dashboard.snapshot(store, code, "projector")))
                times["control_warm"].append(timed(lambda: dashboard.snapshot(store, code, "control")))
        out[phase] = {k: {"median_ms": statistics.median(v), "p95_ms": percentile(v, 0.95), "n": len(v)}
                      for k, v in times.items()}
    out["rows_when_measured"] = len(store.export_rows(code))
    store.set_question(code, QUESTION, revealed=False)
    return out


# --- report --------------------------------------------------------------------------------------

def table(r: dict) -> str:
    idle, load = r["ack_idle_ms"], r["ack_load_ms"]
    poll = r["poll"]
    rows = [
        ("pages open with the workshop panel", f"{r['open']['ready']} of {r['open']['of']}",
         f"in {r['open']['seconds']:.0f} s"),
        ("ack alone p50 / p95 / max", f"{fmt(idle['p50'])} / {fmt(idle['p95'])} / {fmt(idle['max'], ' ms')}",
         f"n={idle['n']}"),
        (f"ack, {r['participants']} at once p50 / p95 / max",
         f"{fmt(load['p50'])} / {fmt(load['p95'])} / {fmt(load['max'], ' ms')}", f"n={load['n']}"),
        ("load p95 / idle p95", fmt(r["ack_p95_ratio"], "x", 2), ""),
        ("exactly once (rows = acks, unique uids, per-person tiers)",
         "ok" if r["exactly_once"]["ok"] else "FAILED",
         f"{r['exactly_once']['rows']} rows / {r['exactly_once']['acknowledged']} acks"),
        ("clicks unanswered / refused",
         f"{r['exactly_once']['unanswered']} / {r['exactly_once']['refused']}", ""),
    ]
    for phase in ("hidden", "revealed"):
        p = poll[phase]
        rows += [
            (f"poll, result {phase}: revision (median)", fmt(p["revision"]["median_ms"], " ms", 2), ""),
            (f"poll, result {phase}: projector warm / cold",
             f"{fmt(p['projector_warm']['median_ms'], '', 2)} / {fmt(p['projector_cold']['median_ms'], ' ms', 1)}", ""),
            (f"poll, result {phase}: control warm / cold",
             f"{fmt(p['control_warm']['median_ms'], '', 2)} / {fmt(p['control_cold']['median_ms'], ' ms', 1)}", ""),
        ]
    width = max(len(name) for name, _, _ in rows) + 2
    lines = [f"{'figure':<{width}}{'value':>28}"]
    lines += [f"{name:<{width}}{value:>28}  {note}" for name, value, note in rows]
    m = r["machine"]
    phases = r["phases"]
    fill = f"; pool full after {r['pool_fill_s']:.0f} s" if r["pool_fill_s"] else ""
    lines.append(f"mode: {r['settings']['mode']}{fill}; settled {r['settle_after_open_s']:.0f} s after the pages opened")
    lines.append(f"machine: {m['cores']} cores, {m['memory_gb']:.0f} GB; load average (1 min) "
                 f"{m['load_average_before'][0]:.2f} before / {m['load_average_after'][0]:.2f} after; "
                 f"others' CPU: idle {phases['idle']['others_cpu_s']:.1f} s of {phases['idle']['seconds']:.0f} s, "
                 f"load {phases['load']['others_cpu_s']:.1f} s of {phases['load']['seconds']:.0f} s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=40)
    parser.add_argument("--idle-sends", type=int, default=20, help="sends one at a time")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of everyone at once")
    parser.add_argument("--gap", type=float, default=2.5, help="seconds between sends (kernel refuses < 2)")
    parser.add_argument("--repeats", type=int, default=20, help="facilitator poll repeats")
    parser.add_argument("--no-preheat", action="store_true", help="a fresh kernel per page, no pool")
    parser.add_argument("--quick", action="store_true", help="8 participants, 6 idle sends, 2 rounds")
    parser.add_argument("--out", type=Path, help="results file (default benchmarks/results/workshop.json)")
    args = parser.parse_args(argv)
    if args.quick:
        args.participants, args.idle_sends, args.rounds, args.repeats = 8, 6, 2, 5
    if args.participants < 1 or args.idle_sends < 1 or args.rounds < 1 or args.repeats < 1:
        parser.error("--participants, --idle-sends, --rounds and --repeats must be at least 1")
    if args.gap <= 2.0:
        parser.error("--gap must be over 2 s: the kernel refuses a send within 2 s of the last")
    out = args.out or RESULTS / ("workshop-quick.json" if args.quick else "workshop.json")
    preheat = not args.no_preheat

    from pcn_workbook.workshop.store import open_store

    mode = (f"preheated: pool of {args.participants} for {NOTEBOOK}, 0 for the others" if preheat
            else "not preheated: a fresh kernel per page (--no-preheat)")
    print(f"Workshop benchmark: {args.participants} participants on {NOTEBOOK}; {mode}")
    priority = favour_clients()
    print(f"  participants' process: {priority}")
    load_before = os.getloadavg()
    started_at = dt.datetime.now().astimezone()
    work = Path(tempfile.mkdtemp(prefix="pcn-workshop-bench-"))
    url = f"sqlite:///{work / 'workshops.sqlite3'}"
    store = open_store(url)
    code = store.create_workshop("Bench").workshop.code
    print(f"  store {url}, workshop {code}; server log {work / 'server.log'}")

    extra = ("--pool", "0", "--pool", f"{CHAPTER}={args.participants}") if preheat else ()
    t0 = time.perf_counter()
    server = VoilaServer(REPO / "notebooks", preheat=preheat, log_path=work / "server.log",
                         extra_args=extra, env={"PCN_WORKBOOK_DB": url})
    phases: dict[str, dict] = {}
    notes: list[str] = []
    try:
        server.wait_until_answering(timeout=120)
        answering_s = time.perf_counter() - t0
        fill_s = None
        if preheat:
            server.wait_for_log(rf"Kernel pool of \S*{re.escape(NOTEBOOK)} is filled", 1, timeout=1800)
            server.wait_until_quiet(cpu_percent=5 + 0.2 * args.participants, timeout=600)
            fill_s = time.perf_counter() - t0
            print(f"  server answering after {answering_s:.1f} s; pool of {args.participants} full "
                  f"and quiet after {fill_s:.0f} s ({len(server.kernels())} kernels)")
        else:
            print(f"  server answering after {answering_s:.1f} s")

        people, opened, idle, load, settle_s = asyncio.run(
            measure(server, code, args, preheat, phases, notes))
        checks = exactly_once(store, code, people)
        print(f"  exactly once: {'ok' if checks['ok'] else 'FAILED'}: {checks['rows']} rows for "
              f"{checks['acknowledged']} acknowledged of {checks['clicks']} clicks, {checks['unique_uids']} "
              f"unique uids, {checks['unanswered']} unanswered, {checks['refused']} refused")
        for line in checks["failures"]:
            print(f"  FAIL: {line}")
        kernels_end = len(server.kernels())
    finally:
        server.stop()
    with CpuWindow(None) as window:
        poll = poll_timings(store, code, args.repeats)
    phases["poll"] = window.record

    idle_ms = [c["ack_s"] * 1000 for c in idle if c["ok"]]
    load_ms = [c["ack_s"] * 1000 for c in load if c["ok"]]
    by_round = {}
    for c in load:
        if c["ok"]:
            by_round.setdefault(c["round"], []).append(c["ack_s"] * 1000)
    idle_s, load_s = spread(idle_ms), spread(load_ms)
    record = {
        "participants": args.participants,
        "ack_idle_ms": idle_s,
        "ack_load_ms": load_s,
        "ack_load_by_round_ms": {r: spread(v) for r, v in sorted(by_round.items())},
        "ack_p95_ratio": load_s["p95"] / idle_s["p95"] if load_s["p95"] and idle_s["p95"] else None,
        "ack_p50_ratio": load_s["p50"] / idle_s["p50"] if load_s["p50"] and idle_s["p50"] else None,
        "exactly_once": checks,
        "poll": poll,
        "open": opened,
        "pool_fill_s": fill_s,
        "settle_after_open_s": settle_s,
        "kernel_processes_at_end": kernels_end,
        "phases": phases,
        "notes": notes,
        "machine": bench_machine.machine(list(load_before), list(os.getloadavg())),
        "versions": bench_machine.versions(sqlalchemy=version("sqlalchemy")),
        "date": started_at.isoformat(timespec="seconds"),
        "settings": {
            "participants": args.participants, "idle_sends": args.idle_sends, "rounds": args.rounds,
            "gap_s": args.gap, "poll_repeats": args.repeats, "quick": args.quick, "mode": mode,
            "preheat": preheat, "notebook": f"notebooks/{NOTEBOOK}", "store": "SQLite (temporary file)",
            "step_timeout_s": TIMEOUT_S, "participants_priority": priority,
        },
        "method": " ".join(__doc__.split("Method.", 1)[1].split()),
        "clicks": {"idle": idle, "load": load},
        "logs": str(work),
    }
    print()
    print(table(record))
    for line in notes:
        print(f"! {line}")
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(record, indent=2, default=str))
    print(f"wrote {out.relative_to(REPO) if out.is_relative_to(REPO) else out}")
    failed = (not checks["ok"] or opened["ready"] < args.participants)
    if failed:
        print("FAILED: " + "; ".join(checks["failures"] or [f"only {opened['ready']} of "
                                                            f"{args.participants} pages opened"]))
    return 1 if failed else 0


async def measure(server: VoilaServer, code: str, args, preheat: bool, phases: dict, notes: list):
    """Open every page, let the server settle, run both scenarios, close the pages (one event
    loop: the websockets live in it)."""
    with CpuWindow(server) as window:
        people, opened = await open_people(server, code, args.participants, preheat)
    phases["open"] = window.record
    ready = [p for p in people if len(p.ids) == 4 and not p.problems and p.client.tti is not None]
    print(f"  {opened['ready']}/{args.participants} pages open with the panel in {opened['seconds']:.1f} s "
          f"(TTI p50 {fmt(opened['tti_s']['p50'], ' s', 2)}, p95 {fmt(opened['tti_s']['p95'], ' s', 2)}; "
          f"{opened['preheated']} from the pool)")
    for p in people:
        for line in p.problems + p.client.errors:
            print(f"  ! participant {p.number}: {line}")
    if not ready:
        await asyncio.gather(*(p.client.close() for p in people))
        raise SystemExit("no participant page opened with the workshop panel: nothing to measure")

    # a preheated pool refills behind the pages that took its kernels: wait, so idle is idle
    settle_t = time.perf_counter()

    def settle():
        if preheat:
            server.wait_for_pool(NOTEBOOK, timeout=1800)
        server.wait_until_quiet(cpu_percent=5 + 0.2 * len(server.processes()), timeout=1800)

    try:
        await asyncio.to_thread(settle)
    except RuntimeError as error:
        notes.append(f"before idle: {str(error).splitlines()[0]}")
    settle_s = time.perf_counter() - settle_t
    print(f"  settled in {settle_s:.0f} s ({len(server.kernels())} kernels, "
          f"server + kernels RSS {sum(_rss(p) for p in server.processes()) / 2**30:.1f} GB)")

    with CpuWindow(server) as window:
        idle = await idle_scenario(ready, args.idle_sends, args.gap)
    phases["idle"] = window.record
    await asyncio.sleep(args.gap)
    with CpuWindow(server) as window:
        load = await load_scenario(ready, args.rounds, args.gap)
    phases["load"] = window.record
    await asyncio.gather(*(p.client.close() for p in people))
    return people, opened, idle, load, settle_s


def _rss(proc: psutil.Process) -> int:
    try:
        return proc.memory_info().rss
    except psutil.Error:
        return 0


if __name__ == "__main__":
    sys.exit(main())
