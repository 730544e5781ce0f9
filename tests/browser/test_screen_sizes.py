"""Every chapter app on a phone (390 x 844) and in projector view (1024 x 768, 1920 x 1080), in real
Chromium against a real Voila server: nothing wider than the screen, and the projector view's type
and charts really larger, switched by the link flag or by keyboard."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

APPS = {
    "01_purpose.ipynb": "?step=readiness",
    "02_autonomy_paradox.ipynb": "",
    "03_scale_choices.ipynb": "",
    "04_trust.ipynb": "?step=sandbox",
    "04b_deciding_together.ipynb": "?step=sandbox",
    "05_springboard_stories.ipynb": "?tags=ae_pressure",
}
WAIT_MS = 90_000

# Elements that stick out past the right edge of the screen (hidden ones and those inside a box
# that scrolls sideways on purpose, such as a wide table, do not count).
OVERFLOW = """(width) => {
  const out = [];
  for (const el of document.querySelectorAll('.pcn-app *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
    let p = el.parentElement, scrolls = false;
    while (p) { const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') { scrolls = true; break; } p = p.parentElement; }
    if (!scrolls && r.right > width + 1) out.push((el.className.baseVal ?? el.className) + ' ' + Math.round(r.right));
  }
  return out.slice(0, 8);
}"""

CHART_FONT = """() => { const t = document.querySelector('.pcn-live-chart svg text');
  return t ? parseFloat(getComputedStyle(t).fontSize) : null; }"""


@pytest.fixture(scope="module")
def voila_preheat():
    return False


def _open(chromium, server, notebook, query, width, height):
    context = chromium.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.goto(f"{server.url}voila/render/{notebook}{query}", wait_until="domcontentloaded")
    page.wait_for_selector(".pcn-app", timeout=WAIT_MS)
    page.wait_for_selector(".pcn-live-chart svg .role-mark", state="attached", timeout=WAIT_MS)
    page.wait_for_timeout(300)  # let the last chart settle its size
    return context, page


@pytest.mark.parametrize("notebook", list(APPS))
def test_fits_a_phone_and_grows_for_a_projector(chromium, voila_server, notebook):
    """One page per app (kernels are slow to start on two cores): first a phone, then the same
    page turned into a 1024 x 768 projector screen and switched to projector view by keyboard."""
    context, page = _open(chromium, voila_server, notebook, APPS[notebook], 390, 844)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 391
        assert page.evaluate(OVERFLOW, 390) == []
        assert not page.is_visible(".pcn-projector-switch"), "a phone needs no projector switch"

        page.set_viewport_size({"width": 1024, "height": 768})
        label = "() => parseFloat(getComputedStyle(document.querySelector('.pcn-app .widget-label')).fontSize)"
        font, label_before = page.evaluate(CHART_FONT), page.evaluate(label)
        page.focus(".pcn-projector-switch")
        page.keyboard.press("Space")
        page.wait_for_selector(".pcn-app.pcn-projector", timeout=WAIT_MS)
        page.wait_for_function(f"(b) => ({CHART_FONT})() >= 1.3 * b", arg=font, timeout=WAIT_MS)
        assert page.evaluate(label) >= 22 > label_before
        page.wait_for_timeout(300)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1025
        assert page.evaluate(OVERFLOW, 1024) == []
    finally:
        context.close()


def test_the_link_flag_opens_projector_view_at_1920_and_the_switch_undoes_it(chromium, voila_server):
    context, page = _open(chromium, voila_server, "04b_deciding_together.ipynb", "?step=decisions&projector=1",
                          1920, 1080)
    try:
        assert page.locator(".pcn-app.pcn-projector").count() == 1
        big = page.evaluate(CHART_FONT)
        # at 1920 the controls and the chart sit side by side
        left = page.evaluate("document.querySelector('.pcn-practices').getBoundingClientRect().right")
        chart = page.evaluate("document.querySelector('.pcn-decisions-chart').getBoundingClientRect().left")
        assert chart >= left
        page.focus(".pcn-projector-switch")
        page.keyboard.press("Space")
        page.wait_for_function("() => !document.querySelector('.pcn-app.pcn-projector')", timeout=WAIT_MS)
        page.wait_for_function(f"(b) => ({CHART_FONT})() * 1.3 <= b", arg=big, timeout=WAIT_MS)
    finally:
        context.close()
