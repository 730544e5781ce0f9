"""Tests for pcn_workbook.charts.room: each projector chart carries the room's result as data, says it
in words, renders (vl-convert compiles it to SVG), and says "No answers yet" for an empty room."""

from __future__ import annotations

import json
import re

import pytest
import vl_convert as vlc

from pcn_workbook import data
from pcn_workbook.charts import room as rc
from pcn_workbook.charts.theme import money
from pcn_workbook.models import room as rm
from pcn_workbook.models import trust as tr

A = rm.RoomAnswer


@pytest.fixture(scope="module")
def group():
    return data.autonomy_group("five_practices")


@pytest.fixture(scope="module")
def autonomy(group):
    keys = [c.key for c in group.changes]
    answers = [A(1, "Practice A", {"scenario": "five_practices", "votes": dict.fromkeys(keys, "yes")}),
               A(2, "Practice C", {"scenario": "five_practices", "votes": {**dict.fromkeys(keys, "yes"), keys[1]: "no"}}),
               A(3, "Practice D", {"scenario": "five_practices", "votes": {keys[-1]: "no"}}),
               A(4, "Practice Q", {"scenario": "five_practices", "votes": {keys[0]: "no"}})]
    return rm.autonomy_room(group, answers, 1.0, "shapley", scenario="five_practices")


@pytest.fixture(scope="module")
def scale():
    functions = data.scale_functions()
    keys = list(functions.function)
    answers = [A(i, "", {"placement": {keys[0]: "community", keys[1]: ("community", "locality", "borough")[i % 3],
                                       keys[2]: "borough" if i % 2 else "locality"}}) for i in range(6)]
    return rm.scale_room(functions, data.scale_tiers(), answers)


@pytest.fixture(scope="module")
def trust_room():
    kinds = ["tit_for_tat", "always_hoard", "always_share", "grudger"]
    return rm.trust_room([A(i, "", {"habit": kinds[i % 4], "noise": (0.0, 0.05, 0.1)[i % 3]}) for i in range(10)],
                         generations=8, seed=2)


NASTY = "<script>alert(1)</script> & co"


@pytest.fixture(scope="module")
def stories():
    drafts = [(10, A(1, "", {"draft": {"change": NASTY}})), (11, A(2, "", {"draft": {"change": "Shared document hub"}})),
              (12, A(3, "", {"draft": {"change": "One paramedic team"}}))]
    votes = [A(100 + i, "", {"story": s}) for i, s in enumerate([10, 11, 11, 12, 10, 11, 999])]
    return rm.stories_room(drafts, votes)


def spec(chart) -> dict:
    return chart.to_dict()


def svg(chart) -> str:
    return vlc.vegalite_to_svg(chart.to_json())


def all_text(d: dict) -> str:
    return json.dumps(d, ensure_ascii=False)


# --- autonomy --------------------------------------------------------------------------------------

def test_autonomy_votes_chart_carries_every_vote_and_result(autonomy):
    d = spec(rc.autonomy_votes_chart(autonomy))
    cells = d["datasets"]["cells"]
    assert len(cells) == len(autonomy.votes) == len(autonomy.changes) * len(autonomy.practices)
    labels = {c.key: c.label for c in autonomy.changes}
    for cell, v in zip(cells, autonomy.votes):
        assert (cell["change"], cell["practice"]) == (labels[v.change], v.practice)
        assert cell["vote"] == rc.VOTE_WORDS[v.vote] and cell["by"] == rc.BY_WORDS[v.by]
        assert cell["text"].startswith(rc.VOTE_WORDS[v.vote].upper())  # the vote in words, not colour alone
    outcomes = d["datasets"]["outcomes"]
    assert [o["status"] for o in outcomes] == [rc.STATUS_WORDS[c.status] for c in autonomy.changes]
    blocked = [c for c in autonomy.changes if c.status == "blocked"]
    assert blocked, "the fixture should block at least one change"
    for c, o in zip(autonomy.changes, outcomes):
        if c.status == "blocked":
            assert all(p in o["text"] for p in c.blocked_by)


def test_autonomy_votes_text_names_the_key_figures(autonomy):
    text = rc.autonomy_votes_text(autonomy)
    assert money(autonomy.value_realised) in text and money(autonomy.ceiling) in text
    for c in autonomy.changes:
        assert c.label in text
        for p in c.blocked_by:
            assert p in text
    assert "1 answer could not be used" in text  # Practice Q is not in the scenario
    assert text == spec(rc.autonomy_votes_chart(autonomy))["description"]


