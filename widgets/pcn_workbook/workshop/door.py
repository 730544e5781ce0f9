"""The door of a room server: every request passes here before Voila sees it.

:func:`install` wraps the Tornado application's ``find_handler``, the one place every request
(pages, static files, kernel websockets, API calls) is routed, so nothing can slip past it:

* a request carrying ``?token=`` that matches gets the room cookie and is sent on to the same
  address without the token (so the token never reaches Voila, the kernel's environment or any
  widget); a websocket or API call may carry the token instead of the cookie;
* a request with neither gets a short page saying how to join (403), never a traceback;
* ``/room`` is the facilitator's page: the join link in large type, its QR code, and the room's
  numbers (``/room/status.json``), for the projector.

App pages go through :class:`RoomPageMixin` (mixed into Voila's page handler by ``serve``), which
asks the :class:`~pcn_workbook.workshop.room.Ledger` whether the room and this browser have room
for one more app, and answers 503 with a "try again in a minute" page when not.
"""

from __future__ import annotations

import contextvars
import functools
import html
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qsl, urlencode

import tornado.web

from pcn_workbook.workshop.room import Ledger, Refusal, qr_svg, token_matches

ROOM_COOKIE = "pcn_room"
BROWSER_COOKIE = "pcn_browser"
ROOM_PATH = "/room"
RETRY_SECONDS = 60
PAGES = Path(__file__).with_name("pages")

# The page being opened, for the kernel manager's wrappers (set in the page handler's own task).
OPENING: contextvars.ContextVar[tuple[Ledger, int] | None] = contextvars.ContextVar(
    "pcn_opening", default=None
)


@dataclass
class Door:
    token: str
    ledger: Ledger
    join_urls: list[str]  # the join link for each of the machine's addresses, best first
    alive: Callable[[], set[str]]  # ids of the running kernels
    pooled: Callable[[], int]  # kernels waiting in the preheated pools
    cull_idle_seconds: int

    def status(self) -> dict[str, Any]:
        alive = self.alive()
        return {
            "apps_open": self.ledger.held(alive),
            "max_apps": self.ledger.limits.max_kernels,
            "per_browser": self.ledger.limits.per_browser,
            "ready_kernels": self.pooled(),
            "cull_idle_minutes": round(self.cull_idle_seconds / 60),
        }


@functools.cache
def _read(name: str) -> str:
    path = PAGES / name
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value if key.endswith("_html") else html.escape(value))
    return text


def _page(name: str, title: str, head_html: str = "", **values: str) -> str:
    """``pages/<name>`` (the page's body) inside ``pages/base.html``, with ``{{name}}`` places
    filled: values are escaped unless their key ends in ``_html``. A page may bring its own
    styles in ``pages/<stem>_style.html``."""
    return _fill(_read("base.html"), {
        "title": title,
        "head_html": head_html,
        "style_html": _read(f"{Path(name).stem}_style.html"),
        "body_html": _fill(_read(name), values),
    })


def _wants_page(request) -> bool:
    """A person's browser asking for a page (not a script, stylesheet, socket or API call)."""
    return request.method in ("GET", "HEAD") and "text/html" in request.headers.get("Accept", "")


def _is_websocket(request) -> bool:
    return request.headers.get("Upgrade", "").lower() == "websocket"


def _without_token(request) -> str:
    query = [(k, v) for k, v in parse_qsl(request.query, keep_blank_values=True) if k != "token"]
    return request.path + (f"?{urlencode(query)}" if query else "")


class _DoorHandler(tornado.web.RequestHandler):
    """Shared by the door's own pages: no server header, no caching, plain errors."""

    def set_default_headers(self) -> None:
        self.clear_header("Server")
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")  # the token must not leak onwards

    def write_error(self, status_code: int, **kwargs: Any) -> None:  # never a traceback
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status_code}: the workshop server could not answer that request.\n")


class JoinHandler(_DoorHandler):
    """A page address carrying ``?token=``: set the room cookie when the token is right (a
    browser that already has the cookie may carry a stale one), then go on to the same address
    without the token."""

    def initialize(self, door: Door, grant: bool) -> None:
        self.door, self.grant = door, grant

    def get(self, *args: Any) -> None:
        if self.grant:
            self.set_cookie(ROOM_COOKIE, self.door.token, httponly=True, samesite="Lax")
        self.redirect(_without_token(self.request), status=303)

    head = get


