"""Serve the workbook's apps with Voila: our template, our gallery, settings for a live room.

``run(ServeOptions(...))`` runs Voila in this process, so we can hand it Python hooks that
command-line flags cannot carry: the gallery, and in room mode (``room=True``) the door in front
of every request (token, limits, the facilitator's ``/room`` page; ``workshop/door.py``).
``voila_argv`` is the rest of the Voila configuration in one list; read it to see what a workshop
server does. Both modes set TCP_NODELAY on the kernel websockets (``PCN_WORKBOOK_NODELAY=0`` turns
that off, for measuring what it does).
"""

from __future__ import annotations

import asyncio
import atexit
import errno
import os
import shutil
import socket
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pcn_workbook._jsonschema import without_unused_format_checkers
from pcn_workbook.voila_template import TEMPLATE_DIR, TEMPLATE_NAME, gallery
from pcn_workbook.workshop import room as room_rules

HOST = "127.0.0.1"
ROOM_HOST = "0.0.0.0"  # room mode: every network interface, so the room can reach the laptop
DEFAULT_PORT = 8866
POOL_SIZE = 1  # preheated kernels kept ready per notebook: 86-105 MB each (results/memory.json), refilled after use
NODELAY_ENV = "PCN_WORKBOOK_NODELAY"
# Pooled kernels started at once: one core runs notebooks into the pools, the rest serve the room.
POOL_FILLS_AT_ONCE = max(1, (os.cpu_count() or 2) - 1)
PREHEAT_WAIT_SECONDS = 120  # the most a pool fill holds its place while its notebook runs
# A kernel with no browser attached (its tab was closed) is shut down after 10 minutes idle;
# Voila cannot re-attach a new page to an old kernel, so it is only memory (100-125 MB) by then.
# 10 minutes still covers a dropped connection (a laptop lid closed for a short break). Kernels
# with an open tab are never culled (cull_connected stays False); pooled ones neither.
CULL_IDLE_SECONDS = 600
CULL_INTERVAL_SECONDS = 60  # how often to look for such kernels
# Room mode: a page given a kernel that its browser never connected to is freed after
# room.UNOPENED_SECONDS (this variable, in seconds, changes it; tests make it short).
UNOPENED_ENV = "PCN_WORKBOOK_UNOPENED_SECONDS"
UNOPENED_CHECK_SECONDS = 5  # how often to look for such kernels
# The only files Voila may serve from the notebooks folder (/voila/files/...): pictures in images/.
FILE_ALLOWLIST = [r"images/[\w-]+\.(png|jpe?g|svg)"]
FILE_DENYLIST = [r".*\.(ipynb|py)", r"(.*/)?\..*"]  # notebooks, code, hidden files
# App steps that moved to another chapter: notebook -> (its moved steps, the notebook they are in
# now). An old link to one (``/voila/render/04_trust.ipynb?step=decisions&...``) answers 302 with the
# same query string at the new notebook, so shared links, printed handouts and workshop presets
# keep working (the new app reads the old settings by the same names; apps/state.py).
MOVED_STEPS = {"04_trust.ipynb": (("decisions", "access"), "04b_deciding_together.ipynb")}


class ServeError(Exception):
    """A problem the person starting the server can fix (bad folder, missing template...)."""


APP_TAG = "app"


def app_cells_only(notebook) -> bool:
    """Keep only the app cells (tag ``app``) of a notebook that asks for it; return whether it did.

    A chapter notebook is both the book's story and the app's page. Voila's page shows only the
    app cell (the ``pcn`` template), but it would run every cell: the story's tables, exercises
    and solutions cost seconds of a kernel's time per page and per pooled kernel, for output
    nobody sees. A chapter whose app cell is self-contained says so in its metadata
    (``"pcn": {"voila": "app-cells"}``; every chapter does, tests/notebooks/test_notebook_hygiene.py),
    and Voila is handed just that cell. Any other notebook (the benchmark baseline, whose app cell
    uses an import from the cell above) is served whole.
    """
    if (notebook.get("metadata", {}).get("pcn") or {}).get("voila") != "app-cells":
        return False
    kept = [c for c in notebook.cells if APP_TAG in c.get("metadata", {}).get("tags", [])]
    if not kept or len(kept) == len(notebook.cells):
        return False
    notebook.cells = kept
    return True


