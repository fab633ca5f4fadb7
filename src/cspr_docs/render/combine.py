"""One print-ready .docx from letters of one template: a section per letter with its own headers, pages and bookmark."""

from __future__ import annotations

import copy
import hashlib
import posixpath
import re
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

from lxml import etree

from cspr_docs.render import _zip
from cspr_docs.render._lists import ListRestarts
from cspr_docs.render._ooxml import (
    PPR,
    RELS,
    SECTPR,
    TYPES,
    Package,
    R,
    Rels,
    parser,
    place,
    rels_name,
    store_page_count,
    to_xml,
    w,
)

__all__ = ["bookmark_name", "combine_documents"]

_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
_RELID = "{urn:schemas-microsoft-com:office:office}relid"
_PARA_IDS = {"{http://schemas.microsoft.com/office/word/2010/wordml}paraId",
             "{http://schemas.microsoft.com/office/word/2010/wordml}textId"}
_CORE = {"cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
         "dc": "http://purl.org/dc/elements/1.1/"}

# Relationship types (last path segment) taken once, from the first letter: every letter has the same template.
_SHARED = {"styles", "stylesWithEffects", "settings", "webSettings", "fontTable", "theme", "numbering", "customXml",
           "glossaryDocument", "people"}
# Comments are editing notes, not part of a print-ready letter.
_DROPPED = {"comments", "commentsExtended", "commentsIds", "commentsExtensible"}
_NOTES = {"footnotes": "footnote", "endnotes": "endnote"}
_STORIES = {"header", "footer"}
_STORED = {"image/png", "image/jpeg", "image/gif"}
_FIELD_REF = re.compile(r'\b(REF|PAGEREF|NOTEREF)(\s+)([^\s\\"]+)|(\\l\s+")([^"]+)(")')
_NUMPAGES = re.compile(r"\bNUMPAGES\b")
_BOOKMARK_MAX = 40
_R_PREFIX = f"{{{R}}}"
_ID, _VAL, _NAME, _ANCHOR, _INSTR = w("id"), w("val"), w("name"), w("anchor"), w("instr")
_INSTR_TEXT, _SDT_PR, _BOOKMARK_START = w("instrText"), w("sdtPr"), w("bookmarkStart")
_HYPERLINK, _FLD_SIMPLE = w("hyperlink"), w("fldSimple")
_NOTE_REFERENCES = {w("footnoteReference"): "footnotes", w("endnoteReference"): "endnotes"}
_NOTE_TAGS = {w("footnote"), w("endnote")}
_COMMENT_MARKS = {w("commentRangeStart"), w("commentRangeEnd"), w("commentReference")}


def bookmark_name(label: str, taken: set[str]) -> str:
    """A valid, unused Word bookmark name from `label`: ASCII letters, digits and '_', a letter first, 40 at most."""
    text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_")
    if not text[:1].isalpha():
        text = f"id_{text}".rstrip("_")
    text = text[:_BOOKMARK_MAX]
    name, number = text, 1
    while name.casefold() in taken:  # Word compares bookmark names ignoring case
        number += 1
        suffix = f"_{number}"
        name = text[: _BOOKMARK_MAX - len(suffix)] + suffix
    taken.add(name.casefold())
    return name


@dataclass
class _Letter:
    """What one letter's content is renamed to in the combined file."""

    index: int
    pages: int | None = None
    parts: dict[str, str] = field(default_factory=dict)
    bookmarks: dict[str, str] = field(default_factory=dict)
    notes: dict[str, dict[str, str]] = field(default_factory=lambda: {kind: {} for kind in _NOTES})
    numbers: dict[str, str] = field(default_factory=dict)


