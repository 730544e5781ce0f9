"""Sphinx extension (loaded from _config.yml): make the book work with no internet.

At load time, before Sphinx checks ``html_static_path``:
1. copies the pinned npm JavaScript into ``_build/vendor-static/pcn-vendor`` with
   :func:`pcn_workbook.charts.offline.vendor_js` (runs ``npm ci --prefix book/vendor`` only if
   ``node_modules`` is missing or stale); ``_config.yml`` lists ``_build/vendor-static`` in
   ``html_static_path``, so the files land in ``_build/html/_static/pcn-vendor``;
2. sets ``PCN_VEGA_BASE_URL=../_static/pcn-vendor`` (overriding any other value) so the kernels that
   execute the notebooks render Altair charts as HTML loading Vega from those files (see
   ``setup_notebook()`` in the same module).

While reading sources it fails the build (a warning, and the build runs with
``--warningiserror``) if a notebook is not exactly one folder below the book root, because the
relative base URL above only holds for pages at that depth.

After each notebook is read it prunes the saved ipywidgets state to the widgets the page really
shows. Executing a notebook saves the state of *every* widget the kernel created, including the
hidden app cell (tagged ``remove-cell``) whose ``alt.JupyterChart`` is an anywidget: a static page
has no kernel and our vendored HTML manager knows only the standard ``@jupyter-widgets`` modules,
so that state would only add megabytes and a console error ("Could not load module anywidget").
Kept: the models reachable from a widget view that is on the page. If nothing is left, the page
loads no widget JavaScript at all. A visible view that needs a non-standard module is a warning
(so a failed build): show a plain Altair chart in book cells instead.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from docutils import nodes

from sphinx.application import Sphinx
from sphinx.util import logging

from pcn_workbook.charts import offline

logger = logging.getLogger(__name__)

VENDOR_STATIC_DIR = Path("_build") / "vendor-static"


def _check_notebook_depth(app: Sphinx, env, docnames: list[str]) -> None:
    for docname in docnames:
        source = Path(env.doc2path(docname))
        if source.suffix == ".ipynb" and docname.count("/") != 1:
            logger.warning(
                "%s: book notebooks must sit one folder below the book root (notebooks/NAME.ipynb) "
                "because charts load Vega from %s, a path relative to the page.",
                docname,
                offline.BOOK_BASE_URL,
                location=docname,
            )


STANDARD_WIDGET_MODULES = {
    "@jupyter-widgets/base",
    "@jupyter-widgets/controls",
    "@jupyter-widgets/output",
}
_VIEW_RE = re.compile(
    r'<script type="application/vnd\.jupyter\.widget-view\+json">(.*?)</script>', re.S
)
_REF_RE = re.compile(r"IPY_MODEL_([0-9a-fA-F]+)")


def _prune_widget_state(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    docname = env.docname
    js_files = getattr(env, "nb_metadata", {}).get(docname, {}).get("js_files")
    if not js_files or "ipywidgets_state" not in js_files:
        return
    uri, kwargs = js_files["ipywidgets_state"]
    payload = json.loads(kwargs["body"])
    state = payload.get("state", {})

    shown: list[str] = []
    for raw in doctree.findall(nodes.raw):
        for match in _VIEW_RE.finditer(raw.astext()):
            shown.append(json.loads(match.group(1))["model_id"])

    keep: set[str] = set()
    todo = [m for m in shown if m in state]
    while todo:
        model_id = todo.pop()
        if model_id in keep:
            continue
        keep.add(model_id)
        todo.extend(r for r in _REF_RE.findall(json.dumps(state[model_id])) if r in state)

    foreign = sorted(
        {state[m]["model_module"] for m in keep} - STANDARD_WIDGET_MODULES
    )
    if foreign:
        logger.warning(
            "%s shows widgets from %s, which cannot render in the static book (no kernel, no "
            "CDN): display a plain Altair chart in book cells, or tag the cell remove-cell.",
            docname,
            ", ".join(foreign),
            location=docname,
        )
    if not keep:
        for key in [k for k in js_files if k.startswith("ipywidgets_")]:
            del js_files[key]
        return
    payload["state"] = {m: state[m] for m in state if m in keep}
    body = json.dumps(payload).replace("</script>", r"<\/script>")
    js_files["ipywidgets_state"] = (uri, {**kwargs, "body": body})


def setup(app: Sphinx) -> dict:
    book_root = Path(app.srcdir)
    dest = book_root / VENDOR_STATIC_DIR / offline.STATIC_SUBDIR
    offline.vendor_js(dest, npm_project=book_root / "book" / "vendor")
    previous = os.environ.get(offline.ENV_BASE_URL)
    if previous not in (None, offline.BOOK_BASE_URL):
        # Always the book's own copy: a CDN or absolute URL would break the offline book, and
        # the execution cache would keep the wrong URL until the notebook's code changed.
        logger.info("pcn_book_offline: ignoring %s=%s", offline.ENV_BASE_URL, previous)
    os.environ[offline.ENV_BASE_URL] = offline.BOOK_BASE_URL
    logger.info(
        "pcn_book_offline: JavaScript vendored to %s; %s=%s",
        dest,
        offline.ENV_BASE_URL,
        os.environ[offline.ENV_BASE_URL],
    )
    app.connect("env-before-read-docs", _check_notebook_depth)
    app.connect("doctree-read", _prune_widget_state)
    # env_version: bump when _prune_widget_state changes, so Sphinx re-reads every page.
    return {"version": "1.0", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