def app_contents_manager(base):
    """A contents manager class that hands Voila chapter notebooks with their app cells only."""

    class AppCellsContents(base):
        def get(self, path, content=True, type=None, format=None, **kwargs):
            model = super().get(path, content=content, type=type, format=format, **kwargs)
            if content and model.get("type") == "notebook" and model.get("content") is not None:
                app_cells_only(model["content"])
            return model

    return AppCellsContents


def moved_location(path: str, query: str) -> str | None:
    """Where an app page's address now lives if it asks for a step that moved, else None.

    The step is the last ``step=`` of the query (as the apps read it); the query is kept whole.

    >>> moved_location("/voila/render/04_trust.ipynb", "step=decisions&practices=12&workshop=ABC")
    '/voila/render/04b_deciding_together.ipynb?step=decisions&practices=12&workshop=ABC'
    >>> moved_location("/pcn/voila/render/04_trust.ipynb", "step=noise") is None
    True
    """
    from urllib.parse import parse_qsl

    head, slash, name = path.rpartition("/")
    if name not in MOVED_STEPS or not head.endswith("/voila/render"):
        return None
    steps, target = MOVED_STEPS[name]
    asked = [v.strip() for k, v in parse_qsl(query, keep_blank_values=True) if k == "step"]
    if not asked or asked[-1] not in steps:
        return None
    return f"{head}{slash}{target}" + (f"?{query}" if query else "")


class MovedStepRedirect:
    """Mixed in first into Voila's app page handler: a link to a moved step gets a 302 before any
    kernel is taken or any room place counted."""

    async def prepare(self) -> None:
        target = moved_location(self.request.path, self.request.query)
        if target is not None:
            self.redirect(target, permanent=False)  # 302: the old chapter still exists
            return None
        return await super().prepare()


@dataclass(frozen=True)
class ServeOptions:
    notebooks: Path = field(default_factory=lambda: Path("notebooks"))
    port: int = DEFAULT_PORT
    preheat: bool = True
    open_browser: bool = False
    room: bool = False  # listen on the network, behind a token and the room's limits
    host: str | None = None  # default: 127.0.0.1, or every interface in room mode
    max_kernels: int | None = None  # room mode: apps open at once (default: sized from memory)
    per_browser: int = room_rules.PER_BROWSER  # room mode: apps open at once in one browser
    pool: int = POOL_SIZE  # preheated kernels kept ready for each notebook
    pools: tuple[tuple[str, int], ...] = ()  # (notebook, kernels) for notebooks that want more
    cull_idle: int = CULL_IDLE_SECONDS
    db: str | None = None  # the workshop store's URL (default: PCN_WORKBOOK_DB, else a SQLite file)

    @property
    def bind(self) -> str:
        return self.host or (ROOM_HOST if self.room else HOST)

    @property
    def url(self) -> str:
        host = HOST if self.bind in (ROOM_HOST, "::") else self.bind
        return f"http://{host}:{self.port}/"

    def pool_sizes(self) -> dict[str, int]:
        """Preheated kernels per notebook (relative path), for the notebooks served."""
        root = self.notebooks.resolve()
        notebooks = [
            p.relative_to(root).as_posix()
            for p in root.rglob("*.ipynb")
            if ".ipynb_checkpoints" not in p.parts
        ]
        wanted = dict(self.pools)
        return {nb: wanted.get(nb, self.pool) for nb in notebooks}

    def pooled_kernels(self) -> int:
        return sum(self.pool_sizes().values()) if self.preheat else 0


