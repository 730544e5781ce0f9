"""The deciding-together app: a guided walk (hook, one idea per step, then a sandbox) through how a
leadership group of general practice decides (vote or consensus), how the system gets in (one
front door or PCN after PCN) and who speaks for it (representation).

Thin by design: the maths is ``models.decisions`` and ``models.representation``, pictures
``charts.deciding``, words ``deciding_text``. Only the current step is computed; each chart is built
the first time its step is shown. Steps "decisions" and "access" were steps 7 and 8 of the trust
app and read the same settings by the same names, so an old link opens here unchanged.
"""

from __future__ import annotations

from dataclasses import replace
from html import escape

import ipywidgets as w

from ..charts import deciding as charts
from ..models import decisions
from ..models import representation as rep
from . import deciding_text as text
from . import page
from .request import split_workshop
from .state import DECIDING_LIMITS, DecidingState, deciding_from_query

TITLE = "Deciding together"
CHAPTER = "04b_deciding_together"
SEEDS = range(40)  # runs averaged where the app shows "on average"
REP_MEETINGS = 24  # a year of system meetings, two a month (illustrative)
# Narrow screens: controls take the width they are given, up to a comfortable maximum.
WIDE = {"style": {"description_width": "210px"}, "layout": w.Layout(width="100%", max_width="660px")}
NARROW_CSS = """<style>
.pcn-deciding .widget-checkbox { height: auto; min-height: var(--jp-widgets-inline-height); }
.pcn-deciding .widget-checkbox .widget-label-basic span { white-space: normal; }
/* phones: apps.layout */
</style>"""


def _slider(kind, name: str, value, step, description: str, css: str, fmt: str | None = None):
    _, lo, hi = DECIDING_LIMITS[name]
    extra = {"readout_format": fmt} if fmt else {}
    slider = kind(value=value, min=lo, max=hi, step=step, description=description, continuous_update=False, **WIDE, **extra)
    return slider.add_class(css)


def _check(value: bool, description: str, css: str) -> w.Checkbox:
    return w.Checkbox(value=value, description=description, indent=False,
                      layout=w.Layout(width="100%", max_width="660px")).add_class(css)


