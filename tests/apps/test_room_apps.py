"""The workshop panel inside the chapter apps: set widget values as a participant would (any
value, including ones the page would never send), press send, and check the shared store."""

from __future__ import annotations

import pytest

from pcn_workbook.apps import autonomy, purpose, scale, stories, trust
from pcn_workbook.workshop import session as ses
from pcn_workbook.workshop import store as st


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'room.sqlite3'}"
    monkeypatch.setenv(st.DB_ENV, url)
    store = st.open_store(url)
    yield store
    store.close()


@pytest.fixture
def code(db):
    return db.create_workshop("Test room").workshop.code


@pytest.fixture(autouse=True)
def no_wait(monkeypatch):
    monkeypatch.setattr(ses, "MIN_SECONDS_BETWEEN_SENDS", 0.0)


def test_without_a_workshop_the_app_has_no_panel(db):
    app = scale.build("")
    assert not hasattr(app, "room")


def test_an_unknown_code_says_so_and_the_app_still_works(db):
    app = scale.build("workshop=ZZZZZZ")
    assert "No workshop has that code" in app.room.children[0].value
    assert app.matches  # the exercise is still there


def test_scale_placement_lands_in_the_store_and_comes_back_after_a_reload(db, code):
    app = scale.build(f"workshop={code}&area=")
    app.room.name.value = "Dr Okafor"
    app.matches["back_office"].value = "borough"
    app.matches["community_assets"].value = "community"
    app.room.buttons["scale.placement"].click()
    assert "Sent at" in app.room.status["scale.placement"].value
    rows = db.answers(code, "scale.placement")
    assert [r.payload for r in rows] == [{"placement": {"back_office": "borough", "community_assets": "community"}}]
    assert rows[0].name == "Dr Okafor"
    secret = app.room.browser.value
    assert secret  # kept in the browser for the next page

    again = scale.build(f"workshop={code}")  # a reload: a new kernel, the browser hands the id back
    again.room.browser.value = secret
    again.room.browser.restored = True
    assert again.room.name.value == "Dr Okafor"
    assert again.matches["back_office"].value == "borough"
    assert "back on screen" in again.room.status["scale.placement"].value


def test_a_forged_name_is_refused_with_a_message_and_nothing_is_saved(db, code):
    app = scale.build(f"workshop={code}")
    app.room.name.value = "x" * 200_000  # a participant can set any synced value
    app.matches["back_office"].value = "locality"
    app.room.buttons["scale.placement"].click()
    assert "Not sent" in app.room.status["scale.placement"].value
    assert db.answers(code, "scale.placement") == []
    assert app.matches["back_office"].value == "locality"  # the answer stays on screen


def test_a_closed_question_is_refused_and_the_answer_stays(db, code):
    db.set_question(code, "scale.placement", is_open=False)
    app = scale.build(f"workshop={code}")
    app.room.name.value = "Sam"
    app.matches["representation"].value = "borough"
    app.room.buttons["scale.placement"].click()
    assert "closed" in app.room.status["scale.placement"].value.lower()
    assert db.answers(code, "scale.placement") == []
    assert app.matches["representation"].value == "borough"


def test_an_unreachable_store_offers_a_retry_that_adds_one_row(db, code, monkeypatch):
    app = scale.build(f"workshop={code}")
    app.room.name.value = "Lee"
    app.matches["back_office"].value = "locality"
    real_submit = db.submit
    calls = []

    def flaky(*args, **kwargs):
        calls.append(kwargs.get("uid") or args[4])
        if len(calls) == 1:
            real_submit(*args, **kwargs)  # the row lands but the answer is lost on the way back
            raise st.StoreUnavailable("The workshop store did not answer.")
        return real_submit(*args, **kwargs)

    monkeypatch.setattr(app.room.session.store, "submit", flaky)
    app.room.buttons["scale.placement"].click()
    assert "Not sent" in app.room.status["scale.placement"].value
    assert app.room.buttons["scale.placement"].description == "Try again"
    app.room.buttons["scale.placement"].click()
    assert "Sent at" in app.room.status["scale.placement"].value
    assert calls[0] == calls[1]  # the retry reuses the first attempt's id...
    assert len(db.export_rows(code)) == 1  # ...so the store holds the answer once


def test_autonomy_votes_carry_the_practice_played(db, code):
    app = autonomy.build(f"workshop={code}")
    names = list(app.base_group.names)
    assert [v for _, v in app.room.role.options][1:] == names
    app.room.name.value = "Partner A"
    app.room.role.value = names[0]
    changes = [c.key for c in app.base_group.changes]
    votes = app.room.questions["autonomy.votes"].widgets[0].children[1:]
    votes[0].value = "no"
    votes[1].value = "yes"
    app.room.buttons["autonomy.votes"].click()
    row = db.answers(code, "autonomy.votes")[0]
    assert row.role == names[0]
    assert row.payload["votes"] == {changes[0]: "no", changes[1]: "yes"}


def test_autonomy_votes_need_the_practice_played(db, code):
    app = autonomy.build(f"workshop={code}")
    app.room.name.value = "Partner B"
    votes = app.room.questions["autonomy.votes"].widgets[0].children[1:]
    votes[0].value = "yes"
    app.room.buttons["autonomy.votes"].click()  # no practice chosen
    assert "choose the practice you play" in app.room.status["autonomy.votes"].value.lower()
    assert db.answers(code, "autonomy.votes") == []
    assert db.answers(code, "autonomy.votes") == []


