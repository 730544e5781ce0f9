"""Import ``jsonschema`` without the optional format checkers no schema of ours uses, once per process.

jsonschema loads a package for each string format it can check, if that package is installed, and
Jupyter's server installs them all (``jsonschema[format-nongpl]``). Two of them are costly:
``rfc3987_syntax`` compiles a grammar for IRIs (about 13 MB and a second and a half of start-up,
benchmarks/kernel_memory.py), and ``isoduration`` brings in ``arrow`` with its locales. Every app
kernel and every notebook run pays for them (Altair checks chart specs with jsonschema: the apps and
the charts packages call this first), and so does the server (jupyter_events checks its event
schemas with it). Leaving out the rest of the packages below as well as the grammar made the scale
app's cells run in 1.71-1.73 s instead of 1.85-2.13 s and its kernel hold 2 MB less (the kernel
memory benchmark, two rounds of three kernels each way).

They check only the formats in ``UNUSED_FORMATS``, which neither Vega-Lite's schema nor Jupyter's
event schemas name (tests/apps/test_app_imports.py reads both): "uri" and "uri-reference", which
Vega-Lite does name, keep their checker (``rfc3986_validator``). Nothing else changes: the packages
can still be imported afterwards by code that wants them.
"""

import sys

# the package jsonschema would load -> the formats it checks with it
LEFT_OUT = {
    "rfc3987_syntax": ("iri", "iri-reference"),
    "isoduration": ("duration",),
    "rfc3339_validator": ("date-time",),
    "fqdn": ("hostname",),
    "idna": ("idn-hostname",),
    "jsonpointer": ("json-pointer", "relative-json-pointer"),
    "uri_template": ("uri-template",),
    "webcolors": ("color",),
}
UNUSED_FORMATS = frozenset(f for formats in LEFT_OUT.values() for f in formats)


def without_unused_format_checkers() -> None:
    if "jsonschema" in sys.modules:
        return  # already loaded, with whatever it found: nothing to save
    blocked = [name for name in LEFT_OUT if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # an import of it now fails and jsonschema leaves its format out
    try:
        import jsonschema  # noqa: F401
    except ImportError:
        pass  # no jsonschema: whoever needs it will say so
    finally:
        for name in blocked:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
