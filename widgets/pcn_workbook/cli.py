"""The ``pcn-workbook`` command: ``serve`` the apps with Voila, ``bench`` them in a real browser.

Each subcommand is a ``_add_<name>`` function that declares its arguments and sets ``run`` to a
function taking the parsed arguments and returning an exit code. Add a new subcommand (``book``,
``workshop``, ``export``) the same way and list it in ``SUBCOMMANDS``.
Errors a user can fix print one line (``pcn-workbook: error: ...``), never a traceback.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from pcn_workbook import __version__


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"port must be between 1 and 65535, not {port}")
    return port


def _folder(text: str) -> Path:
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"folder not found: {text}")
    return path


def _count(least: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"must be at least {least}, not {value}")
        return value

    return parse


def _pool(text: str) -> tuple[str | None, int]:
    """``N`` (every notebook) or ``NOTEBOOK=N`` (one notebook; ``.ipynb`` may be left off)."""
    name, _, count = text.rpartition("=")
    number = _count(0)(count)
    if name and not name.endswith(".ipynb"):
        name += ".ipynb"
    return (name or None, number)


# --- serve -------------------------------------------------------------------------------------
def _run_serve(args: argparse.Namespace) -> int:
    from pcn_workbook import serve

    everyone = [n for name, n in args.pool if name is None]
    options = serve.ServeOptions(
        notebooks=args.notebooks,
        port=args.port,
        preheat=not args.no_preheat,
        open_browser=args.open,
        room=args.room,
        host=args.host,
        max_kernels=args.max_kernels,
        per_browser=args.max_per_browser,
        pool=everyone[-1] if everyone else serve.POOL_SIZE,
        pools=tuple((name, n) for name, n in args.pool if name is not None),
        cull_idle=args.cull_idle,
    )
    try:
        serve.run(options)
    except serve.ServeError as error:
        print(f"pcn-workbook: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


def _add_serve(commands) -> None:
    # light modules: no Voila import at top level
    from pcn_workbook.serve import CULL_IDLE_SECONDS, DEFAULT_PORT, POOL_SIZE
    from pcn_workbook.workshop.room import PER_BROWSER, TOKEN_ENV

    parser = commands.add_parser(
        "serve",
        help="serve the chapter apps with Voila",
        description="Serve the chapter apps. Without --room only this computer can open them; "
        "with --room everyone on the same network who has the join link can.",
        epilog=f"Room mode makes a new access token each start; set {TOKEN_ENV} (16+ letters, "
        "digits, - or _) to keep the same join link across restarts.",
    )
    parser.add_argument("--port", type=_port, default=DEFAULT_PORT, help="default %(default)s")
    room = parser.add_argument_group("a workshop room")
    room.add_argument(
        "--room", action="store_true",
        help="listen on this computer's network addresses, behind a join link with a token; "
        "prints the link and its QR code",
    )
    room.add_argument(
        "--host", help="the address to listen on (default 127.0.0.1; with --room every interface)"
    )
    room.add_argument(
        "--max-kernels", type=_count(1), metavar="N",
        help="room mode: apps open at once in the whole room (default: what this computer's "
        "memory holds, about 210 MB per app)",
    )
    room.add_argument(
        "--max-per-browser", type=_count(1), default=PER_BROWSER, metavar="N",
        help="room mode: apps open at once in one browser (default %(default)s)",
    )
    room.add_argument(
        "--pool", type=_pool, action="append", default=[], metavar="[NOTEBOOK=]N",
        help=f"kernels kept ready for every notebook (default {POOL_SIZE}), or for one "
        "notebook: --pool 02_autonomy_paradox=20 for the chapter the room opens first",
    )
    room.add_argument(
        "--cull-idle", type=_count(60), default=CULL_IDLE_SECONDS, metavar="SECONDS",
        help="free an app whose tab was closed after this long idle (default %(default)s)",
    )
    parser.add_argument(
        "--notebooks", type=_folder, default=Path("notebooks"), help="default %(default)s"
    )
    parser.add_argument(
        "--no-preheat", action="store_true", help="start a kernel per page instead of a pool"
    )
    parser.add_argument("--open", action="store_true", help="open the gallery in a browser")
    parser.set_defaults(run=_run_serve)


# --- bench -------------------------------------------------------------------------------------
BENCH_SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_apps.py"


def _run_bench(args: argparse.Namespace) -> int:
    """Hand every argument after ``bench`` (kept in ``args.extra``) to the benchmark script."""
    if not BENCH_SCRIPT.is_file():
        print(
            f"pcn-workbook: error: {BENCH_SCRIPT} not found (bench needs a source checkout)",
            file=sys.stderr,
        )
        return 2
    return subprocess.call([sys.executable, str(BENCH_SCRIPT), *args.extra])


def _add_bench(commands) -> None:
    parser = commands.add_parser(
        "bench",
        help="time the apps in headless Chromium (runs benchmarks/bench_apps.py)",
        description="Arguments after `bench` go to benchmarks/bench_apps.py; try `bench --help`.",
        add_help=False,
    )
    parser.set_defaults(run=_run_bench, passes_extra=True)


# --- book: the lead adds `_add_book` here and lists it below -----------------------------------

# --- book --------------------------------------------------------------------------------------
REPO = Path(__file__).resolve().parents[2]


def _run_book(args: argparse.Namespace) -> int:
    """Build the Jupyter Book with warnings as errors (the local extension vendors the JavaScript)."""
    if not (REPO / "_toc.yml").is_file():
        print(f"pcn-workbook: error: no _toc.yml in {REPO} (book needs a source checkout)", file=sys.stderr)
        return 2
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(REPO), "--warningiserror", "--keep-going"]
    if args.all:
        command.append("--all")
    try:
        done = subprocess.run(command, cwd=REPO, check=False)
    except FileNotFoundError:
        print("pcn-workbook: error: jupyter-book is not installed (make test or pip install -e '.[test]')", file=sys.stderr)
        return 2
    if done.returncode == 0:
        print(f"Book built: {REPO / '_build' / 'html' / 'index.html'}")
    return done.returncode


def _add_book(commands) -> None:
    parser = commands.add_parser("book", help="build the book into _build/html (offline, warnings are errors)")
    parser.add_argument("--all", action="store_true", help="rebuild every page, not only changed ones")
    parser.set_defaults(run=_run_book)


SUBCOMMANDS = (_add_serve, _add_book, _add_bench)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line: what is wrong and where to find help."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def parser() -> argparse.ArgumentParser:
    root = _Parser(
        prog="pcn-workbook", description="PCN Workbook: interactive apps on GP networks."
    )
    root.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in SUBCOMMANDS:
        add(commands)
    return root


def main(argv: list[str] | None = None) -> int:
    root = parser()
    args, extra = root.parse_known_args(argv)
    if extra and not getattr(args, "passes_extra", False):
        root.error(f"unrecognized arguments: {' '.join(extra)}")
    args.extra = extra
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
