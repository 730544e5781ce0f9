"""The workshop's own pages, served by the same process as the apps (no kernel needed).

* ``/join`` and ``/join/CODE``: a participant types the code, or follows the join link, and gets
  the workshop's chapter apps, each opened with ``?workshop=CODE`` (and the chapter's preset).
* ``/facilitator/CODE?key=KEY``: the facilitator's link. The key is checked against the store's
  salted scrypt hash; a right key sets an HttpOnly cookie (an HMAC of the code keyed by that hash,
  so any server process sharing the store can check it) and redirects to the control view
  without the key in the address. Without the cookie, nothing of the workshop is sent.
* ``/facilitator/CODE/control`` (the facilitator's laptop) and ``/facilitator/CODE/projector``
  (the wall) poll ``state.json``; the control view posts actions (reveal, open or close, reset,
  counting rule, moderation, close the workshop) and downloads ``export.csv``.
* ``/workshops/new``: the form that creates a workshop, for the server's own machine only.

Everything a participant typed reaches these pages as JSON and is put on screen with
``textContent``; charts arrive as SVG pictures inside ``<img>`` (a picture cannot run script).
"""

from __future__ import annotations

import functools
import html
import json
import secrets
from typing import Any, Callable
from urllib.parse import quote, urlencode

import tornado.web
from tornado.ioloop import IOLoop

from . import dashboard
from . import session as ses
from . import store as st
from .door import _page, _read

CODE = r"([A-Za-z0-9]{1,12})"
COOKIE_PREFIX = "pcn_facilitator_"
LOOPBACK = {"127.0.0.1", "::1"}


class _Page(tornado.web.RequestHandler):
    def initialize(self, store: Callable[[], st.Store], link_base: str = "", token: str = "") -> None:
        self._store, self.link_base, self.token = store, link_base.rstrip("/"), token

    def set_default_headers(self) -> None:
        self.clear_header("Server")
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")  # the key must not leak onwards

    def prepare(self) -> None:
        # Only our own script runs (its nonce is new for every page): an injected inline handler cannot.
        self.nonce = secrets.token_urlsafe(16)
        self.set_header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; "
                        f"style-src 'self' 'unsafe-inline'; script-src 'nonce-{self.nonce}'; "
                        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")

    def write_error(self, status_code: int, **kwargs: Any) -> None:  # never a traceback
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status_code}: the workshop server could not answer that request.\n")

    async def call(self, fn: Callable, *args, **kwargs):
        """A store call off the event loop (SQLite and PostgreSQL drivers block)."""
        return await IOLoop.current().run_in_executor(None, functools.partial(fn, *args, **kwargs))

    @property
    def store(self) -> st.Store:
        return self._store()

    def message(self, status: int, title: str, text: str) -> None:
        self.set_status(status)
        self.finish(_page("message.html", title, heading=title, text=text))

    def link(self, path: str, **query: str) -> str:
        if self.token:
            query = {**query, "token": self.token}
        base = self.link_base or f"{self.request.protocol}://{self.request.host}"
        return base + path + (f"?{urlencode(query)}" if query else "")


class JoinForm(_Page):
    def get(self) -> None:
        code = self.get_query_argument("code", "").strip()
        if code:
            self.redirect(f"/join/{quote(code[:12], safe='')}", status=303)
            return
        self.finish(_page("join_form.html", "Join a workshop"))