class _Combiner:
    """Builds the combined package letter by letter; every renaming is a dict lookup, so the work is linear."""

    def __init__(self, first: Package, count: int) -> None:
        self.count = count
        self.document = first.document
        self.files: dict[str, bytes] = {}
        self.types: dict[str, str] = {}
        self.taken: set[str] = set()
        self.stems: dict[str, int] = {}
        self.media: dict[tuple[str, bytes], str] = {}
        self.bookmark_names: set[str] = set()
        self.bookmark_bases: dict[str, int] = {}
        self.counters = {"annotation": 0, "docpr": 0, "sdt": 0}
        self.doc_rels = Rels(shared=True)
        self.notes: dict[str, tuple[etree._Element, Rels, str]] = {}
        self.root = first.parse(first.document)
        self.body = self.root.find(w("body"))
        for child in list(self.body):
            self.body.remove(child)
        skipped = {first.document, rels_name(first.document), "[Content_Types].xml"}
        shared: dict[str, str] = {}
        for kind, target, rel in first.rels(first.document):
            if kind in _SHARED and rel.get("TargetMode") != "External":
                self.doc_rels.add(rel, rel.get("Target", ""))
                shared.setdefault(kind, target)
            elif rel.get("TargetMode") != "External":  # made again, letter by letter
                skipped |= self._reachable(first, target)
        for name in sorted(first.names - skipped):
            self._take(name)
            self.files[name] = first.read(name)
        self.numbering_name = shared.get("numbering", "")
        self.numbering = ListRestarts(*(first.parse(shared[kind]) if shared.get(kind) in first.names else None
                                      for kind in ("numbering", "styles")))
        self.base_types = etree.fromstring(first.read("[Content_Types].xml"), parser())

    def _reachable(self, package: Package, part: str) -> set[str]:
        found: set[str] = set()
        stack = [part]
        while stack:
            name = stack.pop()
            if name in found or name not in package.names:
                continue
            found |= {name, rels_name(name)}
            stack += [t for _, t, r in package.rels(name) if r.get("TargetMode") != "External"]
        return found

    def _take(self, name: str) -> str:
        """`name` if no part has it yet, else `<stem>-<n><ext>` (a counter per stem: no quadratic probing)."""
        while name.casefold() in self.taken:
            stem, ext = posixpath.splitext(name)
            stem = re.sub(r"-\d+$", "", stem)
            self.stems[stem] = self.stems.get(stem, 1) + 1
            name = f"{stem}-{self.stems[stem]}{ext}"
        self.taken.add(name.casefold())
        return name

    def _next(self, counter: str) -> str:
        self.counters[counter] += 1
        return str(self.counters[counter])

    def _target(self, source: str, rel: etree._Element, target: str, package: Package, letter: _Letter) -> str:
        """The Target for a relationship of `source` in the combined file, copying the part it points at."""
        if rel.get("TargetMode") == "External" or target not in package.names:
            return rel.get("Target", "")
        copied = self._copy(package, target, letter)
        return quote(posixpath.relpath(copied, posixpath.dirname(source) or "."), safe="/-._~")

    def _copy(self, package: Package, name: str, letter: _Letter) -> str:
        """Copy one part (and what it points at) for a letter: binary parts once for all letters, XML per letter."""
        if name in letter.parts:
            return letter.parts[name]
        data, content_type = package.read(name), package.content_type(name)
        if not content_type.endswith("xml"):
            key = (content_type, hashlib.sha256(data).digest())
            if key not in self.media:
                self.media[key] = new = self._take(name)
                self.files[new], self.types[new] = data, content_type
            letter.parts[name] = self.media[key]
            return self.media[key]
        letter.parts[name] = new = self._take(name)
        relationships = package.rels(name)
        if relationships:
            rels = Rels()
            for _, target, rel in relationships:
                rels.add(rel, self._target(new, rel, target, package, letter))
            self.files[rels_name(new)] = to_xml(rels.root)
        if content_type.rsplit("+", 1)[0].rsplit(".", 1)[-1] in _STORIES:
            root = etree.fromstring(data, parser())
            self._story(root, letter, None, header=True)
            if letter.pages is not None:
                store_page_count(root, str(letter.pages))
            data = to_xml(root)
        self.files[new], self.types[new] = data, content_type
        return new

    def _bookmark(self, letter: _Letter, name: str) -> str:
        if name not in letter.bookmarks:
            new = name
            if name.casefold() in self.bookmark_names:
                number = self.bookmark_bases.get(name.casefold(), 1)
                while new.casefold() in self.bookmark_names:
                    number += 1
                    new = f"{name[:_BOOKMARK_MAX - len(str(number)) - 1]}_{number}"
                self.bookmark_bases[name.casefold()] = number
            self.bookmark_names.add(new.casefold())
            letter.bookmarks[name] = new
        return letter.bookmarks[name]

    def _field(self, letter: _Letter, instruction: str, header: bool) -> str:
        def rename(match: re.Match[str]) -> str:
            if match.group(1):
                return f"{match.group(1)}{match.group(2)}{self._bookmark(letter, match.group(3))}"
            return f"{match.group(4)}{self._bookmark(letter, match.group(5))}{match.group(6)}"

        instruction = _FIELD_REF.sub(rename, instruction)
        # "Page X of Y" must count the letter's pages, not the whole combined file's.
        return _NUMPAGES.sub("SECTIONPAGES", instruction) if header else instruction

    def _story(self, root: etree._Element, letter: _Letter, rels: dict[str, str] | None, *, header: bool) -> None:
        """Renumber ids (bookmarks, revisions, drawings, content controls), rename bookmarks, remap relationships."""
        ids: dict[str, str] = {}
        dropped = []
        for element in root.iter("*"):
            attrib = element.attrib
            if letter.index and attrib:
                for attribute in _PARA_IDS:  # paragraph ids must be unique; Word makes new ones
                    attrib.pop(attribute, None)
            if rels is not None and attrib:
                for attribute, value in attrib.items():
                    if (attribute.startswith(_R_PREFIX) or attribute == _RELID) and value in rels:
                        attrib[attribute] = rels[value]
            tag = element.tag
            if tag == _INSTR_TEXT:
                if element.text:
                    element.text = self._field(letter, element.text, header)
            elif tag == _DOCPR:
                attrib["id"] = self._next("docpr")
            elif tag == _ID:
                if element.getparent().tag == _SDT_PR:
                    attrib[_VAL] = self._next("sdt")
            elif tag in _NOTE_REFERENCES:
                notes = letter.notes[_NOTE_REFERENCES[tag]]
                attrib[_ID] = notes.get(attrib.get(_ID, ""), attrib.get(_ID, ""))
            elif tag in _COMMENT_MARKS:
                dropped.append(element)
            elif _ID in attrib and tag not in _NOTE_TAGS:
                if tag == _BOOKMARK_START:
                    attrib[_NAME] = self._bookmark(letter, attrib.get(_NAME, ""))
                old = attrib[_ID]
                if old not in ids:
                    ids[old] = self._next("annotation")
                attrib[_ID] = ids[old]
            elif tag == _HYPERLINK and attrib.get(_ANCHOR):
                attrib[_ANCHOR] = self._bookmark(letter, attrib[_ANCHOR])
            elif tag == _FLD_SIMPLE and attrib.get(_INSTR):
                attrib[_INSTR] = self._field(letter, attrib[_INSTR], header)
        for element in dropped:
            element.getparent().remove(element)

    def _merge_notes(self, package: Package, kind: str, name: str, letter: _Letter) -> None:
        """Append a letter's footnotes (or endnotes) to the combined part, numbered after the ones before."""
        source = package.parse(name)
        if kind not in self.notes:
            root = copy.deepcopy(source)
            for note in list(root):
                if note.get(w("type")) in (None, "normal"):
                    root.remove(note)
            new = self._take(name)
            self.types[new] = package.content_type(name)
            rel = etree.Element("Relationship", {"Type": f"{R}/{kind}"})
            self.doc_rels.add(rel, posixpath.relpath(new, posixpath.dirname(self.document) or "."))
            self.notes[kind] = (root, Rels(shared=True), new)
            self.counters[kind] = max([int(n.get(w("id"), "0")) for n in root] + [0])
        root, rels, new = self.notes[kind]
        mapping = {r.get("Id", ""): rels.add(r, self._target(new, r, t, package, letter))
                   for _, t, r in package.rels(name)}
        for note in source:
            if note.tag == w(_NOTES[kind]) and note.get(w("type")) in (None, "normal"):
                old = note.get(w("id"), "")
                letter.notes[kind][old] = self._next(kind)
                note.set(w("id"), letter.notes[kind][old])
                self._story(note, letter, mapping, header=False)
                root.append(note)

    def add(self, label: str, package: Package, index: int, pages: int | None) -> None:
        """Append one letter as its own section, starting a new page at page 1, bookmarked as `label`."""
        letter = _Letter(index, pages)
        mapping: dict[str, str] = {}
        for kind, target, rel in package.rels(package.document):
            if kind in _NOTES and target in package.names:
                self._merge_notes(package, kind, target, letter)
            elif kind not in _SHARED and kind not in _DROPPED:
                mapping[rel.get("Id", "")] = self.doc_rels.add(
                    rel, self._target(self.document, rel, target, package, letter))
        body = package.parse(package.document).find(w("body"))
        if index:
            self.numbering.restart(body, letter.numbers)
        self._story(body, letter, mapping, header=False)
        blocks = list(body)
        section = blocks.pop() if blocks and blocks[-1].tag == w("sectPr") else etree.Element(w("sectPr"))
        self._start_section(body, section)
        self._mark(label, blocks)
        if index == self.count - 1:
            self.body.extend([*blocks, section])
            return
        last = blocks[-1] if blocks else None
        if last is None or last.tag != w("p") or last.find(f"{w('pPr')}/{w('sectPr')}") is not None:
            last = etree.Element(w("p"))  # a letter ending in a table needs a paragraph to end its section
            blocks.append(last)
        ppr = last.find(w("pPr"))
        if ppr is None:
            ppr = etree.Element(w("pPr"))
            last.insert(0, ppr)
        place(ppr, section, PPR)
        self.body.extend(blocks)

    def _start_section(self, body: etree._Element, final: etree._Element) -> None:
        sections = [s for s in body.iter(w("sectPr")) if s.getparent().tag == w("pPr")
                    and s.getparent().getparent().tag != w("pPrChange")] + [final]
        first = sections[0]
        kind = first.find(w("type"))
        if kind is None:
            kind = etree.Element(w("type"))
            place(first, kind, SECTPR)
        if kind.get(w("val")) not in ("oddPage", "evenPage"):  # a duplex template's choice is kept
            kind.set(w("val"), "nextPage")
        numbers = first.find(w("pgNumType"))
        if numbers is None:
            numbers = etree.Element(w("pgNumType"))
            place(first, numbers, SECTPR)
        numbers.set(w("start"), "1")

    def _mark(self, label: str, blocks: list[etree._Element]) -> None:
        ident = self._next("annotation")
        start = etree.Element(w("bookmarkStart"), {w("id"): ident, w("name"): label})
        end = etree.Element(w("bookmarkEnd"), {w("id"): ident})
        paragraph = next((p for block in blocks for p in block.iter(w("p"))), None)
        if paragraph is None:
            blocks[:0] = [start, end]
            return
        at = 1 if len(paragraph) and paragraph[0].tag == w("pPr") else 0
        paragraph[at:at] = [start, end]

    def finish(self, title: str) -> bytes:
        """The combined .docx bytes."""
        self.files[self.document] = to_xml(self.root)
        self.files[rels_name(self.document)] = to_xml(self.doc_rels.root)
        for root, rels, name in self.notes.values():
            self.files[name] = to_xml(root)
            if len(rels.root):
                self.files[rels_name(name)] = to_xml(rels.root)
        if self.numbering.root is not None:
            self.files[self.numbering_name] = to_xml(self.numbering.root)
        self._core(title)
        types = self.base_types
        for override in [e for e in types if etree.QName(e).localname == "Override"]:
            part = override.get("PartName", "").lstrip("/")
            if part not in self.files or self.types.get(part):
                types.remove(override)
        for part, content_type in self.types.items():
            if content_type:
                etree.SubElement(types, f"{{{TYPES}}}Override", {"PartName": f"/{part}", "ContentType": content_type})
        entries = [_zip.deflate("[Content_Types].xml", to_xml(types))]
        for name, data in self.files.items():
            if self.types.get(name) in _STORED:  # images are compressed already
                entries.append(_zip.Entry(name.encode("utf-8"), zlib.crc32(data) & 0xFFFFFFFF, len(data), data, 0))
            else:
                entries.append(_zip.deflate(name, data))
        return _zip.build_zip(entries)

    def _core(self, title: str) -> None:
        """The title of the whole file, no author (a letter's template may name one) and no identifier (the first
        letter's would say the whole file is that recipient's form, e.g. `REF/csc/information-request-reply/1`)."""
        package = etree.fromstring(self.files["_rels/.rels"], parser())
        rel = next((r for r in package if r.get("Type", "").endswith("/core-properties")), None)
        name = "docProps/core.xml" if rel is None else rel.get("Target", "").lstrip("/")
        if rel is None:
            etree.SubElement(package, f"{{{RELS}}}Relationship", {
                "Id": "rIdCsprCore", "Target": name,
                "Type": "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"})
            self.files["_rels/.rels"] = to_xml(package)
        if name in self.files:
            core = etree.fromstring(self.files[name], parser())
        else:
            self.types[name] = "application/vnd.openxmlformats-package.core-properties+xml"
            core = etree.Element(f"{{{_CORE['cp']}}}coreProperties", nsmap=_CORE)
        for tag in ("dc:creator", "cp:lastModifiedBy", "dc:identifier"):
            for element in core.findall(tag, _CORE):
                core.remove(element)
        element = core.find("dc:title", _CORE)
        if element is None:
            element = etree.SubElement(core, f"{{{_CORE['dc']}}}title")
        element.text = title
        self.files[name] = to_xml(core)


