"""What a participant's kernel loads for the first screen of each app, and the page-request wait.

Memory per kernel is measured by benchmarks/kernel_memory.py; these tests keep the decisions
behind its figures from being undone quietly: no heavy package that the first screen does not
need is imported, the IRI grammar stays out of jsonschema only while Vega-Lite never needs it, and
the query string reaches the app in a fresh and in a preheated kernel without ``voila.utils``.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import ipywidgets as w
import pytest

from pcn_workbook import data
from pcn_workbook.apps import page, request

REPO = Path(__file__).resolve().parents[2]
APPS = ("purpose", "autonomy", "scale", "trust", "deciding", "stories")
# Not needed to show any app's first screen; each costs a kernel megabytes (or seconds) to import.
HEAVY = ("pandera", "hypothesis", "voila", "jupyter_server", "jupyterlab_server", "rfc3987_syntax",
         "vl_convert", "sqlalchemy", "psycopg", "scipy", "pyarrow", "matplotlib",
         "altair", "jsonschema", "narwhals")  # Altair: the charts' designs come from the designs file
# What Voila puts in a fresh page kernel's environment (no query string).
FRESH_PAGE = {"VOILA_PREHEAT": "False", "VOILA_BASE_URL": "/", "VOILA_SERVER_URL": "/",
              "QUERY_STRING": "", "PATH_INFO": "/voila/render/app.ipynb"}


def _run_in_fresh_python(code: str, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO / "notebooks", env={**os.environ, **env},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture
def checked_datasets(tmp_path, monkeypatch) -> dict[str, str]:
    """A cache in which every dataset has passed its checks, as after a workshop's first kernel, with
    the chart designs file ``pcn-workbook serve`` writes, and the served live-chart bundle that it
    tells its kernels about (this cache folder has no bundle, and building one would load vl-convert)."""
    from pcn_workbook.charts import designs, live_bundle

    monkeypatch.setenv(data.VALIDATED_ENV, str(tmp_path / "cache"))
    data._load.cache_clear()
    data._rows.cache_clear()  # else rows remembered in this process are not written to this cache
    for item in data.package()["resources"]:
        data.load_table(item["name"])
        data.table_rows(item["name"])
    data._load.cache_clear()
    data._rows.cache_clear()
    designs.build_designs()
    return {data.VALIDATED_ENV: str(tmp_path / "cache"),
            live_bundle.URL_ENV: "/" + live_bundle.ASSET_PREFIX + live_bundle.bundle_name()}


def test_building_every_app_imports_nothing_heavy(checked_datasets):
    code = f"""
import json, sys
loaded = {{}}
for name in {APPS!r}:
    module = __import__("pcn_workbook.apps." + name, fromlist=["build"])
    widget = module.build()
    assert "pcn-app" in widget._dom_classes, (name, type(widget))
    loaded[name] = sorted(h for h in {HEAVY!r} if h in sys.modules)
print(json.dumps(loaded))
"""
    loaded = json.loads(_run_in_fresh_python(code, {**FRESH_PAGE, **checked_datasets}).splitlines()[-1])
    assert loaded == {name: [] for name in APPS}


def test_the_trust_app_needs_neither_numpy_nor_pandas(checked_datasets):
    """Its model is plain Python; the state parser loads the gainshare model (numpy) only for the
    autonomy app's links."""
    code = ("import sys\nfrom pcn_workbook.apps import trust\ntrust.build('step=noise')\n"
            "print(sorted(m for m in ('numpy', 'pandas') if m in sys.modules))")
    out = _run_in_fresh_python(code, {**FRESH_PAGE, **checked_datasets})
    assert out.split() == ["[]"]


# Each app's first screen (its default link and the one the benchmark opens) from checked tables kept
# on disk and chart designs read from the designs file: pandas alone costs a cold kernel most of a
# second, Altair about another (issue 12, cold time to interactive).
FIRST_SCREENS = [("purpose", ""), ("purpose", "step=compass"), ("autonomy", ""), ("scale", ""), ("scale", "area=27D"),
                 ("stories", ""), ("stories", "tags=ae_pressure"), ("trust", "step=noise"), ("trust", "step=sandbox"),
                 ("deciding", "step=representation"), ("deciding", "step=sandbox")]


