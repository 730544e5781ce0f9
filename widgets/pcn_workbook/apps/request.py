"""The page's query string, wherever the app runs.

Under Voila the query string reaches the kernel as the QUERY_STRING environment variable. A
preheated kernel runs its notebook before any browser has asked for the page, so it first waits
for Voila to send the page's request details (``_wait_for_page``). Outside Voila (JupyterLab,
nbval, the book build) there is no page and no query string.

Why not ``voila.utils.get_query_string``: importing ``voila.utils`` pulls Jupyter Server, JupyterLab
Server and their dependencies into the kernel (about 15 MB and most of a second per participant
kernel, benchmarks/kernel_memory.py), and a kernel needs none of it to read one message.
``_wait_for_page`` follows what ``voila.utils.wait_for_request`` does in Voila 0.5 (the same
environment variables and websocket address) with the ``websockets`` package Voila itself uses.
"""

from __future__ import annotations

import json
import os
import threading
import warnings

from ..runtime import in_voila

WAIT_SECONDS = 5  # for the websocket to open (Voila's own figure)


def preheated() -> bool:
    """True in a preheated Voila kernel that no page has taken yet (it would wait in ``query_string``)."""
    return in_voila() and os.environ.get("VOILA_PREHEAT", "False") != "False"


def query_string() -> str:
    if in_voila():
        _wait_for_page()
    return os.environ.get("QUERY_STRING", "")


def _page_details_url() -> str:
    """Where a preheated kernel asks Voila for its page's request details."""
    env = os.environ
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    return (f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
            f"{env.get('VOILA_APP_PORT', '8866')}{base}voila/query/{env.get('VOILA_KERNEL_ID', '')}")


def _wait_for_page() -> None:
    """In a preheated kernel, block until a page takes it, then put the page's request details
    (QUERY_STRING, PATH_INFO, SERVER_PORT...) into the environment. A fresh kernel already has them,
    and so does a preheated one after its page has come: it waits once."""
    if not preheated():
        return
    details = _ask_voila()
    if details:
        os.environ.update({str(k): str(v) for k, v in details.items()})
    os.environ["VOILA_PREHEAT"] = "False"  # a page has taken this kernel: never wait again


def _ask_voila() -> dict | None:
    """Wait on Voila's websocket for the page that takes this kernel; its request details, or None."""
    try:
        import asyncio

        import websockets
    except ImportError:  # an unusual Voila install: let Voila do it, whatever it costs
        from voila.utils import wait_for_request

        wait_for_request()
        return None
    url, received = _page_details_url(), []

    async def ask() -> None:
        try:
            async with websockets.connect(url, open_timeout=WAIT_SECONDS) as socket:
                received.append(await socket.recv())
        except (TimeoutError, ConnectionRefusedError):
            warnings.warn(f"Failed to connect to {url}")

    # The kernel's own event loop is busy running this cell: ask from a thread with its own loop.
    worker = threading.Thread(target=lambda: asyncio.run(ask()), name="pcn-wait-for-page")
    worker.start()
    worker.join()
    return json.loads(received[0]) if received else None


def page_path() -> str:
    """The app's own path on the server (for share links), or '' when unknown."""
    return os.environ.get("PATH_INFO", "") if in_voila() else ""


def split_workshop(query: str) -> tuple[str | None, str]:
    """(the ``workshop`` code in a page's query string, or None; the rest of the query)."""
    from urllib.parse import parse_qsl, urlencode

    pairs = parse_qsl((query or "").lstrip("?"), keep_blank_values=True)
    codes = [v for k, v in pairs if k == "workshop"]
    return (codes[-1] if codes else None), urlencode([(k, v) for k, v in pairs if k != "workshop"])


def with_workshop(app, chapter: str, code: str | None):
    """The app, with its workshop panel when the link names a workshop (imports the store only then)."""
    if code is not None:
        from .room_questions import attach

        attach(app, chapter, code)
    return app
