"""Unit tests for pcn_workbook.models.gainshare: hand examples, the worked example, validation."""

from __future__ import annotations

import csv
import math
import tomllib
from fractions import Fraction
from pathlib import Path

import pytest

from pcn_workbook.models import gainshare as gs

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EXAMPLE = tomllib.loads((FIXTURES / "gainshare_worked_example.toml").read_text())
REGIME_KEYS = ("independent", "veto", "bundle", "transfers", "merger")


def worked_group(changes: tuple[str, ...] | None = None) -> gs.Group:
    practices = tuple(gs.Practice(p["name"], p["list_size"]) for p in EXAMPLE["practices"])
    table, rates = [], {}
    for c in EXAMPLE["changes"]:
        if changes is not None and c["key"] not in changes:
            continue
        table.append(gs.Change(c["key"], c["label"], "worked example", c["annual_cost"], c["min_population"], "hand"))
        rates.update({(c["key"], p): r for p, r in c["saving_per_patient"].items()})
    return gs.Group(practices, tuple(table), rates)


def exact(x) -> float:
    return float(Fraction(str(x)))


GROUP = worked_group()
ACCOUNTANT = GROUP.change("accountant")
VISITING = GROUP.change("visiting")


# --- coalition values by hand ---------------------------------------------------------------------

def _csv_game(game: str) -> dict[frozenset, float]:
    with open(FIXTURES / "shapley_games.csv", newline="") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return {frozenset(r["coalition"].split("+")): float(r["value"]) for r in rows if r["game"] == game}


@pytest.mark.parametrize("game,key", [("pcn_accountant", "accountant"), ("pcn_visiting", "visiting")])
def test_coalition_values_match_the_hand_table(game, key):
    expected = _csv_game(game)
    assert len(expected) == 7
    for coalition, value in expected.items():
        assert gs.coalition_value(GROUP, GROUP.change(key), coalition) == value, sorted(coalition)
    assert gs.coalition_value(GROUP, GROUP.change(key), []) == 0.0


@pytest.mark.parametrize("game,key", [("pcn_accountant", "accountant"), ("pcn_visiting", "visiting")])
def test_value_table_matches_the_hand_table_in_bitmask_order(game, key):
    expected = _csv_game(game)
    table = gs.value_table(GROUP, [GROUP.change(key)])
    names = GROUP.names  # bit 0 = A, bit 1 = B, bit 2 = C
    assert table[0] == 0.0
    for mask in range(1, 8):
        coalition = frozenset(n for j, n in enumerate(names) if mask >> j & 1)
        assert table[mask] == expected[coalition], sorted(coalition)


def test_value_table_adds_changes():
    both = gs.value_table(GROUP, GROUP.changes)
    assert list(both) == [0, 0, 0, 25000, 0, 12000, 0, 27000 + 19000]


def _one_change(cost: float, min_population: int, rates=(2.0, 1.0), sizes=(6000, 4000)) -> gs.Group:
    change = gs.Change("hub", "Prescribing hub", "", cost, min_population, "hand")
    practices = (gs.Practice("X", sizes[0]), gs.Practice("Y", sizes[1]))
    return gs.Group(practices, (change,), {("hub", "X"): rates[0], ("hub", "Y"): rates[1]})


def test_min_population_threshold_is_inclusive():
    # X saves 2.00 x 6,000 = 12,000, Y 1.00 x 4,000 = 4,000; cost 5,000
    at = _one_change(5000, 10_000)
    above = _one_change(5000, 10_001)
    c_at, c_above = at.changes[0], above.changes[0]
    assert gs.coalition_value(at, c_at, ["X", "Y"]) == 16000 - 5000
    assert gs.coalition_value(above, c_above, ["X", "Y"]) == 0.0  # 10,000 patients < 10,001
    assert gs.coalition_value(at, c_at, ["X"]) == 0.0  # 6,000 patients < 10,000
    small = _one_change(5000, 6000)
    assert gs.coalition_value(small, small.changes[0], ["X"]) == 12000 - 5000
    assert gs.value_table(above, [c_above])[3] == 0.0
    assert gs.value_table(at, [c_at])[3] == 11000.0


