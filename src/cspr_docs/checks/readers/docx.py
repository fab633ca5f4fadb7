"""Read every text-bearing part of a .docx with zipfile + lxml: body, tables, headers, footers, notes, comments,
tracked deletions, text boxes, alt text, diagrams and document properties."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

from cspr_docs.checks.draft import Block, Draft
from cspr_docs.checks.text import looks_like_heading
from cspr_docs.errors import DraftError
from cspr_docs.safezip import check_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
W15 = "{http://schemas.microsoft.com/office/word/2012/wordml}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
WP_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
A_T = "{http://schemas.openxmlformats.org/drawingml/2006/main}t"
W_P, W_T, W_R, W_TBL, W_TR, W_TC = W + "p", W + "t", W + "r", W + "tbl", W + "tr", W + "tc"
W_VAL = W + "val"
_TEXT_TAGS = (W_T, W + "delText", W + "tab", W + "br", W + "cr", W + "noBreakHyphen", WP_DOCPR)
_CHANGE_TAGS = (W + "ins", W + "del", W + "moveFrom", W + "moveTo", W + "rPrChange", W + "pPrChange")
_CONTAINERS = (W + "sdt", W + "sdtContent", W + "customXml", W + "ins", W + "del", W + "moveTo", W + "moveFrom")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_comments=True, remove_pis=True)
_OFF = {"0", "false", "off", "none"}
_PROPS = {
    "docProps/core.xml": ("title", "subject", "creator", "keywords", "description", "lastModifiedBy", "category",
                          "contentStatus", "identifier"),
    "docProps/app.xml": ("Company", "Manager", "HyperlinkBase"),
}
MAX_PART_BYTES = 100 * 1024 * 1024


def _parse(path: Path, archive: zipfile.ZipFile, name: str) -> etree._Element:
    try:
        with archive.open(name) as handle:
            data = handle.read(MAX_PART_BYTES + 1)
        if len(data) > MAX_PART_BYTES:
            raise DraftError(f"{path}: refused: part {name} is over {MAX_PART_BYTES // (1024 * 1024)} MiB")
        tree = etree.fromstring(data, _PARSER).getroottree()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise DraftError(f"{path}: part {name} is corrupt (zip data)") from None
    except etree.XMLSyntaxError as exc:
        raise DraftError(f"{path}: part {name} is not well-formed XML (line {exc.lineno})") from None
    if tree.docinfo.doctype:
        raise DraftError(f"{path}: refused: part {name} declares a DOCTYPE")
    return tree.getroot()


class _Styles:
    """Paragraph style id -> (heading level or None, bold), resolved through basedOn once per draft; and the ids of
    the paragraph styles that hold template guidance (named "Guidance")."""

    def __init__(self, root: etree._Element | None) -> None:
        raw: dict[str, tuple[str, str | None, int | None, bool]] = {}
        self.guidance: set[str] = set()
        if root is not None:
            for style in root.iter(W + "style"):
                if style.get(W + "type") != "paragraph":
                    continue
                sid = style.get(W + "styleId") or ""
                name_el, based, outline = style.find(W + "name"), style.find(W + "basedOn"), style.find(".//" + W + "outlineLvl")
                bold_el = style.find(f"{W}rPr/{W}b")
                raw[sid] = (
                    (name_el.get(W_VAL) or "").lower() if name_el is not None else "",
                    based.get(W_VAL) if based is not None else None,
                    int(outline.get(W_VAL) or 9) if outline is not None and (outline.get(W_VAL) or "9").isdigit() else None,
                    bold_el is not None and (bold_el.get(W_VAL) or "1").lower() not in _OFF,
                )
        self.map: dict[str, tuple[int | None, bool]] = {sid: self._resolve(raw, sid, 0) for sid in raw}
        self.guidance = {sid for sid, (name, *_) in raw.items() if name == "guidance"}
        self.lists = {sid for sid, (name, *_) in raw.items() if name.startswith("list")}
        self.contents = {sid for sid, (name, *_) in raw.items() if re.fullmatch(r"toc [1-9]", name)}

    def _resolve(self, raw: dict, sid: str, depth: int) -> tuple[int | None, bool]:
        name, based, outline, bold = raw[sid]
        match = re.fullmatch(r"heading ([1-9])", name)
        if match:
            return int(match.group(1)), bold
        if name in ("title",):
            return 0, bold
        if outline is not None:
            return (outline + 1 if outline < 9 else None), bold
        if based and based in raw and depth < 20:
            level, parent_bold = self._resolve(raw, based, depth + 1)
            return level, bold or parent_bold
        return None, bold


class _PartReader:
    """Walks one part's block-level content in reading order."""

    def __init__(self, draft: Draft, part: str, kind: str, styles: _Styles) -> None:
        self.draft, self.part, self.kind, self.styles = draft, part, kind, styles
        self.index = 0
        self.boxes: dict[etree._Element, list[etree._Element]] = {}

    def prepare(self, root: etree._Element) -> None:
        """Drop legacy fallbacks (duplicate text) and lift text boxes out, remembering their anchor paragraph."""
        for fallback in list(root.iter(MC_FALLBACK)):
            fallback.getparent().remove(fallback)
        changes = sum(1 for _ in root.iter(*_CHANGE_TAGS))
        if changes:
            self.draft.tracked_changes[self.part] = self.draft.tracked_changes.get(self.part, 0) + changes
        for box in reversed(list(root.iter(W + "txbxContent"))):
            anchors = [a for a in box.iterancestors(W_P)]
            box.getparent().remove(box)
            if anchors:
                self.boxes.setdefault(anchors[-1], []).insert(0, box)
            else:
                self._flow(box, "textbox")

    def _emit(self, text: str, kind: str, **extra: object) -> Block:
        block = Block(text=text, kind=kind, part=self.part, index=self.index, **extra)  # type: ignore[arg-type]
        self.draft.blocks.append(block)
        return block

    def _paragraph(self, p: etree._Element, kind: str, *, as_block: bool = True) -> str:
        parts: list[str] = []
        deleted: list[str] = []
        alts: list[str] = []
        prompts: list[str] = []
        guidance = self._guidance_style(p)
        style = p.find(f"{W}pPr/{W}pStyle")
        if kind == "body" and style is not None and (style.get(W_VAL) or "") in self.styles.contents:
            kind = "contents"  # an entry of the table of contents: not a heading, not the section's text
        for el in p.iter(*_TEXT_TAGS):
            tag = el.tag
            if tag == W_T and (guidance or _placeholder_run(el)):
                prompts.append(el.text or "")
            elif tag == W_T:
                parts.append(el.text or "")
            elif tag == WP_DOCPR:
                alts.extend(v for v in (el.get("descr"), el.get("title"), el.get("name")) if v)
            elif tag == W + "delText":
                deleted.append(el.text or "")
            elif tag == W + "noBreakHyphen":
                parts.append("-")
            else:
                parts.append(" ")
        text = "".join(parts)
        self.index += 1
        if as_block:
            level, fallback = self._level(p, text), False
            label = False
            listed = self._list_item(p) or p.find(f"{W}pPr/{W}numPr") is not None
            if level is None and kind == "body" and text.strip() and not self._list_item(p):
                bold = len(text) < 90 and self._bold(p)
                level = looks_like_heading(text, bold=bold)
                fallback = level is not None
                label = fallback and bold and looks_like_heading(text) is None and self._keep_next(p)
            elif level is not None:
                self.draft.styled_headings = True
            if text.strip() or level is not None:
                self._emit(text, kind, level=level if text.strip() else None, fallback_heading=fallback, label=label,
                           list_item=listed and level is None)
        if deleted:
            self._emit("".join(deleted), "deleted")
        if "".join(prompts).strip():
            self._emit("".join(prompts), "prompt")
        for alt in alts:
            self._emit(alt, "alt-text")
        for box in self.boxes.pop(p, ()):
            self._flow(box, "textbox")
        return text

    def _list_item(self, p: etree._Element) -> bool:
        """A paragraph in a list style ("List Number", "List Bullet"): an item, never a heading typed in body style."""
        style = p.find(f"{W}pPr/{W}pStyle")
        return style is not None and (style.get(W_VAL) or "") in self.styles.lists

    def _keep_next(self, p: etree._Element) -> bool:
        keep = p.find(f"{W}pPr/{W}keepNext")
        return keep is not None and (keep.get(W_VAL) or "1").lower() not in _OFF

    def _guidance_style(self, p: etree._Element) -> bool:
        style = p.find(f"{W}pPr/{W}pStyle")
        return style is not None and (style.get(W_VAL) or "") in self.styles.guidance

    def _level(self, p: etree._Element, text: str) -> int | None:
        ppr = p.find(W + "pPr")
        if ppr is None or not text.strip():
            return None
        outline = ppr.find(W + "outlineLvl")
        if outline is not None and (outline.get(W_VAL) or "").isdigit():
            value = int(outline.get(W_VAL))
            return value + 1 if value < 9 else None
        style = ppr.find(W + "pStyle")
        if style is None:
            return None
        return self.styles.map.get(style.get(W_VAL) or "", (None, False))[0]

    def _bold(self, p: etree._Element) -> bool:
        ppr = p.find(W + "pPr")
        style = ppr.find(W + "pStyle") if ppr is not None else None
        style_bold = style is not None and self.styles.map.get(style.get(W_VAL) or "", (None, False))[1]
        runs = [r for r in p.iter(W_R) if r.find(W_T) is not None and (r.findtext(W_T) or "").strip()]
        if not runs:
            return False
        for run in runs:
            b = run.find(f"{W}rPr/{W}b")
            if b is None and not style_bold:
                return False
            if b is not None and (b.get(W_VAL) or "1").lower() in _OFF:
                return False
        return True

    def _flow(self, container: etree._Element, kind: str) -> None:
        for child in container:
            tag = child.tag
            if tag == W_P:
                self._paragraph(child, kind)
            elif tag == W_TBL:
                for row in child.iter(W_TR):
                    cells = tuple(" ".join(self._paragraph(p, kind, as_block=False) for p in tc.iter(W_P))
                                  for tc in row.iterchildren(W_TC))
                    if any(c.strip() for c in cells):
                        self._emit(" | ".join(cells), "row" if kind == "body" else kind, cells=cells)
            elif tag in _CONTAINERS:
                self._flow(child, kind)


