"""Gallery cards and served files, on a made-up notebooks folder that exercises every rule:
title from the first heading, description from metadata or the first paragraph, escaping,
hidden notebooks, subfolders, query strings passed on, and the narrow file allowlist."""

from __future__ import annotations

import urllib.error
import urllib.request

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

pytestmark = pytest.mark.browser

LONG = "First **paragraph** with a [link](http://example.org/x) to explain. " + "More words. " * 30
APP_CELL = new_code_cell(
    "import ipywidgets as w\nw.IntSlider(5).add_class('gallery-test-slider')",
    metadata={"tags": ["app"]},
)


def write(path, *cells, description=None):
    notebook = new_notebook(cells=list(cells))
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    if description:
        notebook.metadata["pcn"] = {"description": description}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)


@pytest.fixture(scope="module")
def voila_notebooks(tmp_path_factory):
    root = tmp_path_factory.mktemp("notebooks")
    write(root / "01_alpha.ipynb", new_markdown_cell("# Alpha *chapter*\n\nIgnored paragraph."),
          APP_CELL, description="Described in the metadata.")
    write(root / "02_beta.ipynb", new_markdown_cell("Intro line before any heading."),
          new_markdown_cell("## Beta <script>alert(1)</script>\n\n" + LONG))
    write(root / "04_delta.ipynb", new_markdown_cell("## Delta\n\n" + LONG))
    write(root / "05_broken.ipynb", new_markdown_cell("# Broken"),
          new_code_cell("import no_such_module_for_pcn_tests"), APP_CELL)
    write(root / "_draft.ipynb", new_markdown_cell("# Draft"))
    write(root / "extra" / "03_gamma.ipynb", new_markdown_cell("# Gamma"))
    (root / "images").mkdir()
    (root / "images" / "dot.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (root / "images" / "tool.py").write_text("print('no')\n")
    (root / "notes.txt").write_text("not for the room\n")
    return root


def test_cards_show_titles_and_one_line_descriptions(tab):
    dialogs = []
    tab.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    tab.open("")
    titles = tab.page.locator(".pcn-card-title").all_inner_texts()
    descriptions = tab.page.locator(".pcn-card-description").all_inner_texts()

    # the <script> in a heading is shown as text, never run
    assert titles == ["Alpha chapter", "Beta <script>alert(1)</script>", "Delta", "Broken"]
    assert dialogs == []
    assert descriptions[0] == "Described in the metadata."
    assert descriptions[1].startswith("Intro line before any heading.")  # first paragraph
    assert "Draft" not in tab.page.inner_text("body")  # _draft is hidden
    tab.assert_clean()


def test_long_first_paragraph_is_cut_to_one_line(tab):
    tab.open("")
    description = tab.page.locator(".pcn-card-description").all_inner_texts()[2]

    assert description.startswith("First paragraph with a link to explain.")  # markup gone
    assert description.endswith("…") and len(description) <= 160
    tab.assert_clean()


def test_card_opens_the_app(tab):
    tab.open("")
    tab.page.click("text=Alpha chapter")
    tab.page.wait_for_url("**/voila/render/01_alpha.ipynb")
    tab.page.wait_for_selector(".gallery-test-slider .noUi-handle", state="visible")
    # not a chapter app (no "app-cells" in its metadata), so no chart code it never uses is preloaded
    assert tab.page.locator("link[rel=modulepreload]").count() == 0
    tab.assert_clean()


def test_a_failing_hidden_cell_is_reported_without_a_traceback(tab):
    tab.open("voila/render/05_broken.ipynb")
    tab.page.wait_for_selector("text=There was an error when executing cell")
    body = tab.page.inner_text("body")

    assert "Traceback" not in body and "no_such_module_for_pcn_tests" not in body
    tab.assert_clean()


def test_query_string_is_passed_on_to_apps_and_folders(tab):
    tab.open("?workshop=ABC")
    hrefs = tab.page.eval_on_selector_all(".pcn-card a, .pcn-folder a", "ls => ls.map(a => a.href)")

    assert hrefs and all(href.endswith("?workshop=ABC") for href in hrefs)
    tab.page.click(".pcn-folder a")
    assert tab.page.locator(".pcn-card-title").all_inner_texts() == ["Gamma"]
    tab.assert_clean()


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("images/dot.png", 200),
        ("images/tool.py", 403),
        ("notes.txt", 403),
        ("01_alpha.ipynb", 403),
        ("extra/03_gamma.ipynb", 403),
    ],
)
def test_only_allowlisted_files_are_served(voila_server, path, status):
    try:
        with urllib.request.urlopen(f"{voila_server.url}voila/files/{path}") as response:
            got = response.status
    except urllib.error.HTTPError as error:
        got = error.code
    assert got == status


def test_missing_notebook_page_stays_offline(tab):
    tab.open("voila/render/no_such_chapter.ipynb")
    assert "404" in tab.page.inner_text("body")
    assert tab.outside_requests == []
    assert tab.page_errors == []