def test_no_first_screen_needs_pandas_or_altair(checked_datasets):
    """One fresh process builds the first screens in turn and notes what each one loaded: modules
    only accumulate, so if none is loaded at the end, none of the screens needs it on its own."""
    code = f"""
import json, sys
from importlib import import_module
seen = {{}}
for app, query in {FIRST_SCREENS!r}:
    widget = import_module("pcn_workbook.apps." + app).build(query)
    assert "pcn-app" in widget._dom_classes, (app, query)
    seen[app + "?" + query] = sorted(m for m in ("pandas", "pandera", "altair") if m in sys.modules)
print(json.dumps(seen))
"""
    seen = json.loads(_run_in_fresh_python(code, {**FRESH_PAGE, **checked_datasets}).splitlines()[-1])
    assert seen == {f"{app}?{query}": [] for app, query in FIRST_SCREENS}


def test_an_empty_cache_still_checks_with_pandera(tmp_path):
    """The other side of the test above: the checks have not been switched off."""
    code = ("import sys\nfrom pcn_workbook import data\ndata.scale_tiers()\n"
            "print('pandera' in sys.modules)")
    out = _run_in_fresh_python(code, {data.VALIDATED_ENV: str(tmp_path / "empty")})
    assert out.split() == ["True"]


# How Altair comes into a process: a chart built through the charts (an app kernel with no designs
# file, a notebook's cell under nbval, the book build) and the bare baseline app's kernel. Each goes
# through charts._altair, which sets jsonschema up first.
@pytest.mark.parametrize("first", ["from pcn_workbook.charts import scale\nscale.evidence_template().to_dict()",
                                   "import pcn_workbook.apps.baseline"])
def test_unused_format_checkers_are_left_out_of_jsonschema_but_can_still_be_imported(first):
    code = (f"import sys\n{first}\nimport altair, jsonschema\n"
            "from pcn_workbook._jsonschema import LEFT_OUT\n"
            "print(sorted(m for m in LEFT_OUT if m in sys.modules) or 'none')\n"
            "checks = jsonschema.Draft7Validator.FORMAT_CHECKER.checkers\n"
            "print('uri' in checks, 'duration' in checks)\n"  # Vega-Lite's "uri" is still checked
            "import rfc3987_syntax, isoduration\nprint(rfc3987_syntax.is_valid_syntax('iri', 'https://example.org/a'))")
    out = _run_in_fresh_python(code, {})
    assert out.split() == ["none", "True", "False", "True"]


def _formats(node) -> set[str]:
    """Every string "format" a JSON schema names, at any depth."""
    found = set()
    if isinstance(node, dict):
        if isinstance(node.get("format"), str):
            found.add(node["format"])
        for value in node.values():
            found |= _formats(value)
    elif isinstance(node, list):
        for value in node:
            found |= _formats(value)
    return found


def test_vega_lite_never_asks_for_the_formats_left_out():
    """The trade above is free only while Altair's schema never uses the formats left out."""
    import altair as alt

    from pcn_workbook._jsonschema import UNUSED_FORMATS

    formats = _formats(alt.vegalite.v6.schema.core.load_schema())
    assert formats and not formats & UNUSED_FORMATS
    assert "iri" in UNUSED_FORMATS and "uri" not in UNUSED_FORMATS


def test_jupyters_event_schemas_never_ask_for_the_formats_left_out():
    """The same trade in the server (``serve.run``): jupyter_events checks the server's events
    against these schemas with jsonschema."""
    import importlib.util

    import yaml

    formats, files = set(), 0
    for package in ("jupyter_events", "jupyter_server", "jupyterlab_server", "voila"):
        root = Path(importlib.util.find_spec(package).origin).parent
        for path in [*root.rglob("*.yaml"), *root.rglob("*.yml"), *root.rglob("*schema*.json")]:
            files += 1
            for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
                formats |= _formats(document)
    from pcn_workbook._jsonschema import UNUSED_FORMATS

    assert files >= 5 and "uri" in formats  # the schemas were found and read
    assert not formats & UNUSED_FORMATS


def test_the_server_starts_voila_without_the_costly_format_checkers(tmp_path):
    code = f"""
import sys
from pathlib import Path
from pcn_workbook import serve
made = serve.workbook_voila
def spy(*args):
    app = made(*args)
    app.start = lambda self: print(sorted(m for m in ("jsonschema", "jupyter_events", "rfc3987_syntax", "isoduration",
                                                      "arrow") if m in sys.modules))
    return app
serve.workbook_voila = spy
serve.run(serve.ServeOptions(notebooks=Path({str(REPO / "notebooks")!r}), preheat=False))  # start() never binds its port
"""
    out = _run_in_fresh_python(code, {"PCN_WORKBOOK_DB": f"sqlite:///{tmp_path / 'store.sqlite3'}"})
    assert out.splitlines()[-1] == "['jsonschema', 'jupyter_events']"