def test_a_change_that_does_not_pay_is_worth_zero_not_negative():
    group = _one_change(20_000, 0)  # gross 16,000 < 20,000
    c = group.changes[0]
    assert gs.coalition_value(group, c, ["X", "Y"]) == 0.0
    assert gs.coalition_value(group, c, ["X"]) == 0.0
    assert list(gs.value_table(group, [c])) == [0.0, 0.0, 0.0, 0.0]
    assert gs.grand_coalition_value(group) == 0.0
    outcomes = gs.compare(group, 1.0)
    assert all(o.adopted == () for o in outcomes)
    assert all(o.group_benefit == 0.0 for o in outcomes)


def test_unknown_members_are_ignored_by_coalition_value():
    assert gs.coalition_value(GROUP, ACCOUNTANT, ["A", "B", "Nobody"]) == 25000.0


def test_savings_are_rate_times_list_size():
    assert list(gs.savings(GROUP, ACCOUNTANT)) == [30000.0, 15000.0, 2000.0]
    assert list(gs.savings(GROUP, VISITING)) == [15000.0, 24000.0, 40000.0]


def test_grand_coalition_value():
    assert gs.grand_coalition_value(GROUP) == 46000.0
    assert gs.grand_coalition_value(GROUP, ["visiting"]) == 19000.0
    assert gs.grand_coalition_value(GROUP, []) == 0.0


def test_value_table_refuses_more_than_twelve_practices():
    practices = tuple(gs.Practice(f"P{i}", 1000) for i in range(13))
    group = gs.Group(practices, (), {})
    with pytest.raises(gs.ScenarioError, match="at most 12 practices, not 13"):
        gs.value_table(group, [])


# --- allocation rules -----------------------------------------------------------------------------

def test_allocate_none_is_saving_minus_per_patient_cost_share():
    assert gs.allocate(GROUP, "none", [ACCOUNTANT]) == pytest.approx({"A": 20000, "B": 9000, "C": -2000})
    assert gs.allocate(GROUP, "none", [VISITING]) == pytest.approx({"A": -15000, "B": 6000, "C": 28000})
    assert gs.allocate(GROUP, "none", GROUP.changes) == pytest.approx({"A": 5000, "B": 15000, "C": 26000})
    assert gs.allocate(GROUP, "none", []) == {"A": 0.0, "B": 0.0, "C": 0.0}


def test_allocate_equal_and_per_capita():
    assert gs.allocate(GROUP, "equal", [ACCOUNTANT]) == pytest.approx(dict.fromkeys("ABC", 9000.0))
    assert gs.allocate(GROUP, "per_capita", GROUP.changes) == pytest.approx({"A": 23000, "B": 13800, "C": 9200})


def test_allocate_shapley_matches_the_hand_values():
    assert gs.allocate(GROUP, "shapley", [ACCOUNTANT]) == pytest.approx(
        {"A": 91000 / 6, "B": 55000 / 6, "C": 16000 / 6}, abs=1e-6)
    assert gs.shapley_shares(GROUP, GROUP.changes) == pytest.approx({"A": 21500, "B": 15500, "C": 9000}, abs=1e-6)


def test_allocate_unknown_rule_is_a_scenario_error():
    with pytest.raises(gs.ScenarioError, match=r"unknown sharing rule 'nucleolus' \(choose one of: none, equal, per_capita, shapley\)"):
        gs.allocate(GROUP, "nucleolus", GROUP.changes)


def test_shapley_shares_for_more_than_twelve_practices_use_the_sampled_path():
    # 13 identical practices, one change that needs all of them: by symmetry each gets 1/13
    practices = tuple(gs.Practice(f"P{i:02d}", 1000) for i in range(13))
    change = gs.Change("bank", "Staff bank", "", 1300.0, 13_000, "hand")
    group = gs.Group(practices, (change,), {("bank", p.name): 1.0 for p in practices})
    shares = gs.shapley_shares(group, group.changes, seed=1)
    assert set(shares) == set(group.names)
    assert sum(shares.values()) == pytest.approx(13_000 - 1300)
    assert shares == gs.shapley_shares(group, group.changes, seed=1)
    # only the grand coalition has value, so the practice joining last takes all 11,700: each share
    # is 11,700 x (share of the 2,000 sampled orders it came last in), about 1/13 of it
    for x in shares.values():
        assert (x * 2000 / 11_700) == pytest.approx(round(x * 2000 / 11_700), abs=1e-6)
        assert x == pytest.approx(900, abs=6 * 11_700 * math.sqrt((1 / 13) * (12 / 13) / 2000))
    assert shares != gs.shapley_shares(group, group.changes, seed=2)


