"""Simulated workshop participants: each one is a browser tab opening a Voila app, without a browser.

A ``Participant`` sends the server what a Voila 0.5 page with ipywidgets 8 sends (found by reading
the page's scripts and recording one real Chromium page load):

1. ``GET /voila/render/<notebook>``: the page, with the kernel id in its ``jupyter-config-data``.
   In room mode the first request carries ``?token=...``; the server answers with a redirect and
   cookies, which we keep (each participant has its own cookie jar, as each laptop has its own
   browser; tabs of one browser can share one with ``cookies=``).
2. Optionally the page's static files (scripts, styles), six at a time like a browser; the list
   comes from a real page load (``bench_room.py`` records it with Chromium once). A browser that
   has been to the page before has them cached, so the soak loop skips them.
3. ``GET /api/kernels/<id>`` (Voila's front end checks the kernel exists before connecting).
4. The kernel websocket ``/api/kernels/<id>/channels?session_id=<uuid>``, with our cookies and an
   ``Origin`` header, then ``kernel_info_request`` on the shell channel (JupyterLab's kernel
   connection does this first).
5. ipywidgets 8's ``_loadFromKernel``: ``comm_open`` on target ``jupyter.widget.control`` and a
   ``{"method": "request_states"}`` message on it; the kernel answers with one ``update_states``
   message on iopub holding every widget's state. Then the control comm is closed.
   **Time to interactive** is from the start of step 1 to having that reply. (A browser then still
   runs JavaScript and draws; that part is the laptop's, not the server's, and is not in here.)
   ``stages`` records when each step ended, so a slow or failed open says where it waited.

``move_slider(value)`` sends what dragging a slider sends: a ``comm_msg`` with
``{"method": "update", "state": {"value": v}, "buffer_paths": []}`` to the slider's comm. The round
trip ends at the iopub ``status: idle`` whose parent is our message: the kernel has run every
callback and sent every resulting update. ``close()`` does what the page does on ``beforeunload``:
``POST /voila/api/shutdown/<kernel id>``, then closes the websocket.

Wire format: by default the ``v1.kernel.websocket.jupyter.org`` subprotocol (binary frames: offsets,
channel, header, parent header, metadata, content, buffers), because that is what the browser's
JupyterLab services library asks for and jupyter_server picks. ``protocol="legacy"`` uses the old
format (JSON text frames with a ``channel`` key) instead; jupyter_server accepts both. Either way
the server only forwards comm, kernel-info and shutdown messages from clients.

Not simulated: views that send messages as soon as they are drawn (e.g. the stories app's
``SessionText`` widget), HTTP keep-alive (tornado's client opens one connection per request), and
the browser's own JavaScript time.

Every step is bounded by ``timeout`` seconds; a failure is recorded in ``errors`` as
``"<step>: <what happened>"`` (HTTP status, refusal page, timeout, closed socket) and the method
returns ``False``/``None`` instead of raising, so one bad participant never stops the others.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode, urljoin, urlsplit

from tornado.httpclient import AsyncHTTPClient, HTTPRequest, HTTPResponse
from tornado.websocket import WebSocketClientConnection, websocket_connect

PROTOCOL_V1 = "v1.kernel.websocket.jupyter.org"
CONTROL_TARGET = "jupyter.widget.control"  # ipywidgets 8: one comm that returns every state
PAGE_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"  # Chromium's
CONNECTIONS_PER_HOST = 6  # what browsers open to one host over HTTP/1.1
OPEN_STAGES = ("page", "assets", "kernel", "websocket", "kernel_info", "states")  # steps of open()
CONFIG_DATA = re.compile(
    r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', re.S
)


class StepFailed(Exception):
    """A participant's request was refused or went wrong (the text says which and how)."""


@dataclass
class Slider:
    model_id: str
    value: float
    min: float
    max: float
    step: float

    def next_value(self, direction: int) -> tuple[float, int]:
        """One step in ``direction`` (+1/-1), turning round at the ends; returns value, direction."""
        value = self.value + direction * self.step
        if not self.min <= value <= self.max:
            direction = -direction
            value = self.value + direction * self.step
        value = min(max(value, self.min), self.max)
        if float(self.step).is_integer() and float(self.min).is_integer():
            value = int(round(value))
        return value, direction


