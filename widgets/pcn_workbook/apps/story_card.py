"""Story cards. A bank story's card (``bank_story_html``), the one renderer shared by the app's
matches and the book's story bank; and the learner's printable card in three forms: a standalone
HTML page, an SVG picture, and PNG/PDF made from the SVG with vl-convert (imported only when
someone exports, since it costs ~100 MB).

A printable card is a title plus sections of (heading, text). Every piece of text is escaped
here, whatever the learner typed or a dataset holds, so a card can never carry markup or script.
"""

from __future__ import annotations

import base64
import textwrap
from collections.abc import Mapping, Sequence
from html import escape
from typing import TYPE_CHECKING

from ..models.stories import figure_text, figures_of

if TYPE_CHECKING:
    import pandas as pd

Section = tuple[str, str]
# The bank's columns a card shows, in reading order, with the heading each gets.
BANK_PARTS = (("The problem", "problem"), ("What changed", "what_changed"), ("What happened", "outcome"),
              ("Without the change", "without_change"))
WIDTH, MARGIN, WRAP = 880, 40, 84  # px, px, characters per line at 17 px
LINE, HEADING_GAP = 24, 34


def _cell(row, key: str) -> str:
    value = row.get(key, "") if hasattr(row, "get") else ""
    return value.strip() if isinstance(value, str) else ""


def bank_story_html(row, figures: pd.DataFrame | Sequence[Mapping] | None = None, reasons: Sequence[str] = ()) -> str:
    """One story of ``datasets/story_bank.csv`` as a card: title; place, period, lead and who
    told the case in the source (when not the lead); why it matched (when ``reasons`` are given);
    the problem, what changed, what happened and the ending without the change (each only when
    the bank has it); the story's figures from ``story_figures``; and its source line. ``row`` is
    a bank row (a Series or a dict) and ``figures`` a frame or its rows (dicts). The app's matches
    and the book's story bank both use it."""
    story = _cell(row, "story")
    where = ", ".join(escape(x) for x in (_cell(row, k) for k in ("place", "country", "period")) if x)
    lead, told = escape(_cell(row, "lead")), escape(_cell(row, "presented_by"))
    about = " ".join(part for part in (f"{where}." if where else "", f"Lead: {lead}." if lead else "",
                                       f"Told by: {told}." if told and told != lead else "",
                                       f"Why this one: {escape('; '.join(reasons))}." if reasons else "") if part)
    parts = [f"<h4>{escape(_cell(row, 'title'))}</h4>"] + ([f"<p><small>{about}</small></p>"] if about else [])
    parts += [f"<p><b>{label}:</b> {escape(_cell(row, key))}</p>" for label, key in BANK_PARTS if _cell(row, key)]
    own = figures_of(figures, story)
    if own:
        parts.append("<ul>" + "".join(f"<li>{escape(figure_text(r))}</li>" for r in own) + "</ul>")
    title, author = escape(_cell(row, "source_title")), escape(_cell(row, "source_author"))
    source = ", ".join(x for x in (f"<i>{title}</i>" if title else "", author) if x) or "not recorded"
    parts.append(f"<p><small>Source: {source}.</small></p>")
    return f"<div class='pcn-story' data-story='{escape(story)}'>{''.join(parts)}</div>"


def card_html(title: str, sections: Sequence[Section], footer: str) -> str:
    """A self-contained page that prints on one A4 sheet (no scripts, no outside files)."""
    body = "".join(f"<h2>{escape(h)}</h2>" + "".join(f"<p>{escape(p)}</p>" for p in text.split("\n") if p.strip())
                   for h, text in sections)
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>" + escape(title) + "</title>"
            "<style>body{font:17px/1.45 Helvetica,Arial,sans-serif;max-width:44em;margin:2em auto;color:#111}"
            "h1{font-size:26px}h2{font-size:18px;margin:1.1em 0 .2em;color:#005a8c}"
            "footer{margin-top:2em;font-size:13px;color:#444}@page{size:A4;margin:15mm}"
            # On paper: smaller type and tighter spacing, so a card inspired by a long bank story
            # still fits one sheet (tests/book/test_print.py).
            "@media print{body{font-size:11pt;line-height:1.3;margin:0;max-width:none}h1{font-size:20pt;margin:0 0 .3em}"
            "h2{font-size:13pt;margin:.8em 0 .15em}p{margin:.2em 0}footer{margin-top:1em;font-size:9pt}}"
            "</style></head><body>"
            f"<h1>{escape(title)}</h1>{body}<footer>{escape(footer)}</footer></body></html>")


def card_svg(title: str, sections: Sequence[Section], footer: str) -> str:
    """The card as an SVG picture, text wrapped to the card's width."""
    y, parts = MARGIN + 26, []
    parts.append(f"<text x='{MARGIN}' y='{y}' font-size='26' font-weight='bold'>{escape(title)}</text>")
    y += 16
    for heading, text in sections:
        y += HEADING_GAP
        parts.append(f"<text x='{MARGIN}' y='{y}' font-size='18' font-weight='bold' fill='#005a8c'>{escape(heading)}</text>")
        for paragraph in (p for p in text.split("\n") if p.strip()):
            for line in textwrap.wrap(paragraph, WRAP) or [""]:
                y += LINE
                parts.append(f"<text x='{MARGIN}' y='{y}' font-size='17'>{escape(line)}</text>")
    y += HEADING_GAP
    for line in textwrap.wrap(footer, WRAP + 12):
        parts.append(f"<text x='{MARGIN}' y='{y}' font-size='13' fill='#444'>{escape(line)}</text>")
        y += 18
    height = y + MARGIN
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{WIDTH}' height='{height}' viewBox='0 0 {WIDTH} {height}' "
            "font-family='Helvetica, Arial, sans-serif'>"
            f"<rect width='{WIDTH}' height='{height}' fill='white' stroke='#005a8c' stroke-width='4'/>"
            + "".join(parts) + "</svg>")


def to_png(svg: str) -> bytes:
    import vl_convert  # lazy: only exporting needs it

    return vl_convert.svg_to_png(svg, scale=2)


def to_pdf(svg: str) -> bytes:
    import vl_convert

    return vl_convert.svg_to_pdf(svg)


def download_link(label: str, filename: str, mime: str, content: str | bytes) -> str:
    """An <a download> whose file travels in the link itself (a data URI): nothing is fetched."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    href = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    return f"<a class='pcn-download' download='{escape(filename)}' href='{href}'>{escape(label)}</a>"
