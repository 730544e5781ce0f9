"""Serve the workbook's apps with Voila: our template, our gallery, settings for a live room.

``run(ServeOptions(...))`` runs Voila in this process, so we can hand it a Python hook (the
gallery) that command-line flags cannot carry. ``voila_argv`` is the whole Voila configuration in
one list; read it to see what a workshop server does.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pcn_workbook.voila_template import TEMPLATE_DIR, TEMPLATE_NAME, gallery

HOST = "127.0.0.1"
DEFAULT_PORT = 8866
POOL_SIZE = 1  # preheated kernels kept ready per notebook: ~150-250 MB each, refilled after use
# A kernel with no browser attached (its tab was closed) is shut down after 10 minutes idle;
# Voila cannot re-attach a new page to an old kernel, so it is only memory (150-250 MB) by then.
# 10 minutes still covers a dropped connection (a laptop lid closed for a short break). Kernels
# with an open tab are never culled (cull_connected stays False); pooled ones neither.
CULL_IDLE_SECONDS = 600
CULL_INTERVAL_SECONDS = 60  # how often to look for such kernels
# The only files Voila may serve from the notebooks folder (/voila/files/...): pictures in images/.
FILE_ALLOWLIST = [r"images/[\w-]+\.(png|jpe?g|svg)"]
FILE_DENYLIST = [r".*\.(ipynb|py)", r"(.*/)?\..*"]  # notebooks, code, hidden files


class ServeError(Exception):
    """A problem the person starting the server can fix (bad folder, missing template...)."""


@dataclass(frozen=True)
class ServeOptions:
    notebooks: Path = field(default_factory=lambda: Path("notebooks"))
    port: int = DEFAULT_PORT
    preheat: bool = True
    open_browser: bool = False

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"


def voila_argv(options: ServeOptions) -> list[str]:
    """The Voila command line for these options (everything but the gallery hook)."""
    argv = [
        str(options.notebooks.resolve()),
        f"--Voila.ip={HOST}",
        f"--port={options.port}",
        "--Voila.port_retries=0",  # fail loudly rather than quietly serve on another port
        f"--template={TEMPLATE_NAME}",
        "--VoilaConfiguration.allow_template_override=NO",  # no ?voila-template= swaps
        "--show_tracebacks=False",  # participants see a short message, never a traceback
        "--strip_sources=True",  # no code in the page (Voila never forwards execute_input)
        f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_SECONDS}",
        f"--MappingKernelManager.cull_interval={CULL_INTERVAL_SECONDS}",
    ]
    # A list setting takes one flag per item (the "=[...]" form is deprecated in traitlets 5).
    argv += [f"--VoilaConfiguration.file_allowlist={item}" for item in FILE_ALLOWLIST]
    argv += [f"--VoilaConfiguration.file_denylist={item}" for item in FILE_DENYLIST]
    if options.preheat:
        argv += ["--preheat_kernel=True", f"--pool_size={POOL_SIZE}"]
    if not options.open_browser:
        argv.append("--no-browser")
    return argv


def template_data_dir() -> Path:
    """A Jupyter data directory holding ``voila/templates/pcn`` (a link to our template).

    Voila looks templates up as ``<jupyter data dir>/voila/templates/<name>``; our template ships
    inside the package, so we point one extra data directory at it. This works the same from an
    editable install and a wheel. The directory is removed when the process exits.
    """
    root = Path(tempfile.mkdtemp(prefix="pcn-voila-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    target = root / "voila" / "templates" / TEMPLATE_NAME
    target.parent.mkdir(parents=True)
    try:
        target.symlink_to(TEMPLATE_DIR, target_is_directory=True)
    except OSError:  # no symlinks (some Windows setups): copy instead
        shutil.copytree(TEMPLATE_DIR, target)
    return root


def check(options: ServeOptions) -> None:
    if not options.notebooks.is_dir():
        raise ServeError(f"notebooks folder not found: {options.notebooks}")
    if not (TEMPLATE_DIR / "conf.json").is_file():
        raise ServeError(f"Voila template missing from the package: {TEMPLATE_DIR}")
    if not 0 < options.port < 65536:
        raise ServeError(f"port must be between 1 and 65535, not {options.port}")
    with socket.socket() as probe:
        try:
            probe.bind((HOST, options.port))
        except OSError:
            raise ServeError(f"port {options.port} is in use; choose another with --port") from None


def allow_unload_shutdown() -> None:
    """Let a closing or reloading tab shut its own kernel down.

    Voila's page sends ``POST /voila/api/shutdown/<kernel id>`` on unload without an XSRF token,
    which jupyter_server refuses (403), so every reload left a kernel running until the idle cull
    (about 200 MB each for ten minutes). The request can only name a kernel by its random id,
    which only that page knows, so the XSRF check is lifted for this one handler.
    """
    from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler

    VoilaShutdownKernelHandler.check_xsrf_cookie = lambda self: None


def run(options: ServeOptions) -> None:
    """Start Voila in this process and serve until interrupted."""
    check(options)
    from voila.app import Voila  # imported late: `pcn-workbook --help` stays fast

    allow_unload_shutdown()

    data_dir = template_data_dir()
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(data_dir), os.environ.get("JUPYTER_PATH", "")) if p
    )
    app = Voila()
    app.initialize(voila_argv(options))
    # Set after initialize (which creates voila_configuration) and before start (which reads it).
    app.voila_configuration.page_config_hook = gallery.page_config_hook(
        options.notebooks.resolve()
    )
    mode = "preheated kernels" if options.preheat else "a fresh kernel per page"
    print(f"PCN Workbook: serving {options.notebooks} with {mode}.", flush=True)
    print(f"Open {options.url} in a browser (Ctrl-C stops the server).", flush=True)
    app.start()
