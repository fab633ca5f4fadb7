"""Mail-merge recipients: the case's agencies, or a CSV, XLSX or YAML list with the same fields, kept as text."""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cspr_docs.errors import DataError, InputError, Problem
from cspr_docs.load import format_loc, read_yaml
from cspr_docs.model.case import Agency

MAX_TABLE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000

# Column headings accepted for each field, after `_normalise` (so "Contact Name", "contact-name", "Contact.Name"
# and "contact_name" are one heading); the value is the field's path in `agencies[]`.
_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "name": ("name",),
    "type": ("type",),
    "statutory_partner": ("statutory_partner",),
    **{alias: ("contact", field) for field in ("name", "role", "salutation", "email", "phone", "address")
       for alias in (f"contact_{field}", *(() if field == "name" else (field,)))},
    "e_mail": ("contact", "email"),
    "contact_e_mail": ("contact", "email"),
}
_REQUIRED = (("id",), ("name",), ("type",), ("contact", "name"))
ACCEPTED = ("id, name, type, contact_name, role, salutation, email, phone, address and statutory_partner "
            "(case, spaces, '-' and '.' do not matter; role to address may also start with contact_)")
_SEPARATORS = re.compile(r"[\s.\-]+")


def _normalise(heading: str) -> str:
    return _SEPARATORS.sub("_", heading.strip().lower()).strip("_")


