"""A page's kernel websocket carries widget traffic only: code sent by a browser is not run.

Voila 0.5.13 gives its kernel manager ``allowed_message_types`` (comm messages, kernel info,
shutdown) and jupyter_server drops anything else, in both websocket protocols. These tests pin
that down for our launcher, since anyone in the room can open the page's websocket.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import urllib.request
import uuid
from pathlib import Path

import pytest
from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1
from tornado.websocket import websocket_connect

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
V1 = "v1.kernel.websocket.jupyter.org"


@pytest.fixture(scope="module")
def voila_notebooks():
    return REPO / "benchmarks"


def message(msg_type: str, content: dict) -> dict:
    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "participant",
              "session": uuid.uuid4().hex, "date": "", "version": "5.3"}
    return {"header": header, "parent_header": {}, "metadata": {}, "content": content}


async def send_and_collect(url: str, msg: dict, protocol: str | None) -> list[str]:
    """Send one shell message over the kernel websocket; return reply types seen within 3 s."""
    ws = await websocket_connect(url, subprotocols=[protocol] if protocol else None)
    if protocol == V1:
        keys = ("header", "parent_header", "metadata", "content")
        parts = [json.dumps(msg[k]).encode() for k in keys]
        ws.write_message(serialize_msg_to_ws_v1(parts, "shell"), binary=True)
    else:
        ws.write_message(json.dumps({**msg, "channel": "shell", "buffers": []}))
    seen = []
    try:
        while True:
            raw = await asyncio.wait_for(ws.read_message(), 3)
            if raw is None:
                break
            text = raw if isinstance(raw, str) else raw.decode("utf-8", "replace")
            seen += re.findall(r'"msg_type": ?"(\w+)"', text)
    except TimeoutError:
        pass
    ws.close()
    return seen


def talk(url: str, msg: dict, protocol: str | None = None) -> list[str]:
    """Run send_and_collect in its own thread: Playwright's sync API may own this thread's loop."""
    result: list[list[str]] = []
    worker = threading.Thread(
        target=lambda: result.append(asyncio.run(send_and_collect(url, msg, protocol)))
    )
    worker.start()
    worker.join()
    return result[0]


def kernel_socket(server) -> str:
    html = urllib.request.urlopen(server.url + "voila/render/baseline.ipynb").read().decode()
    kernel_id = re.search(r'"kernelId": "([^"]+)"', html).group(1)
    return server.url.replace("http://", "ws://") + f"api/kernels/{kernel_id}/channels"


@pytest.mark.parametrize("protocol", [None, V1], ids=["json", "v1-binary"])
def test_execute_request_from_a_browser_is_dropped(voila_server, tmp_path, protocol):
    marker = tmp_path / "ran.txt"
    code = f"open({str(marker)!r}, 'w').write('code ran')"
    request = message("execute_request", {"code": code, "silent": False, "store_history": False,
                                          "user_expressions": {}, "allow_stdin": False,
                                          "stop_on_error": True})
    replies = talk(kernel_socket(voila_server), request, protocol)

    assert not marker.exists()
    assert "execute_reply" not in replies
    assert 'Received message of type "execute_request", which is not allowed' in voila_server.log()


def test_kernel_info_still_answers(voila_server):
    """The same socket is alive for allowed messages (so the test above can fail)."""
    replies = talk(kernel_socket(voila_server), message("kernel_info_request", {}))
    assert "kernel_info_reply" in replies
