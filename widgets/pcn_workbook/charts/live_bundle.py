"""Where the live charts' JavaScript comes from (no heavy imports: the server uses this too).

``live.js`` is bundled with Vega by vl-convert (about a second and a hundred megabytes) once per
version of ``live.js``, altair and vl-convert, kept in ``$PCN_WORKBOOK_CACHE`` (default
``~/.cache/pcn-workbook``) and read from there afterwards. ``pcn-workbook serve`` serves it at
``/pcn-assets/<bundle_name()>`` and tells kernels so in ``PCN_WORKBOOK_LIVECHART_URL``.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from ..runtime import cache_dir, write_text_atomically

SOURCE = Path(__file__).with_name("live.js")
URL_ENV = "PCN_WORKBOOK_LIVECHART_URL"
ASSET_PREFIX = "pcn-assets/"



@lru_cache(maxsize=1)
def bundle_name() -> str:
    """File name of the bundle: changes whenever live.js, altair or vl-convert change."""
    key = "\n".join([SOURCE.read_text(encoding="utf-8"), version("altair"), version("vl-convert-python")])
    return f"livechart-{hashlib.sha256(key.encode()).hexdigest()[:16]}.js"


def bundle_path() -> Path:
    """The bundle on disk, built first if it is missing (atomic: concurrent builders never clash)."""
    path = cache_dir() / bundle_name()
    if path.exists():
        return path
    import vl_convert  # only here: it costs a kernel ~100 MB

    from altair.utils._importers import vl_version_for_vl_convert

    code = vl_convert.javascript_bundle(SOURCE.read_text(encoding="utf-8"), vl_version=vl_version_for_vl_convert())
    write_text_atomically(path, code)
    return path


def build_bundle_elsewhere() -> Path:
    """Build the bundle in a child process (a server should not hold vl-convert's memory)."""
    path = cache_dir() / bundle_name()
    if not path.exists():
        import subprocess

        subprocess.run([sys.executable, "-c", "from pcn_workbook.charts.live_bundle import bundle_path; bundle_path()"],
                       check=True, env={**os.environ})
    return path


def loader(url: str) -> str:
    """A widget's whole JavaScript when the bundle is served: import it (once per page), then hand
    the model's set-up and each view to it.

    ``initialize`` starts the import and returns at once. anywidget allows a model's set-up two
    seconds (``AbortSignal.timeout(2000)``, then "[anywidget] Failed to initialize model."), and
    fetching and parsing Vega's 900 KB takes longer than that on a loaded machine, or on a phone.
    The bundle's own set-up runs when it has loaded; a patch sent before then is not lost, because
    that set-up asks the kernel for any version it missed (see ``live.js``). ``render`` waits for
    the import, and anywidget gives a view all the time it needs."""
    return ("let lib;\n"
            f"const load = async () => (await (lib ??= import(new URL({json.dumps(url)}, document.baseURI).href))).default;\n"
            "export default {\n"
            "  initialize(ctx) {\n"
            "    load().then((m) => m.initialize?.(ctx))"
            ".catch((e) => console.warn('[pcn live chart] the chart code did not load:', e));\n"
            "  },\n"
            "  async render(ctx) { return (await load()).render(ctx); },\n"
            "};\n")
