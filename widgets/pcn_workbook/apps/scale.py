"""The scale-choices app: real practices of one area -> networks, relationships, tiers and evidence.

Thin by design: grouping and relationships are in ``models.scale``, pictures in ``charts.scale``.
The screen and its controls work from plain rows (``data.nhs_practice_rows`` and friends), so a
kernel shows it without importing pandas.
"""

from __future__ import annotations

from html import escape

import ipywidgets as w

from .. import data
from ..charts import scale as charts
from ..charts.live import designed_chart, update_chart
from ..models import scale as model
from ..tables import records
from . import page, request
from .request import split_workshop
from .state import SCALE_LIMITS, ScaleState, scale_from_query

TIER_CHOICES = [("Choose a scale...", "")]


def median_area(areas) -> str:
    """The area whose population is nearest the median area's (the default a facilitator sees first).
    ``areas``: ``data.area_rows`` rows or a ``data.areas_of`` frame; of two areas equally near, the
    first listed."""
    rows = records(areas)
    patients = sorted(r["patients"] for r in rows)
    n = len(patients)
    middle = patients[n // 2] if n % 2 else (patients[n // 2 - 1] + patients[n // 2]) / 2
    return str(min(rows, key=lambda r: abs(r["patients"] - middle))["ccg"])


class ScaleApp(w.VBox):
    """The chapter app as one widget; controls are attributes so tests can drive it."""

    def __init__(self, state: ScaleState, problems: list[str]):
        super().__init__()
        self.add_class("pcn-app")
        self._problems = list(problems)
        self.practice_rows, self.summary = data.nhs_practice_rows()
        self.area_rows = data.area_rows(self.practice_rows)
        self._by_area: dict[str, list[dict]] = {}
        for row in self.practice_rows:  # each area's practices, in the table's order
            self._by_area.setdefault(row["ccg"], []).append(row)
        self.tier_rows, self.function_rows = data.scale_tier_rows(), data.scale_function_rows()
        known = {r["ccg"] for r in self.area_rows}
        if state.area and state.area not in known:
            self._problems.append(f"Unknown area code '{state.area}'; showing the default area instead.")
        area = state.area if state.area in known else median_area(self.area_rows)

        self.area = w.Dropdown(options=[(f"{r['ccg']} ({r['practices']} practices, {r['patients']:,} patients)", r["ccg"])
                                        for r in self.area_rows], value=area, description="Area (2021 CCG)",
                               style={"description_width": "170px"}, layout=w.Layout(width="560px"))
        lo, hi = SCALE_LIMITS["target_min"]
        self.band = w.IntRangeSlider(value=(state.target_min, state.target_max), min=5_000, max=400_000, step=5_000,
                                     description="Target network size", style={"description_width": "170px"},
                                     layout=w.Layout(width="720px"))
        self.band.add_class("pcn-band")
        self.hospital = w.IntSlider(value=state.hospital, min=100_000, max=1_000_000, step=25_000,
                                    description="Hospital catchment", style={"description_width": "170px"},
                                    layout=w.Layout(width="720px"))
        self.hospital.add_class("pcn-hospital")
        self.voice_weight = w.FloatSlider(value=state.voice_weight, min=0, max=1, step=0.05, description="Weight on voice",
                                          style={"description_width": "170px"}, layout=w.Layout(width="560px"))
        self.message = w.HTML().add_class("pcn-message")
        self.result = w.HTML().add_class("pcn-narrative")
        self.share_link = w.HTML().add_class("pcn-share-link")
        self.networks = self.voice = None
        self.voice_box = w.VBox()
        self.matches = {r["function"]: w.Dropdown(options=TIER_CHOICES + [(t["label"], t["tier"]) for t in self.tier_rows],
                                                  description=r["label"], style={"description_width": "330px"},
                                                  layout=w.Layout(width="620px")).add_class(f"pcn-match-{r['function']}")
                        for r in self.function_rows}
        self.check = w.Button(description="Check my answers", button_style="primary", layout=w.Layout(width="220px"))
        self.feedback = w.HTML().add_class("pcn-feedback")
        self.check.on_click(self._check)

        self._refresh()
        header = page.header("What scale for what work?", "Pick an area of England, a target network size "
                        "and a hospital's catchment. The practices are real (NHS Digital, January 2021); they are grouped "
                        "into networks of neighbouring postcodes (alphabetical postcode order: a rough stand-in for geography) "
                        "without splitting any practice. Ideas from Ben Gowland (<i>Making general practice easy to do business "
                        "with</i>, The General Practice Blog) and Becky Malby (<i>Primary Care &amp; Scale</i>, 2018).")
        evidence = data.economies_of_scale_rows()
        expenses = [r for r in evidence if r["measure"] == "expenses_by_gps"]
        self.evidence = designed_chart(charts.evidence_template, charts.evidence_parts(expenses), "pcn-evidence-chart")
        self.children = [
            header, self.message, self.area, self.band, self.hospital, self.networks, self.result, self.share_link,
            w.HTML("<h3>Which work belongs at which scale?</h3><p>Place each function, then check.</p>"),
            *self.matches.values(), self.check, self.feedback,
            w.HTML("<h3>Distance against voice</h3>"), self.voice_weight, self.voice_box,
            w.HTML("<h3>Should two 5,000-patient practices merge to save money?</h3>" + merge_answer(evidence)),
            self.evidence, w.HTML(evidence_notes(data.scale_evidence_note_rows())),
        ]
        for control in (self.area, self.band, self.hospital):
            control.observe(self._refresh, "value")
        for control in (self.voice_weight, self.band):
            control.observe(self._refresh_voice, "value")
        self._refresh_voice()

    @property
    def state(self) -> ScaleState:
        low, high = self.band.value
        return ScaleState(self.area.value, low, high, self.hospital.value, round(self.voice_weight.value, 2))

    def _refresh(self, _=None) -> None:
        state = self.state
        area = self._by_area.get(state.area, [])
        try:
            grouping = model.group_practices(area, state.target_min, state.target_max)
        except model.ScaleError as err:
            self._problems.append(f"Cannot group this area: {err}.")
            self._show_messages()
            return
        self.grouping = grouping
        parts = charts.networks_parts(grouping, state.target_min, state.target_max, state.area)
        if self.networks is None:
            self.networks = designed_chart(charts.networks_template, parts, "pcn-networks-chart")
        else:
            update_chart(self.networks, parts)
        patients = sum(r["list_size"] for r in area)
        mean_list = patients / len(area)
        as_practices = model.relationships(state.hospital, round(mean_list))
        as_networks = grouping.relationships(state.hospital)
        left = ""
        if grouping.left_over:
            left += (f" {len(grouping.left_over)} practices ({grouping.left_over_population:,} patients) end up in "
                     "networks below the band.")
        if grouping.oversized:
            left += f" {len(grouping.oversized)} practice(s) are bigger than the band on their own."
        left = left or " Every practice sits in a network inside the band."
        self.result.value = (
            f"<p>Area <b>{escape(state.area)}</b>: {len(area)} practices, {patients:,} patients, "
            f"grouped into <b>{len(grouping.networks)}</b> networks.{left}</p>"
            f"<p>A hospital serving {state.hospital:,} people would have to deal with about <b>{as_practices:.1f}</b> "
            f"practices of this area's average size ({mean_list:,.0f} patients), or about <b>{as_networks:.1f}</b> "
            "networks of this size. Fewer, stronger relationships make general practice easier to do business with; "
            "but the bigger the unit, the further it sits from its practices.</p>" + self._functions_at(state.target_min, state.target_max))
        self._show_share_link()
        self._show_messages()

    def _functions_at(self, low: int, high: int) -> str:
        """Where the functions sit relative to a band, by the population range of each one's scale (Malby)."""
        tiers = {t["tier"]: (t["min_population"], t["max_population"]) for t in self.tier_rows}
        groups = {"here": [], "closer": [], "bigger": []}
        for label, (t_min, t_max) in ((r["label"], tiers[r["tier"]]) for r in self.function_rows):
            key = "closer" if t_max < low else "bigger" if t_min > high else "here"
            groups[key].append(escape(label))
        parts = [f"<p>At {low:,} to {high:,} patients, Malby's scales put here: {', '.join(groups['here']) or 'none of the functions listed'}."]
        if groups["closer"]:
            parts.append(f" Closer to patients than this: {', '.join(groups['closer'])}.")
        if groups["bigger"]:
            parts.append(f" Needing a bigger footprint: {', '.join(groups['bigger'])}.")
        return "".join(parts) + " Test yourself in the exercise below.</p>"

    def _refresh_voice(self, _=None) -> None:
        low, high = self.band.value
        weight = self.voice_weight.value
        parts = charts.voice_parts(model.voice_closeness_curve(weights=(weight, 1 - weight)), (low + high) / 2)
        if self.voice is None:
            self.voice = designed_chart(charts.voice_template, parts, "pcn-voice-chart")
            self.voice_box.children = [w.HTML(f"<p><i>{escape(model.CAVEAT)}</i></p>"), self.voice]
        else:
            update_chart(self.voice, parts)
        self._show_share_link()

    def _show_share_link(self) -> None:
        self.share_link.value = f"Link to this view: <code>{escape(request.page_path())}?{escape(self.state.to_query())}</code>"

    def _check(self, _=None) -> None:
        labels = {t["tier"]: t["label"] for t in self.tier_rows}
        lines, right = [], 0
        for r in self.function_rows:
            chosen = self.matches[r["function"]].value
            if not chosen:
                lines.append(f"<li>{escape(r['label'])}: not placed yet.</li>")
                continue
            if chosen == r["tier"]:
                right += 1
                verdict = f"<li class='pcn-right'>{escape(r['label'])}: yes, {escape(labels[r['tier']])}."
            else:
                verdict = (f"<li class='pcn-wrong'>{escape(r['label'])}: the sources put this at {escape(labels[r['tier']])}, "
                           f"not {escape(labels[chosen])}.")
            lines.append(f"{verdict}<br>{explain(r)}</li>")
        self.feedback.value = (f"<p><b>{right} of {len(self.function_rows)} placed as the sources suggest.</b></p>"
                               f"<ul>{''.join(lines)}</ul>")

    def _show_messages(self) -> None:
        page.show_messages(self.message, self._problems)


WORKBOOK_READING = "Why (the workbook's reading)"


def explain(row) -> str:
    """What the source says about a function (a ``data.scale_function_rows`` row), then the
    workbook's own reason, each labelled as such: the sources place the functions at their scales
    but do not give these reasons."""
    return (f"<small><b>What the source says:</b> {escape(row['source_says'])}<br>"
            f"<b>{escape(WORKBOOK_READING)}:</b> {escape(row['reason'])}</small>")


def evidence_notes(notes) -> str:
    """The evidence notes (``data.scale_evidence_note_rows()`` rows, or the frame
    ``data.scale_evidence_notes()``) as a list, each with its source."""
    items = "".join(f"<li><b>{escape(r['label'])}.</b> {escape(r['finding'])} <small>({escape(r['source'])})</small></li>"
                    for r in records(notes))
    return f"<p><b>What the evidence on scale can and cannot say</b></p><ul class='pcn-evidence-notes'>{items}</ul>"


def merge_answer(evidence) -> str:
    """The evidence on merging two small practices, in words, from the cited rows
    (``data.economies_of_scale_rows()`` or the frame ``data.economies_of_scale()``)."""
    first = sorted((r for r in records(evidence) if r["measure"] == "expenses_by_gps"), key=lambda r: r["order"])
    spread = ", ".join(f"{escape(r['group'])} £{r['value']:.2f}" for r in first)
    return ("<p>At a Cheshire LMC and PCC event in 2017, Phil Yates (GP Care, Bristol) asked whether merging two practices "
            "of 5,000 patients each would deliver the economies of scale that NHS England and ministers were looking for "
            "(Primary Care Commissioning, <i>Cheshire takes its own steps to primary care at scale</i>, 8 May 2017). "
            "The published figures do not show savings with size: expenses per patient "
            f"were {spread} ({escape(str(first[0]['source']))}). Caveat: these are averages across practices, not the "
            "before-and-after of any merger; scale may still help resilience, skill mix and new roles.</p>")


def build(query: str | None = None) -> w.Widget:
    """The app, set from a URL query string (by default the page's own, under Voila)."""
    def make(full: str) -> w.Widget:
        try:
            return ScaleApp(*scale_from_query(split_workshop(full)[1]))
        except data.DatasetError as err:
            return page.dataset_problem("What scale for what work?", err)

    return page.build_app(make, "03_scale_choices", query)
