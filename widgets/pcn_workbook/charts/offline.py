"""Serve chart JavaScript ourselves: no CDN in the book, in Voila or under nbval.

Why this module exists
----------------------
Altair's defaults load Vega, Vega-Lite and vega-embed from a CDN, and Jupyter Book 1 loads
require.js, the ipywidgets HTML manager and MathJax from CDNs too. Workshops often run on
hospital or venue networks with no (or filtered) internet, and our tests run with no web at all,
so every page must work from files we ship. The JavaScript comes from npm, pinned in
``book/vendor/package.json`` + ``package-lock.json`` (``npm ci --prefix book/vendor``;
``node_modules`` is git-ignored) and :func:`vendor_js` copies only the files a browser needs.

How a chart picks its renderer (one call, :func:`setup_notebook`, at the top of a notebook)
--------------------------------------------------------------------------------------------
* **Book build** (``jupyter-book build .``): the book's local Sphinx extension
  (``book/_ext/pcn_book_offline.py``) runs :func:`vendor_js` into
  ``_build/vendor-static/pcn-vendor`` (Sphinx copies it to ``_build/html/_static/pcn-vendor``) and
  sets the environment variable ``PCN_VEGA_BASE_URL=../_static/pcn-vendor``, always (any other
  value would break the offline book or be frozen into the execution cache). So
  ``jupyter-book build .`` on its own does everything; a CLI wrapper needs no extra step. Kernels
  started by the build inherit the variable, so :func:`setup_notebook` calls
  :func:`use_vendored_vega` with it: each chart becomes plain HTML + Vega-Lite that stays
  interactive in the static page with no kernel. The URL is *relative to the page*: every book
  notebook lives in ``notebooks/``, so its page is ``_build/html/notebooks/NAME.html`` and ``..``
  is the book root. (The extension fails the build if a notebook sits at another depth.) Relative
  URLs keep the book working from any host and sub-path (a USB stick, ``python -m http.server``,
  a web server's ``/pcn/``).
* **Voila and nbval** (no ``PCN_VEGA_BASE_URL``): there is no static folder we could point a URL
  at that works both in Voila (which serves only allow-listed files) and in a headless nbval kernel,
  so :func:`setup_notebook` switches altair to its ``jupyter`` renderer in offline mode: every
  chart is an ``alt.JupyterChart`` (anywidget) whose JavaScript bundle is built locally by
  vl-convert and sent over the kernel's widget channel, so the browser fetches nothing from a CDN
  and the chart stays interactive (Altair parameters, bound inputs). We chose it over the ``svg``
  renderer, which is also offline but static (a bound slider would do nothing). Under nbval the
  outputs are widget views, which nbval skips; nothing is fetched because no browser is involved.
  Cost: vl-convert is imported (about 100 MB more kernel memory) -- the apps load it anyway for
  their own JupyterCharts.

File names
----------
Altair's ``html`` renderer builds each script URL as ``f"{base_url}/vega@{vega_version}"``.
We pass ``vega_version="6.4.0.js"`` (and the same for vega-lite and vega-embed), so the URL is
``<base_url>/vega@6.4.0.js``: a real ``.js`` name that every static server (``http.server``,
Tornado, GitHub Pages, nginx with ``nosniff``) sends as JavaScript, and versioned, so a browser
cache never mixes releases. The versions below must match ``book/vendor/package.json``;
:func:`vendor_js` refuses to run when they do not.
"""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from ..runtime import in_voila, write_text_atomically

#: Environment variable that tells :func:`setup_notebook` where the vendored JavaScript is served.
ENV_BASE_URL = "PCN_VEGA_BASE_URL"

#: Folder name (inside the book's ``_static``) that holds the vendored files.
STATIC_SUBDIR = "pcn-vendor"

#: Base URL for book notebooks: pages are ``notebooks/NAME.html``, static files ``_static/...``.
BOOK_BASE_URL = f"../_static/{STATIC_SUBDIR}"

#: Exact versions vendored (keep in step with book/vendor/package.json).
VEGA_VERSION = "6.4.0"
VEGALITE_VERSION = "6.4.1"
VEGAEMBED_VERSION = "7.3.0"
HTML_MANAGER_VERSION = "1.0.6"
MATHJAX_VERSION = "3.2.2"

#: vega-embed options for every chart: SVG output (sharp on projectors, text selectable by
#: screen readers) and no "Open in Vega Editor" / source links, which would lead off-site.
EMBED_OPTIONS: dict[str, Any] = {
    "renderer": "svg",
    "actions": {"export": True, "source": False, "compiled": False, "editor": False},
}

#: Paths (relative to the vendored folder) the Sphinx config refers to.
WIDGETS_EMBED_JS = f"html-manager@{HTML_MANAGER_VERSION}/embed.js"
MATHJAX_JS = f"mathjax@{MATHJAX_VERSION}/tex-chtml-full.js"

