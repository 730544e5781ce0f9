"""Altair chart builders: data in, chart out, one shared accessible theme.

Importing this package first imports ``jsonschema`` (Altair checks chart specs with it) without
its IRI grammar, as the apps package does: a notebook's first cell imports charts before any app
(see ``pcn_workbook._jsonschema``)."""
from pcn_workbook._jsonschema import without_iri_grammar

without_iri_grammar()

from . import theme  # noqa: E402,F401  (registers and enables the workbook theme)
