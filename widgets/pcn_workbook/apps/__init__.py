"""The chapter apps: one module per chapter, each with a ``build()`` that returns the app's widget.

Importing this package first imports ``jsonschema`` (which Altair uses to check chart specs)
without its optional ``rfc3987_syntax`` support. That package compiles a grammar for IRIs when
jsonschema loads it, costing every app kernel about 13 MB and a second of start-up
(benchmarks/kernel_memory.py); it only checks the "iri" and "iri-reference" string formats, which
Vega-Lite's schema never uses (tests/apps/test_app_imports.py checks that it still does not).
Nothing else changes: the package can still be imported afterwards by code that wants it.
"""

import sys


def _jsonschema_without_iri_grammar() -> None:
    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        return  # already loaded, one way or the other: nothing to save
    sys.modules["rfc3987_syntax"] = None  # an import of it now fails and jsonschema leaves it out
    try:
        import jsonschema  # noqa: F401
    except ImportError:
        pass  # no jsonschema: Altair will say so when a chart is built
    finally:
        if "rfc3987_syntax" in sys.modules and sys.modules["rfc3987_syntax"] is None:
            del sys.modules["rfc3987_syntax"]


_jsonschema_without_iri_grammar()
