"""Read a returned reply or chronology .docx: answers by content-control tag, or by the bookmarked label cell."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

from lxml import etree

from cspr_docs.collect.reply import ANSWER_FIELDS, CHRONOLOGY_KIND, RawReply, bookmark_of, event_key, tag_of
from cspr_docs.errors import InputError
from cspr_docs.safezip import check_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W_P, W_T, W_TC, W_TR, W_TBL, W_SDT = W + "p", W + "t", W + "tc", W + "tr", W + "tbl", W + "sdt"
_BREAKS = {W + "tab": "\t", W + "br": "\n", W + "cr": "\n", W + "noBreakHyphen": "-"}
_TEXT_TAGS = (W_T, *_BREAKS)
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_comments=True, remove_pis=True)
MAX_PART_BYTES = 50 * 1024 * 1024
_IDENTIFIER = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]{0,63})/([A-Za-z0-9][A-Za-z0-9_-]{0,39})/([a-z-]+)/([\w.-]+)")
_TABLE_ANCHORS = {"key-events": "key_events", "chronology": "chronology"}
_SPECIAL = {"meta", "key_events", "chronology"}


def read_docx(path: Path) -> RawReply:
    """Read an untrusted returned .docx (size, entries and DOCTYPE checked first). Raises InputError (exit 3)."""
    with check_docx(path, error=InputError) as archive:
        return _read(archive, path)


def read_docx_bytes(data: bytes, name: str) -> RawReply:
    """Read a .docx we made ourselves (the rendered template to compare a reply with)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return _read(archive, Path(name))


def _part(archive: zipfile.ZipFile, path: Path, name: str) -> etree._Element | None:
    if name not in archive.namelist():
        return None
    try:
        with archive.open(name) as handle:
            data = handle.read(MAX_PART_BYTES + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError):
        raise InputError(f"{path}: part {name} is corrupt") from None
    if len(data) > MAX_PART_BYTES:
        raise InputError(f"{path}: refused: part {name} is over {MAX_PART_BYTES // (1024 * 1024)} MiB")
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{path}: part {name} is not well-formed XML (line {exc.lineno})") from None


def _read(archive: zipfile.ZipFile, path: Path) -> RawReply:
    body_root = _part(archive, path, "word/document.xml")
    if body_root is None or body_root.find(W + "body") is None:
        raise InputError(f"{path}: not a Word document (no word/document.xml body)")
    raw = RawReply(path=path, format="docx")
    _identity(raw, archive, path, body_root)
    if next(body_root.iter(W + "ins", W + "del"), None) is not None:
        raw.warn("tracked changes", "the reply has tracked changes; read as if they were all accepted")
    _Body(raw, body_root.find(W + "body")).read()
    comments = _part(archive, path, "word/comments.xml")
    if comments is not None:  # the template has none: every comment is the agency's own text
        raw.paragraphs.extend((f"Comment: {_text(c)}",) * 2 for c in comments.iter(W + "comment") if _text(c))
    return raw


def _identity(raw: RawReply, archive: zipfile.ZipFile, path: Path, body: etree._Element) -> None:
    """Reference, agency, kind and version: core `identifier`, else the `cspr:meta` control; custom properties."""
    found = ""
    core = _part(archive, path, "docProps/core.xml")
    if core is not None:
        ident = core.find("{http://purl.org/dc/elements/1.1/}identifier")
        found = (ident.text or "").strip() if ident is not None else ""
    texts = [_text(s) for s in body.iter(W_SDT) if _tag(s) == "cspr:meta"]
    texts += [t.split(":", 1)[1] for t in (_ptext(p) for p in body.iter(W_P)) if t.startswith("Form reference:")]
    forms = {t.strip() for t in texts if _IDENTIFIER.fullmatch(t.strip())}
    if len(forms) > 1:  # e.g. the combined print file of `merge --combined`: no single agency's reply
        raise InputError(f"{path}: holds {len(forms)} different reply forms (a combined print file?); collect each "
                         "agency's own returned reply instead")
    if not _IDENTIFIER.fullmatch(found):
        found = next(iter(forms), "")
    match = _IDENTIFIER.fullmatch(found)
    if match:
        raw.reference, raw.agency, raw.kind, raw.version = match.groups()
    custom = _part(archive, path, "docProps/custom.xml")
    if custom is not None:
        for prop in custom:
            value = "".join(prop.itertext()).strip()
            if prop.get("name") == "cspr.template" and not raw.kind:
                raw.kind = value
            elif prop.get("name") == "cspr.template-version":
                raw.version = raw.version or value


def _tag(sdt: etree._Element) -> str:
    tag = sdt.find(f"{W}sdtPr/{W}tag")
    return (tag.get(W + "val") or "") if tag is not None else ""


