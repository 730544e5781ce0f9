"""Paths and CSV read/write shared by the dataset tests."""
import csv
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATASETS = REPO / "datasets"
AUTONOMY_CSVS = ("autonomy_scenarios.csv", "autonomy_practices.csv", "autonomy_changes.csv",
                 "autonomy_savings.csv")


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def edit(folder: Path, file: str, change) -> None:
    """Rewrite one CSV in ``folder`` through ``change(rows)`` (rows include the header)."""
    path = folder / file
    rows = read_rows(path)
    change(rows)
    write_rows(path, rows)


def set_cell(row: int, column: str, value: str):
    """A change for ``edit`` that sets one cell (row 0 is the header)."""
    def change(rows):
        rows[row][rows[0].index(column)] = value
    return change


def load_build_module(script: str):
    """A dataset build script (``datasets/<script>.py``) imported as a module, for its functions."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location(script, DATASETS / f"{script}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module
