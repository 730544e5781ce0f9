"""The room's rules without a server: tokens, limits, the ledger of kernels, join links, options."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pcn_workbook import cli, serve
from pcn_workbook.workshop import room

REPO = Path(__file__).resolve().parents[2]


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


# --- token --------------------------------------------------------------------------------------
def test_new_tokens_are_long_random_and_url_safe():
    tokens = {room.new_token() for _ in range(50)}
    assert len(tokens) == 50
    for token in tokens:
        assert re.fullmatch(r"[A-Za-z0-9_-]{22}", token)
        assert room.check_token(token) == token


@pytest.mark.parametrize("bad", ["short", "has space in it here", "x" * 129, "semi;colon-123456789", ""])
def test_a_bad_token_from_the_environment_is_refused_with_its_rule(bad):
    with pytest.raises(room.RoomError, match="16 to 128 letters"):
        room.check_token(bad)


def test_token_matching():
    token = room.new_token()
    assert room.token_matches(token, token)
    assert not room.token_matches(token[:-1], token)
    assert not room.token_matches(None, token)
    assert not room.token_matches("", token)
    assert not room.token_matches("é" * 22, token)  # non-ASCII does not raise


# --- sizing -------------------------------------------------------------------------------------
def test_default_limit_on_the_reference_laptop():
    # 8 GB laptop (7,800 MB usable), one ready kernel for each of five notebooks
    assert room.default_max_kernels(7800, pooled=5) == (7800 - room.RESERVE_MB) // room.KERNEL_MB - 5
    assert room.default_max_kernels(7800, pooled=5) == 53


def test_the_memory_per_app_covers_the_largest_kernel_measured():
    """KERNEL_MB is the top of the measured range (benchmarks/results/memory.json: kernels opened
    from a room's link and walked through every step), rounded up to 10 MB: re-measuring after a
    change that makes kernels bigger fails here until the sizing follows."""
    import json
    from pathlib import Path

    measured = json.loads((Path(__file__).resolve().parents[2] / "benchmarks" / "results" / "memory.json").read_text())
    largest = measured["largest_rss_mb"]
    assert all(row.get("workshop") for row in measured["apps"].values())  # room kernels were measured
    assert largest <= room.KERNEL_MB < largest + 10


def test_default_limit_grows_with_memory_and_shrinks_with_the_pools():
    small, large = room.default_max_kernels(7800, 5), room.default_max_kernels(12000, 5)
    assert small < large < room.MAX_KERNELS
    assert room.default_max_kernels(12000, 25) == large - 20


def test_default_limit_stays_within_bounds():
    assert room.default_max_kernels(1000, 5) == room.MIN_KERNELS
    assert room.default_max_kernels(10**7, 0) == room.MAX_KERNELS


def test_limits_must_be_positive():
    with pytest.raises(room.RoomError, match="--max-kernels"):
        room.Limits(0)
    with pytest.raises(room.RoomError, match="--max-per-browser"):
        room.Limits(5, per_browser=0)


# --- ledger -------------------------------------------------------------------------------------
def test_the_room_cap_turns_the_fourth_page_away_and_frees_a_place_when_a_kernel_goes():
    ledger = room.Ledger(room.Limits(3, per_browser=3))
    alive = set()
    for key, browser in enumerate("abc"):
        assert ledger.admit(key, browser, alive) is None
        ledger.assign(key, f"k{key}")
        alive.add(f"k{key}")
    refusal = ledger.admit(3, "d", alive)
    assert refusal == room.Refusal("room", 3, 3)
    alive.discard("k1")  # that tab was closed: its kernel was shut down
    assert ledger.admit(3, "d", alive) is None


def test_pages_still_opening_count_so_a_burst_cannot_overshoot():
    ledger = room.Ledger(room.Limits(2, per_browser=5))
    assert ledger.admit(1, "a", set()) is None
    assert ledger.admit(2, "b", set()) is None
    assert ledger.admit(3, "c", set()).reason == "room"  # no kernel assigned yet to 1 or 2
    ledger.done(1)  # page 1 failed before getting a kernel
    assert ledger.admit(3, "c", set()) is None


def test_one_browser_cannot_take_the_room():
    ledger = room.Ledger(room.Limits(40, per_browser=3))
    alive = set()
    for key in range(3):
        assert ledger.admit(key, "many-tabs", alive) is None
        ledger.assign(key, f"k{key}")
        alive.add(f"k{key}")
    assert ledger.admit(9, "many-tabs", alive) == room.Refusal("browser", 3, 3)
    assert ledger.admit(10, "someone-else", alive) is None


def test_pooled_kernels_are_not_counted():
    ledger = room.Ledger(room.Limits(1))
    pooled = {"ready-1", "ready-2", "ready-3"}  # alive, but no page holds them
    assert ledger.held(pooled) == 0
    assert ledger.admit(1, "a", pooled) is None


def test_an_opening_that_never_finishes_stops_counting():
    clock = Clock()
    ledger = room.Ledger(room.Limits(1), clock=clock)
    assert ledger.admit(1, "a", set()) is None
    assert ledger.admit(2, "b", set()) is not None
    clock.now += room.OPENING_SECONDS + 1
    assert ledger.admit(2, "b", set()) is None


def test_assign_after_done_is_ignored():
    ledger = room.Ledger(room.Limits(5))
    ledger.admit(1, "a", set())
    ledger.done(1)
    ledger.assign(1, "k1")
    assert ledger.held({"k1"}) == 0


def test_a_page_whose_browser_never_connected_gives_its_place_back():
    """A tab closed while its page loaded sends no unload message: its kernel is handed out to be
    shut down once UNOPENED_SECONDS have passed, and only once."""
    clock = Clock()
    ledger = room.Ledger(room.Limits(2), clock=clock)
    alive = {"never", "connected"}
    for key, kernel in ((1, "never"), (2, "connected")):
        assert ledger.admit(key, "a", alive) is None
        ledger.assign(key, kernel)
    ledger.attach("connected")
    clock.now += room.UNOPENED_SECONDS - 1
    assert ledger.take_unopened(alive) == []  # still within its time to connect
    clock.now += 2
    assert ledger.take_unopened(alive) == ["never"]
    assert ledger.take_unopened(alive) == []  # handed out once; the shutdown is under way
    assert ledger.held(alive) == 2  # a place is given back when the kernel is gone ...
    assert ledger.held({"connected"}) == 1  # ... as for any kernel that stops
    clock.now += 10 * room.UNOPENED_SECONDS
    assert ledger.take_unopened({"connected"}) == []  # a connected page is never freed this way


def test_a_kernel_gone_before_its_time_is_forgotten():
    clock = Clock()
    ledger = room.Ledger(room.Limits(2), clock=clock)
    ledger.admit(1, "a", set())
    ledger.assign(1, "k1")
    assert ledger.held(set()) == 0  # shut down (its tab's unload) before connecting
    clock.now += room.UNOPENED_SECONDS + 1
    assert ledger.take_unopened(set()) == [] and ledger.unopened == {}


# --- joining ------------------------------------------------------------------------------------
def test_join_url_carries_the_token_in_the_query():
    assert room.join_url("192.168.1.20", 8866, "abc_DEF-123") == "http://192.168.1.20:8866/?token=abc_DEF-123"
    assert room.join_url("10.0.0.5", 9000, None, "room") == "http://10.0.0.5:9000/room"


def test_network_addresses_are_real_interface_addresses_and_never_loopback():
    import ipaddress

    import psutil

    mine = {a.address for addrs in psutil.net_if_addrs().values() for a in addrs}
    for address in room.network_addresses():
        ip = ipaddress.ip_address(address)
        assert address in mine
        assert not ip.is_loopback and not ip.is_link_local


def test_qr_codes_encode_the_link():
    url = "http://192.168.1.20:8866/?token=abcdefghijklmnop"
    text = room.qr_terminal(url)
    assert len(text.splitlines()) > 10 and "█" in text
    svg = room.qr_svg(url, "QR code of the join link")
    assert svg.startswith("<svg") and "<title>QR code of the join link</title>" in svg


# --- options ------------------------------------------------------------------------------------
def serve_options(*argv: str) -> serve.ServeOptions:
    """What `pcn-workbook serve ARGV` would run, without running it."""
    captured = {}
    original = serve.run
    serve.run = lambda options: captured.setdefault("options", options)
    try:
        assert cli.main(["serve", "--notebooks", str(REPO / "notebooks"), *argv]) == 0
    finally:
        serve.run = original
    return captured["options"]


def test_without_room_nothing_changes():
    options = serve_options()
    assert not options.room
    assert options.bind == "127.0.0.1"
    assert "--Voila.ip=127.0.0.1" in serve.voila_argv(options)


def test_room_listens_on_every_interface_unless_told():
    assert serve_options("--room").bind == "0.0.0.0"
    assert serve_options("--room", "--host", "127.0.0.1").bind == "127.0.0.1"
    assert "--Voila.ip=0.0.0.0" in serve.voila_argv(serve_options("--room"))


def test_pool_for_one_notebook_and_for_all():
    options = serve_options("--pool", "2", "--pool", "02_autonomy_paradox=20")
    sizes = options.pool_sizes()
    assert sizes["02_autonomy_paradox.ipynb"] == 20
    assert {n for nb, n in sizes.items() if nb != "02_autonomy_paradox.ipynb"} == {2}
    assert "--pool_size=2" in serve.voila_argv(options)


def test_cull_idle_reaches_voila():
    argv = serve.voila_argv(serve_options("--cull-idle", "300"))
    assert "--MappingKernelManager.cull_idle_timeout=300" in argv


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--pool", "nonexistent=3"], "not served"),
        (["--room", "--host", "203.0.113.77"], "not an address of this machine"),
    ],
)
def test_bad_options_are_one_line_errors(argv, message, capsys):
    code = cli.main(["serve", "--notebooks", str(REPO / "notebooks"), "--port", "1", *argv])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize(
    "argv", [["--max-kernels", "0"], ["--max-per-browser", "x"], ["--pool", "a=b"], ["--cull-idle", "5"]]
)
def test_bad_numbers_are_usage_errors(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["serve", *argv])
    assert exit_.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_bad_token_in_the_environment_is_a_one_line_error(monkeypatch):
    monkeypatch.setenv(room.TOKEN_ENV, "too-short")
    options = serve.ServeOptions(notebooks=REPO / "notebooks", room=True, host="127.0.0.1")
    with pytest.raises(serve.ServeError, match="16 to 128"):
        serve.plan_room(options)


def test_room_plan_uses_the_token_from_the_environment_and_prints_the_links(monkeypatch):
    monkeypatch.setenv(room.TOKEN_ENV, "a-known-token-for-tests")
    options = serve.ServeOptions(notebooks=REPO / "notebooks", room=True, host="127.0.0.1",
                                 port=8866, max_kernels=7, per_browser=2)
    plan = serve.plan_room(options)
    assert plan.token == "a-known-token-for-tests"
    assert plan.join_urls == ["http://127.0.0.1:8866/?token=a-known-token-for-tests"]
    text = serve.describe_room(options, plan)
    assert "Join link for participants: http://127.0.0.1:8866/?token=a-known-token-for-tests" in text
    assert "Facilitator page (project it): http://127.0.0.1:8866/room?token=a-known-token-for-tests" in text
    assert "7 apps open at once, 2 per browser" in text


@pytest.mark.parametrize("given", ["", "30", "4", "two", "-5", "1.5"])
def test_the_time_a_page_has_to_connect_can_be_set_in_the_environment(monkeypatch, given):
    monkeypatch.setenv(serve.UNOPENED_ENV, given)
    options = serve.ServeOptions(notebooks=REPO / "notebooks", room=True, host="127.0.0.1")
    if given in ("", "30"):
        assert serve.plan_room(options).unopened_seconds == (int(given) if given else room.UNOPENED_SECONDS)
    else:
        with pytest.raises(serve.ServeError, match="whole number of seconds, 5 or more"):
            serve.plan_room(options)


def test_each_room_gets_its_own_token(monkeypatch):
    monkeypatch.delenv(room.TOKEN_ENV, raising=False)
    options = serve.ServeOptions(notebooks=REPO / "notebooks", room=True, host="127.0.0.1")
    assert serve.plan_room(options).token != serve.plan_room(options).token


# --- the door's pages ---------------------------------------------------------------------------
def test_full_pages_say_which_limit_and_retry_by_themselves():
    from pcn_workbook.workshop import door

    whole = door.full_page(room.Refusal("room", 1, 1))
    assert "<h1>The room is full: try again in a minute</h1>" in whole
    assert "holds 1 app at once" in whole
    assert '<meta http-equiv="refresh" content="60">' in whole
    mine = door.full_page(room.Refusal("browser", 3, 3))
    assert "<h1>Too many apps open in this browser</h1>" in mine and "already has 3 apps" in mine
    assert "{{" not in whole + mine  # every place filled


def test_page_values_are_escaped():
    from pcn_workbook.workshop import door

    page = door._page("full.html", "<b>t</b>", headline="<script>x</script>", detail="a&b", retry="60")
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert "&lt;b&gt;t&lt;/b&gt; - PCN Workbook" in page
