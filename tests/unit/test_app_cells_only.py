"""Voila is handed a chapter's app cell only (serve.app_cells_only / app_contents_manager).

The book's story cells (tables, exercises, solutions) would otherwise run in every page's kernel
and every pooled kernel, costing seconds per page for output the page never shows.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from jupyter_server.services.contents.largefilemanager import LargeFileManager

from pcn_workbook import serve

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))


def _chapter_like(voila="app-cells"):
    nb = nbformat.v4.new_notebook()
    nb.metadata["pcn"] = {"description": "x", **({"voila": voila} if voila else {})}
    return nb


def test_only_app_cells_are_kept():
    nb = _chapter_like()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"),
                nbformat.v4.new_code_cell("setup()", metadata={"tags": ["remove-cell"]}),
                nbformat.v4.new_code_cell("story()", metadata={"tags": ["hide-input"]}),
                nbformat.v4.new_code_cell("app.build()", metadata={"tags": ["app", "remove-cell"]})]
    assert serve.app_cells_only(nb) is True
    assert [c.source for c in nb.cells] == ["app.build()"]


def test_a_notebook_without_an_app_cell_is_served_whole():
    nb = _chapter_like()
    nb.cells = [nbformat.v4.new_code_cell("a = 1"), nbformat.v4.new_code_cell("a")]
    assert serve.app_cells_only(nb) is False
    assert len(nb.cells) == 2


@pytest.mark.parametrize("voila", [None, "all"])
def test_a_notebook_that_does_not_ask_is_served_whole(voila):
    """The baseline's app cell uses an import from the cell above it: it must run whole."""
    nb = _chapter_like(voila)
    nb.cells = [nbformat.v4.new_code_cell("from x import app"),
                nbformat.v4.new_code_cell("app.build()", metadata={"tags": ["app"]})]
    assert serve.app_cells_only(nb) is False
    assert len(nb.cells) == 2


def test_the_baseline_is_served_whole(tmp_path):
    baseline = ROOT / "benchmarks" / "baseline.ipynb"
    shutil.copy(baseline, tmp_path / baseline.name)
    manager = serve.app_contents_manager(LargeFileManager)(root_dir=str(tmp_path))
    assert len(manager.get(baseline.name)["content"].cells) == len(json.loads(baseline.read_text())["cells"])


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_the_contents_manager_serves_each_chapter_as_its_app_cell(tmp_path, path):
    shutil.copy(path, tmp_path / path.name)
    (tmp_path / "plain.txt").write_text("not a notebook")
    manager = serve.app_contents_manager(LargeFileManager)(root_dir=str(tmp_path))
    model = manager.get(path.name)
    cells = model["content"].cells
    assert len(cells) == 1 and "app" in cells[0].metadata["tags"]
    assert "build(" in cells[0].source
    # The file on disk is untouched, and other files come through as they are.
    assert len(json.loads((tmp_path / path.name).read_text())["cells"]) > 1
    assert manager.get("plain.txt")["content"] == "not a notebook"
    assert manager.get(path.name, content=False)["content"] is None
