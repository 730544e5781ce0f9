"""The room: who may come in (the access token), how many apps it holds, and how to join.

Pure Python, no Tornado or Voila: ``door.py`` puts these rules in front of the Voila server.

* **Token.** One random token per room (``secrets``), or ``PCN_WORKBOOK_TOKEN`` to keep the same
  join link across a restart. It travels only in the join link and in an HttpOnly cookie; it never
  reaches a kernel (the door strips it from the URL before Voila sees the request), so no widget
  can hold it.
* **Limits.** Each app page holds one kernel (100-125 MB). :class:`Ledger` counts the kernels that
  pages hold (pooled kernels waiting for a page are not counted) and the pages being opened, for
  the whole room and for each browser (a random id in a cookie), and turns a page away when a limit
  is reached. The limits protect the room from accidents (one person opening 30 tabs), not from a
  participant who clears their cookies on purpose.
* **Joining.** The join link uses the machine's network addresses (read from its interfaces with
  psutil: nothing is sent anywhere) and comes with a QR code (segno).
"""

from __future__ import annotations

import ipaddress
import math
import re
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

TOKEN_ENV = "PCN_WORKBOOK_TOKEN"
TOKEN_BYTES = 16  # 128 bits: secrets.token_urlsafe gives 22 characters
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,128}")

# Memory a room needs per app, measured with benchmarks/kernel_memory.py (results/memory.json): the
# resident set of one app kernel opened from the room's link (workshop panel and store included),
# after the page opened and again once every step had been shown: 65-89 MB over the six chapter
# apps. Sizing uses the top of that range, rounded up to 10 MB. (Before the apps read their charts'
# designs from the designs file instead of importing Altair, charts/designs.py, it was 92-115 MB
# and KERNEL_MB 120; before the first screens stopped loading pandas, Alembic and the other
# chapters' models, 183-210 MB and 210; before app kernels started without ipykernel's debugger,
# pcn_workbook/kernel.py, 101-125 MB and 130.)
KERNEL_MB = 90
# Left for the operating system, the facilitator's browser and projector, and the server itself.
RESERVE_MB = 2560
MIN_KERNELS = 4
MAX_KERNELS = 120
PER_BROWSER = 3  # an app, a second app to compare, and one reload's overlap
# A page being opened counts against the limits for at most this long before its kernel is known.
OPENING_SECONDS = 120
# A page that was given its kernel but whose browser never connected to it (the tab was closed or
# lost while the page loaded, so no unload message came) gives its place back after this long,
# rather than after the idle cull. A page's script connects within seconds of its HTML arriving.
UNOPENED_SECONDS = 120


class RoomError(ValueError):
    """A room setting the facilitator can fix (said in one line, never a traceback)."""


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def check_token(token: str) -> str:
    if not TOKEN_PATTERN.fullmatch(token):
        raise RoomError(
            f"{TOKEN_ENV} must be 16 to 128 letters, digits, '-' or '_' "
            f"(it has {len(token)} characters); leave it unset for a random token"
        )
    return token


def token_matches(given: str | None, token: str) -> bool:
    """Constant-time comparison, so the time taken says nothing about how much was right."""
    if not given:
        return False
    return secrets.compare_digest(given.encode("utf-8", "replace"), token.encode())


def default_max_kernels(total_mb: float, pooled: int) -> int:
    """Apps the room may hold at once on a machine with ``total_mb`` of memory.

    (memory - reserve) / memory per kernel, less the kernels kept ready in pools, between
    MIN_KERNELS and MAX_KERNELS. An 8 GB laptop (7,800 MB usable) with one ready kernel for each of
    the 6 chapter apps: (7800 - 2560) / 90 - 6 = 52; a 16 GB one (15,800 MB): 141, so 120.
    """
    fits = math.floor((total_mb - RESERVE_MB) / KERNEL_MB) - pooled
    return max(MIN_KERNELS, min(MAX_KERNELS, fits))


def memory_needed_mb(kernels: int) -> int:
    return kernels * KERNEL_MB + RESERVE_MB


@dataclass(frozen=True)
class Limits:
    max_kernels: int
    per_browser: int = PER_BROWSER

    def __post_init__(self):
        if self.max_kernels < 1:
            raise RoomError(f"--max-kernels must be at least 1, not {self.max_kernels}")
        if self.per_browser < 1:
            raise RoomError(f"--max-per-browser must be at least 1, not {self.per_browser}")


@dataclass(frozen=True)
class Refusal:
    """Why a page was turned away, in words for the page."""

    reason: str  # "room" or "browser"
    held: int
    limit: int


