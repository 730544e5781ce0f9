"""Drive the trust app through its widgets and check what changes."""

import pytest

from pcn_workbook.apps import trust as app_module
from pcn_workbook.apps.state import TrustState, trust_from_query
from pcn_workbook.apps.trust_text import STEPS
from pcn_workbook.models import trust


def build(query=""):
    return app_module.build(query)


def predicted(app, name):
    """Skip the step's one-click prediction, so its chart is shown."""
    app.predictions[name].skip.click()
    return app


def test_opens_on_the_hook_and_steps_forward_and_back():
    app = build()
    assert app.step.value == "hook" and app.back.disabled and not app.next.disabled
    assert "trust" in app.step_text.value
    app.next.click()
    assert app.step.value == "strategies"
    assert any("<table" in getattr(c, "value", "") for c in app.body.children)
    for _ in STEPS:
        app.next.click()
    assert app.step.value == "sandbox" and app.next.disabled
    app.back.click()
    assert app.step.value == STEPS[-2][0]


def test_strategies_table_shows_first_moves_worked_by_hand():
    table = app_module.strategies_table()
    # Detective against Always share: share, hoard, share, share, then hoards for good (Case).
    assert "S H S S H" in table
    # Grudger against Always hoard: shares once, then never again.
    assert "S H H H H" in table


def test_a_match_scores_as_worked_by_hand():
    app = build("?step=match&a=always_share&b=always_hoard&rounds=5")
    # Five rounds of share against hoard: the sharer loses 1 a round, the hoarder gains 3.
    assert app.last_match.totals == (-5, 15)
    assert "<b>-5</b>" in app.narrative.value and "<b>15</b>" in app.narrative.value
    before = app.charts["match"].spec["description"]
    app.rounds.value = 7
    assert app.last_match.totals == (-7, 21)
    assert app.charts["match"].spec["description"] != before
    assert "rounds=7" in app.share_link.value


def test_mistakes_step_uses_noise_and_new_luck_reseeds():
    app = build("?step=noise&a=tit_for_tat&b=tit_for_tat&noise=0.3&rounds=30")
    assert app.last_match.mistakes > 0
    assert "Tit for two tats" in app.narrative.value
    first = app.last_match.actions
    app.luck.click()
    assert app.state.seed == 2 and "seed=2" in app.share_link.value
    assert app.last_match.actions != first
    app.noise.value = 0
    assert app.last_match.mistakes == 0 and app.last_match.cooperation == 1


def test_match_step_ignores_noise():
    app = build("?step=match&a=tit_for_tat&b=tit_for_tat&noise=0.4")
    assert app.last_match.mistakes == 0


def test_tournament_follows_the_mix():
    app = predicted(build("?step=tournament"), "tournament")
    before = app.charts["tournament"].spec["datasets"]
    for key, slider in app.mix.items():
        slider.value = 0
    app.mix["always_hoard"].value = 3
    app.mix["always_share"].value = 3
    assert {r["strategy"] for r in app.last_tournament.by_strategy()} == {"always_share", "always_hoard"}
    assert app.last_tournament.by_strategy()[0]["strategy"] == "always_hoard"  # hoarders feed on sharers
    assert app.charts["tournament"].spec["datasets"] != before


def test_empty_room_gets_a_message_not_a_crash():
    app = predicted(build("?step=tournament"), "tournament")
    for slider in app.mix.values():
        slider.value = 0
    assert app.message.value  # the model's plain reason, escaped
    assert "Traceback" not in app.message.value


def test_evolution_generations_set_the_chart_length():
    app = predicted(build("?step=evolution&generations=7"), "evolution")
    assert len(app.last_evolution.counts) == 8
    app.generations.value = 12
    assert len(app.last_evolution.counts) == 13
    assert max(r["generation"] for r in app.charts["evolution"].spec["datasets"]["counts"]) == 12
    assert "After 12 generations" in app.narrative.value


def test_communication_effort_moves_the_marker_and_cuts_noise():
    app = build("?step=communication&noise=0.2")
    app.effort.value = 0.5
    assert app.charts["communication"].spec["datasets"]["marker"] == [{"effort": 0.5}]
    assert f"{trust.effective_noise(0.2, 0.5):.1%}" in app.narrative.value


