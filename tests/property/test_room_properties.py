"""Properties of the room models: answer order does not matter, counts are conserved, seeds decide.

Answers are generated with distinct participant ids (one answer each, as the store gives the
latest per participant), so any order of them is the same room (assumption R1 only orders a
participant's own answers).
"""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from pcn_workbook.models import gainshare as gs
from pcn_workbook.models import room as rm
from pcn_workbook.models import stories as sto
from pcn_workbook.models import trust as tr
from strategies import EXPENSIVE, PROPERTY, groups, rules, tolerances

A = rm.RoomAnswer
EPS = 1e-6


# --- generators ----------------------------------------------------------------------------------

@st.composite
def autonomy_rooms(draw, max_answers=10):
    """(group, answers): answers from distinct participants, most playing a practice of the group,
    some playing nobody, some for another scenario, some not valid."""
    group = draw(groups(max_practices=5, max_changes=4))
    keys = [c.key for c in group.changes]
    n = draw(st.integers(0, max_answers))
    ids = draw(st.lists(st.integers(0, 10_000), min_size=n, max_size=n, unique=True))
    answers = []
    for i in ids:
        role = draw(st.sampled_from(list(group.names) + ["Nobody"]))
        chosen = draw(st.lists(st.sampled_from(keys), min_size=1, max_size=len(keys), unique=True))
        ballot = {k: draw(st.sampled_from(rm.VOTE_VALUES)) for k in chosen}
        scenario = draw(st.sampled_from(["room", "room", "room", "elsewhere"]))
        if draw(st.integers(0, 9)) == 0:
            ballot[chosen[0]] = "maybe"  # not a vote
        answers.append(A(i, role, {"scenario": scenario, "votes": ballot}))
    return group, answers


TIERS = pd.DataFrame({"tier": ["t1", "t2", "t3"], "label": ["Tier one", "Tier two", "Tier three"]})
FUNCTIONS = pd.DataFrame({"function": [f"f{i}" for i in range(5)], "label": [f"Function {i}" for i in range(5)],
                          "tier": ["t1", "t2", "t3", "t2", "t1"], "reason": ["why"] * 5})


@st.composite
def placements(draw, max_answers=25):
    n = draw(st.integers(0, max_answers))
    ids = draw(st.lists(st.integers(0, 10_000), min_size=n, max_size=n, unique=True))
    tiers = st.sampled_from(list(TIERS.tier) + ["t9"])  # t9: not a tier, so the answer is skipped
    return [A(i, "", {"placement": draw(st.dictionaries(st.sampled_from(list(FUNCTIONS.function)), tiers, max_size=5))})
            for i in ids]


@st.composite
def habits(draw, max_answers=14):
    n = draw(st.integers(0, max_answers))
    ids = draw(st.lists(st.integers(0, 10_000), min_size=n, max_size=n, unique=True))
    noise = st.one_of(st.sampled_from([0.0, 0.05, 0.1, 0.5]), st.floats(0.0, 0.6, allow_nan=False))
    return [A(i, "", {"habit": draw(st.sampled_from(list(tr.STRATEGIES) + ["copycat"])), "noise": draw(noise)})
            for i in ids]


words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)


@st.composite
def story_rooms(draw, max_drafts=6, max_votes=15):
    n = draw(st.integers(0, max_drafts))
    submissions = draw(st.lists(st.integers(1, 500), min_size=n, max_size=n, unique=True))
    drafts = [(s, A(draw(st.integers(0, 4)), "", {"draft": {"change": draw(words), "action": draw(words)}}))
              for s in submissions]
    m = draw(st.integers(0, max_votes))
    voters = draw(st.lists(st.integers(1_000, 2_000), min_size=m, max_size=m, unique=True))
    targets = st.one_of(st.sampled_from(submissions), st.integers(1, 600)) if submissions else st.integers(1, 600)
    votes = [A(v, "", {"story": draw(targets)}) for v in voters]
    return drafts, votes


# --- the autonomy paradox --------------------------------------------------------------------------

@EXPENSIVE
@given(autonomy_rooms(), tolerances, rules, st.randoms(use_true_random=False))
def test_autonomy_room_ignores_answer_order(room_answers, tolerance, rule, rnd):
    group, answers = room_answers
    shuffled = list(answers)
    rnd.shuffle(shuffled)
    assert rm.autonomy_room(group, answers, tolerance, rule, scenario="room") == \
        rm.autonomy_room(group, shuffled, tolerance, rule, scenario="room")