def read_docx(path: Path) -> Draft:
    """Read a .docx into blocks after the safety checks of `safezip.check_docx`.

    Raises:
        DraftError: not a zip, zip bomb, DOCTYPE, corrupt part (exit 3).
    """
    draft = Draft(path=path, format="docx")
    with check_docx(path) as archive:
        names = set(archive.namelist())
        main = "word/document.xml"
        if main not in names:
            raise DraftError(f"{path}: not a Word document (no word/document.xml); save it as .docx")
        styles = _Styles(_parse(path, archive, "word/styles.xml") if "word/styles.xml" in names else None)
        root = _parse(path, archive, main)
        reader = _PartReader(draft, main, "body", styles)
        reader.prepare(root)
        body = root.find(W + "body")
        reader._flow(body if body is not None else root, "body")
        for name in sorted(names, key=_part_order):
            kind = _kind_of(name)
            if kind is None:
                continue
            if kind in ("header", "footer", "glossary"):
                part_root = _parse(path, archive, name)
                part = _PartReader(draft, name, "body" if kind == "glossary" else kind, styles)
                part.prepare(part_root)
                part._flow(part_root.find(W + "body") if kind == "glossary" else part_root, kind if kind != "glossary" else "textbox")
            elif kind in ("footnote", "endnote"):
                part_root = _parse(path, archive, name)
                part = _PartReader(draft, name, kind, styles)
                part.prepare(part_root)
                for note in part_root:
                    if note.get(W + "type") not in ("separator", "continuationSeparator", "continuationNotice"):
                        part._flow(note, kind)
            elif kind == "comment":
                _read_comments(path, archive, name, names, draft, styles)
            elif kind == "diagram":
                for i, t in enumerate(_parse(path, archive, name).iter(A_T)):
                    if (t.text or "").strip():
                        draft.blocks.append(Block(text=t.text, kind="textbox", part=name, index=i + 1))
        _read_properties(path, archive, names, draft)
    draft.blocks.append(Block(text=path.stem, kind="file-name", part="file name"))
    if draft.styled_headings:
        # In a draft that uses heading styles, a bold line set to keep with the next paragraph is a label naming
        # what follows (a field of an agency's reply in the combined summary), not a heading typed in body style:
        # it neither starts a section nor asks for a Heading style.
        for block in draft.blocks:
            if block.label:
                block.level, block.fallback_heading = None, False
    return draft.finish()


