"""Unit tests for pcn_workbook.models.stories: the springboard checklist, matching and the card.

The example stories are written for these tests; the practice and people in them are fictional.
"""

from __future__ import annotations

import dataclasses
import doctest

import pandas as pd
import pytest

from pcn_workbook import data
from pcn_workbook.models import stories as st

# A complete springboard story about a fictional practice (106 words as told).
GOOD = st.Draft(
    change="one home-visiting team for the PCN",
    when="In November 2018",
    where="In a market town in Cheshire",
    protagonist="Dr Asha Patel, a GP partner in a four-doctor practice",
    predicament="Every afternoon she drove to urgent home visits, and her surgery ran late while patients "
                "waited to be seen.",
    action="She and three neighbouring practices hired a paramedic to do the urgent visits and report back "
           "to each practice before evening surgery.",
    ending="Within six months she was home an hour earlier on most days, and fewer visits ended in a "
           "hospital admission.",
    otherwise="Without the paramedic she would still be choosing between her waiting room and the "
              "housebound patients.",
    invitation="What if we shared one visiting team across our practices?",
)
KEYS = [e.key for e in st.ELEMENTS]


def checks(draft) -> dict[str, st.Check]:
    return {c.key: c for c in st.check(draft).checks}


def test_doctests_in_stories_module_pass():
    result = doctest.testmod(st, verbose=False)
    assert result.attempted >= 3 and result.failed == 0


def test_elements_follow_denning():
    assert KEYS == ["change", "true_event", "when", "where", "protagonist", "predicament", "action", "ending",
                    "otherwise", "length", "invitation"]
    for element in st.ELEMENTS:
        assert element.label and element.question.endswith("?") and len(element.rule) > 20
    assert len({e.label for e in st.ELEMENTS}) == len(st.ELEMENTS)


def test_complete_story_meets_every_element():
    result = st.check(GOOD)
    assert (result.score, result.total) == (11, 11)
    assert all(c.met and c.feedback.startswith("Good") for c in result.checks)
    assert result.summary() == "All 11 elements are in place: ready to tell."
    # 6 + 10 + 17 + 22 + 19 + 15 + 10 words, counted by hand from the fields above
    assert len(st.words(GOOD.text())) == 99 + 7 == 106


def test_text_puts_date_and_place_first_and_leaves_the_change_out():
    text = GOOD.text()
    assert text.startswith("In November 2018, in a market town in Cheshire. Dr Asha Patel")
    assert text.endswith("across our practices?")
    assert "one home-visiting team for the PCN" not in text
    assert st.Draft(when="Last winter", where="Leeds").text() == "Last winter, Leeds."
    assert st.Draft().text() == ""


def test_a_part_ending_in_a_comma_or_dash_runs_on_into_the_next():
    draft = st.Draft(protagonist="Dr Ahmed, a GP partner,", predicament="was seeing back pain all day",
                     action="She hired a physiotherapist \u2014", ending="and waits fell;")
    assert draft.text() == ("Dr Ahmed, a GP partner, was seeing back pain all day. "
                            "She hired a physiotherapist \u2014 and waits fell.")
    assert st.Draft(invitation="What if we tried it here,").text() == "What if we tried it here."
    assert st.Draft(when=",", where="-").text() == ""  # stray punctuation is not a sentence
    assert st.Draft(ending=" ,,; ").text() == ""


