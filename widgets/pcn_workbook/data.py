"""Load and validate the workbook's datasets.

The tables live in ``datasets/`` at the top of the repository (or wherever the environment
variable ``PCN_WORKBOOK_DATASETS`` points) and are described by ``datasets/datapackage.json``
(a Frictionless-style data package). Every check here is built from that file: column types,
required cells, minimum/maximum, enum, pattern, unique fields, primary and foreign keys. So the
schema lives in one place, and a facilitator who edits a CSV gets a :class:`DatasetError` that
names the file, the spreadsheet row (header = row 1), the column and the problem. A table that
passed its checks is kept on disk, keyed by its content, so later kernels neither check it again
nor import pandera (see "checked tables, kept on disk" below); :func:`table_rows` gives a checked
table as plain rows, and reading those from the disk needs neither pandas nor numpy.

Sources: list sizes from NHS Digital, Patients Registered at a GP Practice, January 2021 (Open
Government Licence v3.0); the Autonomy Paradox changes from Ben Gowland, "Can you solve The
Autonomy Paradox?", The General Practice Blog, and the PCC report "Cheshire takes its own steps to
primary care at scale" (each row's ``source``, with a ``source_phrase`` quoted from it); costs and
savings are illustrative (seeded synthetic, ``datasets/build_autonomy.py``).
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import pickle
import re
from dataclasses import dataclass
from functools import lru_cache
from numbers import Integral, Real
from pathlib import Path

from .lazy import lazy_module
from .runtime import CACHE_ENV, cache_dir

np = lazy_module("numpy", globals(), "np")
pd = lazy_module("pandas", globals(), "pd")  # not needed for tables read with table_rows

DATASETS_ENV = "PCN_WORKBOOK_DATASETS"
PACKAGE_FILE = "datapackage.json"
MAX_PROBLEMS = 12  # listed in one message; the rest are counted


class DatasetError(ValueError):
    """A dataset file that cannot be used, with a message a facilitator can act on."""

    def __init__(self, file: str, problems: list[str]):
        self.file, self.problems = file, list(problems)
        shown = [f"  - {p}" for p in self.problems[:MAX_PROBLEMS]]
        if len(self.problems) > MAX_PROBLEMS:
            shown.append(f"  - ... and {len(self.problems) - MAX_PROBLEMS} more")
        plural = "problem" if len(self.problems) == 1 else "problems"
        rows = " (rows counted as in a spreadsheet: header = row 1)" if any("row " in p for p in problems) else ""
        super().__init__(f"{file}: {len(self.problems)} {plural}{rows}\n" + "\n".join(shown))


def locate_datasets(override: str | os.PathLike | None = None) -> Path:
    """The datasets folder: ``override``, else $PCN_WORKBOOK_DATASETS, else <repo>/datasets."""
    chosen = override or os.environ.get(DATASETS_ENV) or Path(__file__).resolve().parents[2] / "datasets"
    return Path(chosen).resolve()


def _stamp(path: Path) -> tuple[int, int]:
    """Changes when the file does, so the caches below never serve an edited file stale."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return (-1, -1)
    return (info.st_mtime_ns, info.st_size)


def package(directory: str | os.PathLike | None = None) -> dict:
    """The parsed ``datapackage.json`` of the datasets folder."""
    path = locate_datasets(directory) / PACKAGE_FILE
    return _package(path, _stamp(path))


@lru_cache(maxsize=8)
def _package(path: Path, _stamp) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DatasetError(PACKAGE_FILE, [f"file not found at {path}"]) from None
    except json.JSONDecodeError as error:
        raise DatasetError(PACKAGE_FILE, [f"not valid JSON (line {error.lineno}): {error.msg}"]) from None


def resource(name: str, directory: str | os.PathLike | None = None) -> dict:
    """One resource (table description) of the data package, by name."""
    resources = {r["name"]: r for r in package(directory)["resources"]}
    if name not in resources:
        raise DatasetError(PACKAGE_FILE, [f"no resource called '{name}' (known: {', '.join(sorted(resources))})"])
    return resources[name]


