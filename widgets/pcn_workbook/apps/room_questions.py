"""What each chapter app sends to a workshop, and where its workshop panel sits on the page.

``attach(app, chapter, code)`` adds the panel when the page's link names a workshop. Each
chapter's questions read the app's own controls (the purpose compass, statement and readiness
scores, the scale exercise's dropdowns, the trust game's mistake rate, the story form) or add a
few of their own (votes on each change, a habit), and are checked by ``models.room``'s validators
before anything leaves the kernel. ``CHAPTERS`` says, per chapter, what it asks, who one can be in
the room and where the panel sits.
"""

from __future__ import annotations

from dataclasses import asdict
from html import escape

import ipywidgets as w

from ..models import room as room_model
from ..models import stories as stories_model
from ..models import trust as trust_model
from . import room_panel as rp

VOTES = [("Not decided", ""), ("Yes", "yes"), ("No", "no")]


def _purpose(app):
    """The compass placement, the statement and the readiness scores, read from the chapter's own
    controls (steps 1-3); a line under each button says what would be sent now."""
    now = {key: w.HTML().add_class("pcn-room-now") for key in ("compass", "statement", "readiness")}

    def show(_=None):
        now["compass"].value = (f"<p>From the compass step: inward <b>{app.inward.value}</b>, outward "
                                f"<b>{app.outward.value}</b>.</p>")
        line = app.statement.value.strip()
        now["statement"].value = (f"<p>From the statement step: <q>{escape(line[:120])}"
                                  f"{'...' if len(line) > 120 else ''}</q></p>" if line else
                                  "<p>Write your statement on the statement step first.</p>")
        scored = len(app.your_scores())
        now["readiness"].value = (f"<p>From the readiness step: {scored} of {len(app.you)} items scored"
                                  f"{'' if scored == len(app.you) else '; score them all to send'}.</p>")

    for control in (app.inward, app.outward, app.statement, *app.you.values()):
        control.observe(show, "value")
    show()

    def restore_compass(payload):
        app.inward.value, app.outward.value = payload["inward"], payload["outward"]

    def restore_statement(payload):
        if not app.statement.value.strip():  # never overwrite what is being typed here
            app.statement.value = payload["statement"]

    def restore_readiness(payload):
        for item, score in payload["scores"].items():
            if item in app.you:
                app.you[item].value = str(score)

    items = tuple(app.you)
    compass = rp.Question("purpose.compass", lambda: {"inward": app.inward.value, "outward": app.outward.value},
                          restore_compass, room_model.validate_purpose_compass, (now["compass"],), "Send my placement")
    statement = rp.Question("purpose.statement", lambda: {"statement": app.statement.value}, restore_statement,
                            room_model.validate_purpose_statement, (now["statement"],), "Send my statement")
    readiness = rp.Question("purpose.readiness", lambda: {"scores": app.your_scores()}, restore_readiness,
                            lambda p: room_model.validate_purpose_readiness(p, items), (now["readiness"],),
                            "Send my scores")
    return (compass, statement, readiness), {}


def _autonomy(app) -> tuple[tuple[rp.Question, ...], dict]:
    box = w.VBox()
    votes: dict[str, w.Dropdown] = {}

    def rebuild(_=None):
        votes.clear()
        for change in app.base_group.changes:
            votes[change.key] = w.Dropdown(options=VOTES, value="", description=change.label,
                                           style={"description_width": "300px"}, layout=w.Layout(width="480px")
                                           ).add_class(f"pcn-vote-{change.key}")
        box.children = [w.HTML("<p>Play one practice: would it say yes to each change on its own terms?</p>"),
                        *votes.values()]

    def collect():
        return {"scenario": app.scenario.value, "votes": {k: d.value for k, d in votes.items() if d.value}}

    def restore(payload):
        if payload.get("scenario") != app.scenario.value:
            app.scenario.value = payload["scenario"]
        for key, value in payload.get("votes", {}).items():
            if key in votes:
                votes[key].value = value

    rebuild()
    question = rp.Question("autonomy.votes", collect, restore,
                           lambda p: room_model.validate_autonomy(p, app.base_group), (box,), "Send my votes")
    return (question,), {"rebuild": rebuild}


def _scale(app):
    def collect():
        return {"placement": {f: d.value for f, d in app.matches.items() if d.value}}

    def restore(payload):
        for key, value in payload.get("placement", {}).items():
            if key in app.matches:
                app.matches[key].value = value

    question = rp.Question("scale.placement", collect, restore,
                           lambda p: room_model.validate_scale(p, [r["function"] for r in app.function_rows],
                                                             [r["tier"] for r in app.tier_rows]), (),
                           "Send my placement")
    return (question,), {}


