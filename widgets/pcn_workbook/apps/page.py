"""What every chapter app's page shares: its look, its message area, and its dataset-error page."""

from __future__ import annotations

from dataclasses import replace
from html import escape

import ipywidgets as w

# Type readable at projector distance; messages in a dark orange that is not the only cue (bold).
# Keyboard users see where they are: a thick dark-blue ring on whatever has the keyboard's focus
# (slider handles too); the accordion's title in near-black (the default grey fails WCAG contrast).
STYLE = """<style>
.pcn-app { font-size: 17px; max-width: 1100px; }
.pcn-app .widget-label, .pcn-app .widget-readout, .pcn-app label, .pcn-app button, .pcn-app select { font-size: 16px; }
.pcn-app h2 { font-size: 28px; margin: 4px 0; } .pcn-app h3 { font-size: 21px; margin: 14px 0 4px; }
.pcn-message { color: #8a3b00; font-weight: 600; }
.pcn-narrative p { margin: 0.35em 0; line-height: 1.45; }
.pcn-takeaway { font-weight: 600; }
.pcn-share-link code { user-select: all; font-size: 14px; }
.pcn-right { color: #005a8c; } .pcn-wrong { color: #8a3b00; }
.pcn-story { border-left: 5px solid #0072B2; padding: 2px 14px; margin: 12px 0; background: #f6f9fc; }
.pcn-story h4 { font-size: 19px; margin: 6px 0; } .pcn-download { font-weight: 600; }
.pcn-app :focus-visible, .pcn-app .noUi-handle:focus { outline: 3px solid #005a8c !important; outline-offset: 2px; }
.pcn-app .jupyter-widget-Collapse-header, .pcn-app .jupyter-widget-Collapse-header > span { color: #1d2329; }
</style>"""
MAX_MESSAGES = 6


def header(title: str, intro_html: str) -> w.HTML:
    return w.HTML(f"{STYLE}<h2>{escape(title)}</h2><p>{intro_html}</p>")


def show_messages(area: w.HTML, problems: list[str]) -> None:
    """Show (escaped) and then forget the problems found since the last update."""
    area.value = "".join(f"<p>{escape(p)}</p>" for p in problems[:MAX_MESSAGES])
    problems.clear()


def dataset_problem(title: str, error: Exception) -> w.HTML:
    """The page shown instead of an app whose datasets cannot be read: the reason, never a traceback."""
    text = escape(str(error)).replace("\n", "<br>")
    return w.HTML(f"{STYLE}<h2>{escape(title)}</h2><p>The app cannot start because a dataset has a problem:</p>"
                  f"<p>{text}</p><p>Fix the file (or restore it from the repository) and reload the page.</p>"
                  ).add_class("pcn-message")


def built(app: w.Widget) -> w.Widget:
    """The last step of every chapter app's ``build()``: hand the C allocator's freed pages back.

    Building an app reads datasets and turns charts into JSON; once it is built, most of those
    temporary objects are gone, but glibc keeps the freed memory mapped in case the process wants it
    again, and a participant's kernel then stays 11-13 MB larger than it needs to (the scale app:
    150 MB resident without this, 139 MB with it; benchmarks/kernel_memory.py). ``malloc_trim(0)``
    returns it in about a millisecond. On a C library without it (macOS, musl) this does nothing.
    """
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
    return app


def build_app(make, chapter: str, query: str | None = None) -> w.Widget:
    """Build a chapter app from a URL query string (by default the page's own, under Voila).

    ``make(query)`` builds the app itself (the whole query, ``workshop`` code included, is passed
    on); this adds the workshop panel when the link names a workshop, and hands freed memory back.

    A preheated Voila kernel runs its notebook before any browser asks for the page, then waits for
    one (``request.query_string``); whatever the kernel does after that wait, the participant
    watches. So it builds the app for a plain link (no query) *while* it waits, and once the page
    arrives keeps that app if the link is plain, or throws it away (every widget it made closed) and
    builds the one the link asks for. Participants mostly open the plain join link, and the room
    link differs from it only by its ``workshop`` code, which adds a panel and changes nothing else;
    ``projector=1`` (the projector view, ``layout``) changes only the look, so it is taken off first.
    A guided walk also keeps it for a link that only names a step (``StepWalk.take_query``): closing
    a hundred widgets and making a hundred more cost the page 150-350 ms before its HTML was sent.
    """
    from ipywidgets.widgets.widget import _instances

    from . import layout, request
    from .request import split_workshop, with_workshop

    def finish(app: w.Widget, query: str, projector: bool) -> w.Widget:
        code, _ = split_workshop(query)
        return built(with_workshop(layout.add_view_bar(app, projector), chapter, code))

    if query is None and request.preheated():
        before = set(_instances)
        ready = make("")
        projector, query = layout.take_flag(request.query_string())
        asked = split_workshop(query)[1]
        if not asked or (isinstance(ready, StepWalk) and ready.take_query(asked)):
            if hasattr(ready, "_show_share_link"):
                ready._show_share_link()  # the page's path is known only now
            return finish(ready, query, projector)
        for key in set(_instances) - before:
            widget = _instances.get(key)
            if widget is not None:
                widget.close()
    else:
        projector, query = layout.take_flag(request.query_string() if query is None else query)
    return finish(make(query), query, projector)


