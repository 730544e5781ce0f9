"""Helpers for the chapters' reading cells (the story the book shows; Voila shows only the app).

``reveal`` is the book's "predict, then reveal": the reader commits to a choice in the text above,
then opens the answer, which the cell has just computed from the model (so the number in the
answer is the model's, never typed by hand). It is a native HTML ``<details>`` element: it opens
with a click, Enter or Space, screen readers announce it as a disclosure, and it needs no
JavaScript, so it works the same in the static book, in JupyterLab and in a printed page
(print styles may open it).
"""

from __future__ import annotations

from html import escape

from IPython.display import HTML

__all__ = ["glue", "reveal"]


def _paragraph(text: str) -> str:
    """One paragraph: escaped text, with **bold** spans kept as <strong>."""
    parts = escape(text).split("**")
    return "<p>" + "".join(f"<strong>{p}</strong>" if i % 2 else p for i, p in enumerate(parts)) + "</p>"


def reveal(summary: str, *paragraphs: str, table=None) -> HTML:
    """A closed disclosure: ``summary`` on the button, then the paragraphs (and an optional table).

    Paragraphs are plain text (escaped; ``**bold**`` is kept). ``table`` may be a pandas DataFrame,
    shown without its index.
    """
    if not summary.strip():
        raise ValueError("a reveal needs a summary line")
    body = "".join(_paragraph(p) for p in paragraphs)
    if table is not None:
        body += table.to_html(index=False, border=0, classes="pcn-reveal-table", escape=True)
    return HTML(
        f'<details class="pcn-reveal"><summary>{escape(summary)}</summary>'
        f'<div class="pcn-reveal-body">{body}</div></details>'
    )


def glue(name: str, value) -> None:
    """Hand a computed value to the book's text, where ``{glue:text}`name``` shows it.

    myst-nb (a book-build dependency) does the work. A workshop install has no myst-nb, and Voila
    never shows the text, so there this does nothing rather than break the page.
    """
    try:
        from myst_nb import glue as _glue
    except ImportError:
        return
    _glue(name, value, display=False)
