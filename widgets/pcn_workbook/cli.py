"""The ``pcn-workbook`` command: ``serve`` the apps with Voila, ``bench`` them in a real browser.

Each subcommand is a ``_add_<name>`` function that declares its arguments and sets ``run`` to a
function taking the parsed arguments and returning an exit code. Add a new subcommand (``book``,
``workshop``, ``export``) the same way and list it in ``SUBCOMMANDS``.
Errors a user can fix print one line (``pcn-workbook: error: ...``), never a traceback.
"""

from __future__ import annotations

import argparse
import os
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
        db=args.db,
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
    from pcn_workbook.workshop.room import KERNEL_MB, PER_BROWSER, TOKEN_ENV

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
        f"memory holds, about {KERNEL_MB} MB per app)",
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
    parser.add_argument(
        "--db", metavar="URL", default=None,
        help="the workshop store (default: $PCN_WORKBOOK_DB, else a SQLite file in your data folder); "
        "postgresql://user@host/db lets several servers share one room",
    )
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


# --- workshop ----------------------------------------------------------------------------------
# The chapter apps (notebooks/*.ipynb); tests/workshop checks this list against the folder.
CHAPTERS = ("01_purpose", "02_autonomy_paradox", "03_scale_choices", "04_trust", "04b_deciding_together", "05_springboard_stories")
BASE_URL = "http://127.0.0.1:8866"


def _preset(text: str) -> tuple[str, str]:
    """``CHAPTER=QUERY``: a chapter app and the query string it opens with."""
    chapter, equals, query = text.partition("=")
    chapter = chapter.strip().removesuffix(".ipynb")
    if not equals or not chapter:
        raise argparse.ArgumentTypeError(f"a preset is CHAPTER=QUERY, not {text!r}")
    if chapter not in CHAPTERS:
        raise argparse.ArgumentTypeError(
            f"no chapter {chapter!r} (one of: {', '.join(CHAPTERS)})"
        )
    return chapter, query.strip()


def _base_url(text: str) -> str:
    if not text.startswith(("http://", "https://")) or len(text.rstrip("/")) <= len("https://"):
        raise argparse.ArgumentTypeError(f"not a web address (http://host:port): {text!r}")
    return text.rstrip("/")


def _links(base: str, code: str, key: str) -> tuple[str, str]:
    """The participants' and the facilitator's links; room mode's token goes on both."""
    from urllib.parse import quote

    from pcn_workbook.workshop.room import TOKEN_ENV

    token = os.environ.get(TOKEN_ENV, "").strip()
    tail = f"token={quote(token, safe='')}" if token else ""
    join = f"{base}/join/{code}" + (f"?{tail}" if tail else "")
    facilitator = f"{base}/facilitator/{code}?key={quote(key, safe='')}" + (
        f"&{tail}" if tail else ""
    )
    return join, facilitator


def _workshop_new(args: argparse.Namespace, store) -> int:
    presets = dict(args.preset)
    created = store.create_workshop(args.title, presets)
    workshop = created.workshop
    join, facilitator = _links(args.base_url, workshop.code, created.key)
    print(f"Workshop {workshop.title!r} created.")
    print(f"  Join code:        {workshop.code}")
    print(f"  Facilitator key:  {created.key}")
    print("                    (shown once: keep it private, it cannot be shown again)")
    print(f"  Participant link: {join}")
    print(f"  Facilitator link: {facilitator}")
    for chapter, query in workshop.presets.items():
        print(f"  Preset:           {chapter}?{query}")
    print(f"  Store:            {store.url}")
    return 0


