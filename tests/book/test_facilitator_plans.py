"""Every chapter has a session plan in the facilitator guide's common template (issue 11).

Reads the Markdown sources (no build): book/facilitator/<chapter>.md for each chapter notebook,
listed in _toc.yml under the facilitator guide, with the template's sections in the template's
order and a timings table for both a 60- and a 90-minute session.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))
GUIDE = ROOT / "book" / "facilitator_guide.md"


def template() -> list[str]:
    """The section names, in order, from the guide's definition list of the template."""
    guide = GUIDE.read_text(encoding="utf-8")
    block = guide.split("(session-plan-template)=", 1)[1]
    return re.findall(r"(?m)^([A-Z][^\n:]*)\n: ", block)


def test_the_guide_defines_the_template():
    assert template()[:3] == ["Outcomes", "Group size", "Before the session"]
    assert len(template()) >= 9


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_each_chapter_has_a_plan_in_the_toc(chapter):
    plan = ROOT / "book" / "facilitator" / f"{chapter.stem}.md"
    assert plan.exists(), f"no session plan for {chapter.name}"
    assert f"book/facilitator/{chapter.stem}" in (ROOT / "_toc.yml").read_text(encoding="utf-8")
    assert f"/notebooks/{chapter.stem}" in plan.read_text(encoding="utf-8"), "the plan links its chapter"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_each_plan_follows_the_template_in_order(chapter):
    plan = (ROOT / "book" / "facilitator" / f"{chapter.stem}.md").read_text(encoding="utf-8")
    headings = re.findall(r"(?m)^## (.+?)\s*$", plan)
    wanted = template()
    assert [h for h in headings if h in wanted] == wanted, f"sections found: {headings}"
    for name in wanted:  # no empty section
        body = plan.split(f"## {name}\n", 1)[1].split("\n## ", 1)[0]
        assert len(body.split()) >= 12, f"the section {name!r} is nearly empty"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_timings_cover_a_60_and_a_90_minute_session(chapter):
    plan = (ROOT / "book" / "facilitator" / f"{chapter.stem}.md").read_text(encoding="utf-8")
    timings = plan.split("## Timings\n", 1)[1].split("\n## ", 1)[0]
    header = next(line for line in timings.splitlines() if line.startswith("|"))
    assert "60" in header and "90" in header, header
