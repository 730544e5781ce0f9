"""Scenario state <-> URL query string."""

from hypothesis import given, settings, strategies as st

from pcn_workbook.apps.state import MAX_QUERY, AutonomyState, ScaleState, from_query, scale_from_query
from pcn_workbook.models.gainshare import RULES

names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=20)
states = st.builds(
    AutonomyState,
    scenario=st.sampled_from(["five_practices", "single_accountant"]),
    tolerance=st.integers(0, 40).map(lambda q: q / 4),
    rule=st.sampled_from([r.key for r in RULES]),
    changes=st.none() | st.lists(st.from_regex(r"[a-z_]{1,15}", fullmatch=True), min_size=1, max_size=4, unique=True).map(tuple),
    list_sizes=st.dictionaries(names, st.integers(1, 150_000), max_size=4).map(lambda d: tuple(sorted(d.items()))),
)


@settings(max_examples=150, deadline=None)
@given(states)
def test_every_state_round_trips(state):
    again, problems = from_query(state.to_query())
    assert problems == []
    assert again == state


def test_defaults_give_a_short_link():
    assert AutonomyState().to_query() == "scenario=five_practices"


def test_links_to_the_old_winsford_key_still_work():
    """The five-practice scenario was once keyed ``winsford_five``; old links read as the new key."""
    state, problems = from_query("?scenario=winsford_five&tolerance=2")
    assert state == AutonomyState(scenario="five_practices", tolerance=2.0) and problems == []
    assert state.to_query() == "scenario=five_practices&tolerance=2"


def test_bad_values_are_reported_not_raised():
    state, problems = from_query("?tolerance=-1&rule=x&list_A=1.5&list_B=abc&list_C=inf&tolerance=nan")
    assert state.tolerance == AutonomyState().tolerance and state.rule == "shapley" and state.list_sizes == ()
    assert len(problems) == 6


def test_overlong_links_are_cut_with_a_message():
    state, problems = from_query("tolerance=2&" + "x" * (MAX_QUERY + 10))
    assert state.tolerance == 2 and any("longer than" in p for p in problems)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses_without_raising(text):
    state, problems = from_query(text)
    assert isinstance(state, AutonomyState) and all(isinstance(p, str) for p in problems)


scale_states = st.builds(
    ScaleState,
    area=st.from_regex(r"[0-9A-Z]{3}", fullmatch=True),
    target_min=st.integers(1_000, 200_000),
    target_max=st.integers(200_000, 400_000),
    hospital=st.integers(10_000, 2_000_000),
    voice_weight=st.integers(0, 20).map(lambda q: q / 20),
)


@settings(max_examples=150, deadline=None)
@given(scale_states)
def test_every_scale_state_round_trips(state):
    again, problems = scale_from_query(state.to_query())
    assert problems == [] and again == state


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses_as_a_scale_link_without_raising(text):
    state, problems = scale_from_query(text)
    assert state.target_min <= state.target_max and all(isinstance(p, str) for p in problems)
