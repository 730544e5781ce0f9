"""Talk to a page's kernel websocket the way a participant's browser could, from a test.

Used to prove what anyone in the room can and cannot do over that socket: code is not run, the
room token is in no widget's state. Tornado's websocket client runs in its own thread, since
Playwright's sync API may own the test thread's event loop.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import urllib.request
import uuid

from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

V1 = "v1.kernel.websocket.jupyter.org"


def message(msg_type: str, content: dict) -> dict:
    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "participant",
              "session": uuid.uuid4().hex, "date": "", "version": "5.3"}
    return {"header": header, "parent_header": {}, "metadata": {}, "content": content}


def _frame(msg: dict, protocol: str | None):
    if protocol == V1:
        keys = ("header", "parent_header", "metadata", "content")
        return serialize_msg_to_ws_v1([json.dumps(msg[k]).encode() for k in keys], "shell"), True
    return json.dumps({**msg, "channel": "shell", "buffers": []}), False


async def exchange(url: str, messages: list[dict], protocol: str | None = None,
                   cookie: str | None = None, seconds: float = 3) -> list[str]:
    """Send shell messages over the kernel websocket; return every frame received (as text)
    until nothing has arrived for ``seconds``."""
    request = HTTPRequest(url, headers={"Cookie": cookie} if cookie else {})
    ws = await websocket_connect(request, subprotocols=[protocol] if protocol else None)
    for msg in messages:
        data, binary = _frame(msg, protocol)
        ws.write_message(data, binary=binary)
    frames = []
    try:
        while True:
            raw = await asyncio.wait_for(ws.read_message(), seconds)
            if raw is None:
                break
            frames.append(raw if isinstance(raw, str) else raw.decode("utf-8", "replace"))
    except TimeoutError:
        pass
    ws.close()
    return frames


def in_thread(coroutine):
    result, failure = [], []

    def work():
        try:
            result.append(asyncio.run(coroutine))
        except BaseException as error:  # handed to the caller's thread
            failure.append(error)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    if failure:
        raise failure[0]
    return result[0]


def talk(url: str, msg: dict, protocol: str | None = None, cookie: str | None = None) -> list[str]:
    """Message types of the replies to one shell message."""
    frames = in_thread(exchange(url, [msg], protocol, cookie))
    return [t for frame in frames for t in re.findall(r'"msg_type": ?"(\w+)"', frame)]


def widget_states(url: str, cookie: str | None = None) -> list[str]:
    """Every frame the kernel sends when asked for all its widgets' state, as the page's widget
    manager asks (ipywidgets 8's control comm)."""
    comm_id = uuid.uuid4().hex
    opened = message("comm_open", {"comm_id": comm_id, "target_name": "jupyter.widget.control",
                                   "data": {}})
    opened["metadata"] = {"version": "1.0.0"}  # the control protocol's version, as pages send
    asked = message("comm_msg", {"comm_id": comm_id, "data": {"method": "request_states"}})
    return in_thread(exchange(url, [opened, asked], cookie=cookie, seconds=5))


def kernel_socket(base_url: str, page: str, cookie: str | None = None) -> tuple[str, str]:
    """Open an app page (starting its kernel); return (websocket url, kernel id)."""
    request = urllib.request.Request(base_url + page, headers={"Cookie": cookie} if cookie else {})
    html = urllib.request.urlopen(request).read().decode()
    kernel_id = re.search(r'"kernelId": "([^"]+)"', html).group(1)
    return base_url.replace("http://", "ws://") + f"api/kernels/{kernel_id}/channels", kernel_id


def shut_down(base_url: str, kernel_id: str, cookie: str | None = None) -> None:
    """What a page's unload does: ask the server to shut the page's kernel down."""
    request = urllib.request.Request(
        base_url + f"voila/api/shutdown/{kernel_id}", data=b"", method="POST",
        headers={"Cookie": cookie} if cookie else {},
    )
    urllib.request.urlopen(request).read()