def test_trust_habit_and_mistake_rate(db, code):
    app = trust.build(f"workshop={code}")
    app.room.name.value = "CD North"
    habit = app.room.questions["trust.habit"].widgets[1]
    habit.value = "grudger"
    app.noise.value = 0.1
    app.room.buttons["trust.habit"].click()
    assert db.answers(code, "trust.habit")[0].payload == {"habit": "grudger", "noise": 0.1}


def test_story_drafts_wait_for_moderation_and_votes_see_only_approved_ones(db, code):
    writer = stories.build(f"workshop={code}")
    writer.room.name.value = "Writer"
    writer.fields["change"].value = "<script>alert(1)</script> a shared physiotherapist"
    writer.room.buttons["stories.draft"].click()
    assert "reads it before" in writer.room.status["stories.draft"].value
    [row] = db.pending(code)
    assert row.payload["draft"]["change"].startswith("<script>")

    voter = stories.build(f"workshop={code}")
    voter.room.name.value = "Voter"
    show = voter.room.questions["stories.vote"].widgets[0].children[0]
    choice = voter.room.questions["stories.vote"].widgets[1]
    show.click()
    assert [v for _, v in choice.options] == [0]  # nothing approved yet: nothing of it is shown
    db.moderate(code, row.id, "approved")
    show.click()
    assert [v for _, v in choice.options] == [row.id]
    voter.room.buttons["stories.vote"].click()
    assert db.answers(code, "stories.vote")[0].payload == {"story": row.id}

    choice.options = [("forged", 99999)]  # a vote for a story that was never approved
    choice.value = 99999
    voter.room.buttons["stories.vote"].click()
    assert "Not sent" in voter.room.status["stories.vote"].value


# --- chapter 01: what is a PCN for? ----------------------------------------------------------------

def test_purpose_answers_need_a_pcn_group_and_carry_it(db, code):
    app = purpose.build(f"workshop={code}")
    assert [v for _, v in app.room.role.options][1:] == [f"PCN {c}" for c in "ABCDEFGH"]
    app.room.name.value = "Dr Shah"
    app.inward.value, app.outward.value = 8, 3
    app.room.buttons["purpose.compass"].click()
    assert "choose your PCN group first" in app.room.status["purpose.compass"].value
    assert db.answers(code, "purpose.compass") == []
    app.room.role.value = "PCN B"
    assert "inward <b>8</b>, outward <b>3</b>" in app.room.questions["purpose.compass"].widgets[0].value
    app.room.buttons["purpose.compass"].click()
    [row] = db.answers(code, "purpose.compass")
    assert (row.payload, row.role, row.name) == ({"inward": 8, "outward": 3}, "PCN B", "Dr Shah")


def test_a_placement_off_the_compass_is_refused_and_nothing_is_saved(db, code):
    app = purpose.build(f"workshop={code}")
    app.room.name.value = "Dr Shah"
    app.room.role.value = "PCN A"
    app.room.questions["purpose.compass"].collect = lambda: {"inward": 40, "outward": 3}  # past the slider's limit
    app.room.buttons["purpose.compass"].click()
    assert "Not sent: the inward score must be a whole number from 0 to 10" in app.room.status["purpose.compass"].value
    assert db.answers(code, "purpose.compass") == []
    assert app.inward.value == 5  # the page's own placement is untouched


def test_a_purpose_statement_waits_for_the_facilitator_and_comes_back(db, code):
    app = purpose.build(f"workshop={code}")
    app.room.name.value = "Dr Shah"
    app.room.role.value = "PCN A"
    app.room.buttons["purpose.statement"].click()
    assert "Not sent: the statement is empty" in app.room.status["purpose.statement"].value
    app.statement.value = "<b>We</b> all aim to keep our practices open,\nreviewed every year."
    app.room.buttons["purpose.statement"].click()
    assert "reads it before" in app.room.status["purpose.statement"].value
    [row] = db.pending(code)
    assert row.payload == {"statement": "<b>We</b> all aim to keep our practices open, reviewed every year."}
    assert "&lt;b&gt;We&lt;/b&gt;" in app.room.questions["purpose.statement"].widgets[0].value  # escaped on the page

    again = purpose.build(f"workshop={code}")
    again.room.browser.value = app.room.browser.value
    again.room.browser.restored = True
    assert again.statement.value == row.payload["statement"]
    assert again.room.role.value == "PCN A"


def test_readiness_is_sent_only_when_every_item_is_scored(db, code):
    app = purpose.build(f"workshop={code}")
    app.room.name.value = "Practice manager"
    app.room.role.value = "PCN C"
    items = list(app.you)
    for item in items[:-1]:
        app.you[item].value = "3"
    app.room.buttons["purpose.readiness"].click()
    assert f"1 of {len(items)} still to score" in app.room.status["purpose.readiness"].value
    assert f"{len(items) - 1} of {len(items)} items scored" in app.room.questions["purpose.readiness"].widgets[0].value
    assert db.answers(code, "purpose.readiness") == []
    app.you[items[-1]].value = "1"
    app.room.buttons["purpose.readiness"].click()
    [row] = db.answers(code, "purpose.readiness")
    assert row.payload["scores"] == {**dict.fromkeys(items[:-1], 3), items[-1]: 1}

    again = purpose.build(f"workshop={code}")
    again.room.browser.value = app.room.browser.value
    again.room.browser.restored = True
    assert again.you[items[-1]].value == "1" and again.you[items[0]].value == "3"