def voila_argv(options: ServeOptions, chart_code: str = "") -> list[str]:
    """The Voila command line for these options (everything but the gallery hook); ``chart_code``
    is the path the live charts' shared code is served at (``serve_live_charts``), which the page
    template preloads."""
    argv = [
        str(options.notebooks.resolve()),
        f"--Voila.ip={options.bind}",
        f"--port={options.port}",
        "--Voila.port_retries=0",  # fail loudly rather than quietly serve on another port
        f"--template={TEMPLATE_NAME}",
        "--VoilaConfiguration.allow_template_override=NO",  # no ?voila-template= swaps
        "--show_tracebacks=False",  # participants see a short message, never a traceback
        "--strip_sources=True",  # no code in the page (Voila never forwards execute_input)
        # app kernels start without ipykernel's debugger, which no page can reach (kernel.py)
        "--VoilaConfiguration.kernel_spec_manager_class=pcn_workbook.kernel.WorkbookKernelSpecManager",
        f"--MappingKernelManager.cull_idle_timeout={options.cull_idle}",
        f"--MappingKernelManager.cull_interval={CULL_INTERVAL_SECONDS}",
    ]
    # A list setting takes one flag per item (the "=[...]" form is deprecated in traitlets 5).
    argv += [f"--VoilaConfiguration.file_allowlist={item}" for item in FILE_ALLOWLIST]
    argv += [f"--VoilaConfiguration.file_denylist={item}" for item in FILE_DENYLIST]
    if chart_code:
        argv.append(f"--VoilaConfiguration.resources=pcn_chart_code={chart_code}")
    if options.preheat:
        argv += ["--preheat_kernel=True", f"--pool_size={options.pool}"]
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
    if options.pool < 0 or any(n < 0 for _, n in options.pools):
        raise ServeError("--pool takes a number of kernels of 0 or more")
    known = set(options.pool_sizes())
    for notebook, _ in options.pools:
        if notebook not in known:
            names = ", ".join(sorted(known)) or "none"
            raise ServeError(f"--pool names {notebook!r}, which is not served (notebooks: {names})")
    if options.cull_idle < 60:
        raise ServeError(f"--cull-idle must be at least 60 seconds, not {options.cull_idle}")
    with socket.socket() as probe:
        # As Tornado binds: a restart right after a crash must not trip over old TIME_WAIT sockets.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((options.bind, options.port))
        except OSError as error:
            if error.errno == errno.EADDRNOTAVAIL:
                raise ServeError(f"--host {options.bind} is not an address of this machine") from None
            raise ServeError(f"port {options.port} is in use; choose another with --port") from None


def allow_unload_shutdown() -> None:
    """Let a closing or reloading tab shut its own kernel down.

    Voila's page sends ``POST /voila/api/shutdown/<kernel id>`` on unload without an XSRF token,
    which jupyter_server refuses (403), so every reload left a kernel running until the idle cull
    (100-125 MB each for ten minutes). The request can only name a kernel by its random id,
    which only that page knows, so the XSRF check is lifted for this one handler.
    """
    from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler

    VoilaShutdownKernelHandler.check_xsrf_cookie = lambda self: None


def compiled_templates_cache():
    """Jinja's bytecode cache, in memory, for every page's template environment to share.

    Voila makes a new exporter, so a new Jinja environment, for each page it renders, and a new
    environment compiles its templates again: about 0.3 s of the server's one thread per page
    (py-spy, a workshop of three), which forty pages opened together wait for in turn. Jinja
    keys a compiled template by its name and checks it against a hash of the template's source,
    so an edited template is compiled afresh; the key here also holds what changes the code Jinja
    writes (async or not, and the extensions), so environments set up differently never share.
    (Jinja is imported here, not at the top: ``pcn-workbook --help`` stays fast.)
    """
    from jinja2 import BytecodeCache

    class CompiledTemplates(BytecodeCache):
        def __init__(self):
            self.store: dict[tuple, bytes] = {}

        @staticmethod
        def _key(bucket) -> tuple:
            env = bucket.environment
            return bucket.key, env.is_async, tuple(sorted(env.extensions))

        def load_bytecode(self, bucket) -> None:
            code = self.store.get(self._key(bucket))
            if code is not None:
                bucket.bytecode_from_string(code)

        def dump_bytecode(self, bucket) -> None:
            self.store[self._key(bucket)] = bucket.bytecode_to_string()

    return CompiledTemplates()


