"""The chapter apps: one module per chapter, each with a ``build()`` that returns the app's widget.

Importing this package first imports ``jsonschema`` (which Altair uses to check chart specs)
without its optional IRI grammar, which costs a kernel memory and start-up time for string
formats Vega-Lite never uses (see ``pcn_workbook._jsonschema``).
"""

from pcn_workbook._jsonschema import without_iri_grammar

without_iri_grammar()
