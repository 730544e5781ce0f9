"""The page's query string, wherever the app runs.

Under Voila the query string reaches the kernel as the QUERY_STRING environment variable; with
preheated kernels the notebook runs before any browser asks for it, so ``voila.utils.get_query_string``
waits for the request first. Outside Voila (JupyterLab, nbval, the book build) there is none.
"""

from __future__ import annotations

import os

from ..runtime import in_voila


def query_string() -> str:
    if in_voila():
        from voila.utils import get_query_string  # only importable where Voila is installed

        return get_query_string() or ""
    return os.environ.get("QUERY_STRING", "")


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
