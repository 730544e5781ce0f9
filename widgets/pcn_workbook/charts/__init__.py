"""Altair chart builders: data in, chart out, one shared accessible theme.

Importing this package first imports ``jsonschema`` (Altair checks chart specs with it) without
the format checkers no schema of ours uses, as the apps package does: a notebook's first cell
imports charts before any app (see ``pcn_workbook._jsonschema``)."""
from pcn_workbook._jsonschema import without_unused_format_checkers

without_unused_format_checkers()

from . import theme  # noqa: E402,F401  (registers and enables the workbook theme)
