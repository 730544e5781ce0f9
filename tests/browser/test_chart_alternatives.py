"""Issue 13: every live chart says in words what it shows now and offers its data as a table.

Two levels: the chart's front end (``live.js``, bundled as the apps use it) in a bare page with a
stand-in widget model, where the data can be chosen to test escaping and the row cap; and a real
app in Voila, where a slider step changes the words and the open table.
"""

from __future__ import annotations

import json

import altair as alt
import pytest

from pcn_workbook.charts import live, live_bundle

pytestmark = pytest.mark.browser

ORIGIN = "http://pcn-chart.test/"  # answered by Playwright's router: nothing leaves the machine
PAGE = """<!doctype html><html lang="en"><head><title>chart</title></head><body><main>
<div id="chart"></div></main><script type="module">
import lib from "./live.js";
const state = JSON.parse(document.getElementById("state").textContent);
const handlers = {};
window.model = {
  get: (k) => state[k],
  set: (k, v) => { state[k] = v; (handlers["change:" + k] ?? []).forEach((f) => f()); },
  on: (event, f) => { (handlers[event] ??= []).push(f); },
};
lib.render({ model: window.model, el: document.getElementById("chart") });
</script><script type="application/json" id="state">STATE</script></body></html>"""


def _spec(rows: list[dict], description: str) -> dict:
    chart = (alt.Chart(alt.NamedData("rows")).mark_bar()
             .encode(x=alt.X("value:Q", title="Value (£)"), y=alt.Y("name:N", title="Practice"))
             .properties(datasets={"rows": rows}, title="Test chart", description=description))
    return live.live_chart(chart, "pcn-test-chart").spec


@pytest.fixture
def bare_chart(chromium):
    context = chromium.new_context()
    bundle = live_bundle.bundle_path().read_text(encoding="utf-8")

    def serve(state: dict):
        def answer(route):
            if route.request.url.endswith("/live.js"):
                route.fulfill(body=bundle, content_type="text/javascript")
            else:
                body = PAGE.replace("STATE", json.dumps(state).replace("</", "<\\/"))  # safe in a script
                route.fulfill(body=body, content_type="text/html")
        context.route(ORIGIN + "**", answer)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(ORIGIN)
        page.wait_for_selector("#chart svg .role-mark", state="attached")
        return page, errors

    yield serve
    context.close()


def table_rows(page) -> list[list[str]]:
    return page.evaluate("() => [...document.querySelectorAll('.pcn-chart-table tbody tr')]"
                         ".map((tr) => [...tr.cells].map((td) => td.textContent))")


def test_the_table_opens_by_keyboard_shows_every_value_as_text_and_is_capped(bare_chart):
    rows = [{"name": f"<b>Practice {i}</b>", "value": i * 1.5} for i in range(75)]
    page, errors = bare_chart({"spec": _spec(rows, "First words."), "embed_options": live.EMBED_OPTIONS})
    figure = page.locator("#chart [role=img]")
    assert figure.get_attribute("aria-label") == "First words."
    assert not page.locator(".pcn-chart-table table").count()  # built only when asked for
    page.keyboard.press("Tab")  # the chart itself is an image: the first stop is "Show as table"
    assert page.evaluate("document.activeElement.textContent") == "Show as table"
    page.keyboard.press("Enter")
    page.wait_for_selector(".pcn-chart-table table", state="visible")
    heads = page.locator(".pcn-chart-table th").all_inner_texts()
    assert heads == ["Practice", "Value (£)"]
    shown = table_rows(page)
    cap = len(shown)
    assert cap < len(rows)
    assert shown == [[r["name"], f"{r['value']:g}"] for r in rows[:cap]]
    assert page.locator(".pcn-chart-table tbody b").count() == 0  # markup in data stays text
    assert f"{cap} of {len(rows)}" in page.inner_text(".pcn-table-note")
    # New data and words: both follow, in the label and in the open table.
    fewer = [{"name": "Only one", "value": 7}]
    page.evaluate("spec => window.model.set('spec', spec)", _spec(fewer, "Second words."))
    page.wait_for_function("() => document.querySelector('[role=img]').getAttribute('aria-label') === 'Second words.'")
    page.wait_for_function("() => document.querySelectorAll('.pcn-chart-table tbody tr').length === 1")
    assert table_rows(page) == [["Only one", "7"]]
    page.keyboard.press("Enter")  # focus stayed on the summary: Enter closes it again
    page.wait_for_selector(".pcn-chart-table table", state="detached")
    assert errors == []


# --- a real app -----------------------------------------------------------------------------------
TRUST = "voila/render/04_trust.ipynb"
MATCH = ".pcn-match-chart"


def test_a_slider_step_changes_the_words_and_the_open_table(tab):
    tab.open(TRUST + "?step=match&rounds=5")
    tab.wait_for_chart(MATCH)
    figure = f"{MATCH} [role=img]"
    words = tab.page.get_attribute(figure, "aria-label")
    assert words and "5 rounds" in words  # the chart's description, from the link's settings
    summary = tab.page.locator(f"{MATCH} .pcn-chart-table summary")
    summary.focus()
    tab.page.keyboard.press("Enter")
    tab.page.wait_for_selector(f"{MATCH} .pcn-chart-table tbody tr")
    before = tab.page.inner_text(f"{MATCH} .pcn-chart-table table")
    tab.press_on(".pcn-rounds .noUi-handle", "ArrowRight")
    tab.page.wait_for_function(
        "([sel, was]) => document.querySelector(sel).getAttribute('aria-label') !== was", arg=[figure, words])
    assert "6 rounds" in tab.page.get_attribute(figure, "aria-label")
    after = tab.wait_for_text_change(f"{MATCH} .pcn-chart-table table", before)
    assert after != before
    tab.assert_clean()