# (field to replace, new text, element that must fail, words its feedback must contain)
FAILURES = [
    ("change", "", "change", ["short phrase", "change"]),
    ("change", "visits", "change", ["a little more", "1 of at least 3"]),
    ("when", "", "when", ["when it happened", "March 2019"]),
    ("when", "one day", "when", ["when it happened"]),
    ("where", "", "where", ["where it happened"]),
    ("where", "here", "where", ["Name the place", "'here'"]),
    ("protagonist", "", "protagonist", ["who the story is about"]),
    ("protagonist", "we", "protagonist", ["one person", "by name or role"]),
    ("protagonist", "the partners", "protagonist", ["one person"]),
    ("protagonist", "everyone at the surgery", "protagonist", ["one person"]),
    ("predicament", "", "predicament", ["Add a sentence", "problem"]),
    ("predicament", "Too many visits.", "predicament", ["a little more", "3 of at least 5"]),
    ("action", "", "action", ["Add a sentence on what they did"]),
    ("ending", "", "ending", ["how it ended"]),
    ("ending", "It was a good thing in the end.", "ending", ["result", "a number"]),
    ("otherwise", "", "otherwise", ["alternate ending"]),
    ("otherwise", "Things are hard everywhere.", "otherwise", ["what would have happened", "Without it"]),
    ("invitation", "", "invitation", ["What if we tried this here?"]),
    ("invitation", "Think about it.", "invitation", ["towards your listeners", "What if we"]),
]


@pytest.mark.parametrize("name, text, key, expected", FAILURES)
def test_each_element_fails_with_helpful_feedback(name, text, key, expected):
    draft = dataclasses.replace(GOOD, **{name: text})
    result = checks(draft)
    assert not result[key].met
    for words in expected:
        assert words in result[key].feedback, f"{words!r} not in {result[key].feedback!r}"
    others = [k for k in KEYS if k not in (key, "length") and not result[k].met]
    assert others == [], f"changing {name} also failed {others}"
    assert "Still to add: " in st.check(draft).summary()


def test_present_tense_story_is_not_a_true_event_yet():
    plan = dataclasses.replace(
        GOOD, predicament="Every afternoon she drives to urgent home visits and her surgery runs late.",
        action="She plans to share a paramedic with three neighbouring practices next year.",
        ending="She hopes to be home an hour earlier, with fewer admissions.")
    result = checks(plan)
    assert not result["true_event"].met
    assert "past tense" in result["true_event"].feedback and "a plan" in result["true_event"].feedback
    assert result["ending"].met  # the other elements are judged on their own


@pytest.mark.parametrize("when, found", [("In March 2019", "2019"), ("last winter", "last winter"),
                                         ("two years ago", "ago"), ("In May", "May"), ("1999", "1999")])
def test_dates_the_rule_accepts(when, found):
    result = checks(dataclasses.replace(GOOD, when=when))["when"]
    assert result.met and f"({found})" in result.feedback


@pytest.mark.parametrize("when", ["12345", "in 2200", "soon", "once upon a time"])
def test_dates_the_rule_rejects(when):
    assert not checks(dataclasses.replace(GOOD, when=when))["when"].met


@pytest.mark.parametrize("who", ["Sam", "our practice manager", "a receptionist called Jo",
                                 "Dr Lee and the partners"])
def test_protagonists_the_rule_accepts(who):
    assert checks(dataclasses.replace(GOOD, protagonist=who))["protagonist"].met


def test_length_bounds():
    short = st.Draft(when="In 2019", where="Leeds", protagonist="Sam", ending="It saved 10 hours.")
    result = checks(short)["length"]
    assert not result.met and "too short" in result.feedback and f"{st.MIN_STORY_WORDS}" in result.feedback
    padded = dataclasses.replace(GOOD, predicament=GOOD.predicament + " go" * 300)  # 406 words, under the field limit
    result = checks(padded)["length"]
    assert not result.met and "long" in result.feedback and f"under {st.MAX_STORY_WORDS}" in result.feedback
    assert checks(padded)["predicament"].met


def test_empty_draft_scores_nothing_and_lists_everything():
    result = st.check(st.Draft())
    assert result.score == 0 and result.total == len(st.ELEMENTS)
    assert result.summary().startswith("0 of 11 elements in place. Still to add: a clear change idea;")