@PROPERTY
@given(autonomy_rooms(), tolerances)
def test_autonomy_room_conserves_answers_and_votes(room_answers, tolerance):
    group, answers = room_answers
    room = rm.autonomy_room(group, answers, tolerance, "equal", scenario="room")
    assert room.answers + room.skipped == len(answers)
    assert sum(room.players.values()) == room.answers
    assert sum(room.skip_reasons.values()) == room.skipped
    usable = [a for a in answers if a.role in group.names and a.payload["scenario"] == "room"
              and "maybe" not in a.payload["votes"].values()]
    assert room.answers == len(usable)
    for v in room.votes:
        cast = [a.payload["votes"].get(v.change) for a in usable if a.role == v.practice]
        assert (v.yes, v.no) == (cast.count("yes"), cast.count("no"))
        if v.by == rm.ROOM:
            assert v.vote == ("yes" if v.yes > v.no else "no")
        else:
            assert v.yes == v.no == 0


@PROPERTY
@given(autonomy_rooms(), tolerances, rules)
def test_a_realised_change_pays_and_had_no_no(room_answers, tolerance, rule):
    group, answers = room_answers
    room = rm.autonomy_room(group, answers, tolerance, rule, scenario="room")
    for c in room.changes:
        said_no = {v.practice for v in room.votes if v.change == c.key and v.vote == "no"}
        assert c.realised == (c.pays and not said_no)
        assert set(c.blocked_by) == said_no
        assert c.pays == (gs.coalition_value(group, group.change(c.key), group.names) > 0)
    assert room.value_realised <= room.ceiling + EPS
    for r in room.regimes:  # superadditivity: no arrangement realises more than v(N)
        assert r.benefit <= room.ceiling + max(EPS, 1e-9 * room.ceiling)
        assert set(r.leavers) <= set(group.names)


@PROPERTY
@given(groups(max_practices=5, max_changes=4), tolerances, rules)
def test_an_empty_room_is_the_model(group, tolerance, rule):
    room = rm.autonomy_room(group, [], tolerance, rule)
    _, veto, bundle, transfers, _ = gs.compare(group, tolerance, rule)
    assert room.veto.outcome.adopted == veto.adopted and dict(room.veto.outcome.blocked_by) == dict(veto.blocked_by)
    assert room.bundle.outcome.adopted == bundle.adopted
    assert room.gainshare(rule).outcome.adopted == transfers.adopted
    assert math.isclose(room.gainshare(rule).benefit, transfers.group_benefit, rel_tol=1e-9, abs_tol=1e-6)


# --- scale choices -----------------------------------------------------------------------------------

@PROPERTY
@given(placements(), st.randoms(use_true_random=False))
def test_scale_room_ignores_answer_order(answers, rnd):
    shuffled = list(answers)
    rnd.shuffle(shuffled)
    assert rm.scale_room(FUNCTIONS, TIERS, answers) == rm.scale_room(FUNCTIONS, TIERS, shuffled)


@PROPERTY
@given(placements())
def test_scale_room_conserves_counts(answers):
    room = rm.scale_room(FUNCTIONS, TIERS, answers)
    valid = [a for a in answers if a.payload["placement"] and "t9" not in a.payload["placement"].values()]
    assert room.answers == len(valid) and room.answers + room.skipped == len(answers)
    assert room.placements == sum(len(a.payload["placement"]) for a in valid)
    assert sum(r["count"] for r in room.rows()) == room.placements
    for f in room.functions:
        assert sum(f.counts.values()) == f.placed <= room.answers
        assert f.placed == sum(f.function in a.payload["placement"] for a in valid)
        if f.placed:
            assert math.isclose(sum(f.shares.values()), 1.0)
            assert 0.0 <= f.dispute <= 1.0 + 1e-12 and 0.0 <= f.agreement <= 1.0
            assert (f.dispute == 0.0) == (len(f.room_tiers) == 1 and f.counts[f.room_tiers[0]] == f.placed)
        else:
            assert f.dispute is None and f.agreement is None
    placed = [f.dispute for f in room.functions if f.dispute is not None]
    assert placed == sorted(placed, reverse=True)  # most disputed first
    assert all(f.dispute is None for f in room.functions[len(placed):])  # unplaced last


# --- trust -------------------------------------------------------------------------------------------

@EXPENSIVE
@given(habits(), st.integers(0, 2**32 - 1), st.randoms(use_true_random=False))
def test_trust_room_ignores_answer_order_and_is_seeded(answers, seed, rnd):
    shuffled = list(answers)
    rnd.shuffle(shuffled)
    first = rm.trust_room(answers, rounds=5, generations=3, seed=seed)
    assert first == rm.trust_room(shuffled, rounds=5, generations=3, seed=seed)
    assert first == rm.trust_room(answers, rounds=5, generations=3, seed=seed)


@EXPENSIVE
@given(habits())
def test_trust_room_conserves_players(answers):
    room = rm.trust_room(answers, rounds=3, generations=2)
    assert room.answers + room.skipped == len(answers)
    assert room.players + len(room.left_out) == room.answers
    assert sum(room.mix.values()) == room.players == len(room.habits)
    assert sum(len(ids) for ids in room.holders.values()) == room.players
    assert room.ready == (room.players >= 2)
    if room.ready:
        assert all(sum(c.values()) == room.players for c in room.evolution.counts)
        assert tr.NOISE_RANGE[0] <= room.noise <= tr.NOISE_RANGE[1]
        assert set(room.leaders) <= set(room.survivors)
        assert set(room.survivor_ids) <= set(room.habits)


