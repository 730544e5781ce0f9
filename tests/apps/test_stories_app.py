"""Drive the springboard-stories app through its widgets and check what changes."""

import base64
import json
import re
from html import escape

import pandas as pd

from pcn_workbook import data
from pcn_workbook.apps import stories as app_module
from pcn_workbook.apps import story_card
from pcn_workbook.apps.state import stories_from_query
from pcn_workbook.models import stories

SCRIPT = "<script>alert('x')</script><img src=x onerror=alert(1)>"


def build(query=""):
    return app_module.build(query)


def fill(app, draft):
    for name, field in app.fields.items():
        field.value = getattr(draft, name)


def decoded(app, filename):
    match = re.search(rf"download='{re.escape(filename)}' href='data:[^;]+;base64,([^']+)'", app.downloads.value)
    assert match, f"no {filename} link"
    return base64.b64decode(match.group(1))


def test_ticking_a_problem_shows_matching_stories_with_figures():
    app = build()
    assert "Tick one or more" in app.matches.value
    app.topics["ae_pressure"].value = True
    assert [m.story for m in app.found][:2] == ["larwood_bawtry", "haverstock"]
    assert "44%" in app.matches.value and "£440,000" in app.matches.value
    for m in app.found:  # every story shown carries its own source
        row = app.by_story[m.story]
        assert escape(row["source_title"]) in app.matches.value and escape(row["source_author"]) in app.matches.value
    assert "A&amp;E pressure" in app.topics_chart.spec["description"] or "A&E pressure" in app.topics_chart.spec["description"]
    assert "tags=ae_pressure" in app.share_link.value


def test_scale_changes_the_ranking_reasons():
    app = build("?tags=msk_demand&scale=pcn")
    assert app.found[0].story == "winsford"
    assert any("same scale" in r for r in app.found[0].reasons)


def test_typing_updates_the_checklist_and_preview():
    app = build()
    assert app.result.score == 0
    before = app.checklist.value
    app.fields["when"].value = "In March 2019"
    assert app.result.score == 1 and app.checklist.value != before
    fill(app, app_module.EXAMPLE)
    assert app.result.score == app.result.total
    assert "All 11 elements" in app.checklist.value
    assert "physiotherapist" in app.preview.value


def test_typed_html_is_escaped_everywhere():
    app = build()
    app.fields["protagonist"].value = SCRIPT
    app.fields["ending"].value = SCRIPT
    for html in (app.checklist.value, app.preview.value):
        assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in app.preview.value
    app.make_card.click()
    page = decoded(app, "story-card.html").decode()
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_enormous_text_is_cut_with_a_message():
    app = build()
    app.fields["predicament"].value = "word " * 1_000
    assert len(app.fields["predicament"].value) == stories.MAX_FIELD_CHARS
    assert "1,500 characters" in app.message.value


def test_card_exports_carry_the_inspiring_source():
    app = build("?tags=ae_pressure&story=haverstock")
    fill(app, app_module.EXAMPLE)
    app.make_card.click()
    markdown = decoded(app, "story-card.md").decode()
    assert "Cheshire takes its own steps to primary care at scale" in markdown
    assert "44%" in markdown and "physiotherapist" in markdown
    assert decoded(app, "story-card.png")[:8] == b"\x89PNG\r\n\x1a\n"
    assert decoded(app, "story-card.pdf")[:5] == b"%PDF-"
    app.fields["ending"].value = "Nothing changed."
    # an old card no longer matches the draft: its links go, and the page says why
    assert "story-card" not in app.downloads.value and "has changed since the card was made" in app.downloads.value
    app.make_card.click()
    assert "Nothing changed." in decoded(app, "story-card.md").decode()
    app._refresh_draft()  # a refresh with the draft the card was made from keeps the card
    assert "story-card.md" in app.downloads.value


def test_draft_is_saved_to_the_tab_and_restored_into_an_empty_form():
    first = build()
    first.topics["burnout"].value = True
    fill(first, app_module.EXAMPLE)
    saved = json.loads(first.store.value)
    assert saved["draft"]["when"] == app_module.EXAMPLE.when and saved["tags"] == ["burnout"]
    second = build()  # a reload: a new kernel, and the browser hands back what the tab kept
    second.store.value = first.store.value
    second.store.restored = True
    assert second.draft == app_module.EXAMPLE
    assert second.chosen_tags == ("burnout",)


def test_restoring_never_overwrites_what_was_typed_or_breaks_on_junk():
    app = build()
    app.fields["when"].value = "Last winter"
    app.store.value = json.dumps({"draft": {"when": "1999"}})
    app.store.restored = True
    assert app.fields["when"].value == "Last winter"
    other = build()
    other.store.value = "{not json"
    other.store.restored = True
    assert other.draft == stories.Draft()