def _ptext(p: etree._Element, skip: frozenset[etree._Element] = frozenset()) -> str:
    """A paragraph's visible text (deleted text and field instructions excluded), minus any `skip` subtrees."""
    parts: list[str] = []
    for el in p.iter(*_TEXT_TAGS):
        if skip and any(a in skip for a in el.iterancestors()):
            continue
        parts.append(el.text or "" if el.tag == W_T else _BREAKS[el.tag])
    return "".join(parts)


def _text(el: etree._Element | None) -> str:
    """Text of a block (cell, control, body): one line per paragraph, blank edges trimmed."""
    if el is None:
        return ""
    paragraphs = [el] if el.tag == W_P else list(el.iter(W_P))
    if not paragraphs:
        return _ptext(el).strip()  # an inline control: runs, no paragraphs
    lines = [_ptext(p).rstrip() for p in paragraphs]
    return "\n".join(lines).strip("\n").strip()


def _placeholder_only(el: etree._Element) -> bool:
    """True when every run with text is in the placeholder style or inside a control still showing its prompt."""
    texts = [t for t in el.iter(W_T) if (t.text or "").strip()]
    if not texts:
        return False
    for t in texts:
        ancestors = list(t.iterancestors())
        run = t.getparent()
        style = run.find(f"{W}rPr/{W}rStyle") if run is not None else None
        styled = style is not None and (style.get(W + "val") or "").lower().startswith("placeholder")
        prompt = any(a.tag == W_SDT and a.find(f"{W}sdtPr/{W}showingPlcHdr") is not None for a in ancestors)
        if not (styled or prompt):
            return False
    return True


class _Body:
    """One pass over the document body: tagged controls, bookmarks, answers, tables, and text outside fields."""

    def __init__(self, raw: RawReply, body: etree._Element) -> None:
        self.raw, self.body = raw, body
        for fallback in list(body.iter(MC_FALLBACK)):
            fallback.getparent().remove(fallback)
        self.boxes: list[etree._Element] = []
        for box in list(body.iter(W + "txbxContent")):
            box.getparent().remove(box)
            self.boxes.append(box)
        self.tags: dict[str, etree._Element] = {}
        for sdt in body.iter(W_SDT):
            tag = _tag(sdt)
            if tag.startswith("cspr:"):
                self.tags.setdefault(tag, sdt)
        self.bookmarks = {b.get(W + "name") or "": b for b in body.iter(W + "bookmarkStart")}
        self.claimed: set[etree._Element] = set()

    def read(self) -> None:
        for name in ANSWER_FIELDS:
            self._answer(name, self.raw.answers)
        others = [t[5:].replace("-", "_") for t in self.tags if t.count(":") == 1]
        others += [b[5:] for b in self.bookmarks if b.startswith("cspr_")]
        for name in dict.fromkeys(others):
            if name not in ANSWER_FIELDS and name not in _SPECIAL:
                self._answer(name, self.raw.extra, record_missing=False)
        for table in self.body.iter(W_TBL):
            caption = table.find(f"{W}tblPr/{W}tblCaption")
            name = (caption.get(W + "val") or "") if caption is not None else ""
            if name.startswith("cspr:") and name[5:] not in _TABLE_ANCHORS:
                self.claimed.add(table)
                lines = [" | ".join(_text(c) for c in _cells(r)) for r in _rows(table)[1:]]
                self.raw.extra[name[5:].replace("-", "_")] = "\n".join(x for x in lines if x.strip(" |"))
        self._known()
        anchor = "chronology" if self.raw.kind == CHRONOLOGY_KIND else "key-events"
        table = self._anchored_table(anchor)
        if table is None and self.raw.kind != CHRONOLOGY_KIND:
            table = self._anchored_table("chronology")
        if table is not None:
            self.claimed.add(table)
            self.raw.events = _read_table(self.raw, table)
        elif self.raw.kind:
            self.raw.missing.append(tag_of(_TABLE_ANCHORS[anchor]))
        self._outside()

    def _answer(self, name: str, into: dict[str, str], *, record_missing: bool = True) -> None:
        sdt = self.tags.get(tag_of(name))
        if sdt is not None:
            content = sdt.find(W + "sdtContent")
            prompt = sdt.find(f"{W}sdtPr/{W}showingPlcHdr") is not None
            self.claimed.add(sdt)
            if prompt and content is not None:
                self.raw.placeholders[name] = _text(content)
            into[name] = "" if prompt or content is None or _placeholder_only(content) else _text(content)
            return
        cell = self._answer_cell(bookmark_of(name))
        if cell is None:
            if record_missing:
                self.raw.missing.append(tag_of(name))
            return
        self.claimed.add(cell)
        into[name] = "" if _placeholder_only(cell) else _text(cell)

    def _answer_cell(self, bookmark: str) -> etree._Element | None:
        """The cell after the bookmarked label cell: beside it, or (stacked) the first cell of the next row."""
        start = self.bookmarks.get(bookmark)
        label = next(start.iterancestors(W_TC), None) if start is not None else None
        if label is None:
            return None
        cell = next((c for c in label.itersiblings() if c.tag == W_TC), None)
        if cell is not None:
            return cell
        row = label.getparent()
        after = next((r for r in row.itersiblings() if r.tag == W_TR), None) if row is not None else None
        return after.find(W_TC) if after is not None else None

    def _known(self) -> None:
        for tag, sdt in self.tags.items():
            if tag.startswith("cspr:known:"):
                self.claimed.add(sdt)
                prompt = sdt.find(f"{W}sdtPr/{W}showingPlcHdr") is not None
                self.raw.known[tag.removeprefix("cspr:known:")] = "" if prompt else _text(sdt.find(W + "sdtContent"))
        if self.raw.known:
            return
        for table in self.body.iter(W_TBL):
            header = _rows(table)[:1]
            labels = [_text(c).casefold() for c in _cells(header[0])] if header else []
            if "referred to as" in labels and any(x.startswith("known") for x in labels):
                who, known = labels.index("referred to as"), next(i for i, x in enumerate(labels) if x.startswith("known"))
                for row in _rows(table)[1:]:
                    cells = _cells(row)
                    if len(cells) > max(who, known):
                        self.claimed.add(cells[known])
                        answer = "" if _placeholder_only(cells[known]) else _text(cells[known])
                        self.raw.known["as:" + _text(cells[who])] = answer
                return

    def _anchored_table(self, anchor: str) -> etree._Element | None:
        sdt = self.tags.get("cspr:" + anchor)
        if sdt is not None and next(sdt.iter(W_TBL), None) is not None:
            return next(sdt.iter(W_TBL))
        for table in self.body.iter(W_TBL):
            caption = table.find(f"{W}tblPr/{W}tblCaption")
            if caption is not None and caption.get(W + "val") == "cspr:" + anchor:
                return table
        start = self.bookmarks.get("cspr_" + anchor.replace("-", "_"))
        if start is None:
            return None
        return next((el for el in start.iterdescendants(W_TBL)), None) or next(
            (el for el in _following(start) if el.tag == W_TBL), None)

    def _outside(self) -> None:
        """Paragraph text outside every known field (template text is removed later, by comparison)."""
        tagged = frozenset(s for s in self.body.iter(W_SDT) if _tag(s).startswith("cspr:"))
        for p in [*self.body.iter(W_P), *(p for box in self.boxes for p in box.iter(W_P))]:
            if any(a in self.claimed for a in p.iterancestors()):
                continue
            full = _ptext(p).strip()
            if full:
                self.raw.paragraphs.append((full, _ptext(p, tagged).strip()))


