"""datasets/build_autonomy.py rebuilds the committed CSVs byte for byte and guards its properties."""
import hashlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from dataset_files import AUTONOMY_CSVS, DATASETS, REPO

SHARED_NHS = Path("/work/shared/data/nhs/gp-reg-pat-prac-all-2021-01.csv")


def load_build_module():
    spec = importlib.util.spec_from_file_location("build_autonomy", DATASETS / "build_autonomy.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_script_reproduces_committed_csvs_byte_for_byte(tmp_path):
    result = subprocess.run([sys.executable, str(DATASETS / "build_autonomy.py"), "--out", str(tmp_path)],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for name in AUTONOMY_CSVS:
        assert (tmp_path / name).read_bytes() == (DATASETS / name).read_bytes(), f"{name} differs"


def test_build_ignores_global_random_state():
    import numpy as np
    build = load_build_module()
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
