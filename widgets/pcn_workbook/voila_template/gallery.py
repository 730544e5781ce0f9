"""Gallery cards for Voila's landing page: one card per notebook, with a title and one line.

The title is the notebook's first markdown heading; the line is the notebook metadata
``pcn.description`` if present, otherwise the first plain paragraph of its markdown. The cards reach
the template through Voila's ``page_config_hook`` (see :func:`page_config_hook`), so the template
stays plain Jinja and works, with bare file names, even without our launcher.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

PAGE_CONFIG_KEY = "pcnGallery"
DESCRIPTION_LIMIT = 160  # characters: one line on a projector at the gallery's type size

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<text>.+?)\s*#*\s*$")
_LINK = re.compile(r"!?\[(?P<text>[^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"[*_`]+")
_NOT_PROSE = ("#", "<", "!", "|", "```", ":::", ">", "$$", "---", "- ", "* ", "1.")


@dataclass(frozen=True)
class Card:
    path: str  # relative to the served directory, with "/" separators
    title: str
    description: str


def _plain(text: str) -> str:
    text = _LINK.sub(lambda m: m.group("text"), text)
    return " ".join(_MARKUP.sub("", text).split())


def _one_line(text: str) -> str:
    if len(text) <= DESCRIPTION_LIMIT:
        return text
    cut = text[: DESCRIPTION_LIMIT - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def _markdown_sources(notebook: dict[str, Any]) -> list[str]:
    sources = []
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "markdown":
            source = cell.get("source", "")
            sources.append("".join(source) if isinstance(source, list) else source)
    return sources


def _title(markdown: list[str]) -> str | None:
    for source in markdown:
        for line in source.splitlines():
            match = _HEADING.match(line)
            if match:
                return _plain(match.group("text"))
    return None


def _first_paragraph(markdown: list[str]) -> str:
    for source in markdown:
        for block in re.split(r"\n\s*\n", source):
            block = block.strip()
            if block and not block.startswith(_NOT_PROSE):
                return _plain(block)
    return ""


def _name_as_title(path: Path) -> str:
    words = re.sub(r"^\d+[_-]", "", path.stem).replace("_", " ").replace("-", " ")
    return words.strip().capitalize() or path.stem


def notebook_card(path: Path, root: Path) -> Card:
    """Read one notebook (as JSON; no execution) and describe it for the gallery."""
    relative = path.relative_to(root).as_posix()
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Card(relative, _name_as_title(path), "This notebook could not be read.")
    markdown = _markdown_sources(notebook)
    described = notebook.get("metadata", {}).get("pcn", {}).get("description")
    description = _plain(described) if isinstance(described, str) else _first_paragraph(markdown)
    return Card(relative, _title(markdown) or _name_as_title(path), _one_line(description))


def gallery_cards(root: Path, folder: str = "") -> list[Card]:
    """Cards for the notebooks directly inside ``root/folder``, in file-name order."""
    directory = (root / folder).resolve()
    if not directory.is_relative_to(root.resolve()) or not directory.is_dir():
        return []
    notebooks = sorted(p for p in directory.glob("*.ipynb") if not p.name.startswith((".", "_")))
    return [notebook_card(p, root.resolve()) for p in notebooks]


def page_config_hook(root: Path):
    """A Voila ``page_config_hook`` that adds the gallery cards to directory pages.

    Voila's tree handler ignores the hook's return value and the render handler uses it, so the
    hook both updates ``page_config`` in place and returns it. Notebook pages are left alone.
    """

    def hook(page_config: dict[str, Any], *, notebook_path: str | None = None, **_: Any):
        folder = (notebook_path or "").strip("/")  # the tree handler passes "/sub" for sub/
        if not folder.endswith(".ipynb") and (root / folder).is_dir():
            page_config[PAGE_CONFIG_KEY] = [asdict(c) for c in gallery_cards(root, folder)]
        return page_config

    return hook