def reuse_compiled_templates():
    """Give every Voila page's Jinja environment one shared cache of compiled templates."""
    from voila.exporter import VoilaExporter

    shared = getattr(VoilaExporter, "_pcn_compiled", None)
    if shared is None:
        shared = compiled_templates_cache()
        make = VoilaExporter._create_environment

        def create_environment(self):
            environment = make(self)
            environment.bytecode_cache = shared
            return environment

        VoilaExporter._create_environment = create_environment
        VoilaExporter._pcn_compiled = shared
    return shared


@dataclass(frozen=True)
class RoomPlan:
    """What room mode needs before Voila starts: the token, the limits and the join links."""

    token: str
    limits: room_rules.Limits
    join_urls: list[str]  # for each of the machine's addresses, best first
    room_page: str  # the facilitator's page, on the first address
    sized_from_mb: float | None  # the memory the default limit was sized from, if it was
    warnings: list[str]
    unopened_seconds: int = room_rules.UNOPENED_SECONDS  # a never-connected page's kernel is freed after this


def plan_room(options: ServeOptions, environ=os.environ) -> RoomPlan:
    import psutil

    try:
        chosen = environ.get(room_rules.TOKEN_ENV)
        token = room_rules.check_token(chosen) if chosen else room_rules.new_token()
        total_mb = psutil.virtual_memory().total / 2**20
        pooled = options.pooled_kernels()
        max_kernels = options.max_kernels or room_rules.default_max_kernels(total_mb, pooled)
        limits = room_rules.Limits(max_kernels, options.per_browser)
    except room_rules.RoomError as error:
        raise ServeError(str(error)) from None
    unopened = environ.get(UNOPENED_ENV, "").strip()
    if not unopened:
        unopened_seconds = room_rules.UNOPENED_SECONDS
    elif unopened.isdigit() and int(unopened) >= 5:
        unopened_seconds = int(unopened)
    else:
        raise ServeError(f"{UNOPENED_ENV} must be a whole number of seconds, 5 or more, not {unopened[:40]!r}")
    warnings = []
    needed = room_rules.memory_needed_mb(max_kernels + pooled)
    if needed > total_mb:
        warnings.append(
            f"{max_kernels} apps plus {pooled} ready kernels need about {needed / 1024:.1f} GB; "
            f"this machine has {total_mb / 1024:.1f} GB. Lower --max-kernels or --pool."
        )
    if options.bind in (ROOM_HOST, "::"):
        hosts = room_rules.network_addresses()
        if not hosts:
            warnings.append(
                "no network address found (is Wi-Fi or the hotspot on?): the link below works "
                "on this laptop only"
            )
            hosts = [HOST]
    else:
        hosts = [options.bind]
    urls = [room_rules.join_url(host, options.port, token) for host in hosts]
    room_page = room_rules.join_url(hosts[0], options.port, token, "room")
    return RoomPlan(token, limits, urls, room_page, None if options.max_kernels else total_mb,
                    warnings, unopened_seconds)


def describe_room(options: ServeOptions, plan: RoomPlan) -> str:
    """What the facilitator's terminal shows: links, QR code, limits."""
    link = plan.join_urls[0]
    pools = ", ".join(f"{n} for {nb}" for nb, n in options.pools)
    ready = f"{options.pool} ready kernel(s) per notebook" + (f" ({pools})" if pools else "")
    sized = (
        f" (sized for this machine's {plan.sized_from_mb / 1024:.1f} GB)" if plan.sized_from_mb else ""
    )
    lines = [
        "Room mode: the apps are open to this network, for those who have the link.",
        "",
        f"Join link for participants: {link}",
        room_rules.qr_terminal(link),
        f"Facilitator page (project it): {plan.room_page}",
    ]
    if len(plan.join_urls) > 1:
        lines.append("If the room cannot reach that address, try: " + "  ".join(plan.join_urls[1:]))
    lines += [
        "",
        f"Limits: {plan.limits.max_kernels} apps open at once{sized}, {plan.limits.per_browser} per "
        f"browser; {ready if options.preheat else 'no ready kernels (--no-preheat)'}; an app whose "
        f"tab was closed is freed after {round(options.cull_idle / 60)} min idle.",
    ]
    lines += [f"Warning: {w}" for w in plan.warnings]
    return "\n".join(lines)


