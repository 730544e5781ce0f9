"""A real Voila server in a subprocess and a headless Chromium: shared by the benchmark
(``bench_apps.py``) and the browser tests (``tests/browser/conftest.py``).

The server is started through our own launcher (``python -m pcn_workbook.cli serve``), so tests and
figures cover exactly what a workshop runs.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import psutil

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"  # Debian's; Playwright's own browser download cannot work here
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def is_outside(url: str) -> bool:
    """True for a request or link that would leave the machine (data:, blob:, about: and relative
    links stay local; a protocol-relative ``//host/...`` does not)."""
    url = url.strip()
    if url.startswith("//"):
        return True
    parts = urlsplit(url)
    return parts.scheme in {"http", "https", "ws", "wss", "ftp"} and parts.hostname not in LOCAL_HOSTS


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class VoilaServer:
    """``pcn-workbook serve`` in its own process group, logging to ``log_path``."""

    def __init__(
        self,
        notebooks: Path,
        *,
        preheat: bool,
        log_path: Path,
        port: int | None = None,
        extra_args: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
        pools: dict[str, int] | None = None,
    ):
        """``extra_args`` go to ``serve`` (e.g. ``("--room", "--host", "127.0.0.1")``); ``env`` is
        added to the server's environment (e.g. ``PCN_WORKBOOK_TOKEN`` for a known room token).
        ``pools`` (preheat only) keeps kernels ready for just these notebooks (``serve --pool 0
        --pool NOTEBOOK=N``): a test of one app need not start a kernel for every other app."""
        self.notebooks = Path(notebooks)
        self.preheat = preheat
        self.pools = dict(pools) if preheat and pools is not None else None
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log_path = Path(log_path)
        self.token = (env or {}).get("PCN_WORKBOOK_TOKEN")
        command = [sys.executable, "-m", "pcn_workbook.cli", "serve", "--port", str(self.port)]
        command += ["--notebooks", str(self.notebooks)]
        command += [] if preheat else ["--no-preheat"]
        if self.pools is not None:
            command += ["--pool", "0"]
            for notebook, size in self.pools.items():
                command += ["--pool", f"{notebook}={size}"]
        command += list(extra_args)
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            command,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=REPO,
            start_new_session=True,  # its own process group, killed as one on stop()
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def _fail(self, what: str) -> None:
        raise RuntimeError(f"{what}; server log {self.log_path}:\n{self.log()[-3000:]}")

    def wait_until_answering(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._fail(f"Voila exited with code {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as response:
                    if response.status == 200:
                        return
            except urllib.error.HTTPError as error:
                if error.code == 403 and self.token:  # a room server answering without a token
                    return
                time.sleep(0.2)
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        self._fail(f"Voila did not answer at {self.url} within {timeout} s")

    def wait_for_log(self, pattern: str, count: int = 1, timeout: float = 120) -> None:
        """Wait until ``pattern`` (a regex) has appeared ``count`` times in the server log."""
        deadline = time.monotonic() + timeout
        while len(re.findall(pattern, self.log())) < count:
            if self.process.poll() is not None:
                self._fail(f"Voila exited with code {self.process.returncode}")
            if time.monotonic() > deadline:
                self._fail(f"{pattern!r} not seen {count} time(s) within {timeout} s")
            time.sleep(0.2)

    def wait_for_pools(self, timeout: float = 180) -> None:
        """Preheat only: wait until every pool has been filled once: those named in ``pools``
        (a pool of size 0 is never filled), else every notebook's.

        Voila pools every ``*.ipynb`` under the folder, except in ``.ipynb_checkpoints``."""
        if self.pools is not None:
            for notebook in (nb for nb, size in self.pools.items() if size > 0):
                self.wait_for_log(rf"Kernel pool of {re.escape(notebook)} is filled", 1, timeout)
            return
        notebooks = [
            p for p in self.notebooks.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
        ]
        self.wait_for_log(r"Kernel pool of .+ is filled", len(notebooks), timeout)

    def wait_for_pool(self, notebook: str, timeout: float = 180) -> None:
        """Preheat only: wait until ``notebook``'s pool holds a kernel nobody has taken yet."""
        name = re.escape(notebook)
        deadline = time.monotonic() + timeout
        while True:
            log = self.log()
            filled = len(re.findall(rf"Kernel pool of {name} is filled", log))
            taken = len(re.findall(rf"Using pre-heated kernel: \S+ for {name}", log))
            if filled > taken:
                return
            if self.process.poll() is not None or time.monotonic() > deadline:
                self._fail(f"no preheated kernel for {notebook} within {timeout} s")
            time.sleep(0.2)

    def served_preheated(self, kernel_id: str) -> bool:
        """Whether the page with this kernel got it from the preheated pool (per the log)."""
        return f"Using pre-heated kernel: {kernel_id} " in self.log()

    def processes(self) -> list[psutil.Process]:
        """The server and every process it started (kernels run in their own sessions)."""
        try:
            server = psutil.Process(self.process.pid)
            return [server, *server.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def kernels(self) -> list[psutil.Process]:
        """The kernel processes this server started (each is given its connection file with -f)."""
        found = []
        for proc in self.processes()[1:]:
            try:
                argv = proc.cmdline()
            except psutil.Error:
                continue
            if any(a == "-f" and Path(b).name.startswith("kernel-") for a, b in zip(argv, argv[1:])):
                found.append(proc)
        return found

    def kernel(self, kernel_id: str) -> psutil.Process | None:
        """The process of the kernel with this id (its connection file is kernel-<id>.json), if running."""
        for proc in self.kernels():
            try:
                if any(Path(part).name == f"kernel-{kernel_id}.json" for part in proc.cmdline()):
                    return proc
            except psutil.Error:
                continue
        return None

    def kernel_rss(self, kernel_id: str) -> int | None:
        """Resident memory in bytes of the kernel with this id, if it is running."""
        proc = self.kernel(kernel_id)
        try:
            return proc.memory_info().rss if proc else None
        except psutil.Error:
            return None

    def kernel_memory(self, kernel_id: str) -> dict[str, float] | None:
        """Resident (RSS), unique (USS) and proportional (PSS) memory in MB of the kernel with
        this id: USS is what closing it would free, PSS its fair share of shared pages."""
        proc = self.kernel(kernel_id)
        try:
            full = proc.memory_full_info() if proc else None
        except psutil.Error:
            full = None
        return None if full is None else {"rss": full.rss / 2**20, "uss": full.uss / 2**20,
                                          "pss": getattr(full, "pss", float("nan")) / 2**20}

    def wait_until_quiet(self, cpu_percent: float = 5.0, timeout: float = 120) -> None:
        """Wait until the server and its kernels use under ``cpu_percent`` of a core for 1 s
        (a pool refill has finished executing its notebook)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            procs = self.processes()
            for proc in procs:
                try:
                    proc.cpu_percent(None)
                except psutil.Error:
                    pass
            time.sleep(1.0)
            busy = 0.0
            for proc in procs:
                try:
                    busy += proc.cpu_percent(None)
                except psutil.Error:
                    pass
            if busy < cpu_percent:
                return
        self._fail(f"server still busy after {timeout} s")

    def stop(self) -> None:
        """SIGTERM the process group (Voila then shuts its kernels down), then SIGKILL leftovers."""
        started = self.processes()
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        _, alive = psutil.wait_procs(started[1:], timeout=5)
        for proc in alive:
            try:
                proc.kill()
            except psutil.Error:
                pass
        self._log.close()

    def __enter__(self) -> VoilaServer:
        try:
            self.wait_until_answering()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
