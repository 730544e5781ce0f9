"""The room's results for the facilitator's views: store rows -> chapter models -> charts -> JSON.

``snapshot(store, code, view)`` is everything one view shows, as plain data: each question's
state and count, and (control view always, projector only once revealed) the room's result run
through the chapter's own model (``models.room``) with its charts as SVG pictures, each with its text
alternative. The projector never carries names or unapproved text; the control view carries
names (the page shows them as text, never as HTML). Snapshots are cached by the store's
revision, so forty polling screens cost one computation per change.
"""

from __future__ import annotations

import base64
import functools
import threading
from collections import OrderedDict

from .. import data
from ..charts import room as room_charts
from ..models import room as room_model
from . import session as ses
from . import store as st

PROJECTOR, CONTROL = "projector", "control"
CACHE_SIZE = 64
_cache: OrderedDict[tuple, dict] = OrderedDict()
_lock = threading.Lock()


def revision_tag(revision: tuple[int, ...], view: str, role: str | None) -> str:
    return "-".join(str(n) for n in revision) + f"/{view}/{role or ''}"


@functools.cache
def _vl_version() -> str:
    import vl_convert

    return vl_convert.get_vegalite_versions()[-1]


def svg_picture(chart) -> str:
    """The chart as an SVG data URL for an ``<img>`` (a picture runs no script, whatever its text)."""
    import vl_convert  # lazy: only the facilitator's views draw pictures

    svg = vl_convert.vegalite_to_svg(chart.to_dict(), vl_version=_vl_version())
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _answers(rows: list[st.Submission]) -> list[room_model.RoomAnswer]:
    return [room_model.RoomAnswer(r.participant_id, r.role, r.payload) for r in rows]


def _draft(payload: dict):
    from ..models import stories

    return stories.Draft.from_dict(payload.get("draft", {}) if isinstance(payload, dict) else {})


def story_item(payload: dict) -> dict:
    """An approved or pending story as plain text: its title, the story as told, its checklist."""
    from ..models import stories

    draft = _draft(payload)
    told = draft.text()
    text = f"The change: {draft.change}" + (f"\n{told}" if told else "") if draft.change.strip() else told
    return {"title": room_model.story_title(draft), "text": text, "note": stories.check(draft).summary()}


def _question_labels() -> dict[str, str]:
    table = data.purpose_questions()
    return dict(zip(table["question"], table["label"]))


def pending_item(question: str, payload: dict) -> dict:
    """Text waiting for the facilitator, as plain text: a title, the text, a note."""
    if question == "purpose.statement":
        from ..models import purpose

        text = payload.get("statement", "") if isinstance(payload, dict) else ""
        item = room_charts.statement_item(purpose.check_statement(text if isinstance(text, str) else ""),
                                          _question_labels())
        return {**item, "title": "Purpose statement", "text": item["title"]}
    return story_item(payload)


def _moderated(rows: list[st.Submission]) -> tuple[list[st.Submission], int]:
    """A moderated question's approved rows (all the room may see) and how many wait for approval."""
    return [r for r in rows if r.status == "approved"], sum(r.status == "pending" for r in rows)