# --- the worked example ---------------------------------------------------------------------------

CASES = {case["name"]: case for case in EXAMPLE["cases"]}


@pytest.mark.parametrize("name", list(CASES))
def test_worked_example(name):
    case = CASES[name]
    outcomes = gs.compare(GROUP, case["tolerance"], case["rule"], case.get("changes"))
    assert tuple(o.regime for o in outcomes) == REGIME_KEYS
    by_regime = {o.regime: o for o in outcomes}
    for regime, want in case["regimes"].items():
        got = by_regime[regime]
        assert got.adopted == tuple(want["adopted"]), regime
        assert got.net == pytest.approx({p: exact(x) for p, x in want["net"].items()}, abs=1e-6), regime
        assert got.autonomy == pytest.approx(dict.fromkeys("ABC", exact(want["autonomy"])), abs=1e-12), regime
        assert got.autonomy_index == pytest.approx(exact(want["autonomy"]), abs=1e-12), regime
        assert {k: list(v) for k, v in got.blocked_by.items()} == want["blocked_by"], regime
        assert got.group_benefit == pytest.approx(exact(want["group_benefit"]), abs=1e-6), regime
        assert got.losers == tuple(want["losers"]), regime
        assert got.alone == {"A": 0.0, "B": 0.0, "C": 0.0}
        assert bool(got.note) == want.get("fell_back", False), regime
        assert got.would_leave(GROUP, case["tolerance"]) == ()


def test_worked_example_the_cheap_accountant_is_compensated_under_shapley():
    # C loses 2,000 a year without transfers and gains 2,666.67 with Shapley transfers
    none = gs.allocate(GROUP, "none", [ACCOUNTANT])
    fair = gs.allocate(GROUP, "shapley", [ACCOUNTANT])
    assert none["C"] == pytest.approx(-2000)
    assert fair["C"] == pytest.approx(16000 / 6)
    assert fair["C"] > gs.coalition_value(GROUP, ACCOUNTANT, ["C"]) >= 0


def test_worked_example_rules_do_not_change_the_other_regimes():
    base = gs.compare(GROUP, 0.25, "shapley", ["accountant"])
    for rule in ("none", "equal", "per_capita"):
        other = gs.compare(GROUP, 0.25, rule, ["accountant"])
        for a, b in zip(base, other):
            if a.regime != "transfers":
                assert a == b, (rule, a.regime)


def test_tolerance_boundary_is_inclusive():
    # C ends exactly 2,000 = 0.50 x 4,000 worse off than alone: "up to tau * l_i" is accepted
    veto = gs.compare(GROUP, 0.5, "shapley", ["accountant"])[1]
    assert veto.adopted == ("accountant",)
    # a little less trust and C blocks
    veto = gs.compare(GROUP, 0.49, "shapley", ["accountant"])[1]
    assert veto.blocked_by == {"accountant": ("C",)}


def test_would_leave_under_the_merger_with_an_outside_option():
    # give A a large enough list to run the accountant alone: A alone = 30,000 x (15,000/10,000)... by hand:
    # A 15,000 patients saves 3.00 x 15,000 = 45,000, alone 45,000 - 20,000 = 25,000.
    # Group: L = 25,000, gross 45,000 + 15,000 + 2,000 = 62,000, v(N) = 42,000 = 1.68/patient.
    # Merger gives A 1.68 x 15,000 = 25,200 >= 25,000, so A stays at tolerance 0; equal split gives
    # A 14,000 < 25,000, so the gainshare is blocked by A.
    group = GROUP.with_list_sizes({"A": 15_000})
    outcomes = {o.regime: o for o in gs.compare(group, 0.0, "equal", ["accountant"])}
    assert outcomes["independent"].net == pytest.approx({"A": 25000, "B": 0, "C": 0})
    assert outcomes["merger"].net == pytest.approx({"A": 25200, "B": 10080, "C": 6720})
    assert outcomes["merger"].would_leave(group, 0.0) == ()
    assert outcomes["transfers"].blocked_by["gainshare"] == ("A",)
    assert gs.Outcome("merger", (), {"A": 24000.0, "B": 0.0, "C": 0.0}, outcomes["merger"].alone,
                      {}).would_leave(group, 0.0) == ("A",)
    # 1,000 short is within a tolerance of 0.07 x 15,000 = 1,050
    assert gs.Outcome("merger", (), {"A": 24000.0, "B": 0.0, "C": 0.0}, outcomes["merger"].alone,
                      {}).would_leave(group, 0.07) == ()


