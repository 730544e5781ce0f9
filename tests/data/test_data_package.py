"""datapackage.json documents every file and column with a unit and a source."""
import csv
import json
import re

import pytest

from dataset_files import DATASETS

PACKAGE = json.loads((DATASETS / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = {r["name"]: r for r in PACKAGE["resources"]}
ATTRIBUTION = ("Contains public sector information licensed under the Open Government Licence v3.0. "
               "Source: NHS Digital, Patients Registered at a GP Practice, January 2021.")
SYNTHETIC = {("autonomy_changes", "annual_cost_gbp"), ("autonomy_changes", "min_population"),
             ("autonomy_savings", "saving_gbp_per_patient")}


def test_every_csv_in_datasets_is_a_resource():
    assert {p.name for p in DATASETS.glob("*.csv")} == {r["path"] for r in RESOURCES.values()}


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_resource_is_described_and_licensed(name):
    meta = RESOURCES[name]
    for key in ("title", "description", "path", "licenses", "sources", "schema"):
        assert meta.get(key), f"{name} lacks {key}"
    assert all(s.get("title") for s in meta["sources"])
    assert all(lic.get("name") and lic.get("path") for lic in meta["licenses"])


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_every_column_has_title_unit_source_and_matches_the_header(name):
    meta = RESOURCES[name]
    fields = meta["schema"]["fields"]
    with (DATASETS / meta["path"]).open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    assert header == [f["name"] for f in fields]
    for field in fields:
        for key in ("title", "description", "unit", "source"):
            assert str(field.get(key, "")).strip(), f"{name}.{field['name']} lacks {key}"
        assert field["type"] in {"string", "integer", "number"}
        assert "required" in field["constraints"]
        if (name, field["name"]) in SYNTHETIC:
            assert "illustrative" in field["source"]


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_keys_name_real_fields(name):
    schema = RESOURCES[name]["schema"]
    names = {f["name"] for f in schema["fields"]}
    assert set(schema["primaryKey"]) <= names
    for key in schema.get("foreignKeys", []):
        target = RESOURCES[key["reference"]["resource"]]["schema"]
        assert set(key["fields"] if isinstance(key["fields"], list) else [key["fields"]]) <= names
        assert set(key["reference"]["fields"] if isinstance(key["reference"]["fields"], list)
                   else [key["reference"]["fields"]]) <= {f["name"] for f in target["fields"]}


def test_nhs_derived_data_carries_the_ogl_attribution():
    for name in ("nhs_practice_lists_2021_01", "autonomy_practices"):
        assert RESOURCES[name]["attribution"] == ATTRIBUTION
        assert any(lic["name"] == "OGL-UK-3.0" for lic in RESOURCES[name]["licenses"])
    readme = re.sub(r"\s+", " ", (DATASETS / "README.md").read_text().replace("> ", ""))
    assert ATTRIBUTION in readme


def test_synthetic_rows_say_illustrative():
    for file, column in (("autonomy_savings.csv", "basis"), ("autonomy_changes.csv", "source")):
        with (DATASETS / file).open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        assert rows and all("illustrative (seeded synthetic, datasets/build_autonomy.py)" in r[column] for r in rows)