def test_bad_link_gets_messages():
    app = build("?tags=ae_pressure,flying&scale=galaxy&story=nowhere&x=1")
    for word in ("flying", "galaxy", "nowhere", "setting &#x27;x&#x27;"):
        assert word in app.message.value
    assert app.chosen_tags == ("ae_pressure",)


def test_state_round_trips():
    app = build("?tags=burnout,care_homes&scale=locality&story=winsford")
    state, problems = stories_from_query(app.state.to_query(), tuple(stories.TAGS), tuple(stories.SCALES))
    assert problems == [] and state == app.state


# ---------------------------------------------------------------- the bank's cards (app and book)

def test_the_app_shows_matches_with_the_one_card_renderer_the_book_uses():
    app = build("?tags=ae_pressure,home_visits")
    assert app.found
    assert app.matches.value == "".join(
        story_card.bank_story_html(app.by_story[m.story], app.figures, m.reasons) for m in app.found)


def test_a_card_from_plain_rows_is_the_card_from_the_frames():
    """The app reads the bank as plain rows (no pandas); the book reads frames: the same cards."""
    bank, figures = data.story_bank(), data.story_figures()
    rows, figure_rows = data.story_bank_rows(), data.story_figures_rows()
    assert len(rows) == len(bank) and figure_rows
    reasons = ("speaks to A&E pressure", "same scale: PCN")
    for (_, frame_row), row in zip(bank.iterrows(), rows):
        assert row["story"] == frame_row.story
        for given in ((), reasons):
            assert story_card.bank_story_html(row, figure_rows, given) == story_card.bank_story_html(
                frame_row, figures, given)
        assert story_card.bank_story_html(row, None) == story_card.bank_story_html(frame_row, None)


def test_every_bank_story_renders_as_a_card_with_its_parts_figures_and_source():
    bank, figures = data.story_bank(), data.story_figures()
    for _, row in bank.iterrows():
        html = story_card.bank_story_html(row, figures)
        assert html.startswith(f"<div class='pcn-story' data-story='{row.story}'>")
        assert f"<h4>{escape(row.title)}</h4>" in html and "Why this one" not in html
        for label, key in story_card.BANK_PARTS:
            assert (f"<b>{label}:</b> {escape(row[key])}</p>" in html) == bool(row[key]), (row.story, key)
        for _, figure in figures[figures.story == row.story].iterrows():
            assert escape(story_card.figure_text(figure)) in html
        assert f"Source: <i>{escape(row.source_title)}</i>, {escape(row.source_author)}." in html
        if row.presented_by and row.presented_by != row.lead:
            assert f"Told by: {escape(row.presented_by)}." in html
        else:
            assert "Told by" not in html


def test_a_bank_card_escapes_whatever_the_dataset_holds_and_skips_empty_parts():
    row = pd.Series({"story": "x' onmouseover='alert(1)", "title": SCRIPT, "place": "", "country": "", "period": "",
                     "lead": "", "presented_by": "", "problem": SCRIPT, "what_changed": "", "outcome": "",
                     "without_change": "", "source_title": "", "source_author": ""})
    html = story_card.bank_story_html(row, None, reasons=[SCRIPT])
    assert "<script>" not in html and "<img" not in html and "' onmouseover" not in html
    assert "What changed" not in html and "Source: not recorded." in html and "Why this one: &lt;script&gt;" in html
    assert "<small>" in html and "<p><small>.</small></p>" not in html


def test_the_retold_real_case_meets_every_element_and_agrees_with_the_bank():
    draft = app_module.WINSFORD
    result = stories.check(draft)
    assert result.score == result.total
    row = data.story_bank().set_index("story").loc["winsford"]
    assert row.lead in draft.protagonist and row.source_title == app_module.WINSFORD_SOURCE[0]
    told = draft.text()
    figures = data.story_figures().query("story == 'winsford'")
    assert all(f"{v:.0f}%" in told for v in figures.query("unit == 'percent'").value)
    assert f"{int(row.practices)}" == "5" and "five practices" in told
    assert ",." not in told and ",." not in app_module.EXAMPLE.text()


def test_the_app_offers_both_worked_examples():
    app = build()
    example = next(c for c in app.children if getattr(c, "titles", None))
    assert example.titles == ("A worked example (fictional)", "A real case retold: Winsford")
    assert "Judi Price" in example.children[1].value and "Primary Care Commissioning" in example.children[1].value
