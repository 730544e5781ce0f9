"""serve.reuse_compiled_templates: Voila's page environments share compiled Jinja templates.

Voila makes a new exporter (so a new Jinja environment) per page; without the shared cache each
one compiles the page templates again. These tests render through real Voila exporters and real
Jinja environments and count what Jinja compiles.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import jinja2
import pytest
from voila.exporter import VoilaExporter

from pcn_workbook import serve


@pytest.fixture
def compiles(monkeypatch) -> list[str]:
    """The names of the templates Jinja compiles from source, in order."""
    seen: list[str] = []
    compile_ = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        seen.append(name)
        return compile_(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return seen


def _run(coroutine):
    """Run a coroutine to its end on a thread of its own (this process may already run a loop:
    Playwright's, in the browser tests that share the worker)."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def _exporter(tmp_path, source: str) -> VoilaExporter:
    """A Voila exporter (a page's) whose templates folder holds page.j2 with this source."""
    (tmp_path / "page.j2").write_text(source, encoding="utf-8")
    return VoilaExporter(template_paths=[str(tmp_path)], template_name="unused")


def _render(exporter: VoilaExporter, **context) -> str:
    """Render page.j2 as Voila does: its environment is an async one."""
    assert exporter.environment.is_async
    return _run(exporter.environment.get_template("page.j2").render_async(**context))


def test_a_second_page_environment_compiles_nothing(tmp_path, compiles):
    shared = serve.reuse_compiled_templates()
    assert serve.reuse_compiled_templates() is shared  # patched once, however often the server asks
    loop = "{% for x in items %}[{{ x }}]{% endfor %}"
    first, second = _exporter(tmp_path, loop), _exporter(tmp_path, loop)
    assert first.environment is not second.environment  # as Voila does: one environment a page
    assert _render(first, items=[1, 2]) == "[1][2]"
    assert _render(second, items=[3]) == "[3]"
    assert compiles.count("page.j2") == 1


def test_an_edited_template_is_compiled_again(tmp_path, compiles):
    serve.reuse_compiled_templates()
    assert _render(_exporter(tmp_path, "old {{ x }}"), x=1) == "old 1"
    assert _render(_exporter(tmp_path, "new {{ x }}"), x=2) == "new 2"
    assert compiles.count("page.j2") == 2


def test_environments_that_write_different_code_never_share(compiles):
    """A synchronous environment cannot run the code an async one wrote for the same template."""
    shared = serve.compiled_templates_cache()
    loader = jinja2.DictLoader({"t": "{{ x }}!"})
    sync = jinja2.Environment(loader=loader, bytecode_cache=shared)
    asynchronous = jinja2.Environment(loader=loader, bytecode_cache=shared, enable_async=True)
    assert sync.get_template("t").render(x=1) == "1!"
    assert _run(asynchronous.get_template("t").render_async(x=2)) == "2!"
    assert len(shared.store) == 2 and compiles.count("t") == 2
    assert jinja2.Environment(loader=loader, bytecode_cache=shared).get_template("t").render(x=3) == "3!"
    assert compiles.count("t") == 2  # the third (synchronous again) reused the first's code
