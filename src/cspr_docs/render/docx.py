"""The only docxtpl boundary: compile a .docx template once, render it per recipient into zip bytes."""

from __future__ import annotations

import contextlib
import html
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Template
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import TemplateError as JinjaTemplateError
from lxml import etree

from cspr_docs.errors import TemplateError
from cspr_docs.render import _zip, toc
from cspr_docs.render.env import CaseEnvironment, MissingValueError, make_environment
from cspr_docs.safezip import check_docx

MAX_TEMPLATE_BYTES = 50 * 1024 * 1024
MAX_TEMPLATE_ENTRIES = 1000
MAX_TEMPLATE_RATIO = 100
MAX_LISTED_MISSING = 20

_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml."
TEMPLATED_TYPES = {
    _CT + "document.main+xml": "body",
    _CT + "template.main+xml": "body",
    _CT + "header+xml": "header",
    _CT + "footer+xml": "footer",
    _CT + "footnotes+xml": "footnotes",
    _CT + "endnotes+xml": "endnotes",
    "application/vnd.openxmlformats-package.core-properties+xml": "document properties",
}
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
_TABLE_TAGS = re.compile(r"{%-?\s*(?:tc|colspan|hm|vm)\b")
_PARAGRAPH_START = re.compile(r"<w:p[ >]")
_TABLE_TOKEN = re.compile(r"<(/?)w:(tbl|tr|tc)[ >/]")
_JINJA_TAG = re.compile(r"{{.*?}}|{%.*?%}")
_DOCPR_ID = re.compile(r'(<wp:docPr\b[^>]*?\bid=")\d+(")')
_LISTING_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)  # docxtpl resolve_listing's own unit


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


_DOCXTPL: Any = None


def _docxtpl() -> Any:
    """One docxtpl object used only for its stateless XML helpers (patch_xml, resolve_listing, fix_tables)."""
    global _DOCXTPL
    if _DOCXTPL is None:
        from docxtpl import DocxTemplate

        _DOCXTPL = DocxTemplate(None)
    return _DOCXTPL


@dataclass
class Part:
    """One XML part of the template, pre-processed and compiled."""

    name: str
    role: str
    source: str
    template: Template
    fix_tables: bool
    docpr_count: int
    toc: toc.Outline | None = None  # set when the body holds a TOC field to fill

    @property
    def label(self) -> str:
        """How an error names this part."""
        return "body" if self.role == "body" else f"{self.role} ({self.name})"


