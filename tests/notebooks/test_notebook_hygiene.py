"""Chapter notebooks are committed lean and tagged so Voila shows the app and the book the story.

(nbval runs every notebook itself: the README's test command passes notebooks/ to pytest --nbval-lax.)
"""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))  # 04b_... too
ALL = CHAPTERS + [ROOT / "benchmarks" / "baseline.ipynb", ROOT / "benchmarks" / "reference" / "output_pattern.ipynb"]


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


# What a workshop install has (pyproject's base dependencies, as import names) besides the standard
# library: Voila runs every cell of a chapter, so a story cell importing a book-only package (myst_nb,
# sphinx, ...) would break the live app for a facilitator who ran `make workshop` only.
WORKSHOP_IMPORTS = {"pcn_workbook", "IPython", "altair", "anywidget", "ipywidgets", "numpy", "pandas",
                    "pandera", "platformdirs", "psutil", "segno", "sqlalchemy", "vl_convert"}


def _base_dependencies() -> set[str]:
    import tomllib
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    import re
    return {re.split(r"[<>=\[ ]", d, maxsplit=1)[0].lower() for d in deps}


def test_workshop_imports_are_base_dependencies():
    names = {"vl_convert": "vl-convert-python", "IPython": "ipywidgets", "pcn_workbook": "voila"}
    for module in WORKSHOP_IMPORTS:
        assert names.get(module, module).lower() in _base_dependencies(), module


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_cells_import_only_what_a_workshop_install_has(path):
    import ast
    import sys
    found = set()
    for cell in cells(path):
        if cell["cell_type"] != "code":
            continue
        source = "\n".join(l for l in "".join(cell["source"]).splitlines() if not l.lstrip().startswith(("%", "!")))
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                found.add(node.module.split(".")[0])
    outside = {m for m in found if m not in WORKSHOP_IMPORTS and m not in sys.stdlib_module_names}
    assert not outside, f"{path.name} imports {sorted(outside)}, which `make workshop` does not install"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_voila_runs_only_the_app_cell_of_a_chapter(path):
    """Each chapter asks `pcn-workbook serve` to hand Voila its app cell alone (serve.app_cells_only);
    that needs an app cell that imports everything it uses (the browser tests run it that way)."""
    meta = json.loads(path.read_text())["metadata"]
    assert meta["pcn"].get("voila") == "app-cells"
    app = [c for c in cells(path) if "app" in c["metadata"].get("tags", [])]
    assert len(app) == 1 and "import" in "".join(app[0]["source"])
