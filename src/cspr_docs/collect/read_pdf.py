"""Read the fillable PDF reply's AcroForm fields by name (pypdf, in a child process bounded in time and memory)."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

from cspr_docs.collect.reply import REPLY_KIND, RawReply
from cspr_docs.errors import InputError

MAX_BYTES = 50 * 1024 * 1024
TIME_LIMIT = 60.0
MEMORY_LIMIT = 1024 * 1024 * 1024
_SAME = {"summary": "summary", "lived_experience": "lived_experience", "learning_single_agency":
         "learning_single_agency", "learning_inter_agency": "learning_inter_agency", "immediate_actions":
         "immediate_actions", "other_processes": "other_processes", "criteria_view": "review_view",
         "author_name": "author_name", "author_role": "author_role", "date_completed": "completed_date",
         "approved_by": "approver_name", "approved_date": "approved_date", "service_type": "contact_type"}
_PREFILLED = {"protective_marking", "partnership_name", "notification_reference", "child_pseudonym"}
_USED = {*_SAME, *_PREFILLED, "case_reference", "agency_name", "involved", "nil_return", "first_contact",
         "last_contact", "involvement_current", "went_well", "areas_for_improvement", "key_events",
         "records_secured", "records_secured_date", "records_secured_by"}
EVENT_COLUMNS = ("date", "event", "who", "action", "significance")


def read_pdf(path: Path, *, time_limit: float = TIME_LIMIT, memory_limit: int = MEMORY_LIMIT) -> RawReply:
    """Read a returned PDF reply. Encrypted, truncated, oversized, slow or formless PDFs raise InputError (3)."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if size > MAX_BYTES:
        raise InputError(f"{path}: file is {size // (1024 * 1024)} MiB, over the {MAX_BYTES // (1024 * 1024)} MiB limit")
    if b"%PDF-" not in head:
        raise InputError(f"{path}: not a PDF (no %PDF header)")
    fields, error = _run_limited(path, time_limit, memory_limit)
    if error:
        raise InputError(f"{path}: {error}")
    if not fields:
        raise InputError(f"{path}: the PDF has no form fields; it is not the fillable reply form")
    return from_fields(path, fields)


def from_fields(path: Path, fields: dict[str, str]) -> RawReply:
    """Map the reply form's fields (see templates/forms/information-request-reply.fields.yaml) to answers."""
    raw = RawReply(path=path, format="pdf", kind=REPLY_KIND)
    value = {k: (v or "").strip() for k, v in fields.items()}
    raw.reference = value.get("case_reference", "")
    raw.agency_name = value.get("agency_name", "")
    for name, answer in _SAME.items():
        if name in value:
            raw.answers[answer] = value[name]
        else:
            raw.missing.append(name)
    involved, nil = _checked(value.get("involved")), _checked(value.get("nil_return"))
    if involved and nil:
        raw.warn("involved / nil_return", "both boxes are ticked; involvement left unanswered")
    raw.answers["involved"] = "" if involved == nil else ("yes" if involved else "no")
    first, last = value.get("first_contact", ""), value.get("last_contact", "")
    period = " to ".join(p for p in (first, last) if p)
    if _checked(value.get("involvement_current")):
        period = f"{period}; current" if period else "current"
    raw.answers["contact_period"] = period
    analysis = [(label, value.get(name, "")) for name, label in
                (("went_well", "What went well"), ("areas_for_improvement", "Areas for improvement"))]
    raw.answers["analysis"] = "\n\n".join(f"{label}:\n{text}" for label, text in analysis if text)
    raw.answers["records_secured"] = "yes" if _checked(value.get("records_secured")) else ""
    raw.answers["records_secured_detail"] = "; ".join(
        v for v in (value.get("records_secured_date", ""), value.get("records_secured_by", "")) if v)
    raw.events = _events(raw, value.get("key_events", ""))
    if value.get("subjects_searched"):
        raw.extra["subjects_searched"] = value["subjects_searched"]
    for name, text in value.items():
        if name not in _USED and text:
            raw.extra[name] = text
    return raw


def _checked(value: str | None) -> bool:
    return bool(value) and value not in ("/Off", "Off", "/0", "false")


def _events(raw: RawReply, text: str) -> list[dict[str, str]]:
    """One event a line, `date | event | who | action | significance` (or tab-separated); other lines continue."""
    events: list[dict[str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        separator = "|" if "|" in line else ("\t" if "\t" in line else None)
        if separator is None:
            if events:
                events[-1]["event"] = f"{events[-1].get('event', '')}\n{line.strip()}".strip()
            else:
                events.append({"event": line.strip()})
            continue
        cells = [c.strip() for c in line.split(separator)]
        if len(cells) > len(EVENT_COLUMNS):
            raw.warn("key_events", f"line {number} has {len(cells)} columns; the extra ones are kept with the event")
            cells = [*cells[:4], " | ".join(cells[4:])]
        events.append({k: v for k, v in zip(EVENT_COLUMNS, cells, strict=False) if v})
    return events


def _run_limited(path: Path, time_limit: float, memory_limit: int) -> tuple[dict[str, str], str]:
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(path, memory_limit, send), daemon=True)
    process.start()
    send.close()
    try:
        if not receive.poll(time_limit):
            return {}, f"reading the PDF took longer than {time_limit:g} s; refused"
        try:
            return receive.recv()
        except EOFError:
            return {}, "the PDF reader stopped (out of memory or a crash); refused"
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        receive.close()


def _child(path: Path, memory_limit: int, send: Any) -> None:  # pragma: no cover - runs in the child process
    import resource

    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    except (ValueError, OSError):
        pass
    try:
        result: tuple[dict[str, str], str] = (_fields(path), "")
    except MemoryError:
        result = ({}, f"reading the PDF needs more than {memory_limit // (1024 * 1024)} MiB; refused")
    except _Encrypted:
        result = ({}, "the PDF is encrypted; send the unencrypted reply")
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types for corrupt files
        result = ({}, f"the PDF is corrupt or unreadable ({type(exc).__name__})")
    send.send(result)
    send.close()


class _Encrypted(Exception):
    pass


def _fields(path: Path) -> dict[str, str]:
    from pypdf import PdfReader

    reader = PdfReader(path, strict=False)
    if reader.is_encrypted:
        raise _Encrypted
    out: dict[str, str] = {}
    for name, field in (reader.get_fields() or {}).items():
        value = field.get("/V")
        out[str(name)] = "" if value is None else str(value)
    return out
