"""The autonomy paradox app: controls -> gainshare model -> charts and commentary.

Thin by design: the maths is in ``models.gainshare``, the pictures in ``charts.autonomy``, the
words in ``autonomy_narrative``; this module only wires widgets to them and keeps the URL state.
"""

from __future__ import annotations

from html import escape

import ipywidgets as w

from .. import data
from ..charts import autonomy as charts
from ..charts.live import designed_chart, update_chart
from ..models import gainshare as gs
from . import page, request
from .request import split_workshop
from .autonomy_narrative import PREDICTIONS, narrate, pressure_text, reveal_prediction
from .state import AutonomyState, from_query



class AutonomyApp(w.VBox):
    """The whole chapter app as one widget; its controls are attributes so tests can drive it."""

    def __init__(self, state: AutonomyState | None = None, problems: list[str] | None = None):
        super().__init__()
        self.add_class("pcn-app")
        self._problems = list(problems or [])
        self.scenarios = data.autonomy_scenario_rows()  # plain rows: the app needs no pandas
        state = state or AutonomyState()
        if state.scenario not in {s["scenario"] for s in self.scenarios}:
            self._problems.append(f"Unknown scenario '{state.scenario}'; showing the default instead.")
            state = AutonomyState(tolerance=state.tolerance, rule=state.rule)
        self._updating = False

        self.scenario = w.Dropdown(options=[(s["label"], s["scenario"]) for s in self.scenarios],
                                   value=state.scenario, description="Scenario", style={"description_width": "initial"},
                                   layout=w.Layout(width="520px"))
        self.reset = w.Button(description="Reset scenario", tooltip="Back to the scenario's own list sizes and changes")
        lo, hi = gs.TOLERANCE_RANGE
        self.tolerance = w.FloatSlider(value=state.tolerance, min=lo, max=hi, step=0.25, readout_format=".2f",
                                       description="Tolerance (£ per patient)", style={"description_width": "200px"},
                                       layout=w.Layout(width="720px"))
        tolerance_help = w.HTML("<p>Tolerance stands for trust: how many pounds per registered patient a year "
                                "a practice will give up for the group before it blocks a decision. "
                                "Use the arrow keys for fine steps.</p>")
        self.tolerance.add_class("pcn-tolerance")
        self.rule = w.ToggleButtons(options=[(r.label, r.key) for r in gs.RULES], value=state.rule,
                                    description="Gainshare rule", tooltips=[r.description for r in gs.RULES],
                                    style={"description_width": "initial", "button_width": "130px"})
        self.view = w.ToggleButtons(options=[(r.label, r.key) for r in gs.REGIMES], value="veto",
                                    description="Practices under", tooltips=[r.description for r in gs.REGIMES],
                                    style={"description_width": "initial", "button_width": "190px"})
        self.message = w.HTML().add_class("pcn-message")
        self.narrative = w.HTML().add_class("pcn-narrative")
        self.share_link = w.HTML().add_class("pcn-share-link")
        self.changes_box = w.VBox()
        self.sizes_box = w.VBox()
        self.predict = w.ToggleButtons(options=[(label, key) for key, label in PREDICTIONS], value=None,
                                       description="Your guess", style={"description_width": "initial", "button_width": "150px"})
        self.predict.add_class("pcn-predict")
        self.prediction = w.HTML().add_class("pcn-prediction")
        self.pressure_note = w.HTML().add_class("pcn-pressure-note")
        self.paradox = self.practices = self.pressure = None
        self.change_boxes: dict[str, w.Checkbox] = {}
        self.size_boxes: dict[str, w.IntText] = {}

        self._load_scenario(state)
        header = page.header("The autonomy paradox", "Set how much each practice will give up for the group, "
                                "choose what is on the table, and see what each way of deciding delivers. Figures are £ a year. "
                        "Source of the idea: Ben Gowland, <i>Can you solve The Autonomy Paradox?</i> (The General Practice Blog); "
                        "the practices are typical, not real: list sizes are national percentiles (NHS Digital, January 2021) "
                        "and every cost and saving is illustrative.")
        setup = w.Accordion(children=[w.VBox([w.HBox([self.scenario, self.reset]), self.changes_box, self.sizes_box])],
                            titles=("Scenario, changes on the table and list sizes",))
        ask = w.HTML("<p><b>Predict first.</b> Before you move anything: if the practices vote on each change "
                     "separately and any practice can block one, how much of what the group could gain will it "
                     "collect?</p>")
        pressure_head = w.HTML("<h3>As more changes come onto the table</h3><p>The changes arrive one at a time, "
                               "cheapest first. The shaded gap is what deciding change by change leaves behind; "
                               "a gainshare closes it, but each practice then takes fewer decisions alone.</p>")
        self.children = [header, self.message, w.VBox([ask, self.predict, self.prediction]).add_class("pcn-predict-box"),
                         setup, tolerance_help, self.tolerance, self.rule, self.paradox, self.narrative,
                         self.view, self.practices, pressure_head, self.pressure, self.pressure_note, self.share_link]

        self.scenario.observe(self._on_scenario, "value")
        self.reset.on_click(lambda _: self._load_scenario(AutonomyState(self.scenario.value, self.tolerance.value, self.rule.value)))
        for control in (self.tolerance, self.rule):
            control.observe(self._refresh, "value")
        self.view.observe(self._refresh_practices, "value")
        self.predict.observe(self._show_prediction, "value")

    # --- scenario loading -------------------------------------------------------------------
    def _load_scenario(self, state: AutonomyState) -> None:
        self._updating = True
        try:
            self.base_group = data.autonomy_group(state.scenario)
            known = [c.key for c in self.base_group.changes]
            chosen = known if state.changes is None else [k for k in state.changes if k in known]
            for k in set(state.changes or ()) - set(known):
                self._problems.append(f"Ignored unknown change '{k}' (this scenario has: {', '.join(known)}).")
            overrides = dict(state.list_sizes)
            for name in set(overrides) - set(self.base_group.names):
                self._problems.append(f"Ignored list size for unknown practice '{name}'.")
                overrides.pop(name)
            self.change_boxes = {c.key: w.Checkbox(value=c.key in chosen, description=c.label, indent=False,
                                                   tooltip=c.description) for c in self.base_group.changes}
            self.size_boxes = {p.name: w.IntText(value=overrides.get(p.name, p.list_size), description=p.name,
                                                 layout=w.Layout(width="260px")) for p in self.base_group.practices}
            self.changes_box.children = [w.HTML("<b>Changes on the table</b>"), *self.change_boxes.values()]
            self.sizes_box.children = [w.HTML("<b>List sizes (registered patients)</b>"), *self.size_boxes.values()]
            for box in self.change_boxes.values():
                box.observe(self._refresh, "value")
            for box in self.size_boxes.values():
                box.observe(self._on_size, "value")
            self._good_sizes = {n: b.value for n, b in self.size_boxes.items()}
        finally:
            self._updating = False
        self._refresh()

    def _on_scenario(self, change) -> None:
        if not self._updating:
            self._load_scenario(AutonomyState(change["new"], self.tolerance.value, self.rule.value))

    def _on_size(self, change) -> None:
        if self._updating:
            return
        lo, hi = gs.LIST_SIZE_RANGE
        name = change["owner"].description
        if not lo <= change["new"] <= hi:
            self._problems.append(f"{name}'s list size must be from {lo:,} to {hi:,} patients; kept {self._good_sizes[name]:,}.")
            self._updating = True
            change["owner"].value = self._good_sizes[name]
            self._updating = False
        else:
            self._good_sizes[name] = change["new"]
        self._refresh()

    # --- model -> charts ------------------------------------------------------------------------
    @property
    def state(self) -> AutonomyState:
        chosen = tuple(k for k, b in self.change_boxes.items() if b.value)
        base = {p.name: p.list_size for p in self.base_group.practices}
        overrides = tuple(sorted((n, b.value) for n, b in self.size_boxes.items() if b.value != base[n]))
        return AutonomyState(self.scenario.value, self.tolerance.value, self.rule.value,
                             None if len(chosen) == len(self.change_boxes) else chosen, overrides)

    def _refresh(self, _=None) -> None:
        if self._updating:
            return
        state = self.state
        try:
            self.group = self.base_group.with_list_sizes(dict(state.list_sizes))
            keys = state.changes if state.changes is not None else None
            self.outcomes = gs.compare(self.group, state.tolerance, state.rule, keys)
            self.ceiling = gs.grand_coalition_value(self.group, keys)
        except gs.ScenarioError as err:
            self._problems.append(f"Cannot run this scenario: {err}.")
            self._show_messages()
            return
        parts = charts.paradox_parts(self.outcomes, self.group, state.tolerance, self.ceiling)
        if self.paradox is None:
            self.paradox = designed_chart(charts.paradox_template, parts, "pcn-paradox-chart")
        else:
            update_chart(self.paradox, parts)
        self.narrative.value = narrate(self.outcomes, self.group, state.tolerance, state.rule, self.ceiling)
        self._refresh_practices()
        self.pressure_rows = gs.merger_pressure(self.group, state.tolerance, state.rule, gs.table_order(self.group, keys))
        parts = charts.merger_pressure_parts(self.pressure_rows)
        if self.pressure is None:
            self.pressure = designed_chart(charts.merger_pressure_template, parts, "pcn-pressure-chart")
        else:
            update_chart(self.pressure, parts)
        self.pressure_note.value = pressure_text(self.pressure_rows)
        self._show_prediction()
        self._show_share_link()
        self._show_messages()

    def _refresh_practices(self, _=None) -> None:
        outcome = next(o for o in self.outcomes if o.regime == self.view.value)
        parts = charts.practice_parts(outcome, self.group, self.tolerance.value)
        if self.practices is None:
            self.practices = designed_chart(charts.practice_template, parts, "pcn-practice-chart")
        else:
            update_chart(self.practices, parts)

    def _show_share_link(self) -> None:
        self.share_link.value = (f"Link to this scenario: <code>{escape(request.page_path())}?"
                                 f"{escape(self.state.to_query())}</code>")

    def _show_prediction(self, _=None) -> None:
        """The reveal follows the guess and the current settings (so it stays true as they change)."""
        if self.predict.value is not None:
            self.prediction.value = reveal_prediction(self.predict.value, self.outcomes, self.ceiling,
                                                      self.tolerance.value)

    def _show_messages(self) -> None:
        page.show_messages(self.message, self._problems)


def build(query: str | None = None) -> w.Widget:
    """The app, set from a URL query string (by default the page's own, under Voila).

    If the datasets cannot be read, the page says why instead of showing a traceback.
    """
    def make(full: str) -> w.Widget:
        try:
            return AutonomyApp(*from_query(split_workshop(full)[1]))
        except data.DatasetError as err:
            return page.dataset_problem("The autonomy paradox", err)

    return page.build_app(make, "02_autonomy_paradox", query)
