"""A preheated kernel builds the plain-link app while it waits for a page (``page.build_app``).

The wait on Voila's websocket is real in tests/browser; here ``request._ask_voila`` is replaced by a
function that returns a chosen page's request details, so each case can say which link arrived.
"""

from __future__ import annotations

import importlib
import re

import pytest
from ipywidgets.widgets.widget import _instances

from pcn_workbook.apps import page, request

APPS = ["purpose", "autonomy", "scale", "trust", "deciding", "stories"]
REF = re.compile(r"IPY_MODEL_([0-9a-f]+)")


@pytest.fixture
def preheated(monkeypatch):
    """A kernel Voila preheated; ``arrive(query, path)`` says which page will take it."""
    monkeypatch.setenv("VOILA_KERNEL_ID", "test-kernel")
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.delenv("PATH_INFO", raising=False)
    waits = []

    def arrive(query: str, path: str = "/voila/render/app.ipynb") -> list:
        def ask() -> dict:
            waits.append(query)
            return {"QUERY_STRING": query, "PATH_INFO": path}

        monkeypatch.setattr(request, "_ask_voila", ask)
        return waits

    return arrive


def reachable(widget) -> set[str]:
    """The ids of every widget the page would draw or sync for ``widget``: children, layouts,
    styles and any other widget its state refers to."""
    seen, todo = set(), [widget.model_id]
    while todo:
        key = todo.pop()
        if key in seen:
            continue
        seen.add(key)
        todo.extend(REF.findall(repr(_instances[key].get_state())))
    return seen


def test_a_plain_link_takes_the_app_built_while_waiting(preheated):
    waits = preheated("")
    made = []

    def make(query):
        made.append((query, bool(request.preheated())))
        return page.header("x", "y")

    app = page.build_app(make, "02_autonomy_paradox")
    assert made == [("", True)], "the app was not built before the page arrived, or was built twice"
    assert waits == [""]
    assert app.comm is not None


def test_a_link_with_settings_closes_the_early_app_and_builds_the_asked_one(preheated):
    preheated("tolerance=0.3")
    made = []

    def make(query):
        app = page.header(query or "plain", "y")
        made.append(app)
        return app

    app = page.build_app(make, "02_autonomy_paradox")
    assert [m.value.count("tolerance=0.3") for m in made] == [0, 1]
    assert made[0].comm is None, "the app built for the plain link was left open"
    assert app is made[1] and app.comm is not None


def test_after_the_page_arrives_the_kernel_never_waits_again(preheated):
    waits = preheated("")
    page.build_app(lambda q: page.header("x", "y"), "02_autonomy_paradox")
    assert not request.preheated()
    page.build_app(lambda q: page.header("x", "y"), "02_autonomy_paradox")
    assert waits == [""]


@pytest.mark.parametrize("name", APPS)
def test_every_app_built_early_then_rebuilt_from_a_link_is_whole(preheated, name):
    """Closing the early app's widgets must not close anything the asked-for app uses (a module-level
    widget made on first build, say), and the share link must carry the page's real path."""
    module = importlib.import_module(f"pcn_workbook.apps.{name}")
    query = {"purpose": "step=readiness", "autonomy": "tolerance=0.3", "scale": "step=voice", "trust": "step=sandbox",
             "deciding": "step=representation", "stories": "tags=recruitment"}[name]
    before = set(_instances)
    preheated(query, path=f"/voila/render/{name}.ipynb")
    app = module.build()
    ids = reachable(app)
    closed = [k for k in ids if k not in _instances]
    assert not closed, f"{len(closed)} widgets of the built app were closed"
    made_now = set(_instances) - before
    assert ids <= made_now | before
    assert len(made_now - ids) < len(made_now) / 2, "most widgets made are not part of the app (early app left open?)"
    assert f"/voila/render/{name}.ipynb?" in app.share_link.value


@pytest.mark.parametrize("name", APPS)
def test_every_app_on_a_plain_link_shows_the_real_path(preheated, name):
    module = importlib.import_module(f"pcn_workbook.apps.{name}")
    preheated("", path=f"/voila/render/{name}.ipynb")
    app = module.build()
    assert f"/voila/render/{name}.ipynb?" in app.share_link.value


def test_a_room_link_keeps_the_early_app_and_adds_the_panel(preheated, monkeypatch):
    """``?workshop=CODE`` alone is a plain link plus the panel: the early app is kept."""
    from pcn_workbook.apps import request as req

    preheated("workshop=ABC123")
    seen = []
    monkeypatch.setattr(page, "built", lambda app: app)
    monkeypatch.setattr(req, "with_workshop", lambda app, chapter, code: seen.append(code) or app)
    made = []
    page.build_app(lambda q: made.append(q) or page.header("x", "y"), "04_trust")
    assert made == [""] and seen == ["ABC123"]


def _shown(app) -> dict:
    """What a learner sees of a guided walk: the step, its words, narrative, share link and charts."""
    return {"step": app.step.value, "words": app.step_text.value, "narrative": app.narrative.value,
            "link": app.share_link.value, "message": app.message.value,
            "body": [type(c).__name__ for c in app.body.children],
            "charts": {k: c.spec for k, c in app.charts.items() if c in _drawn(app)}}


def _drawn(app) -> list:
    out, todo = [], list(app.body.children)
    while todo:
        widget = todo.pop()
        out.append(widget)
        todo.extend(getattr(widget, "children", ()))
    return out


@pytest.mark.parametrize(("name", "cls", "query"), [("purpose", "PurposeApp", "step=compass"),
                                                  ("deciding", "DecidingApp", "step=representation")])
def test_a_link_that_only_names_a_step_keeps_the_early_app(preheated, monkeypatch, name, cls, query):
    """Shown at that step, exactly as an app built for the link would be, with nothing closed."""
    module = importlib.import_module(f"pcn_workbook.apps.{name}")
    built, init = [], getattr(module, cls).__init__
    monkeypatch.setattr(getattr(module, cls), "__init__", lambda self, *a, **k: built.append(a) or init(self, *a, **k))
    preheated(query, path=f"/voila/render/{name}.ipynb")
    app = module.build()
    assert len(built) == 1, "the app built while waiting was not kept"
    assert app.comm is not None and app.step.value == query.split("=")[1]
    assert not [k for k in reachable(app) if k not in _instances]
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    fresh = module.build(query)
    kept, asked = _shown(app), _shown(fresh)
    assert kept.pop("link").endswith(f"?{query}</code>") and asked.pop("link").endswith(f"?{query}</code>")
    assert kept == asked  # (the fresh app is on no page, so only its link's path differs)


@pytest.mark.parametrize("query", ["step=compass&inward=7", "step=nowhere"])
def test_a_step_link_that_asks_for_more_builds_the_app_it_asks_for(preheated, query):
    from pcn_workbook.apps import purpose

    preheated(query, path="/voila/render/purpose.ipynb")
    app = purpose.build()
    if "inward" in query:
        assert app.inward.value == 7 and app.step.value == "compass"
    else:
        assert "Ignored step" in app.message.value and app.step.value == "hook"
