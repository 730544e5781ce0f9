"""Every chapter teaches the same way (issue 11): outcomes at the top, a prediction before anything
is explained, two or three exercises with hidden, executed solutions, and one "Under the hood" cell.

These check the notebook's structure; nbval (run on notebooks/) executes every cell, solutions
included, and the book build renders them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))

FENCE = r"(?:```|:::)"
EXERCISE = re.compile(FENCE + r"\{exercise\}[^\n]*\n(?:[^\n]*\n)*?:label:\s*(\S+)")
SOLUTION_START = re.compile(FENCE + r"\{solution-start\}\s+(\S+)")
SOLUTION_END = re.compile(FENCE + r"\{solution-end\}")


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def text(cell: dict) -> str:
    return "".join(cell["source"])


def tags(cell: dict) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_outcomes_are_stated_at_the_top(path):
    first = text(cells(path)[0])
    assert first.startswith("# "), "the first cell is the chapter's title"
    block = re.search(FENCE + r"\{admonition\} Learning outcomes\n(.*?)" + FENCE, first, re.S)
    assert block, "the first cell states the learning outcomes in an admonition"
    bullets = [line for line in block.group(1).splitlines() if line.lstrip().startswith(("- ", "* "))]
    assert 2 <= len(bullets) <= 6, bullets


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_the_reader_predicts_before_anything_is_explained(path):
    """The first section after the title asks for a prediction, and a reveal follows it."""
    nb = cells(path)
    markdown = [i for i, c in enumerate(nb) if c["cell_type"] == "markdown"]
    second = markdown[1]
    assert re.search(FENCE + r"\{admonition\} Predict", text(nb[second])), "the second section opens with a prediction"
    later = [c for c in nb[second + 1:] if c["cell_type"] == "code"]
    reveal = next(c for c in later if "remove-cell" not in tags(c))
    assert "reveal(" in text(reveal) and "hide-input" in tags(reveal), "the next shown code cell reveals the answer"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_two_or_three_exercises_each_with_an_executed_hidden_solution(path):
    nb = cells(path)
    labels = [m for c in nb if c["cell_type"] == "markdown" for m in EXERCISE.findall(text(c))]
    assert 2 <= len(labels) <= 3, labels
    assert len(set(labels)) == len(labels)
    for label in labels:
        start = next((i for i, c in enumerate(nb) if c["cell_type"] == "markdown"
                      and label in SOLUTION_START.findall(text(c))), None)
        assert start is not None, f"exercise {label} has no solution"
        assert ":class: dropdown" in text(nb[start]), f"the solution to {label} is hidden in a dropdown"
        end = next(i for i in range(start, len(nb)) if nb[i]["cell_type"] == "markdown"
                   and SOLUTION_END.search(text(nb[i])))
        code = [c for c in nb[start:end] if c["cell_type"] == "code"]
        assert code, f"the solution to {label} computes its answer (nbval executes it)"
        assert all("remove-cell" not in tags(c) for c in code), f"the solution to {label} is shown in the book"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_one_collapsed_under_the_hood_cell(path):
    nb = cells(path)
    heads = [i for i, c in enumerate(nb) if c["cell_type"] == "markdown"
             and re.search(r"(?m)^##+ Under the hood", text(c))]
    assert len(heads) == 1, "exactly one 'Under the hood' section"
    following = nb[heads[0] + 1]
    assert following["cell_type"] == "code" and "hide-input" in tags(following), \
        "the section's code cell is collapsed (hide-input) and shows its result"
    assert 3 <= len(text(following).strip().splitlines()) <= 40, "a few lines of maths, not a library"
