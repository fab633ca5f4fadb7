"""Fill a PDF form (AcroForm) from case data through a YAML field map, checked against the form's real fields."""

from __future__ import annotations

import datetime as dt
import io
import re
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from cspr_docs.errors import DataError, DraftError, InputError, Problem
from cspr_docs.load import YamlDocument, read_yaml
from cspr_docs.model import Agency
from cspr_docs.outputs import check_targets, ensure_folder, write_atomic
from cspr_docs.pdf.probe import inspect_pdfs

SHIPPED_FORMS = ("referral-form", "information-request-reply")
REPLY_FORM_VERSION = "2"
"""The reply form's `template_version` field, as built by templates/forms/build.py (REPLY_VERSION)."""
RECIPIENT = "recipient"
_STEP = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)((?:\[\d+\])*)")
_RADIO = 1 << 15
_PUSH_BUTTON = 1 << 16
_MULTILINE = 1 << 12


@dataclass(frozen=True)
class FilledForm:
    """The filled form, the form's empty fields the map leaves out, and those left empty for want of a recipient."""

    path: Path
    filled: tuple[str, ...]
    unmapped: tuple[str, ...]
    need_recipient: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Mapping:
    field: str
    path: str
    steps: tuple[str | int, ...]
    equals: str | None


def shipped_form(name: str) -> tuple[Path, Path]:
    """The PDF and default field map of a form shipped with cspr-docs (`referral-form`, …)."""
    import cspr_docs

    package = Path(cspr_docs.__file__).resolve().parent
    for root in (package / "templates", package.parents[1] / "templates"):  # wheel, then source checkout
        pdf = root / "forms" / f"{name}.pdf"
        if pdf.is_file():
            return pdf, pdf.with_name(f"{name}.fields.yaml")
    raise InputError(f"{name}: no such shipped form (shipped: {', '.join(SHIPPED_FORMS)})")


def _parse_path(text: str) -> tuple[str | int, ...] | None:
    text = text.strip().removeprefix("case.")
    steps: list[str | int] = []
    for part in text.split("."):
        match = _STEP.fullmatch(part)
        if not match:
            return None
        steps.append(match.group(1))
        steps.extend(int(i) for i in re.findall(r"\[(\d+)\]", match.group(2)))
    return tuple(steps)


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = options[0] if len(options) == 1 else str
        else:
            return annotation


def _check_path(model: type[BaseModel], steps: tuple[str | int, ...]) -> str | None:
    """Why `steps` is not a path to a printable field of the case model, or None when it is."""
    annotation: Any = model
    for step in steps:
        annotation = _unwrap(annotation)
        if isinstance(step, int):
            if typing.get_origin(annotation) is not list:
                return "an index [n] on a field that is not a list"
            annotation = typing.get_args(annotation)[0]
            continue
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return f"'{step}' goes inside a field that has no sub-fields"
        if step not in annotation.model_fields:
            return f"no case field '{step}' there (`cspr-docs schema` lists the fields)"
        annotation = annotation.model_fields[step].annotation
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "points at a group of fields; name one field inside it"
    if typing.get_origin(annotation) is list:
        item = _unwrap(typing.get_args(annotation)[0])
        if isinstance(item, type) and issubclass(item, BaseModel) and not _is_flat(item):
            return "points at a list of records; pick one with [n] and a field, e.g. agencies[0].name"
    return None


def _is_flat(model: type[BaseModel]) -> bool:
    """A record of plain values only (e.g. a parallel process): a list of them prints one record a line."""
    for info in model.model_fields.values():
        annotation = _unwrap(info.annotation)
        if typing.get_origin(annotation) is list:
            annotation = _unwrap(typing.get_args(annotation)[0])
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return False
    return True


def _read_map(field_map: Path, form_fields: dict[str, Any], case_model: type[BaseModel]) -> list[_Mapping]:
    doc: YamlDocument = read_yaml(field_map)
    if not isinstance(doc.data, dict):
        raise DataError([doc.problem((), "a field map is a mapping 'PDF field name: case.field.path'")])
    problems: list[Problem] = []
    unknown = [name for name in doc.data if name not in form_fields]
    if unknown:
        problems.extend(doc.problem((name,), "no such field in the PDF form") for name in unknown)
    mappings = []
    for name, spec in doc.data.items():
        equals = None
        if isinstance(spec, dict) and set(spec) <= {"path", "equals"} and isinstance(spec.get("path"), str):
            path, equals = spec["path"], spec.get("equals")
            equals = None if equals is None else str(equals)
        elif isinstance(spec, str):
            path = spec
        else:
            problems.append(doc.problem((name,), "expected a case field path, or {path: FIELD, equals: VALUE}"))
            continue
        steps = _parse_path(path)
        if steps is None:
            reason: str | None = "not a field path like children[0].pseudonym"
        elif steps[0] == RECIPIENT:
            reason = _check_path(Agency, steps[1:])
        else:
            reason = _check_path(case_model, steps)
        if reason:
            problems.append(doc.problem((name,), reason))
            continue
        field = form_fields.get(name)
        if equals is not None and field is not None and field.get("/FT") != "/Btn":
            problems.append(doc.problem((name,), "'equals' is only for checkboxes and radio buttons"))
        mappings.append(_Mapping(name, path, steps or (), equals))
    if problems:
        raise DataError(problems)
    return mappings


