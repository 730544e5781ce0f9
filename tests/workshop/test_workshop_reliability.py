"""Many submitters at once, a killed process, an unreachable or locked database."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from pcn_workbook.workshop import store as ws
from pcn_workbook.workshop.store import StoreUnavailable

HERE = Path(__file__).resolve().parent
SUBMITTER = HERE / "workshop_submitter.py"
QUESTION = "room.burst"
ROOM = 40


def full_url(store) -> str:
    return store._parsed.render_as_string(hide_password=False)


def rows_of(store, code):
    return store.export_rows(code)


def test_forty_threads_at_once(store):
    code = store.create_workshop("Burst").workshop.code
    people = [store.join(code, None, f"P{i}")[1] for i in range(ROOM)]
    uids = [uuid.uuid4().hex for _ in range(ROOM)]
    start = threading.Barrier(ROOM)
    ids: dict[str, list[int]] = {u: [] for u in uids}
    errors = []

    def one(i: int) -> None:
        try:
            start.wait()
            ids[uids[i]].append(store.submit(code, people[i], QUESTION, {"i": i}, uids[i]).id)
            start.wait()  # then every retry at once as well
            ids[uids[i]].append(store.submit(code, people[i], QUESTION, {"i": i}, uids[i]).id)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
            start.abort()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(ROOM)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = rows_of(store, code)
    assert len(rows) == ROOM
    assert sorted(r["id"] for r in rows) == sorted(first for first, _ in ids.values())
    assert all(first == again for first, again in ids.values())
    assert len(store.answers(code, QUESTION)) == ROOM


def test_forty_submitters_in_four_processes(store):
    code = store.create_workshop("Processes").workshop.code
    url = full_url(store)
    per = ROOM // 4
    procs = [
        subprocess.Popen(
            [sys.executable, str(SUBMITTER), "batch", url, code, f"proc{n}", str(per)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for n in range(4)
    ]
    try:
        for proc in procs:  # every participant joined in every process ...
            assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        for proc in procs:  # ... then all submit together
            proc.stdin.write("go\n")
            proc.stdin.flush()
        outputs = [proc.communicate(timeout=120) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    lines = [line for out, _ in outputs for line in out.splitlines()]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [err for _, err in outputs]
    assert not [line for line in lines if line.startswith("error")]
    acked = {}
    for line in lines:
        _, uid, first, again = line.split()
        assert first == again  # the retry returned the first row
        acked[uid] = int(first)
    assert len(acked) == ROOM
    rows = rows_of(store, code)
    assert len(rows) == ROOM
    assert sorted(r["id"] for r in rows) == sorted(acked.values())
    with store._engine.connect() as conn:
        uids = conn.execute(
            select(ws.submissions_t.c.uid).where(
                ws.submissions_t.c.workshop_id == store.workshop(code).id
            )
        ).scalars().all()
    assert sorted(uids) == sorted(acked)  # every uid exactly once


def test_killed_process_loses_no_acknowledged_row(store):
    code = store.create_workshop("Durability").workshop.code
    proc = subprocess.Popen(
        [sys.executable, str(SUBMITTER), "stream", full_url(store), code, "k"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    acked = []
    try:
        while len(acked) < 30:
            line = proc.stdout.readline()
            if not line:
                pytest.fail(f"the submitter stopped: {proc.stderr.read()}")
            acked.append(int(line))
        os.kill(proc.pid, signal.SIGKILL)  # mid-stream: it was submitting more
        proc.wait(timeout=30)
        acked += [int(line) for line in proc.stdout.read().split()]  # acks already in the pipe
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    reopened = ws.Store(full_url(store))  # a fresh engine, as after a restart
    try:
        stored = {r["id"] for r in reopened.export_rows(code)}
        assert set(acked) <= stored
        assert len(stored) - len(acked) <= 1  # at most the one in flight, committed unacknowledged
        secret = reopened.join(code, None, "After")[1]  # and the store still takes writes
        reopened.submit(code, secret, QUESTION, {"after": True}, uuid.uuid4().hex)
    finally:
        reopened._engine.dispose()


def test_unreachable_postgresql():
    from postgres import free_port

    url = f"postgresql://someone:hunter2@127.0.0.1:{free_port()}/workshops"
    with pytest.raises(StoreUnavailable) as caught:
        ws.open_store(url)
    message = str(caught.value)
    assert "Cannot reach the workshop database at 127.0.0.1" in message
    assert "nothing was saved" in message and "hunter2" not in message and "\n" not in message
    store = ws.Store(url)
    with pytest.raises(StoreUnavailable, match="Cannot reach"):
        store.create_workshop("Nowhere")
    with pytest.raises(StoreUnavailable, match="Cannot reach"):
        store.workshops()
    assert "hunter2" not in store.url and "hunter2" not in repr(store)


def test_locked_sqlite(tmp_path):
    path = tmp_path / "locked.sqlite3"
    store = ws.open_store(f"sqlite:///{path}", busy_timeout_ms=100)
    try:
        code = store.create_workshop("Locked").workshop.code
        secret = store.join(code, None, "Ann")[1]
        store.submit(code, secret, QUESTION, {"v": 0}, uuid.uuid4().hex)
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute(
            "INSERT INTO actions (workshop_id, at, kind, detail) VALUES (1, '', 'x', '{}')"
        )
        try:
            with pytest.raises(StoreUnavailable, match="busy") as caught:
                store.submit(code, secret, QUESTION, {"v": 1}, uuid.uuid4().hex)
            assert "nothing was saved" in str(caught.value)
            with pytest.raises(StoreUnavailable, match="busy"):
                store.join(code, None, "Bob")
            with pytest.raises(StoreUnavailable, match="busy"):
                store.close_workshop(code)
            assert len(store.answers(code, QUESTION)) == 1  # reading goes on (WAL)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert len(store.export_rows(code)) == 1  # nothing was written
        assert [p.name for p in store.participants(code)] == ["Ann"]
        assert not store.workshop(code).is_closed
        store.submit(code, secret, QUESTION, {"v": 2}, uuid.uuid4().hex)  # and it recovers
        assert len(store.export_rows(code)) == 2
    finally:
        store.close()


def test_sqlite_settings(tmp_path):
    store = ws.open_store(f"sqlite:///{tmp_path / 's.sqlite3'}")
    try:
        with store._engine.connect() as conn:
            pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
            assert pragma("journal_mode") == "wal"
            assert pragma("busy_timeout") == 5000
            assert pragma("foreign_keys") == 1
            assert pragma("synchronous") == 1  # NORMAL
    finally:
        store.close()


def test_unwritable_sqlite_folder(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreUnavailable, match="Cannot create the folder"):
        ws.open_store(f"sqlite:///{blocker / 'workshops.sqlite3'}")


@pytest.mark.parametrize(
    "url, words",
    [("mysql://x@y/z", "SQLite or PostgreSQL"), ("sqlite://", "needs a SQLite file"),
     ("not a url", "not a database URL"), ("sqlite:///:memory:", "needs a SQLite file")],
)
def test_bad_urls(url, words):
    with pytest.raises(ws.StoreError, match=words):
        ws.open_store(url)


def test_default_url(monkeypatch, tmp_path):
    monkeypatch.setenv(ws.DB_ENV, "sqlite:////somewhere/else.sqlite3")
    assert ws.default_url() == "sqlite:////somewhere/else.sqlite3"
    monkeypatch.delenv(ws.DB_ENV)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    url = ws.default_url()
    assert url == f"sqlite:///{tmp_path / 'data' / 'pcn-workbook' / 'workshops.sqlite3'}"
    assert (tmp_path / "data" / "pcn-workbook").is_dir()


def test_one_store_per_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'one.sqlite3'}"
    first = ws.open_store(url)
    try:
        assert ws.open_store(url) is first
        assert ws.open_store(f"sqlite:///{tmp_path / '.' / 'one.sqlite3'}") is first
    finally:
        first.close()
    assert ws.open_store(url) is not first
    ws.open_store(url).close()


def test_postgresql_url_is_rewritten_to_psycopg(postgres_url):
    plain = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    store = ws.open_store(plain)
    assert store.dialect == "postgresql" and store.url.startswith("postgresql+psycopg://")
    assert store is ws.open_store(postgres_url)  # the same database, the same store
    assert store.workshop(store.create_workshop("Rewritten").workshop.code).title == "Rewritten"


def test_close_and_submit_in_flight_on_postgresql(postgres_url):
    """A submission racing a close sees it: the check and the insert are one transaction that
    waits for the closing one (FOR SHARE against FOR NO KEY UPDATE)."""
    import time

    import psycopg
    from sqlalchemy.engine import make_url

    store = ws.open_store(postgres_url)
    code = store.create_workshop("Race").workshop.code
    secret = store.join(code, None, "Ann")[1]
    parts = make_url(postgres_url)
    conninfo = f"host={parts.host} port={parts.port} user={parts.username} dbname={parts.database}"
    outcome = {}

    def submit() -> None:
        try:
            outcome["row"] = store.submit(code, secret, QUESTION, {"v": 1}, uuid.uuid4().hex)
        except ws.StoreError as error:
            outcome["error"] = error

    with psycopg.connect(conninfo) as closer, psycopg.connect(conninfo, autocommit=True) as watch:
        closer.execute("UPDATE workshops SET closed_at = now() WHERE code = %s", (code,))
        thread = threading.Thread(target=submit)
        thread.start()
        deadline = time.monotonic() + 30  # a guard, not a measurement
        while thread.is_alive() and time.monotonic() < deadline:
            waiting = watch.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pcn-workbook' "
                "AND wait_event_type = 'Lock'"
            ).fetchone()[0]
            if waiting:
                break
            time.sleep(0.01)
        closer.commit()
        thread.join(timeout=60)
    assert "row" not in outcome, "the answer went in although the workshop was closing"
    assert isinstance(outcome["error"], ws.Closed)
    assert store.export_rows(code) == []