def test_altair_still_rejects_a_bad_chart():
    import altair as alt

    with pytest.raises(Exception, match="'big' is an invalid value for `size`"):
        alt.Chart(alt.Data(values=[{"a": 1}])).mark_point(size="big").encode(x="a:Q").to_dict()


def test_a_fresh_page_kernel_reads_its_query_string_without_voila():
    code = ("import sys\nfrom pcn_workbook.apps import request\n"
            "print(request.query_string())\nprint('voila' in sys.modules)")
    out = _run_in_fresh_python(code, {**FRESH_PAGE, "QUERY_STRING": "step=noise&a=tit_for_tat"})
    assert out.split() == ["step=noise&a=tit_for_tat", "False"]


@pytest.fixture
def page_details_server():
    """A stand-in for Voila's /voila/query/<kernel> websocket: sends one page's request details."""
    from websockets.asyncio.server import serve

    details = {"QUERY_STRING": "step=noise&rounds=12", "PATH_INFO": "/voila/render/04_trust.ipynb",
               "SERVER_PORT": "8866"}
    asked, ready, loop_box = [], threading.Event(), {}

    async def answer(socket):
        asked.append(socket.request.path)
        await socket.send(json.dumps(details))

    async def main():
        async with serve(answer, "127.0.0.1", 0) as server:
            loop_box["port"] = server.sockets[0].getsockname()[1]
            loop_box["stop"] = asyncio.get_running_loop().create_future()
            loop_box["loop"] = asyncio.get_running_loop()
            ready.set()
            await loop_box["stop"]

    thread = threading.Thread(target=lambda: asyncio.run(main()), daemon=True)
    thread.start()
    assert ready.wait(10)
    yield loop_box["port"], details, asked
    loop_box["loop"].call_soon_threadsafe(loop_box["stop"].set_result, None)
    thread.join(10)


def test_a_preheated_kernel_waits_for_its_page_and_takes_its_details(page_details_server, monkeypatch):
    port, details, asked = page_details_server
    for name, value in {"VOILA_PREHEAT": "True", "VOILA_BASE_URL": "/", "VOILA_SERVER_URL": "/pcn/",
                        "VOILA_APP_IP": "127.0.0.1", "VOILA_APP_PORT": str(port), "VOILA_KERNEL_ID": "k-123",
                        "QUERY_STRING": "", "PATH_INFO": ""}.items():
        monkeypatch.setenv(name, value)
    assert request.query_string() == details["QUERY_STRING"]
    assert asked == ["/pcn/voila/query/k-123"]
    assert request.page_path() == details["PATH_INFO"]


def test_built_hands_back_the_app_even_without_malloc_trim(monkeypatch):
    import ctypes

    app = w.VBox()
    assert page.built(app) is app

    def no_libc(*_args, **_kwargs):
        raise OSError("no glibc here")

    monkeypatch.setattr(ctypes, "CDLL", no_libc)
    assert page.built(app) is app


@pytest.mark.parametrize("chapter", ["trust", "deciding"])
def test_a_guided_walk_draws_only_the_steps_shown_so_far(chapter):
    module = __import__(f"pcn_workbook.apps.{chapter}", fromlist=["build"])
    app = module.build("")
    assert app.step.value == "hook" and app.charts == {}  # the first screen draws no chart
    shown = []
    for _label, key in app.step.options[1:3]:
        app.step.value = key
        shown += [name for name in app.charts if name not in shown]
        assert list(app.charts) == shown and len(shown) <= len(app.step.options)
    assert 1 <= len(app.charts) <= 2


@pytest.mark.parametrize("app", ["purpose", "trust", "stories"])
def test_a_room_page_loads_no_alembic_and_no_model_it_does_not_ask(checked_datasets, tmp_path, app):
    """A participant's page from the room's link: the workshop panel and its store, whose schema the
    server has already brought to head (so no Alembic), and none of the other chapters' models
    (the autonomy paradox's would bring numpy, which these three apps do not use)."""
    from pcn_workbook.workshop import store as ws

    url = f"sqlite:///{tmp_path / 'room.sqlite3'}"
    room = ws.open_store(url)
    code = room.create_workshop("Imports").workshop.code
    room.close()
    script = (f"import sys\nfrom pcn_workbook.apps import {app}\nwidget = {app}.build('workshop={code}')\n"
              "assert widget.room.session is not None, 'the panel did not join the workshop'\n"
              "print(sorted(m for m in ('alembic', 'numpy', 'pandas') if m in sys.modules))")
    out = _run_in_fresh_python(script, {**FRESH_PAGE, **checked_datasets, ws.DB_ENV: url})
    assert out.split()[-1] == "[]"
