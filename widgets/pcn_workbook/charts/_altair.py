"""Altair for the chart builders, imported when a chart is first built rather than when ours are.

An app kernel draws its first screen from chart designs kept on disk (``charts.designs``), so it
never needs Altair, whose import (with jsonschema and narwhals) costs a kernel about a second and
26-28 MB (benchmarks/results/memory.json). The chart modules write ``from ._altair import alt``:
every use of ``alt.<name>`` imports Altair the first time, after setting up jsonschema without the
format checkers no schema of ours uses (``pcn_workbook._jsonschema``), and registers and enables
the workbook theme.
"""

from __future__ import annotations

from typing import Any

_loaded: Any = None


def altair() -> Any:
    """The altair module, set up for the workbook (once per process)."""
    global _loaded
    if _loaded is None:
        from .._jsonschema import without_unused_format_checkers

        without_unused_format_checkers()
        import altair as module

        from . import theme

        theme.register(module)
        _loaded = module
    return _loaded


class _Altair:
    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        return getattr(altair(), name)

    def __repr__(self) -> str:
        return "<altair, imported when a chart is first built>"


alt = _Altair()
