"""The chapter apps: one module per chapter, each with a ``build()`` that returns the app's widget.

Importing this package first imports ``jsonschema`` (which Altair uses to check chart specs)
without the optional format checkers (the IRI grammar above all), which cost a kernel memory and
start-up time for string formats Vega-Lite never uses (see ``pcn_workbook._jsonschema``).
"""

from pcn_workbook._jsonschema import without_unused_format_checkers

without_unused_format_checkers()