def _value(case: BaseModel, steps: tuple[str | int, ...]) -> Any:
    value: Any = case
    for step in steps:
        if value is None:
            return None
        if isinstance(step, int):
            value = value[step] if step < len(value) else None
        else:
            value = getattr(value, step)
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, list):
        return "\n".join(_text(v) for v in value)
    if isinstance(value, BaseModel):
        return _record_text(value)
    return str(value)


_LABELS = {"cdop": "Child death review (CDOP)", "nhs-review": "NHS review"}
"""How a few ids of a fixed list read on a form; any other id reads as its words ("criminal-investigation")."""


def _record_text(record: BaseModel) -> str:
    """One record on one line: its filled values in field order, ids of a fixed list as words."""
    parts = []
    for name, info in type(record).model_fields.items():
        text = _text(getattr(record, name)).strip()
        if not text:
            continue
        if typing.get_origin(_unwrap(info.annotation)) is typing.Literal:
            text = _LABELS.get(text, text.replace("-", " ").capitalize())
        parts.append(" ".join(text.split()))
    return " – ".join(parts)


def _wrap(text: str, field: dict[str, Any], widths: dict[str, float]) -> str:
    """Break a multi-line field's text into lines that fit, for flattening (pypdf draws one line per newline)."""
    import textwrap

    if not int(field.get("/Ff", 0)) & _MULTILINE or field.get("/T") not in widths:
        return text
    size = re.search(r"([\d.]+)\s+Tf", str(field.get("/DA", ""))) if field.get("/DA") else None
    font_size = float(size.group(1)) if size and float(size.group(1)) > 0 else 9.0
    columns = max(10, int(widths[field["/T"]] / (font_size * 0.55)))  # Helvetica: about half an em a character
    return "\n".join(line for paragraph in text.split("\n") for line in textwrap.wrap(paragraph, columns) or [""])


def _field_widths(reader: Any) -> dict[str, float]:
    widths: dict[str, float] = {}
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            name = annot.get("/T") or annot.get("/Parent", {}).get("/T")
            rect = annot.get("/Rect")
            if name is not None and rect is not None:
                widths[str(name)] = abs(float(rect[2]) - float(rect[0])) - 4
    return widths


def _button_value(mapping: _Mapping, field: dict[str, Any], value: Any, form: Path) -> str:
    states = [s for s in field.get("/_States_", []) if s != "/Off"]
    flags = int(field.get("/Ff", 0))
    if flags & _PUSH_BUTTON or not states:
        raise DraftError(f"{form}: field '{mapping.field}' is a button that holds no value; remove it from the map")
    if flags & _RADIO:
        if value is None or value == "":
            return "/Off"
        wanted = "/" + (("Yes" if value else "Off") if isinstance(value, bool) else str(value))
        if mapping.equals is not None:
            wanted = states[0] if str(value) == mapping.equals else "/Off"
        if wanted not in states and wanted != "/Off":
            raise DataError([Problem(str(form), None, None, mapping.field,
                                     f"the value of {mapping.path} is not one of this radio group's options")])
        return wanted
    on = mapping.equals is not None and value is not None and _text(value) == mapping.equals
    if mapping.equals is None:
        if not isinstance(value, bool | None):
            raise DataError([Problem(str(form), None, None, mapping.field,
                                     f"a checkbox needs a true/false field or {{path: {mapping.path}, equals: …}}")])
        on = bool(value)
    return states[0] if on else "/Off"


