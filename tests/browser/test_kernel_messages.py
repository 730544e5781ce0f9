"""A page's kernel websocket carries widget traffic only: code sent by a browser is not run.

Voila 0.5.13 gives its kernel manager ``allowed_message_types`` (comm messages, kernel info,
shutdown) and jupyter_server drops anything else, in both websocket protocols. These tests pin
that down for our launcher, on loopback and in room mode, since anyone in the room can open the
page's websocket.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from kernel_ws import V1, kernel_socket, message, talk
from voila_browser import VoilaServer

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
TOKEN = "kernel-messages-room-token"
COOKIE = f"pcn_room={TOKEN}"


@pytest.fixture(scope="module", params=["loopback", "room"])
def voila_server(request, tmp_path_factory):
    room = request.param == "room"
    log = tmp_path_factory.mktemp("voila") / "voila.log"
    with VoilaServer(
        REPO / "benchmarks", preheat=False, log_path=log,
        extra_args=("--room", "--host", "127.0.0.1") if room else (),
        env={"PCN_WORKBOOK_TOKEN": TOKEN} if room else None,
    ) as server:
        server.cookie = COOKIE if room else None
        yield server


def socket_of(server) -> str:
    return kernel_socket(server.url, "voila/render/baseline.ipynb", server.cookie)[0]


@pytest.mark.parametrize("protocol", [None, V1], ids=["json", "v1-binary"])
def test_execute_request_from_a_browser_is_dropped(voila_server, tmp_path, protocol):
    marker = tmp_path / "ran.txt"
    code = f"open({str(marker)!r}, 'w').write('code ran')"
    request = message("execute_request", {"code": code, "silent": False, "store_history": False,
                                          "user_expressions": {}, "allow_stdin": False,
                                          "stop_on_error": True})
    replies = talk(socket_of(voila_server), request, protocol, voila_server.cookie)

    assert not marker.exists()
    assert "execute_reply" not in replies
    assert 'Received message of type "execute_request", which is not allowed' in voila_server.log()


def test_kernel_info_still_answers(voila_server):
    """The same socket is alive for allowed messages (so the test above can fail)."""
    replies = talk(socket_of(voila_server), message("kernel_info_request", {}),
                   cookie=voila_server.cookie)
    assert "kernel_info_reply" in replies