def _following(start: etree._Element) -> Iterable[etree._Element]:
    """Elements after `start` in document order."""
    for ancestor in [start, *start.iterancestors()]:
        for sibling in ancestor.itersiblings():
            yield sibling
            yield from sibling.iterdescendants()


def _rows(table: etree._Element) -> list[etree._Element]:
    return [r for r in table.iter(W_TR) if next(r.iterancestors(W_TBL)) is table]


def _cells(row: etree._Element) -> list[etree._Element]:
    return [c for c in row.iter(W_TC) if next(c.iterancestors(W_TR)) is row]


def _grid(row: etree._Element) -> list[tuple[int, etree._Element]]:
    """(grid column, cell) of a row, following horizontal merges."""
    column, out = 0, []
    for cell in _cells(row):
        out.append((column, cell))
        span = cell.find(f"{W}tcPr/{W}gridSpan")
        column += int(span.get(W + "val") or 1) if span is not None and (span.get(W + "val") or "1").isdigit() else 1
    return out


def _read_table(raw: RawReply, table: etree._Element) -> list[dict[str, str]]:
    """Rows of an events table, read by header text so added, removed or reordered columns are handled."""
    rows = _rows(table)
    header_at = next((i for i, r in enumerate(rows) if any(event_key(_text(c)) for c in _cells(r))), None)
    if header_at is None:
        raw.warn("events table", "no header row (Date, Event…) found; columns read in the template's order")
        columns = {i: (key, "") for i, key in enumerate(("date", "event", "who", "action", "significance"))}
        body = rows
    else:
        columns = {}
        for column, cell in _grid(rows[header_at]):
            label = " ".join(_text(cell).split())
            columns[column] = (event_key(label), label)
        body = rows[header_at + 1:]
    header_texts = [_text(c) for c in _cells(rows[header_at])] if header_at is not None else []
    events: list[dict[str, str]] = []
    for row in body:
        cells = _grid(row)
        if [_text(c) for _, c in cells] == header_texts:
            continue  # a repeated header row
        event: dict[str, str] = {}
        for column, cell in cells:
            text = _text(cell)
            if not text:
                continue
            key, label = columns.get(column, (None, ""))
            if key:
                event[key] = f"{event[key]}\n{text}" if key in event else text
            else:
                event["extra:" + (label or f"column {column + 1}")] = text
        if event:
            events.append(event)
    return events
