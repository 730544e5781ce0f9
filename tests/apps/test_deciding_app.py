"""Drive the deciding-together app through its widgets and check what changes; its link state."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from pcn_workbook.apps import deciding as app_module
from pcn_workbook.apps.deciding_text import STEPS
from pcn_workbook.apps.state import (DECIDING_LIMITS, MAX_QUERY, DecidingState, TrustState, deciding_from_query,
                                     trust_from_query)
from pcn_workbook.models import representation as rep
from pcn_workbook.models import trust


def build(query=""):
    return app_module.build(query)


def test_opens_on_the_hook_and_steps_forward_and_back():
    app = build()
    assert app.step.value == "hook" and app.back.disabled and not app.next.disabled
    assert "Local General Practice Inc" in app.step_text.value
    for _ in STEPS:
        app.next.click()
    assert app.step.value == "sandbox" and app.next.disabled
    app.back.click()
    assert app.step.value == STEPS[-2][0]


def test_the_hook_prediction_is_judged_on_the_vote_step():
    app = build()
    app.guess_buttons[0].click()  # "the vote"
    assert "You predicted" in app.guess_note.value and app.guess_buttons[0].button_style == "info"
    app.next.click()
    assert app.step.value == "decisions"
    assert "You predicted <b>The vote: twice as many decisions</b>. Not this time." in app.narrative.value


def test_decisions_horizon_follows_meetings():
    app = build("?step=decisions&meetings=10")
    rows = app.charts["decisions"].spec["datasets"]["decisions"]
    assert max(r["meeting"] for r in rows) == 10
    app.meetings.value = 30
    rows = app.charts["decisions"].spec["datasets"]["decisions"]
    assert max(r["meeting"] for r in rows) == 30
    assert "After 30 meetings" in app.narrative.value and "meetings=30" in app.share_link.value


def test_more_patience_lost_per_defeat_sends_more_practices_rogue():
    app = build("?step=decisions&rogue_step=0")
    # the first loss still costs the model's 5% chance, so a few go even at 0; at 50% per defeat, more
    few = app.last_decisions[app.meetings.value - 1]["rogue"]
    app.rogue_step.value = 0.5
    assert app.last_decisions[app.meetings.value - 1]["rogue"] > few


@pytest.mark.parametrize("p_yes, pcns", [(0.3, 6), (0.1, 10), (0.5, 1)])
def test_access_step_reports_the_chance_of_a_yes(p_yes, pcns):
    app = build(f"?step=access&p_yes={p_yes}&pcns={pcns}")
    shopping = 1 - (1 - p_yes) ** pcns  # worked independently of the model
    assert f"<b>{shopping:.0%}</b>" in app.narrative.value
    assert len(app.charts["access"].spec["datasets"]["asks"]) == pcns


def test_pcns_that_answer_directly_weaken_the_door():
    app = build("?step=access&p_yes=0.3&pcns=6")
    assert app.committed.value == 6 and app.last_access.gatekeeper_yes == pytest.approx(0.3)
    app.committed.value = 4
    assert app.last_access.gatekeeper_yes == pytest.approx(1 - 0.7 * 0.7 ** 2)  # by hand
    assert "4 of the 6 PCNs" in app.narrative.value and "committed=4" in app.share_link.value
    app.pcns.value = 3  # fewer PCNs than said they use the door: capped
    assert app.committed.max == 3 and app.committed.value == 3
    app.pcns.value = 8  # "all of them" stays all of them
    assert app.committed.value == 8 and "committed" not in app.share_link.value


def test_representation_step_compares_three_ways_and_changes_with_the_controls():
    app = build("?step=representation")
    ways = {r["way"] for r in app.charts["representation"].spec["datasets"]["representation"]}
    assert ways == {"Your way", "Gowland's advice", "Whoever volunteers"}
    assert "the same as Whoever volunteers" in app.narrative.value
    before = app.last_outcomes
    assert before["view"] > 0  # unbriefed: some meetings carry only a personal view
    app.briefed.value = True
    assert app.last_outcomes["view"] == 0
    assert "briefed=1" in app.share_link.value
    app.mandate.value = "rigid"
    assert app.last_outcomes["overstep"] == 0 and app.last_outcomes["outside"] > 0
    assert "mandate=rigid" in app.share_link.value


def test_presets_load_a_way_of_working_in_one_refresh():
    app = build("?step=representation")
    app.advice.click()
    assert (app.people.value, app.briefed.value, app.mandate.value, app.report.value, app.admin.value) == (
        2, True, "review", True, True)
    assert "the same as Gowland's advice" in app.narrative.value
    end = {r["way"]: r for r in app.last_representation if r["meeting"] == app_module.REP_MEETINGS}
    assert end["yours"]["total"] == end["advice"]["total"]
    app.volunteers.click()
    assert app.state == DecidingState(step="representation")


def test_sandbox_draws_all_three_models():
    app = build("?step=sandbox&spread=0")
    assert set(app.charts) == {"decisions", "access", "representation"}
    # no spread: every practice values a proposal alike, so a vote never makes a loser
    assert app.last_decisions[app.meetings.value - 1]["rogue"] == 0


def test_old_trust_links_open_the_same_step_with_the_same_settings():
    old = "step=decisions&practices=12&meetings=30&rogue_step=0.2&consensus_meetings=3&seed=7"
    app = build("?" + old + "&noise=0.1&a=grudger&mix_grudger=4&rounds=6")
    assert app.message.value == ""  # the trust game's own settings are not ours, and not an error
    assert (app.step.value, app.practices.value, app.meetings.value, app.rogue_step.value,
            app.consensus_meetings.value, app.seed) == ("decisions", 12, 30, 0.2, 3, 7)
    app = build("?step=access&p_yes=0.45&pcns=9")
    assert (app.step.value, app.p_yes.value, app.pcns.value) == ("access", 0.45, 9)


def test_every_setting_the_old_steps_used_is_read_here_with_the_same_bounds():
    used = ("practices", "meetings", "rogue_step", "consensus_meetings", "p_yes", "pcns", "seed")
    for name in used:
        assert name in DECIDING_LIMITS
    assert DECIDING_LIMITS["practices"] == (int, 3, 30) and DECIDING_LIMITS["pcns"] == (int, 1, 20)
    assert DecidingState().meetings == 48 and DecidingState().p_yes == 0.3  # the old defaults


def test_bad_link_gets_messages_and_defaults():
    app = build("?step=nowhere&practices=99&mandate=anarchy&briefed=maybe&colour=red&committed=15&pcns=6")
    text = app.message.value
    for word in ("nowhere", "practices", "anarchy", "maybe", "colour", "committed"):
        assert word in text
    assert app.step.value == "hook" and app.practices.value == 8 and app.committed.value == 6


def test_a_workshop_link_says_the_chapter_has_no_room_question():
    app = build("?step=access&workshop=ABCD-1234")
    assert "does not take part in workshops" in app.room.children[0].value
    assert app.step.value == "access"


def test_state_round_trips_through_the_share_link():
    app = build("?step=representation&people=3&briefed=1&mandate=review&admin=1&committed=2&pcns=5&spread=1.5")
    state, problems = deciding_from_query(app.state.to_query())
    assert problems == [] and state == app.state


def test_default_state_has_an_empty_link():
    assert DecidingState().to_query() == ""


deciding_states = st.builds(
    DecidingState,
    step=st.sampled_from([k for k, _ in STEPS]),
    practices=st.integers(3, 30), meetings=st.integers(4, 100),
    rogue_step=st.integers(0, 50).map(lambda q: q / 100), consensus_meetings=st.integers(1, 4),
    spread=st.integers(0, 20).map(lambda q: q / 4), p_yes=st.integers(0, 20).map(lambda q: q / 20),
    pcns=st.integers(1, 20), committed=st.none() | st.integers(0, 20),
    people=st.integers(1, 12), briefed=st.booleans(), mandate=st.sampled_from(list(rep.MANDATES)),
    report=st.booleans(), admin=st.booleans(), seed=st.integers(0, 10_000),
).filter(lambda s: s.committed is None or s.committed <= s.pcns)


@settings(max_examples=150, deadline=None)
@given(deciding_states)
def test_every_deciding_state_round_trips(state):
    again, problems = deciding_from_query(state.to_query())
    assert problems == [] and again == state


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses_as_a_deciding_link_without_raising(text):
    state, problems = deciding_from_query(text)
    assert isinstance(state, DecidingState) and all(isinstance(p, str) for p in problems)
    assert state.committed is None or state.committed <= state.pcns


def test_overlong_links_are_cut_with_a_message():
    state, problems = deciding_from_query("people=2&" + "x" * (MAX_QUERY + 10))
    assert state.people == 2 and any("longer than" in p for p in problems)


def test_a_trust_state_link_never_warns_here():
    """Whatever the trust app writes in its share link is read quietly by this app."""
    state = TrustState(step="noise", a="grudger", rounds=6, noise=0.1, mix=(("grudger", 4),), effort=0.3,
                       links=2, link_noise=0.1, cost=1.0)
    again, problems = deciding_from_query(state.to_query())
    assert again == DecidingState()
    assert len(problems) == 1 and problems[0].startswith("Ignored step 'noise'")  # a trust step is not ours
    assert trust_from_query(state.to_query(), tuple(trust.STRATEGIES)) == (state, [])