def _column_letter(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class _Table:
    """A sheet as read: the heading row and each non-blank data row, with their real sheet row numbers."""

    header_row: int
    header: list[str]
    rows: list[tuple[int, list[str]]]


def _map_columns(table: _Table, path: Path) -> tuple[dict[int, tuple[str, ...]], list[Problem]]:
    """Each column's field path; every unknown, duplicate or missing heading reported once, at the header row."""
    columns: dict[int, tuple[str, ...]] = {}
    problems: list[Problem] = []
    first: dict[tuple[str, ...], int] = {}
    used = {i for _, cells in table.rows for i, cell in enumerate(cells) if cell.strip()}

    def at(index: int) -> str:
        return f"header row {table.header_row}, column {_column_letter(index + 1)} ({index + 1})"

    for index, heading in enumerate(table.header):
        key = _normalise(heading)
        if not key:
            if index in used:
                problems.append(Problem(str(path), None, None, at(index), "values under an empty heading"))
            continue
        field = _COLUMNS.get(key)
        if field is None:
            # The heading itself is not repeated: a sheet saved without its heading row puts a person's details here.
            close = difflib.get_close_matches(key, sorted(_COLUMNS), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            problems.append(Problem(str(path), None, None, at(index), f"unknown column heading{hint}"))
        elif field in first:
            where = f"{_column_letter(first[field] + 1)} ({first[field] + 1})"
            problems.append(Problem(str(path), None, None, at(index),
                                    f"the same field as column {where}; keep one of them"))
        else:
            first[field] = index
            columns[index] = field
    row = f"header row {table.header_row}"
    problems += [Problem(str(path), None, None, row, f"no {'_'.join(field)} column (required)")
                 for field in _REQUIRED if field not in first]
    if problems:
        problems.append(Problem(str(path), None, None, row, f"the accepted column headings are {ACCEPTED}"))
    return columns, problems


def _row_to_agency_data(cells: list[str], columns: dict[int, tuple[str, ...]]) -> dict[str, Any]:
    """Map one flat row to the nested `agencies[]` shape."""
    data: dict[str, Any] = {}
    contact: dict[str, Any] = {}
    for index, field in columns.items():
        value = cells[index] if index < len(cells) else ""
        if value == "":
            continue
        if field[0] != "contact":
            data[field[0]] = value
        elif field[1] == "address":
            contact["address"] = [part.strip() for part in value.replace(";", "\n").splitlines() if part.strip()]
        else:
            contact[field[1]] = value
    if "statutory_partner" in data:
        flag = str(data["statutory_partner"]).strip().lower()
        data["statutory_partner"] = {"true": True, "yes": True, "y": True, "1": True}.get(
            flag, False if flag in {"false", "no", "n", "0"} else flag
        )
    data["contact"] = contact
    return data


def _cell_text(value: Any) -> str:
    """Spreadsheet cell as text: whole numbers without '.0', dates as YYYY-MM-DD, text untouched."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)


def _table(rows: Iterable[list[str]]) -> _Table:
    """The first non-blank row is the heading; blank rows are skipped but still counted, as the sheet shows them."""
    header: list[str] | None = None
    header_row = 1
    data: list[tuple[int, list[str]]] = []
    for number, cells in enumerate(rows, start=1):
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header, header_row = cells, number
            continue
        data.append((number, cells))
        if len(data) > MAX_ROWS:
            break
    return _Table(header_row, header or [], data)


def _delimiter(text: str) -> str:
    """',' unless the heading line is separated by ';' or tabs (Excel's CSV in many locales uses ';')."""
    first_line = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(first_line, delimiters=",;\t").delimiter
    except csv.Error:  # one column, or nothing to go on
        return ","


def _read_csv(path: Path) -> _Table:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not valid UTF-8 at byte offset {exc.start}; save the file as CSV UTF-8") from None
    if "\x00" in text:
        raise InputError(f"{path}: contains NUL bytes; is it really a CSV file?")
    try:
        table = _table(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True))
    except csv.Error as exc:
        raise InputError(f"{path}: not readable as CSV ({exc}); check the quotes") from None
    for number, cells in table.rows:
        if len(cells) > len(table.header):
            raise InputError(f"{path}: row {number} has more cells than the header row; check the commas and quotes")
    return table


def _read_xlsx(path: Path) -> _Table:
    import zipfile

    from openpyxl import load_workbook

    from cspr_docs.safezip import check_zip

    check_zip(path, max_bytes=50 * 1024 * 1024, max_entries=2000, max_ratio=200, error=InputError)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(f"{path}: not a readable .xlsx workbook ({type(exc).__name__})") from None
    try:
        # Read-only sheets yield every row from row 1, empty ones included, so the count is the sheet's row number.
        return _table([_cell_text(value) for value in values] for values in book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()


Locate = Callable[[int, tuple[Any, ...], str], Problem | None]


def load_recipients(path: Path) -> list[Agency]:
    """Read recipients from a .csv, .xlsx or .yaml file; every problem reported by row and column at once.

    Raises:
        InputError: the file is missing, too large or unreadable.
        DataError: rows are invalid (by row and column), or ids are duplicated (ignoring case).
    """
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    if path.stat().st_size > MAX_TABLE_BYTES:
        raise InputError(f"{path}: over the {MAX_TABLE_BYTES // (1024 * 1024)} MiB limit for recipient files")
    suffix = path.suffix.lower()
    problems: list[Problem] = []
    if suffix in {".yaml", ".yml"}:
        doc = read_yaml(path)
        nested = isinstance(doc.data, dict)
        data = doc.data.get("recipients") if nested else doc.data
        if not isinstance(data, list):
            raise DataError([doc.problem((), "expected a list of recipients (or a `recipients:` list)")])
        prefix: tuple[Any, ...] = ("recipients",) if nested else ()

        def locate(index: int, loc: tuple[Any, ...], message: str) -> Problem | None:
            return doc.problem((*prefix, index, *loc), message)

        records = list(enumerate(data))
    elif suffix in {".csv", ".xlsx"}:
        table = _read_csv(path) if suffix == ".csv" else _read_xlsx(path)
        if len(table.rows) > MAX_ROWS:
            raise InputError(f"{path}: more than {MAX_ROWS} recipients")
        columns, problems = _map_columns(table, path)
        numbers = dict(enumerate(number for number, _ in table.rows))
        absent = {field for field in _REQUIRED if field not in columns.values()}

        def locate(index: int, loc: tuple[Any, ...], message: str) -> Problem | None:
            if tuple(loc) in absent:  # already said once, at the header row
                return None
            column = format_loc(loc) or "row"
            return Problem(str(path), None, None, f"row {numbers[index]}, column {column}", message)

        records = [(index, _row_to_agency_data(cells, columns)) for index, (_, cells) in enumerate(table.rows)]
    else:
        raise InputError(f"{path}: recipients must be a .csv, .xlsx or .yaml file")
    return _validate(records, locate, problems)


def _validate(records: Sequence[tuple[int, Any]], locate: Locate, problems: list[Problem]) -> list[Agency]:
    agencies: list[tuple[int, Agency]] = []
    for index, data in records:
        try:
            agencies.append((index, Agency.model_validate(data)))
        except ValidationError as exc:
            found = (locate(index, tuple(err["loc"]), _message(dict(err))) for err in exc.errors())
            problems += [problem for problem in found if problem is not None]
    first: dict[str, int] = {}
    for index, agency in agencies:
        key = agency.id.casefold()
        if key in first:
            earlier = locate(first[key], ("id",), "")
            where = f"line {earlier.line}" if earlier and earlier.line else earlier.field if earlier else ""
            duplicate = locate(index, ("id",), f"duplicate recipient id, ignoring case (first at {where})")
            if duplicate is not None:
                problems.append(duplicate)
        else:
            first[key] = index
    if problems:
        raise DataError(problems)
    return [agency for _, agency in agencies]


def _message(error: dict[str, Any]) -> str:
    if error["type"] == "missing":
        return "required value is missing"
    if error["type"] == "string_pattern_mismatch":
        return "ids use only letters, digits, '-' and '_' (up to 40), starting with a letter or digit"
    if error["type"] == "extra_forbidden":
        return "unknown field"
    message = str(error["msg"]).removeprefix("Value error, ")
    value = error.get("input")
    if isinstance(value, str) and len(value) >= 2 and value in message:
        message = message.replace(value, "…")
    return message


def select(agencies: Sequence[Agency], only: Sequence[str]) -> list[Agency]:
    """The recipients whose ids are in `only` (all when empty); an unknown id is an error."""
    if not only:
        return list(agencies)
    known = {a.id.casefold(): a for a in agencies}
    missing = [ident for ident in only if ident.casefold() not in known]
    if missing:
        raise InputError(f"--only: no recipient with id {', '.join(repr(m) for m in missing)}")
    wanted = {ident.casefold() for ident in only}
    return [a for a in agencies if a.id.casefold() in wanted]
