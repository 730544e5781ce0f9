"""The facilitator's views as data: what the projector may carry, and what the control view adds."""

from __future__ import annotations

import json

import pytest

from pcn_workbook.workshop import dashboard
from pcn_workbook.workshop import store as st

SECRET_TEXT = "<img src=x onerror=alert(1)> never on the wall before approval"


@pytest.fixture
def room(tmp_path):
    store = st.open_store(f"sqlite:///{tmp_path / 'dash.sqlite3'}")
    code = store.create_workshop("Dashboard room").workshop.code
    people = []
    for i, tier in enumerate(("locality", "locality", "borough")):
        who, secret = store.join(code, None, f"Person {i}", "Practice A" if i else "Practice B")
        store.submit(code, secret, "scale.placement", {"placement": {"back_office": tier}}, f"scale-{i:04d}")
        people.append(secret)
    store.submit(code, people[0], "stories.draft", {"draft": {"change": SECRET_TEXT}}, "draft-0001", moderated=True)
    yield store, code
    store.close()


def wall(store, code) -> str:
    return json.dumps(dashboard.snapshot(store, code, "projector"))


def test_the_projector_shows_counts_but_no_result_before_reveal(room):
    store, code = room
    snap = dashboard.snapshot(store, code, "projector")
    scale = next(q for q in snap["questions"] if q["key"] == "scale.placement")
    assert scale["answers"] == 3 and scale["result"] is None
    assert "hidden" in scale["note"].lower()
    store.set_question(code, "scale.placement", revealed=True)
    scale = next(q for q in dashboard.snapshot(store, code, "projector")["questions"] if q["key"] == "scale.placement")
    assert scale["result"]["pictures"] and "3 answers" in scale["result"]["pictures"][0]["alt"]


def test_the_projector_never_carries_names_or_unapproved_text(room):
    store, code = room
    for question in ("scale.placement", "stories.draft"):
        store.set_question(code, question, revealed=True)
    text = wall(store, code)
    assert "Person" not in text and "never on the wall" not in text
    assert "participants" not in json.loads(text) and "pending" not in json.loads(text)
    [draft] = store.pending(code)
    store.moderate(code, draft.id, "approved")
    assert "never on the wall" in wall(store, code)  # approved: now it may be shown (as text)


def test_the_control_view_lists_people_pending_text_and_splits_by_role(room):
    store, code = room
    snap = dashboard.snapshot(store, code, "control")
    assert sorted(p["name"] for p in snap["participants"]) == ["Person 0", "Person 1", "Person 2"]
    assert snap["roles"] == ["Practice A", "Practice B"]
    assert [p["title"] for p in snap["pending"]][0].startswith("<img")  # raw text: the page uses textContent
    only_a = dashboard.snapshot(store, code, "control", role="Practice A")
    scale = next(q for q in only_a["questions"] if q["key"] == "scale.placement")
    assert scale["answers"] == 2


def test_a_snapshot_changes_with_the_store_revision(room):
    store, code = room
    first = dashboard.snapshot(store, code, "control")
    assert dashboard.snapshot(store, code, "control")["revision"] == first["revision"]
    store.set_question(code, "scale.placement", is_open=False)
    second = dashboard.snapshot(store, code, "control")
    assert second["revision"] != first["revision"]
    assert not next(q for q in second["questions"] if q["key"] == "scale.placement")["open"]


def test_chapter_01_answers_reach_the_wall_as_tags_counts_and_approved_lines(tmp_path):
    store = st.open_store(f"sqlite:///{tmp_path / 'purpose.sqlite3'}")
    code = store.create_workshop("Purpose room").workshop.code
    secrets = []
    for i, (pcn, inward, outward) in enumerate((("PCN A", 9, 1), ("PCN A", 1, 9), ("PCN B", 5, 5))):
        _, secret = store.join(code, None, f"Partner {i}", pcn)
        store.submit(code, secret, "purpose.compass", {"inward": inward, "outward": outward}, f"compass-{i:04d}")
        secrets.append(secret)
    line = "We all aim <img src=x onerror=alert(1)> to keep care local, reviewed every year."
    store.submit(code, secrets[0], "purpose.statement", {"statement": line}, "statement-1", moderated=True)
    for question in ("purpose.compass", "purpose.statement"):
        store.set_question(code, question, revealed=True)

    control = dashboard.snapshot(store, code, "control")
    [waiting] = control["pending"]
    assert (waiting["question"], waiting["text"], waiting["name"]) == ("purpose.statement", line, "Partner 0")
    assert waiting["note"].startswith("Meets 3 of 3")
    text = wall(store, code)
    assert "Partner" not in text and "onerror" not in text  # no names, nothing unapproved
    snap = json.loads(text)
    compass = next(q for q in snap["questions"] if q["key"] == "purpose.compass")
    assert "A1 and A2 furthest apart" in compass["result"]["text"] and compass["result"]["pictures"]
    statements = next(q for q in snap["questions"] if q["key"] == "purpose.statement")
    assert statements["result"]["items"] == [] and "1 waiting for the facilitator" in statements["result"]["text"]
    assert "waiting" not in statements["result"]["pictures"][0]["alt"]  # the picture's words say what it shows

    store.moderate(code, waiting["id"], "approved")
    statements = next(q for q in dashboard.snapshot(store, code, "projector")["questions"]
                      if q["key"] == "purpose.statement")
    [item] = statements["result"]["items"]
    assert item["title"] == line and item["text"] == "PCN A"  # plain text: the page puts it in textContent
    store.close()
