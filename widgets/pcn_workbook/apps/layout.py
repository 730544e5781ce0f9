"""How every chapter app fits its screen: a phone in a participant's hand, a laptop, a projector.

* Phones (under 600 px wide, e.g. 390 x 844): each label sits above its control at full width,
  buttons wrap, and a chart shrinks to the width it is given (its SVG keeps its proportions),
  so nothing is cut off and nothing needs sideways scrolling.
* Projector view (the "Projector view" switch, or ``?projector=1`` in the link): type about 1.5
  times larger, wide controls, and the charts redrawn larger with no gridlines
  (``charts.projector``), readable from the back of a training room at 1024 x 768 and up.

The rules are CSS on the app's own classes (``pcn-app``, ``pcn-projector``), so no app has to
lay itself out twice.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import ipywidgets as w

FLAG = "projector"
_YES = frozenset({"1", "yes", "on", "true"})

CSS = """<style>
/* charts never wider than their place: the SVG scales down with its proportions kept */
.pcn-app .pcn-live-chart, .pcn-app .pcn-chart-slot { max-width: 100%; }
.pcn-app .pcn-live-chart svg { max-width: 100%; height: auto; }
.pcn-view-bar { justify-content: flex-end; }
@media (max-width: 600px) {
  .pcn-app { font-size: 16px; }
  .pcn-app .widget-hslider, .pcn-app .widget-toggle-buttons, .pcn-app .widget-dropdown,
  .pcn-app .widget-text, .pcn-app .widget-textarea, .pcn-app .widget-int-range-slider,
  .pcn-app .widget-hbox { flex-wrap: wrap; height: auto; max-width: 100% !important; }
  .pcn-app .widget-inline-hbox > .widget-label {
    width: 100% !important; max-width: 100% !important; text-align: left; justify-content: flex-start; }
  .pcn-app .widget-hslider .slider-container, .pcn-app .widget-int-range-slider .slider-container { flex: 1 1 55%; }
  .pcn-app .widget-readout { max-width: 40%; overflow: visible; }
  .pcn-app .widget-toggle-button, .pcn-app .widget-button { margin-bottom: 4px; }
  .pcn-app .widget-hslider, .pcn-app .widget-dropdown, .pcn-app .widget-text, .pcn-app .widget-textarea {
    width: 100% !important; }
  .pcn-app table { display: block; overflow-x: auto; max-width: 100%; }
  .pcn-app .widget-gridbox { grid-template-columns: minmax(0, 1fr) !important; }
  .pcn-view-bar { display: none; }  /* nobody projects from a phone */
}
/* projector view */
.pcn-app.pcn-projector { font-size: 25px; max-width: none; }
.pcn-app.pcn-projector h2 { font-size: 40px; } .pcn-app.pcn-projector h3 { font-size: 30px; }
.pcn-app.pcn-projector .widget-label, .pcn-app.pcn-projector .widget-readout,
.pcn-app.pcn-projector label, .pcn-app.pcn-projector button, .pcn-app.pcn-projector select,
.pcn-app.pcn-projector input, .pcn-app.pcn-projector textarea { font-size: 23px; }
.pcn-app.pcn-projector .widget-inline-hbox { height: auto; min-height: 46px; align-items: center; }
.pcn-app.pcn-projector .widget-inline-hbox > .widget-label { width: 330px !important; max-width: 40% !important;
  white-space: normal; line-height: 1.2; }
.pcn-app.pcn-projector .widget-hslider, .pcn-app.pcn-projector .widget-int-range-slider {
  width: 100% !important; max-width: 1100px !important; }
.pcn-app.pcn-projector .widget-html-content, .pcn-app.pcn-projector .widget-htmlmath-content { font-size: 23px; line-height: 1.4; }
.pcn-app.pcn-projector .widget-readout { min-width: 110px; max-width: none !important; width: auto !important; overflow: visible; }
.pcn-app.pcn-projector .widget-dropdown { width: auto !important; max-width: 100% !important; }
.pcn-app.pcn-projector .widget-dropdown > select { width: auto; max-width: 100%; }
.pcn-app.pcn-projector .widget-button, .pcn-app.pcn-projector .widget-toggle-button {
  height: auto; min-height: 44px; padding: 4px 14px; width: auto !important; min-width: fit-content; }
.pcn-app.pcn-projector .noUi-handle { width: 26px !important; height: 26px !important; }
.pcn-app.pcn-projector .pcn-narrative p { line-height: 1.4; }
@media (min-width: 1600px) {
  .pcn-app.pcn-projector .pcn-step-body { display: grid !important;
    grid-template-columns: minmax(560px, 1fr) minmax(0, 1.5fr); column-gap: 32px; align-items: start; }
  .pcn-app.pcn-projector .pcn-step-body > .pcn-chart-slot, .pcn-app.pcn-projector .pcn-step-body > .pcn-live-chart {
    grid-column: 2; grid-row: 1 / span 12; }
  .pcn-app.pcn-projector .pcn-step-body > :not(.pcn-chart-slot):not(.pcn-live-chart) { grid-column: 1; }
}
</style>"""


def take_flag(query: str) -> tuple[bool, str]:
    """(whether the link asks for the projector view, the query without that flag).

    >>> take_flag("projector=1&step=noise")
    (True, 'step=noise')
    >>> take_flag("step=noise")
    (False, 'step=noise')
    """
    pairs = parse_qsl((query or "").lstrip("?"), keep_blank_values=True)
    asked = [v for k, v in pairs if k == FLAG]
    if not asked:
        return False, (query or "").lstrip("?")
    return asked[-1].strip().lower() in _YES, urlencode([(k, v) for k, v in pairs if k != FLAG])


class ViewBar(w.HBox):
    """The page's view switch (and the layout rules every app shares)."""

    def __init__(self, app: w.Box, projector: bool = False):
        from ..charts import projector as chart_view

        self._app, self._charts = app, chart_view
        self.switch = w.ToggleButton(value=False, description="Projector view", icon="television",
                                     tooltip="Larger type and charts for a projector (or add ?projector=1 to the link)",
                                     layout=w.Layout(width="auto")).add_class("pcn-projector-switch")
        super().__init__([w.HTML(CSS), self.switch])
        self.add_class("pcn-view-bar")
        self.switch.value = bool(projector)
        self.switch.observe(self._changed, "value")
        self._changed({"new": self.switch.value})  # the kernel's charts follow this page's link

    def _changed(self, change) -> None:
        on = bool(change["new"])
        (self._app.add_class if on else self._app.remove_class)("pcn-projector")
        self._charts.set_projector(on)


def add_view_bar(app: w.Widget, projector: bool = False) -> w.Widget:
    """Put the view switch at the top of a chapter app (not on a page that says the app cannot start)."""
    if isinstance(app, w.Box) and hasattr(app, "_problems"):
        bar = ViewBar(app, projector)
        app.view_bar = bar
        app.children = (bar, *app.children)
    return app