def _placeholder_run(t: etree._Element) -> bool:
    """A run in Word's "Placeholder Text" style: a prompt the author has not replaced yet."""
    style = t.getparent().find(f"{W}rPr/{W}rStyle")
    return style is not None and (style.get(W_VAL) or "").lower() == "placeholdertext"


def _part_order(name: str) -> tuple[int, str]:
    order = ("word/header", "word/footer", "word/footnotes", "word/endnotes", "word/comments", "word/glossary")
    for i, prefix in enumerate(order):
        if name.startswith(prefix):
            return i, name
    return len(order), name


def _kind_of(name: str) -> str | None:
    if re.fullmatch(r"word/header\d*\.xml", name):
        return "header"
    if re.fullmatch(r"word/footer\d*\.xml", name):
        return "footer"
    if name == "word/footnotes.xml":
        return "footnote"
    if name == "word/endnotes.xml":
        return "endnote"
    if name == "word/comments.xml":
        return "comment"
    if name == "word/glossary/document.xml":
        return "glossary"
    if re.fullmatch(r"word/diagrams/data\d*\.xml", name):
        return "diagram"
    return None


def _read_comments(path: Path, archive: zipfile.ZipFile, name: str, names: set[str], draft: Draft,
                   styles: _Styles) -> None:
    root = _parse(path, archive, name)
    done: set[str] = set()
    if "word/commentsExtended.xml" in names:
        for ex in _parse(path, archive, "word/commentsExtended.xml").iter(W15 + "commentEx"):
            if ex.get(W15 + "done") in ("1", "true"):
                done.add(ex.get(W15 + "paraId") or "")
    reader = _PartReader(draft, "comments", "comment", styles)
    reader.prepare(root)
    for comment in root.iter(W + "comment"):
        author = comment.get(W + "author")
        if author:
            draft.blocks.append(Block(text=author, kind="property", part="comments (author)", index=reader.index + 1))
        paragraphs = comment.findall(W_P)
        reader._flow(comment, "comment")
        if not paragraphs or (paragraphs[-1].get(W14 + "paraId") or "") not in done:
            draft.open_comments += 1


def _read_properties(path: Path, archive: zipfile.ZipFile, names: set[str], draft: Draft) -> None:
    for part, fields in _PROPS.items():
        if part not in names:
            continue
        root = _parse(path, archive, part)
        for el in root:
            local = etree.QName(el).localname
            if local in fields and (el.text or "").strip():
                draft.blocks.append(Block(text=el.text, kind="property", part=f"{part} ({local})"))
                draft.properties.setdefault(local, el.text.strip())
    if "docProps/custom.xml" in names:
        for i, prop in enumerate(_parse(path, archive, "docProps/custom.xml")):
            value = " ".join(t for t in prop.itertext() if t.strip())
            if (prop.get("name") or "").strip() and value.strip():
                draft.properties.setdefault(prop.get("name").strip(), value.strip())
            if value.strip():
                draft.blocks.append(Block(text=value, kind="property", part=f"docProps/custom.xml (property {i + 1})"))
            if (prop.get("name") or "").strip():
                draft.blocks.append(Block(text=prop.get("name"), kind="property",
                                          part=f"docProps/custom.xml (property {i + 1} name)"))
