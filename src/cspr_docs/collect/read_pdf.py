"""Read the fillable PDF reply's AcroForm fields by name (pypdf, in the PDF sandbox cspr_docs.pdf.probe)."""

from __future__ import annotations

import re
from pathlib import Path

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
_IDENTIFICATION = ("case_reference", "agency_id", "template_version")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")  # cspr_docs.model.base.Identifier
_VERSION = re.compile(r"\d{1,4}(?:\.\d{1,4})?")
_USED = {*_SAME, *_PREFILLED, *_IDENTIFICATION, "agency_name", "involved", "nil_return", "first_contact",
         "last_contact", "involvement_current", "went_well", "areas_for_improvement", "key_events",
         "records_secured", "records_secured_date", "records_secured_by"}
EVENT_COLUMNS = ("date", "event", "who", "action", "significance")


def read_pdf(path: Path, *, time_limit: float = TIME_LIMIT, memory_limit: int = MEMORY_LIMIT) -> RawReply:
    """Read a returned PDF reply in the PDF sandbox (cspr_docs.pdf.probe).

    Raises:
        InputError: missing, oversized, not a PDF, encrypted, corrupt or without form fields (exit 3).
        ExternalToolError: reading it took longer than `time_limit` or more than `memory_limit` (exit 4).
    """
    from cspr_docs.pdf.probe import run_pdf_job

    [fields] = run_pdf_job("form-fields", [path], timeout=time_limit, memory_limit=memory_limit, max_bytes=MAX_BYTES,
                           error=InputError)
    if not fields:
        raise InputError(f"{path}: the PDF has no form fields; it is not the fillable reply form")
    return from_fields(path, fields)


def from_fields(path: Path, fields: dict[str, str]) -> RawReply:
    """Map the reply form's fields (see templates/forms/information-request-reply.fields.yaml) to answers.

    A form filled per agency (`form fill --agency`, `merge --form-pdf`) names its agency in the read-only
    `agency_id` field; an older or blank form leaves `collect` to match `agency_name` (or take --agency).

    Raises:
        InputError: `agency_id` holds something that is not an agency id (exit 3; the value is not quoted).
    """
    raw = RawReply(path=path, format="pdf", kind=REPLY_KIND)
    value = {k: (v or "").strip() for k, v in fields.items()}
    _identification(raw, value)
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


def _identification(raw: RawReply, value: dict[str, str]) -> None:
    from cspr_docs.pdf.forms import REPLY_FORM_VERSION

    raw.reference = value.get("case_reference", "")
    raw.agency_name = value.get("agency_name", "")
    agency = value.get("agency_id", "")
    if agency and not _ID.fullmatch(agency):
        raise InputError(f"{raw.path}: refused: field agency_id does not hold an agency id (was it edited?)")
    raw.agency = agency
    raw.version = value.get("template_version", "")
    if "template_version" not in value:
        raw.warn("template_version", f"none: a reply form from before version {REPLY_FORM_VERSION}; the agency is "
                 "matched by agency_name (or --agency)")
    elif raw.version != REPLY_FORM_VERSION:
        made = f"version {raw.version}" if _VERSION.fullmatch(raw.version) else "an unknown version"
        raw.warn("template_version", f"made from form {made}; the current version is {REPLY_FORM_VERSION}: "
                 "check that every answer was read")


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


def extract_fields(path: str) -> dict[str, str]:  # pragma: no cover - runs in the sandbox's child process
    """Every AcroForm field's value as text, by field name."""
    from pypdf import PdfReader

    from cspr_docs.pdf.probe import Encrypted

    reader = PdfReader(path, strict=False)
    if reader.is_encrypted:
        raise Encrypted
    out: dict[str, str] = {}
    for name, field in (reader.get_fields() or {}).items():
        value = field.get("/V")
        out[str(name)] = "" if value is None else str(value)
    return out
