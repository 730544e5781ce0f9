"""Chart designs kept on disk, so that an app kernel draws its first screen without Altair.

A live chart of a fixed design (``live.designed_chart``) starts from its template's Vega-Lite spec,
``json.dumps(template().to_dict())``. Building that takes Altair, whose import (with jsonschema and
narwhals) costs a kernel about a second and 26-28 MB (benchmarks/results/memory.json), for a spec
that depends only on our code and the installed Altair. So ``pcn-workbook serve`` writes every
template's spec once, in a child process, to ``designs-<key>.json`` in the cache folder (the key
hashes the package's Python sources and Altair's version, so a changed template or a new Altair
gets a new file), and kernels read the spec from there. A template the file does not hold, or no
file (JupyterLab, nbval, a source changed since the server started), is built with Altair, as
before.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import json
import os
import subprocess
import sys
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Callable

from ..runtime import cache_dir, write_text_atomically

PACKAGE = Path(__file__).resolve().parents[1]  # pcn_workbook
TEMPLATE_MODULES = ("autonomy", "deciding", "purpose", "room", "scale", "stories", "trust")


def template_name(template: Callable) -> str:
    """``pcn_workbook.charts.scale.networks_template`` style: how the file names a template."""
    return f"{template.__module__}.{template.__qualname__}"


def sources_key(root: Path, altair_version: str) -> str:
    """A hash of every Python file under ``root`` (names and contents) and the Altair version."""
    digest = hashlib.sha256(altair_version.encode())
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def designs_key() -> str:
    """Changes whenever any of the package's Python files or the installed Altair changes."""
    return sources_key(PACKAGE, version("altair"))


def designs_path() -> Path:
    return cache_dir() / f"designs-{designs_key()}.json"


def templates() -> list[Callable]:
    """Every chart template: a function named ``*_template`` taking no arguments, in the chart modules."""
    found = []
    for name in TEMPLATE_MODULES:
        module = importlib.import_module(f"{__package__}.{name}")
        for attr, value in sorted(vars(module).items()):
            if (attr.endswith("_template") and callable(value) and getattr(value, "__module__", None) == module.__name__
                    and not any(p.default is p.empty for p in inspect.signature(value).parameters.values())):
                found.append(value)
    return found


def build_designs() -> Path:
    """Write every template's spec to the designs file (atomic: concurrent builders never clash)."""
    path = designs_path()
    table = {template_name(t): json.dumps(t().to_dict()) for t in templates()}
    write_text_atomically(path, json.dumps(table))
    return path


def build_designs_elsewhere() -> Path:
    """Build the designs file in a child process (a server should not hold Altair's memory)."""
    path = designs_path()
    if not path.exists():
        subprocess.run([sys.executable, "-c", "from pcn_workbook.charts.designs import build_designs; build_designs()"],
                       check=True, env={**os.environ})
    return path


@lru_cache(maxsize=1)
def _kept() -> dict[str, str]:
    """The designs file's table, or nothing when there is no readable file for this code."""
    try:
        table = json.loads(designs_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in table.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(table, dict) else {}


def design(template: Callable) -> str:
    """The template's Vega-Lite spec as JSON: from the designs file when it holds it, else built."""
    kept = _kept().get(template_name(template))
    return kept if kept is not None else json.dumps(template().to_dict())
