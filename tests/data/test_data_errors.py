"""A corrupted copy of a dataset raises DatasetError naming the file, row, column and problem."""
import pytest

from dataset_files import edit, read_rows, set_cell, write_rows
from pcn_workbook import data


def drop_column(column):
    def change(rows):
        i = rows[0].index(column)
        for r in rows:
            del r[i]
    return change


CORRUPTIONS = {
    "negative list size": ("autonomy_practices.csv", set_cell(2, "list_size", "-5"),
                           ["row 3", "list_size", "-5", "minimum"]),
    "fractional list size": ("autonomy_practices.csv", set_cell(2, "list_size", "5231.5"),
                             ["row 3", "list_size", "not a whole number"]),
    "missing column": ("autonomy_savings.csv", drop_column("basis"), ["missing column 'basis'"]),
    "extra column": ("autonomy_changes.csv", lambda rows: [r.append("x") for r in rows],
                     ["unexpected column 'x'"]),
    "unknown practice in savings": ("autonomy_savings.csv", set_cell(6, "practice", "Practice Z"),
                                    ["row 7", "Practice Z", "autonomy_practices.csv"]),
    "unknown change in savings": ("autonomy_savings.csv", set_cell(6, "change", "teleportation"),
                                  ["row 7", "teleportation", "autonomy_changes.csv"]),
    "non-numeric saving": ("autonomy_savings.csv", set_cell(4, "saving_gbp_per_patient", "about 2"),
                           ["row 5", "saving_gbp_per_patient", "'about 2' is not a number"]),
    "negative saving": ("autonomy_savings.csv", set_cell(4, "saving_gbp_per_patient", "-0.50"),
                        ["row 5", "saving_gbp_per_patient", "minimum 0"]),
    "duplicate key": ("autonomy_savings.csv", lambda rows: rows.insert(3, list(rows[2])),
                      ["row 3", "row 4", "more than once"]),
    "missing saving row": ("autonomy_savings.csv", lambda rows: rows.pop(7),
                           ["no saving for", "five_practices"]),
    "empty required cell": ("autonomy_changes.csv", set_cell(2, "label", ""),
                            ["row 3", "label", "empty"]),
    "bad scenario key": ("autonomy_scenarios.csv", set_cell(1, "scenario", "Single Accountant"),
                         ["row 2", "scenario", "pattern"]),
    "scenario without practices": ("autonomy_scenarios.csv", lambda rows: rows.append(
        ["empty_one", "Empty", "Nothing here", "none"]), ["empty_one", "has no practices", "has no changes"]),
}


@pytest.mark.parametrize("case", sorted(CORRUPTIONS))
def test_corrupted_copy_raises_readable_error(case, datasets_copy):
    file, change, expected = CORRUPTIONS[case]
    edit(datasets_copy, file, change)
    with pytest.raises(data.DatasetError) as error:
        data.autonomy_group("five_practices", datasets_dir=datasets_copy)
    message = str(error.value)
    for text in expected:
        assert text in message, f"{text!r} not in:\n{message}"
    owner = "autonomy_savings.csv" if case == "missing saving row" else file
    assert message.startswith(owner)
    assert "Traceback" not in message and "SchemaError" not in message
    assert isinstance(error.value, ValueError)


def test_nhs_file_corruption_is_caught(datasets_copy):
    edit(datasets_copy, "nhs_practice_lists_2021_01.csv", set_cell(10, "NUMBER_OF_PATIENTS", "-1"))
    with pytest.raises(data.DatasetError, match=r"nhs_practice_lists_2021_01.csv[\s\S]*row 11.*NUMBER_OF_PATIENTS"):
        data.load_table("nhs_practice_lists_2021_01", datasets_dir=datasets_copy)


def test_path_override_validates_against_the_same_schema(datasets_copy, tmp_path):
    other = tmp_path / "my_practices.csv"
    rows = read_rows(datasets_copy / "autonomy_practices.csv")
    rows[1][2] = "lots"
    write_rows(other, rows)
    with pytest.raises(data.DatasetError, match=r"my_practices.csv[\s\S]*'lots' is not a whole number"):
        data.load_table("autonomy_practices", path=other, datasets_dir=datasets_copy)


def test_missing_and_empty_files(datasets_copy):
    (datasets_copy / "autonomy_changes.csv").unlink()
    with pytest.raises(data.DatasetError, match=r"autonomy_changes.csv: [\s\S]*file not found"):
        data.autonomy_group("five_practices", datasets_dir=datasets_copy)
    (datasets_copy / "autonomy_changes.csv").write_text("")
    with pytest.raises(data.DatasetError, match="empty"):
        data.autonomy_group("five_practices", datasets_dir=datasets_copy)


def test_long_error_lists_are_summarised(datasets_copy):
    edit(datasets_copy, "autonomy_savings.csv",
         lambda rows: [r.__setitem__(3, "n/a") for r in rows[1:]])
    message = str(pytest.raises(data.DatasetError, data.load_table, "autonomy_savings",
                                datasets_dir=datasets_copy).value)
    assert "34 problems" in message and "and 22 more" in message


def test_spreadsheet_byte_order_mark_is_accepted_and_other_encodings_explained(datasets_copy):
    path = datasets_copy / "autonomy_scenarios.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert len(data.autonomy_scenarios(datasets_dir=datasets_copy)) == 2
    path.write_bytes(path.read_bytes()[3:].replace(b"Five neighbouring practices", "Cinq pratiqu\xe9s".encode("cp1252")))
    with pytest.raises(data.DatasetError, match="CSV UTF-8"):
        data.autonomy_scenarios(datasets_dir=datasets_copy)
