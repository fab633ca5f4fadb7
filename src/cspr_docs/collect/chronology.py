"""The multi-agency chronology: every agency's key events merged in date order, exported as CSV or XLSX."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pydantic import Field

from cspr_docs.collect.dates import parse_period, sort_key
from cspr_docs.collect.reply import CollectedReply
from cspr_docs.errors import InputError
from cspr_docs.model import Case
from cspr_docs.model.base import Strict

COLUMNS = [("seq", "Seq"), ("date", "Date"), ("time", "Time"), ("agency_name", "Agency"),
           ("source_record", "Source record"), ("who", "Who (role)"), ("event", "Event"),
           ("child_seen", "Child seen"), ("child_voice", "Child's voice"), ("action", "Action / outcome"),
           ("significance", "Significance"), ("uncertain", "Date uncertain"), ("sort_date", "Sorted as"),
           ("source", "From")]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ChronologyEntry(Strict):
    """One row of the merged chronology, with its source agency; `date` is kept exactly as written."""

    seq: int
    date: str = ""
    time: str = ""
    agency: str
    agency_name: str
    source: str = Field("reply", description="reply (rapid review key events) or chronology (local review)")
    source_record: str = ""
    who: str = ""
    event: str = ""
    child_seen: str = ""
    child_voice: str = ""
    action: str = ""
    significance: str = ""
    uncertain: bool = False
    sort_date: str = Field("", description="First day of the period the date names (YYYY-MM-DD); empty if unread")
    undated: bool = False


def merge(case: Case, replies: dict[str, CollectedReply], chronologies: dict[str, CollectedReply]) -> list[ChronologyEntry]:
    """Each agency's chronology rows if it returned a chronology, else its reply's key events; date order.

    Ties keep the case's agency order, then each agency's own row order (see `dates` for the rule).
    """
    rows: list[tuple[tuple, dict]] = []
    for position, agency in enumerate(case.agencies):
        source, reply = ("chronology", chronologies.get(agency.id)) if agency.id in chronologies else (
            "reply", replies.get(agency.id))
        if reply is None:
            continue
        for index, event in enumerate(reply.key_events):
            period = parse_period(event.date)
            data = event.model_dump(exclude={"extra"})
            data.update(agency=agency.id, agency_name=agency.name, source=source,
                        uncertain=bool(period and period.uncertain), undated=period is None,
                        sort_date=period.start.isoformat() if period else "")
            if event.extra:
                data["significance"] = "\n".join([data["significance"], *(f"{k}: {v}" for k, v in event.extra.items())]
                                                 ).strip()
            rows.append(((*sort_key(event.date, event.time), position, index), data))
    rows.sort(key=lambda item: item[0])
    return [ChronologyEntry(seq=number, **data) for number, (_, data) in enumerate(rows, start=1)]


def _cell(entry: ChronologyEntry, key: str) -> str:
    value = getattr(entry, key)
    if isinstance(value, bool):
        return "yes" if value else ""
    return str(value)


def to_csv(entries: list[ChronologyEntry]) -> bytes:
    """UTF-8 CSV with a BOM (Excel opens it right); a cell starting with = + - @ gets a leading ' (no formulas)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([title for _, title in COLUMNS])
    for entry in entries:
        cells = [_cell(entry, key) for key, _ in COLUMNS]
        writer.writerow(["'" + c if c.startswith(_FORMULA_START) else c for c in cells])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(entries: list[ChronologyEntry], *, title: str = "Multi-agency chronology") -> bytes:
    """An .xlsx workbook: header row frozen, filters on, every cell stored as text (never a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Chronology"
    book.properties.title = title
    book.properties.creator = "cspr-docs"
    sheet.append([t for _, t in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row, entry in enumerate(entries, start=2):
        for column, (key, _) in enumerate(COLUMNS, start=1):
            value = getattr(entry, key)
            cell = sheet.cell(row=row, column=column)
            if key == "seq":
                cell.value = value
            else:
                cell.value = _cell(entry, key)
                cell.data_type = TYPE_STRING
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = {"seq": 6, "date": 14, "time": 8, "agency_name": 28, "event": 50, "action": 36, "significance": 30}
    for column, (key, _) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = widths.get(key, 18)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export(entries: list[ChronologyEntry], target: Path) -> bytes:
    """The bytes of the export for the target's suffix (.csv or .xlsx)."""
    suffix = target.suffix.lower()
    if suffix == ".csv":
        return to_csv(entries)
    if suffix == ".xlsx":
        return to_xlsx(entries)
    raise InputError(f"{target}: the chronology exports as .csv or .xlsx")
