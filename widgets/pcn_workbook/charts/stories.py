"""Charts for the springboard-stories chapter: the story bank at a glance.

A grid of stories against the problems they speak to. The live version follows the pattern of
``charts.autonomy``: a fixed template plus ``topics_parts`` (named data and description), so ticking
a problem only sends the cells' new status. A bank is a frame (``data.story_bank()``) or its plain
rows (``data.story_bank_rows()``, which the app's first screen reads without pandas).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from ..lazy import lazy_module
from ..models.stories import TAGS, bank_columns
from ._altair import altair
from .theme import GAIN

alt = lazy_module("altair", globals(), "alt", load=altair)  # imported when a chart is first built

if TYPE_CHECKING:
    import pandas as pd

STATUS = {"chosen": "Speaks to a problem you chose", "other": "Speaks to this problem"}


def topics_parts(bank: pd.DataFrame | Sequence[Mapping], chosen: Iterable[str] = ()) -> dict:
    chosen = set(chosen)
    cells, order = [], {t: i for i, t in enumerate(TAGS)}
    for i, (title, tags) in enumerate(bank_columns(bank, ("title", "tags"))):
        for tag in tags:
            cells.append({"story": title, "order": i, "topic": TAGS[tag], "topic_order": order[tag],
                          "status": STATUS["chosen" if tag in chosen else "other"]})
    hits = sorted({c["story"] for c in cells if c["status"] == STATUS["chosen"]})
    picked = ", ".join(TAGS[t] for t in TAGS if t in chosen)
    said = (f"Problems chosen: {picked}. Stories that speak to them: {', '.join(hits) or 'none'}." if chosen
            else "No problem chosen yet.")
    return {
        "datasets": {"cells": cells},
        "description": f"Grid of {len(bank)} stories against the problems each speaks to. {said}",
    }


@lru_cache(maxsize=1)
def topics_template() -> alt.Chart:
    return alt.Chart(alt.NamedData("cells")).mark_point(filled=True, size=220, opacity=1).encode(
        x=alt.X("topic:N", title=None, sort=alt.EncodingSortField(field="topic_order", op="min"),
                axis=alt.Axis(labelAngle=-90, labelLimit=220, orient="top")),
        y=alt.Y("story:N", title=None, sort=alt.EncodingSortField(field="order", op="min"), axis=alt.Axis(labelLimit=300)),
        color=alt.Color("status:N", title=None, scale=alt.Scale(domain=list(STATUS.values()), range=[GAIN, "#bdbdbd"]),
                        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=0)),
        shape=alt.Shape("status:N", scale=alt.Scale(domain=list(STATUS.values()), range=["diamond", "square"])),
        tooltip=[alt.Tooltip("story:N"), alt.Tooltip("topic:N", title="Problem")],
    ).properties(width=alt.Step(22), height=alt.Step(24), title=alt.Title(
        "The story bank at a glance", subtitle="Which problems each cited story speaks to", color="#000"))


def topics_chart(bank: pd.DataFrame | Sequence[Mapping], chosen: Iterable[str] = ()) -> alt.Chart:
    """Stories against problems; the problems a group chose are highlighted (colour and shape)."""
    return topics_template().properties(**topics_parts(bank, chosen))
