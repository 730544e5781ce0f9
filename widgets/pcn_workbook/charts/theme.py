"""One accessible look for every chart: colour-blind-safe colours, type readable on a projector.

Colours are the Okabe-Ito palette (Okabe and Ito 2008, "Color Universal Design"), distinguishable
with the common forms of colour blindness. Gains and losses use blue and vermillion and are also
told apart by sign and label, never by colour alone.
"""

from __future__ import annotations

from typing import Any

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
GAIN, LOSS, NEUTRAL = "#0072B2", "#D55E00", "#6E6E6E"
FONT = "Source Sans Pro, Helvetica, Arial, sans-serif"
THEME = "pcn"


def pcn_theme() -> dict[str, Any]:
    return {
        "config": {
            "font": FONT,
            "view": {"stroke": None, "continuousWidth": 520, "continuousHeight": 320},
            "range": {"category": list(OKABE_ITO)},
            "axis": {"labelFontSize": 15, "titleFontSize": 16, "titleFontWeight": "normal", "grid": True, "gridColor": "#e6e6e6"},
            "legend": {"labelFontSize": 15, "titleFontSize": 15, "symbolSize": 180},
            "title": {"fontSize": 19, "anchor": "start", "subtitleFontSize": 15, "subtitleColor": "#444"},
            "header": {"labelFontSize": 15, "titleFontSize": 15},
            "text": {"fontSize": 15},
        }
    }


def register(alt: Any) -> None:
    """Register the workbook theme with the altair module ``alt`` and make it the active one (done
    once, when ``charts._altair`` first imports Altair)."""
    alt.theme.register(THEME, enable=True)(pcn_theme)


def use_theme() -> None:
    """Make the workbook theme the active Altair theme again (importing Altair through the charts
    registers and enables it)."""
    from ._altair import altair

    altair().theme.enable(THEME)


def money(x: float) -> str:
    """GBP with a sign and thousands separators: 'GBP 1,234' style for labels.

    >>> money(-1234.4), money(56789)
    ('−£1,234', '£56,789')
    """
    return f"{'−' if x < -0.5 else ''}£{abs(x):,.0f}"