def _nodelay() -> bool:
    return os.environ.get(NODELAY_ENV, "1").strip().lower() not in ("0", "false", "no", "off")


def workbook_voila(options: ServeOptions, plan: RoomPlan | None):
    """Voila, with our kernel websocket (TCP_NODELAY), our pools, and in room mode the door."""
    from jupyter_core.utils import ensure_async
    from tornado import web as web_static
    from voila.app import Voila
    from voila.request_info_handler import RequestInfoSocketHandler
    from voila.tornado.handler import TornadoVoilaHandler
    from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

    from pcn_workbook.charts import live_bundle as live
    from pcn_workbook.workshop import door

    nodelay = _nodelay()

    class KernelSocket(VoilaKernelWebsocketHandler):
        async def open(self, kernel_id):
            # Without it Nagle's algorithm holds a small reply back until the client's delayed
            # ACK (~40 ms) for clients that do not ack at once (benchmarks/bench_room.py).
            if nodelay:
                self.set_nodelay(True)
            return await super().open(kernel_id)

    class Page(MovedStepRedirect, TornadoVoilaHandler):
        pass

    class RoomPage(MovedStepRedirect, door.RoomPageMixin, TornadoVoilaHandler):
        pass

    waiting: dict[str, asyncio.Event] = {}  # pooled kernel id -> set once it waits for its page

    class RequestInfoSocket(RequestInfoSocketHandler):
        """A preheated kernel connects here when its notebook reaches ``get_query_string``."""

        def open(self, kernel_id: str) -> None:
            super().open(kernel_id)
            waiting.setdefault(kernel_id, asyncio.Event()).set()

    class ChartAsset(web_static.StaticFileHandler):
        """The live charts' JavaScript: one file named by its content's hash, so cached for a year."""

        def set_extra_headers(self, path):
            self.set_header("Cache-Control", "public, max-age=31536000, immutable")

    class WorkbookVoila(Voila):
        def init_settings(self):
            if options.preheat:
                pools = {"default": {"pool_size": options.pool, "kernel_env_variables": {}}}
                pools.update({nb: {"pool_size": n} for nb, n in options.pools})
                self.config.VoilaKernelManager.kernel_pools_config = pools
            settings = super().init_settings()
            # Voila made a LargeFileManager in init_settings; swap in one that serves app cells only
            # (before any handler or pooled kernel reads a notebook through it).
            contents = app_contents_manager(type(self.contents_manager))(parent=self,
                                                                          root_dir=self.contents_manager.root_dir)
            self.contents_manager = settings["contents_manager"] = contents
            if options.preheat:
                self._pace_pool_fills()
            if plan is not None:
                self._count_page_kernels()
            return settings

        def _pace_pool_fills(self):
            """Start pooled kernels a few at a time, each running its notebook to the end first.

            Voila refills a pool as soon as a kernel is taken: when 40 people open an app in 10
            seconds, 40 new kernels each run the notebook at once, and on 2 cores they starve the
            kernels the room is already using (benchmarks/bench_room.py measured a p95 time to
            interactive of 123 s, 11 of 40 pages timing out). Paced, the refills take one core
            and leave the other to the room. Pages that find no ready kernel queue in order.
            """
            manager = self.kernel_manager
            initialize = manager._initialize  # Voila's: start a kernel, pre-render the notebook
            room_for = asyncio.Semaphore(POOL_FILLS_AT_ONCE)

            async def paced(notebook_path, kernel_id=None, **kwargs):
                async with room_for:
                    started = await initialize(notebook_path, kernel_id, **kwargs)
                    ready = waiting.setdefault(started["kernel_id"], asyncio.Event())
                    # Hold the place until the notebook has run as far as it can before a page asks
                    # for it (the app's get_query_string), or to the end; it may raise (the page says).
                    done = asyncio.ensure_future(asyncio.shield(started["task"]))
                    asked = asyncio.ensure_future(ready.wait())
                    try:
                        await asyncio.wait({done, asked}, timeout=PREHEAT_WAIT_SECONDS,
                                           return_when=asyncio.FIRST_COMPLETED)
                        if not (done.done() or asked.done()):
                            manager.log.warning("%s: a pool fill held its place for %d s (its notebook neither "
                                                "finished nor asked for its page)", notebook_path, PREHEAT_WAIT_SECONDS)
                    finally:
                        asked.cancel()
                        if not done.done():
                            done.cancel()  # cancels our wait only: the shield keeps the render going
                        waiting.pop(started["kernel_id"], None)
                return started

            manager._initialize = paced

        def _count_page_kernels(self):
            """Tell the room's ledger which kernel each app page was given."""
            manager = self.kernel_manager
            start_kernel = manager.start_kernel  # a page with no ready kernel starts one

            async def start_and_note(*args, **kwargs):
                kernel_id = await ensure_async(start_kernel(*args, **kwargs))
                door.note_kernel(kernel_id)
                return kernel_id

            manager.start_kernel = start_and_note
            if hasattr(manager, "get_rendered_notebook"):  # a page taking a ready kernel
                take = manager.get_rendered_notebook

                async def take_and_note(*args, **kwargs):
                    task, cache, kernel_id = await take(*args, **kwargs)
                    door.note_kernel(kernel_id)
                    return task, cache, kernel_id

                manager.get_rendered_notebook = take_and_note

        def init_handlers(self):
            from pcn_workbook.workshop import store as workshop_store
            from pcn_workbook.workshop import web

            prefix = self.server_url.rstrip("/")
            link_base = plan.join_urls[0].split("/?")[0].rstrip("/") if plan is not None else ""
            routes = [(prefix + pattern, handler, kwargs) for pattern, handler, kwargs in
                      web.handlers(workshop_store.open_store, link_base=link_base,
                                   token=plan.token if plan is not None else "")]
            routes.append((f"{prefix}/{live.ASSET_PREFIX}(livechart-[0-9a-f]{{16}}[.]js)", ChartAsset,
                           {"path": str(live.cache_dir())}))
            swap = {VoilaKernelWebsocketHandler: KernelSocket, RequestInfoSocketHandler: RequestInfoSocket,
                    TornadoVoilaHandler: Page}
            if plan is not None:
                swap[TornadoVoilaHandler] = RoomPage
            return routes + [
                (rule[0], swap.get(rule[1], rule[1]), *rule[2:]) if isinstance(rule, tuple) else rule
                for rule in super().init_handlers()
            ]

        def listen(self):
            if plan is not None:
                manager = self.kernel_manager
                the_door = door.Door(
                    token=plan.token,
                    ledger=room_rules.Ledger(plan.limits),
                    join_urls=plan.join_urls,
                    alive=lambda: set(manager.list_kernel_ids()),
                    pooled=lambda: sum(len(p) for p in getattr(manager, "_pools", {}).values()),
                    cull_idle_seconds=options.cull_idle,
                )
                RoomPage.door = the_door
                door.install(self.app, the_door)
                self._free_unopened_pages(the_door)
            super().listen()

        def _free_unopened_pages(self, the_door) -> None:
            """Room mode: give back the place of a page whose browser never connected to its kernel
            (closed while loading, so no unload message shut it down) after ``unopened_seconds``,
            instead of leaving it to the idle cull ten minutes later."""
            from tornado.ioloop import PeriodicCallback

            manager, ledger = self.kernel_manager, the_door.ledger
            connect = manager.notify_connect

            def notify_connect(kernel_id):  # called when a browser's websocket for the kernel opens
                ledger.attach(kernel_id)
                return connect(kernel_id)

            manager.notify_connect = notify_connect

            async def free() -> None:
                for kernel_id in ledger.take_unopened(set(manager.list_kernel_ids()), plan.unopened_seconds):
                    manager.log.info("Freeing kernel %s: its page never connected in %d s", kernel_id,
                                     plan.unopened_seconds)
                    try:
                        await ensure_async(manager.shutdown_kernel(kernel_id))
                    except Exception as error:  # noqa: BLE001 - gone already, or dying: nothing to free
                        manager.log.warning("Could not free kernel %s: %s", kernel_id, error)

            PeriodicCallback(free, UNOPENED_CHECK_SECONDS * 1000).start()

    return WorkbookVoila


