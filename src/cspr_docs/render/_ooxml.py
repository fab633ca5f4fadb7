"""OOXML plumbing for `combine`: namespaces, schema order, page-count fields, packages, relationship parts."""

from __future__ import annotations

import io
import posixpath
import zipfile
from urllib.parse import unquote

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"

# Child element order of w:pPr and w:sectPr (ECMA-376 CT_PPr, CT_SectPr).
PPR = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
       "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct",
       "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
       "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
       "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"]
SECTPR = ["headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar", "paperSrc",
          "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote", "titlePg",
          "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange"]


def w(tag: str) -> str:
    """`w:tag` in Clark notation."""
    return f"{{{W}}}{tag}"


def parser() -> etree.XMLParser:
    """No entities, no network, no DTD."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


def to_xml(root: etree._Element) -> bytes:
    """A part's bytes, with the XML declaration Word writes."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def rels_name(part: str) -> str:
    """The relationships part of `part`."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def place(parent: etree._Element, child: etree._Element, order: list[str]) -> None:
    """Insert `child` where the schema's element order puts it (Word refuses elements out of order)."""
    rank = order.index(etree.QName(child).localname)
    for index, existing in enumerate(parent):
        name = etree.QName(existing)
        if name.namespace == W and name.localname in order and order.index(name.localname) > rank:
            parent.insert(index, child)
            return
    parent.append(child)


def _is_section_pages(instruction: str) -> bool:
    return instruction.split(maxsplit=1)[:1] == ["SECTIONPAGES"]


def store_page_count(root: etree._Element, value: str) -> None:
    """Store the letter's page count as the result of its SECTIONPAGES fields.

    Word works the count out itself; LibreOffice (7.4) does not, and shows the stored result instead.
    """
    fields: list[list[str | bool]] = []  # [instruction, in result, result written] per open field
    for element in root.iter(w("fldChar"), w("instrText"), w("t"), w("fldSimple")):
        if element.tag == w("fldSimple"):
            if _is_section_pages(element.get(w("instr"), "")):
                texts = list(element.iter(w("t"))) or [etree.SubElement(etree.SubElement(element, w("r")), w("t"))]
                for number, text in enumerate(texts):
                    text.text = value if number == 0 else ""
        elif element.tag == w("instrText"):
            if fields and not fields[-1][1]:
                fields[-1][0] = f"{fields[-1][0]}{element.text or ''}"
        elif element.tag == w("t"):
            if fields and fields[-1][1] and _is_section_pages(str(fields[-1][0])):
                element.text = "" if fields[-1][2] else value
                fields[-1][2] = True
        elif element.get(w("fldCharType")) == "begin":
            fields.append(["", False, False])
        elif fields and element.get(w("fldCharType")) == "separate":
            fields[-1][1] = True
        elif fields and element.get(w("fldCharType")) == "end":
            instruction, separated, written = fields.pop()
            run = element.getparent()
            if _is_section_pages(str(instruction)) and not written and run is not None and run.tag == w("r"):
                before = [] if separated else [etree.Element(w("r"))]
                if before:
                    etree.SubElement(before[0], w("fldChar"), {w("fldCharType"): "separate"})
                result = etree.Element(w("r"))
                etree.SubElement(result, w("t")).text = value
                for new in (*before, result):
                    run.addprevious(new)


class Package:
    """One letter's zip: parts, content types and relationships."""

    def __init__(self, data: bytes) -> None:
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.names = set(self.zip.namelist())
        types = etree.fromstring(self.zip.read("[Content_Types].xml"), parser())
        self.defaults = {e.get("Extension", "").lower(): e.get("ContentType", "") for e in types
                         if etree.QName(e).localname == "Default"}
        self.overrides = {e.get("PartName", "").lstrip("/"): e.get("ContentType", "") for e in types
                          if etree.QName(e).localname == "Override"}
        main = [target for kind, target, _ in self.rels("") if kind == "officeDocument"]
        self.document = main[0] if main else "word/document.xml"

    def read(self, name: str) -> bytes:
        return self.zip.read(name)

    def parse(self, name: str) -> etree._Element:
        return etree.fromstring(self.zip.read(name), parser())

    def content_type(self, name: str) -> str:
        return self.overrides.get(name) or self.defaults.get(posixpath.splitext(name)[1][1:].lower(), "")

    def rels(self, part: str) -> list[tuple[str, str, etree._Element]]:
        """(type's last segment, resolved target part or external target, element) of each relationship."""
        name = rels_name(part) if part else "_rels/.rels"
        if name not in self.names:
            return []
        found = []
        for rel in self.parse(name):
            target = rel.get("Target", "")
            if rel.get("TargetMode") != "External":
                target = unquote(target)
                target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join(posixpath.dirname(part), target))
            found.append((rel.get("Type", "").rsplit("/", 1)[-1], target, rel))
        return found


class Rels:
    """A relationships part being built; ids stay as they were unless already used.

    `shared`: a relationship equal to one already there (the logo of every letter) reuses its id; only for parts
    whose references are renamed to the returned ids.
    """

    def __init__(self, *, shared: bool = False) -> None:
        self.root = etree.Element(f"{{{RELS}}}Relationships", nsmap={None: RELS})
        self.ids: set[str] = set()
        self.count = 0
        self.known: dict[tuple[str, str, str], str] | None = {} if shared else None

    def add(self, rel: etree._Element, target: str) -> str:
        key = (rel.get("Type", ""), target, rel.get("TargetMode", ""))
        if self.known is not None and key in self.known:
            return self.known[key]
        ident = rel.get("Id", "")
        while not ident or ident in self.ids:
            self.count += 1
            ident = f"rIdCspr{self.count}"
        self.ids.add(ident)
        attributes = {"Id": ident, "Type": rel.get("Type", ""), "Target": target}
        if rel.get("TargetMode"):
            attributes["TargetMode"] = rel.get("TargetMode", "")
        etree.SubElement(self.root, f"{{{RELS}}}Relationship", attributes)
        if self.known is not None:
            self.known[key] = ident
        return ident
