"""Altair for the chart builders, imported when a chart is first built rather than when ours are.

An app kernel draws its first screen from chart designs kept on disk (``charts.designs``), so it
never needs Altair, whose import (with jsonschema and narwhals) costs a kernel about a second and
26-28 MB (benchmarks/results/memory.json). The chart modules write
``alt = lazy_module("altair", globals(), "alt", load=altair)`` (``pcn_workbook.lazy``): the first use
of ``alt.<name>`` calls ``altair()``, which sets up jsonschema without the format checkers no schema
of ours uses (``pcn_workbook._jsonschema``), imports Altair, and registers and enables the workbook
theme.
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