class JoinPage(_Page):
    async def get(self, code: str) -> None:
        try:
            workshop = await self.call(self.store.workshop, st.normalise_code(code))
        except st.NotFound:
            self.message(404, "No such workshop", "No workshop has that code. Check the join link, or ask the "
                         "facilitator for the code and type it on the join page.")
            return
        except st.StoreError as err:
            self.message(503, "The workshop store cannot be reached", str(err))
            return
        if workshop.is_closed:
            self.message(410, "This workshop has closed", f"'{workshop.title}' has closed. The apps still work "
                         "on their own from the gallery.")
            return
        items = []
        for chapter in ses.QUESTIONS:
            preset = workshop.presets.get(chapter, "")
            href = f"/voila/render/{chapter}.ipynb?workshop={workshop.code}" + (f"&{preset}" if preset else "")
            items.append(f"<li><a href=\"{_esc(href)}\">{_esc(ses.CHAPTER_TITLES[chapter])}</a></li>")
        self.finish(_page("join.html", f"Join {workshop.title}", workshop=workshop.title, code=workshop.code,
                          chapters_html="\n".join(items)))


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


class _Facilitator(_Page):
    """Needs the facilitator's cookie for the workshop in the address; sends nothing without it."""

    async def admitted(self, code: str) -> str | None:
        try:
            code = st.normalise_code(code)
        except st.NotFound:
            self.message(404, "No such workshop", "That is not a workshop code.")
            return None
        cookie = self.get_cookie(COOKIE_PREFIX + code, "")
        try:
            ok = bool(cookie) and await self.call(self.store.check_cookie, code, cookie)
        except st.StoreError as err:
            self.message(503, "The workshop store cannot be reached", str(err))
            return None
        if not ok:
            self.message(403, "This page needs the facilitator link",
                         "Open the facilitator link printed when the workshop was created (it carries the key).")
            return None
        return code


class FacilitatorLogin(_Facilitator):
    async def get(self, code: str) -> None:
        key = self.get_query_argument("key", "")
        try:
            code = st.normalise_code(code)
        except st.NotFound:
            self.message(404, "No such workshop", "That is not a workshop code.")
            return
        if not key:
            if await self.admitted(code):
                self.redirect(f"/facilitator/{code}/control", status=303)
            return
        try:
            right = await self.call(self.store.check_key, code, key)
            cookie = await self.call(self.store.facilitator_cookie, code) if right else ""
        except st.StoreError as err:
            self.message(503, "The workshop store cannot be reached", str(err))
            return
        if not right:
            self.message(403, "That key does not open this workshop",
                         "Check the facilitator link; keys are shown once, when the workshop is created.")
            return
        self.set_cookie(COOKIE_PREFIX + code, cookie, path=f"/facilitator/{code}", httponly=True, samesite="Strict")
        self.redirect(f"/facilitator/{code}/control", status=303)


class FacilitatorView(_Facilitator):
    async def get(self, code: str, view: str) -> None:
        code = await self.admitted(code)
        if code is None:
            return
        workshop = await self.call(self.store.workshop, code)
        page = _page(f"{view}.html", f"{workshop.title} ({view})",
                     head_html=f"<script nonce=\"{self.nonce}\">{_read('dashboard.js')}</script>",
                     code=code, view=view, xsrf=self.xsrf_token.decode(), join_link=self.link(f"/join/{code}"))
        self.finish(page)


class State(_Facilitator):
    async def get(self, code: str) -> None:
        code = await self.admitted(code)
        if code is None:
            return
        view = "projector" if self.get_query_argument("view", "") == "projector" else "control"
        role = self.get_query_argument("role", "")[:60] or None
        since = self.get_query_argument("since", "")
        try:
            revision = await self.call(self.store.revision, code)
            tag = dashboard.revision_tag(revision, view, role)
            if since and since == tag:
                self.set_header("Content-Type", "application/json")
                self.finish(json.dumps({"same": True, "revision": tag}))
                return
            snap = await self.call(dashboard.snapshot, self.store, code, view, role, revision)
        except st.StoreError as err:
            self.set_status(503)
            self.finish({"error": str(err)})
            return
        snap["join_link"] = self.link(f"/join/{code}")
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(snap))


ACTIONS = {"reveal", "hide", "open", "close", "reset", "mode", "approve", "reject", "close_workshop"}


