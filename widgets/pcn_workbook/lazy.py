"""Heavy modules imported where they are first used, not when ours are.

An app kernel that shows its first screen from checked tables kept on disk (``data.table_rows``)
never needs pandas, whose import alone costs a cold kernel most of a second. A module that uses
pandas somewhere writes ``pd = lazy_module("pandas", globals(), "pd")``: the name stands in for
the module until an attribute is read, then imports it and puts the real module in its place, so
later uses cost nothing extra. ``load`` imports the module some other way: Altair goes through
``charts._altair.altair``, which sets jsonschema and the workbook theme up around the import.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable


class _Deferred:
    __slots__ = ("_name", "_namespace", "_alias", "_load")

    def __init__(self, name: str, namespace: dict, alias: str, load: Callable[[], Any] | None):
        self._name, self._namespace, self._alias, self._load = name, namespace, alias, load

    def __getattr__(self, attribute: str) -> Any:
        module = self._load() if self._load is not None else importlib.import_module(self._name)
        if self._namespace.get(self._alias) is self:
            self._namespace[self._alias] = module
        return getattr(module, attribute)

    def __repr__(self) -> str:
        return f"<{self._name}, imported when first used>"


def lazy_module(name: str, namespace: dict, alias: str, load: Callable[[], Any] | None = None) -> Any:
    """A stand-in for module ``name`` bound as ``alias`` in ``namespace`` (a module's globals()),
    imported by ``load()`` when given."""
    return _Deferred(name, namespace, alias, load)
