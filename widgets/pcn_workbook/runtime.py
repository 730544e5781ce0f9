"""Where this kernel is running: under Voila (a workshop app) or elsewhere (JupyterLab, nbval, the book)."""

import os
from pathlib import Path

CACHE_ENV = "PCN_WORKBOOK_CACHE"


def cache_dir() -> Path:
    """The workbook's cache folder: built chart bundles and checked datasets, shared by every kernel
    of this user ($PCN_WORKBOOK_CACHE, default ~/.cache/pcn-workbook)."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "pcn-workbook")


def in_voila() -> bool:
    """True in a kernel Voila started, preheated or not (Voila sets VOILA_BASE_URL in both)."""
    return "VOILA_BASE_URL" in os.environ or "VOILA_KERNEL_ID" in os.environ
