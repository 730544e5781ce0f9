"""The seeded dataset scripts (datasets/build_*.py) rebuild the committed CSVs byte for byte;
build_autonomy.py also guards its properties (build_purpose.py's: test_purpose_data.py)."""
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

import dataset_files
from dataset_files import AUTONOMY_CSVS, DATASETS, REPO

SHARED_NHS = Path("/work/shared/data/nhs/gp-reg-pat-prac-all-2021-01.csv")


BUILDS = {"build_autonomy": AUTONOMY_CSVS, "build_purpose": ("readiness_demo.csv",)}


def load_build_module():
    return dataset_files.load_build_module("build_autonomy")


@pytest.mark.parametrize("script", list(BUILDS))
def test_script_reproduces_committed_csvs_byte_for_byte(tmp_path, script):
    result = subprocess.run([sys.executable, str(DATASETS / f"{script}.py"), "--out", str(tmp_path)],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for name in BUILDS[script]:
        assert (tmp_path / name).read_bytes() == (DATASETS / name).read_bytes(), f"{name} differs"


@pytest.mark.parametrize("script", list(BUILDS))
def test_build_ignores_global_random_state(script):
    import numpy as np
    build = dataset_files.load_build_module(script)
    np.random.seed(1)
    first = build.build()
    np.random.seed(2)
    assert build.build() == first


def test_built_csvs_use_lf_and_fixed_decimals():
    for name in AUTONOMY_CSVS:
        data = (DATASETS / name).read_bytes()
        assert b"\r" not in data and data.endswith(b"\n"), name
    for line in (DATASETS / "autonomy_savings.csv").read_text().splitlines()[1:]:
        saving = line.split(",")[3]
        assert saving.split(".")[1].isdigit() and len(saving.split(".")[1]) == 2, line


def test_nhs_copy_is_exact():
    copy = DATASETS / "nhs_practice_lists_2021_01.csv"
    meta = json.loads((DATASETS / "datapackage.json").read_text())
    nhs = next(r for r in meta["resources"] if r["name"] == "nhs_practice_lists_2021_01")
    assert nhs["hash"] == "sha256:" + hashlib.sha256(copy.read_bytes()).hexdigest()
    assert nhs["bytes"] == copy.stat().st_size
    if not SHARED_NHS.exists():
        pytest.skip("shared NHS source file not available")
    assert copy.read_bytes() == SHARED_NHS.read_bytes()


def test_property_check_rejects_a_change_nobody_loses_from():
    build = load_build_module()
    tables = build.build()
    practices = tables["autonomy_practices.csv"][1]
    changes = tables["autonomy_changes.csv"][1]
    savings = [list(r) for r in tables["autonomy_savings.csv"][1]]
    build.check_properties(practices, changes, savings)
    for row in savings:
        if row[1] == "care_home_medicines":
            row[3] = "9.00"  # everyone now saves more than their share of the cost
    with pytest.raises(AssertionError, match="nobody loses"):
        build.check_properties(practices, changes, savings)


def test_property_check_rejects_a_practice_big_enough_to_go_alone():
    build = load_build_module()
    tables = build.build()
    practices = [list(r) for r in tables["autonomy_practices.csv"][1]]
    largest = next(r for r in practices if r[:2] == ["five_practices", "Practice E"])
    largest[2] = "31000"  # a practice above the 30,000 network floor
    with pytest.raises(AssertionError, match="one practice suffices"):
        build.check_properties(practices, tables["autonomy_changes.csv"][1], tables["autonomy_savings.csv"][1])


def test_readme_documents_how_to_regenerate():
    readme = (DATASETS / "README.md").read_text()
    assert "python datasets/build_autonomy.py" in readme
    assert (REPO / "datasets" / ".gitattributes").read_text().count("-text") >= 1
