"""Drive the scale-choices app through its widgets and check what changes."""

import html

import pytest

from pcn_workbook import data
from pcn_workbook.apps import scale


@pytest.fixture
def app():
    return scale.build("?area=27D")


def test_default_area_is_near_the_median_size():
    areas = data.ccg_areas()
    chosen = scale.build("").area.value
    gap = (areas.patients - areas.patients.median()).abs()
    assert gap[areas.ccg == chosen].iloc[0] == gap.min()


def test_band_regroups_the_area(app):
    before = (len(app.grouping.networks), app.networks.spec["description"])
    app.band.value = (60_000, 90_000)
    assert len(app.grouping.networks) < before[0]
    assert app.networks.spec["description"] != before[1]
    assert all(n.population <= 90_000 or len(n.practices) == 1 for n in app.grouping.networks)
    assert "target_min=60000" in app.share_link.value


def test_hospital_changes_the_relationship_count(app):
    app.hospital.value = 600_000
    assert "600,000" in app.result.value
    assert f"{app.grouping.relationships(600_000):.1f}" in app.result.value


def test_area_switch_uses_that_areas_practices(app):
    other = next(c for c in data.ccg_areas().ccg if c != "27D")
    app.area.value = other
    expected = data.ccg_areas().set_index("ccg").loc[other, "practices"]
    assert sum(len(n.practices) for n in app.grouping.networks) == expected


def test_matching_exercise_gives_feedback_with_reasons(app):
    functions = data.scale_functions().set_index("function")
    for key, box in app.matches.items():
        box.value = functions.loc[key, "tier"]
    app.check.click()
    assert f"{len(functions)} of {len(functions)} placed" in app.feedback.value
    first = next(iter(app.matches))
    wrong = next(t for t in data.scale_tiers().tier if t != functions.loc[first, "tier"])
    app.matches[first].value = wrong
    app.check.click()
    assert "pcn-wrong" in app.feedback.value and f"{len(functions) - 1} of" in app.feedback.value


def test_voice_weight_moves_the_curve(app):
    before = app.voice.spec["datasets"]["curve"]
    app.voice_weight.value = 1.0
    assert app.voice.spec["datasets"]["curve"] != before
    assert "voice_weight=1" in app.share_link.value


def test_area_and_hospital_changes_update_the_link(app):
    app.hospital.value = 500_000
    assert "hospital=500000" in app.share_link.value
    app.area.value = next(c for c in data.ccg_areas().ccg if c != "27D")
    assert f"area={app.area.value}" in app.share_link.value


def test_merge_question_is_answered_from_the_evidence_rows(app):
    text = " ".join(getattr(c, "value", "") for c in app.children if hasattr(c, "value") and isinstance(c.value, str))
    for row in data.economies_of_scale().query("measure == 'expenses_by_gps'").itertuples():
        assert f"£{row.value:.2f}" in text


@pytest.mark.parametrize("query, fragment", [
    ("?area=ZZZ", "Unknown area code"),
    ("?target_min=-5", "Ignored target_min"),
    ("?hospital=banana", "Ignored hospital"),
    ("?target_min=80000&target_max=40000", "upside down"),
    ("?voice_weight=7", "Ignored voice_weight"),
])
def test_bad_links_give_a_message_and_a_working_app(query, fragment):
    app = scale.build(query)
    assert fragment in app.message.value
    assert app.networks is not None and app.result.value


def test_state_round_trips_through_the_link(app):
    app.band.value = (35_000, 55_000)
    app.hospital.value = 450_000
    query = app.share_link.value.split("<code>")[1].split("</code>")[0].replace("&amp;", "&")
    assert scale.build(query).state == app.state


def test_result_says_which_functions_sit_at_the_band(app):
    tiers = data.scale_tiers().set_index("tier")
    app.band.value = (30_000, 50_000)
    here = app.result.value.split("put here:")[1].split(".")[0]
    for row in data.scale_functions().itertuples():
        overlaps = tiers.loc[row.tier, "min_population"] <= 50_000 and tiers.loc[row.tier, "max_population"] >= 30_000
        assert (row.label.replace("&", "&amp;") in here) == overlaps, row.label
    app.band.value = (150_000, 300_000)
    assert "Closer to patients than this" in app.result.value and "bigger footprint" not in app.result.value


def test_feedback_labels_the_reason_as_the_workbooks_reading(app):
    """REVIEW M11: the sources place each function; the reason shown is the workbook's own reading."""
    functions = data.scale_functions().set_index("function")
    for key, box in app.matches.items():
        box.value = functions.loc[key, "tier"]
    app.check.click()
    feedback = app.feedback.value
    assert feedback.count("Why (the workbook&#x27;s reading):") == len(functions)
    assert feedback.count("What the source says:") == len(functions)
    for row in functions.itertuples():
        assert html.escape(row.reason) in feedback and html.escape(row.source_says) in feedback


def test_merge_question_is_the_policy_makers_expectation_and_names_the_report(app):
    """REVIEW M12: Yates asked about the economies of scale NHS England and ministers sought."""
    text = scale.merge_answer(data.economies_of_scale())
    assert "NHS England and ministers" in text
    assert "Cheshire takes its own steps to primary care at scale" in text and "Primary Care Commissioning" in text
    assert "people expect" not in text


def test_evidence_notes_are_shown_under_the_expenses_chart(app):
    kids = list(app.children)
    below = kids[kids.index(app.evidence) + 1].value
    for row in data.scale_evidence_notes().itertuples():
        assert html.escape(row.finding) in below and html.escape(row.source) in below


def test_the_screen_and_its_controls_need_no_pandas(tmp_path, monkeypatch):
    """The first screen, slider moves, another area and the matching exercise work from plain rows
    (issue 12, cold time to interactive); the frames are still there when asked for."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from pcn_workbook.charts import live_bundle

    monkeypatch.setenv(data.VALIDATED_ENV, str(tmp_path / "cache"))
    data._load.cache_clear()
    data._rows.cache_clear()
    for name in (data.NHS_LISTS, "scale_tiers", "scale_functions", "economies_of_scale", "scale_evidence_notes"):
        data.table_rows(name)
    data._load.cache_clear()
    data._rows.cache_clear()
    code = """
import sys
from pcn_workbook.apps import scale
app = scale.build("area=27D")
app.band.value = (60_000, 90_000)
app.hospital.value = 600_000
app.voice_weight.value = 0.2
app.area.value = next(v for _, v in app.area.options if v != "27D")
for box in app.matches.values():
    box.value = box.options[1][1]
app.check.click()
assert "placed as the sources suggest" in app.feedback.value
print("pandas" in sys.modules)
"""
    env = {**os.environ, data.VALIDATED_ENV: str(tmp_path / "cache"), "QUERY_STRING": "",
           live_bundle.URL_ENV: "/" + live_bundle.ASSET_PREFIX + live_bundle.bundle_name()}
    done = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2] / "notebooks",
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split()[-1] == "False"