def open_workshop_store(options: ServeOptions) -> str:
    """Make the workshop store ready (migrated to the newest schema) before any kernel starts.

    Kernels inherit the URL through ``PCN_WORKBOOK_DB``; returns it."""
    from pcn_workbook.workshop import store as workshop_store

    if options.db:
        os.environ[workshop_store.DB_ENV] = options.db
    url = workshop_store.default_url()
    try:
        workshop_store.open_store(url)
    except workshop_store.StoreError as err:
        from sqlalchemy.engine import make_url

        shown = make_url(url).render_as_string(hide_password=True)
        raise ServeError(f"The workshop store ({shown}) is not usable: {err}") from None
    return url


def serve_live_charts() -> str:
    """Build the live charts' JavaScript once (in a child process) and tell kernels where it is served.

    Kernels inherit ``PCN_WORKBOOK_LIVECHART_URL``; their charts then import one cached file instead
    of each carrying the Vega bundle (see ``charts/live.py``). Returns the path served."""
    from pcn_workbook.charts import live_bundle as live

    try:
        live.build_bundle_elsewhere()
    except Exception as err:  # noqa: BLE001 - charts still work, each with its own copy
        print(f"PCN Workbook: the shared chart bundle could not be built ({err}); each chart carries its own.",
              flush=True)
        os.environ.pop(live.URL_ENV, None)
        return ""
    os.environ[live.URL_ENV] = "/" + live.ASSET_PREFIX + live.bundle_name()
    return os.environ[live.URL_ENV]


