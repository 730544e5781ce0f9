"""Accessibility fixes for what the book's theme and myst-nb write (found by tests/book/test_book_accessibility.py).

* myst-nb labels every "Show code cell source" toggle ``aria-label="Toggle hidden content"``, so a
  screen reader hears a name that differs from the words on screen (axe: label-content-name-mismatch)
  and a voice-control user cannot say what they see. The toggle is re-registered here without that
  label: the visible words are its name.
* The theme's sidebar draws each section's expand/collapse control as an empty ``<summary>`` (an
  icon only), which has no name at all (axe: summary-name). The theme offers no option for it, so
  ``pcn-a11y.js`` (book/assets) names each one after the section it opens once the page has loaded.
"""

from __future__ import annotations

from html import escape

from myst_nb.sphinx_ import HideCodeCellNode
from sphinx.application import Sphinx


def visit_hide_cell_input(self, node) -> None:
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n<summary>\n')
    self.body.append(f'<p class="collapsed admonition-title">{escape(node["prompt_show"])}</p>\n')
    self.body.append(f'<p class="expanded admonition-title">{escape(node["prompt_hide"])}</p>\n')
    self.body.append("</summary>\n")


def depart_hide_cell_input(self, node) -> None:
    self.body.append("</details>\n")


def setup(app: Sphinx) -> dict:
    app.setup_extension("myst_nb")  # its node first, then ours over it
    app.add_node(HideCodeCellNode, override=True, html=(visit_hide_cell_input, depart_hide_cell_input))
    app.add_js_file("pcn-a11y.js", loading_method="defer")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
