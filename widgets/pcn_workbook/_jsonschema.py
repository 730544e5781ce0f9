"""Import ``jsonschema`` without its optional ``rfc3987_syntax`` support, once per process.

That package compiles a grammar for IRIs when jsonschema loads it: about 13 MB and a second and a
half of start-up (benchmarks/kernel_memory.py), paid by every app kernel and every notebook run
(Altair checks chart specs with jsonschema: the apps and the charts packages call this first)
and by the server (jupyter_events checks its event schemas with it). It
only checks the "iri" and "iri-reference" string formats, which neither Vega-Lite's schema nor
Jupyter's event schemas use (tests/apps/test_app_imports.py checks both). Nothing else changes:
the package can still be imported afterwards by code that wants it.
"""

import sys


def without_iri_grammar() -> None:
    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        return  # already loaded, one way or the other: nothing to save
    sys.modules["rfc3987_syntax"] = None  # an import of it now fails and jsonschema leaves it out
    try:
        import jsonschema  # noqa: F401
    except ImportError:
        pass  # no jsonschema: whoever needs it will say so
    finally:
        if "rfc3987_syntax" in sys.modules and sys.modules["rfc3987_syntax"] is None:
            del sys.modules["rfc3987_syntax"]
