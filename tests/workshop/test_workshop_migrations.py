"""The store's schema comes from Alembic revisions shipped in the package."""

from __future__ import annotations

import subprocess
import sys
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, inspect

from pcn_workbook.workshop import store as ws

TABLES = {"workshops", "presets", "participants", "submissions", "moderations", "questions",
          "actions", "alembic_version"}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path) -> str:
    """A URL of a database with nothing in it yet."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    cluster = request.getfixturevalue("postgres_cluster")
    return cluster.create_database(f"empty_{uuid.uuid4().hex[:12]}")


def test_one_head_and_a_linear_history():
    config = ws.Store("sqlite:////tmp/never-opened.sqlite3")._alembic_config()
    script = ScriptDirectory.from_config(config)
    assert script.get_heads() == ["0001"] == [ws.SCHEMA_HEAD]  # the kernels' quick check reads SCHEMA_HEAD
    revisions = list(script.walk_revisions())
    assert [r.revision for r in revisions][-1] == "0001"
    assert revisions[-1].down_revision is None
    for newer, older in zip(revisions, revisions[1:]):
        assert newer.down_revision == older.revision


def test_migration_files_are_package_data():
    folder = ws.MIGRATIONS
    assert folder.parent.name == "workshop" and folder.parent.parent.name == "pcn_workbook"
    for name in ("env.py", "script.py.mako", "versions/0001_first_schema.py"):
        assert (folder / name).is_file(), name


def test_upgrade_from_empty_to_head(empty_url):
    store = ws.Store(empty_url)
    try:
        assert store.current() == set()
        with store._engine.connect() as conn:
            assert inspect(conn).get_table_names() == []
        store.migrate()
        assert store.current() == store.head() == {"0001"}
        with store._engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) == TABLES
            # the migration made exactly what store.py's tables describe
            assert compare_metadata(MigrationContext.configure(conn), ws.metadata) == []
        code = store.create_workshop("Fresh").workshop.code
        assert store.workshop(code).title == "Fresh"
    finally:
        store._engine.dispose()


def test_opening_twice_is_a_no_op(empty_url):
    first = ws.open_store(empty_url)
    code = first.create_workshop("Kept").workshop.code
    first.close()
    again = ws.Store(empty_url)
    statements = []
    event.listen(again._engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *rest: statements.append(statement))
    try:
        again.migrate()
        assert again.current() == {"0001"}
        looked = ("SELECT", "PRAGMA", "BEGIN")  # a plain BEGIN: a read, never BEGIN IMMEDIATE
        changed = [s for s in statements if s.strip().upper() not in looked and
                   s.lstrip().split()[0].upper() not in ("SELECT", "PRAGMA")]
        assert changed == []  # only looked
        assert again.workshop(code).title == "Kept"
        with again._engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar() == 1
    finally:
        again._engine.dispose()


def test_processes_starting_together_migrate_once(empty_url):
    script = (
        "import sys; from pcn_workbook.workshop.store import open_store; "
        "s = open_store(sys.argv[1]); print(sorted(s.current()))"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, empty_url], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err for _, err in outputs]
    assert [out.strip() for out, _ in outputs] == ["['0001']"] * 3
    store = ws.Store(empty_url)
    try:
        with store._engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar() == 1
    finally:
        store._engine.dispose()


def test_open_store_without_migrating(tmp_path):
    url = f"sqlite:///{tmp_path / 'later.sqlite3'}"
    store = ws.open_store(url, migrate=False)
    try:
        assert store.current() == set()
        assert ws.open_store(url) is store  # now migrated, same object
        assert store.current() == {"0001"}
    finally:
        store.close()


def test_a_store_at_head_opens_without_alembic(empty_url):
    """What each participant's kernel does in a served room: the server migrated the store, the
    kernel sees it at head with SQLAlchemy alone and never imports Alembic."""
    store = ws.Store(empty_url)
    try:
        assert not store.at_head()  # nothing in it yet
        store.migrate()
        assert store.at_head()
        with store._engine.begin() as conn:  # a database at another revision is not at head
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0000'")
        assert not store.at_head()
        with store._engine.begin() as conn:
            conn.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{ws.SCHEMA_HEAD}'")
    finally:
        store._engine.dispose()
    script = (
        "import sys; from pcn_workbook.workshop.store import open_store; s = open_store(sys.argv[1]); "
        "code = s.create_workshop('Room').workshop.code; print(s.workshop(code).title, 'alembic' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", script, empty_url], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["Room", "False"]
