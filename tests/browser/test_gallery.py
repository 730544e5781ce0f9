"""The landing page of the real notebooks/ folder: a card per notebook, titled by its heading.

That each card opens its app is tested where each app is opened anyway: the accessibility audit
(test_accessibility_audit.py) reaches every app by its card, so no app starts a kernel twice."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(
    p for p in (REPO / "notebooks").glob("*.ipynb") if not p.name.startswith((".", "_"))
)


def first_heading(notebook: Path) -> str | None:
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return None


def test_gallery_lists_every_notebook(tab):
    tab.open("")
    hrefs = tab.page.eval_on_selector_all(".pcn-card a", "links => links.map(a => a.pathname)")
    titles = tab.page.locator(".pcn-card-title").all_inner_texts()

    assert hrefs == [f"/voila/render/{nb.name}" for nb in NOTEBOOKS]
    for notebook, title in zip(NOTEBOOKS, titles, strict=False):
        heading = first_heading(notebook)
        assert title == (re.sub(r"[*_`]", "", heading) if heading else title)
    if not NOTEBOOKS:
        assert "No notebooks here yet" in tab.page.inner_text("body")
    tab.assert_clean()
