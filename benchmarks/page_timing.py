"""In-page timing of a Voila app (the method in STACK-NOTES, "Measuring a Voila app in a real
browser"): time-to-interactive and key-press-to-redraw latency, measured with ``performance.now()``
inside the page so Playwright's own round trips are not counted.
"""

from __future__ import annotations

VIEWPORT = {"width": 1280, "height": 900}
WAIT_MS = 120_000
MISS_MS = 2_000  # a press with no response by then counts as a missing sample
MARKS = "svg .role-mark"

# Resolves with performance.now() (ms since navigation start) once the app is interactive.
INTERACTIVE_JS = """([handleSel, marksSel]) => {
  const handle = document.querySelector(handleSel);
  const shown = handle && handle.getClientRects().length > 0
    && getComputedStyle(handle).visibility !== 'hidden';
  return shown && document.querySelector(marksSel) ? performance.now() : false;
}"""
# Installs the latency probe: keydown (capture phase) -> first change of the chart's marks, and
# -> first change of the response element. Samples are ms; a press that changes nothing adds none.
PROBE_JS = """([chartSel, marksSel, responseSel]) => {
  const chart = document.querySelector(chartSel);
  const response = document.querySelector(responseSel);
  const marks = () => Array.from(chart.querySelectorAll(marksSel), g => g.innerHTML).join('|');
  const text = responseSel === chartSel ? marks : () => response.innerHTML;
  const probe = {start: 0, chartPending: false, responsePending: false,
                 chart: [], response: [], lastMarks: marks(), lastText: text()};
  window.__pcnProbe = probe;
  document.addEventListener('keydown', () => {
    probe.start = performance.now();
    probe.chartPending = probe.responsePending = true;
  }, true);
  const watch = {subtree: true, childList: true, attributes: true, characterData: true};
  new MutationObserver(() => {
    const now = marks();
    if (now === probe.lastMarks || !chart.querySelector(marksSel)) return;
    probe.lastMarks = now;
    if (probe.chartPending) {
      probe.chart.push(performance.now() - probe.start);
      probe.chartPending = false;
    }
  }).observe(chart, watch);
  new MutationObserver(() => {
    const now = text();
    if (now === probe.lastText) return;
    probe.lastText = now;
    if (probe.responsePending) {
      probe.response.push(performance.now() - probe.start);
      probe.responsePending = false;
    }
  }).observe(response, watch);
}"""
KERNEL_ID_JS = "JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"


def control_of(slider: str) -> str:
    """The element keys go to: a slider's handle, or a text box itself (typing is its 'step')."""
    return slider if slider.endswith(("textarea", "input")) else f"{slider} .noUi-handle"


def time_to_interactive(browser, url: str, slider: str, chart: str) -> tuple[float, str]:
    """Open ``url`` in a fresh context; return (seconds from navigation start until the slider
    handle is visible and the chart's marks exist, the page's kernel id)."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(url, wait_until="commit", timeout=WAIT_MS)
        ready = page.wait_for_function(
            INTERACTIVE_JS,
            arg=[control_of(slider), f"{chart} {MARKS}"],
            polling="raf",
            timeout=WAIT_MS,
        )
        return ready.json_value() / 1000, page.evaluate(KERNEL_ID_JS)
    finally:
        context.close()


def slider_latency(
    browser, url: str, slider: str, chart: str, response: str, presses: int, pause_ms: int,
    bounds: tuple[float, float] | None = None,
) -> tuple[list[float], list[float]]:
    """Press arrow keys on the slider (turning at its ends, or at ``bounds`` if given, so the
    presses stay where the chart moves), or type letters into a text box, in a fresh context;
    return the ms from each key to the chart's marks changing, and to the ``response`` element
    changing (presses that change nothing add no sample)."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(url, timeout=WAIT_MS)
        handle = control_of(slider)
        typing = handle == slider  # a text box: each press types a letter
        page.wait_for_function(
            INTERACTIVE_JS, arg=[handle, f"{chart} {MARKS}"], polling="raf", timeout=WAIT_MS
        )
        page.evaluate(PROBE_JS, [chart, MARKS, response])
        page.focus(handle)
        key = "ArrowRight"
        for _ in range(presses):
            if typing:
                key = "e"
            else:
                now, low, high = (
                    float(page.get_attribute(handle, attr))
                    for attr in ("aria-valuenow", "aria-valuemin", "aria-valuemax")
                )
                if bounds:
                    low, high = max(low, bounds[0]), min(high, bounds[1])
                key = "ArrowLeft" if now >= high else "ArrowRight" if now <= low else key
            seen = page.evaluate("window.__pcnProbe.response.length")
            page.keyboard.press(key)
            try:
                page.wait_for_function(
                    f"window.__pcnProbe.response.length > {seen}", polling="raf", timeout=MISS_MS
                )
            except Exception:  # no response within MISS_MS: counted as a missing sample
                pass
            page.wait_for_timeout(pause_ms)  # let a slower chart redraw land before the next key
            page.evaluate("window.__pcnProbe.chartPending = false;"
                          " window.__pcnProbe.responsePending = false")
        return page.evaluate("[window.__pcnProbe.chart, window.__pcnProbe.response]")
    finally:
        context.close()