class DecidingApp(page.StepWalk, w.VBox):
    """The chapter app as one widget; controls are attributes so tests can drive it."""

    TEXT = text
    LINK = staticmethod(deciding_from_query)
    MODEL_ERRORS = (decisions.DecisionError, rep.RepresentationError)

    def __init__(self, state: DecidingState, problems: list[str]):
        super().__init__()
        self.add_class("pcn-app").add_class("pcn-deciding")
        self._problems = list(problems)
        self.seed = state.seed
        self._hold = False
        self._build_walk(state.step)
        self._build_page_parts()
        self._build_prediction("what the model says")

        # 1 vote or consensus (the trust app's old step 7: same names)
        self.practices = _slider(w.IntSlider, "practices", state.practices, 1, "Practices", "pcn-practices")
        self.meetings = _slider(w.IntSlider, "meetings", state.meetings, 1, "Meetings", "pcn-meetings")
        self.rogue_step = _slider(w.FloatSlider, "rogue_step", state.rogue_step, 0.01, "Patience lost per defeat",
                                  "pcn-rogue-step", ".0%")
        self.consensus_meetings = _slider(w.IntSlider, "consensus_meetings", state.consensus_meetings, 1,
                                          "Meetings per consensus", "pcn-consensus-meetings")
        self.spread = _slider(w.FloatSlider, "spread", state.spread, 0.25, "Spread of values",
                              "pcn-spread", ".2f")
        # 2 one front door (old step 8, plus how many PCNs use the door)
        self.p_yes = _slider(w.FloatSlider, "p_yes", state.p_yes, 0.05, "Chance one PCN says yes", "pcn-p-yes", ".0%")
        self.pcns = _slider(w.IntSlider, "pcns", state.pcns, 1, "PCNs the system can ask", "pcn-pcns")
        self.committed = w.IntSlider(value=state.pcns if state.committed is None else state.committed, min=0,
                                     max=state.pcns, step=1, description="PCNs using the door",
                                     continuous_update=False, **WIDE).add_class("pcn-committed")
        # 3 representation
        self.people = _slider(w.IntSlider, "people", state.people, 1, "GPs sharing the seat", "pcn-people")
        self.briefed = _check(state.briefed, "A lead briefs the representative and hears back", "pcn-briefed")
        self.mandate = w.ToggleButtons(options=list(text.MANDATE_LABELS), value=state.mandate,
                                       description="What they may agree", style={"description_width": "210px",
                                                                                  "button_width": "auto"},
                                       layout=w.Layout(width="100%", max_width="660px")).add_class("pcn-mandate")
        self.report = _check(state.report, "An agreed process for reporting back", "pcn-report")
        self.admin = _check(state.admin, "Admin support to see actions through", "pcn-admin")
        self.volunteers = w.Button(description="Whoever volunteers", layout=w.Layout(width="auto")).add_class("pcn-preset-volunteers")
        self.advice = w.Button(description="Gowland's advice", layout=w.Layout(width="auto")).add_class("pcn-preset-advice")
        self.volunteers.on_click(lambda _: self._load(rep.VOLUNTEERS))
        self.advice.on_click(lambda _: self._load(rep.ADVICE))

        self.charts: dict[str, w.Widget] = {}  # live charts, made the first time their step is shown
        self.slots = {name: w.VBox().add_class("pcn-chart-slot") for name in ("decisions", "access", "representation")}
        self._pages: dict[str, list[w.Widget]] = {}
        self.step_text = w.HTML()
        self.nav = w.HBox([self.back, self.next])
        self.children = [page.header(TITLE, "How a leadership group of general practice decides, how the system gets "
                                            "in, and who speaks for it. Ideas from Ben Gowland (<i>The General Practice "
                                            "Blog</i>); every number is the workbook's illustration.") ,
                         w.HTML(NARROW_CSS), self.step, self.message, self.step_text, self.body, self.narrative,
                         self.nav, self.share_link]
        self.step.observe(self._show_step, "value")
        self.pcns.observe(self._pcns_changed, "value")
        for control in (self.practices, self.meetings, self.rogue_step, self.consensus_meetings, self.spread, self.p_yes,
                        self.committed, self.people, self.briefed, self.mandate, self.report, self.admin):
            control.observe(self._refresh, "value")
        self._show_step()

    # ------------------------------------------------------------ state and navigation

    @property
    def state(self) -> DecidingState:
        committed = None if self.committed.value == self.pcns.value else self.committed.value
        return DecidingState(step=self.step.value, practices=self.practices.value, meetings=self.meetings.value,
                             rogue_step=round(self.rogue_step.value, 2), consensus_meetings=self.consensus_meetings.value,
                             spread=round(self.spread.value, 2), p_yes=round(self.p_yes.value, 2), pcns=self.pcns.value,
                             committed=committed, people=self.people.value, briefed=self.briefed.value,
                             mandate=self.mandate.value, report=self.report.value, admin=self.admin.value,
                             seed=self.seed)

    def _controls(self, key: str) -> list[w.Widget]:
        """The step's controls, chart places and notes; built on the first visit, then reused."""
        if key not in self._pages:
            vote = [self.practices, self.meetings, self.rogue_step, self.consensus_meetings]
            door = [self.p_yes, self.pcns, self.committed]
            speak = [w.HTML(f"<p>{text.PRESET_HELP}</p>"), w.HBox([self.volunteers, self.advice],
                                                                  layout=w.Layout(flex_flow="row wrap")),
                     self.people, self.briefed, self.mandate, self.report, self.admin]
            bold = lambda words: w.HTML(f"<h3>{words}</h3>")  # noqa: E731
            self._pages[key] = {
                "hook": lambda: [w.HTML(f"<p><b>{escape(text.HOOK_QUESTION)}</b></p>"),
                                 w.HBox(self.guess_buttons, layout=w.Layout(flex_flow="row wrap")), self.guess_note],
                "decisions": lambda: [*vote, self.slots["decisions"]],
                "access": lambda: [*door, self.slots["access"]],
                "representation": lambda: [*speak, self.slots["representation"]],
                "sandbox": lambda: [bold("Vote or agree"), *vote, self.spread, self.slots["decisions"],
                                    bold("One door"), *door, self.slots["access"],
                                    bold("Who speaks?"), *speak, self.slots["representation"]],
            }[key]()
        return self._pages[key]

    def _pcns_changed(self, change) -> None:
        """The door can only be used by PCNs that exist: keep 'all of them' meaning all of them."""
        was_all = self.committed.value == change["old"]
        self._hold = True
        try:
            self.committed.max = change["new"]
            if was_all or self.committed.value > change["new"]:
                self.committed.value = change["new"]
        finally:
            self._hold = False
        self._refresh()

    def _load(self, way: rep.RepresentationSettings) -> None:
        self._hold = True  # one refresh for the whole way of working, not one per control
        try:
            self.people.value = way.people
            self.briefed.value = way.briefed
            self.mandate.value = way.mandate
            self.report.value = way.report_process
            self.admin.value = way.admin_support
        finally:
            self._hold = False
        self._refresh()

    # ------------------------------------------------------------ computing the current step

    def _render_hook(self) -> str:
        return ""

    def decision_settings(self) -> decisions.DecisionSettings:
        return replace(decisions.DecisionSettings(), practices=self.practices.value, meetings=self.meetings.value,
                       rogue_step=self.rogue_step.value, consensus_meetings=self.consensus_meetings.value,
                       spread=self.spread.value, seed=self.seed)

    def _render_decisions(self) -> str:
        settings = self.decision_settings()
        rows = decisions.compare_over_seeds(settings, seeds=SEEDS)
        self.last_decisions = rows
        self._draw("decisions", charts.decisions_template, charts.decisions_parts(rows))
        end = {r["regime"]: r for r in rows if r["meeting"] == settings.meetings}
        vote, agree = end[decisions.VOTE], end[decisions.CONSENSUS]
        overtake = decisions.overtake_meeting(rows)
        verdict = (f"Consensus starts slower and is ahead for good from meeting <b>{overtake}</b>." if overtake
                   else "Over this many meetings consensus does not catch up; try more meetings or less patience.")
        said = ""
        if self.prediction:
            ahead = ("consensus" if agree["value"] > vote["value"] * 1.1 else
                     "vote" if vote["value"] > agree["value"] * 1.1 else "same")
            label = dict((k, lab) for lab, k in text.HOOK_CHOICES)[self.prediction]
            said = (f"<p>You predicted <b>{escape(label)}</b>. "
                    + ("Your prediction was right." if ahead == self.prediction else "Not this time.") + "</p>")
        return (f"{said}<p>After {settings.meetings} meetings, on average over {len(SEEDS)} runs: voting delivered "
                f"<b>{vote['value']:.1f}</b> with {vote['rogue']:.1f} of {settings.practices} practices gone rogue; "
                f"consensus delivered <b>{agree['value']:.1f}</b> and kept every practice in. {verdict}</p>"
                f"<p><i>{escape(decisions.CAVEAT)}</i></p>")

    def _render_access(self) -> str:
        p, n, c = self.p_yes.value, self.pcns.value, self.committed.value
        table = decisions.asks_table(p, n)
        result = decisions.compare_access(p, n, committed=c)
        self.last_access = result
        self._draw("access", charts.access_template, charts.access_parts(table, result.gatekeeper_yes, c))
        door = ("one front door that answers for everyone" if not result.leaks else
                f"a front door that {c} of the {n} PCNs use, while {result.leaks} still answer for themselves")
        return (f"<p>If each PCN would say yes to this request with a chance of {p:.0%}, a system free to ask {n} PCNs "
                f"in turn gets a yes <b>{result.shopping_yes:.0%}</b> of the time; through {door}, "
                f"<b>{result.gatekeeper_yes:.0%}</b>.</p>")

    def representation_settings(self) -> rep.RepresentationSettings:
        return rep.RepresentationSettings(meetings=REP_MEETINGS, people=self.people.value, briefed=self.briefed.value,
                                          mandate=self.mandate.value, report_process=self.report.value,
                                          admin_support=self.admin.value, seed=self.seed)

    def _render_representation(self) -> str:
        yours = self.representation_settings()
        ways = {"yours": yours, "advice": replace(rep.ADVICE, meetings=REP_MEETINGS),
                "volunteers": replace(rep.VOLUNTEERS, meetings=REP_MEETINGS)}
        rows = rep.compare_over_seeds(ways, seeds=SEEDS)
        self.last_representation = rows
        self._draw("representation", charts.representation_template, charts.representation_parts(rows, yours.collapse))
        end = {r["way"]: r for r in rows if r["meeting"] == REP_MEETINGS}
        means = rep.outcome_means(yours, seeds=SEEDS)
        self.last_outcomes = means
        same = [charts.WAY_WORDS[k] for k in ("advice", "volunteers") if _same_way(yours, ways[k])]
        note = f" (the same as {same[0]})" if same else ""
        collapsed = end["yours"]["collapsed"]
        fell = (f" In {collapsed:.0%} of runs the representation had collapsed by the end." if collapsed else
                " The representation never collapsed.")
        return (f"<p>Over {REP_MEETINGS} system meetings, your way of working{note} kept <b>{end['yours']['total']:.1f}</b> "
                f"units of influence for general practice, against {end['advice']['total']:.1f} for Gowland's advice "
                f"and {end['volunteers']['total']:.1f} for whoever volunteers.{fell}</p>"
                + text.outcome_table(means, rep.OUTCOMES, REP_MEETINGS)
                + f"<p><i>Averages over {len(SEEDS)} runs. {escape(rep.CAVEAT)}</i></p>")

    def _render_sandbox(self) -> str:
        return self._render_decisions() + self._render_access() + self._render_representation()


def _same_way(a: rep.RepresentationSettings, b: rep.RepresentationSettings) -> bool:
    return all(getattr(a, k) == getattr(b, k) for k in ("people", "briefed", "mandate", "report_process", "admin_support"))


def build(query: str | None = None) -> w.Widget:
    """The app, set from a URL query string (by default the page's own, under Voila)."""
    return page.build_app(lambda full: DecidingApp(*deciding_from_query(split_workshop(full)[1])), CHAPTER, query)
