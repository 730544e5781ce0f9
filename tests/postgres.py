"""A throwaway PostgreSQL server for tests: ``initdb`` into a temporary folder, ``pg_ctl start`` on
127.0.0.1 and a free port, one database, and ``pg_ctl stop -m fast`` plus the folder removed at the
end. Used by the ``postgres_url`` fixture in tests/conftest.py.

PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` system user (made
by Debian's ``postgresql`` package) through ``runuser``, with the folder handed to that user.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SERVER_USER = "postgres"
DATABASE = "workshop"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries here, or the server would not start (the reason says which)."""


def find_binaries() -> Path:
    """The folder holding ``initdb`` and ``pg_ctl``: on PATH, else Debian's newest version."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).parent

    def version(folder: str) -> tuple[int, ...]:
        name = Path(folder).parent.name
        return tuple(int(p) for p in name.split(".") if p.isdigit())

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version)
    for folder in reversed(found):
        if (Path(folder) / "initdb").is_file() and (Path(folder) / "pg_ctl").is_file():
            return Path(folder)
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or in "
        "/usr/lib/postgresql/*/bin (make postgresql installs them)"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """One server with one database. ``start()`` then ``url``; ``stop()`` removes everything."""

    def __init__(self, binaries: Path | None = None):
        self.bin = binaries or find_binaries()
        self.root = Path(tempfile.mkdtemp(prefix="pcn-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "sock"
        self.log = self.root / "server.log"
        self.port = 0
        self.started = False
        self._prefix: list[str] = []
        if os.geteuid() == 0:
            import pwd

            try:
                user = pwd.getpwnam(SERVER_USER)
            except KeyError:
                self._remove()
                raise PostgresUnavailable(
                    f"running as root and there is no {SERVER_USER!r} user to run the server as"
                ) from None
            runuser = shutil.which("runuser") or shutil.which("setpriv")
            if runuser is None:
                self._remove()
                raise PostgresUnavailable("running as root and neither runuser nor setpriv found")
            if Path(runuser).name == "runuser":
                self._prefix = [runuser, "-u", SERVER_USER, "--"]
            else:
                self._prefix = [
                    runuser, f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--init-groups"
                ]
            self.socket_dir.mkdir()
            for path in (self.root, self.socket_dir):
                os.chown(path, user.pw_uid, user.pw_gid)
        else:
            self.socket_dir.mkdir()

    def _command(self, name: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        command = [*self._prefix, str(self.bin / name), *args]
        try:
            return subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, check=False,
                cwd=self.root, env={**os.environ, "LC_ALL": "C", "TZ": "UTC"},
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise PostgresUnavailable(f"{name} did not run: {error}") from None

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{SERVER_USER}@127.0.0.1:{self.port}/{DATABASE}"

    def url_for(self, database: str) -> str:
        return f"postgresql+psycopg://{SERVER_USER}@127.0.0.1:{self.port}/{database}"

    def start(self) -> Cluster:
        try:
            done = self._command(
                "initdb", "-D", str(self.data), "-U", SERVER_USER, "-A", "trust", "-E", "UTF8",
                "--locale=C", "--no-sync", "--no-instructions",
            )
            if done.returncode != 0:
                raise PostgresUnavailable(f"initdb failed: {(done.stderr or done.stdout).strip()}")
            for _attempt in range(3):  # another process may take the free port first
                self.port = free_port()
                options = (
                    f"-c listen_addresses=127.0.0.1 -p {self.port} "
                    f"-c unix_socket_directories={self.socket_dir} -c fsync=off "
                    "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
                )
                done = self._command(
                    "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "30",
                    "-o", options, "start",
                )
                if done.returncode == 0:
                    self.started = True
                    break
            else:
                log = self.log.read_text(errors="replace")[-800:] if self.log.exists() else ""
                raise PostgresUnavailable(f"pg_ctl start failed: {done.stderr.strip()} {log}")
            self.create_database(DATABASE)
            return self
        except BaseException:
            self.stop()
            raise

    def create_database(self, name: str) -> str:
        """A new empty database on this server; returns its URL."""
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user={SERVER_USER} dbname=postgres",
            autocommit=True, connect_timeout=10,
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url_for(name)

    def stop(self) -> None:
        if self.started:
            self._command("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", timeout=60)
            self.started = False
        self._remove()

    def _remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
