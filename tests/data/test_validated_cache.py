"""A dataset is checked by pandera once per content: later kernels skip the import, a changed file
is checked again."""

from __future__ import annotations

import sys

import pytest

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