def _workshop_list(args: argparse.Namespace, store) -> int:
    found = store.workshops()
    if not found:
        print(f'No workshops yet in {store.url} (pcn-workbook workshop new "Title" makes one).')
        return 0
    rows = [("CODE", "TITLE", "CREATED (UTC)", "STATE", "PEOPLE", "ANSWERS")]
    for workshop in found:
        people, answers = store.counts(workshop.code)
        title = workshop.title if len(workshop.title) <= 40 else workshop.title[:39] + "…"
        rows.append((
            workshop.code, title, workshop.created_at.strftime("%Y-%m-%d %H:%M"),
            "closed" if workshop.is_closed else "open", str(people), str(answers),
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    return 0


def _workshop_close(args: argparse.Namespace, store) -> int:
    workshop = store.workshop(args.code)
    if workshop.is_closed:
        print(f"Workshop {workshop.code} ({workshop.title}) was already closed.")
        return 0
    store.close_workshop(workshop.code)
    print(f"Closed workshop {workshop.code} ({workshop.title}): it takes no more answers.")
    return 0


def _workshop_export(args: argparse.Namespace, store) -> int:
    import io

    buffer = io.StringIO(newline="")
    count = store.export_csv(args.code, buffer)  # read everything before writing anything
    if args.output is None:
        sys.stdout.write(buffer.getvalue())
        return 0
    try:
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            out.write(buffer.getvalue())
    except OSError as error:
        print(f"pcn-workbook: error: cannot write {args.output}: {error.strerror or error}",
              file=sys.stderr)
        return 2
    code = store.workshop(args.code).code
    print(f"Wrote {count} answer rows of workshop {code} to {args.output}")
    return 0


def _run_workshop(args: argparse.Namespace) -> int:
    from pcn_workbook.workshop.store import StoreError, open_store

    try:
        return args.action(args, open_store(args.db))
    except StoreError as error:
        print(f"pcn-workbook: error: {error}", file=sys.stderr)
        return 2


def _add_workshop(commands) -> None:
    from pcn_workbook.workshop.room import TOKEN_ENV

    parser = commands.add_parser(
        "workshop",
        help="create, list, close and export workshops (join codes and answers)",
        description="Workshops live in one store: a SQLite file in your user data folder, or "
        "the database in PCN_WORKBOOK_DB (sqlite:///FILE or postgresql://USER@HOST/DB).",
    )
    actions = parser.add_subparsers(dest="workshop_command", required=True, metavar="ACTION")
    store = argparse.ArgumentParser(add_help=False)
    store.add_argument(
        "--db", metavar="URL", help="the workshop store (default: PCN_WORKBOOK_DB, else a "
        "SQLite file in your user data folder)",
    )

    new = actions.add_parser(
        "new", parents=[store], help="create a workshop: prints its join code and links",
        epilog=f"When {TOKEN_ENV} is set (a room's fixed token) both links carry it.",
    )
    new.add_argument("title", help="shown to participants (1 to 120 characters)")
    new.add_argument(
        "--preset", type=_preset, action="append", default=[], metavar="CHAPTER=QUERY",
        help="the scenario a chapter opens with, e.g. 04_trust=rounds=10 (repeatable; "
        f"chapters: {', '.join(CHAPTERS)})",
    )
    new.add_argument(
        "--base-url", type=_base_url, default=BASE_URL, metavar="URL",
        help="where the apps are served, for the links (default %(default)s)",
    )
    new.set_defaults(action=_workshop_new)

    listing = actions.add_parser("list", parents=[store], help="every workshop, newest first")
    listing.set_defaults(action=_workshop_list)

    close = actions.add_parser("close", parents=[store], help="stop taking answers")
    close.add_argument("code", help="the join code")
    close.set_defaults(action=_workshop_close)

    export = actions.add_parser(
        "export", parents=[store], help="every answer row as CSV (to stdout, or -o FILE)"
    )
    export.add_argument("code", help="the join code")
    export.add_argument("-o", "--output", metavar="FILE", help="write the CSV here")
    export.set_defaults(action=_workshop_export)

    parser.set_defaults(run=_run_workshop)


SUBCOMMANDS = (_add_serve, _add_book, _add_workshop, _add_bench)


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