# --- grids and positions --------------------------------------------------------------------------

def test_per_change_positions_by_hand():
    rows = gs.per_change_positions(GROUP)
    assert [(r["change"], r["practice"]) for r in rows] == [
        ("accountant", "A"), ("accountant", "B"), ("accountant", "C"),
        ("visiting", "A"), ("visiting", "B"), ("visiting", "C")]
    assert [r["net"] for r in rows] == pytest.approx([20000, 9000, -2000, -15000, 6000, 28000])
    assert [r["cost_share"] for r in rows] == pytest.approx([10000, 6000, 4000, 30000, 18000, 12000])
    assert [r["group_value"] for r in rows] == [27000, 27000, 27000, 19000, 19000, 19000]
    assert set(rows[0]) == {"change", "practice", "saving", "cost_share", "net", "group_value"}


def test_paradox_grid_rows():
    rows = gs.paradox_grid(GROUP, [0.25, 1.0], ["none", "shapley"], ["accountant"])
    assert len(rows) == 2 * 2 * 5
    assert set(rows[0]) == {"tolerance", "rule", "regime", "group_benefit", "autonomy_index", "losers", "would_leave"}
    first = rows[:5]
    assert [r["regime"] for r in first] == list(REGIME_KEYS)
    assert all(r["rule"] == "none" and r["tolerance"] == 0.25 for r in first)
    assert [r["group_benefit"] for r in first] == pytest.approx([0, 0, 0, 0, 27000])
    veto_trusting = next(r for r in rows if r["rule"] == "shapley" and r["tolerance"] == 1.0 and r["regime"] == "veto")
    assert veto_trusting["losers"] == 1 and veto_trusting["autonomy_index"] == pytest.approx(2 / 3)


def test_paradox_grid_accepts_a_generator_of_tolerances():
    rows = gs.paradox_grid(GROUP, (t / 4 for t in range(3)), ["none", "shapley"], ["accountant"])
    assert len(rows) == 2 * 3 * 5


# --- metadata -------------------------------------------------------------------------------------

def test_rules_and_regimes_declare_their_labels():
    assert [r.key for r in gs.RULES] == ["none", "equal", "per_capita", "shapley"]
    assert [r.key for r in gs.REGIMES] == list(REGIME_KEYS)
    assert all(x.label and x.description for x in gs.RULES + gs.REGIMES)


def test_group_lookups():
    assert GROUP.names == ("A", "B", "C")
    assert GROUP.population == 20_000
    with pytest.raises(gs.ScenarioError, match="no change called 'dermatology'.*known: accountant, visiting"):
        GROUP.change("dermatology")
    with pytest.raises(gs.ScenarioError, match="no practice called Q"):
        GROUP.with_list_sizes({"Q": 100})
    assert GROUP.with_list_sizes({"B": 7000}).population == 21_000


def test_group_savings_are_read_only_copies():
    rates = {("accountant", "A"): 1.0}
    group = gs.Group(GROUP.practices, (ACCOUNTANT,), rates)
    rates[("accountant", "A")] = 99.0
    assert group.saving_per_patient[("accountant", "A")] == 1.0
    with pytest.raises(TypeError):
        group.saving_per_patient[("accountant", "A")] = 2.0


# --- validation -----------------------------------------------------------------------------------

def _with(practices=None, changes=None, rates=None) -> gs.Group:
    return gs.Group(GROUP.practices if practices is None else practices,
                    GROUP.changes if changes is None else changes,
                    GROUP.saving_per_patient if rates is None else rates)


def _rates_without(key):
    rates = dict(GROUP.saving_per_patient)
    del rates[key]
    return rates


def _rates_with(key, value):
    return {**GROUP.saving_per_patient, key: value}


