"""Altair chart builders: data in, chart out, one shared accessible theme."""
from . import theme  # noqa: F401  (registers and enables the workbook theme)