def test_from_dict_ignores_unknown_keys_coerces_and_truncates():
    draft = st.Draft.from_dict({"when": "In 2019", "where": None, "ending": 42, "colour": "blue",
                                "action": "x" * (st.MAX_FIELD_CHARS + 10)})
    assert draft.when == "In 2019" and draft.where == "" and draft.ending == ""
    assert draft.action == "x" * st.MAX_FIELD_CHARS
    assert st.Draft.from_dict(None) == st.Draft()
    assert st.Draft.from_dict(dataclasses.asdict(GOOD)) == GOOD


def test_check_never_raises_on_odd_input():
    odd = st.Draft(change=None, when=2019, where=["Leeds"], protagonist="\x00\x1b[31m", ending="\ud800")
    assert st.check(odd).score >= 0
    assert st.check({"when": "In 2019"}).score == checks(st.Draft(when="In 2019"))["when"].met
    huge = st.Draft(predicament="word " * 1_000_000)
    result = st.check(huge)
    assert result.total == 11 and checks(huge)["predicament"].met


# ---------------------------------------------------------------- matching

TOY_BANK = pd.DataFrame({
    "story": ["a", "b", "c", "d"],
    "title": ["A", "B", "C", "D"],
    "scale": ["pcn", "locality", "", "city_region"],
    "tags": [("ae_pressure", "demand"), ("ae_pressure",), ("demand", "ae_pressure", "burnout"), ("care_homes",)],
})


def test_scores_worked_by_hand():
    # a: 2 topics x 2 + same scale 1 = 5; c: 2 x 2 + unknown scale 0 = 4; b: 1 x 2 + one step 0.5 = 2.5;
    # d: no topic, five steps away = 0, left out.
    found = st.match_stories(TOY_BANK, ["ae_pressure", "demand"], scale="pcn", limit=4)
    assert [(m.story, m.score) for m in found] == [("a", 5.0), ("c", 4.0), ("b", 2.5)]
    assert found[0].reasons == ("speaks to A&E pressure", "speaks to demand on appointments", "same scale: PCN")
    assert found[2].reasons == ("speaks to A&E pressure", "neighbouring scale: locality (you chose PCN)")
    assert found[1].reasons == ("speaks to A&E pressure", "speaks to demand on appointments")


def test_ties_keep_bank_order_and_limit_applies():
    found = st.match_stories(TOY_BANK, ["ae_pressure"])
    assert [m.story for m in found] == ["a", "b", "c"] and {m.score for m in found} == {2.0}
    assert [m.story for m in st.match_stories(TOY_BANK, ["ae_pressure"], limit=2)] == ["a", "b"]


def test_scale_alone_finds_stories_at_that_scale():
    found = st.match_stories(TOY_BANK, [], scale="locality")
    assert [(m.story, m.score) for m in found] == [("b", 1.0), ("a", 0.5)]
    assert st.match_stories(TOY_BANK, []) == []


def test_text_tags_and_a_single_string_work_like_tuples():
    text_bank = TOY_BANK.assign(tags=TOY_BANK["tags"].map(";".join))
    assert st.match_stories(text_bank, ["demand"], "pcn") == st.match_stories(TOY_BANK, ["demand"], "pcn")
    assert st.match_stories(TOY_BANK, "demand") == st.match_stories(TOY_BANK, ["demand", "demand"])


def test_matching_the_real_bank_is_deterministic_and_explained():
    bank = data.story_bank()
    first = st.match_stories(bank, ["home_visits", "workforce"], scale="pcn")
    assert first == st.match_stories(data.story_bank(), ["home_visits", "workforce"], scale="pcn")
    assert first[0].story == "acute_visiting_service"
    assert first[0].reasons == ("speaks to home visits", "speaks to workforce and new roles", "same scale: PCN")
    found = st.match_stories(bank, ["ae_pressure", "registration"])
    assert found[0].story == "haverstock" and found[0].score == 4.0