# --- springboard stories -----------------------------------------------------------------------------

@PROPERTY
@given(story_rooms(), st.randoms(use_true_random=False))
def test_stories_room_ignores_order(room_input, rnd):
    drafts, votes = room_input
    d2, v2 = list(drafts), list(votes)
    rnd.shuffle(d2)
    rnd.shuffle(v2)
    assert rm.stories_room(drafts, votes) == rm.stories_room(d2, v2)


@PROPERTY
@given(story_rooms())
def test_stories_room_conserves_votes(room_input):
    drafts, votes = room_input
    room = rm.stories_room(drafts, votes)
    usable_drafts = [(s, a) for s, a in drafts if any(t.replace("\x00", "").strip() for t in a.payload["draft"].values())]
    assert room.drafts == len(usable_drafts)
    assert room.votes + room.ignored_votes == len(votes)  # every vote here is well formed
    assert sum(s.votes for s in room.stories) == room.votes
    assert len(room.stories) == len({a.participant for _, a in usable_drafts})
    ids = {s.submission for s in room.stories} | {e for s in room.stories for e in s.earlier}
    assert room.ignored_votes == sum(v.payload["story"] not in ids for v in votes)
    top = max((s.votes for s in room.stories), default=0)
    assert set(room.leaders) == ({s.submission for s in room.stories if s.votes == top} if top else set())
    for s in room.stories:
        assert s.checklist == sto.check(s.draft)
        assert len(s.title) <= rm.TITLE_CHARS
    assert len({s.label for s in room.stories}) == len(room.stories)


# --- what is a PCN for? (U1-U5) ---------------------------------------------------------------------

PURPOSE_ITEMS = ("vision", "data", "estates")
pcn_roles = st.sampled_from(list(rm.PCN_GROUPS[:3]) + ["", "Practice A"])


@st.composite
def compass_answers(draw, max_answers=12):
    n = draw(st.integers(0, max_answers))
    ids = draw(st.lists(st.integers(0, 10_000), min_size=n, max_size=n, unique=True))
    return [A(i, draw(pcn_roles), {"inward": draw(st.integers(-2, 12)), "outward": draw(st.integers(0, 10))})
            for i in ids]


@st.composite
def readiness_answers(draw, max_answers=12):
    n = draw(st.integers(0, max_answers))
    ids = draw(st.lists(st.integers(0, 10_000), min_size=n, max_size=n, unique=True))
    return [A(i, draw(pcn_roles), {"scores": {k: draw(st.integers(0, 5)) for k in
                                              draw(st.lists(st.sampled_from(PURPOSE_ITEMS), min_size=2, max_size=3,
                                                            unique=True))}})
            for i in ids]


@PROPERTY
@given(compass_answers(), st.randoms(use_true_random=False))
def test_compass_room_keeps_every_valid_view_once_whatever_the_order(answers, rnd):
    room = rm.purpose_compass_room(answers)
    valid = [a for a in answers if 0 <= a.payload["inward"] <= 10]
    assert room.answers == len(valid) and room.skipped == len(answers) - len(valid)
    assert len({v.tag for v in room.views}) == len(room.views)  # tags are unique: nobody is merged
    shuffled = list(answers)
    rnd.shuffle(shuffled)
    assert rm.purpose_compass_room(shuffled) == room  # tags follow participant ids, not arrival
    if room.summary:
        ci, co = room.summary.centre
        assert 0 <= ci <= 10 and 0 <= co <= 10
        pairs = [s for s in room.summary.pcns if s.count >= 2]  # PCNs with two views or more
        assert (room.focus is None) == (not pairs)
        if room.focus:
            assert room.focus.max_distance == max(s.max_distance for s in pairs)


@PROPERTY
@given(readiness_answers())
def test_readiness_room_tallies_every_score_and_the_slowest_sets_the_pace(answers):
    room = rm.purpose_readiness_room(PURPOSE_ITEMS, answers)
    complete = [a for a in answers if set(a.payload["scores"]) == set(PURPOSE_ITEMS)
                and all(1 <= v <= 4 for v in a.payload["scores"].values())]
    assert room.answers == len(complete) and room.skipped == len(answers) - len(complete)
    for item in PURPOSE_ITEMS:
        assert sum(room.counts[item].values()) == len(complete)
    if room.summary:
        assert room.summary.pace_of_slowest <= room.summary.overall_mean + EPS
        for pcn, summary in room.pcns:
            assert len(summary.practices) >= 2 and all(room.pcn_of[t] == pcn for t in summary.practices)
            # a network's slowest is never slower than the room's slowest
            assert summary.pace_of_slowest >= room.summary.pace_of_slowest - EPS
