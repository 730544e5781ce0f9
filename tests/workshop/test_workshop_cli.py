"""``pcn-workbook workshop new | list | close | export``."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pcn_workbook import cli
from pcn_workbook.workshop import store as ws

ROOT = Path(__file__).resolve().parents[2]
EXECUTABLE = Path(sys.executable).with_name("pcn-workbook")


@pytest.fixture
def db(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv(ws.DB_ENV, url)
    monkeypatch.delenv("PCN_WORKBOOK_TOKEN", raising=False)
    yield url
    ws.open_store(url).close()


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = cli.main(["workshop", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def made(out: str) -> tuple[str, str]:
    code = re.search(r"Join code: +(\S+)", out).group(1)
    key = re.search(r"Facilitator key: +(\S+)", out).group(1)
    return code, key


def test_chapters_are_the_notebooks():
    assert sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb")) == sorted(cli.CHAPTERS)


def test_new(capsys, db):
    status, out, err = run(
        capsys, "new", "Trust morning", "--preset", "04_trust=rounds=10",
        "--preset", "02_autonomy_paradox.ipynb=?a=1",
    )
    assert (status, err) == (0, "")
    code, key = made(out)
    assert "shown once" in out and "private" in out
    assert f"http://127.0.0.1:8866/join/{code}\n" in out
    assert f"http://127.0.0.1:8866/facilitator/{code}?key={key}\n" in out
    store = ws.open_store(db)
    assert store.check_key(code, key)
    workshop = store.workshop(code)
    assert workshop.title == "Trust morning"
    assert workshop.presets == {"04_trust": "rounds=10", "02_autonomy_paradox": "a=1"}


def test_new_links_carry_the_room_token(capsys, db, monkeypatch):
    monkeypatch.setenv("PCN_WORKBOOK_TOKEN", "room-token-1234567890")
    status, out, _ = run(capsys, "new", "Room", "--base-url", "http://192.168.1.20:9000/")
    assert status == 0
    code, key = made(out)
    assert f"http://192.168.1.20:9000/join/{code}?token=room-token-1234567890\n" in out
    assert (
        f"http://192.168.1.20:9000/facilitator/{code}?key={key}&token=room-token-1234567890\n"
        in out
    )


def test_db_option_overrides_the_environment(capsys, db, tmp_path):
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    status, out, _ = run(capsys, "new", "Elsewhere", "--db", other)
    assert status == 0
    code, _ = made(out)
    assert [w.code for w in ws.open_store(other).workshops()] == [code]
    assert ws.open_store(db).workshops() == []
    ws.open_store(other).close()


def test_list_close_export(capsys, db):
    assert run(capsys, "list")[1].startswith("No workshops yet")
    code, _ = made(run(capsys, "new", "First")[1])
    second, _ = made(run(capsys, "new", "Second")[1])
    store = ws.open_store(db)
    secret = store.join(code, None, "=cmd|' /C calc'!A0", "GP")[1]
    store.submit(code, secret, "trust.rounds", {"v": 1}, "uid-00000001")
    store.submit(code, secret, "trust.rounds", {"v": 2}, "uid-00000002")

    status, out, _ = run(capsys, "list")
    assert status == 0
    lines = out.splitlines()
    assert lines[0].split() == ["CODE", "TITLE", "CREATED", "(UTC)", "STATE", "PEOPLE", "ANSWERS"]
    assert lines[1].split()[:2] == [second, "Second"]  # newest first
    assert lines[2].split()[0:2] == [code, "First"] and lines[2].split()[-3:] == ["open", "1", "2"]

    status, out, _ = run(capsys, "close", code.lower())
    assert status == 0 and "Closed workshop" in out
    assert store.workshop(code).is_closed
    assert "already closed" in run(capsys, "close", code)[1]
    assert run(capsys, "list")[1].splitlines()[2].split()[-3:] == ["closed", "1", "2"]

    status, out, _ = run(capsys, "export", code)
    assert status == 0
    table = list(csv.reader(io.StringIO(out)))
    assert table[0] == list(ws.Store.EXPORT_COLUMNS)
    assert [row[-1] for row in table[1:]] == ['{"v": 1}', '{"v": 2}']
    assert {row[3] for row in table[1:]} == {"'=cmd|' /C calc'!A0"}  # guarded


def test_export_to_a_file(capsys, db, tmp_path):
    code, _ = made(run(capsys, "new", "Filed")[1])
    target = tmp_path / "answers.csv"
    status, out, _ = run(capsys, "export", code, "-o", str(target))
    assert status == 0 and "Wrote 0 answer rows" in out
    assert target.read_text().splitlines() == [",".join(ws.Store.EXPORT_COLUMNS)]
    status, _, err = run(capsys, "export", code, "-o", str(tmp_path / "no" / "such" / "dir.csv"))
    assert status == 2 and err.count("\n") == 1 and "cannot write" in err


@pytest.mark.parametrize(
    "argv, words",
    [
        (["close", "ZZZZZZ"], "no workshop with the code ZZZZZZ"),
        (["export", "not-a-code"], "is not a workshop code"),
        (["new", "T", "--preset", "09_nothing=a=1"], "no chapter '09_nothing'"),
        (["new", "T", "--preset", "04_trust"], "a preset is CHAPTER=QUERY"),
        (["new", "T", "--preset", "04_trust=" + "x" * 2001], "at most 2000"),
        (["new", " "], "Please give a workshop title"),
        (["new", "T", "--base-url", "ftp://x"], "not a web address"),
        (["list", "--db", "mysql://u@h/d"], "SQLite or PostgreSQL"),
    ],
)
def test_errors_are_one_line_and_status_2(capsys, db, argv, words):
    try:
        status = cli.main(["workshop", *argv])
    except SystemExit as stop:  # argparse usage errors
        status = stop.code
    _, err = capsys.readouterr()
    assert status == 2
    assert err.count("\n") == 1 and words in err, err
    assert err.startswith("pcn-workbook")
    assert "Traceback" not in err


def test_unreachable_database_through_the_command(tmp_path):
    """The installed command: one line on stderr, status 2, no traceback."""
    from postgres import free_port

    done = subprocess.run(
        [str(EXECUTABLE), "workshop", "list", "--db",
         f"postgresql://someone:secret@127.0.0.1:{free_port()}/db"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("pcn-workbook: error: Cannot reach the workshop database")
    assert "secret" not in done.stderr


def test_postgresql_through_the_command(capsys, postgres_url):
    status, out, _ = run(capsys, "new", "On PostgreSQL", "--db", postgres_url)
    assert status == 0
    code, key = made(out)
    assert ws.open_store(postgres_url).check_key(code, key)
    status, out, _ = run(capsys, "list", "--db", postgres_url)
    assert status == 0 and code in out
    assert run(capsys, "close", code, "--db", postgres_url)[0] == 0
    assert ws.open_store(postgres_url).workshop(code).is_closed
