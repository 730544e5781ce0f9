"""The workshop panel inside the chapter apps: set widget values as a participant would (any
value, including ones the page would never send), press send, and check the shared store."""

from __future__ import annotations

import pytest

from pcn_workbook.apps import autonomy, scale, stories, trust
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
