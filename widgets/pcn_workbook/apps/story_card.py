"""A printable story card in three forms: a standalone HTML page, an SVG picture, and PNG/PDF made
from the SVG with vl-convert (imported only when someone exports, since it costs ~100 MB).

A card is a title plus sections of (heading, text). Every piece of text is escaped here, whatever
the learner typed, so a card can never carry markup or script.
"""

from __future__ import annotations

import base64
import textwrap
from collections.abc import Sequence
from html import escape

Section = tuple[str, str]
WIDTH, MARGIN, WRAP = 880, 40, 84  # px, px, characters per line at 17 px
LINE, HEADING_GAP = 24, 34


def card_html(title: str, sections: Sequence[Section], footer: str) -> str:
    """A self-contained page that prints on one A4 sheet (no scripts, no outside files)."""
    body = "".join(f"<h2>{escape(h)}</h2>" + "".join(f"<p>{escape(p)}</p>" for p in text.split("\n") if p.strip())
                   for h, text in sections)
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>" + escape(title) + "</title>"
            "<style>body{font:17px/1.45 Helvetica,Arial,sans-serif;max-width:44em;margin:2em auto;color:#111}"
            "h1{font-size:26px}h2{font-size:18px;margin:1.1em 0 .2em;color:#005a8c}"
            "footer{margin-top:2em;font-size:13px;color:#444}@page{size:A4;margin:15mm}</style></head><body>"
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
