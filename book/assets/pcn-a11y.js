// Name the controls the theme and the chart library draw as icons only (pcn_book_a11y.py says why):
// the sidebar's expand/collapse toggles, after the section each opens ("Pages under Facilitator
// guide"), and each chart's menu ("Chart menu: save as image"). Charts are drawn after the page
// loads, so new ones are named as they appear.
(() => {
  function nameOf(summary) {
    if (summary.closest(".vega-embed")) return "Chart menu: save as image or view its source";
    const item = summary.closest("li");
    const link = item ? item.querySelector(":scope > a, :scope > .reference") : null;
    const name = link ? link.textContent.trim() : "";
    return name ? `Pages under ${name}` : "Show or hide more";
  }
  function nameAll() {
    for (const summary of document.querySelectorAll("summary")) {
      if (summary.textContent.trim() || summary.hasAttribute("aria-label")) continue;
      summary.setAttribute("aria-label", nameOf(summary));
    }
  }
  let pending = false;
  const later = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; nameAll(); });
  };
  document.addEventListener("DOMContentLoaded", () => {
    nameAll();
    new MutationObserver(later).observe(document.body, { childList: true, subtree: true });
  });
})();