def test_thread_step_follows_the_links_and_the_effort():
    app = build("?step=thread&links=3&link_noise=0.05")
    rows = app.charts["thread"].spec["datasets"]["thread"]
    assert {r["line"] for r in rows} == {"No extra effort"}
    misread = trust.thread_noise(0.05, 3)  # (1 - 0.9 ** 3) / 2, worked by the model's own formula
    assert f"<b>{misread:.1%}</b>" in app.narrative.value
    app.links.value = 1
    assert "<b>5.0%</b>" in app.narrative.value  # one link is the link's own rate
    assert app.charts["thread"].spec["datasets"]["chosen"] == [{"links": 1}]
    app.effort.value = 0.5
    rows = app.charts["thread"].spec["datasets"]["thread"]
    assert {r["line"] for r in rows} == {"No extra effort", "At your effort"}
    mine = [r for r in rows if r["line"] == "At your effort"]
    plain = [r for r in rows if r["line"] == "No extra effort"]
    assert all(m["noise"] < p["noise"] for m, p in zip(mine, plain))
    assert "links=1" in app.share_link.value and "effort=0.5" in app.share_link.value


def test_the_room_waits_for_a_prediction_and_then_judges_it():
    app = build("?step=tournament")
    guess = app.predictions["tournament"]
    assert app.gates["tournament"].layout.display == "none"
    assert "prediction" in app.narrative.value and not hasattr(app, "last_tournament")
    labels = [b.description for b in guess.buttons.children]
    assert labels[:-1] == [trust.STRATEGIES[k].name for k in app._mix()] and labels[-1] == "Just show me"
    hoard = next(b for b in guess.buttons.children if b.description == "Always hoard")
    hoard.click()
    assert app.gates["tournament"].layout.display == ""
    assert "You predicted <b>Always hoard</b>. Not this time." in app.narrative.value
    assert app.last_tournament.by_strategy()[0]["strategy"] != "always_hoard"
    app.rounds.value = 5  # once predicted, the room reacts at once
    assert app.last_tournament.rounds == 5


def test_evolution_prediction_can_be_skipped_and_counts_several_survivors():
    app = build("?step=evolution&generations=3")
    options = [b.description for b in app.predictions["evolution"].buttons.children]
    assert "Several habits survive" in options
    app.predictions["evolution"].skip.click()
    assert len(app.last_evolution.counts) == 4 and "You predicted" not in app.narrative.value


def test_the_sandbox_shows_the_room_and_evolution_without_asking():
    app = build("?step=sandbox")
    assert app.last_tournament and app.last_evolution
    assert all(p.choice is None for p in app.predictions.values())


@pytest.mark.parametrize("step", ["decisions", "access"])
def test_old_links_to_moved_steps_point_to_deciding_together(step):
    query = f"?step={step}&practices=12&p_yes=0.4&noise=0.1&workshop=ABC123"
    app = app_module.TrustApp(*trust_from_query(f"step={step}&practices=12&p_yes=0.4&noise=0.1",
                                                tuple(trust.STRATEGIES)), moved=step, moved_query=query)
    assert "04b_deciding_together.ipynb?step=" + step in app.moved.value
    assert "practices=12&amp;p_yes=0.4&amp;noise=0.1&amp;workshop=ABC123" in app.moved.value
    assert app.message.value == ""  # the moved settings are read by the new app, not warned about here
    assert app.step.value == "hook" and app.noise.value == 0.1


def test_build_passes_the_moved_step_on():
    app = build("?step=access&pcns=4")
    assert "Deciding together" in app.moved.value and "pcns=4" in app.moved.value
    assert build("?step=noise").moved.value == ""


def test_old_deciding_settings_on_a_trust_link_are_accepted_quietly():
    app = build("?step=noise&practices=12&meetings=30&rogue_step=0.2&consensus_meetings=3&p_yes=0.5&pcns=8&seed=3")
    assert app.message.value == "" and app.step.value == "noise" and app.seed == 3


def test_sandbox_payoffs_change_results_and_warn_when_no_dilemma():
    app = build("?step=sandbox")
    before = app.last_tournament.scores
    app.payoffs["temptation"].value = 1.0  # hoarding on a sharer now pays less than sharing
    assert app.last_tournament.scores != before
    assert app.message.value != ""


def test_bad_link_gets_messages_and_defaults():
    app = build("?step=nowhere&noise=2&a=bogus&mix_always_hoard=99&colour=red")
    text = app.message.value
    for word in ("nowhere", "noise", "bogus", "mix_always_hoard", "colour"):
        assert word in text
    assert app.step.value == "hook" and app.noise.value == 0


def test_state_round_trips_through_the_share_link():
    app = build("?step=evolution&rounds=6&noise=0.05&generations=9&mix_grudger=4&mix_always_hoard=3&seed=5")
    state, problems = trust_from_query(app.state.to_query(), tuple(trust.STRATEGIES))
    assert problems == [] and state == app.state
    assert state.mix == (("always_hoard", 3), ("grudger", 4))


def test_default_state_has_an_empty_link():
    assert TrustState().to_query() == ""
