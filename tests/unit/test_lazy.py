"""pcn_workbook.lazy: a module name that imports on first use, by importlib or by a given loader."""

from __future__ import annotations

import json

from pcn_workbook.lazy import lazy_module


def test_the_stand_in_imports_on_first_use_and_then_is_the_module():
    namespace: dict = {}
    namespace["js"] = lazy_module("json", namespace, "js")
    assert namespace["js"] is not json
    assert namespace["js"].dumps([1]) == "[1]"
    assert namespace["js"] is json  # later uses go straight to the module


def test_a_loader_is_called_once_instead_of_importing():
    calls = []

    def load():
        calls.append(1)
        return json

    namespace: dict = {}
    namespace["js"] = lazy_module("not.a.module", namespace, "js", load=load)
    assert calls == []  # nothing happens until a name is read
    assert namespace["js"].loads("2") == 2
    assert namespace["js"].loads("3") == 3
    assert calls == [1] and namespace["js"] is json