class Action(_Facilitator):
    async def post(self, code: str) -> None:  # tornado checks the XSRF token first
        code = await self.admitted(code)
        if code is None:
            return
        try:
            body = json.loads(self.request.body or b"{}")
            action, question = str(body.get("action", "")), str(body.get("question", ""))
        except (ValueError, AttributeError):
            body, action, question = {}, "", ""
        if action not in ACTIONS or (question and question not in ses.CHAPTER_OF):
            self.set_status(400)
            self.finish({"error": "Unknown action."})
            return
        s = self.store
        try:
            if action in ("reveal", "hide"):
                await self.call(s.set_question, code, question, revealed=action == "reveal")
            elif action in ("open", "close"):
                await self.call(s.set_question, code, question, is_open=action == "open")
            elif action == "reset":
                await self.call(s.reset_question, code, question)
            elif action == "mode":
                mode = "first" if body.get("value") == "first" else "latest"
                await self.call(s.set_question, code, question, mode=mode)
            elif action in ("approve", "reject"):
                await self.call(s.moderate, code, int(body.get("id", 0)), "approved" if action == "approve" else "rejected")
            elif action == "close_workshop":
                await self.call(s.close_workshop, code)
        except (ValueError, TypeError):
            self.set_status(400)
            self.finish({"error": "That request was malformed."})
            return
        except st.StoreError as err:
            self.set_status(409 if isinstance(err, (st.NotFound, st.Closed, st.Refused)) else 503)
            self.finish({"error": str(err)})
            return
        self.finish({"ok": True})


class Export(_Facilitator):
    async def get(self, code: str) -> None:
        code = await self.admitted(code)
        if code is None:
            return
        import io

        out = io.StringIO()
        try:
            await self.call(self.store.export_csv, code, out)
        except st.StoreError as err:
            self.message(503, "Export failed", str(err))
            return
        self.set_header("Content-Type", "text/csv; charset=utf-8")
        self.set_header("Content-Disposition", f'attachment; filename="workshop-{code}.csv"')
        self.finish(out.getvalue())


class NewWorkshop(_Page):
    """Create a workshop from the server's own machine (participants reach the same server)."""

    def local(self) -> bool:
        if self.request.remote_ip in LOOPBACK:
            return True
        self.message(403, "Create workshops on the server's machine",
                     "Open this page on the laptop running the server, or run: pcn-workbook workshop new \"Title\".")
        return False

    def get(self) -> None:
        if self.local():
            self.finish(_page("new.html", "New workshop", xsrf=self.xsrf_token.decode()))

    async def post(self) -> None:
        if not self.local():
            return
        title = self.get_body_argument("title", "")
        try:
            made = await self.call(self.store.create_workshop, title)
        except st.StoreError as err:
            self.message(400 if isinstance(err, st.Refused) else 503, "The workshop was not created", str(err))
            return
        code = made.workshop.code
        self.finish(_page("created.html", f"Workshop {code}", workshop=made.workshop.title, code=code,
                          join_link=self.link(f"/join/{code}"),
                          facilitator_link=self.link(f"/facilitator/{code}", key=made.key)))


def handlers(store: Callable[[], st.Store], link_base: str = "", token: str = "") -> list[tuple]:
    """The workshop routes, for Voila's handler list (``serve``)."""
    kw = {"store": store, "link_base": link_base, "token": token}
    return [
        (r"/join/?", JoinForm, kw),
        (rf"/join/{CODE}/?", JoinPage, kw),
        (r"/workshops/new/?", NewWorkshop, kw),
        (rf"/facilitator/{CODE}/?", FacilitatorLogin, kw),
        (rf"/facilitator/{CODE}/(control|projector)", FacilitatorView, kw),
        (rf"/facilitator/{CODE}/state\.json", State, kw),
        (rf"/facilitator/{CODE}/action", Action, kw),
        (rf"/facilitator/{CODE}/export\.csv", Export, kw),
    ]

