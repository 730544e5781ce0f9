"""pcn_workbook.data returns the documented scenarios with the real list sizes."""
import csv
import math

import numpy as np
import pandas as pd
import pytest

from dataset_files import DATASETS, read_rows, write_rows
from pcn_workbook import data
from pcn_workbook.models.gainshare import Change, Group, Practice

FIGURES_PERCENTILES = {10: 3_388, 25: 5_086, 50: 7_931, 75: 11_608, 90: 15_756}  # FIGURES.md, Jan 2021


def nhs_lists() -> dict[str, tuple[str, int]]:
    with (DATASETS / "nhs_practice_lists_2021_01.csv").open(newline="") as f:
        return {r["CODE"]: (r["POSTCODE"], int(r["NUMBER_OF_PATIENTS"])) for r in csv.DictReader(f)}


def test_scenarios_are_the_documented_ones():
    scenarios = data.autonomy_scenarios()
    assert list(scenarios.columns) == ["scenario", "label", "description", "source", "source_phrase"]
    assert set(scenarios["scenario"]) == {"five_practices", "single_accountant"}
    assert scenarios["description"].str.len().min() > 100


def test_group_has_the_contract_types():
    group = data.autonomy_group("five_practices")
    assert isinstance(group, Group)
    assert all(isinstance(p, Practice) and type(p.list_size) is int for p in group.practices)
    assert all(isinstance(c, Change) and type(c.min_population) is int and type(c.annual_cost) is float
               for c in group.changes)
    assert len(group.changes) >= 5
    assert {"single_accountant", "visiting_service", "dermatology_hub", "shared_manager",
            "care_home_medicines", "extended_access"} == {c.key for c in group.changes}
    assert len(group.saving_per_patient) == len(group.practices) * len(group.changes)


@pytest.mark.parametrize("scenario, percentiles", [("five_practices", (10, 25, 50, 75, 90)),
                                                   ("single_accountant", (25, 50, 75, 90))])
def test_list_sizes_are_national_percentiles_not_real_practices(scenario, percentiles):
    """No row names or implies a real practice: every list size is a national percentile."""
    sizes = np.array([size for _, size in nhs_lists().values()])
    expected = [math.floor(np.percentile(sizes, q) + 0.5) for q in percentiles]
    group = data.autonomy_group(scenario)
    assert [p.list_size for p in group.practices] == expected == [FIGURES_PERCENTILES[q] for q in percentiles]
    assert [p.name for p in group.practices] == [f"Practice {x}" for x in "ABCDE"[:len(percentiles)]]
    practices = data.load_table("autonomy_practices")
    sources = practices[practices["scenario"] == scenario]["list_size_source"]
    assert all("percentile" in s and "6,658 practices" in s for s in sources)
    for name in ("autonomy_scenarios", "autonomy_practices", "autonomy_changes", "autonomy_savings"):
        text = (DATASETS / f"{name}.csv").read_text(encoding="utf-8")
        assert "Winsford" not in text and "CW7" not in text and "N81" not in text, name


def test_single_accountant_is_one_change():
    assert [c.key for c in data.autonomy_group("single_accountant").changes] == ["single_accountant"]


@pytest.mark.parametrize("scenario", ["five_practices", "single_accountant"])
def test_every_change_has_a_loser_without_transfers(scenario):
    group = data.autonomy_group(scenario)
    population = sum(p.list_size for p in group.practices)
    for change in group.changes:
        share = change.annual_cost / population
        losers = [p.name for p in group.practices if group.saving_per_patient[change.key, p.name] < share]
        assert losers, f"{scenario}/{change.key}: nobody loses"


def test_group_totals_and_minimum_populations():
    group = data.autonomy_group("five_practices")
    largest = max(p.list_size for p in group.practices)
    surplus = {c.key: sum(group.saving_per_patient[c.key, p.name] * p.list_size for p in group.practices)
               - c.annual_cost for c in group.changes}
    assert sum(v > 0 for v in surplus.values()) > len(surplus) / 2
    assert min(surplus[c.key] / c.annual_cost for c in group.changes) <= 0.05
    for change in group.changes:
        assert change.min_population == 0 or change.min_population > largest
    assert {c.key: c.min_population for c in group.changes}["extended_access"] >= 30_000
    assert {c.key: c.min_population for c in group.changes}["visiting_service"] >= 30_000


def test_unknown_scenario_names_the_known_ones():
    with pytest.raises(data.DatasetError) as error:
        data.autonomy_group("nowhere")
    message = str(error.value)
    assert "nowhere" in message and "five_practices" in message and "single_accountant" in message


def test_nhs_table_loads_with_published_totals():
    nhs = data.load_table("nhs_practice_lists_2021_01")
    assert len(nhs) == 6_658 and nhs["NUMBER_OF_PATIENTS"].sum() == 60_606_345
    assert nhs["NUMBER_OF_PATIENTS"].dtype == "int64"


def test_env_var_points_the_loader_at_another_folder(datasets_copy, monkeypatch):
    path = datasets_copy / "autonomy_scenarios.csv"
    rows = read_rows(path)
    rows[1][1] = "A renamed scenario"
    write_rows(path, rows)
    monkeypatch.setenv(data.DATASETS_ENV, str(datasets_copy))
    assert "A renamed scenario" in set(data.autonomy_scenarios()["label"])
    monkeypatch.delenv(data.DATASETS_ENV)
    assert "A renamed scenario" not in set(data.autonomy_scenarios()["label"])


def test_tables_are_cached_but_callers_get_copies(monkeypatch):
    data.load_table("autonomy_savings")
    calls = []
    real = pd.read_csv
    monkeypatch.setattr(pd, "read_csv", lambda *a, **k: calls.append(a) or real(*a, **k))
    first = data.load_table("autonomy_savings")
    first.loc[0, "saving_gbp_per_patient"] = -1
    assert data.load_table("autonomy_savings").loc[0, "saving_gbp_per_patient"] >= 0
    data.autonomy_group("five_practices")
    assert calls == []


def test_an_edited_file_is_reread(datasets_copy):
    before = data.autonomy_group("five_practices", datasets_dir=datasets_copy)
    path = datasets_copy / "autonomy_practices.csv"
    rows = read_rows(path)
    next(r for r in rows if r[:2] == ["five_practices", "Practice E"])[2] = "9000"
    write_rows(path, rows)
    after = data.autonomy_group("five_practices", datasets_dir=datasets_copy)
    assert before.practices[-1].list_size == 15_756 and after.practices[-1].list_size == 9000
