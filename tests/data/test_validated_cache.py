"""A dataset is checked by pandera once per content and kept on disk: later kernels skip the
import and get the same table; a changed file, or a changed table it points at, is checked again;
an unusable cache file or folder only costs a fresh check."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys

import pandas as pd
import pytest
from dataset_files import edit, read_rows, set_cell, write_rows

from pcn_workbook import data


@pytest.fixture
def keyed_table(tmp_path, monkeypatch):
    """A copy of a table with a primary key, and an empty cache of passed checks."""
    monkeypatch.setenv(data.VALIDATED_ENV, str(tmp_path / "cache"))
    meta = data.resource("scale_tiers")  # a primary key, no foreign keys
    source = data.locate_datasets() / meta["path"]
    copy = tmp_path / source.name
    copy.write_bytes(source.read_bytes())
    data._load.cache_clear()
    yield meta["name"], copy
    data._load.cache_clear()


def test_a_passed_check_is_remembered_and_pandera_is_then_not_needed(keyed_table, tmp_path, monkeypatch):
    name, copy = keyed_table
    first = data.load_table(name, path=copy)
    assert len(list((tmp_path / "cache" / "validated").iterdir())) == 1
    data._load.cache_clear()
    monkeypatch.setitem(sys.modules, "pandera", None)  # importing it would now fail
    monkeypatch.setitem(sys.modules, "pandera.pandas", None)
    monkeypatch.setitem(sys.modules, "pandera.errors", None)
    again = data.load_table(name, path=copy)
    assert again.equals(first)


def test_a_changed_file_is_checked_again(keyed_table):
    name, copy = keyed_table
    data.load_table(name, path=copy)
    lines = copy.read_text(encoding="utf-8").splitlines()
    copy.write_text("\n".join(lines + [lines[-1]]) + "\n", encoding="utf-8")  # the last row twice
    data._load.cache_clear()
    with pytest.raises(data.DatasetError):
        data.load_table(name, path=copy)


# --- the kept frames themselves ------------------------------------------------------------------

@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    """An empty cache folder for this test, and no table remembered in this process."""
    monkeypatch.setenv(data.VALIDATED_ENV, str(tmp_path / "cache"))
    data._load.cache_clear()
    yield tmp_path / "cache" / "validated"
    data._load.cache_clear()


def _count_checks(monkeypatch) -> list[str]:
    """Record the file name of every pandera check from now on."""
    checked, check = [], data._validate

    def counting(frame, meta, file):
        checked.append(file)
        return check(frame, meta, file)

    monkeypatch.setattr(data, "_validate", counting)
    return checked


def test_every_kept_table_is_the_table_its_checks_produced(empty_cache, monkeypatch):
    names = [r["name"] for r in data.package()["resources"]]
    fresh = {name: data.load_table(name) for name in names}
    assert len(list(empty_cache.glob("*.pickle"))) == len(names)
    data._load.cache_clear()
    checked = _count_checks(monkeypatch)
    for name in names:
        pd.testing.assert_frame_equal(data.load_table(name), fresh[name], check_exact=True)
    assert checked == []


@pytest.mark.parametrize("garbage", [b"", b"\x80\x05not a pickle", pickle.dumps(["a list, not a table"]),
                                     pickle.dumps(pd.DataFrame({"other": [1]}))])
def test_a_kept_file_that_cannot_be_used_is_checked_again_and_replaced(empty_cache, monkeypatch, garbage):
    first = data.load_table("scale_tiers")
    (kept,) = empty_cache.glob("*.pickle")
    kept.write_bytes(garbage)
    data._load.cache_clear()
    checked = _count_checks(monkeypatch)
    again = data.load_table("scale_tiers")
    assert checked == ["scale_tiers.csv"]
    pd.testing.assert_frame_equal(again, first)
    with kept.open("rb") as f:
        pd.testing.assert_frame_equal(pickle.load(f), first)  # rewritten whole


def test_a_table_is_checked_again_when_a_table_it_points_at_changes(empty_cache, datasets_copy):
    data.story_figures(datasets_copy)  # passes, and is kept
    figures = read_rows(datasets_copy / "story_figures.csv")
    story = figures[1][figures[0].index("story")]
    bank = read_rows(datasets_copy / "story_bank.csv")
    at = bank[0].index("story")
    write_rows(datasets_copy / "story_bank.csv", [bank[0], *(r for r in bank[1:] if r[at] != story)])
    data._load.cache_clear()
    with pytest.raises(data.DatasetError, match=f"story={story}\\) is not listed in story_bank.csv"):
        data.story_figures(datasets_copy)  # story_figures.csv itself is unchanged


def test_a_failed_check_is_never_kept(empty_cache, datasets_copy):
    edit(datasets_copy, "scale_tiers.csv", set_cell(1, "min_population", "lots"))
    for _ in range(2):
        data._load.cache_clear()
        with pytest.raises(data.DatasetError, match="'lots' is not a whole number"):
            data.scale_tiers(datasets_copy)
    assert not list(empty_cache.glob("*.pickle"))


def test_tables_still_load_when_the_cache_cannot_be_written(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv(data.VALIDATED_ENV, str(blocker))
    data._load.cache_clear()
    try:
        assert len(data.scale_tiers()) == 3
    finally:
        data._load.cache_clear()
    assert blocker.read_text(encoding="utf-8").startswith("a file")


# --- plain rows, read without pandas -------------------------------------------------------------

def _as_plain(frame: pd.DataFrame) -> list[dict]:
    """A frame's cells as table_rows gives them: missing -> None, numbers as Python numbers."""
    return [{k: (None if pd.isna(v) else v.item() if hasattr(v, "item") else v) for k, v in row.items()}
            for row in frame.to_dict("records")]