P = gs.Practice
BAD_SCENARIOS = {
    "empty group": (dict(group=_with(practices=())), ["no practices"]),
    "zero list size": (dict(group=_with(practices=(P("A", 0), P("B", 6000), P("C", 4000)))),
                       ["A's list size", "between 1 and 150,000", "not 0"]),
    "negative list size": (dict(group=_with(practices=(P("A", 10000), P("B", -5), P("C", 4000)))),
                           ["B's list size", "not -5"]),
    "list size above range": (dict(group=_with(practices=(P("A", 10000), P("B", 6000), P("C", 150_001)))),
                              ["C's list size", "150,000", "not 150,001"]),
    "duplicate names": (dict(group=_with(practices=(P("A", 10000), P("B", 6000), P("A", 4000)))),
                        ["share a name"]),
    "negative saving": (dict(group=_with(rates=_rates_with(("visiting", "B"), -1.0))),
                        ["Paramedic home visiting", "for B", "not -1.0"]),
    "NaN saving": (dict(group=_with(rates=_rates_with(("visiting", "B"), math.nan))),
                   ["Paramedic home visiting", "for B", "nan"]),
    "missing saving": (dict(group=_with(rates=_rates_without(("accountant", "C")))),
                       ["One accountant for all", "for C", "not None"]),
    "negative cost": (dict(group=_with(changes=(gs.Change("accountant", "One accountant for all", "", -1.0, 0, ""),))),
                      ["One accountant for all", "negative cost"]),
    "negative min population": (dict(group=_with(changes=(gs.Change("accountant", "One accountant for all", "", 1.0, -1, ""),))),
                                ["One accountant for all", "minimum population"]),
    "tolerance below range": (dict(tolerance=-0.01), ["tolerance", "between £0 and £10", "not -0.01"]),
    "tolerance above range": (dict(tolerance=10.5), ["tolerance", "between £0 and £10", "not 10.5"]),
    "tolerance NaN": (dict(tolerance=math.nan), ["tolerance", "not nan"]),
    "tolerance infinite": (dict(tolerance=math.inf), ["tolerance", "not inf"]),
    "unknown rule": (dict(rule="shapely"), ["unknown sharing rule 'shapely'", "none, equal, per_capita, shapley"]),
    "unknown change key": (dict(changes=["accountant", "dermatology"]), ["no change called 'dermatology'"]),
}


@pytest.mark.parametrize("name", list(BAD_SCENARIOS))
def test_compare_rejects_bad_scenarios_with_a_plain_message(name):
    overrides, words = BAD_SCENARIOS[name]
    args = dict(group=GROUP, tolerance=1.0, rule="shapley", changes=None) | overrides
    with pytest.raises(gs.ScenarioError) as info:
        gs.compare(**args)
    assert type(info.value) is gs.ScenarioError
    for w in words:
        assert w in str(info.value), (name, w, str(info.value))


@pytest.mark.parametrize("name", [n for n, (o, _) in BAD_SCENARIOS.items() if "changes" not in o])
def test_validate_rejects_bad_scenarios(name):
    overrides, words = BAD_SCENARIOS[name]
    args = dict(group=GROUP, tolerance=1.0, rule="shapley") | overrides
    with pytest.raises(gs.ScenarioError) as info:
        gs.validate(**args)
    assert words[0] in str(info.value)


def test_scenario_error_is_a_value_error():
    assert issubclass(gs.ScenarioError, ValueError)


@pytest.mark.parametrize("tolerance", [0.0, 10.0])
def test_tolerance_range_ends_are_valid(tolerance):
    gs.validate(GROUP, tolerance, "shapley")
    assert len(gs.compare(GROUP, tolerance)) == 5


def test_validate_accepts_the_worked_example_and_list_size_limits():
    gs.validate(GROUP)
    gs.validate(_with(practices=(P("A", 1), P("B", 150_000), P("C", 4000))), 0.0, "none")


def test_validate_allows_no_changes():
    group = gs.Group(GROUP.practices, (), {})
    gs.validate(group, 1.0, "shapley")
    outcomes = gs.compare(group, 1.0)
    assert [o.autonomy_index for o in outcomes] == [1.0, 1.0, 1.0, 1.0, 0.0]


# Defects: scenarios validate() lets through that the model cannot run sensibly.

