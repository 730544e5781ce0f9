"""A table, for the chart builders and apps: a pandas frame (notebooks, the book, the workshop) or
its plain rows (``data.table_rows`` and the ``*_rows`` readers, which the apps' screens use so that
a kernel need not import pandas)."""

from __future__ import annotations


def records(table) -> list[dict]:
    """The rows of ``table`` as fresh dicts, in order, without importing pandas for plain rows."""
    if hasattr(table, "to_dict") and hasattr(table, "columns"):
        return table.to_dict("records")
    return [dict(row) for row in table]
