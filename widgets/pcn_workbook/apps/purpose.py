"""The what-is-a-PCN-for app: a guided walk (hook, one idea per step, then a summary) through which
way a network faces (the purpose compass), what it is for (Smith's three questions), whether its
practices are ready (Malby's readiness stage and Yates's considerations) and why it formed (the
reasons sort).

Thin by design: the maths is ``models.purpose``, pictures ``charts.purpose``, words
``purpose_text``. Only the current step is computed; each chart is built the first time its step is
shown. Everything the learner types is escaped before it is shown, and none of it goes into the
share link (``state.PurposeState`` holds the step and the compass placement only).
"""

from __future__ import annotations

from html import escape

import ipywidgets as w

from .. import data
from ..charts import purpose as charts
from ..models import purpose as pm
from . import page
from . import purpose_text as text
from .request import split_workshop
from .state import PURPOSE_LIMITS, PurposeState, purpose_from_query

TITLE = "What is a PCN for?"
CHAPTER = "01_purpose"
YOU = "You"  # the learner's practice on the readiness chart
YOUR_PCN = "Your PCN"  # the learner's placement on the compass
WIDE = {"style": {"description_width": "150px"}, "layout": w.Layout(width="100%", max_width="560px")}
NOT_SCORED = "-"
CSS = """<style>
.pcn-purpose .pcn-you-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(330px, 1fr));
  gap: 2px 16px; max-width: 1000px; }
.pcn-purpose .pcn-you-grid .widget-dropdown { width: 100%; }
/* item and reason labels may take two lines: let the row grow instead of clipping them */
.pcn-purpose .pcn-you-grid .widget-dropdown, .pcn-purpose .pcn-sort-card { height: auto;
  min-height: var(--jp-widgets-inline-height); align-items: center; margin: 3px 0; }
.pcn-purpose .pcn-you-grid .widget-label, .pcn-purpose .pcn-sort-card .widget-label { height: auto;
  white-space: normal; overflow: visible; line-height: 1.25; }
.pcn-purpose .pcn-sort-card .widget-label { text-align: left; }
.pcn-purpose .pcn-sort-card select, .pcn-purpose .pcn-you-grid select { height: var(--jp-widgets-inline-height); }
.pcn-purpose .pcn-statement textarea { font-size: 17px; }
.pcn-purpose table.pcn-checks td, .pcn-purpose table.pcn-checks th { padding: 3px 10px 3px 0; text-align: left;
  vertical-align: top; }
/* phones: apps.layout */
</style>"""


def _axis_slider(name: str, value: int, description: str, css: str) -> w.IntSlider:
    _, lo, hi = PURPOSE_LIMITS[name]
    return w.IntSlider(value=value, min=lo, max=hi, step=1, description=description, continuous_update=False,
                       **WIDE).add_class(css)


