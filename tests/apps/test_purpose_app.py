"""Drive the what-is-a-PCN-for app through its widgets and check what changes; its link state."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from pcn_workbook import data
from pcn_workbook.apps import purpose as app_module
from pcn_workbook.apps.purpose_text import HOOK_ANSWER, HOOK_CHOICES, STEPS
from pcn_workbook.apps.state import MAX_QUERY, PURPOSE_STEPS, PurposeState, purpose_from_query
from pcn_workbook.models import purpose as pm

ROOT = Path(__file__).resolve().parents[2]


def build(query=""):
    return app_module.build(query)


def test_opens_on_the_hook_and_steps_forward_and_back():
    app = build()
    assert app.step.value == "hook" and app.back.disabled and not app.next.disabled
    assert "What is a Primary Care Network" in app.step_text.value
    assert app.charts == {}  # no chart before its step is shown
    for _ in STEPS:
        app.next.click()
    assert app.step.value == "summary" and app.next.disabled
    app.back.click()
    assert app.step.value == STEPS[-2][0]
    assert tuple(k for k, _ in STEPS) == PURPOSE_STEPS  # the link's steps are the app's


@pytest.mark.parametrize("choice", [k for _, k in HOOK_CHOICES])
def test_the_hook_prediction_is_judged_on_the_compass_step(choice):
    app = build()
    index = [k for _, k in HOOK_CHOICES].index(choice)
    app.guess_buttons[index].click()
    assert "You predicted" in app.guess_note.value and app.guess_buttons[index].button_style == "info"
    app.next.click()
    assert app.step.value == "compass"
    verdict = "You were right." if choice == HOOK_ANSWER else "Not quite."
    assert verdict in app.narrative.value


def test_compass_sliders_move_your_pcn_and_the_reading():
    app = build("?step=compass&inward=8&outward=2")
    chart = app.charts["compass"]
    (yours,) = chart.spec["datasets"]["placements"]
    assert (yours["inward"], yours["outward"], yours["focus"]) == (8, 2, True)
    labels = {r["label"] for r in chart.spec["datasets"]["references"]}
    assert set(data.purpose_references()["label"]) == labels and "City and Hackney" in labels
    assert pm.reading(8, 2) in app.narrative.value and pm.reading(8, 2) in chart.spec["description"]
    app.outward.value = 9
    app.inward.value = 2
    assert app.charts["compass"] is chart  # the same chart, changed in place
    (yours,) = chart.spec["datasets"]["placements"]
    assert (yours["inward"], yours["outward"]) == (2, 9)
    assert pm.reading(2, 9) in app.narrative.value and "inward 2, outward 9" in chart.spec["description"]
    assert "inward=2&amp;outward=9" in app.share_link.value


def test_the_nearest_reference_is_worked_out_from_the_dataset():
    app = build("?step=compass&inward=0&outward=10")
    refs = data.purpose_references()
    dist = ((refs.inward - 0) ** 2 + (refs.outward - 10) ** 2) ** 0.5  # by hand
    nearest = refs.label[dist.idxmin()]
    assert f"<b>{nearest}</b>, {dist.min():.1f} points away" in app.narrative.value


def test_statement_checks_follow_what_is_typed():
    app = build("?step=statement")
    assert "Write your statement" in app.narrative.value
    app.statement.value = "We will work together."
    first = app.last_statement
    assert [c.met for c in first.checks] == [c.met for c in pm.check_statement("We will work together.").checks]
    assert f"{first.met} of 3" in app.narrative.value
    app.statement.value = ("All five practices will work together to keep care close to home, "
                           "reviewed every quarter.")
    assert app.last_statement.met == 3 and app.narrative.value.count("<b>Met</b>") == 3
    app.statement.value = "Care."
    assert "Too short to check" in app.narrative.value


def test_typed_html_is_escaped_everywhere_it_is_shown():
    app = build("?step=statement")
    app.statement.value = "<script>alert(1)</script> we all aim to <b>review</b> it each year"
    assert "<script>" not in app.narrative.value and "&lt;script&gt;" in app.narrative.value
    assert "<b>review</b>" not in app.narrative.value
    app.step.value = "summary"
    assert "<script>" not in app.narrative.value and "&lt;script&gt;" in app.narrative.value
    assert "script" not in app.share_link.value  # nothing typed goes into the link


def test_the_widget_keeps_a_statement_to_one_line_and_the_model_checks_it_too():
    app = build("?step=statement")
    app.statement.value = "we aim to " + "x" * 400
    assert len(app.statement.value) == pm.MAX_CHARS
    assert f"first {pm.MAX_CHARS} characters" in app.message.value
    assert pm.check_statement("we aim to " + "x" * 400).error.startswith("Too long")  # the model, on its own


def test_readiness_shows_the_demo_network_and_adds_you_once_every_item_is_scored():
    app = build("?step=readiness")
    demo = data.readiness_demo_scores()
    rows = app.charts["readiness"].spec["datasets"]["scores"]
    assert {r["practice"] for r in rows} == set(demo)
    assert "Illustrative" in app.narrative.value and "pace of the slowest" in app.narrative.value
    summary = pm.summarise_readiness(demo, list(data.readiness_items()["item"]))
    assert f"{summary.pace_of_slowest:.2f}" in app.narrative.value
    items = list(app.you)
    app.you[items[0]].value = "2"
    assert "You" not in {r["practice"] for r in app.charts["readiness"].spec["datasets"]["scores"]}
    assert f"1 of {len(items)} items" in app.narrative.value
    for item in items:
        app.you[item].value = "1"
    rows = app.charts["readiness"].spec["datasets"]["scores"]
    assert {r["practice"] for r in rows} == set(demo) | {"You"}
    assert app.last_readiness.pace_of_slowest == 1.0  # all ones: the network waits for you everywhere
    assert "You" in app.charts["readiness"].spec["description"]
    assert f"on {len(items)} of {len(items)} items" in app.narrative.value
    app.clear_you.click()
    assert "You" not in {r["practice"] for r in app.charts["readiness"].spec["datasets"]["scores"]}


def test_the_reasons_sort_gives_feedback_from_the_model():
    app = build("?step=reasons")
    assert "Nothing sorted yet" in app.narrative.value
    cards = {c.reason: c for c in data.purpose_reason_cards()}
    assert set(app.sort) == set(cards)
    wrong = "sound" if cards["make_money"].verdict == "unsound" else "unsound"
    app.sort["make_money"].value = wrong
    app.sort["resilience"].value = cards["resilience"].verdict
    result = app.last_sort
    assert (result.correct, result.sorted) == (1, 2)
    assert "Not quite" in app.narrative.value and "Right" in app.narrative.value
    assert "<b>1 of 2</b>" in app.narrative.value
    for key, card in cards.items():
        app.sort[key].value = card.verdict
    assert app.last_sort.complete and app.last_sort.correct == len(cards) and "All sorted" in app.narrative.value


def test_summary_brings_the_steps_together():
    app = build("?step=summary&inward=3&outward=8")
    assert "compass" in app.charts and pm.reading(3, 8) in app.narrative.value
    assert "not written yet" in app.narrative.value and "0 of 16 items scored" in app.narrative.value


def test_bad_link_gets_messages_and_defaults():
    app = build("?step=nowhere&inward=11&outward=half&colour=red&statement=hello")
    text = app.message.value
    for word in ("nowhere", "inward", "half", "colour", "statement"):
        assert word in text
    assert app.step.value == "hook" and (app.inward.value, app.outward.value) == (5, 5)
    assert app.statement.value == ""  # a link never types for the learner


def test_a_workshop_link_keeps_the_step_and_an_unknown_code_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("PCN_WORKBOOK_DB", f"sqlite:///{tmp_path / 'room.sqlite3'}")
    app = build("?step=compass&workshop=ABCD-1234")
    assert app.step.value == "compass"
    assert "No workshop has that code" in app.room.children[0].value
    assert app.inward.value == 5  # the chapter still works on its own


def test_state_round_trips_through_the_share_link():
    app = build("?step=readiness&inward=0&outward=10")
    state, problems = purpose_from_query(app.state.to_query())
    assert problems == [] and state == app.state == PurposeState("readiness", 0, 10)


def test_default_state_has_an_empty_link():
    assert PurposeState().to_query() == ""


@settings(max_examples=100, deadline=None)
@given(st.builds(PurposeState, step=st.sampled_from(PURPOSE_STEPS), inward=st.integers(0, 10),
                 outward=st.integers(0, 10)))
def test_every_purpose_state_round_trips(state):
    assert purpose_from_query(state.to_query()) == (state, [])


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses_as_a_purpose_link_without_raising(text):
    state, problems = purpose_from_query(text)
    assert isinstance(state, PurposeState) and all(isinstance(p, str) for p in problems)
    assert 0 <= state.inward <= 10 and 0 <= state.outward <= 10 and state.step in PURPOSE_STEPS


def test_overlong_links_are_cut_with_a_message():
    state, problems = purpose_from_query("inward=2&" + "x" * (MAX_QUERY + 10))
    assert state.inward == 2 and any("longer than" in p for p in problems)


def test_the_chapter_is_the_first_card_in_the_gallery():
    from pcn_workbook.voila_template.gallery import gallery_cards

    cards = gallery_cards(ROOT / "notebooks")
    assert (cards[0].path, cards[0].title) == ("01_purpose.ipynb", "What is a PCN for?")
