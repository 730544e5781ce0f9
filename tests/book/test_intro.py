"""The book's front page lists exactly the chapters that exist (issue 11: it once called built
chapters "planned")."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_intro_lists_every_chapter_in_the_toc_and_no_other():
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    chapters = re.findall(r"file: (notebooks/\S+)", toc)
    assert chapters, "the table of contents lists chapters"
    intro = (ROOT / "book" / "intro.md").read_text(encoding="utf-8")
    inside = intro.split("## What is inside", 1)[1].split("\n## ", 1)[0]
    linked = re.findall(r"\{doc\}`/(notebooks/[^`<>\s]+)`", inside)
    assert linked == chapters, "intro.md's 'What is inside' follows the table of contents"
    for path in chapters:
        assert (ROOT / f"{path}.ipynb").exists(), path