@dataclass
class CompiledTemplate:
    """A template ready to render many times: compiled parts plus every other zip member pre-compressed."""

    path: Path
    env: CaseEnvironment
    members: list[str | _zip.Entry]
    parts: dict[str, Part]
    collect_parts: dict[str, Template] = field(default_factory=dict)

    def render(self, context: dict[str, Any]) -> bytes:
        """Render every templated part for one context; returns the .docx bytes. Raises TemplateError."""
        wrapped = self.env.wrap_top_level(context)
        rendered: dict[str, bytes] = {}
        for name, part in self.parts.items():
            try:
                text = part.template.render(wrapped)
            except MissingValueError as exc:
                raise self._missing_error(context, part, exc) from None
            except (JinjaTemplateError, ArithmeticError, TypeError, ValueError, LookupError, RecursionError) as exc:
                raise _runtime_error(self.path, part, exc) from None
            rendered[name] = self._finish(part, text)
        entries = [
            _zip.deflate(m, rendered[m]) if isinstance(m, str) else m
            for m in self.members
        ]
        return _zip.build_zip(entries)

    def _finish(self, part: Part, text: str) -> bytes:
        text = re.sub(r"\n<w:p([ >])", r"<w:p\1", text)
        text = text.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        if "\n" in text or "\t" in text:
            # Only the paragraphs holding a newline or tab: docxtpl's pass over every paragraph was half a letter's time.
            text = _LISTING_PARAGRAPH.sub(_resolve_listing, text)
        if part.docpr_count and text.count("<wp:docPr") > part.docpr_count:
            counter = iter(range(1000, 10**9))
            text = _DOCPR_ID.sub(lambda m: f"{m.group(1)}{next(counter)}{m.group(2)}", text)
        data = text.encode("utf-8")
        try:
            root = etree.fromstring(data, _parser())
        except etree.XMLSyntaxError:
            raise TemplateError(
                f"{self.path}: {part.label} renders to invalid XML; check the placement of "
                "{%p %}, {%tr %} and {%tc %} tags (each must stand alone in its paragraph, row or cell)"
            ) from None
        if part.fix_tables:
            root = _docxtpl().fix_tables(data)
            data = etree.tostring(root, encoding="utf-8")
        if part.toc is not None and toc.fill(root, part.toc):
            data = etree.tostring(root, encoding="utf-8")
        return _DECLARATION.encode("utf-8") + data

    def _missing_error(self, context: dict[str, Any], part: Part, exc: MissingValueError) -> TemplateError:
        first = f"{exc.path} {exc.reason}, at {describe_place(part, _error_line(exc))}"
        found = self._collect_missing(context)
        if len(found) <= 1:
            return TemplateError(f"{self.path}: {first}; give it a value in the case, or use --draft")
        listed = "\n".join(f"  {item}" for item in found[:MAX_LISTED_MISSING])
        more = f"\n  … and {len(found) - MAX_LISTED_MISSING} more" if len(found) > MAX_LISTED_MISSING else ""
        return TemplateError(
            f"{self.path}: {len(found)} values are missing (give them a value in the case, or use --draft):\n"
            f"{listed}{more}"
        )

    def _collect_missing(self, context: dict[str, Any]) -> list[str]:
        """Render once more with a recording Undefined, so one run names every missing value."""
        env = make_environment("collect")
        env.filters.update(self.env.filters)
        found: list[str] = []
        for part in self.parts.values():
            env.undefined.found.clear()  # type: ignore[attr-defined]
            with contextlib.suppress(Exception):  # best effort: the first error is already known
                env.from_string(part.source).render(env.wrap_top_level(context))
            for path, line in env.undefined.found:  # type: ignore[attr-defined]
                item = f"{path}, at {describe_place(part, line)}"
                if item not in found:
                    found.append(item)
        return found


def _resolve_listing(match: re.Match[str]) -> str:
    paragraph = match.group(0)
    return _docxtpl().resolve_listing(paragraph) if "\n" in paragraph or "\t" in paragraph else paragraph