def _nan_cost_group():
    return gs.Group(GROUP.practices, (gs.Change("hub", "Prescribing hub", "", math.nan, 0, ""),),
                    {("hub", p): 1.0 for p in "ABC"})


def _nan_min_population_group():
    return gs.Group(GROUP.practices, (gs.Change("hub", "Prescribing hub", "", 100.0, math.nan, ""),),
                    {("hub", p): 1.0 for p in "ABC"})


def _infinite_saving_group():
    return _with(rates=_rates_with(("accountant", "A"), math.inf))


def _duplicate_change_key_group():
    # two different changes under the same key share one set of savings and collide in compare()'s
    # per-change dictionaries
    cheap = gs.Change("accountant", "Cheap accountant", "", 1000.0, 0, "")
    return gs.Group(GROUP.practices, (ACCOUNTANT, cheap), GROUP.saving_per_patient)


NON_FINITE = {
    "NaN annual cost": _nan_cost_group,
    "NaN min population": _nan_min_population_group,
    "infinite saving": _infinite_saving_group,
    "duplicate change key": _duplicate_change_key_group,
}


@pytest.mark.parametrize("name", list(NON_FINITE))
def test_validate_rejects_non_finite_numbers_and_duplicate_change_keys(name):
    try:
        gs.validate(NON_FINITE[name](), 1.0, "shapley")
    except gs.ScenarioError:
        return
    raise AssertionError(f"validate() accepted a group with a {name}")


@pytest.mark.parametrize("name", list(NON_FINITE))
def test_compare_refuses_what_validate_refuses(name):
    with pytest.raises(gs.ScenarioError):
        gs.compare(NON_FINITE[name](), 1.0)


def test_compare_with_no_tolerance_is_a_scenario_error():
    with pytest.raises(gs.ScenarioError, match="tolerance"):
        gs.compare(GROUP, None)


# --- the extended-access dispute: cross-subsidy (assumption 8) --------------------------------------

def test_cross_subsidy_by_hand():
    # X 6,000 patients saves 2.00 a patient (12,000), Y 4,000 saves 1.00 (4,000); cost 8,000.
    # By list size X pays 4,800 and Y 3,200; by benefit X pays 8,000 x 12/16 = 6,000, Y 2,000.
    # So Y pays 1,200 a year towards X's use.
    group = _one_change(8000, 0)
    assert gs.cross_subsidy(group, "hub") == {"X": -1200.0, "Y": 1200.0}
    assert gs.cross_subsidy(group, group.change("hub")) == {"X": -1200.0, "Y": 1200.0}


def test_cross_subsidy_is_zero_when_use_follows_list_size_or_nobody_gains():
    assert gs.cross_subsidy(_one_change(8000, 0, rates=(1.5, 1.5)), "hub") == {"X": 0.0, "Y": 0.0}
    assert gs.cross_subsidy(_one_change(8000, 0, rates=(0.0, 0.0)), "hub") == {"X": 0.0, "Y": 0.0}


# --- merger pressure (assumption 7) ---------------------------------------------------------------

def test_table_order_is_cheapest_first():
    assert gs.table_order(GROUP) == ("accountant", "visiting")  # 20,000 before 60,000
    assert gs.table_order(GROUP, ["visiting"]) == ("visiting",)


def test_merger_pressure_worked_example_by_hand():
    # Tolerance 0: C blocks the accountant (-2,000), A blocks the visiting service (-15,000), so
    # deciding change by change collects nothing; a merger collects 27,000, then 46,000.
    rows = gs.merger_pressure(GROUP, 0.0)
    assert [r["added"] for r in rows] == ["accountant", "visiting"]
    assert [r["changes"] for r in rows] == [1, 2]
    assert [r["ceiling"] for r in rows] == pytest.approx([27_000, 46_000])
    assert [r["veto"] for r in rows] == pytest.approx([0, 0])
    assert [r["left"] for r in rows] == pytest.approx([27_000, 46_000])
    assert [r["share_left"] for r in rows] == pytest.approx([1.0, 1.0])
    # autonomy (assumption 6): veto adopts nothing (1); a Shapley gainshare adopts every change and
    # pools the money: (1 + 2 - 1 - 1) / 3 = 1/3, then (2 + 2 - 2 - 1) / 4 = 1/4; a merger 0
    assert [r["autonomy_veto"] for r in rows] == pytest.approx([1.0, 1.0])
    assert [r["autonomy_gainshare"] for r in rows] == pytest.approx([1 / 3, 1 / 4])
    assert [r["autonomy_merger"] for r in rows] == [0.0, 0.0]
    # With enough trust (A's loss is 1.50 a patient) nothing is left on the table
    assert [r["left"] for r in gs.merger_pressure(GROUP, 1.5)] == pytest.approx([0, 0])


