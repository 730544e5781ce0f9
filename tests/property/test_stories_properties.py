"""Properties of pcn_workbook.models.stories that hold for any draft and any bank.

Generators live here rather than in strategies.py: they are only used by this module.
"""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
from hypothesis import given
from hypothesis import strategies as hs

from pcn_workbook.apps import story_card
from pcn_workbook.models import stories as st
from strategies import PROPERTY

# Any unicode except lone surrogates (which cannot come from a browser form), control characters
# included; mostly short, sometimes far beyond the field limit.
any_text = hs.one_of(
    hs.text(max_size=60),
    hs.text(hs.characters(codec="utf-8"), max_size=400),
    hs.text(hs.sampled_from("ab \n\t\x00\x1b\u200b\u2028é字😀#-*>.?',;:\u2014"), max_size=3 * st.MAX_FIELD_CHARS),
    hs.integers(0, 4 * st.MAX_FIELD_CHARS).map(lambda n: "word " * (n // 5)),
)
drafts = hs.builds(st.Draft, **{name: any_text for name in st.FIELDS})

# For each field, texts that meet its own element's rule (each one is asserted below too).
GOOD_TEXTS = {
    "change": ["one visiting team for the PCN", "shared back office for our practices"],
    "when": ["In March 2019", "Last winter", "two years ago", "1998"],
    "where": ["Winsford, Cheshire", "a four-practice network in a seaside town"],
    "protagonist": ["Dr Asha Patel", "a practice manager", "Sam, a salaried GP"],
    "predicament": ["The visits took every afternoon and surgery ran late.",
                    "Half the phone calls were about the same three problems."],
    "action": ["She hired a paramedic with three other practices.",
               "They put a physiotherapist first in the queue for back pain."],
    "ending": ["Admissions fell by a third.", "She saved 2 hours a day.", "Fewer patients waited."],
    "otherwise": ["Without it she would have left.", "Otherwise the practice would have closed."],
    "invitation": ["What if we did this here?", "Imagine our practices sharing one team."],
}
OWN_ELEMENT = {name: name for name in GOOD_TEXTS}
good_fillings = hs.sampled_from([(f, t) for f, texts in GOOD_TEXTS.items() for t in texts])


def met(draft) -> dict[str, bool]:
    return {c.key: c.met for c in st.check(draft).checks}


def test_good_texts_meet_their_own_rule():
    for name, texts in GOOD_TEXTS.items():
        for text in texts:
            assert met(st.Draft(**{name: text}))[OWN_ELEMENT[name]], (name, text)


@PROPERTY
@given(drafts)
def test_check_never_raises_and_score_counts_met_checks(draft):
    result = st.check(draft)
    assert result.total == len(st.ELEMENTS) == len(result.checks)
    assert result.score == sum(c.met for c in result.checks)
    assert 0 <= result.score <= result.total
    assert [c.key for c in result.checks] == [e.key for e in st.ELEMENTS]
    assert all(isinstance(c.feedback, str) and c.feedback for c in result.checks)
    assert str(result.score) in result.summary()
    assert st.check(draft) == result  # deterministic


@PROPERTY
@given(drafts, good_fillings, hs.data())
def test_filling_an_empty_field_with_a_good_text_never_lowers_the_score(draft, filling, data):
    name, text = filling
    before = dataclasses.replace(draft, **{name: data.draw(hs.sampled_from(["", "  "]))})
    after = dataclasses.replace(before, **{name: text})
    assert st.check(after).score >= st.check(before).score
    assert met(after)[OWN_ELEMENT[name]]


@PROPERTY
@given(hs.dictionaries(hs.sampled_from(list(st.FIELDS) + ["colour", "", "when "]),
                       hs.one_of(any_text, hs.none(), hs.integers(), hs.lists(hs.text(max_size=3)))))
def test_from_dict_truncates_and_coerces(values):
    draft = st.Draft.from_dict(values)
    for name in st.FIELDS:
        given_value = values.get(name, "")
        expected = given_value[:st.MAX_FIELD_CHARS] if isinstance(given_value, str) else ""
        assert getattr(draft, name) == expected
        assert len(getattr(draft, name)) <= st.MAX_FIELD_CHARS


@PROPERTY
@given(drafts)
def test_card_never_raises_and_has_one_line_per_check(draft):
    result = st.check(draft)
    card = st.story_card_markdown(draft, result)
    lines = card.splitlines()
    assert sum(line.startswith("- [x] ") for line in lines) == result.score
    assert sum(line.startswith("- [ ] ") for line in lines) == result.total - result.score


@PROPERTY
@given(drafts)
def test_the_story_as_told_keeps_every_word_in_order_and_never_doubles_punctuation(draft):
    told = draft.text()
    d = st.Draft.from_dict(dataclasses.asdict(draft))
    parts = [d.when, d.where, d.protagonist, d.predicament, d.action, d.ending, d.otherwise, d.invitation]
    assert [w.lower() for w in st.words(told)] == [w.lower() for p in parts for w in st.words(p)]
    if not any(re.search(r"[,;:][\s]*\.", p) for p in parts):  # "Dr Ahmed,." never comes from the joins
        assert not re.search(r"[,;:]\s*\.", told)
    assert told == told.strip()


# ---------------------------------------------------------------- the bank's cards

CARD_TAGS = re.compile(r"</?(?:div|h4|p|small|b|i|ul|li)(?: class='pcn-story' data-story='[^'<>]*')?>")
BANK_TEXT = ("story", "title", "place", "country", "period", "lead", "presented_by", "problem", "what_changed",
             "outcome", "without_change", "source_title", "source_author")


@PROPERTY
@given(hs.fixed_dictionaries({k: any_text for k in BANK_TEXT}), hs.lists(any_text, max_size=3))
def test_a_bank_card_carries_no_markup_but_its_own(row, reasons):
    html = story_card.bank_story_html(pd.Series(row), None, reasons)
    assert html.startswith("<div class='pcn-story'") and html.endswith("</div>")
    rest = CARD_TAGS.sub("", html)
    assert "<" not in rest and ">" not in rest


# ---------------------------------------------------------------- matching

tag_lists = hs.lists(hs.sampled_from(list(st.TAGS)), max_size=5)
scales = hs.one_of(hs.none(), hs.sampled_from(list(st.SCALES)))


@hs.composite
def banks(draw):
    n = draw(hs.integers(0, 12))
    return pd.DataFrame({
        "story": [f"s{i}" for i in range(n)],
        "title": [f"Story {i}" for i in range(n)],
        "scale": [draw(hs.sampled_from(list(st.SCALES) + [""])) for _ in range(n)],
        "tags": [tuple(dict.fromkeys(draw(tag_lists))) for _ in range(n)],
    })


@PROPERTY
@given(banks(), tag_lists, scales, hs.integers(1, 15))
def test_matches_are_deterministic_sorted_and_explained(bank, tags, scale, limit):
    found = st.match_stories(bank, tags, scale, limit)
    assert found == st.match_stories(bank.copy(), list(tags), scale, limit)
    assert len(found) <= limit
    order = {s: i for i, s in enumerate(bank["story"])}
    keys = [(-m.score, order[m.story]) for m in found]
    assert keys == sorted(keys)  # best first, ties in bank order
    for m in found:
        topics = sum(r.startswith("speaks to ") for r in m.reasons)
        scale_points = (st.SAME_SCALE_POINTS if any(r.startswith("same scale") for r in m.reasons) else
                        st.NEAR_SCALE_POINTS if any(r.startswith("neighbouring scale") for r in m.reasons) else 0.0)
        assert m.score == st.TAG_POINTS * topics + scale_points > 0
    # nothing better was left out
    if len(found) == limit:
        everything = st.match_stories(bank, tags, scale, limit=max(1, len(bank)))
        assert [m.score for m in everything[:limit]] == [m.score for m in found]
