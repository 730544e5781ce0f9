"""Where this kernel is running: under Voila (a workshop app) or elsewhere (JupyterLab, nbval, the book)."""

import os


def in_voila() -> bool:
    """True in a kernel Voila started, preheated or not (Voila sets VOILA_BASE_URL in both)."""
    return "VOILA_BASE_URL" in os.environ or "VOILA_KERNEL_ID" in os.environ
