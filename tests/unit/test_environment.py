"""environment.yml (conda/Binder) must ask for exactly what pyproject.toml asks for."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def pip_lines() -> set[str]:
    lines, inside = set(), False
    for raw in (ROOT / "environment.yml").read_text().splitlines():
        text = raw.split("#")[0].strip()
        if text == "- pip:":
            inside = True
        elif inside and text.startswith("- ") and text != "- -e .":
            lines.add(text[2:].replace(" ", ""))
    return lines


def test_environment_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {d.replace(" ", "") for d in project["dependencies"] + project["optional-dependencies"]["test"]}
    assert pip_lines() == wanted
