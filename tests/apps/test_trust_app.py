"""Drive the trust app through its widgets and check what changes."""

import pytest

from pcn_workbook.apps import trust as app_module
from pcn_workbook.apps.state import TrustState, trust_from_query
from pcn_workbook.apps.trust_text import STEPS
from pcn_workbook.models import trust


def build(query=""):
    return app_module.build(query)


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
    app = build("?step=tournament")
    before = app.charts["tournament"].spec["datasets"]
    for key, slider in app.mix.items():
        slider.value = 0
    app.mix["always_hoard"].value = 3
    app.mix["always_share"].value = 3
    assert {r["strategy"] for r in app.last_tournament.by_strategy()} == {"always_share", "always_hoard"}
    assert app.last_tournament.by_strategy()[0]["strategy"] == "always_hoard"  # hoarders feed on sharers
    assert app.charts["tournament"].spec["datasets"] != before


def test_empty_room_gets_a_message_not_a_crash():
    app = build("?step=tournament")
    for slider in app.mix.values():
        slider.value = 0
    assert app.message.value  # the model's plain reason, escaped
    assert "Traceback" not in app.message.value


def test_evolution_generations_set_the_chart_length():
    app = build("?step=evolution&generations=7")
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


def test_decisions_horizon_follows_meetings():
    app = build("?step=decisions&meetings=10")
    rows = app.charts["decisions"].spec["datasets"]["decisions"]
    assert max(r["meeting"] for r in rows) == 10
    app.meetings.value = 30
    rows = app.charts["decisions"].spec["datasets"]["decisions"]
    assert max(r["meeting"] for r in rows) == 30
    assert "After 30 meetings" in app.narrative.value


@pytest.mark.parametrize("p_yes, pcns", [(0.3, 6), (0.1, 10), (0.5, 1)])
def test_access_step_reports_the_chance_of_a_yes(p_yes, pcns):
    app = build(f"?step=access&p_yes={p_yes}&pcns={pcns}")
    shopping = 1 - (1 - p_yes) ** pcns  # worked independently of the model
    assert f"<b>{shopping:.0%}</b>" in app.narrative.value
    assert len(app.charts["access"].spec["datasets"]["asks"]) == pcns


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