class PurposeApp(page.StepWalk, w.VBox):
    """The chapter app as one widget; controls are attributes so tests can drive it."""

    TEXT = text
    LINK = staticmethod(purpose_from_query)
    MODEL_ERRORS = (pm.PurposeError,)

    def __init__(self, state: PurposeState, problems: list[str]):
        super().__init__()
        self.add_class("pcn-app").add_class("pcn-purpose")
        self._problems = list(problems)
        self._hold = False
        # every table is read (and so checked) here, as plain rows: no pandas for any step
        self.references = data.purpose_reference_rows()
        self.questions = data.purpose_question_rows()
        self.reasons = data.purpose_reason_rows()
        self.cards = data.purpose_reason_cards()
        self.items = data.readiness_item_rows()
        self.demo = data.readiness_demo_scores()
        self.labels = {row["item"]: row["label"] for row in self.items}
        self._build_walk(state.step)
        self._build_page_parts()
        self._build_prediction("where the essay ends up")

        # 1 the compass
        self.inward = _axis_slider("inward", state.inward, "Inward (0-10)", "pcn-inward")
        self.outward = _axis_slider("outward", state.outward, "Outward (0-10)", "pcn-outward")
        # 2 the statement: the widget keeps it to one line's length, and the model checks it again
        self.statement = w.Textarea(value="", placeholder=text.STATEMENT_PLACEHOLDER, rows=3,
                                    description="Our purpose", continuous_update=True,
                                    style={"description_width": "150px"},
                                    layout=w.Layout(width="100%", max_width="760px")).add_class("pcn-statement")
        # 3 readiness and 4 the sort: 27 dropdowns, made the first time a step, the summary or the
        # workshop panel needs them (``you``, ``sort``), so the first screen's page is lighter
        self._you: dict[str, w.Dropdown] | None = None
        self._sort: dict[str, w.Dropdown] | None = None
        self.clear_you = w.Button(description="Clear my scores", layout=w.Layout(width="auto")).add_class("pcn-clear-you")
        self.clear_you.on_click(lambda _: self._clear_scores())

        self.charts: dict[str, w.Widget] = {}  # live charts, made the first time their step is shown
        self.slots = {name: w.VBox().add_class("pcn-chart-slot") for name in ("compass", "readiness")}
        self._pages: dict[str, list[w.Widget]] = {}
        self.step_text = w.HTML()
        self.nav = w.HBox([self.back, self.next])
        self.children = [page.header(TITLE, "Which way a network faces, what it is for, whether its practices are "
                                            "ready, and why it formed. Ideas from Ben Gowland (<i>The General Practice "
                                            "Blog</i>), Becky Malby and the PCC Cheshire report; placements and "
                                            "readiness scores are the workbook's illustration."),
                         w.HTML(CSS), self.step, self.message, self.step_text, self.body, self.narrative,
                         self.nav, self.share_link]
        self.step.observe(self._show_step, "value")
        self.statement.observe(self._statement_changed, "value")
        for control in (self.inward, self.outward):
            control.observe(self._refresh, "value")
        self._show_step()

    @property
    def you(self) -> dict[str, w.Dropdown]:
        """The learner's own practice's score on each readiness item (made on first use)."""
        if self._you is None:
            level_options = [("Not scored", NOT_SCORED)] + [(f"{n} {pm.LEVELS[n]}", str(n))
                                                           for n in range(pm.SCORE_MIN, pm.SCORE_MAX + 1)]
            self._you = {row["item"]: w.Dropdown(options=level_options, value=NOT_SCORED, description=row["label"],
                                                 description_allow_html=False, tooltip=row["description"],
                                                 style={"description_width": "170px"},
                                                 layout=w.Layout(width="100%")).add_class(f"pcn-you-{row['item']}")
                         for row in self.items}
            for control in self._you.values():
                control.observe(self._refresh, "value")
        return self._you

    @property
    def sort(self) -> dict[str, w.Dropdown]:
        """The learner's verdict on each reason (made on first use)."""
        if self._sort is None:
            self._sort = {card.reason: w.Dropdown(options=[("Choose", ""), ("Sound", "sound"), ("Unsound", "unsound")],
                                                  value="", description=card.statement, description_allow_html=False,
                                                  style={"description_width": "min(520px, 60%)"},
                                                  layout=w.Layout(width="100%", max_width="760px")
                                                  ).add_class("pcn-sort-card").add_class(f"pcn-sort-{card.reason}")
                          for card in self.cards}
            for control in self._sort.values():
                control.observe(self._refresh, "value")
        return self._sort

    # ------------------------------------------------------------ state and navigation

    @property
    def state(self) -> PurposeState:
        return PurposeState(step=self.step.value, inward=self.inward.value, outward=self.outward.value)

    def _controls(self, key: str) -> list[w.Widget]:
        """The step's controls, chart places and notes; built on the first visit, then reused."""
        if key not in self._pages:
            compass = [self.inward, self.outward, self.slots["compass"]]
            self._pages[key] = {
                "hook": lambda: [w.HTML(f"<p><b>{escape(text.HOOK_QUESTION)}</b></p>"),
                                 w.HBox(self.guess_buttons, layout=w.Layout(flex_flow="row wrap")), self.guess_note],
                "compass": lambda: [*compass, w.HTML(text.VEHICLE).add_class("pcn-vehicle")],
                "statement": lambda: [w.HTML(self._questions_html()), self.statement],
                "readiness": lambda: [self.slots["readiness"], w.HTML(f"<h3>Score your own practice</h3>"
                                                                      f"<p>{text.READINESS_HELP}</p>"),
                                      w.Box(list(self.you.values())).add_class("pcn-you-grid"), w.HBox([self.clear_you])],
                "reasons": lambda: [w.HTML(f"<p>{escape(text.SORT_HELP)}</p>"), *self.sort.values()],
                "summary": lambda: compass,
            }[key]()
        return self._pages[key]

    def _questions_html(self) -> str:
        rows = "".join(f"<li><b>{escape(q['label'])}</b> {escape(q['question_text'])} <i>{escape(q['prompt'])}</i></li>"
                       for q in self.questions)
        return f"<p><b>Smith's three questions</b></p><ol class='pcn-questions'>{rows}</ol>"

    def _statement_changed(self, change) -> None:
        """Keep the statement to the model's length in the widget itself (a browser can send more)."""
        if len(change["new"]) > pm.MAX_CHARS:
            self._problems.append(f"A purpose statement is one line: the box keeps the first {pm.MAX_CHARS} "
                                  "characters.")
            self.statement.value = change["new"][: pm.MAX_CHARS]  # observed again: refreshes then
            return
        self._refresh()

    def _clear_scores(self) -> None:
        self._hold = True  # one refresh, not sixteen
        try:
            for dropdown in self.you.values():
                dropdown.value = NOT_SCORED
        finally:
            self._hold = False
        self._refresh()

    # ------------------------------------------------------------ computing the current step

    def _render_hook(self) -> str:
        return ""

    # 1 compass
    def compass_parts(self) -> dict:
        """The compass chart's parts with the learner's PCN as the one named, filled point."""
        yours = pm.placement(YOUR_PCN, self.inward.value, self.outward.value, pcn=YOUR_PCN)
        parts = charts.compass_parts(self.references, [yours], pcn=YOUR_PCN)
        parts["datasets"]["centre"] = []  # one placement: its "room centre" would sit on top of it
        parts["title"] = {"text": "The purpose compass",
                          "subtitle": "Black shapes: cited reference points. Filled blue circle: your PCN."}
        refs = "; ".join(f"{r['label']} at inward {r['inward']:g}, outward {r['outward']:g}" for r in self.references)
        parts["description"] = (
            "Scatter chart of purpose, inward (keeping core general practice viable) across and outward (the "
            f"community's health) up, both 0 to 10. Reference points: {refs}. Your PCN at inward {yours.inward:g}, "
            f"outward {yours.outward:g}: {pm.reading(yours.inward, yours.outward)}.")
        return parts

    def nearest_reference(self) -> tuple[str, float]:
        yours = pm.placement(YOUR_PCN, self.inward.value, self.outward.value)
        found = [(pm.distance(yours, pm.placement(r["label"], float(r["inward"]), float(r["outward"]))), r["label"])
                 for r in self.references]
        d, label = min(found)
        return label, d

    def _render_compass(self) -> str:
        self._draw("compass", charts.compass_template, self.compass_parts())
        inward, outward = self.inward.value, self.outward.value
        label, d = self.nearest_reference()
        said = ""
        if self.prediction:
            chose = dict((k, lab) for lab, k in text.HOOK_CHOICES)[self.prediction]
            verdict = "You were right." if self.prediction == text.HOOK_ANSWER else "Not quite."
            said = (f"<p>You predicted <b>{escape(chose)}</b>. {verdict} {escape(text.HOOK_VERDICT)}</p>")
        return (f"{said}<p>Your PCN sits at inward <b>{inward}</b>, outward <b>{outward}</b>: "
                f"<b>{escape(pm.reading(inward, outward))}</b>. The nearest reference point is "
                f"<b>{escape(label)}</b>, {d:.1f} points away.</p>"
                f"<p class='pcn-takeaway'>{escape(text.COMPASS_TAKEAWAY)}</p>"
                "<p><i>The reading's line at 5 on each axis is the workbook's choice, for illustration.</i></p>")

    # 2 statement
    def statement_check(self) -> pm.StatementCheck:
        return pm.check_statement(self.statement.value)

    def _render_statement(self) -> str:
        if not self.statement.value.strip():
            return "<p>Write your statement in the box; the check appears here as you type.</p>"
        result = self.statement_check()
        self.last_statement = result
        labels = {q["question"]: q["label"] for q in self.questions}
        head = f"<p>Your statement: <q>{escape(result.statement)}</q></p>"
        if result.error:
            return head + f"<p><b>{escape(result.error)}</b></p>"
        rows = "".join(f"<tr><td>{escape(labels.get(c.question, c.question))}</td>"
                       f"<td><b>{'Met' if c.met else 'Not yet'}</b></td><td>{escape(c.reason)}</td></tr>"
                       for c in result.checks)
        return (head + f"<p>It meets <b>{result.met} of 3</b> questions.</p>"
                "<table class='pcn-checks'><thead><tr><th>Question</th><th>Check</th><th>Why</th></tr></thead>"
                f"<tbody>{rows}</tbody></table>"
                "<p><i>The cue words behind the check are the workbook's own, for illustration: read them in "
                "<code>pcn_workbook.models.purpose.CUES</code>.</i></p>")

    # 3 readiness
    def your_scores(self) -> dict[str, int]:
        """The items the learner has scored so far."""
        return {item: int(d.value) for item, d in self.you.items() if d.value != NOT_SCORED}

    def readiness_scores(self) -> dict[str, dict[str, int]]:
        """The demo network's scores, with ``You`` once every item has a score."""
        scores = {p: dict(s) for p, s in self.demo.items()}
        yours = self.your_scores()
        if len(yours) == len(self.you):
            scores[YOU] = yours
        return scores

    def _render_readiness(self) -> str:
        scores = self.readiness_scores()
        order = [row["item"] for row in self.items]
        summary = pm.summarise_readiness(scores, order)
        self.last_readiness = summary
        self._draw("readiness", charts.readiness_template, charts.readiness_parts(summary, scores, self.labels))
        wide = "; ".join(f"{escape(self.labels[s.item])} (from {s.min} to {s.max})" for s in summary.widest(3))
        slow = summary.slowest_practice
        lines = [f"<p><b>Illustrative:</b> the five practices are imaginary and their scores seeded, not measured. "
                 f"The widest disagreements: {wide}.</p>",
                 f"<p>The pace of the slowest (each item at its lowest score, averaged) is <b>"
                 f"{summary.pace_of_slowest:.2f}</b>, against a mean of every score of {summary.overall_mean:.2f}; "
                 f"the practice furthest behind overall is {escape(slow)} "
                 f"(mean {summary.practice_means[slow]:.2f}).</p>"]
        yours = self.your_scores()
        if YOU in scores:
            lowest = [self.labels[s.item] for s in summary.items if YOU in s.slowest]
            where = (f"you are at the lowest score on {len(lowest)} of {len(order)} items"
                     + (f" ({escape(', '.join(lowest[:4]))}{', ...' if len(lowest) > 4 else ''})" if lowest else ""))
            lines.append(f"<p>With your practice added (<b>{YOU}</b> on the chart): your mean is "
                         f"<b>{summary.practice_means[YOU]:.2f}</b> and {where}.</p>")
        elif yours:
            lines.append(f"<p>You have scored {len(yours)} of {len(order)} items; score the rest to join the chart.</p>")
        return "".join(lines)

    # 4 reasons
    def sort_result(self) -> pm.SortResult:
        return pm.score_sort({k: d.value for k, d in self.sort.items() if d.value}, self.cards)

    def _render_reasons(self) -> str:
        result = self.sort_result()
        self.last_sort = result
        examples = {r["reason"]: r["example"] for r in self.reasons}
        items = []
        for f in result.feedback:
            if f.chosen is None:
                continue
            mark = "pcn-right" if f.correct else "pcn-wrong"
            example = examples.get(f.reason, "")
            items.append(f"<li class='{mark}'><b>{escape(f.statement)}</b>: {escape(f.feedback)}"
                         + (f" <i>{escape(example)}</i>" if example else "") + "</li>")
        if not items:
            return "<p>Nothing sorted yet.</p>"
        done = " All sorted." if result.complete else ""
        return (f"<p><b>{result.correct} of {result.sorted}</b> sorted as the sources would ({result.total} "
                f"reasons in all).{done}</p><ul class='pcn-sort-feedback'>{''.join(items)}</ul>")

    # summary
    def _render_summary(self) -> str:
        compass = self._render_compass()
        parts = [compass]
        if self.statement.value.strip():
            check = self.statement_check()
            parts.append(f"<p><b>Your statement</b> <q>{escape(check.statement)}</q> "
                         + (f"could not be checked: {escape(check.error)}" if check.error else
                            f"meets {check.met} of Smith's 3 questions.") + "</p>")
        else:
            parts.append("<p><b>Your statement:</b> not written yet (step 2).</p>")
        yours = self.your_scores()
        if len(yours) == len(self.you):
            summary = pm.summarise_readiness(self.readiness_scores(), [row["item"] for row in self.items])
            parts.append(f"<p><b>Readiness:</b> your practice's mean is {summary.practice_means[YOU]:.2f} of 4; with "
                         f"you in the imaginary network, its pace of the slowest is {summary.pace_of_slowest:.2f}.</p>")
        else:
            parts.append(f"<p><b>Readiness:</b> {len(yours)} of {len(self.you)} items scored (step 3).</p>")
        result = self.sort_result()
        parts.append(f"<p><b>Reasons:</b> {result.correct} of {result.total} sorted as the sources would "
                     f"({result.sorted} sorted so far, step 4).</p>")
        return "".join(parts)


def build(query: str | None = None) -> w.Widget:
    """The app, set from a URL query string (by default the page's own, under Voila)."""
    def make(full: str) -> w.Widget:
        try:
            return PurposeApp(*purpose_from_query(split_workshop(full)[1]))
        except data.DatasetError as err:
            return page.dataset_problem(TITLE, err)

    return page.build_app(make, CHAPTER, query)