# --- the kernel websocket wire formats -----------------------------------------------------------

def encode_v1(channel: str, parts: list[bytes]) -> bytes:
    """v1 frame: number of offsets, the offsets (8-byte little-endian), channel, then the parts."""
    chunks = [channel.encode(), *parts]
    offsets = [8 * (len(chunks) + 2)]
    for chunk in chunks:
        offsets.append(offsets[-1] + len(chunk))
    head = len(offsets).to_bytes(8, "little") + b"".join(o.to_bytes(8, "little") for o in offsets)
    return head + b"".join(chunks)


def decode_v1(frame: bytes) -> dict:
    count = int.from_bytes(frame[:8], "little")
    offsets = [int.from_bytes(frame[8 * (i + 1):8 * (i + 2)], "little") for i in range(count)]
    chunks = [frame[start:stop] for start, stop in zip(offsets, offsets[1:])]
    header, parent, metadata, content = (json.loads(c) for c in chunks[1:5])
    return {"channel": chunks[0].decode(), "header": header, "parent_header": parent,
            "metadata": metadata, "content": content, "buffers": chunks[5:]}


def decode_legacy(frame: str | bytes) -> dict:
    """Legacy: a JSON text frame, or (when the message has buffers) a binary frame of a 4-byte
    count, 4-byte big-endian offsets, the JSON message and the buffers."""
    if isinstance(frame, str):
        return json.loads(frame)
    count = int.from_bytes(frame[:4], "big")
    offsets = [int.from_bytes(frame[4 * (i + 1):4 * (i + 2)], "big") for i in range(count)]
    chunks = [frame[start:stop] for start, stop in zip(offsets, [*offsets[1:], len(frame)])]
    message = json.loads(chunks[0])
    message["buffers"] = chunks[1:]
    return message


# --- one participant -----------------------------------------------------------------------------