@pytest.mark.parametrize("kwargs, words", [
    ({"tags": ["a_and_e"]}, ["Unknown topic 'a_and_e'", "ae_pressure (A&E pressure)"]),
    ({"tags": [3]}, ["Unknown topic 3"]),
    ({"tags": 3}, ["list of topic keys"]),
    ({"tags": [], "scale": "county"}, ["Unknown scale 'county'", "practice, neighbourhood, pcn"]),
    ({"tags": [], "limit": 0}, ["limit", "1 or more"]),
    ({"tags": [], "limit": 2.5}, ["limit"]),
    ({"tags": [], "limit": True}, ["limit"]),
])
def test_bad_requests_are_plain_errors(kwargs, words):
    with pytest.raises(st.StoryError) as error:
        st.match_stories(TOY_BANK, **kwargs)
    for w in words:
        assert w in str(error.value)
    assert isinstance(error.value, ValueError)


def test_a_bank_without_the_columns_is_a_plain_error():
    with pytest.raises(st.StoryError, match="lacks the column.*tags"):
        st.match_stories(TOY_BANK.drop(columns="tags"), ["demand"])
    rows = TOY_BANK.to_dict("records")
    with pytest.raises(st.StoryError, match="lacks the column.*scale"):
        st.match_stories([*rows[:2], {k: v for k, v in rows[2].items() if k != "scale"}], ["demand"])
    for not_a_bank in ("a;b", {"story": "a"}, [("a", "A", "pcn", ())], None):
        with pytest.raises(st.StoryError, match="lacks the column.*story, title, scale, tags"):
            st.match_stories(not_a_bank, ["demand"])


# ---------------------------------------------------------------- a bank as plain rows (the app's, no pandas)

REQUESTS = [(["ae_pressure", "demand"], "pcn", 4), (["ae_pressure"], None, 3), ([], "locality", 3), ([], None, 3),
            (["care_homes", "burnout"], "city_region", 1), ("demand", "practice", 2)]


@pytest.mark.parametrize(("tags", "scale", "limit"), REQUESTS)
def test_matching_plain_rows_is_matching_the_frame(tags, scale, limit):
    assert st.match_stories(TOY_BANK.to_dict("records"), tags, scale, limit) == \
        st.match_stories(TOY_BANK, tags, scale, limit)
    assert st.match_stories(tuple(TOY_BANK.to_dict("records")), tags, scale, limit) == \
        st.match_stories(TOY_BANK, tags, scale, limit)
    bank, rows = data.story_bank(), data.story_bank_rows()
    for every in (limit, len(bank)):
        assert st.match_stories(rows, tags, scale, every) == st.match_stories(bank, tags, scale, every)


def test_every_real_request_matches_the_same_from_rows_and_frame():
    bank, rows = data.story_bank(), data.story_bank_rows()
    for tag in st.TAGS:
        for scale in (None, *st.SCALES):
            assert st.match_stories(rows, [tag], scale, len(rows)) == st.match_stories(bank, [tag], scale, len(bank))


def test_bad_requests_fail_the_same_on_plain_rows():
    with pytest.raises(st.StoryError, match="Unknown topic 'a_and_e'"):
        st.match_stories(data.story_bank_rows(), ["a_and_e"])
    with pytest.raises(st.StoryError, match="limit"):
        st.match_stories([], [], limit=0)
    assert st.match_stories([], ["demand"], "pcn") == []


def test_bank_columns_and_figures_of_read_frames_and_rows_alike():
    rows = TOY_BANK.to_dict("records")
    assert st.bank_columns(rows, ("title", "tags")) == st.bank_columns(TOY_BANK, ("title", "tags")) == [
        ("A", ("ae_pressure", "demand")), ("B", ("ae_pressure",)), ("C", ("demand", "ae_pressure", "burnout")),
        ("D", ("care_homes",))]
    figures, figure_rows = data.story_figures(), data.story_figures_rows()
    for story in ("haverstock", "granta", "nowhere"):
        framed = [dict(r) for r in st.figures_of(figures, story)]
        assert st.figures_of(figure_rows, story) == framed
        assert len(framed) == (figures["story"] == story).sum()
    assert st.figures_of(None, "haverstock") == st.figures_of((), "haverstock") == []
    assert st.figures_of(figures.drop(columns="story"), "haverstock") == []


