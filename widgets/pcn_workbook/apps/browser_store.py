"""Keep a piece of text in the browser tab across page reloads (``sessionStorage``).

Voila starts a new kernel for every page load, so anything typed into an app is gone after a
reload. This invisible widget mirrors its ``value`` into the tab's ``sessionStorage`` under
``key`` and, when the page is drawn again, hands the saved text back to the new kernel once
(``restored`` turns true). Nothing leaves the browser: no server storage, no other tab sees it,
and closing the tab forgets it. Workshop mode will add a server-side store for submissions.
"""

from __future__ import annotations

import anywidget
import traitlets

PREFIX = "pcn-workbook:"


class SessionText(anywidget.AnyWidget):
    _esm = """
    function render({ model, el }) {
      el.style.display = "none";
      const key = "%s" + model.get("key");
      let saved = null;
      try { saved = window.sessionStorage.getItem(key); } catch (e) { saved = null; }
      if (saved !== null && !model.get("restored")) {
        model.set("value", saved);
      } else if (saved === null && model.get("value")) {
        try { window.sessionStorage.setItem(key, model.get("value")); } catch (e) { /* blocked */ }
      }
      model.set("restored", true);
      model.save_changes();
      model.on("change:value", () => {
        try { window.sessionStorage.setItem(key, model.get("value")); } catch (e) { /* storage full or blocked */ }
      });
    }
    export default { render };
    """ % PREFIX
    key = traitlets.Unicode("").tag(sync=True)
    value = traitlets.Unicode("").tag(sync=True)
    restored = traitlets.Bool(False).tag(sync=True)