@dataclass
class _Opening:
    browser: str
    since: float


@dataclass
class Ledger:
    """Kernels held by pages, by browser, and pages still opening.

    ``alive`` is asked for the kernel ids that are running (the kernel manager's list), so a kernel
    that was shut down, culled or died stops counting without any bookkeeping of ours.
    """

    limits: Limits
    clock: callable = time.monotonic
    kernels: dict[str, str] = field(default_factory=dict)  # kernel id -> browser id
    openings: dict[int, _Opening] = field(default_factory=dict)  # page key -> opening
    unopened: dict[str, float] = field(default_factory=dict)  # kernel id -> when given, until a browser connects

    def _prune(self, alive: set[str]) -> None:
        for kernel_id in [k for k in self.kernels if k not in alive]:
            del self.kernels[kernel_id]
        for kernel_id in [k for k in self.unopened if k not in self.kernels]:
            del self.unopened[kernel_id]
        cutoff = self.clock() - OPENING_SECONDS
        for key in [k for k, o in self.openings.items() if o.since < cutoff]:
            del self.openings[key]

    def held(self, alive: set[str], browser: str | None = None) -> int:
        """Kernels held by pages (of one browser, if given) plus pages still opening."""
        self._prune(alive)
        if browser is None:
            return len(self.kernels) + len(self.openings)
        return sum(b == browser for b in self.kernels.values()) + sum(
            o.browser == browser for o in self.openings.values()
        )

    def admit(self, key: int, browser: str, alive: set[str]) -> Refusal | None:
        """Let page ``key`` of ``browser`` open, or say why not. An admitted page counts as
        opening until :meth:`assign` or :meth:`done` is called for it."""
        room = self.held(alive)
        if room >= self.limits.max_kernels:
            return Refusal("room", room, self.limits.max_kernels)
        mine = self.held(alive, browser)
        if mine >= self.limits.per_browser:
            return Refusal("browser", mine, self.limits.per_browser)
        self.openings[key] = _Opening(browser, self.clock())
        return None

    def assign(self, key: int, kernel_id: str) -> None:
        """Page ``key`` now holds ``kernel_id``."""
        opening = self.openings.pop(key, None)
        if opening is not None:
            self.kernels[kernel_id] = opening.browser
            self.unopened[kernel_id] = self.clock()

    def attach(self, kernel_id: str) -> None:
        """A browser connected to ``kernel_id``: from now on only its page's closing (or the idle
        cull, if the connection is lost) frees it."""
        self.unopened.pop(kernel_id, None)

    def take_unopened(self, alive: set[str], seconds: float = UNOPENED_SECONDS) -> list[str]:
        """Kernels given to a page more than ``seconds`` ago that no browser ever connected to:
        the caller shuts them down. Each is handed out once."""
        self._prune(alive)
        cutoff = self.clock() - seconds
        found = [k for k, since in self.unopened.items() if since < cutoff]
        for kernel_id in found:
            del self.unopened[kernel_id]
        return found

    def done(self, key: int) -> None:
        """Page ``key`` finished (or failed) without a kernel of its own: stop counting it."""
        self.openings.pop(key, None)


# --- joining -----------------------------------------------------------------------------------
def network_addresses() -> list[str]:
    """IPv4 addresses of this machine's network interfaces that others in a room could reach,
    private (venue Wi-Fi, phone hotspot) first. Read from the interfaces; nothing is sent."""
    import psutil

    found = []
    for addresses in psutil.net_if_addrs().values():
        for address in addresses:
            if address.family.name != "AF_INET":
                continue
            ip = ipaddress.ip_address(address.address)
            if ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_unspecified:
                continue
            found.append(ip)
    found = sorted(set(found), key=lambda ip: (not ip.is_private, ip))
    return [str(ip) for ip in found]


def join_url(host: str, port: int, token: str | None, path: str = "") -> str:
    query = f"?{urlencode({'token': token})}" if token else ""
    return f"http://{host}:{port}/{path.lstrip('/')}{query}"


def qr_terminal(url: str) -> str:
    """The QR code of ``url`` as text for a terminal (two rows of modules per line)."""
    import io

    import segno

    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True, border=2)
    return out.getvalue()


def qr_svg(url: str, title: str) -> str:
    """The QR code of ``url`` as an inline SVG element, with a text alternative."""
    import segno

    return segno.make(url, error="m").svg_inline(
        scale=8, border=2, title=title, omitsize=True, dark="#000000", light="#ffffff", svgclass="pcn-qr"
    )