@pytest.mark.parametrize("story", ["haverstock", "larwood_bawtry", "granta", "winsford"])
def test_a_card_from_plain_rows_is_the_card_from_the_frames(story):
    bank = data.story_bank().set_index("story", drop=False)
    row = next(r for r in data.story_bank_rows() if r["story"] == story)
    figures, figure_rows = data.story_figures(), data.story_figures_rows()
    for draft in (GOOD, st.Draft()):
        result = st.check(draft)
        assert st.story_card(draft, result, row, figure_rows) == st.story_card(draft, result, bank.loc[story], figures)
        assert st.story_card_markdown(draft, result, row, figure_rows) == \
            st.story_card_markdown(draft, result, bank.loc[story], figures)
        assert st.story_card_markdown(draft, result, row, None) == \
            st.story_card_markdown(draft, result, bank.loc[story], None)


def test_the_topics_chart_from_plain_rows_is_the_chart_from_the_frame():
    from pcn_workbook.charts import stories as charts

    bank, rows = data.story_bank(), data.story_bank_rows()
    for chosen in ((), ("ae_pressure",), ("burnout", "care_homes", "demand")):
        assert charts.topics_parts(rows, chosen) == charts.topics_parts(bank, chosen)
        assert charts.topics_chart(rows, chosen).to_dict() == charts.topics_chart(bank, chosen).to_dict()
    with pytest.raises(st.StoryError, match="lacks the column.*tags"):
        charts.topics_parts([{"title": "A"}])


# ---------------------------------------------------------------- the card

def test_card_carries_story_checklist_figures_and_sources():
    bank = data.story_bank().set_index("story", drop=False)
    card = st.story_card_markdown(GOOD, st.check(GOOD), bank.loc["haverstock"], data.story_figures())
    assert card.startswith("# My springboard story\n")
    assert "**The change I want:** one home-visiting team for the PCN" in card
    assert GOOD.text() in card
    assert "## Checklist: 11 of 11" in card and card.count("- [x]") == 11
    assert "Haverstock Healthcare" in card
    assert "- up to 30%: Patients redirected back to the community" in card
    assert "- 4,000 people: People helped to register with a GP" in card
    assert "Source: \u201cCheshire takes its own steps to primary care at scale\u201d, " \
           "Primary Care Commissioning (PCC)." in card
    assert "Denning" in card
    assert "&amp;" not in card and "A&E" in card  # Markdown: the app escapes for HTML, not the card


def test_card_money_and_period():
    bank = data.story_bank().set_index("story", drop=False)
    card = st.story_card_markdown(GOOD, st.check(GOOD), bank.loc["larwood_bawtry"], data.story_figures())
    assert "£440,000: Less commissioning spend (six months compared with the previous year)" in card
    row = bank.loc["larwood_bawtry"]
    assert f"\u201c{row.source_title}\u201d, {row.source_author}." in card


def test_card_keeps_the_writers_words_but_not_their_line_breaks():
    draft = dataclasses.replace(GOOD, change="# fewer <b>A&E</b>\x07visits\n\n- really", when="# In 2019")
    result = st.check(draft)
    card = st.story_card_markdown(draft, result, None, None)
    assert "**The change I want:** # fewer <b>A&E</b> visits - really" in card
    assert "\n\\# In 2019, in a market town" in card  # a leading '#' would make the story a heading
    assert "\x07" not in card and "Inspired by" not in card
    assert card.count("- [x]") == result.score and card.count("- [ ]") == result.total - result.score


def test_card_for_an_empty_draft_and_no_figures():
    bank = data.story_bank().set_index("story", drop=False)
    card = st.story_card_markdown(st.Draft(), st.check(st.Draft()), bank.loc["granta"], None)
    assert "_not written yet_" in card and "## Checklist: 0 of 11" in card
    assert "\u201cWhat is a Primary Care Network for?\u201d, Ben Gowland." in card