def fill_form(
    form_pdf: Path,
    field_map: Path,
    case: BaseModel,
    out: Path,
    *,
    recipient: Agency | None = None,
    flatten: bool = False,
    force: bool = False,
) -> FilledForm:
    """Fill `form_pdf`'s fields from `case` (and `recipient.*` paths from `recipient`) as `field_map` says.

    The form may come from outside: it is size-checked and parsed first in a child process with time and memory
    limits (cspr_docs.pdf.probe), and only then opened here. Checkboxes get the form's own "on" state name.
    Without a recipient, fields mapped to `recipient.*` stay empty and are listed in `need_recipient`.

    Raises:
        DraftError: the form is missing, empty, not a PDF, encrypted, corrupt or has no fields (exit 3).
        DataError: the map names fields the form lacks, or case paths that do not exist (all listed, exit 3).
        ExternalToolError: parsing the form exceeded the time or memory limit (exit 4).
        OutputError: `out` exists without `force` or cannot be written (exit 5).
    """
    ensure_folder(out.parent)
    check_targets([out], force=force)
    prepared = _Prepared.open(form_pdf, field_map, type(case))
    data, filled = prepared.fill(case, recipient, flatten=flatten)
    write_atomic(out, data, force=force)
    mapped = {m.field for m in prepared.mappings}
    fields = prepared.fields
    unmapped = tuple(n for n in fields if n not in mapped and not _has_value(fields[n]))
    waiting = tuple(m.field for m in prepared.mappings if m.field not in filled)
    return FilledForm(out, filled, unmapped, waiting)


def fill_forms(form_pdf: Path, field_map: Path, case: BaseModel, recipients: Sequence[Agency]) -> list[bytes]:
    """One filled (fillable, not flattened) copy of the form per recipient, in memory; the form is parsed once.

    Raises: as `fill_form`, except OutputError (nothing is written here).
    """
    prepared = _Prepared.open(form_pdf, field_map, type(case))
    return [prepared.fill(case, recipient, flatten=False)[0] for recipient in recipients]


def _has_value(field: dict[str, Any]) -> bool:
    return field.get("/V") not in (None, "", "/Off")


@dataclass(frozen=True)
class _Prepared:
    """A form checked in the sandbox and opened, with its field map checked against it."""

    form_pdf: Path
    reader: Any
    fields: dict[str, Any]
    mappings: list[_Mapping]

    @classmethod
    def open(cls, form_pdf: Path, field_map: Path, case_model: type[BaseModel]) -> _Prepared:
        from pypdf import PdfReader

        inspect_pdfs([form_pdf])
        reader = PdfReader(form_pdf, strict=False)
        form_fields = reader.get_fields() or {}
        if not form_fields:
            raise DraftError(f"{form_pdf}: the PDF has no fillable form fields (AcroForm)")
        return cls(form_pdf, reader, form_fields, _read_map(field_map, form_fields, case_model))

    def fill(self, case: BaseModel, recipient: Agency | None, *, flatten: bool) -> tuple[bytes, tuple[str, ...]]:
        """The filled PDF's bytes and the fields filled (recipient.* ones skipped when there is no recipient)."""
        from pypdf import PdfWriter
        from pypdf.generic import NameObject

        values: dict[str, str] = {}
        widths = _field_widths(self.reader) if flatten else {}
        for mapping in self.mappings:
            if mapping.steps[0] == RECIPIENT:
                if recipient is None:
                    continue
                value = _value(recipient, mapping.steps[1:])
            else:
                value = _value(case, mapping.steps)
            field = self.fields[mapping.field]
            if field.get("/FT") == "/Btn":
                values[mapping.field] = _button_value(mapping, field, value, self.form_pdf)
            else:
                values[mapping.field] = _wrap(_text(value), field, widths) if flatten else _text(value)
        writer = PdfWriter(clone_from=self.reader)
        writer.update_page_form_field_values(None, values, auto_regenerate=not flatten, flatten=flatten)
        for field in writer._root_object["/AcroForm"].get("/Fields", []):  # buttons hold names, not text
            field = field.get_object()
            name = field.get("/T")
            if field.get("/FT") == "/Btn" and name in values:
                field[NameObject("/V")] = NameObject(values[name])
        if flatten:
            writer.remove_annotations(subtypes="/Widget")
            del writer._root_object["/AcroForm"]
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue(), tuple(values)


def list_fields(form_pdf: Path) -> list[tuple[str, str]]:
    """The form's fields as (name, kind): text, choice, checkbox (on state), radio (options), button, signature."""
    from pypdf import PdfReader

    inspect_pdfs([form_pdf])
    listed = []
    for name, field in (PdfReader(form_pdf, strict=False).get_fields() or {}).items():
        kind = {"/Tx": "text", "/Ch": "choice", "/Sig": "signature"}.get(str(field.get("/FT")), "button")
        if field.get("/FT") == "/Btn":
            states = [str(s).lstrip("/") for s in field.get("/_States_", []) if s != "/Off"]
            flags = int(field.get("/Ff", 0))
            kind = f"radio ({', '.join(states)})" if flags & _RADIO else f"checkbox (on: {', '.join(states)})"
            kind = "button" if flags & _PUSH_BUTTON else kind
        listed.append((name, kind))
    return listed