def test_autonomy_regimes_chart_matches_the_result(autonomy):
    d = spec(rc.autonomy_regimes_chart(autonomy))
    rows = d["datasets"]["regimes"]
    assert [r["regime"] for r in rows] == [r.label for r in autonomy.regimes]
    assert [r["benefit"] for r in rows] == pytest.approx([r.benefit for r in autonomy.regimes])
    assert d["datasets"]["ceiling"][0]["x"] == pytest.approx(autonomy.ceiling)
    text = rc.autonomy_regimes_text(autonomy)
    for r in autonomy.regimes:
        assert f"{r.label}: {money(r.benefit)}" in text
    assert money(autonomy.ceiling) in text


def test_autonomy_regimes_text_says_who_blocks_and_who_would_leave():
    from pcn_workbook.models import gainshare as gs
    practices = tuple(gs.Practice(n, 1_000) for n in "XYZ")
    changes = (gs.Change("free", "Free change", "", 0.0, 0, ""), gs.Change("hub", "Hub", "", 3_000.0, 0, ""))
    rates = {("free", p): 1.0 for p in "XYZ"} | {("hub", "X"): 3.0, ("hub", "Y"): 3.0, ("hub", "Z"): 0.0}
    room = rm.autonomy_room(gs.Group(practices, changes, rates),
                            [A(1, "Z", {"scenario": "s", "votes": {"free": "yes", "hub": "no"}})], 0.0)
    text = rc.autonomy_regimes_text(room)
    assert "As one bundle: £3,000 a year; blocked by Z." in text
    assert room.bundle.fell_back and not room.gainshare("equal").fell_back


# --- scale -----------------------------------------------------------------------------------------

def test_scale_matrix_chart_matches_the_room(scale):
    d = spec(rc.scale_matrix_chart(scale))
    cells = d["datasets"]["cells"]
    assert len(cells) == len(scale.functions) * len(scale.tiers)
    assert sum(c["count"] for c in cells) == scale.placements
    for c, row in zip(cells, scale.rows()):
        assert (c["function"], c["tier"], c["count"], c["sources"]) == (row["function"], row["tier"], row["count"], row["sources"])
        assert ("sources" in c["text"]) == c["sources"]  # the sources' answer in words as well as a border
    disputes = d["datasets"]["disputes"]
    assert [x["label"] for x in disputes] == [f.label for f in scale.functions]  # most disputed first
    assert [x["rank"] for x in disputes] == list(range(len(scale.functions)))


def test_scale_matrix_text_puts_the_most_disputed_first(scale):
    text = rc.scale_matrix_text(scale)
    positions = [text.index(f.label + ":") for f in scale.functions]
    assert positions == sorted(positions)
    assert f"{scale.agreement:.0%}" in text
    top = scale.functions[0]
    assert f"dispute {top.dispute:.2f}" in text


# --- trust -----------------------------------------------------------------------------------------

def test_trust_tournament_chart_matches_the_result(trust_room):
    d = spec(rc.trust_tournament_chart(trust_room))
    rows = d["datasets"]["scores"]
    expected = trust_room.tournament.by_strategy()
    assert [r["strategy"] for r in rows] == [r["name"] for r in expected]
    assert [r["mean_score"] for r in rows] == pytest.approx([r["mean_score"] for r in expected])
    assert d["datasets"]["notice"] == []
    text = rc.trust_tournament_text(trust_room)
    assert f"{trust_room.noise:.0%} mistakes" in text
    for r in expected:
        assert f"{r['name']} ({r['players']} player" in text


def test_trust_evolution_chart_matches_the_result(trust_room):
    d = spec(rc.trust_evolution_chart(trust_room))
    rows = d["datasets"]["counts"]
    generations = len(trust_room.evolution.counts)
    assert len({r["generation"] for r in rows}) == generations
    for g in range(generations):
        assert sum(r["count"] for r in rows if r["generation"] == g) == trust_room.players
    text = rc.trust_evolution_text(trust_room)
    for k in trust_room.survivors:
        assert tr.STRATEGIES[k].name in text
    assert f"{len(trust_room.survivor_ids)} of {trust_room.players} chose a habit that survived" in text


def test_trust_charts_with_one_player_say_why():
    room = rm.trust_room([A(1, "", {"habit": "grudger", "noise": 0.0})])
    for build, words in ((rc.trust_tournament_chart, rc.trust_tournament_text), (rc.trust_evolution_chart, rc.trust_evolution_text)):
        d = spec(build(room))
        assert "at least two" in all_text(d["title"]) and "at least two" in words(room)
        assert d["datasets"]["notice"][0]["text"] == "Waiting for a second habit"


