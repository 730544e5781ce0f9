"""The machine and the software a benchmark ran on, in one shape for every results file.

``bench_apps.py`` (``results/latest.json``) and ``bench_room.py`` (``results/room.json``) both
write ``machine`` and ``versions`` from here, so their figures can be set side by side. Absolute
times depend on the machine and on whatever else it was doing (the load averages before and
after); the ratios to a baseline measured in the same run depend on them much less.
"""

from __future__ import annotations

import os
import platform
import sys
from importlib.metadata import PackageNotFoundError, version

import psutil

# Python packages whose versions shape the figures (distribution names, as pip spells them).
PACKAGES = ("voila", "jupyter_server", "jupyter_client", "tornado", "ipykernel", "ipywidgets", "anywidget",
            "altair", "vl-convert-python", "pandas", "numpy", "pandera", "playwright", "psutil")


def cpu_model() -> str:
    """The processor's name from ``/proc/cpuinfo`` (Linux), else what ``platform`` knows."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as cpuinfo:
            for line in cpuinfo:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages, rounded for reading."""
    return [round(value, 2) for value in os.getloadavg()]


def machine(load_before: list[float], load_after: list[float]) -> dict:
    """Cores, processor, memory, operating system and the load averages around the run."""
    return {
        "cores": os.cpu_count(),
        "cpu": cpu_model(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "platform": platform.platform(),
        "load_before": [round(value, 2) for value in load_before],
        "load_after": [round(value, 2) for value in load_after],
    }


def _package_version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def vega_versions() -> dict[str, str | None]:
    """Vega, Vega-Lite and vega-embed as the pages get them: the JupyterChart and live-chart
    bundles are built by vl-convert, for altair's Vega-Lite version. ``None`` where unknown."""
    found: dict[str, str | None] = {"vega": None, "vega-lite": None, "vega-embed": None}
    try:
        import altair

        found["vega-lite"] = getattr(altair, "VEGALITE_VERSION", None)
    except Exception:  # noqa: BLE001 - a version we cannot read is reported as unknown
        pass
    try:
        import vl_convert

        found["vega"] = vl_convert.get_vega_version()
        found["vega-embed"] = vl_convert.get_vega_embed_version()
    except Exception:  # noqa: BLE001
        pass
    return found


def versions(**known: str | None) -> dict[str, str | None]:
    """Python, the packages in ``PACKAGES``, Vega's, and anything the caller measured itself
    (e.g. ``chromium=browser.version``)."""
    found = {"python": sys.version.split()[0]}
    found |= {name: _package_version(name) for name in PACKAGES}
    found |= vega_versions()
    return found | known
