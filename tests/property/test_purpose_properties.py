"""Properties of the purpose model: readiness spread, the compass summary, the statement check, the sort."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from pcn_workbook.models import purpose as pm
from strategies import PROPERTY

ITEMS = ("vision", "data", "time", "risk", "board", "income")
NAMES = ("A", "B", "C", "D", "E", "F", "G")


@st.composite
def readiness_scores(draw):
    """practice -> item -> score: 1-7 practices, 1-6 items, every score a whole number 1-4."""
    practices = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=7, unique=True))
    items = draw(st.lists(st.sampled_from(ITEMS), min_size=1, max_size=6, unique=True))
    return {p: {i: draw(st.integers(pm.SCORE_MIN, pm.SCORE_MAX)) for i in items} for p in practices}


axis = st.one_of(st.integers(0, 10).map(float), st.floats(0, 10, allow_nan=False, allow_subnormal=False))


@st.composite
def rooms(draw, min_size=1):
    """A room of 1-12 placements with unique names, some in one of three PCNs, some in none."""
    size = draw(st.integers(min_size, 12))
    pcns = draw(st.lists(st.sampled_from(["", "North", "South", "East"]), min_size=size, max_size=size))
    return [pm.placement(f"P{k}", draw(axis), draw(axis), pcns[k]) for k in range(size)]


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


# --- readiness -----------------------------------------------------------------------------------

@PROPERTY
@given(readiness_scores())
def test_slowest_is_at_most_the_mean_which_is_at_most_the_highest(scores):
    summary = pm.summarise_readiness(scores)
    for s in summary.items:
        assert s.min <= s.mean + 1e-12 and s.mean <= s.max + 1e-12
        assert s.range == s.max - s.min >= 0
        assert 0 <= s.sd <= s.range / 2 + 1e-12  # a population SD never exceeds half the range
        assert (s.sd == 0) == (s.range == 0)
        assert s.slowest and all(scores[p][s.item] == s.min for p in s.slowest)
        assert s.count == len(scores)
    assert summary.pace_of_slowest <= summary.overall_mean + 1e-12
    assert summary.overall_mean <= sum(s.max for s in summary.items) / len(summary.items) + 1e-12
    assert min(summary.practice_means.values()) == summary.practice_means[summary.slowest_practice]


@PROPERTY
@given(readiness_scores(), st.randoms(use_true_random=False))
def test_readiness_does_not_depend_on_the_order_of_practices(scores, rnd):
    practices = list(scores)
    rnd.shuffle(practices)
    shuffled = {p: scores[p] for p in practices}
    a, b = pm.summarise_readiness(scores), pm.summarise_readiness(shuffled)
    assert close(a.overall_mean, b.overall_mean) and close(a.pace_of_slowest, b.pace_of_slowest)
    for x, y in zip(a.items, b.items):
        assert (x.item, x.min, x.max, x.range, x.count) == (y.item, y.min, y.max, y.range, y.count)
        assert close(x.mean, y.mean) and close(x.sd, y.sd) and set(x.slowest) == set(y.slowest)


@PROPERTY
@given(readiness_scores(), st.randoms(use_true_random=False))
def test_each_item_is_summarised_the_same_whatever_the_item_order(scores, rnd):
    items = list(next(iter(scores.values())))
    rnd.shuffle(items)
    a = {s.item: s for s in pm.summarise_readiness(scores).items}
    b = pm.summarise_readiness(scores, items=items)
    assert [s.item for s in b.items] == items
    for s in b.items:
        assert (s.min, s.max, s.slowest) == (a[s.item].min, a[s.item].max, a[s.item].slowest)
        assert close(s.mean, a[s.item].mean) and close(s.sd, a[s.item].sd)
    assert close(b.pace_of_slowest, pm.summarise_readiness(scores).pace_of_slowest)


@PROPERTY
@given(readiness_scores(), st.integers(1, 8))
def test_the_widest_items_are_never_narrower_than_the_rest(scores, count):
    summary = pm.summarise_readiness(scores)
    widest = summary.widest(count)
    assert len(widest) == min(count, len(summary.items))
    rest = [s for s in summary.items if s not in widest]
    assert all(w.range >= r.range for w in widest for r in rest)


@PROPERTY
@given(readiness_scores(), st.sampled_from(NAMES), st.integers(pm.SCORE_MIN, pm.SCORE_MAX))
def test_raising_one_score_never_lowers_the_pace_of_the_slowest(scores, practice, bump):
    if practice not in scores:
        return
    item = next(iter(scores[practice]))
    raised = {p: dict(s) for p, s in scores.items()}
    raised[practice][item] = max(raised[practice][item], bump)
    before, after = pm.summarise_readiness(scores), pm.summarise_readiness(raised)
    assert after.pace_of_slowest >= before.pace_of_slowest - 1e-12
    assert after.overall_mean >= before.overall_mean - 1e-12


# --- compass -------------------------------------------------------------------------------------

@PROPERTY
@given(rooms())
def test_room_centre_lies_inside_the_placements_and_spreads_are_bounded(room):
    summary = pm.summarise_room(room)
    ci, co = summary.centre
    assert min(p.inward for p in room) - 1e-9 <= ci <= max(p.inward for p in room) + 1e-9
    assert min(p.outward for p in room) - 1e-9 <= co <= max(p.outward for p in room) + 1e-9
    assert all(0 <= sd <= 5 + 1e-9 for sd in summary.sd)
    widest = summary.furthest[2] if summary.furthest else 0.0
    assert 0 <= widest <= math.hypot(10, 10) + 1e-9
    assert summary.mean_distance_from_centre <= widest + 1e-9
    for spread in summary.pcns:
        assert spread.max_distance <= widest + 1e-9
        assert spread.mean_distance <= spread.max_distance + 1e-9
        assert len(spread.pairs) == spread.count * (spread.count - 1) // 2
    assert sum(s.count for s in summary.pcns) == sum(1 for p in room if p.pcn)


@PROPERTY
@given(rooms(min_size=2), st.randoms(use_true_random=False))
def test_room_summary_does_not_depend_on_order(room, rnd):
    shuffled = list(room)
    rnd.shuffle(shuffled)
    a, b = pm.summarise_room(room), pm.summarise_room(shuffled)
    assert all(close(x, y) for x, y in zip(a.centre + a.sd, b.centre + b.sd))
    assert close(a.furthest[2], b.furthest[2])
    assert [s.pcn for s in a.pcns] == [s.pcn for s in b.pcns]
    assert all(close(x.max_distance, y.max_distance) for x, y in zip(a.pcns, b.pcns))


@PROPERTY
@given(rooms())
def test_distance_is_a_metric_on_the_room(room):
    for p in room:
        assert pm.distance(p, p) == 0
        for q in room:
            assert close(pm.distance(p, q), pm.distance(q, p))
            for r in room[:3]:
                assert pm.distance(p, r) <= pm.distance(p, q) + pm.distance(q, r) + 1e-9


@PROPERTY
@given(st.one_of(st.floats(allow_nan=True), st.integers(-100, 100)), axis)
def test_placement_accepts_exactly_the_compass(inward, outward):
    inside = isinstance(inward, (int, float)) and math.isfinite(inward) and 0 <= inward <= 10
    try:
        p = pm.placement("x", inward, outward)
    except pm.PurposeError as error:
        assert not inside and str(error).startswith("inward must be")
    else:
        assert inside and p.inward == float(inward)


# --- statement -----------------------------------------------------------------------------------

@PROPERTY
@given(st.text(max_size=400))
def test_the_checker_never_raises_on_text(text):
    result = pm.check_statement(text)
    assert 0 <= result.met <= 3 and len(result.checks) == 3
    assert "\n" not in result.statement and result.statement == result.statement.strip()
    if result.error:
        assert result.met == 0
    tidy = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    if not tidy:
        assert result.error.startswith("The statement is empty")
    elif len(tidy) > pm.MAX_CHARS:
        assert result.error.startswith("Too long for one line")


@PROPERTY
@given(st.text(max_size=100), st.text(max_size=100), st.integers(0, 200))
def test_text_too_long_gets_a_plain_error(before, after, extra):
    text = before + " " + "x" * (pm.MAX_CHARS + 1 + extra) + " " + after  # one line-long run of letters
    result = pm.check_statement(text)
    assert result.error.startswith("Too long for one line") and result.met == 0


@PROPERTY
@given(st.text(alphabet=" \t\n\r\x0b\x0c", max_size=50))
def test_blank_text_gets_a_plain_error(text):
    assert pm.check_statement(text).error == "The statement is empty: write one line on what your network is for."


@PROPERTY
@given(st.text(alphabet=st.characters(categories=["Ll", "Zs"]), max_size=120))
def test_adding_a_cue_never_unmeets_a_question(text):
    base = pm.check_statement("we aim to " + text)
    more = pm.check_statement("we aim to " + text + " reviewed every year")
    if base.error is None and more.error is None:
        assert all(m.met >= b.met for b, m in zip(base.checks, more.checks))
        assert more.check("held_to").met


# --- reasons sort --------------------------------------------------------------------------------

CARDS = tuple(pm.Reason(f"r{k}", f"Reason {k}", "sound" if k % 3 else "unsound", "why") for k in range(8))


@PROPERTY
@given(st.dictionaries(st.sampled_from([c.reason for c in CARDS]), st.sampled_from(pm.VERDICTS)))
def test_sort_counts_are_consistent(answers):
    result = pm.score_sort(answers, CARDS)
    assert 0 <= result.correct <= result.sorted == len(answers) <= result.total == len(CARDS)
    assert result.correct == sum(answers[c.reason] == c.verdict for c in CARDS if c.reason in answers)
    assert [f.reason for f in result.feedback] == [c.reason for c in CARDS]
