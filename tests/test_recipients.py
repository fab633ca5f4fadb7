"""Recipient files (CSV, XLSX, YAML): every cell kept as text, problems by row and column, ids unique."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from conftest import SENTINEL_NAME
from cspr_docs.errors import DataError, ExitStatus, InputError
from cspr_docs.recipients import load_recipients, select

HEADER = ["id", "name", "type", "contact_name", "email", "phone", "address"]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]], header: list[str] = HEADER) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def row(ident: str, name: str = "Agency", **extra: str) -> list[str]:
    values = {"type": "police", "contact_name": "A Lead", "email": "lead@example.org", "phone": "", "address": ""}
    values.update(extra)
    return [ident, name, *(values[c] for c in HEADER[2:])]


def test_csv_cells_stay_text_with_leading_zeros_and_address_lines(tmp_path):
    path = write_csv(tmp_path / "r.csv", [row("0042", phone="01632 960710", address="1 High St; Town; AB1 2CD")])
    (agency,) = load_recipients(path)
    assert agency.id == "0042"
    assert agency.contact.phone == "01632 960710"
    assert agency.contact.address == ["1 High St", "Town", "AB1 2CD"]
    assert agency.contact.name == "A Lead"


def test_xlsx_text_cells_keep_leading_zeros_and_whole_numbers_lose_no_digits(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [row("0042"), [42, "Numbered", "health", "B Lead", "b@example.org", None, None]])
    first, second = load_recipients(path)
    assert first.id == "0042"
    assert second.id == "42"


def test_yaml_list_of_recipients(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(
        "recipients:\n  - id: '007'\n    name: School\n    type: education\n    contact: {name: Head, email: h@example.org}\n"
    )
    (agency,) = load_recipients(path)
    assert (agency.id, agency.contact.email) == ("007", "h@example.org")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize(
    ("ident", "field"),
    [("../../x", "id"), ("a" * 300, "id"), ("\U0001f600", "id"), ("a/b", "id"), (".hidden", "id")],
)
def test_hostile_ids_are_refused_by_row_and_column(tmp_path, suffix, ident, field):
    rows = [row("good"), row(ident, name=SENTINEL_NAME)]
    path = (write_csv if suffix == ".csv" else write_xlsx)(tmp_path / f"r{suffix}", rows)
    with pytest.raises(DataError) as caught:
        load_recipients(path)
    assert caught.value.exit_code == ExitStatus.BAD_INPUT
    assert f"row 3, column {field}" in caught.value.message
    assert ident not in caught.value.message
    assert SENTINEL_NAME not in caught.value.message


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_ids_differing_only_by_case_are_duplicates(tmp_path, suffix):
    path = (write_csv if suffix == ".csv" else write_xlsx)(tmp_path / f"r{suffix}", [row("Police"), row("police")])
    with pytest.raises(DataError, match=r"row 3, column id: duplicate recipient id, ignoring case \(first at row 2"):
        load_recipients(path)


def test_every_problem_is_reported_at_once(tmp_path):
    path = write_csv(tmp_path / "r.csv", [row("ok", type="spaceship"), ["", "No id", "police", "", "", "", ""]],)
    with pytest.raises(DataError) as caught:
        load_recipients(path)
    fields = {problem.field for problem in caught.value.problems}
    assert {"row 2, column type", "row 3, column id", "row 3, column contact.name"} <= fields


def test_unknown_heading_is_reported_once_by_header_row_and_column_letter(tmp_path):
    rows = [[*row(f"a{i}"), SENTINEL_NAME] for i in range(3)]
    path = write_csv(tmp_path / "r.csv", rows, header=[*HEADER, "Contact Nmae"])
    with pytest.raises(DataError) as caught:
        load_recipients(path)
    problems = caught.value.problems
    assert [p.field for p in problems] == ["header row 1, column H (8)", "header row 1"]
    assert "unknown column heading; did you mean contact_name?" in problems[0].message
    assert "contact_name" in problems[1].message and "statutory_partner" in problems[1].message
    assert SENTINEL_NAME not in caught.value.message and "Nmae" not in caught.value.message


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("heading", ["Contact Name", "contact-name", "Contact.Name", " CONTACT_NAME ", "contact.name"])
def test_headings_match_whatever_their_case_spaces_hyphens_or_dots(tmp_path, suffix, heading):
    header = ["ID", "Name", "Type", heading, "E-mail", "Statutory Partner"]
    rows = [["police", "Police", "police", "A Lead", "lead@example.org", "yes"]]
    path = (write_csv if suffix == ".csv" else write_xlsx)(tmp_path / f"r{suffix}", rows, header=header)
    (agency,) = load_recipients(path)
    assert (agency.contact.name, agency.contact.email, agency.statutory_partner) == ("A Lead", "lead@example.org", True)


def test_a_missing_required_column_is_reported_once_not_per_row(tmp_path):
    header = ["id", "name", "type", "email"]
    path = write_csv(tmp_path / "r.csv", [["a", "A", "police", ""], ["b", "B", "police", ""]], header=header)
    with pytest.raises(DataError) as caught:
        load_recipients(path)
    missing, accepted = caught.value.problems  # once, not once per row; then the accepted headings
    assert (missing.field, missing.message) == ("header row 1", "no contact_name column (required)")
    assert accepted.field == "header row 1" and "contact_name" in accepted.message


def test_two_headings_for_one_field_are_refused(tmp_path):
    path = write_csv(tmp_path / "r.csv", [[*row("a"), "x@example.org"]], header=[*HEADER, "contact.email"])
    with pytest.raises(DataError, match=r"header row 1, column H \(8\): the same field as column E \(5\)"):
        load_recipients(path)


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_separated_csv_is_read(tmp_path, delimiter):
    path = tmp_path / "r.csv"
    lines = [HEADER, row("sch", address="1 Road; Town"), row("gp")]
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(lines)
    first, second = load_recipients(path)
    assert (first.id, first.contact.address, second.id) == ("sch", ["1 Road", "Town"], "gp")


def test_csv_row_numbers_count_blank_lines_as_a_spreadsheet_shows_them(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("id,name,type,contact_name\na,A,police,Lead\n\n,,,\nA,B,police,Lead\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"row 5, column id: duplicate recipient id, ignoring case \(first at row 2"):
        load_recipients(path)


def test_xlsx_row_numbers_are_the_sheet_rows_with_blank_rows_counted(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for cell, value in {"A1": "id", "B1": "name", "C1": "type", "D1": "contact_name"}.items():
        sheet[cell] = value
    sheet.append(row("school")[:4])  # row 2
    for number, values in ((4, row("other")[:4]), (6, ["School", "Dup", "education", "X"])):  # 3 and 5 blank
        for column, value in zip("ABCD", values, strict=True):
            sheet[f"{column}{number}"] = value
    sheet["A5"] = None
    book.save(tmp_path / "r.xlsx")
    with pytest.raises(DataError) as caught:
        load_recipients(tmp_path / "r.xlsx")
    assert [p.field for p in caught.value.problems] == ["row 6, column id"]
    assert "first at row 2, column id" in caught.value.message


def test_a_heading_row_below_blank_rows_is_found_and_rows_keep_their_numbers(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("\n\nid,name,type,contact_name\nok,A,police,Lead\nbad/id,B,police,Lead\n", encoding="utf-8")
    with pytest.raises(DataError, match="row 5, column id: ids use only"):
        load_recipients(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"id,name\n\xff\xfe,x\n", "not valid UTF-8"),
        (b"id,name\na,b,c\n", "row 2 has more cells than the header row"),
        (b"id\x00,name\n", "NUL bytes"),
    ],
)
def test_unreadable_csv_is_bad_input(tmp_path, content, message):
    path = tmp_path / "r.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        load_recipients(path)


def test_corrupt_xlsx_and_other_suffixes_are_bad_input(tmp_path):
    broken = tmp_path / "r.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(InputError):
        load_recipients(broken)
    with pytest.raises(InputError, match=r"\.csv, \.xlsx or \.yaml"):
        load_recipients(write_csv(tmp_path / "r.txt", [row("a")]))
    with pytest.raises(InputError, match="file not found"):
        load_recipients(tmp_path / "missing.csv")


def test_select_ignores_case_and_refuses_unknown_ids(tmp_path):
    agencies = load_recipients(write_csv(tmp_path / "r.csv", [row("police"), row("icb"), row("school")]))
    assert [a.id for a in select(agencies, ["ICB", "school"])] == ["icb", "school"]
    assert [a.id for a in select(agencies, [])] == ["police", "icb", "school"]
    with pytest.raises(InputError, match="no recipient with id 'nope'"):
        select(agencies, ["nope"])