def combine_documents(
    parts: Sequence[tuple[str, bytes]], *, title: str, page_counts: Sequence[int] | None = None
) -> bytes:
    """One .docx holding every letter in order, each its own section from a new page, numbered from page 1.

    `parts`: (bookmark label, .docx bytes) per recipient, all rendered from the same template (its styles,
    settings and numbering definitions are taken from the first). Each letter keeps its own headers and footers
    ("Page X of Y" counts its own pages: NUMPAGES becomes SECTIONPAGES there), images (stored once when equal),
    links and footnotes; lists restart in each letter; bookmark, drawing and content-control ids are made unique
    and each letter starts with a bookmark named from its label (`bookmark_name`). Comments are left out.
    The core properties carry `title`, no author and no identifier. `page_counts` (each letter's pages, when a
    conversion has counted them) become the stored results of the SECTIONPAGES fields, for readers that cannot
    count them.

    Raises:
        ValueError: no documents, or not one page count per document (a caller's bug, not the user's).
    """
    if not parts or (page_counts is not None and len(page_counts) != len(parts)):
        raise ValueError("combine_documents needs documents, and a page count for each if any")
    first = Package(parts[0][1])
    combiner = _Combiner(first, len(parts))
    labels: set[str] = set()
    names = [bookmark_name(label, labels) for label, _ in parts]
    combiner.bookmark_names |= labels  # letters' own bookmarks are renamed around the recipients' ones
    for index, (name, (_, data)) in enumerate(zip(names, parts, strict=True)):
        pages = None if page_counts is None else page_counts[index]
        combiner.add(name, first if index == 0 else Package(data), index, pages)
    return combiner.finish(title)
