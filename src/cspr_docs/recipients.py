"""Mail-merge recipients: the case's agencies, or a CSV, XLSX or YAML list with the same fields, kept as text."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cspr_docs.errors import DataError, InputError, Problem
from cspr_docs.load import format_loc, read_yaml
from cspr_docs.model.case import Agency

MAX_TABLE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000

# Column names accepted for each nested field (flat spreadsheet headings and dotted paths alike).
_CONTACT_COLUMNS = {
    "contact.name": "name",
    "contact_name": "name",
    "contact.role": "role",
    "contact_role": "role",
    "role": "role",
    "contact.salutation": "salutation",
    "contact_salutation": "salutation",
    "salutation": "salutation",
    "contact.email": "email",
    "email": "email",
    "contact.phone": "phone",
    "phone": "phone",
    "contact.address": "address",
    "address": "address",
}
_TOP_COLUMNS = {"id", "name", "type", "statutory_partner"}


def _row_to_agency_data(row: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """Map one flat row to the nested `agencies[]` shape; returns the data and the unknown column names."""
    data: dict[str, Any] = {}
    contact: dict[str, Any] = {}
    unknown: list[str] = []
    for column, value in row.items():
        key = column.strip().lower()
        if value is None or value == "":
            continue
        if key in _TOP_COLUMNS:
            data[key] = value
        elif key in _CONTACT_COLUMNS:
            field = _CONTACT_COLUMNS[key]
            contact[field] = [part.strip() for part in value.replace(";", "\n").splitlines() if part.strip()] if (
                field == "address"
            ) else value
        else:
            unknown.append(column)
    if "statutory_partner" in data:
        flag = str(data["statutory_partner"]).strip().lower()
        data["statutory_partner"] = {"true": True, "yes": True, "y": True, "1": True}.get(
            flag, False if flag in {"false", "no", "n", "0"} else flag
        )
    data["contact"] = contact
    return data, unknown


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


def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not valid UTF-8 at byte offset {exc.start}; save the file as CSV UTF-8") from None
    if "\x00" in text:
        raise InputError(f"{path}: contains NUL bytes; is it really a CSV file?")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = [dict(row) for _, row in zip(range(MAX_ROWS + 1), reader, strict=False)]
    if None in (reader.fieldnames or []) or any(None in row for row in rows):
        raise InputError(f"{path}: a row has more cells than the header; check the commas and quotes")
    return rows


def _read_xlsx(path: Path) -> list[dict[str, str]]:
    import zipfile

    from openpyxl import load_workbook

    from cspr_docs.safezip import check_zip

    check_zip(path, max_bytes=50 * 1024 * 1024, max_entries=2000, max_ratio=200, error=InputError)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(f"{path}: not a readable .xlsx workbook ({type(exc).__name__})") from None
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [_cell_text(cell).strip() for cell in next(rows, ())]
        result = []
        for _, values in zip(range(MAX_ROWS + 1), rows, strict=False):
            cells = [_cell_text(v) for v in values]
            if any(cells):
                result.append(dict(zip(header, cells, strict=False)))
        return result
    finally:
        book.close()


Locate = Callable[[int, tuple[Any, ...], str], Problem]


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

        def locate(index: int, loc: tuple[Any, ...], message: str) -> Problem:
            return doc.problem((*prefix, index, *loc), message)

        records = list(enumerate(data))
    elif suffix in {".csv", ".xlsx"}:
        rows = _read_csv(path) if suffix == ".csv" else _read_xlsx(path)
        if len(rows) > MAX_ROWS:
            raise InputError(f"{path}: more than {MAX_ROWS} recipients")

        def locate(index: int, loc: tuple[Any, ...], message: str) -> Problem:
            column = format_loc(loc) or "row"
            return Problem(str(path), None, None, f"row {index + 2}, column {column}", message)

        records = []
        for index, row in enumerate(rows):
            data_row, unknown = _row_to_agency_data(row)
            problems += [locate(index, (column,), "unknown column") for column in unknown]
            records.append((index, data_row))
    else:
        raise InputError(f"{path}: recipients must be a .csv, .xlsx or .yaml file")
    return _validate(records, locate, problems)


def _validate(records: Sequence[tuple[int, Any]], locate: Locate, problems: list[Problem]) -> list[Agency]:
    agencies: list[tuple[int, Agency]] = []
    for index, data in records:
        try:
            agencies.append((index, Agency.model_validate(data)))
        except ValidationError as exc:
            problems += [locate(index, tuple(err["loc"]), _message(dict(err))) for err in exc.errors()]
    first: dict[str, int] = {}
    for index, agency in agencies:
        key = agency.id.casefold()
        if key in first:
            earlier = locate(first[key], ("id",), "")
            where = f"line {earlier.line}" if earlier.line else earlier.field
            problems.append(locate(index, ("id",), f"duplicate recipient id, ignoring case (first at {where})"))
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