def load_parts(path: Path) -> tuple[dict[str, bytes], dict[str, str]]:
    """Every zip member of a template (after the safety checks) and the role of each templated XML part.

    Raises:
        TemplateError: unsafe or corrupt file, or not a Word document.
    """
    with check_docx(path, max_bytes=MAX_TEMPLATE_BYTES, max_entries=MAX_TEMPLATE_ENTRIES,
                    max_ratio=MAX_TEMPLATE_RATIO, error=TemplateError, refuse_external=True) as archive:
        try:
            contents = {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
            raise TemplateError(f"{path}: the .docx is corrupt (a zip member cannot be read)") from None
    roles = _templated_parts(path, contents)
    if "body" not in roles.values():
        raise TemplateError(f"{path}: not a Word document (no main document part); save it as .docx")
    return contents, roles


def compile_template(path: Path, env: CaseEnvironment | None = None) -> CompiledTemplate:
    """Check (zip safety), pre-process (docxtpl patch_xml) and compile every templated part of a .docx, once.

    Raises:
        TemplateError: unsafe or corrupt file, XML that does not parse, Jinja syntax error (with its place).
    """
    env = env or make_environment("strict")
    contents, roles = load_parts(path)
    members: list[str | _zip.Entry] = []
    parts: dict[str, Part] = {}
    for name, data in contents.items():
        if name in roles:
            parts[name] = compile_part(path, env, name, roles[name], data)
            parts[name].toc = toc.prepare(contents, name) if roles[name] == "body" else None
            members.append(name)
        else:
            members.append(_zip.deflate(name, data))
    return CompiledTemplate(path, env, members, parts)


def _templated_parts(path: Path, contents: dict[str, bytes]) -> dict[str, str]:
    try:
        types = etree.fromstring(contents["[Content_Types].xml"], _parser())
    except (KeyError, etree.XMLSyntaxError):
        raise TemplateError(f"{path}: not a Word document ([Content_Types].xml missing or corrupt)") from None
    roles: dict[str, str] = {}
    for override in types:
        role = TEMPLATED_TYPES.get(override.get("ContentType", ""))
        name = override.get("PartName", "").lstrip("/")
        if role and name in contents:
            roles[name] = role
    return roles


def compile_part(path: Path, env: CaseEnvironment, name: str, role: str, data: bytes) -> Part:
    """Pre-process one XML part as docxtpl does and compile it; TemplateError with the place on a syntax error."""
    try:
        xml = etree.tostring(etree.fromstring(data, _parser()), encoding="unicode")
    except etree.XMLSyntaxError as exc:
        raise TemplateError(f"{path}: part {name} is not well-formed XML (line {exc.lineno})") from None
    tpl = _docxtpl()
    patched = tpl.patch_xml(xml)
    source = re.sub(r"<w:p([ >])", r"\n<w:p\1", patched)
    placeholder = Part(name, role, source, None, bool(_TABLE_TAGS.search(xml)), xml.count("<wp:docPr"))  # type: ignore[arg-type]
    try:
        placeholder.template = env.from_string(source)
    except TemplateSyntaxError as exc:
        raise TemplateError(
            f"{path}: template syntax error at {describe_place(placeholder, exc.lineno)}: {exc.message}"
        ) from None
    except SecurityError as exc:
        raise TemplateError(f"{path}: unsafe template construct refused in {placeholder.label}: {exc}") from None
    return placeholder


def _error_line(exc: BaseException) -> int | None:
    """The template line of a render error, from the frames Jinja adds to the traceback."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _runtime_error(path: Path, part: Part, exc: BaseException) -> TemplateError:
    where = describe_place(part, _error_line(exc))
    if isinstance(exc, SecurityError):
        return TemplateError(f"{path}: unsafe template construct refused at {where}: {exc}")
    if isinstance(exc, OverflowError):
        return TemplateError(f"{path}: a loop or value is too large at {where}")
    if isinstance(exc, UndefinedError):  # Jinja's own wording may name a key computed from data
        return TemplateError(f"{path}: an undefined value is used at {where}")
    if isinstance(exc, JinjaTemplateError):  # our filters' messages, and Jinja's, quote template text only
        return TemplateError(f"{path}: {exc} at {where}")
    # Other messages (int(), comparisons…) may quote case values: name the kind of error only.
    return TemplateError(f"{path}: {type(exc).__name__} while rendering, at {where}")


def describe_place(part: Part, line: int | None) -> str:
    """'body, table 1 row 2 cell 3, paragraph 14 ("Dear {{ recipient.contact.name }},")': template text only."""
    if line is None:
        return part.label
    lines = part.source.split("\n")
    line = max(1, min(line, len(lines)))
    # Up to the start of this line's paragraph: the rest of the line may already open the next table.
    upto = "\n".join(lines[: line - 1]) + "\n" + lines[line - 1][:5]
    stack: list[list[int]] = []  # [table number, row, cell] per open table
    tables = 0
    for closing, tag in (m.groups() for m in _TABLE_TOKEN.finditer(upto)):
        if tag == "tbl" and closing:
            if stack:
                stack.pop()
        elif tag == "tbl":
            tables += 0 if stack else 1
            stack.append([tables, 0, 0])
        elif stack and not closing and tag == "tr":
            stack[-1][1:] = [stack[-1][1] + 1, 0]
        elif stack and not closing:
            stack[-1][2] += 1
    place = [part.label]
    if stack:
        nested = " (nested)" if len(stack) > 1 else ""
        place.append(f"table {stack[0][0]}{nested} row {stack[-1][1]} cell {stack[-1][2]}")
    if part.role != "document properties":
        place.append(f"paragraph {max(1, len(_PARAGRAPH_START.findall(upto)))}")
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", lines[line - 1]))).strip()
    if part.role == "document properties":  # one line holds every property: keep only the template tags
        text = " ".join(_JINJA_TAG.findall(text))
    if text:
        place.append(f'"{text[:77]}…"' if len(text) > 80 else f'"{text}"')
    return ", ".join(place)
