"""Draw the key chart of each chapter's one-page summary as a static SVG in book/images/summaries.

Run from the repository root after a model or chart changes, and commit the files it writes:
    .venv/bin/python book/summaries/make_images.py
Each chart is built by the same builder and with the same settings as in its chapter notebook, so
the handout shows exactly what the chapter shows. SVG keeps the text sharp on paper and lets
pdftotext find the words (a test reads them back). vl-convert draws offline; data are embedded.
"""

from __future__ import annotations

from pathlib import Path

import vl_convert

from pcn_workbook import data
from pcn_workbook.charts import autonomy, deciding, purpose as purpose_charts, scale as scale_charts, stories as story_charts, trust as trust_charts
from pcn_workbook.charts.theme import use_theme
from pcn_workbook.models import decisions, gainshare as gs, purpose, scale, trust

OUT = Path(__file__).resolve().parents[1] / "images" / "summaries"


def purpose_readiness():
    scores = data.readiness_demo_scores()
    items = data.readiness_items()
    return purpose_charts.readiness_chart(purpose.summarise_readiness(scores), scores,
                                          dict(zip(items["item"], items["label"])))


def autonomy_paradox():
    group = data.autonomy_group("five_practices")
    tolerance = 1.0  # as in the chapter: GBP per patient a year a practice will give up
    return autonomy.paradox_chart(gs.compare(group, tolerance, "shapley"), group, tolerance,
                                  gs.grand_coalition_value(group))


def scale_choices():
    rows = scale.voice_closeness_curve(weights=(0.5, 0.5))
    return scale_charts.voice_chart(rows, sum(scale.PCN_BAND) / 2)


def trust_noise():
    return trust_charts.match_chart(trust.match("tit_for_tat", "tit_for_tat", rounds=20, noise=0.1, seed=4))


def deciding_together():
    return deciding.decisions_chart(decisions.compare_over_seeds(decisions.DecisionSettings(meetings=48),
                                                                 seeds=range(40)))


def springboard_topics():
    return story_charts.topics_chart(data.story_bank())


CHARTS = {
    "01_purpose": purpose_readiness,
    "02_autonomy_paradox": autonomy_paradox,
    "03_scale_choices": scale_choices,
    "04_trust": trust_noise,
    "04b_deciding_together": deciding_together,
    "05_springboard_stories": springboard_topics,
}


def main() -> None:
    use_theme()
    OUT.mkdir(parents=True, exist_ok=True)
    for name, build in CHARTS.items():
        svg = vl_convert.vegalite_to_svg(build().to_dict())
        (OUT / f"{name}.svg").write_text(svg, encoding="utf-8")
        print(OUT / f"{name}.svg")


if __name__ == "__main__":
    main()