class LockedHandler(_DoorHandler):
    """No token, or a wrong one: a short page saying how to join (or one line for a script)."""

    def prepare(self) -> None:
        self.set_status(403)
        if _wants_page(self.request):
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(_page("locked.html", "Join the workshop"))
        else:
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish("This workshop needs its join link: ask the facilitator.\n")


class RoomHandler(_DoorHandler):
    """The facilitator's page: join link, QR code and the room's numbers."""

    def initialize(self, door: Door) -> None:
        self.door = door

    def get(self, what: str = "") -> None:
        if what == "/status.json":
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps(self.door.status()))
            return
        if what:
            raise tornado.web.HTTPError(404)
        link = self.door.join_urls[0]
        others = "".join(
            f"<li><code>{html.escape(url)}</code></li>" for url in self.door.join_urls[1:]
        )
        status = self.door.status()
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(
            _page(
                "room.html",
                "Join the workshop",
                link=link,
                qr_html=qr_svg(link, "QR code of the join link"),
                others_html=f"<p>Other addresses of this laptop:</p><ul>{others}</ul>" if others else "",
                status_json_html=json.dumps(status).replace("<", "\\u003c"),
                max_apps=str(status["max_apps"]),
                per_browser=str(status["per_browser"]),
                cull=str(status["cull_idle_minutes"]),
            )
        )


def full_page(refusal: Refusal) -> str:
    if refusal.reason == "room":
        headline = "The room is full: try again in a minute"
        detail = (
            f"Every place is taken: this laptop holds {refusal.limit} "
            f"app{'s' if refusal.limit != 1 else ''} at once. When someone closes a tab a place "
            "frees up; this page tries again by itself."
        )
    else:
        headline = "Too many apps open in this browser"
        detail = (
            f"This browser already has {refusal.held} apps open, the most one person may hold so "
            "that everyone in the room gets one. Close a tab you no longer need; this page tries "
            "again by itself."
        )
    refresh = f'<meta http-equiv="refresh" content="{RETRY_SECONDS}">'
    return _page("full.html", headline, refresh, headline=headline, detail=detail,
                 retry=str(RETRY_SECONDS))


class RoomPageMixin:
    """Mixed into Voila's app page handler: count the page against the room's limits."""

    door: Door | None = None  # set by serve on the mixed class

    async def prepare(self) -> None:
        door = self.door
        if door is None:
            return await super().prepare()
        browser = self.get_cookie(BROWSER_COOKIE)
        if not browser:  # its first app page (or cookies cleared): a new random id
            browser = secrets.token_urlsafe(12)
            self.set_cookie(BROWSER_COOKIE, browser, httponly=True, samesite="Lax")
        self._pcn_key = id(self)
        refusal = door.ledger.admit(self._pcn_key, browser, door.alive())
        if refusal is not None:
            self.set_status(503)
            self.set_header("Retry-After", str(RETRY_SECONDS))
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(full_page(refusal))
            return
        OPENING.set((door.ledger, self._pcn_key))
        return await super().prepare()

    def on_finish(self) -> None:
        if self.door is not None and hasattr(self, "_pcn_key"):
            self.door.ledger.done(self._pcn_key)
        super().on_finish()


def note_kernel(kernel_id: str) -> None:
    """Called by the kernel manager's wrappers when a page has been given ``kernel_id``."""
    opening = OPENING.get()
    if opening is not None:
        ledger, key = opening
        ledger.assign(key, kernel_id)


def install(app: tornado.web.Application, door: Door) -> None:
    """Put the door in front of every route of ``app``."""
    route = app.find_handler

    def find_handler(request, **kwargs):
        given = dict(parse_qsl(request.query)).get("token")
        right = token_matches(given, door.token)
        cookie = request.cookies.get(ROOM_COOKIE)
        inside = right or (cookie is not None and token_matches(cookie.value, door.token))
        if not inside:
            return app.get_handler_delegate(request, LockedHandler)
        if given is not None and request.method in ("GET", "HEAD") and not _is_websocket(request):
            # a page address keeps no token: set the cookie (when it is right) and drop it
            return app.get_handler_delegate(request, JoinHandler, {"door": door, "grant": right})
        if request.path == ROOM_PATH or request.path.startswith(ROOM_PATH + "/"):
            what = request.path[len(ROOM_PATH):]
            return app.get_handler_delegate(request, RoomHandler, {"door": door}, path_args=[what.encode()])
        return route(request, **kwargs)

    app.find_handler = find_handler
