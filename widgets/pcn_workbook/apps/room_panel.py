"""The workshop panel a chapter app shows when its link carries ``?workshop=CODE``.

The participant gives a display name (and, where the chapter has roles, a role) and sends their
answer to the room's store; the facilitator's projector shows the room's result. A reload or a new
tab in the same browser finds the participant again through a random id kept in the browser's
``localStorage`` (``BrowserId``) and puts their last answer back on screen. A failed send leaves
the answer on screen and the button says "Try again".

Participants can set any widget value, so every value is checked again in the kernel: the
question's own validator (``models.room``), then the store (names, sizes, rate, closed questions).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Callable

import anywidget
import ipywidgets as w
import traitlets

from ..workshop import session as ses

STORAGE_PREFIX = "pcn-workbook:participant:"


class BrowserId(anywidget.AnyWidget):
    """This browser's participant id for one workshop, kept in ``localStorage`` (every tab sees it)."""

    _esm = """
    function render({ model, el }) {
      el.style.display = "none";
      const key = "%s" + model.get("key");
      let saved = null;
      try { saved = window.localStorage.getItem(key); } catch (e) { saved = null; }
      if (saved && !model.get("restored")) { model.set("value", saved); }
      model.set("restored", true);
      model.save_changes();
      model.on("change:value", () => {
        try { if (model.get("value")) window.localStorage.setItem(key, model.get("value")); } catch (e) { /* blocked */ }
      });
    }
    export default { render };
    """ % STORAGE_PREFIX
    key = traitlets.Unicode("").tag(sync=True)
    value = traitlets.Unicode("").tag(sync=True)
    restored = traitlets.Bool(False).tag(sync=True)


@dataclass
class Question:
    """One thing the page sends: its widgets, how to read and restore them, how to check them."""

    key: str  # e.g. "autonomy.votes"
    collect: Callable[[], dict]  # the answer, from the app's widgets
    restore: Callable[[dict], None]  # put a stored answer back on screen
    validate: Callable[[dict], dict]  # raises ValueError with a plain message
    widgets: tuple[w.Widget, ...] = ()  # extra controls shown in the panel (e.g. votes)
    button: str = "Send to the room"


class RoomPanel(w.VBox):
    """Name, role, and one send button per question; or one line saying why the room is unreachable."""

    def __init__(self, session: ses.Session | None, problem: str = "", questions: tuple[Question, ...] = (),
                 roles: tuple[str, ...] = (), role_label: str = "Your role"):
        super().__init__()
        self.add_class("pcn-room")
        self.session = session
        self.status: dict[str, w.HTML] = {}
        self.buttons: dict[str, w.Button] = {}
        self.questions = {q.key: q for q in questions}
        if session is None:
            self.children = [w.HTML(f"<h3>Workshop</h3><p>{escape(problem)}</p>").add_class("pcn-message")]
            return
        title = escape(session.workshop.title)
        self.name = w.Text(description="Your name", placeholder="as the facilitator will see it",
                           style={"description_width": "170px"}, layout=w.Layout(width="100%", max_width="510px")).add_class("pcn-room-name")
        self.role = w.Dropdown(options=[("Choose...", "")] + [(r, r) for r in roles], description=role_label,
                               style={"description_width": "170px"}, layout=w.Layout(width="100%", max_width="510px")).add_class("pcn-room-role")
        self.browser = BrowserId(key=session.code)
        self.browser.observe(self._restore, "restored")
        rows: list[w.Widget] = [
            w.HTML(f"<h3>Workshop: {title}</h3><p>Code <b>{escape(session.code)}</b>. Your answers go to the "
                   "facilitator; the projector shows the room's result only when the facilitator reveals it. "
                   "Only the facilitator sees names.</p>"),
            self.name]
        if roles:
            rows.append(self.role)
        for q in questions:
            button = w.Button(description=q.button, button_style="primary", layout=w.Layout(width="260px"),
                              tooltip=ses.LABELS[q.key]).add_class(f"pcn-send-{q.key.replace('.', '-')}")
            status = w.HTML().add_class("pcn-room-status")
            button.on_click(lambda _b, key=q.key: self.send(key))
            self.buttons[q.key], self.status[q.key] = button, status
            rows += [w.HTML(f"<b>{escape(ses.LABELS[q.key])}</b>"), *q.widgets, w.HBox([button, status])]
        rows.append(self.browser)
        self.children = rows

    def set_roles(self, roles: tuple[str, ...]) -> None:
        keep = self.role.value if self.role.value in roles else ""
        self.role.options = [("Choose...", "")] + [(r, r) for r in roles]
        self.role.value = keep

    def _restore(self, change=None) -> None:
        if not self.browser.restored or self.session is None:
            return
        last = self.session.restore(self.browser.value)
        who = self.session.participant
        if who is not None:
            self.name.value = who.name
            if who.role in [v for _, v in self.role.options]:
                self.role.value = who.role
        for key, row in last.items():
            q = self.questions.get(key)
            if q is None:
                continue
            try:
                q.restore(q.validate(row.payload))
            except ValueError:
                continue  # an answer this version cannot read: the page starts fresh
            when = row.created_at.astimezone().strftime("%H:%M")
            self.status[key].value = f"<span>Your answer sent at {when} is back on screen.</span>"

    def send(self, key: str) -> ses.Sent:
        q = self.questions[key]
        roles = [v for _, v in self.role.options if v]
        try:
            if roles and self.role.value not in roles:
                label = self.role.description
                raise ValueError(f"choose {label[:1].lower() + label[1:]} first.")
            payload = q.validate(q.collect())
        except ValueError as err:
            text = str(err)
            sent = ses.Sent(False, f"Not sent: {text[:1].lower() + text[1:]}")
        else:
            sent = self.session.send(key, payload, self.name.value, self.role.value)
        if sent.ok and self.session.secret:
            self.browser.value = self.session.secret
        self.status[key].value = (f"<span class='{'pcn-sent' if sent.ok else 'pcn-message'}' role='status'>"
                                  f"{escape(sent.message)}</span>")
        self.buttons[key].description = "Try again" if sent.retry else q.button
        return sent


def panel_for(chapter: str, code: str | None, questions: Callable[[ses.Session], tuple[Question, ...]],
              roles: tuple[str, ...] = (), role_label: str = "Your role") -> RoomPanel | None:
    """The page's workshop panel, or None when its link names no workshop."""
    if code is None:
        return None
    session, problem = ses.Session.open(code, chapter)
    if session is None:
        return RoomPanel(None, problem)
    return RoomPanel(session, "", questions(session), roles, role_label)
