"""pcn_workbook.charts.offline: charts never point a browser at a CDN, in any context."""

from __future__ import annotations

import json
import re

import altair as alt
import pandas as pd
import pytest

from pcn_workbook.charts import offline


@pytest.fixture
def restore_renderer():
    name, options = alt.renderers.active, dict(alt.renderers.options)
    yield
    alt.renderers.enable(name, **options)


@pytest.fixture
def chart():
    return alt.Chart(pd.DataFrame({"x": [1, 2, 3], "y": [3, 1, 2]})).mark_bar().encode(x="x:O", y="y:Q")


def _bundle(chart) -> dict:
    out = chart._repr_mimebundle_()
    return out[0] if isinstance(out, tuple) else out


def test_book_mode_loads_vega_from_the_vendored_folder(monkeypatch, restore_renderer, chart):
    monkeypatch.setenv(offline.ENV_BASE_URL, offline.BOOK_BASE_URL)
    assert offline.setup_notebook() == "html"
    html = _bundle(chart)["text/html"]
    for lib, version in (
        ("vega", offline.VEGA_VERSION),
        ("vega-lite", offline.VEGALITE_VERSION),
        ("vega-embed", offline.VEGAEMBED_VERSION),
    ):
        assert f'"{offline.BOOK_BASE_URL}/{lib}@{version}.js?noext"' in html
    assert not re.search(r"https?://(?!vega\.github\.io/schema)", html), "a URL other than the schema id"
    # The editor link would send a reader off-site.
    embed_opt = json.loads(re.search(r"\}\)\((\{.*\}), (\{.*?\})\);\s*</script>", html, re.S).group(2))
    assert embed_opt["actions"]["editor"] is False


def test_base_url_survives_with_embed_options(restore_renderer, chart):
    offline.use_vendored_vega("/custom/path/")
    html = _bundle(chart)["text/html"]
    assert '"/custom/path/vega@' in html and "cdn.jsdelivr" not in html


def test_kernel_mode_uses_offline_widgets(monkeypatch, restore_renderer, chart):
    monkeypatch.delenv(offline.ENV_BASE_URL, raising=False)
    assert offline.setup_notebook() == "jupyter"
    bundle = _bundle(chart)
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "text/html" not in bundle
    esm = alt.JupyterChart._esm
    # The front end is bundled locally (vl-convert), not imported from esm.sh or a CDN.
    assert not re.search(r"""(import|from)\s*\(?\s*["']https?://""", esm)
    assert "esm.sh" not in esm


def test_pinned_versions_match_package_json():
    pkg = json.loads((offline.default_npm_project() / "package.json").read_text(encoding="utf-8"))
    assert pkg["dependencies"] == {
        "@jupyter-widgets/html-manager": offline.HTML_MANAGER_VERSION,
        "axe-core": "4.14.1",  # the accessibility audit's engine (tests/a11y.py), never copied into the build
        "mathjax": offline.MATHJAX_VERSION,
        "vega": offline.VEGA_VERSION,
        "vega-embed": offline.VEGAEMBED_VERSION,
        "vega-lite": offline.VEGALITE_VERSION,
    }
    lock = json.loads((offline.default_npm_project() / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"]["node_modules/vega"]["version"] == offline.VEGA_VERSION
    assert lock["packages"]["node_modules/vega-lite"]["version"] == offline.VEGALITE_VERSION
    assert lock["packages"]["node_modules/vega-embed"]["version"] == offline.VEGAEMBED_VERSION


@pytest.mark.book  # needs node_modules: runs `npm ci` the first time
def test_vendor_js_is_idempotent_and_removes_strays(tmp_path):
    dest = offline.vendor_js(tmp_path / "pcn-vendor")
    assert (dest / f"vega@{offline.VEGA_VERSION}.js").stat().st_size > 100_000
    assert (dest / offline.WIDGETS_EMBED_JS).is_file() and (dest / offline.MATHJAX_JS).is_file()
    assert not list(dest.rglob("*.map")), "source maps are not shipped"
    before = {p: p.stat().st_mtime_ns for p in dest.rglob("*") if p.is_file()}
    (dest / "stray.js").write_text("// left over", encoding="utf-8")
    offline.vendor_js(dest)
    after = {p: p.stat().st_mtime_ns for p in dest.rglob("*") if p.is_file()}
    assert after == before, "a second run rewrote files or kept a stray"


def test_vendor_js_refuses_mismatched_pins(tmp_path):
    project = tmp_path / "vendor"
    project.mkdir()
    pkg = json.loads((offline.default_npm_project() / "package.json").read_text(encoding="utf-8"))
    pkg["dependencies"]["vega"] = "6.0.0"
    (project / "package.json").write_text(json.dumps(pkg), encoding="utf-8")
    (project / "package-lock.json").write_text("{}", encoding="utf-8")
    with pytest.raises(offline.VendorError, match="disagree"):
        offline.vendor_js(tmp_path / "out", npm_project=project)
