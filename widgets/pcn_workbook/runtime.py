"""Where this kernel is running: under Voila (a workshop app) or elsewhere (JupyterLab, nbval, the book)."""

import os
from pathlib import Path

CACHE_ENV = "PCN_WORKBOOK_CACHE"


def cache_dir() -> Path:
    """The workbook's cache folder: built chart bundles and checked datasets, shared by every kernel
    of this user ($PCN_WORKBOOK_CACHE, default ~/.cache/pcn-workbook)."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "pcn-workbook")


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``path`` whole or not at all (a file beside it, then a rename): concurrent writers
    never clash, and a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def in_voila() -> bool:
    """True in a kernel Voila started, preheated or not (Voila sets VOILA_BASE_URL in both)."""
    return "VOILA_BASE_URL" in os.environ or "VOILA_KERNEL_ID" in os.environ