def test_plain_rows_are_the_checked_table_cell_for_cell(empty_cache):
    for name in (r["name"] for r in data.package()["resources"]):
        data._rows.cache_clear()
        rows = data.table_rows(name)
        assert list(rows) == _as_plain(data.load_table(name)), name
        assert {type(v) for r in rows for v in r.values()} <= {str, int, float, type(None)}, name
        data._rows.cache_clear()
        assert data.table_rows(name) == rows, name  # the same from the kept file
    data._rows.cache_clear()


def test_plain_rows_are_fresh_on_every_call(empty_cache):
    data._rows.cache_clear()
    first = data.table_rows("scale_tiers")
    first[0]["label"] = "changed by a caller"
    assert data.table_rows("scale_tiers")[0]["label"] != "changed by a caller"
    data._rows.cache_clear()


def test_kept_rows_are_read_without_pandas_numpy_or_pandera(tmp_path):
    """In a fresh interpreter, as a second kernel would: the first read checks and keeps the table;
    the second imports none of the three and gives the same rows."""
    script = (
        "import json, sys\n"
        "from pcn_workbook import data\n"
        "rows = data.table_rows('purpose_references')\n"
        "print(json.dumps([sorted(m for m in ('pandas', 'numpy', 'pandera') if m in sys.modules), rows]))\n"
    )
    env = {**os.environ, data.VALIDATED_ENV: str(tmp_path / "cache")}
    runs = [json.loads(subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True,
                                      text=True).stdout) for _ in range(2)]
    assert runs[0][0] == ["numpy", "pandas", "pandera"]  # nothing kept yet: checked the full way
    assert runs[1] == [[], runs[0][1]]


def test_rows_of_a_changed_file_are_checked_again(tmp_path, monkeypatch, datasets_copy):
    monkeypatch.setenv(data.VALIDATED_ENV, str(tmp_path / "cache"))
    data._rows.cache_clear()
    data._load.cache_clear()
    assert len(data.table_rows("scale_tiers", datasets_dir=datasets_copy)) == 3
    edit(datasets_copy, "scale_tiers.csv", set_cell(1, "min_population", "lots"))
    data._rows.cache_clear()
    data._load.cache_clear()
    with pytest.raises(data.DatasetError, match="'lots' is not a whole number"):
        data.table_rows("scale_tiers", datasets_dir=datasets_copy)
    data._rows.cache_clear()
    data._load.cache_clear()


@pytest.mark.parametrize("garbage", [b"", pickle.dumps(["not rows"]), pickle.dumps(({"other": 1},))])
def test_kept_rows_that_cannot_be_used_are_worked_out_again(empty_cache, garbage):
    data._rows.cache_clear()
    first = data.table_rows("scale_tiers")
    (kept,) = empty_cache.glob("*.rows")
    kept.write_bytes(garbage)
    data._rows.cache_clear()
    assert data.table_rows("scale_tiers") == first
    with kept.open("rb") as f:
        assert list(pickle.load(f)) == list(first)
    data._rows.cache_clear()