# --- stories ---------------------------------------------------------------------------------------

def test_stories_chart_tallies_votes(stories):
    d = spec(rc.stories_votes_chart(stories))
    rows = d["datasets"]["stories"]
    assert [r["label"] for r in rows] == [s.label for s in stories.ranked()]
    assert [r["votes"] for r in rows] == [2 if s.submission == 10 else 3 if s.submission == 11 else 1 for s in stories.ranked()]
    assert [r["leader"] for r in rows] == [s.submission in stories.leaders for s in stories.ranked()]
    assert any("LEADING" in r["text"] for r in rows)  # the leader in words, not colour alone
    text = rc.stories_votes_text(stories)
    assert "Leading: Shared document hub with 3 votes." in text
    assert "1 vote for a story not on the list was not counted." in text
    assert "6 votes for 3 stories." in text


def test_participant_text_is_data_only_and_never_escaped_or_marked_up(stories):
    d = spec(rc.stories_votes_chart(stories))
    raw = stories.story(10).label
    assert raw.startswith("<script>")
    assert raw in [r["label"] for r in d["datasets"]["stories"]]  # as written: Vega draws it as text
    assert raw not in all_text(d["title"])
    assert "tooltip" not in all_text(d)
    assert "&lt;" not in all_text(d) and "&lt;" not in rc.stories_votes_text(stories)
    assert raw in rc.stories_votes_text(stories)  # plain text: the caller escapes it once


# --- every chart -----------------------------------------------------------------------------------

def builders(group):
    functions, tiers = data.scale_functions(), data.scale_tiers()
    return {
        "autonomy_votes": (rc.autonomy_votes_chart, rc.autonomy_votes_text, rm.autonomy_room(group, [], 1.0)),
        "autonomy_regimes": (rc.autonomy_regimes_chart, rc.autonomy_regimes_text, rm.autonomy_room(group, [], 1.0)),
        "scale_matrix": (rc.scale_matrix_chart, rc.scale_matrix_text, rm.scale_room(functions, tiers, [])),
        "trust_tournament": (rc.trust_tournament_chart, rc.trust_tournament_text, rm.trust_room([])),
        "trust_evolution": (rc.trust_evolution_chart, rc.trust_evolution_text, rm.trust_room([])),
        "stories_votes": (rc.stories_votes_chart, rc.stories_votes_text, rm.stories_room([], [])),
    }


@pytest.mark.parametrize("name", ["autonomy_votes", "autonomy_regimes", "scale_matrix", "trust_tournament",
                                  "trust_evolution", "stories_votes"])
def test_every_chart_works_on_an_empty_room_and_says_so(group, name):
    build, words, empty = builders(group)[name]
    chart = build(empty)
    assert rc.NO_ANSWERS in all_text(spec(chart))
    assert rc.NO_ANSWERS in words(empty)
    assert rc.NO_ANSWERS in svg(chart)  # it is drawn, not only carried in the spec


@pytest.mark.parametrize("name", ["autonomy_votes", "autonomy_regimes", "scale_matrix", "trust_tournament",
                                  "trust_evolution", "stories_votes"])
def test_every_chart_renders_with_projector_type_and_its_parts_update_its_template(name, request, group):
    fixture = {"autonomy_votes": "autonomy", "autonomy_regimes": "autonomy", "scale_matrix": "scale",
               "trust_tournament": "trust_room", "trust_evolution": "trust_room", "stories_votes": "stories"}[name]
    result = request.getfixturevalue(fixture)
    build, words = getattr(rc, f"{name}_chart"), getattr(rc, f"{name}_text")
    template, parts = getattr(rc, f"{name}_template"), getattr(rc, f"{name}_parts")
    chart = build(result)
    d = spec(chart)
    assert set(parts(result)) == {"datasets", "title", "description"}
    assert template().properties(**parts(result)).to_dict() == d
    assert d["description"] == words(result)
    assert d["title"]["fontSize"] >= 22 and d["title"]["subtitleFontSize"] >= 18
    sizes = [v for k, v in _walk({k: v for k, v in d.items() if k != "config"}) if k in ("labelFontSize", "fontSize")]
    assert sizes and min(sizes) >= 16
    drawn = svg(chart)
    width = float(re.search(r'<svg[^>]*\swidth="([0-9.]+)"', drawn).group(1))
    assert 700 <= width <= 1150  # about 900 px for a projector, axis labels included


def _walk(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                yield k, v
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)