_PACKAGES = {
    "vega": VEGA_VERSION,
    "vega-lite": VEGALITE_VERSION,
    "vega-embed": VEGAEMBED_VERSION,
    "@jupyter-widgets/html-manager": HTML_MANAGER_VERSION,
    "mathjax": MATHJAX_VERSION,
}


class VendorError(RuntimeError):
    """The vendored JavaScript could not be installed or copied (message says what to do)."""


def repo_root() -> Path:
    """The repository root when the package is installed in editable mode (widgets/ layout)."""
    return Path(__file__).resolve().parents[3]


def default_npm_project() -> Path:
    """``book/vendor`` in the repository (holds package.json and package-lock.json)."""
    return repo_root() / "book" / "vendor"


def _file_map(nm: Path) -> dict[str, Path]:
    """Destination name (relative, POSIX) -> source file in node_modules."""
    files: dict[str, Path] = {
        f"vega@{VEGA_VERSION}.js": nm / "vega/build/vega.min.js",
        f"vega-lite@{VEGALITE_VERSION}.js": nm / "vega-lite/build/vega-lite.min.js",
        f"vega-embed@{VEGAEMBED_VERSION}.js": nm / "vega-embed/build/vega-embed.min.js",
    }
    # ipywidgets HTML manager (non-AMD build): embed.js plus the webpack chunks and fonts it
    # loads relative to its own URL. No source maps, no AMD builds.
    hm = nm / "@jupyter-widgets/html-manager/dist"
    if hm.is_dir():
        for src in sorted(hm.iterdir()):
            if src.is_file() and not src.name.endswith(".map") and "amd" not in src.name:
                files[f"html-manager@{HTML_MANAGER_VERSION}/{src.name}"] = src
    # MathJax 3: the all-in-one TeX -> CommonHTML file, its fonts, and the components its menu
    # loads on demand (accessibility, speech), all fetched relative to its own URL.
    mj = nm / "mathjax/es5"
    files[f"mathjax@{MATHJAX_VERSION}/tex-chtml-full.js"] = mj / "tex-chtml-full.js"
    for sub in ("output/chtml/fonts/woff-v2", "a11y", "ui", "sre"):
        base = mj / sub
        if base.is_dir():
            for src in sorted(base.rglob("*")):
                if src.is_file() and not src.name.endswith(".map"):
                    rel = src.relative_to(mj).as_posix()
                    files[f"mathjax@{MATHJAX_VERSION}/{rel}"] = src
    # Licences travel with the code we redistribute.
    for pkg in _PACKAGES:
        lic = nm / pkg / "LICENSE"
        files[f"LICENSES/{pkg.replace('/', '__')}.txt"] = lic
    return files


def _installed_versions(nm: Path) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for pkg in _PACKAGES:
        meta = nm / pkg / "package.json"
        try:
            out[pkg] = json.loads(meta.read_text(encoding="utf-8"))["version"]
        except (OSError, ValueError, KeyError):
            out[pkg] = None
    return out


def _check_pins(project: Path) -> None:
    """package.json must pin exactly the versions this module builds URLs for."""
    pkg_json = project / "package.json"
    lock = project / "package-lock.json"
    for f in (pkg_json, lock):
        if not f.is_file():
            raise VendorError(f"{f} is missing: the vendored JavaScript is pinned there.")
    deps = json.loads(pkg_json.read_text(encoding="utf-8")).get("dependencies", {})
    wrong = {p: (deps.get(p), v) for p, v in _PACKAGES.items() if deps.get(p) != v}
    if wrong:
        detail = "; ".join(f"{p}: package.json has {a!r}, offline.py expects {b!r}" for p, (a, b) in wrong.items())
        raise VendorError(
            f"{pkg_json} and pcn_workbook/charts/offline.py disagree ({detail}). "
            "Change both together, then run `npm install --prefix book/vendor --package-lock-only`."
        )


