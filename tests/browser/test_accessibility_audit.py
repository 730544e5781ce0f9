"""Issue 13: axe-core finds no serious or critical problem in any chapter app, at any of its steps,
and the controls can be reached by keyboard with a visible focus ring.

One Voila server for the module (no preheat) and one page load per app, reached as a participant
reaches it: by its card on the gallery page (which tests that each card opens its app, without a
second page load per app). The step-walk apps are walked by clicking their step buttons, so every
step is audited in the page a participant uses.
Moderate and minor findings are not failures; they are printed (``pytest -s``) for the record.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from a11y import audit, blocking, counts, report
from pcn_workbook.apps import deciding_text, purpose_text, trust_text
from pcn_workbook.models import stories as story_model

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
STEP_WALKS = {"01_purpose": purpose_text.STEPS, "04_trust": trust_text.STEPS, "04b_deciding_together": deciding_text.STEPS}
SINGLE_PAGES = {"02_autonomy_paradox": ".pcn-paradox-chart", "03_scale_choices": ".pcn-live-chart"}
STORIES = "05_springboard_stories"


def app_url(name: str) -> str:
    return f"voila/render/{name}.ipynb"


def open_from_gallery(tab, name: str) -> None:
    """Open the gallery, click the app's card, and wait for the app's widgets."""
    tab.open("")
    tab.page.click(f".pcn-card a[href$='/{name}.ipynb']")
    tab.page.wait_for_url(f"**/{app_url(name)}")
    tab.page.wait_for_selector(".pcn-app-cell .jupyter-widgets", state="visible")
    assert "Traceback" not in tab.page.inner_text("body")


def settle(page) -> None:
    """Wait until every live chart on the page has drawn (an audit of a half-drawn page is noise)."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('.pcn-live-chart')]"
        ".every((c) => c.querySelector('svg .role-mark') !== null || c.offsetParent === null)")


def check(page, where: str, failures: list[str]) -> None:
    settle(page)
    found = audit(page)
    print(f"{where}: {counts(found)}")
    if blocking(found):
        failures.append(report(where, blocking(found)))


def active_step(page) -> str:
    return page.inner_text(".pcn-steps button.mod-active")


def test_every_notebook_is_audited_and_opened_from_its_card():
    """A new chapter notebook must join one of the lists above (so its card is tested too)."""
    served = {p.stem for p in (REPO / "notebooks").glob("*.ipynb") if not p.name.startswith((".", "_"))}
    assert served == {*STEP_WALKS, *SINGLE_PAGES, STORIES}


@pytest.mark.parametrize("name", sorted(STEP_WALKS))
def test_every_step_of_a_guided_walk_passes_axe(tab, name):
    steps = STEP_WALKS[name]
    open_from_gallery(tab, name)
    tab.page.wait_for_selector(".pcn-steps", state="visible")
    failures: list[str] = []
    for key, label in steps:
        if active_step(tab.page) != label:
            tab.page.locator(".pcn-steps button", has_text=label).first.click()
            tab.page.wait_for_function(
                "label => document.querySelector('.pcn-steps button.mod-active')?.innerText === label", arg=label)
            tab.page.wait_for_function(
                "key => document.querySelector('.pcn-share-link')?.innerText.includes('step=' + key)"
                " || key === 'hook'", arg=key)
        check(tab.page, f"{name} step {key}", failures)
    assert not failures, "\n".join(failures)
    tab.assert_clean()


@pytest.mark.parametrize("name", sorted(SINGLE_PAGES))
def test_single_page_apps_pass_axe(tab, name):
    open_from_gallery(tab, name)
    tab.wait_for_chart(SINGLE_PAGES[name])
    failures: list[str] = []
    check(tab.page, name, failures)
    assert not failures, "\n".join(failures)
    tab.assert_clean()


def test_the_stories_form_passes_axe_empty_and_filled(tab):
    open_from_gallery(tab, STORIES)
    tab.page.wait_for_selector(".pcn-field-when textarea", state="visible")
    tab.page.wait_for_selector(".pcn-checklist li")
    failures: list[str] = []
    check(tab.page, f"{STORIES} (empty form)", failures)
    before = tab.page.inner_text(".pcn-checklist")
    for field in story_model.FIELDS:
        tab.page.fill(f".pcn-field-{field} textarea", f"Something about {field.replace('_', ' ')} in our PCN.")
    tab.page.locator(".pcn-matches").scroll_into_view_if_needed()
    tab.page.locator("[class*='pcn-topic-'] input[type=checkbox]").first.check()
    tab.page.wait_for_selector(".pcn-story h4")
    tab.wait_for_text_change(".pcn-checklist", before)
    check(tab.page, f"{STORIES} (filled form)", failures)
    assert not failures, "\n".join(failures)
    tab.assert_clean()


FOCUSED = """() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
  return {
    kind: e.closest('.pcn-steps') ? 'step' : e.matches('.noUi-handle, [role=slider]') ? 'slider'
        : (e.innerText || '').trim() === 'Next' ? 'next' : e.tagName.toLowerCase(),
    ring, name: e.getAttribute('aria-label') || (e.innerText || '').trim().slice(0, 40),
    valuetext: e.getAttribute('aria-valuetext'),
  };
}"""


def test_tab_reaches_steps_slider_and_next_each_with_a_focus_ring(tab):
    tab.open(app_url("04_trust") + "?step=match")
    tab.wait_for_chart(".pcn-match-chart")
    tab.page.locator("h2").first.click()  # start from the top of the app, as a keyboard user would
    seen: dict[str, dict] = {}
    for _ in range(80):
        tab.page.keyboard.press("Tab")
        focused = tab.page.evaluate(FOCUSED)
        seen.setdefault(focused["kind"], focused)
        if {"step", "slider", "next"} <= set(seen):
            break
    assert {"step", "slider", "next"} <= set(seen), f"Tab never reached: {seen}"
    no_ring = {k: v for k, v in seen.items() if not v["ring"]}
    assert not no_ring, f"focused without a visible focus ring: {no_ring}"
    slider = seen["slider"]
    assert slider["name"], "the slider has no accessible name"
    assert slider["valuetext"], "the slider does not announce its value"
    tab.assert_clean()
