"""Properties of the autonomy-paradox model over generated groups of 1-7 practices and 1-5 changes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pcn_workbook.models import gainshare as gs
from strategies import EXPENSIVE, PROPERTY, broken_scenarios, groups, rules, tolerances

REGIMES = tuple(r.key for r in gs.REGIMES)


def slack(total: float) -> float:
    """Comparison allowance: 1e-6 absolute plus rounding on sums of up to ~10^7 pounds."""
    return 1e-6 + 1e-9 * abs(total)


def members(group: gs.Group, mask: int) -> list[str]:
    return [p.name for j, p in enumerate(group.practices) if mask >> j & 1]


def worthwhile(group: gs.Group) -> list[gs.Change]:
    return [c for c in group.changes if gs.coalition_value(group, c, group.names) > 0]


# --- the game --------------------------------------------------------------------------------------

@PROPERTY
@given(groups())
def test_value_table_agrees_with_coalition_value(group):
    n = len(group.practices)
    for c in group.changes:
        table = gs.value_table(group, [c])
        assert table.shape == (1 << n,)
        for mask in range(1 << n):
            assert table[mask] == pytest.approx(gs.coalition_value(group, c, members(group, mask)), abs=1e-6)
    total = gs.value_table(group, group.changes)
    assert total[-1] == pytest.approx(gs.grand_coalition_value(group), abs=1e-6)


@PROPERTY
@given(groups())
def test_coalition_value_follows_the_stated_formula(group):
    """v_c(S) = max(0, sum_S r_ci l_i - F_c) if sum_S l_i >= m_c else 0, recomputed from the raw data."""
    sizes = {p.name: p.list_size for p in group.practices}
    for c in group.changes:
        for mask in range(1, 1 << len(group.practices)):
            s = members(group, mask)
            population = sum(sizes[p] for p in s)
            gross = sum(group.saving_per_patient[(c.key, p)] * sizes[p] for p in s)
            expected = max(0.0, gross - c.annual_cost) if population >= c.min_population else 0.0
            assert gs.coalition_value(group, c, s) == pytest.approx(expected, abs=1e-6)


@PROPERTY
@given(groups())
def test_value_table_is_monotone_and_superadditive(group):
    n = len(group.practices)
    full = (1 << n) - 1
    tables = [gs.value_table(group, [c]) for c in group.changes] + [gs.value_table(group, group.changes)]
    for v in tables:
        assert v[0] == 0.0
        assert (v >= 0).all()
        for s in range(1 << n):
            for j in range(n):
                assert v[s | 1 << j] >= v[s] - slack(v[s])  # monotone
            rest = full & ~s
            t = rest
            while t:  # every non-empty T disjoint from S
                assert v[s | t] >= v[s] + v[t] - slack(v[s | t])  # superadditive
                t = (t - 1) & rest


# --- compare(): what each regime can deliver ------------------------------------------------------

@pytest.mark.parametrize("rule", [r.key for r in gs.RULES])
@PROPERTY
@given(group=groups(), tolerance=tolerances)
def test_no_regime_beats_the_grand_coalition_and_regimes_are_ordered(group, tolerance, rule):
    outcomes = gs.compare(group, tolerance, rule)
    assert tuple(o.regime for o in outcomes) == REGIMES
    grand = gs.grand_coalition_value(group)
    benefit = [o.group_benefit for o in outcomes]
    for regime, b in zip(REGIMES, benefit):
        assert b <= grand + slack(grand), regime
        assert b >= -slack(grand), regime  # nobody proposes something that loses money overall
    # independent <= veto <= bundle <= transfers <= merger == v(N): each fallback keeps the step before
    for lower, upper in zip(benefit, benefit[1:]):
        assert lower <= upper + slack(grand)
    assert benefit[-1] == pytest.approx(grand, abs=slack(grand))


@PROPERTY
@given(groups(), tolerances, rules)
def test_autonomy(group, tolerance, rule):
    outcomes = {o.regime: o for o in gs.compare(group, tolerance, rule)}
    assert set(outcomes["independent"].autonomy.values()) == {1.0}
    assert set(outcomes["merger"].autonomy.values()) == {0.0}
    decisions = len(group.changes) + 2  # changes, own money, the rest of the practice
    for o in outcomes.values():
        assert set(o.autonomy) == set(group.names)
        assert all(0.0 <= a <= 1.0 for a in o.autonomy.values())
        assert 0.0 <= o.autonomy_index <= 1.0
        if o.regime in ("veto", "bundle") or (o.regime == "transfers" and rule == "none"):
            # nothing pooled: one decision ceded per change run group-wide
            assert o.autonomy_index == pytest.approx((decisions - len(o.adopted)) / decisions)
    if outcomes["transfers"].adopted and rule != "none" and not outcomes["transfers"].note:
        # a gainshare pools the money but keeps separate practices: more say than a merger
        assert outcomes["transfers"].autonomy_index >= 1 / decisions - 1e-12


@PROPERTY
@given(groups(), tolerances)
def test_shapley_gainshare_is_never_blocked(group, tolerance):
    """Superadditive game => every marginal contribution >= v({i}) => phi_i >= alone_i."""
    shares = gs.allocate(group, "shapley", worthwhile(group))
    outcomes = {o.regime: o for o in gs.compare(group, tolerance, "shapley")}
    transfers = outcomes["transfers"]
    for p in group.names:
        assert shares[p] >= transfers.alone[p] - 1e-6, p
    assert "gainshare" not in transfers.blocked_by
    assert transfers.note == ""
    assert transfers.adopted == tuple(c.key for c in worthwhile(group))
    assert transfers.net == shares
    assert transfers.losers == ()
    assert transfers.would_leave(group, 0.0) == ()
    assert transfers.group_benefit == pytest.approx(gs.grand_coalition_value(group), abs=1e-6)


@PROPERTY
@given(groups(), st.data())
def test_transfers_sum_to_the_value_of_the_adopted_changes(group, data):
    adopted = data.draw(st.lists(st.sampled_from(worthwhile(group)), unique_by=lambda c: c.key)
                        if worthwhile(group) else st.just([]))
    total = sum(gs.coalition_value(group, c, group.names) for c in adopted)
    for rule in ("equal", "per_capita", "shapley", "none"):
        shares = gs.allocate(group, rule, adopted)
        assert set(shares) == set(group.names)
        assert sum(shares.values()) == pytest.approx(total, abs=slack(total)), rule
    equal = gs.allocate(group, "equal", adopted)
    assert len({round(x, 6) for x in equal.values()}) <= 1
    per_capita = gs.allocate(group, "per_capita", adopted)
    for p in group.practices:
        assert per_capita[p.name] == pytest.approx(total * p.list_size / group.population, abs=1e-6)


@PROPERTY
@given(groups())
def test_no_transfers_is_saving_minus_per_capita_cost_share(group):
    population = sum(p.list_size for p in group.practices)
    net = gs.allocate(group, "none", group.changes)
    for p in group.practices:
        expected = sum(group.saving_per_patient[(c.key, p.name)] * p.list_size
                       - c.annual_cost * p.list_size / population for c in group.changes)
        assert net[p.name] == pytest.approx(expected, abs=1e-6)


@PROPERTY
@given(groups(), st.lists(tolerances, min_size=2, max_size=4), rules)
def test_more_trust_never_lowers_what_the_group_realises(group, taus, rule):
    """Veto (and the bundle and gainshare that fall back to it) is monotone in tolerance."""
    taus = sorted(taus)
    runs = [{o.regime: o for o in gs.compare(group, t, rule)} for t in taus]
    grand = gs.grand_coalition_value(group)
    for before, after in zip(runs, runs[1:]):
        for regime in ("veto", "bundle", "transfers"):
            assert after[regime].group_benefit >= before[regime].group_benefit - slack(grand), regime
        assert set(before["veto"].adopted) <= set(after["veto"].adopted)


@PROPERTY
@given(groups(), tolerances, rules)
def test_veto_outcome_follows_its_definition(group, tolerance, rule):
    veto = gs.compare(group, tolerance, rule)[1]
    sizes = {p.name: p.list_size for p in group.practices}
    for c in worthwhile(group):
        mine = gs.allocate(group, "none", [c])
        solo = {p: gs.coalition_value(group, c, [p]) for p in group.names}
        refusing = tuple(p for p in group.names if mine[p] < solo[p] - tolerance * sizes[p] - gs._PENNY)
        if refusing:
            assert veto.blocked_by[c.key] == refusing
            assert c.key not in veto.adopted
        else:
            assert c.key in veto.adopted and c.key not in veto.blocked_by


@PROPERTY
@given(groups(), tolerances, rules)
def test_outcomes_are_deterministic(group, tolerance, rule):
    first = gs.compare(group, tolerance, rule, seed=0)
    assert first == gs.compare(group, tolerance, rule, seed=0)
    assert gs.per_change_positions(group) == gs.per_change_positions(group)
    assert list(gs.value_table(group, group.changes)) == list(gs.value_table(group, group.changes))


@PROPERTY
@given(groups())
def test_per_change_positions_add_up(group):
    rows = gs.per_change_positions(group)
    assert len(rows) == len(group.practices) * len(group.changes)
    for c in group.changes:
        mine = [r for r in rows if r["change"] == c.key]
        assert [r["practice"] for r in mine] == list(group.names)
        assert sum(r["cost_share"] for r in mine) == pytest.approx(c.annual_cost, abs=1e-6)
        for r in mine:
            assert r["net"] == pytest.approx(r["saving"] - r["cost_share"])
        value = mine[0]["group_value"]
        assert {r["group_value"] for r in mine} == {value}
        if value > 0:  # the change runs: no-transfer positions net to its value
            assert sum(r["net"] for r in mine) == pytest.approx(value, abs=slack(value))


@EXPENSIVE
@given(groups(max_practices=4, max_changes=3),
       st.lists(tolerances, min_size=1, max_size=3),
       st.lists(rules, min_size=1, max_size=4, unique=True))
def test_paradox_grid_shape(group, taus, chosen_rules):
    rows = gs.paradox_grid(group, taus, chosen_rules)
    assert len(rows) == len(taus) * len(chosen_rules) * len(REGIMES)
    k = 0
    for rule in chosen_rules:
        for tau in taus:
            outcomes = gs.compare(group, tau, rule)
            for o in outcomes:
                row = rows[k]
                assert (row["rule"], row["tolerance"], row["regime"]) == (rule, tau, o.regime)
                assert row["group_benefit"] == o.group_benefit
                assert row["autonomy_index"] == o.autonomy_index
                assert row["losers"] == len(o.losers)
                assert row["would_leave"] == len(o.would_leave(group, tau))
                k += 1


@PROPERTY
@given(broken_scenarios())
def test_broken_scenarios_raise_scenario_error_naming_the_problem(case):
    kind, group, tolerance, rule, changes, words = case
    with pytest.raises(gs.ScenarioError) as info:
        gs.compare(group, tolerance, rule, changes)
    message = str(info.value)
    for w in words:
        assert w in message, (kind, w, message)


# --- the extended-access dispute and merger pressure (assumptions 7 and 8) -------------------------

@PROPERTY
@given(groups())
def test_cross_subsidies_sum_to_zero_and_vanish_when_use_follows_list_size(group):
    for c in group.changes:
        subsidy = gs.cross_subsidy(group, c)
        assert set(subsidy) == set(group.names)
        assert sum(subsidy.values()) == pytest.approx(0.0, abs=1e-3 + 1e-9 * c.annual_cost)
        rates = {group.saving_per_patient[(c.key, p)] for p in group.names}
        if len(rates) == 1:  # every practice gains the same per patient: use follows list size
            assert all(abs(x) <= 1e-3 + 1e-9 * c.annual_cost for x in subsidy.values())


@PROPERTY
@given(groups(), tolerances, rules, st.randoms(use_true_random=False))
def test_merger_pressure_only_grows_as_changes_are_added(group, tolerance, rule, random):
    order = [c.key for c in group.changes]
    random.shuffle(order)
    rows = gs.merger_pressure(group, tolerance, rule, order)
    assert [r["changes"] for r in rows] == list(range(1, len(order) + 1))
    assert [r["added"] for r in rows] == order
    for before, after in zip(rows, rows[1:]):
        assert after["ceiling"] >= before["ceiling"] - slack(after["ceiling"])
        assert after["left"] >= before["left"] - slack(after["ceiling"])  # a blocked change stays lost
    for r in rows:
        assert -slack(r["ceiling"]) <= r["veto"] <= r["ceiling"] + slack(r["ceiling"])
        assert 0.0 <= r["share_left"] <= 1.0 + 1e-9
        assert r["autonomy_merger"] == 0.0 and 0.0 <= r["autonomy_gainshare"] <= r["autonomy_veto"] <= 1.0
    assert rows[-1]["ceiling"] == pytest.approx(gs.grand_coalition_value(group), abs=1e-6)


# --- what a group remembers (the tolerance-free parts of compare, kept between slider moves) -------

def fresh(group: gs.Group) -> gs.Group:
    """The same group, made again: it has worked nothing out yet."""
    return gs.Group(group.practices, group.changes, dict(group.saving_per_patient))


@PROPERTY
@given(groups(), st.lists(tolerances, min_size=2, max_size=5), rules, st.data())
def test_what_a_group_remembers_changes_no_answer(group, taus, rule, data):
    keys = [c.key for c in group.changes]
    chosen = data.draw(st.lists(st.sampled_from(keys), unique=True, min_size=1), label="changes")
    warm = group
    for tau in taus:  # the slider moving, with other tables of changes looked at in between
        gs.compare(warm, tau, rule)
        gs.merger_pressure(warm, tau, rule)
    for tau in taus:
        assert gs.compare(warm, tau, rule, chosen) == gs.compare(fresh(group), tau, rule, chosen)
        assert gs.compare(warm, tau, rule) == gs.compare(fresh(group), tau, rule)
        assert gs.merger_pressure(warm, tau, rule) == gs.merger_pressure(fresh(group), tau, rule)
    assert warm._memo, "nothing was kept: the slider would recompute every split"


@PROPERTY
@given(groups(), tolerances, rules)
def test_changing_an_answer_does_not_change_the_next(group, tolerance, rule):
    first = gs.compare(group, tolerance, rule)
    expected = gs.compare(fresh(group), tolerance, rule)
    for outcome in first:
        for mapping in (outcome.net, outcome.alone, outcome.autonomy):
            for name in list(mapping):
                mapping[name] = -1e12
    assert gs.compare(group, tolerance, rule) == expected
    with pytest.raises(ValueError):
        gs.savings(group, group.changes[0])[0] = 0.0  # read-only: what one caller reads, no other can change
