"""Drive the autonomy app through its widgets, as a facilitator would, and check what changes."""

import pytest

from pcn_workbook.apps import autonomy
from pcn_workbook.models import gainshare as gs


@pytest.fixture
def app():
    return autonomy.build("")


def chart_spec(widget):
    return widget.spec


def test_default_app_shows_all_regimes_and_every_change(app):
    table = autonomy.charts.regime_table(app.outcomes, app.group, app.tolerance.value)
    assert list(table.regime) == [r.label for r in gs.REGIMES]
    assert all(box.value for box in app.change_boxes.values())
    assert app.message.value == ""


def test_tolerance_changes_chart_and_narrative(app):
    app.tolerance.value = 0.0
    before_text, before_spec = app.narrative.value, chart_spec(app.paradox)
    veto_before = app.outcomes[1].group_benefit
    app.tolerance.value = 2.0
    assert app.narrative.value != before_text
    assert chart_spec(app.paradox) != before_spec
    assert app.outcomes[1].group_benefit > veto_before  # more trust lets more changes through
    assert "tolerance=2" in app.share_link.value


def test_rule_changes_who_gets_what(app):
    app.tolerance.value = 0.0
    app.view.value = "transfers"
    app.rule.value = "equal"
    equal = dict(app.outcomes[3].net)
    app.rule.value = "shapley"
    shapley = dict(app.outcomes[3].net)
    assert equal != shapley
    assert sum(equal.values()) == pytest.approx(sum(shapley.values()))
    assert "Shapley value" in app.narrative.value


def test_taking_changes_off_the_table_lowers_the_ceiling(app):
    full = app.ceiling
    app.change_boxes["extended_access"].value = False
    assert app.ceiling < full
    assert "changes=" in app.share_link.value and "extended_access" not in app.share_link.value.split("changes=")[1]


def test_list_size_edit_feeds_the_model(app):
    name = app.group.names[0]
    app.size_boxes[name].value = 20_000
    assert dict((p.name, p.list_size) for p in app.group.practices)[name] == 20_000
    assert f"list_{name.replace(' ', '+')}=20000" in app.share_link.value


@pytest.mark.parametrize("bad", [-5, 0, 10_000_000])
def test_impossible_list_size_is_refused_with_a_message(app, bad):
    name = app.group.names[0]
    kept = app.size_boxes[name].value
    app.size_boxes[name].value = bad
    assert app.size_boxes[name].value == kept
    assert "list size must be" in app.message.value
    assert "Traceback" not in app.message.value


def test_practice_view_follows_the_toggle(app):
    app.view.value = "merger"
    assert "Full merger" in chart_spec(app.practices)["description"]
    app.view.value = "independent"
    assert "Each practice alone" in chart_spec(app.practices)["description"]


def test_scenario_switch_rebuilds_controls(app):
    app.scenario.value = "single_accountant"
    assert list(app.change_boxes) == ["single_accountant"]
    assert len(app.size_boxes) == 4
    assert "scenario=single_accountant" in app.share_link.value


def test_state_round_trips_through_the_share_link(app):
    app.tolerance.value = 2.5
    app.rule.value = "per_capita"
    app.change_boxes["care_home_medicines"].value = False
    app.size_boxes[app.group.names[1]].value = 9_000
    query = app.share_link.value.split("<code>")[1].split("</code>")[0].replace("&amp;", "&")
    again = autonomy.build(query)
    assert again.state == app.state
    assert again.message.value == ""


@pytest.mark.parametrize(
    "query, fragment",
    [
        ("?tolerance=banana", "Ignored tolerance"),
        ("?tolerance=99", "Ignored tolerance"),
        ("?rule=bribes", "Ignored rule"),
        ("?scenario=atlantis", "Unknown scenario"),
        ("?list_Practice+A=-100", "Ignored list size"),
        ("?list_Nobody=5000", "unknown practice"),
        ("?changes=teleporter", "unknown change"),
        ("%%%&&&==", "Ignored unknown setting"),
    ],
)
def test_malformed_links_give_a_message_and_a_working_app(query, fragment):
    app = autonomy.build(query)
    assert fragment in app.message.value
    assert app.paradox is not None and app.narrative.value
    assert "Traceback" not in app.message.value


def test_text_from_a_link_is_escaped():
    app = autonomy.build("?rule=<script>alert(1)</script>")
    assert "<script>" not in app.message.value
    assert "&lt;script&gt;" in app.message.value


def test_a_broken_dataset_gives_a_message_not_a_traceback(tmp_path, monkeypatch):
    import shutil

    from pcn_workbook import data

    broken = tmp_path / "datasets"
    shutil.copytree(data.locate_datasets(), broken)
    path = broken / "autonomy_practices.csv"
    path.write_text(path.read_text().replace("15756", "-15756"))
    monkeypatch.setenv("PCN_WORKBOOK_DATASETS", str(broken))
    page = autonomy.build("")
    assert "pcn-message" in page._dom_classes
    assert "autonomy_practices.csv" in page.value and "Traceback" not in page.value


def test_the_opening_prediction_is_revealed_from_the_model(app):
    assert app.prediction.value == ""  # nothing is given away before the guess
    veto, ceiling = app.outcomes[1], app.ceiling
    app.predict.value = "all"
    assert "You said A: all of it" in app.prediction.value
    assert autonomy.charts.money(veto.group_benefit) in app.prediction.value
    assert f"{veto.group_benefit / ceiling:.0%}" in app.prediction.value
    assert "Not this time" in app.prediction.value  # at £1 a practice blocks a change
    app.tolerance.value = 10.0  # enough trust for every change: the reveal follows the settings
    assert "Right." in app.prediction.value and "100%" in app.prediction.value


def test_merger_pressure_chart_follows_the_tolerance(app):
    rows = app.pressure_rows
    assert [r["changes"] for r in rows] == list(range(1, len(app.change_boxes) + 1))
    assert "pcn-pressure-chart" in app.pressure._dom_classes
    app.tolerance.value = 0.0
    gap_strict = app.pressure_rows[-1]["left"]
    spec_strict, note_strict = app.pressure.spec, app.pressure_note.value
    app.tolerance.value = 10.0
    assert app.pressure_rows[-1]["left"] < gap_strict
    assert app.pressure.spec != spec_strict and app.pressure_note.value != note_strict
    app.change_boxes["extended_access"].value = False
    assert len(app.pressure_rows) == len(app.change_boxes) - 1


def test_an_old_winsford_link_opens_the_five_practices():
    app = autonomy.build("?scenario=winsford_five&tolerance=2")
    assert app.scenario.value == "five_practices" and app.tolerance.value == 2.0
    assert app.message.value == ""
    assert "scenario=five_practices" in app.share_link.value


def test_new_chart_builders_validate_and_state_their_figures():
    from pcn_workbook import data

    group = data.autonomy_group("five_practices")
    rows = gs.merger_pressure(group, 1.0)
    spec = autonomy.charts.merger_pressure_chart(rows).to_dict()  # to_dict validates against Vega-Lite
    assert autonomy.charts.money(rows[-1]["left"]) in spec["description"]
    assert len(spec["datasets"]["pressure_money"]) == 2 * len(rows)
    subsidy = gs.cross_subsidy(group, "extended_access")
    chart = autonomy.charts.cross_subsidy_chart(subsidy, "Evening and weekend appointments").to_dict()
    payer = max(subsidy, key=subsidy.get)
    assert f"{payer} pays for others' use ({autonomy.charts.money(subsidy[payer])})" in chart["description"]