class StepWalk:
    """A guided walk (hook, one idea per step, sandbox) shown one step at a time: Back/Next and the
    step's words. Mixed into a chapter app, which sets ``TEXT`` (its words module: ``STEPS``,
    ``HOOK``, ``INTROS``) and has ``step``, ``step_text``, ``back``, ``next``, ``body``,
    ``_controls(key)`` and ``_refresh()``."""

    TEXT = None
    LINK = None  # the chapter's link parser, for take_query

    def take_query(self, query: str) -> bool:
        """Show the step a link asks for, when the link asks for nothing else than this app shows
        (no other setting, no problem to report): True if it did. Only a walk that names its link
        parser (``LINK``: query -> (state, problems), with a ``state`` property to compare) takes
        part; the trust chapter's links also choose strategies and may name moved steps, so it does not."""
        parse = type(self).LINK
        if parse is None:
            return False
        state, problems = parse(query)
        if problems or replace(state, step=self.step.value) != self.state:
            return False
        self.step.value = state.step
        return True

    def _build_walk(self, step: str, button_width: str = "auto") -> None:
        """The step buttons and Back/Next; call once, early in ``__init__``."""
        self.step = w.ToggleButtons(options=[(label, key) for key, label in self.TEXT.STEPS], value=step,
                                    style={"button_width": button_width}).add_class("pcn-steps")
        self.back = w.Button(description="Back", icon="arrow-left", layout=w.Layout(width="120px"))
        self.next = w.Button(description="Next", icon="arrow-right", button_style="primary",
                             layout=w.Layout(width="120px"))
        self.back.on_click(lambda _: self._move(-1))
        self.next.on_click(lambda _: self._move(+1))

    def _build_page_parts(self) -> None:
        """The step's body, the message area, the narrative and the share link; call once, early."""
        self.body = w.VBox().add_class("pcn-step-body")
        self.message = w.HTML().add_class("pcn-message")
        self.narrative = w.HTML().add_class("pcn-narrative")
        self.share_link = w.HTML().add_class("pcn-share-link")

    def _build_prediction(self, then: str) -> None:
        """The hook's one-click prediction: a button per ``TEXT.HOOK_CHOICES`` (label, key); the
        choice is kept in ``prediction`` and confirmed with ``then`` (what Next will show)."""
        self.prediction: str | None = None
        self._prediction_then = then
        self.guess_buttons = []
        for label, key in self.TEXT.HOOK_CHOICES:
            b = w.Button(description=label, layout=w.Layout(width="auto")).add_class(f"pcn-guess-{key}")
            b.on_click(lambda _b, k=key: self._guess(k))
            self.guess_buttons.append(b)
        self.guess_note = w.HTML().add_class("pcn-guess-note")

    def _guess(self, key: str) -> None:
        self.prediction = key
        label = dict((k, lab) for lab, k in self.TEXT.HOOK_CHOICES)[key]
        for b in self.guess_buttons:
            b.button_style = "info" if b.description == label else ""
        self.guess_note.value = (f"<p>You predicted: <b>{escape(label)}</b>. Press <b>Next</b> to see "
                                 f"{self._prediction_then}.</p>")

    MODEL_ERRORS: tuple[type[Exception], ...] = ()  # what the model raises with a plain message

    def _refresh(self, _=None) -> None:
        """Compute the current step (``_render_<step>`` returns its narrative), show any problems
        in the message area and update the share link; nothing while ``_hold`` is set."""
        if getattr(self, "_hold", False):
            return
        try:
            self.narrative.value = getattr(self, f"_render_{self.step.value}")()
        except self.MODEL_ERRORS as err:
            self._problems.append(str(err))
        show_messages(self.message, self._problems)
        self._show_share_link()

    def _draw(self, name: str, template, parts: dict) -> None:
        """Show the live chart ``name`` in its slot: built on first use, then only its parts change."""
        from ..charts.live import designed_chart, update_chart

        if name not in self.charts:
            self.charts[name] = designed_chart(template, parts, f"pcn-{name}-chart")
            self.slots[name].children = [self.charts[name]]
        else:
            update_chart(self.charts[name], parts)

    def _show_share_link(self) -> None:
        from . import request

        self.share_link.value = (f"Link to this view: <code>{escape(request.page_path())}?"
                                 f"{escape(self.state.to_query())}</code>")

    def _move(self, delta: int) -> None:
        keys = [k for k, _ in self.TEXT.STEPS]
        self.step.value = keys[max(0, min(len(keys) - 1, keys.index(self.step.value) + delta))]

    def _show_step(self, _=None) -> None:
        key, text = self.step.value, self.TEXT
        self.step_text.value = text.HOOK if key == "hook" else text.INTROS[key]
        self.back.disabled = key == text.STEPS[0][0]
        self.next.disabled = key == text.STEPS[-1][0]
        self.body.children = self._controls(key)
        self._refresh()
