"""A participant's side of a workshop, run in their own kernel: join, send an answer, restore it.

No widgets here (``apps/room_panel.py`` draws them); every method returns plain outcomes with a
sentence for the page, never raises for the room's own mistakes. The store is the only thing the
room's kernels share (``workshop/store.py``).

What the participant controls (they can set any widget value): the join code from the link, their
name, role and answer, and the browser-held participant secret. All of it is checked here or in
the store; the secret only ever names its own participant (128 random bits; the store keeps a hash).
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field

from . import store as st

# What each chapter's page sends to the room: question ids (chapter.topic), free text moderated.
QUESTIONS: dict[str, tuple[str, ...]] = {
    "01_purpose": ("purpose.compass", "purpose.statement", "purpose.readiness"),
    "02_autonomy_paradox": ("autonomy.votes",),
    "03_scale_choices": ("scale.placement",),
    "04_trust": ("trust.habit",),
    "05_springboard_stories": ("stories.draft", "stories.vote"),
}
CHAPTER_TITLES = {
    "01_purpose": "What is a PCN for?",
    "02_autonomy_paradox": "The autonomy paradox",
    "03_scale_choices": "What scale for what work?",
    "04_trust": "Trust between leaders",
    "04b_deciding_together": "Deciding together",  # no room question yet, so not on the join page
    "05_springboard_stories": "Springboard stories",
}
CHAPTER_OF = {q: chapter for chapter, qs in QUESTIONS.items() for q in qs}
MODERATED = frozenset({"purpose.statement", "stories.draft"})  # nothing typed reaches the projector before approval
LABELS = {
    "purpose.compass": "Your PCN on the purpose compass",
    "purpose.statement": "Your PCN's purpose in one line",
    "purpose.readiness": "Your practice's readiness scores",
    "autonomy.votes": "Your practice's votes",
    "scale.placement": "Your placement of the functions",
    "trust.habit": "Your habit as a clinical director",
    "stories.draft": "Your story draft",
    "stories.vote": "Your vote for the story to tell",
}
MIN_SECONDS_BETWEEN_SENDS = 2.0  # a double click, or a script setting the button, sends once


@dataclass(frozen=True)
class Sent:
    """What a send came to: ``ok`` and the acknowledged row, or a message and whether to retry."""

    ok: bool
    message: str
    submission: st.Submission | None = None
    retry: bool = False


@dataclass
class Session:
    """One page's link to one workshop."""

    code: str
    chapter: str
    store: st.Store
    workshop: st.Workshop
    secret: str | None = None
    participant: st.Participant | None = None
    clock: object = time.monotonic
    _pending: dict[str, tuple[str, str]] = field(default_factory=dict)  # question -> (payload json, uid)
    _last_send: float = float("-inf")

    @classmethod
    def open(cls, code: str, chapter: str, store: st.Store | None = None) -> tuple[Session | None, str]:
        """A session, or None and the reason (unknown or closed workshop, store unreachable)."""
        if chapter not in QUESTIONS:
            return None, "This page does not take part in workshops."
        try:
            store = store or st.open_store()
            code = st.normalise_code(code)
            workshop = store.workshop(code)
        except st.NotFound:
            return None, "No workshop has that code. Check the join link, or ask the facilitator for the code."
        except st.StoreError as err:
            return None, str(err)
        if workshop.is_closed:
            return None, f"The workshop '{workshop.title}' has closed: the app still works on its own."
        return cls(code, chapter, store, workshop), ""

    @property
    def questions(self) -> tuple[str, ...]:
        return QUESTIONS[self.chapter]

    def restore(self, secret: str) -> dict[str, st.Submission]:
        """Who this browser was, and their last answer to each of the page's questions."""
        if not secret:
            return {}
        try:
            found = self.store.participant(self.code, secret)
            if found is None:
                return {}
            self.secret, self.participant = secret, found
            last = {q: self.store.last_submission(self.code, secret, q) for q in self.questions}
        except st.StoreError:
            return {}  # nothing to restore is never an error: the page works as new
        return {q: s for q, s in last.items() if s is not None}

    def approved(self, question: str) -> list[st.Submission]:
        """The room's approved free text for a question (all a participant may see of others)."""
        try:
            return [s for s in self.store.answers(self.code, question) if s.status == "approved"]
        except st.StoreError:
            return []

    def send(self, question: str, payload: dict, name: str, role: str = "") -> Sent:
        """Join (or update name and role), then append the answer; one sentence either way.

        A failed send keeps its id: sending the same answer again cannot add a second row."""
        if question not in self.questions:
            return Sent(False, "This page cannot answer that question.")
        now = self.clock()
        if now - self._last_send < MIN_SECONDS_BETWEEN_SENDS:
            return Sent(False, "Sent a moment ago: wait two seconds before sending again.", retry=True)
        self._last_send = now
        body = json.dumps(payload, sort_keys=True, default=str)
        held = self._pending.get(question)
        uid = held[1] if held and held[0] == body else uuid.uuid4().hex
        self._pending[question] = (body, uid)
        try:
            self.participant, self.secret = self.store.join(self.code, self.secret, name, role)
            row = self.store.submit(self.code, self.secret, question, payload, uid,
                                    moderated=question in MODERATED)
        except st.Refused as err:
            self._pending.pop(question, None)  # this answer can never be taken: no retry of it
            return Sent(False, f"Not sent: {err}")
        except st.Closed as err:
            return Sent(False, f"Not sent: {err}")
        except st.StoreError as err:
            return Sent(False, f"Not sent: {err} Your answer is still on screen; press send to try again.", retry=True)
        self._pending.pop(question, None)
        when = row.created_at.astimezone().strftime("%H:%M:%S")
        note = " The facilitator reads it before the room sees it." if question in MODERATED else ""
        try:
            first_only = self.store.question(self.code, question).mode == "first"
        except st.StoreError:
            first_only = False  # the answer is saved; only this courtesy line is unsure
        again = (" Only your first answer counts for this question." if first_only
                 else " You can change it and send again.")
        return Sent(True, f"Sent at {when}.{note}{again}", row)