class Participant:
    """One browser tab on one laptop: its own cookies, its own kernel, its own websocket."""

    def __init__(self, base_url: str, notebook: str, token: str | None = None, *,
                 assets: tuple[str, ...] = (), protocol: str = "v1", timeout: float = 120,
                 cookies: dict[str, str] | None = None):
        """``token``: the room's access token (sent until a cookie holds it); ``assets``: server
        paths of the page's static files, fetched after the page; ``cookies``: the browser's
        cookie jar, to share between tabs of one browser (a reload); a new jar by default."""
        self.base_url = base_url.rstrip("/") + "/"
        self.notebook = notebook
        self.token = token
        self.assets = assets
        self.protocol = protocol
        self.timeout = timeout
        self.cookies = {} if cookies is None else cookies
        self.session_id = str(uuid.uuid4())
        self.kernel_id: str | None = None
        self.states: dict[str, dict] = {}  # model id -> {"model_name": ..., "state": {...}, ...}
        self.states_bytes = 0  # size of the update_states reply on the wire
        self.tti: float | None = None  # seconds, set by a successful open()
        self.stages: dict[str, float] = {}  # step -> seconds from the start of open() to its end
        self._started = 0.0
        self.errors: list[str] = []
        self._http = AsyncHTTPClient(force_instance=True, max_clients=CONNECTIONS_PER_HOST)
        self._ws: WebSocketClientConnection | None = None
        self._reader: asyncio.Task | None = None
        self._waiting: list[tuple[object, asyncio.Future]] = []  # (test on a message, future)

    # - HTTP with a cookie jar -

    def _headers(self, accept: str = "*/*") -> dict[str, str]:
        headers = {"User-Agent": "pcn-room-bench", "Accept": accept, "Accept-Encoding": "gzip"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def _keep_cookies(self, response: HTTPResponse) -> None:
        for line in response.headers.get_list("Set-Cookie"):
            name, _, value = line.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()  # kept verbatim, as a browser does

    async def _fetch(self, path_or_url: str, method: str = "GET", body: str | None = None,
                     expect: tuple[int, ...] = (200,), accept: str = "*/*") -> HTTPResponse:
        """One request, following redirects by hand so every Set-Cookie on the way is kept."""
        url = urljoin(self.base_url, path_or_url)
        for _ in range(5):
            headers = self._headers(accept)
            if body is not None:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            request = HTTPRequest(url, method=method, body=body, headers=headers,
                                  follow_redirects=False, request_timeout=self.timeout)
            response = await self._http.fetch(request, raise_error=False)
            if response.code == 599:  # no HTTP answer: connection refused/reset or timed out
                raise StepFailed(f"{method} {urlsplit(url).path}: no answer ({response.error})")
            self._keep_cookies(response)
            if response.code in (301, 302, 303, 307, 308):
                url = urljoin(url, response.headers["Location"])
                if response.code in (301, 302, 303):
                    method, body = "GET", None
                continue
            if response.code not in expect:
                raise StepFailed(f"{method} {urlsplit(url).path}: HTTP {response.code}"
                                 f"{_refusal_text(response)}")
            return response
        raise StepFailed(f"{method} {path_or_url}: too many redirects")

    def _needs_token(self) -> bool:
        """Send the token in the URL until the cookie jar holds it (the join link's redirect)."""
        return bool(self.token) and self.token not in self.cookies.values()

    def _record(self, step: str, error: BaseException) -> None:
        if isinstance(error, (asyncio.TimeoutError, TimeoutError)):
            self.errors.append(f"{step}: timed out after {self.timeout:g} s")
        elif isinstance(error, StepFailed):
            self.errors.append(f"{step}: {error}")
        else:
            self.errors.append(f"{step}: {type(error).__name__}: {error}")

    # - the kernel websocket -

    def _message(self, msg_type: str, content: dict) -> dict:
        header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "",
                  "session": self.session_id, "version": "5.3",
                  "date": dt.datetime.now(dt.timezone.utc).isoformat()}
        return {"header": header, "parent_header": {}, "metadata": {}, "content": content}

    async def _send(self, channel: str, message: dict) -> None:
        if self.protocol == "v1":
            parts = [json.dumps(message[k]).encode()
                     for k in ("header", "parent_header", "metadata", "content")]
            await self._ws.write_message(encode_v1(channel, parts), binary=True)
        else:
            await self._ws.write_message(json.dumps({**message, "channel": channel}))

    def _expect(self, test) -> asyncio.Future:
        """A future for the first incoming message for which ``test(message)`` is true; register
        it before sending the request so a fast reply cannot be missed."""
        future = asyncio.get_running_loop().create_future()
        self._waiting.append((test, future))
        return future

    async def _read_forever(self) -> None:
        """Hand each incoming message to whoever waits for it, until the socket closes."""
        why = "websocket closed by the server"
        try:
            while (frame := await self._ws.read_message()) is not None:
                arrived = time.perf_counter()
                message = decode_v1(frame) if self.protocol == "v1" else decode_legacy(frame)
                message["size"] = len(frame)
                message["arrived"] = arrived  # perf_counter() when the frame was read
                for entry in list(self._waiting):
                    test, future = entry
                    if future.done():
                        self._waiting.remove(entry)
                    elif test(message):
                        future.set_result(message)
                        self._waiting.remove(entry)
        except Exception as error:  # noqa: BLE001 - a frame we cannot read ends this tab
            why = f"bad frame: {type(error).__name__}: {error}"
        finally:
            for _, future in self._waiting:
                if not future.done():
                    future.set_exception(StepFailed(why))
            self._waiting.clear()

    async def _request(self, channel: str, message: dict, test) -> dict:
        reply = self._expect(test)
        await self._send(channel, message)
        return await reply

    # - what the page does -

    async def open(self) -> bool:
        """Load the app as a page would; on success ``tti`` and ``states`` are set.

        ``stages`` holds the seconds from the start at which each step ended (page, assets,
        kernel, websocket, kernel_info, states), so a slow or failed open says where it waited."""
        self._started = time.perf_counter()
        try:
            await asyncio.wait_for(self._open(), self.timeout)
        except Exception as error:  # noqa: BLE001 - every failure is a finding
            self._record(f"open (waiting for {self._next_stage()})", error)
            return False
        self.tti = time.perf_counter() - self._started
        return True

    def _stage_done(self, stage: str) -> None:
        self.stages[stage] = time.perf_counter() - self._started

    def _next_stage(self) -> str:
        return next((s for s in OPEN_STAGES if s not in self.stages), "the end")

    async def _open(self) -> None:
        path = f"voila/render/{self.notebook}"  # the notebook may carry a query: app.ipynb?a=1
        if self._needs_token():
            path += ("&" if "?" in path else "?") + urlencode({"token": self.token})
        page = await self._fetch(path, accept=PAGE_ACCEPT)
        config = CONFIG_DATA.search(page.body.decode("utf-8", "replace"))
        if not config:
            raise StepFailed(f"GET {path}: page has no jupyter-config-data")
        self.kernel_id = json.loads(config.group(1))["kernelId"]
        self._stage_done("page")

        await self._fetch_assets()
        self._stage_done("assets")
        await self._fetch(f"api/kernels/{self.kernel_id}")
        self._stage_done("kernel")

        ws_url = self.base_url.replace("http", "ws", 1) + (
            f"api/kernels/{self.kernel_id}/channels?session_id={self.session_id}")
        if self._needs_token():
            ws_url += "&" + urlencode({"token": self.token})
        headers = {**self._headers(), "Origin": self.base_url.rstrip("/")}
        request = HTTPRequest(ws_url, headers=headers, request_timeout=self.timeout)
        subprotocols = [PROTOCOL_V1] if self.protocol == "v1" else None
        try:
            self._ws = await websocket_connect(request, subprotocols=subprotocols,
                                               max_message_size=256 * 2**20)
        except Exception as error:
            code = getattr(error, "code", None)
            raise StepFailed(f"websocket: {'HTTP ' + str(code) if code else error}") from None
        if self.protocol == "v1" and self._ws.selected_subprotocol != PROTOCOL_V1:
            raise StepFailed(f"websocket: server chose protocol {self._ws.selected_subprotocol!r}")
        self._reader = asyncio.ensure_future(self._read_forever())
        self._stage_done("websocket")

        info = self._message("kernel_info_request", {})
        await self._request("shell", info, lambda m: _is_reply_to(m, info, "kernel_info_reply"))
        self._stage_done("kernel_info")

        comm_id = uuid.uuid4().hex
        opening = self._message("comm_open", {"comm_id": comm_id, "target_name": CONTROL_TARGET,
                                              "data": {}})
        opening["metadata"] = {"version": "1.0.0"}  # ipywidgets' control comm protocol version
        await self._send("shell", opening)
        states = await self._request(
            "shell",
            self._message("comm_msg", {"comm_id": comm_id, "data": {"method": "request_states"}}),
            lambda m: (m["header"]["msg_type"] == "comm_msg"
                       and m["content"].get("comm_id") == comm_id
                       and m["content"]["data"].get("method") == "update_states"),
        )
        self.states = states["content"]["data"]["states"]
        self.states_bytes = states["size"]
        self._stage_done("states")
        await self._send("shell", self._message("comm_close", {"comm_id": comm_id, "data": {}}))

    async def _fetch_assets(self) -> None:
        queue = list(self.assets)

        async def worker():
            while queue:
                await self._fetch(queue.pop(0), expect=(200, 304))

        await asyncio.gather(*(worker() for _ in range(CONNECTIONS_PER_HOST)))

    def slider(self, dom_class: str) -> Slider | None:
        """The slider whose ``_dom_classes`` include ``dom_class`` (from the loaded states)."""
        for model_id, model in self.states.items():
            state = model.get("state", {})
            if dom_class in state.get("_dom_classes", []) and "value" in state and "max" in state:
                return Slider(model_id, state["value"], state["min"], state["max"],
                              state.get("step") or 1)
        return None

    async def move_slider(self, slider: Slider, value: float) -> float | None:
        """Set the slider's value as a drag does; the round trip in seconds (None on failure)."""
        started = time.perf_counter()
        update = self._message("comm_msg", {"comm_id": slider.model_id, "data": {
            "method": "update", "state": {"value": value}, "buffer_paths": []}})
        try:
            if self._ws is None:
                raise StepFailed("not open")
            await asyncio.wait_for(self._request("shell", update, lambda m: _is_idle_after(m, update)),
                                   self.timeout)
        except Exception as error:  # noqa: BLE001
            self._record("move", error)
            return None
        slider.value = value
        return time.perf_counter() - started

    def widget(self, dom_class: str, model_name: str | None = None) -> str | None:
        """The model id of the first widget whose ``_dom_classes`` include ``dom_class`` (and whose
        ``model_name`` is ``model_name``, when given), from the loaded states."""
        for model_id, model in self.states.items():
            state = model.get("state", {})
            if dom_class in state.get("_dom_classes", []) and model_name in (None, model.get("model_name")):
                return model_id
        return None

    async def set_state(self, model_id: str, state: dict) -> float | None:
        """Set widget traits as the page's widget manager does (a comm ``update``); the seconds
        until the kernel's idle after it (None on failure)."""
        started = time.perf_counter()
        update = self._message("comm_msg", {"comm_id": model_id, "data": {
            "method": "update", "state": state, "buffer_paths": []}})
        try:
            if self._ws is None:
                raise StepFailed("not open")
            await asyncio.wait_for(self._request("shell", update, lambda m: _is_idle_after(m, update)),
                                   self.timeout)
        except Exception as error:  # noqa: BLE001
            self._record("update", error)
            return None
        return time.perf_counter() - started

    async def press(self, button_id: str, watch_id: str) -> tuple[float | None, dict | None]:
        """Click a button as ipywidgets' front end does (a comm ``custom`` message with
        ``{"event": "click"}``); wait for the kernel's idle after it. Returns the seconds from
        sending the click to the arrival of the first ``update`` of widget ``watch_id`` the
        click caused, and that update's state; (None, None) when the kernel went idle without
        updating it; (None, None) and an error recorded on failure."""
        click = self._message("comm_msg", {"comm_id": button_id, "data": {
            "method": "custom", "content": {"event": "click"}}})
        answer = self._expect(lambda m: (
            m["header"]["msg_type"] == "comm_msg" and m["content"].get("comm_id") == watch_id
            and m["content"].get("data", {}).get("method") == "update"
            and m["parent_header"].get("msg_id") == click["header"]["msg_id"]))
        started = time.perf_counter()
        try:
            if self._ws is None:
                raise StepFailed("not open")
            await asyncio.wait_for(self._request("shell", click, lambda m: _is_idle_after(m, click)),
                                   self.timeout)
        except Exception as error:  # noqa: BLE001
            self._record("press", error)
            answer.cancel()
            return None, None
        if not answer.done():  # iopub is in order: an update the click caused came before idle
            answer.cancel()
            return None, None
        message = answer.result()
        return message["arrived"] - started, message["content"]["data"].get("state", {})

    async def close(self) -> bool:
        """Leave the page: the unload beacon that shuts the kernel down, then drop the socket."""
        ok = True
        try:
            if self.kernel_id:
                xsrf = self.cookies.get("_xsrf", "")
                await asyncio.wait_for(
                    self._fetch(f"voila/api/shutdown/{self.kernel_id}", method="POST",
                                body=urlencode({"_xsrf": xsrf}), expect=(200, 204)),
                    self.timeout)
        except Exception as error:  # noqa: BLE001
            self._record("close", error)
            ok = False
        if self._ws is not None:
            self._ws.close()
            self._ws = None
        if self._reader is not None:
            self._reader.cancel()
            self._reader = None
        self._http.close()
        return ok


def _is_reply_to(message: dict, request: dict, msg_type: str) -> bool:
    return (message["header"]["msg_type"] == msg_type
            and message["parent_header"].get("msg_id") == request["header"]["msg_id"])


def _is_idle_after(message: dict, request: dict) -> bool:
    return (message["channel"] == "iopub" and message["header"]["msg_type"] == "status"
            and message["content"].get("execution_state") == "idle"
            and message["parent_header"].get("msg_id") == request["header"]["msg_id"])


def _refusal_text(response: HTTPResponse) -> str:
    """The title of an HTML refusal page (e.g. 'room full'), for the error record."""
    title = re.search(rb"<title>(.*?)</title>", response.body or b"", re.S | re.I)
    return f" ({title.group(1).decode(errors='replace').strip()[:80]})" if title else ""