def _npm_ci(project: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise VendorError(
            "npm was not found on PATH, so the book's JavaScript (Vega, Vega-Lite, vega-embed, "
            "the widget manager, MathJax) cannot be installed. Install Node.js 20 and npm "
            "(Debian: `apt-get install nodejs npm`), then run `npm ci --prefix book/vendor`."
        )
    cmd = [npm, "ci", "--prefix", str(project), "--ignore-scripts", "--no-audit", "--no-fund"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise VendorError(
            f"`{' '.join(cmd)}` failed (exit {proc.returncode}); the npm registry must be "
            f"reachable the first time.\n{proc.stderr[-2000:]}"
        )


def vendor_js(dest: Path, *, npm_project: Path | None = None) -> Path:
    """Install (if needed) and copy the book's JavaScript into ``dest``; return ``dest``.

    Runs ``npm ci`` in ``npm_project`` (default ``book/vendor``) only when ``node_modules`` is
    missing or holds other versions than the pinned ones, then makes ``dest`` contain exactly the
    files the pages need (see :func:`_file_map`), copying only what changed and deleting strays.
    Safe to call on every build. Raises :class:`VendorError` with a readable fix on failure.
    """
    project = Path(npm_project) if npm_project is not None else default_npm_project()
    _check_pins(project)
    nm = project / "node_modules"
    if _installed_versions(nm) != dict(_PACKAGES):
        _npm_ci(project)
        got = _installed_versions(nm)
        if got != dict(_PACKAGES):
            raise VendorError(f"npm ci installed {got}, expected {dict(_PACKAGES)}: check package-lock.json.")

    files = _file_map(nm)
    missing = [str(src) for src in files.values() if not src.is_file()]
    if missing:
        raise VendorError("Expected files are missing from node_modules: " + ", ".join(missing[:5]))

    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for rel, src in files.items():
        target = dest / rel
        if target.is_file() and filecmp.cmp(src, target, shallow=True):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)
    wanted = {dest / rel for rel in files} | {dest / "manifest.json"}
    for path in sorted(dest.rglob("*"), reverse=True):  # children before parents
        if path.is_file() and path not in wanted:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    manifest = {"versions": dict(_PACKAGES), "files": sorted(files)}
    text = json.dumps(manifest, indent=1) + "\n"
    mf = dest / "manifest.json"
    if not mf.is_file() or mf.read_text(encoding="utf-8") != text:
        mf.write_text(text, encoding="utf-8")
    return dest


def use_vendored_vega(base_url: str) -> None:
    """Render altair charts as HTML that loads Vega from ``base_url`` (never a CDN).

    ``base_url`` is the folder holding ``vega@<version>.js`` etc., absolute or relative to the page.
    ``embed_options`` must go in the same ``enable()`` call: a later
    ``alt.renderers.set_embed_options()`` re-enables the renderer and drops ``base_url``.
    """
    from ._altair import altair

    alt = altair()

    alt.renderers.enable(
        "html",
        base_url=base_url.rstrip("/"),
        embed_options=dict(EMBED_OPTIONS),
        vega_version=f"{VEGA_VERSION}.js",
        vegalite_version=f"{VEGALITE_VERSION}.js",
        vegaembed_version=f"{VEGAEMBED_VERSION}.js",
    )


def _jupyterchart_cache_file() -> Path:
    from importlib.metadata import version

    from ..runtime import cache_dir

    return cache_dir() / f"jupyterchart-altair{version('altair')}-vlc{version('vl-convert-python')}.js"


def enable_jupyterchart_offline() -> None:
    """Make every ``alt.JupyterChart`` carry its own JavaScript, read from a cache file when it exists.

    Altair's ``JupyterChart.enable_offline()`` builds the Vega bundle with vl-convert, which costs
    each kernel about a second and a hundred megabytes. The bundle depends only on the installed
    altair and vl-convert, so it is built once, kept in a cache file, and later kernels read it.
    (The apps' own charts are ``charts.live.LiveChart``; this is for story charts in JupyterLab and
    for the bare baseline app.)
    """
    from ._altair import altair

    alt = altair()

    if alt.JupyterChart._is_offline:
        return
    cache = _jupyterchart_cache_file()
    if cache.exists():
        alt.JupyterChart._esm = cache.read_text(encoding="utf-8")
        alt.JupyterChart._is_offline = True
        return
    alt.JupyterChart.enable_offline()
    try:
        write_text_atomically(cache, alt.JupyterChart._esm)  # concurrent kernels never read half a file
    except OSError:
        pass  # a read-only home only costs speed


def use_offline_widgets() -> None:
    """Render altair charts as ``alt.JupyterChart`` widgets with a locally built bundle."""
    from ._altair import altair

    alt = altair()

    enable_jupyterchart_offline()  # the cached bundle: no vl-convert import after the first kernel
    alt.renderers.enable("jupyter", offline=True, embed_options=dict(EMBED_OPTIONS))


def _story_hidden(spec: dict) -> dict:
    """Renderer for Voila: story charts are never on the page, so send a line of text, not a widget."""
    return {"text/plain": f"[chart for the book: {spec.get('description', 'untitled')[:80]}]"}


def use_voila_story_renderer() -> None:
    from ._altair import altair

    alt = altair()

    alt.renderers.register("pcn-story-hidden", _story_hidden)
    alt.renderers.enable("pcn-story-hidden")


def setup_notebook() -> str:
    """Choose an offline-safe chart renderer for this kernel; return which one (for logging).

    ``"html"`` when ``PCN_VEGA_BASE_URL`` is set (the book build); ``"story-hidden"`` under Voila,
    whose template shows only the app cell, so story charts need not be drawn or sent (each
    JupyterChart would ship a megabyte of JavaScript to the browser for nothing); else
    ``"jupyter"`` (JupyterLab, nbval). Call it once, near the top of every chapter notebook.
    """
    base_url = os.environ.get(ENV_BASE_URL, "").strip()
    if base_url:
        use_vendored_vega(base_url)
        return "html"
    if in_voila():
        use_voila_story_renderer()
        return "story-hidden"
    use_offline_widgets()
    return "jupyter"
