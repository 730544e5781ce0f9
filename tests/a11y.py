"""axe-core in a real page: the accessibility audit shared by tests/browser and tests/book.

axe-core is pinned in ``book/vendor/package.json`` beside Vega (the book never serves it: it is
for tests only). ``axe_source()`` reads ``book/vendor/node_modules/axe-core/axe.min.js``, running
``npm ci`` there first when it is missing or another version is installed (the same helper the
book build uses for Vega, ``pcn_workbook.charts.offline``). ``audit(page)`` injects it with
Playwright and returns what axe calls violations, one small record per rule.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pcn_workbook.charts.offline import VendorError, _npm_ci, default_npm_project

PACKAGE = "axe-core"
#: What the audits fail on; "moderate" and "minor" are reported but tolerated.
BLOCKING = ("serious", "critical")
IMPACTS = ("critical", "serious", "moderate", "minor")


def _pinned(project: Path) -> str:
    deps = json.loads((project / "package.json").read_text(encoding="utf-8")).get("dependencies", {})
    if PACKAGE not in deps:
        raise VendorError(f"{project / 'package.json'} does not pin {PACKAGE}: "
                          f"run `npm install --prefix book/vendor {PACKAGE}@<version> --save-exact`.")
    return deps[PACKAGE]


def _installed(project: Path) -> str | None:
    try:
        meta = project / "node_modules" / PACKAGE / "package.json"
        return json.loads(meta.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return None


@lru_cache(maxsize=1)
def axe_source(project: Path | None = None) -> str:
    """The text of ``axe.min.js`` at the pinned version (installed with ``npm ci`` when needed)."""
    project = Path(project) if project is not None else default_npm_project()
    wanted = _pinned(project)
    if _installed(project) != wanted:
        _npm_ci(project)
        if _installed(project) != wanted:
            raise VendorError(f"npm ci did not install {PACKAGE} {wanted}: check package-lock.json.")
    return (project / "node_modules" / PACKAGE / "axe.min.js").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    nodes: int
    target: str  # the first failing element's selector
    help: str

    def __str__(self) -> str:
        more = f" (+{self.nodes - 1} more)" if self.nodes > 1 else ""
        return f"[{self.impact}] {self.rule}: {self.help} -- {self.target}{more}"


_RUN = """async (exclude) => {
  const context = exclude.length ? { include: [document], exclude: exclude.map((s) => [s]) } : document;
  const result = await axe.run(context, { resultTypes: ['violations'] });
  return result.violations.map((v) => ({
    rule: v.id, impact: v.impact || 'minor', nodes: v.nodes.length, help: v.help,
    target: v.nodes.length ? JSON.stringify(v.nodes[0].target) : '',
  }));
}"""


def audit(page, exclude: tuple[str, ...] = ()) -> list[Violation]:
    """Run axe on the whole document of ``page`` (minus the ``exclude`` selectors)."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_source())
    return [Violation(**v) for v in page.evaluate(_RUN, list(exclude))]


def blocking(violations: list[Violation]) -> list[Violation]:
    return [v for v in violations if v.impact in BLOCKING]


def counts(violations: list[Violation]) -> dict[str, int]:
    """Number of failing elements per impact (the table in the audit's report)."""
    out = dict.fromkeys(IMPACTS, 0)
    for v in violations:
        out[v.impact] = out.get(v.impact, 0) + v.nodes
    return out


def report(where: str, violations: list[Violation]) -> str:
    """One line per failing rule, for an assertion message."""
    return f"{where}:\n" + "\n".join(f"  {v}" for v in violations)
