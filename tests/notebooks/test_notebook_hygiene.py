"""Chapter notebooks are committed lean and tagged so Voila shows the app and the book the story.

(nbval runs every notebook itself: the README's test command passes notebooks/ to pytest --nbval-lax.)
"""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ALL = CHAPTERS + [ROOT / "benchmarks" / "baseline.ipynb"]


def cells(path):
    return json.loads(path.read_text())["cells"]


def test_there_are_chapters():
    assert CHAPTERS


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    code = [c for c in cells(path) if c["cell_type"] == "code"]
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_last_code_cell_is_the_only_app_cell(path):
    code = [c for c in cells(path) if c["cell_type"] == "code"]
    tagged = [c for c in code if "app" in c["metadata"].get("tags", [])]
    assert tagged == [code[-1]]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_book_hides_the_app_and_the_setup(path):
    code = [c for c in cells(path) if c["cell_type"] == "code"]
    assert "remove-cell" in code[-1]["metadata"]["tags"]  # the live app needs a kernel
    assert "remove-cell" in code[0]["metadata"]["tags"]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_is_in_the_book_and_the_gallery(path):
    toc = (ROOT / "_toc.yml").read_text()
    assert f"notebooks/{path.stem}" in toc
    meta = json.loads(path.read_text())["metadata"]
    assert meta["pcn"]["description"]
    assert "".join(cells(path)[0]["source"]).startswith("# ")