def _trust(app):
    habit = w.Dropdown(options=[(s.name, k) for k, s in trust_model.STRATEGIES.items()], value="tit_for_tat",
                       description="My habit", style={"description_width": "120px"},
                       layout=w.Layout(width="460px")).add_class("pcn-room-habit")

    def collect():
        return {"habit": habit.value, "noise": round(float(app.noise.value), 2)}

    def restore(payload):
        habit.value = payload["habit"]
        app.noise.value = payload["noise"]

    note = w.HTML("<p>Pick the habit you would bring to the network's meetings; the room plays its own "
                  "tournament with the chance of a mistake set on the slider of the noise step.</p>")
    question = rp.Question("trust.habit", collect, restore, room_model.validate_trust, (note, habit), "Send my habit")
    return (question,), {}


def _stories(app, session):
    def collect_draft():
        return {"draft": asdict(app.draft)}

    def restore_draft(payload):
        if any(f.value for f in app.fields.values()):
            return  # never overwrite what is being typed here
        for name, text in payload["draft"].items():
            if name in app.fields:
                app.fields[name].value = text

    choice = w.Dropdown(options=[("Press 'Show the room's stories' first", 0)], value=0, description="The story to tell",
                        style={"description_width": "150px"}, layout=w.Layout(width="620px")).add_class("pcn-room-story")
    refresh = w.Button(description="Show the room's stories", layout=w.Layout(width="260px")).add_class("pcn-room-stories")

    def show(_=None):
        approved = session.approved("stories.draft")
        options = [(room_model.story_title(stories_model.Draft.from_dict(s.payload.get("draft", {}))), s.id)
                   for s in approved]
        choice.options = options or [("No story approved yet", 0)]

    refresh.on_click(show)

    def restore_vote(payload):
        show()
        if payload["story"] in [v for _, v in choice.options]:
            choice.value = payload["story"]

    def check_vote(payload):
        return room_model.validate_stories_vote(payload, [s.id for s in session.approved("stories.draft")])

    draft = rp.Question("stories.draft", collect_draft, restore_draft, room_model.validate_stories_draft, (),
                        "Send my draft")
    vote = rp.Question("stories.vote", lambda: {"story": int(choice.value or 0)}, restore_vote, check_vote,
                       (w.HBox([refresh]), choice), "Send my vote")
    return (draft, vote), {}


# chapter -> (its questions and extras, from the app and the room's session; the roles to choose
# from, from the app; what a role is called; the app's part the panel goes under, "" for the foot)
CHAPTERS = {
    "01_purpose": (lambda app, session: _purpose(app), lambda app: room_model.PCN_GROUPS, "Your PCN group", "nav"),
    "02_autonomy_paradox": (lambda app, session: _autonomy(app), lambda app: tuple(app.base_group.names),
                            "The practice you play", ""),
    "03_scale_choices": (lambda app, session: _scale(app), lambda app: (), "Your role", "feedback"),
    "04_trust": (lambda app, session: _trust(app), lambda app: (), "Your role", "nav"),
    "05_springboard_stories": (_stories, lambda app: (), "Your role", ""),
}
# a chapter with no room questions (session.Session.open turns its page away first)
NO_QUESTIONS = (lambda app, session: ((), {}), lambda app: (), "Your role", "")


def attach(app, chapter: str, code: str | None) -> rp.RoomPanel | None:
    """Put the workshop panel on the app's page when its link names a workshop."""
    if code is None or not isinstance(app, w.Box) or not hasattr(app, "_problems"):
        return None  # no workshop, or the app could not start (its page says why)
    build, roles, role_label, anchor_name = CHAPTERS.get(chapter, NO_QUESTIONS)
    extra: dict = {}

    def questions(session):
        found, more = build(app, session)
        extra.update(more)
        return found

    panel = rp.panel_for(chapter, code, questions, roles(app), role_label)
    if panel is None:
        return None
    if "rebuild" in extra:  # the autonomy paradox: a new scenario has other changes and practices
        def on_scenario(_):
            extra["rebuild"]()
            panel.set_roles(roles(app))
        app.scenario.observe(on_scenario, "value")
    app.room = panel
    kids = list(app.children)
    anchor = getattr(app, anchor_name, None) if anchor_name else None
    place = kids.index(anchor) + 1 if anchor in kids else len(kids)
    app.children = kids[:place] + [panel] + kids[place:]
    return panel