def serve_chart_designs() -> None:
    """Write the chart designs file once (in a child process), so that kernels draw their first
    screens without importing Altair (see ``charts/designs.py``)."""
    from pcn_workbook.charts import designs

    try:
        designs.build_designs_elsewhere()
    except Exception as err:  # noqa: BLE001 - charts still work: each kernel builds its designs itself
        print(f"PCN Workbook: the chart designs could not be written ({err}); each kernel builds its own.", flush=True)


def run(options: ServeOptions) -> None:
    """Start Voila in this process and serve until interrupted."""
    check(options)
    plan = plan_room(options) if options.room else None
    without_unused_format_checkers()  # before Voila brings in jsonschema (through jupyter_events)
    voila_class = workbook_voila(options, plan)  # imports Voila late: `--help` stays fast

    allow_unload_shutdown()
    reuse_compiled_templates()
    open_workshop_store(options)
    chart_code = serve_live_charts()
    serve_chart_designs()

    data_dir = template_data_dir()
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(data_dir), os.environ.get("JUPYTER_PATH", "")) if p
    )
    # Kernels inherit this process's environment: keep the room token out of it.
    os.environ.pop(room_rules.TOKEN_ENV, None)
    app = voila_class()
    app.initialize(voila_argv(options, chart_code))
    # Set after initialize (which creates voila_configuration) and before start (which reads it).
    app.voila_configuration.page_config_hook = gallery.page_config_hook(
        options.notebooks.resolve()
    )
    mode = "preheated kernels" if options.preheat else "a fresh kernel per page"
    print(f"PCN Workbook: serving {options.notebooks} with {mode}.", flush=True)
    if plan is not None:
        print(describe_room(options, plan), flush=True)
    else:
        print(f"Open {options.url} in a browser (Ctrl-C stops the server).", flush=True)
    app.start()