def load_table(resource_name: str, path: str | os.PathLike | None = None,
               datasets_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read and validate one table of the data package; returns a fresh copy of a cached frame.

    ``path`` reads another CSV against the same schema; ``datasets_dir`` points at another
    datasets folder (its own datapackage.json and CSVs).
    """
    directory = locate_datasets(datasets_dir)
    meta = resource(resource_name, directory)
    file = Path(path).resolve() if path else directory / meta["path"]
    return _load(resource_name, file, directory, _stamp(file), _stamp(directory / PACKAGE_FILE)).copy()


@lru_cache(maxsize=32)
def _load(name: str, file: Path, directory: Path, _file_stamp, _package_stamp) -> pd.DataFrame:
    meta = resource(name, directory)
    fields = meta["schema"]["fields"]
    key = _content_key(name, file, directory)
    frame = _recall(key, fields)
    if frame is not None:
        return frame
    frame = _parse(_read(file, fields), fields, file.name)
    _validate(frame, meta, file.name)
    for foreign in meta["schema"].get("foreignKeys", []):
        _check_foreign_key(frame, foreign, directory, file.name)
    _remember(key, frame)
    return frame


def table_rows(resource_name: str, path: str | os.PathLike | None = None,
               datasets_dir: str | os.PathLike | None = None) -> tuple[dict, ...]:
    """A checked table as plain rows: one dict per row, column -> str, int, float or None (an
    empty cell), in file order. The same checks as :func:`load_table`; once a table's content has
    passed them, reading it again needs neither pandas nor numpy (kept on disk beside the frame,
    under the same key). Each call returns fresh dicts."""
    directory = locate_datasets(datasets_dir)
    meta = resource(resource_name, directory)
    file = Path(path).resolve() if path else directory / meta["path"]
    rows = _rows(resource_name, file, directory, _stamp(file), _stamp(directory / PACKAGE_FILE))
    return tuple(dict(row) for row in rows)


@lru_cache(maxsize=32)
def _rows(name: str, file: Path, directory: Path, file_stamp, package_stamp) -> tuple[dict, ...]:
    columns = [f["name"] for f in resource(name, directory)["schema"]["fields"]]
    key = _content_key(name, file, directory)
    kept = _kept(key, ".rows")
    if isinstance(kept, tuple) and all(isinstance(r, dict) and list(r) == columns for r in kept):
        return kept
    frame = _load(name, file, directory, file_stamp, package_stamp)
    rows = tuple(dict(zip(columns, map(_plain, values))) for values in frame.itertuples(index=False, name=None))
    _remember(key, rows, ".rows")
    return rows


def _plain(value):
    """A cell of a checked frame as a plain Python value (missing -> None)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if math.isnan(value) else float(value)
    return value


# ---------------------------------------------------------------- checked tables, kept on disk
#
# Checking a table needs pandera, which costs a kernel about 15 MB and a noticeable part of its
# start-up; a workshop starts dozens of kernels that all read the same files. So a table that
# passed every check is kept as a pickle named by a SHA-256 key of everything its checks depend on:
# the CSV's bytes, its schema, the bytes and schema of every table its foreign keys point at (they
# are not checked again on a hit), this module's code and the pandas and pandera versions. An
# edited CSV has a new key and is read and checked again; a table that fails is never kept; a
# cache file that cannot be read is ignored and replaced. The cache folder is the user's own
# ($PCN_WORKBOOK_CACHE, default ~/.cache/pcn-workbook): whoever can write there can already run
# code as that user, so unpickling from it trusts nothing new.

VALIDATED_ENV = CACHE_ENV
CACHE_FORMAT = "1"  # raise when the pickled frames change shape


def _cache_folder() -> Path:
    return cache_dir() / "validated"


@lru_cache(maxsize=1)
def _code_fingerprint() -> bytes:
    from importlib.metadata import PackageNotFoundError, version

    def installed(package: str) -> bytes:  # read from its metadata: the package itself stays unloaded
        try:
            return version(package).encode()
        except PackageNotFoundError:
            return b"absent"

    return b"\0".join([CACHE_FORMAT.encode(), installed("pandas"), installed("pandera"), Path(__file__).read_bytes()])


def _content_key(name: str, file: Path, directory: Path) -> str | None:
    """The SHA-256 key of a table's checks (see above), or None when a file cannot be read (the
    normal path then reports it)."""
    digest = hashlib.sha256(_code_fingerprint())
    pending, seen = [(name, file)], {name}
    try:
        while pending:
            table, path = pending.pop()
            meta = resource(table, directory)
            digest.update(b"\0" + json.dumps(meta, sort_keys=True).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
            for foreign in meta["schema"].get("foreignKeys", []):
                target = foreign["reference"]["resource"]
                if target not in seen:
                    seen.add(target)
                    pending.append((target, directory / resource(target, directory)["path"]))
    except (OSError, DatasetError):
        return None
    return digest.hexdigest()


def _kept(key: str | None, suffix: str):
    """What is kept under ``key`` (None: never kept, or unreadable, so it is worked out afresh)."""
    if key is None:
        return None
    try:
        with open(_cache_folder() / f"{key}{suffix}", "rb") as kept:
            return pickle.load(kept)
    except Exception:  # noqa: BLE001 - missing, truncated or foreign: only a cache miss
        return None


def _recall(key: str | None, fields: list[dict]) -> pd.DataFrame | None:
    """The checked table kept under ``key``, or None (never kept, or unreadable: checked afresh)."""
    frame = _kept(key, ".pickle")
    if frame is None or not isinstance(frame, pd.DataFrame) or list(frame.columns) != [f["name"] for f in fields]:
        return None
    return frame


def _remember(key: str | None, kept, suffix: str = ".pickle") -> None:
    """Keep a table that passed its checks (atomically: a reader never sees half a file)."""
    if key is None:
        return
    target = _cache_folder() / f"{key}{suffix}"
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(partial, "wb") as out:
            pickle.dump(kept, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, target)
    except OSError:  # a read-only or missing cache folder only costs speed
        try:
            partial.unlink(missing_ok=True)
        except OSError:
            pass


# ---------------------------------------------------------------- reading and parsing

def _read(file: Path, fields: list[dict]) -> pd.DataFrame:
    try:
        # utf-8-sig: spreadsheet programs often add a byte-order mark when saving "CSV UTF-8"
        raw = pd.read_csv(file, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise DatasetError(file.name, [f"file not found at {file}"]) from None
    except pd.errors.EmptyDataError:
        raise DatasetError(file.name, ["the file is empty (expected a header row and data)"]) from None
    except UnicodeDecodeError:
        raise DatasetError(file.name, ["the file is not UTF-8 text: save it as 'CSV UTF-8'"]) from None
    except pd.errors.ParserError as error:
        raise DatasetError(file.name, [f"not a readable CSV file: {error}"]) from None
    expected = [f["name"] for f in fields]
    problems = [f"missing column '{c}'" for c in expected if c not in raw.columns]
    problems += [f"unexpected column '{c}' (expected: {', '.join(expected)})"
                 for c in raw.columns if c not in expected]
    if problems:
        raise DatasetError(file.name, problems)
    return raw[expected]


def _row(index: int) -> int:
    return int(index) + 2  # spreadsheet row: the header is row 1


def _parse(raw: pd.DataFrame, fields: list[dict], file: str) -> pd.DataFrame:
    """Turn text cells into typed columns; empty cells become missing values."""
    parsed, problems = {}, []
    for field in fields:
        name, kind = field["name"], field["type"]
        text = raw[name].str.strip()
        blank = text == ""
        if kind == "string":
            parsed[name] = raw[name].where(~blank, None)
            continue
        numbers = pd.to_numeric(text.where(~blank, None), errors="coerce").astype("float64")
        bad = ~blank & ~np.isfinite(numbers)  # NaN here means the text was not a number
        if kind == "integer":
            bad |= ~blank & ~text.str.fullmatch(r"[+-]?\d+")
        word = "a whole number" if kind == "integer" else "a number"
        problems += [f"row {_row(i)}, column '{name}': '{raw.at[i, name]}' is not {word}" for i in raw.index[bad]]
        if not bad.any():
            parsed[name] = numbers.astype("Int64") if kind == "integer" else numbers
    if problems:
        raise DatasetError(file, problems)
    return pd.DataFrame(parsed, index=raw.index)


# ---------------------------------------------------------------- schema checks (pandera)

def _column(field: dict) -> pa.Column:  # noqa: F821 (pandera is imported when a check runs)
    import pandera.pandas as pa

    rules = field.get("constraints", {})
    checks = []
    if "minimum" in rules:
        checks.append(pa.Check.ge(rules["minimum"], error=f"is below the minimum {rules['minimum']}"))
    if "maximum" in rules:
        checks.append(pa.Check.le(rules["maximum"], error=f"is above the maximum {rules['maximum']}"))
    if "enum" in rules:
        checks.append(pa.Check.isin(rules["enum"], error=f"is not one of: {', '.join(map(str, rules['enum']))}"))
    if "pattern" in rules:
        checks.append(pa.Check.str_matches(f"^(?:{rules['pattern'].strip('^$')})$",
                                           error=f"does not match the pattern {rules['pattern']}"))
    dtypes = {"integer": "Int64", "number": "float64", "string": None}
    if field["type"] not in dtypes:
        raise DatasetError(PACKAGE_FILE, [f"field '{field['name']}' has type '{field['type']}'; "
                                          f"supported: {', '.join(dtypes)}"])
    dtype = dtypes[field["type"]]
    return pa.Column(dtype, checks=checks, nullable=not rules.get("required", False),
                     unique=bool(rules.get("unique", False)), required=True)


@lru_cache(maxsize=32)
def _schema(resource_json: str) -> pa.DataFrameSchema:  # noqa: F821
    import pandera.pandas as pa

    meta = json.loads(resource_json)
    key = meta["schema"].get("primaryKey")
    return pa.DataFrameSchema({f["name"]: _column(f) for f in meta["schema"]["fields"]},
                              strict=True, unique=[key] if isinstance(key, str) else key,
                              report_duplicates="all", name=meta["name"])


def _validate(frame: pd.DataFrame, meta: dict, file: str) -> None:
    from pandera.errors import SchemaErrors  # here only: a table found in the cache skips pandera

    try:
        _schema(json.dumps(meta, sort_keys=True)).validate(frame, lazy=True)
    except SchemaErrors as errors:
        raise DatasetError(file, _explain(errors.failure_cases, frame, meta)) from None
    for field in meta["schema"]["fields"]:
        if field["type"] == "integer" and not frame[field["name"]].isna().any():
            frame[field["name"]] = frame[field["name"]].astype("int64")


def _explain(cases: pd.DataFrame, frame: pd.DataFrame, meta: dict) -> list[str]:
    """Pandera failure cases -> one sentence per row and problem."""
    key = meta["schema"].get("primaryKey") or []
    key = [key] if isinstance(key, str) else key
    problems = []
    for case in cases.itertuples():
        index = case.index
        where = f"row {_row(index)}, " if pd.notna(index) else ""
        if case.check == "multiple_fields_uniqueness":
            values = ", ".join(f"{k}={frame.at[index, k]}" for k in key)
            text = f"row {_row(index)}: the key ({values}) appears more than once; each must be unique"
        elif case.check == "field_uniqueness":
            text = f"{where}column '{case.column}': '{case.failure_case}' appears more than once; it must be unique"
        elif case.check == "not_nullable":
            text = f"{where}column '{case.column}': the cell is empty but a value is required"
        else:
            text = f"{where}column '{case.column}': '{case.failure_case}' {case.check}"
        if text not in problems:
            problems.append(text)
    return problems


def _check_foreign_key(frame: pd.DataFrame, key: dict, directory: Path, file: str) -> None:
    fields = [key["fields"]] if isinstance(key["fields"], str) else key["fields"]
    target = key["reference"]
    target_fields = [target["fields"]] if isinstance(target["fields"], str) else target["fields"]
    other = load_table(target["resource"], datasets_dir=directory)
    known = set(other[target_fields].itertuples(index=False, name=None))
    target_file = resource(target["resource"], directory)["path"]
    problems = []
    for index, values in zip(frame.index, frame[fields].itertuples(index=False, name=None)):
        if values not in known:
            named = ", ".join(f"{f}={v}" for f, v in zip(fields, values))
            problems.append(f"row {_row(index)}: ({named}) is not listed in {target_file}")
    if problems:
        raise DatasetError(file, problems)


# ---------------------------------------------------------------- the Autonomy Paradox chapter

def autonomy_scenarios(datasets_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """The worked scenarios of the Autonomy Paradox chapter: scenario, label, description, source,
    source_phrase (a few words quoted from the first essay the source names)."""
    return load_table("autonomy_scenarios", datasets_dir=datasets_dir)


def autonomy_scenario_rows(datasets_dir: str | os.PathLike | None = None) -> tuple[dict, ...]:
    """:func:`autonomy_scenarios` as plain rows (:func:`table_rows`: no pandas once checked); an
    empty ``source_phrase`` is None."""
    return table_rows("autonomy_scenarios", datasets_dir=datasets_dir)


def _check_complete(practices, changes, savings, scenarios: list[str], file: str) -> None:
    """Every practice x change pair of a scenario needs exactly one saving (duplicates fail the key).
    The tables are plain rows (:func:`table_rows`) or frames of the same columns."""
    practices, changes, savings = (t.to_dict("records") if hasattr(t, "to_dict") else t
                                   for t in (practices, changes, savings))
    empty = [f"scenario '{s}' has no {what} in {where}" for s in scenarios
             for what, where, table in (("practices", "autonomy_practices.csv", practices),
                                        ("changes", "autonomy_changes.csv", changes))
             if not any(r["scenario"] == s for r in table)]
    if empty:
        raise DatasetError("autonomy_scenarios.csv", empty)
    have = {(r["scenario"], r["change"], r["practice"]) for r in savings}
    problems = [f"no saving for scenario={s}, change={c}, practice={p}"
                for s in scenarios
                for c in [r["change"] for r in changes if r["scenario"] == s]
                for p in [r["practice"] for r in practices if r["scenario"] == s] if (s, c, p) not in have]
    if problems:
        raise DatasetError(file, problems)


def autonomy_group(scenario: str, datasets_dir: str | os.PathLike | None = None) -> Group:
    """The practices, changes and savings of one scenario as a :class:`gainshare.Group`.

    List sizes: NHS Digital, Patients Registered at a GP Practice, Jan 2021 (national
    percentiles, not real practices). Changes: Gowland, "Can you solve The Autonomy Paradox?",
    and the PCC Cheshire report (each change's ``source``). Costs and savings: illustrative.
    Read as plain rows (:func:`table_rows`), so a checked table needs no pandas.
    """
    from .models.gainshare import Change, Group, Practice

    known = [r["scenario"] for r in autonomy_scenario_rows(datasets_dir)]
    if scenario not in known:
        raise DatasetError(resource("autonomy_scenarios", datasets_dir)["path"],
                           [f"unknown scenario '{scenario}'; known scenarios: {', '.join(known)}"])
    practices = table_rows("autonomy_practices", datasets_dir=datasets_dir)
    changes = table_rows("autonomy_changes", datasets_dir=datasets_dir)
    savings = table_rows("autonomy_savings", datasets_dir=datasets_dir)
    _check_complete(practices, changes, savings, known, resource("autonomy_savings", datasets_dir)["path"])
    practices, changes, savings = ([r for r in t if r["scenario"] == scenario] for t in (practices, changes, savings))
    return Group(
        practices=tuple(Practice(r["practice"], int(r["list_size"])) for r in practices),
        changes=tuple(Change(r["change"], r["label"], r["description"], float(r["annual_cost_gbp"]),
                             int(r["min_population"]), r["source"]) for r in changes),
        saving_per_patient={(r["change"], r["practice"]): float(r["saving_gbp_per_patient"]) for r in savings},
    )


# ---------------------------------------------------------------- the Scale choices chapter

NHS_LISTS = "nhs_practice_lists_2021_01"
# A UK postcode: outward code (area letters, district digit, optional letter or digit), then the
# inward code (sector digit and two letters). The space is optional on input.
_POSTCODE = re.compile(r"^(?P<outward>[A-Z]{1,2}[0-9][A-Z0-9]?) ?(?P<inward>[0-9][A-Z]{2})$")
_SPACES = re.compile(r"\s+")
# The columns of nhs_practices()'s table and of its summary's ``excluded``, in order.
PRACTICE_COLUMNS = ("code", "ccg", "postcode", "district", "sector", "list_size")
EXCLUDED_COLUMNS = ("code", "ccg", "postcode", "list_size", "reason")


def _half_up(value: float) -> float:
    """Round to a whole number, halves up (7,930.5 -> 7,931); Python's round() would give 7,930."""
    return float(math.floor(value + 0.5))


@dataclass(frozen=True, eq=False)
class NhsSummary:
    """What the NHS list-size file holds and what :func:`nhs_practices` dropped from it.

    ``practices``, ``patients``, ``mean`` and ``median`` describe the whole file, BEFORE any
    exclusion (January 2021: 6,658 practices, 60,606,345 patients, mean 9,103, median 7,931).
    ``mean`` and ``median`` are whole patients rounded half up (the exact median is 7,930.5, the
    average of the two middle practices). ``excluded`` lists every dropped practice once
    (code, ccg, postcode, list_size, reason): a frame from :func:`nhs_practices`, a tuple of
    plain dicts from :func:`nhs_practice_rows`; ``kept`` and ``kept_patients`` are what is left.
    """

    practices: int
    patients: int
    mean: float
    median: float
    excluded: pd.DataFrame | tuple[dict, ...]
    kept: int
    kept_patients: int

    def lines(self) -> list[str]:
        """The summary in plain English, one sentence per line."""
        out = [f"{self.practices:,} GP practices in England on 1 January 2021, "
               f"with {self.patients:,} registered patients.",
               f"The average list is {self.mean:,.0f} patients; half of all practices have fewer than "
               f"{self.median:,.0f}."]
        if isinstance(self.excluded, tuple):
            sizes, reasons = [r["list_size"] for r in self.excluded], [r["reason"] for r in self.excluded]
        else:
            sizes, reasons = self.excluded["list_size"].tolist(), self.excluded["reason"].tolist()
        if not sizes:
            out.append("No practice was left out.")
        else:
            out.append(f"Left out {len(sizes):,} {_plural(len(sizes), 'practice')} "
                       f"({int(sum(sizes)):,} patients):")
            for reason in sorted(set(reasons)):
                count = reasons.count(reason)
                out.append(f"  {reason} ({count:,} {_plural(count, 'practice')}).")
        out.append(f"Kept {self.kept:,} {_plural(self.kept, 'practice')} with {self.kept_patients:,} patients.")
        out.append("Source: NHS Digital, Patients Registered at a GP Practice, January 2021 "
                   "(Open Government Licence v3.0).")
        return out


def _plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"


def _check_min_list(min_list) -> int:
    if isinstance(min_list, bool) or not isinstance(min_list, Real):
        raise ValueError(f"min_list must be a whole number of patients (0 or more), not {min_list!r}")
    if not isinstance(min_list, Integral):
        if not (math.isfinite(min_list) and float(min_list).is_integer()):
            raise ValueError(f"min_list must be a whole number of patients (0 or more), not {min_list!r}")
    if min_list < 0:
        raise ValueError(f"min_list cannot be negative (got {int(min_list):,}); use 0 to keep every practice")
    return int(min_list)


def _postcode_of(text: str) -> tuple[str, str, str] | None:
    """(postcode, district, sector) of one postcode's text, tidied (upper case, one space before
    the inward code), or None when it is not a UK postcode; the rule of :func:`postcode_parts`."""
    found = _POSTCODE.search(_SPACES.sub(" ", text.upper()).strip())
    if found is None:
        return None
    outward, inward = found.group("outward"), found.group("inward")
    return f"{outward} {inward}", outward, f"{outward} {inward[0]}"


def postcode_parts(postcodes: pd.Series) -> pd.DataFrame:
    """Postcode, district (outward code, "CW7") and sector (outward code + sector digit, "CW7 1").

    Postcodes are tidied (upper case, one space before the inward code); one that is not a UK
    postcode gets missing values in all three columns.

    >>> postcode_parts(pd.Series(["CW7 1AT", "sw1p3pa"])).values.tolist()
    [['CW7 1AT', 'CW7', 'CW7 1'], ['SW1P 3PA', 'SW1P', 'SW1P 3']]
    """
    texts = postcodes.fillna("").astype(str)
    parts = [_postcode_of(text) or (None, None, None) for text in texts]
    columns = ("postcode", "district", "sector")
    return pd.DataFrame({c: pd.Series([p[i] for p in parts], index=postcodes.index, dtype=texts.dtype)
                         for i, c in enumerate(columns)}, index=postcodes.index)


def _cell_text(value) -> str:
    """A text cell of a plain row as the frame version reads it (an empty cell is "")."""
    return "" if value is None else str(value)


def _median(sorted_values: list) -> float:
    n = len(sorted_values)
    if n == 0:
        return math.nan
    middle = n // 2
    return float(sorted_values[middle]) if n % 2 else (sorted_values[middle - 1] + sorted_values[middle]) / 2


def nhs_practice_rows(min_list: int = 1_000, datasets_dir: str | os.PathLike | None = None
                      ) -> tuple[tuple[dict, ...], NhsSummary]:
    """:func:`nhs_practices` as plain rows: ``(practices, summary)`` with ``practices`` a tuple of
    dicts (code, ccg, postcode, district, sector, list_size; str and int), sorted by postcode then
    code, and ``summary.excluded`` a tuple of dicts (code, ccg, postcode, list_size, reason) sorted
    by list size then code. The rules (and the figures) are :func:`nhs_practices`'s: this is where
    they live. Read with :func:`table_rows`, so no pandas once the file has passed its checks."""
    min_list = _check_min_list(min_list)
    small_reason = f"list under {min_list:,}: likely a new or closing practice"
    unplaceable = "postcode missing or not a UK postcode: the practice cannot be placed"
    kept, excluded, sizes = [], [], []
    for raw in table_rows(NHS_LISTS, datasets_dir=datasets_dir):
        size = int(raw["NUMBER_OF_PATIENTS"])
        sizes.append(size)
        text = _cell_text(raw["POSTCODE"])
        place = _postcode_of(text)
        postcode, district, sector = place if place is not None else (text, None, None)
        code, ccg = _cell_text(raw["CODE"]), _cell_text(raw["CCG_CODE"])
        reasons = ([small_reason] if size < min_list else []) + ([unplaceable] if place is None else [])
        if reasons:
            excluded.append(dict(code=code, ccg=ccg, postcode=postcode, list_size=size, reason="; ".join(reasons)))
        else:
            kept.append(dict(code=code, ccg=ccg, postcode=postcode, district=district, sector=sector, list_size=size))
    kept.sort(key=lambda r: (r["postcode"], r["code"]))
    excluded.sort(key=lambda r: (r["list_size"], r["code"]))
    total = sum(sizes)
    summary = NhsSummary(practices=len(sizes), patients=total,
                         mean=_half_up(total / len(sizes) if sizes else math.nan), median=_half_up(_median(sorted(sizes))),
                         excluded=tuple(excluded), kept=len(kept), kept_patients=sum(r["list_size"] for r in kept))
    return tuple(kept), summary


def _text_frame(rows: tuple[dict, ...], columns: tuple[str, ...]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(list(rows), columns=list(columns))
    return frame.astype({c: ("int64" if c == "list_size" else str) for c in columns})


def nhs_practices(min_list: int = 1_000, datasets_dir: str | os.PathLike | None = None
                  ) -> tuple[pd.DataFrame, NhsSummary]:
    """Every GP practice in England (January 2021) that is big enough to plan with, and a summary.

    Returns ``(practices, summary)``. ``practices`` has columns code, ccg (2021 CCG code),
    postcode, district (outward code, "CW7"), sector ("CW7 1") and list_size (registered
    patients), sorted by postcode then code. A practice is left out, with its reason in
    ``summary.excluded``, when its list is under ``min_list`` (likely a new or closing practice)
    or its postcode is missing or not a UK postcode (it cannot be placed). ``min_list=0`` keeps
    every placeable practice. The same rows as :func:`nhs_practice_rows`, as frames.

    Source: NHS Digital, Patients Registered at a GP Practice, January 2021 (OGL v3.0).
    """
    from dataclasses import replace

    rows, summary = nhs_practice_rows(min_list, datasets_dir)
    excluded = _text_frame(summary.excluded, EXCLUDED_COLUMNS)
    return _text_frame(rows, PRACTICE_COLUMNS), replace(summary, excluded=excluded)


def ccg_areas(min_list: int = 1_000, datasets_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """One row per 2021 CCG code: ccg, practices and patients, counting only the practices
    :func:`nhs_practices` keeps; sorted by ccg."""
    return areas_of(nhs_practices(min_list, datasets_dir)[0])


def areas_of(practices: pd.DataFrame) -> pd.DataFrame:
    """ccg, practices and patients per area of an :func:`nhs_practices` table (no second read)."""
    areas = (practices.groupby("ccg", sort=True)["list_size"].agg(practices="size", patients="sum")
             .reset_index())
    return areas.astype({"ccg": str, "practices": "int64", "patients": "int64"})


def area_rows(practices) -> tuple[dict, ...]:
    """:func:`areas_of` for :func:`nhs_practice_rows`'s rows: one dict (ccg, practices, patients)
    per area, sorted by ccg."""
    areas: dict[str, dict] = {}
    for row in practices:
        area = areas.setdefault(row["ccg"], {"ccg": row["ccg"], "practices": 0, "patients": 0})
        area["practices"] += 1
        area["patients"] += int(row["list_size"])
    return tuple(areas[ccg] for ccg in sorted(areas))


def scale_tiers(datasets_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Malby's three scales (2018), smallest first: tier, label, min_population, max_population,
    sub_band ("" when none), leadership, source, source_phrase (a few words verbatim from Malby's
    blog, checked by tests/data/test_source_phrases.py)."""
    tiers = load_table("scale_tiers", datasets_dir=datasets_dir)
    tiers["sub_band"] = tiers["sub_band"].fillna("")
    return tiers.sort_values("min_population", kind="stable").reset_index(drop=True)


def scale_tier_rows(datasets_dir: str | os.PathLike | None = None) -> tuple[dict, ...]:
    """:func:`scale_tiers` as plain rows, in the same order (no pandas once checked); an empty
    source_phrase is None, as a plain row has it."""
    rows = table_rows("scale_tiers", datasets_dir=datasets_dir)
    for row in rows:
        row["sub_band"] = _cell_text(row["sub_band"])
    return tuple(sorted(rows, key=lambda r: r["min_population"]))


def scale_functions(datasets_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Shared functions and the tier the sources place them at: function, label, tier,
    min_population, source_says (what the cited author says, in the project's words), reason (the
    workbook's own reading of why, not the source's), source, source_phrase (a few words verbatim
    from the cited essay); in file order, smallest tier first."""
    return load_table("scale_functions", datasets_dir=datasets_dir)


def scale_function_rows(datasets_dir: str | os.PathLike | None = None) -> tuple[dict, ...]:
    """:func:`scale_functions` as plain rows, in file order (no pandas once checked)."""
    return table_rows("scale_functions", datasets_dir=datasets_dir)


def economies_of_scale(datasets_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Practice expenses per registered patient, 2013/14, by practice size (NHS Digital via
    GPonline): measure, group, order, value (GBP per patient per year), unit, source, caveat;
    sorted by measure then order."""
    table = load_table("economies_of_scale", datasets_dir=datasets_dir)
    return table.sort_values(["measure", "order"], kind="stable").reset_index(drop=True)


def economies_of_scale_rows(datasets_dir: str | os.PathLike | None = None) -> tuple[dict, ...]:
    """:func:`economies_of_scale` as plain rows, in the same order (no pandas once checked)."""
    rows = table_rows("economies_of_scale", datasets_dir=datasets_dir)
    return tuple(sorted(rows, key=lambda r: (r["measure"], r["order"])))


def scale_evidence_notes(datasets_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """What the evidence on scale can and cannot say: note, label, finding, source."""
    return load_table("scale_evidence_notes", datasets_dir=datasets_dir)


def scale_evidence_note_rows(datasets_dir: str | os.PathLike | None = None) -> tuple[dict, ...]:
    """:func:`scale_evidence_notes` as plain rows, in file order (no pandas once checked)."""
    return table_rows("scale_evidence_notes", datasets_dir=datasets_dir)


# ---------------------------------------------------------------- the Springboard stories chapter

def _as_text(table: pd.DataFrame, columns) -> pd.DataFrame:
    """Empty optional text cells as "" rather than missing, so apps can print them as they are."""
    for column in columns:
        table[column] = table[column].fillna("").astype(str)
    return table


def _text_rows(name: str, datasets_dir: str | os.PathLike | None = None, skip=()) -> tuple[dict, ...]:
    """:func:`table_rows` with empty text cells as "" (what :func:`_as_text` gives the frames),
    except in the columns ``skip``.

    Each chapter's tables have a frame function (for notebooks, the book and the workshop) and a
    ``*_rows`` function with the same rows as plain dicts: the apps' screens need no pandas."""
    text = [f["name"] for f in resource(name, datasets_dir)["schema"]["fields"]
            if f["type"] == "string" and f["name"] not in skip]
    rows = table_rows(name, datasets_dir=datasets_dir)
    for row in rows:
        for column in text:
            if row[column] is None:
                row[column] = ""
    return rows


def _story_bank_fields(meta: dict) -> tuple[list[str], list[str]]:
    """The story bank's tag vocabulary, and its text columns other than ``tags``."""
    field = next(f for f in meta["schema"]["fields"] if f["name"] == "tags")
    text = [f["name"] for f in meta["schema"]["fields"] if f["type"] == "string" and f["name"] != "tags"]
    return list(field.get("vocabulary", [])), text


def _tag_tuples(cells, vocabulary: list[str], file: str) -> list[tuple[str, ...]]:
    """(index, 'a;b') pairs -> ('a', 'b') tuples; every tag must be in the schema's vocabulary, once
    per row (one :class:`DatasetError` lists every bad cell, by spreadsheet row)."""
    problems, parsed = [], []
    for index, cell in cells:
        row = tuple(t.strip() for t in str(cell).split(";"))
        for tag in dict.fromkeys(t for t in row if t not in vocabulary):
            problems.append(f"row {_row(index)}, column 'tags': unknown tag '{tag}'; "
                            f"known tags: {', '.join(vocabulary)}")
        for tag in dict.fromkeys(t for t in row if row.count(t) > 1):
            problems.append(f"row {_row(index)}, column 'tags': '{tag}' is listed more than once")
        parsed.append(row)
    if problems:
        raise DatasetError(file, problems)
    return parsed


def _story_tags(tags: pd.Series, vocabulary: list[str], file: str) -> pd.Series:
    """A frame's tags column as tuples (see :func:`_tag_tuples`)."""
    return pd.Series(_tag_tuples(tags.items(), vocabulary, file), index=tags.index, dtype=object)


def story_bank(datasets_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """The springboard story bank, one cited case per row, in file order.

    Columns as in ``datasets/story_bank.csv``: story, title, place, country, period, lead,
    presented_by, scale, population, practices, problem, what_changed, outcome, without_change,
    tags, source_title, source_author, source_phrase (a few words copied from the cited essay,
    checked by tests/data/test_source_phrases.py). Text the source does not give is "";
    ``population`` and ``practices`` are nullable integers (<NA> when unknown). ``tags`` is a
    tuple of topic keys per row, each checked
    against the vocabulary listed in ``datapackage.json`` (a :class:`DatasetError` names the row
    and the unknown tag).
    """
    meta = resource("story_bank", datasets_dir)
    table = load_table("story_bank", datasets_dir=datasets_dir)
    vocabulary, text = _story_bank_fields(meta)
    table["tags"] = _story_tags(table["tags"], vocabulary, meta["path"])
    return _as_text(table, text)


def story_bank_rows(datasets_dir: str | os.PathLike | None = None) -> tuple[dict, ...]:
    """:func:`story_bank` as plain rows, one dict per story in file order, read with
    :func:`table_rows` (so no pandas once the table has passed its checks): the same checks, the
    same tag tuples (and the same :class:`DatasetError` for an unknown or repeated tag), empty text
    "", and None where the frame has <NA> (``population``, ``practices``)."""
    meta = resource("story_bank", datasets_dir)
    rows = _text_rows("story_bank", datasets_dir, skip=("tags",))
    vocabulary, _ = _story_bank_fields(meta)
    for row, tags in zip(rows, _tag_tuples(enumerate(r["tags"] for r in rows), vocabulary, meta["path"])):
        row["tags"] = tags
    return rows


def story_figures(datasets_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Outcome figures of the story bank: story, figure, value, unit, period, qualifier, note,
    source_title, source_phrase (file order; optional text "" when empty). Every story is checked
    to exist in ``story_bank.csv``."""
    meta = resource("story_figures", datasets_dir)
    table = load_table("story_figures", datasets_dir=datasets_dir)
    return _as_text(table, [f["name"] for f in meta["schema"]["fields"] if f["type"] == "string"])


def story_figures_rows(datasets_dir: str | os.PathLike | None = None) -> tuple[dict, ...]:
    """:func:`story_figures` as plain rows (one dict per figure, file order; :func:`table_rows`, so no
    pandas once checked), with the same checks and empty text ""."""
    return _text_rows("story_figures", datasets_dir)


# ---------------------------------------------------------------- the What is a PCN for? chapter

def purpose_references(datasets_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Cited reference points of the purpose compass, in file order: reference, label, place, lead,
    role (source_example or workbook_placement), inward and outward (0-10, the workbook's reading
    of the source: see basis), what_the_source_says, basis, source_title, source_author,
    source_phrase. Empty text cells are ""."""
    meta = resource("purpose_references", datasets_dir)
    table = load_table("purpose_references", datasets_dir=datasets_dir)
    return _as_text(table, [f["name"] for f in meta["schema"]["fields"] if f["type"] == "string"])


def purpose_reference_rows(datasets_dir: str | os.PathLike | None = None) -> tuple[dict, ...]:
    """:func:`purpose_references` as plain rows (no pandas once checked)."""
    return _text_rows("purpose_references", datasets_dir)


def purpose_questions(datasets_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Mike Smith's three questions in order: question (what_for, shared, held_to), order, label,
    question_text, prompt, speaker, source_title, source_author, source_phrase."""
    table = load_table("purpose_questions", datasets_dir=datasets_dir)
    return table.sort_values("order", kind="stable").reset_index(drop=True)


def purpose_question_rows(datasets_dir: str | os.PathLike | None = None) -> tuple[dict, ...]:
    """:func:`purpose_questions` as plain rows, in the same order (no pandas once checked)."""
    return tuple(sorted(table_rows("purpose_questions", datasets_dir=datasets_dir), key=lambda r: r["order"]))


def purpose_reasons(datasets_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Reasons for forming a federation or PCN, in file order: reason, statement, verdict (sound or
    unsound, the source's), why (the workbook's reading), example ("" when none), speaker ("" when
    the report says it itself), source_title, source_author, source_phrase."""
    meta = resource("purpose_reasons", datasets_dir)
    table = load_table("purpose_reasons", datasets_dir=datasets_dir)
    return _as_text(table, [f["name"] for f in meta["schema"]["fields"] if f["type"] == "string"])


def purpose_reason_rows(datasets_dir: str | os.PathLike | None = None) -> tuple[dict, ...]:
    """:func:`purpose_reasons` as plain rows (no pandas once checked)."""
    return _text_rows("purpose_reasons", datasets_dir)


def purpose_reason_cards(datasets_dir: str | os.PathLike | None = None) -> tuple:
    """The reasons as :class:`pcn_workbook.models.purpose.Reason` cards for ``purpose.score_sort``."""
    from .models.purpose import Reason

    return tuple(Reason(r["reason"], r["statement"], r["verdict"], r["why"], r["example"])
                 for r in purpose_reason_rows(datasets_dir))


def readiness_items(datasets_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """The readiness self-assessment items, in file order (Malby's readiness stage, then Yates's nine
    considerations): item, strand, label, description, level_1 to level_4 (what each score looks
    like), crosswalk (NHS England maturity domain: "" for every item, as no source names one),
    source_title, source_author, source_phrase."""
    meta = resource("readiness_items", datasets_dir)
    table = load_table("readiness_items", datasets_dir=datasets_dir)
    return _as_text(table, [f["name"] for f in meta["schema"]["fields"] if f["type"] == "string"])


def readiness_item_rows(datasets_dir: str | os.PathLike | None = None) -> tuple[dict, ...]:
    """:func:`readiness_items` as plain rows (no pandas once checked)."""
    return _text_rows("readiness_items", datasets_dir)


def readiness_demo(datasets_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """ILLUSTRATIVE scores of five imaginary practices on every readiness item (seeded synthetic,
    datasets/build_purpose.py): practice, item, score (1-4), basis; every item is checked to exist
    in readiness_items.csv."""
    return load_table("readiness_demo", datasets_dir=datasets_dir)


def readiness_demo_scores(datasets_dir: str | os.PathLike | None = None) -> dict[str, dict[str, int]]:
    """The illustrative scores as practice -> item -> score (items in readiness_items.csv order), the
    form ``purpose.summarise_readiness`` takes (read as plain rows: no pandas once checked)."""
    order = [r["item"] for r in readiness_item_rows(datasets_dir)]
    scores: dict[str, dict[str, int]] = {}
    for row in table_rows("readiness_demo", datasets_dir=datasets_dir):
        scores.setdefault(row["practice"], {})[row["item"]] = int(row["score"])
    return {p: {i: given[i] for i in order if i in given} for p, given in scores.items()}