def _result(store: st.Store, workshop: st.Workshop, question: str, rows: list[st.Submission]) -> dict:
    """The room's result for one question: text, a chart picture with its alternative, items."""
    answers = _answers(rows)
    items: list[dict] = []
    shown_text = None
    if question == "purpose.compass":
        result = room_model.purpose_compass_room(answers)
        references = data.purpose_references()
        charts = [(room_charts.purpose_compass_chart(result, references),
                   room_charts.purpose_compass_text(result, references))]
    elif question == "purpose.statement":
        shown, waiting = _moderated(rows)
        result = room_model.purpose_statements_room(_answers(shown))
        labels = _question_labels()
        alt_text = room_charts.purpose_statements_text(result, labels)
        charts = [(room_charts.purpose_statements_chart(result, labels), alt_text)]
        shown_text = f"{alt_text} {waiting} waiting for the facilitator."  # the queue is not in the picture
        items = [{**room_charts.statement_item(s.check, labels), "text": s.pcn or "No PCN group"}
                 for s in result.statements]
    elif question == "purpose.readiness":
        result = room_model.purpose_readiness_room(data.readiness_items(), answers)
        charts = [(room_charts.purpose_readiness_chart(result), room_charts.purpose_readiness_text(result))]
        # under the chart, the findings; every item's split stays in the picture's text alternative
        shown_text = room_charts.purpose_readiness_text(result, every_item=False)
    elif question == "autonomy.votes":
        from ..apps.state import from_query

        state, _ = from_query(workshop.presets.get("02_autonomy_paradox", ""))
        group = data.autonomy_group(state.scenario)
        result = room_model.autonomy_room(group, answers, state.tolerance, rule=state.rule, scenario=state.scenario,
                                          changes=state.changes)
        charts = [(room_charts.autonomy_votes_chart(result), room_charts.autonomy_votes_text(result)),
                  (room_charts.autonomy_regimes_chart(result), room_charts.autonomy_regimes_text(result))]
    elif question == "scale.placement":
        result = room_model.scale_room(data.scale_functions(), data.scale_tiers(), answers)
        charts = [(room_charts.scale_matrix_chart(result), room_charts.scale_matrix_text(result))]
    elif question == "trust.habit":
        result = room_model.trust_room(answers)
        charts = [(room_charts.trust_tournament_chart(result), room_charts.trust_tournament_text(result)),
                  (room_charts.trust_evolution_chart(result), room_charts.trust_evolution_text(result))]
    elif question == "stories.draft":
        shown, waiting = _moderated(rows)
        text = f"{len(shown)} stories approved for the room; {waiting} waiting for the facilitator."
        return {"text": text, "pictures": [], "items": [story_item(r.payload) for r in shown]}
    elif question == "stories.vote":
        drafts = [(r.id, room_model.RoomAnswer(r.participant_id, r.role, r.payload))
                  for r in store.answers(workshop.code, "stories.draft") if r.status == "approved"]
        result = room_model.stories_room(drafts, answers)
        charts = [(room_charts.stories_votes_chart(result), room_charts.stories_votes_text(result))]
    else:
        return {"text": "", "pictures": [], "items": []}
    return {"text": shown_text or "\n".join(dict.fromkeys(text for _, text in charts)),
            "pictures": [{"svg": svg_picture(chart), "alt": text} for chart, text in charts], "items": items}


def snapshot(store: st.Store, code: str, view: str = CONTROL, role: str | None = None,
             revision: tuple[int, ...] | None = None) -> dict:
    """Everything one view shows now, as JSON-ready data (cached per store revision)."""
    revision = store.revision(code) if revision is None else revision
    key = (store.url, code, revision, view, role)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return dict(_cache[key])
    found = _build(store, code, view, role)
    found["revision"] = revision_tag(revision, view, role)
    with _lock:
        _cache[key] = found
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return dict(found)


def _build(store: st.Store, code: str, view: str, role: str | None) -> dict:
    workshop = store.workshop(code)
    role = role if view == CONTROL else None  # the wall sees the whole room
    out: dict = {"workshop": {"code": workshop.code, "title": workshop.title, "closed": workshop.is_closed},
                 "questions": []}
    for chapter, questions in ses.QUESTIONS.items():
        for question in questions:
            state = store.question(code, question)
            rows = store.answers(code, question, role=role)
            if view == PROJECTOR and not rows and not state.revealed:
                continue  # the wall shows only what the room has answered
            item = {"key": question, "label": ses.LABELS[question], "chapter_title": ses.CHAPTER_TITLES[chapter],
                    "open": state.is_open, "revealed": state.revealed, "mode": state.mode, "answers": len(rows),
                    "result": None, "note": ""}
            if view == CONTROL or state.revealed:
                try:
                    item["result"] = _result(store, workshop, question, rows)
                except (ValueError, data.DatasetError) as err:  # a bad preset or dataset: say so, keep going
                    item["note"] = f"The room's result cannot be computed: {err}"
            if view == PROJECTOR and not state.revealed:
                item["note"] = f"{len(rows)} answer(s) so far. Results are hidden until the facilitator reveals them."
            elif view == CONTROL and not state.revealed:
                item["note"] = "Hidden from the projector."
            out["questions"].append(item)
    if view == CONTROL:
        answered = store.submitted_by(code)
        people = store.participants(code)
        out["participants"] = [{"name": p.name, "role": p.role,
                                "answered": sorted(ses.LABELS.get(q, q) for q in answered.get(p.id, ()))}
                               for p in people]
        out["roles"] = sorted({p.role for p in people if p.role})
        out["pending"] = [{"id": r.id, "name": r.name, "question": r.question, **pending_item(r.question, r.payload)}
                          for r in store.pending(code)]
    return out