def test_merger_pressure_follows_a_given_order_and_refuses_repeats():
    rows = gs.merger_pressure(GROUP, 0.0, order=["visiting", "accountant"])
    assert [r["ceiling"] for r in rows] == pytest.approx([19_000, 46_000])
    with pytest.raises(gs.ScenarioError, match="only once"):
        gs.merger_pressure(GROUP, 0.0, order=["visiting", "visiting"])
    with pytest.raises(gs.ScenarioError, match="no change called"):
        gs.merger_pressure(GROUP, 0.0, order=["teleporter"])


# --- the chapter's scenarios: the results its text and exercises rely on ----------------------------

@pytest.fixture(scope="module")
def five():
    from pcn_workbook import data
    return data.autonomy_group("five_practices")


def test_the_warm_up_has_one_loser_who_blocks_without_trust():
    from pcn_workbook import data
    group = data.autonomy_group("single_accountant")
    net = gs.allocate(group, "none", group.changes)
    assert [p for p, x in net.items() if x < 0] == ["Practice D"]
    _, veto, *_ = gs.compare(group, 0.0)
    assert veto.blocked_by == {"single_accountant": ("Practice D",)}


def test_five_practices_at_fifty_pence_the_veto_splits_and_one_removal_saves_the_bundle(five):
    _, veto, bundle, *_ = gs.compare(five, 0.5)
    assert veto.adopted and veto.blocked_by  # some changes pass, some are blocked
    assert bundle.note  # the bundle is blocked
    keys = [c.key for c in five.changes]
    rescues = [k for k in keys if not gs.compare(five, 0.5, changes=[x for x in keys if x != k])[2].note]
    assert len(rescues) == 1


def test_five_practices_at_one_pound_the_bundle_beats_the_veto(five):
    _, veto, bundle, transfers, merger = gs.compare(five, 1.0)
    assert veto.blocked_by and not bundle.note
    assert veto.group_benefit < bundle.group_benefit == pytest.approx(merger.group_benefit)
    assert transfers.group_benefit == pytest.approx(merger.group_benefit)


def test_five_practices_extended_access_is_a_dispute_about_use(five):
    subsidy = gs.cross_subsidy(five, "extended_access")
    net = {r["practice"]: r["net"] for r in gs.per_change_positions(five, ["extended_access"])}
    payer = max(subsidy, key=subsidy.get)
    assert subsidy[payer] > 0 and net[payer] < 0  # the practice whose patients use it least loses
    assert gs.coalition_value(five, five.change("extended_access"), five.names) > 0  # yet it pays overall


def test_five_practices_merger_pressure_grows(five):
    rows = gs.merger_pressure(five, 1.0)
    assert rows[0]["left"] == 0 and rows[-1]["left"] > 0
    assert rows[-1]["autonomy_gainshare"] < rows[0]["autonomy_gainshare"]


def test_the_same_list_sizes_give_back_the_same_group_and_new_ones_a_new_group():
    """The autonomy app rebuilds its group on every slider move: with no list size changed it is the
    same group, so what it has worked out is kept; a changed size is a new group, worked out afresh."""
    group = gs.Group((gs.Practice("A", 4_000), gs.Practice("B", 6_000)),
                     (gs.Change("x", "x", "", 500.0, 0, ""),), {("x", "A"): 0.2, ("x", "B"): 0.1})
    before = gs.compare(group, 0.5)
    assert group.with_list_sizes({}) is group
    assert group.with_list_sizes({"A": 4_000}) is group
    bigger = group.with_list_sizes({"A": 8_000})
    assert bigger is not group and not bigger._memo
    assert gs.compare(bigger, 0.5) != before
    assert gs.compare(group, 0.5) == before
