"""Fill a rendered document's TOC field with its headings (numbered as Word shows them), keeping the field codes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_SKIPPED = ("{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback", W + "txbxContent", W + "del")
_TOC_INSTR = re.compile(rb"<w:instrText\b[^>]*>\s*TOC\b|\bw:instr=\"\s*TOC\b")
_LEVELS = re.compile(r'\\o\s+"(\d)\s*-\s*(\d)"')
_STYLE_LEVELS = re.compile(r'\\t\s+"([^"]*)"')
_NUMBER_WIDTH = 567  # twips (1 cm) before an entry's text: room for "10" or "6.1" at 11 pt
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def _val(element: etree._Element | None, default: str | None = None) -> str | None:
    return default if element is None else element.get(W + "val", default)


def _int(text: str | None, default: int | None = None) -> int | None:
    return int(text) if text is not None and text.lstrip("-").isdigit() else default


@dataclass(frozen=True)
class _Style:
    name: str
    based: str | None
    outline: int | None  # 0-based outline level set on this style itself
    num_id: str | None
    ilvl: int | None
    indent: int | None


@dataclass(frozen=True)
class _Level:
    start: int
    fmt: str
    text: str
    legal: bool
    restart: bool
    style: str | None


@dataclass
class Outline:
    """What the template's styles and numbering say about headings: worked out once per compiled template."""

    styles: dict[str, _Style]
    default_style: str | None
    levels: dict[str, dict[int, _Level]]  # numId -> ilvl -> level
    counter_keys: dict[str, str]  # numId -> the list whose counters it shares
    toc_styles: dict[int, str]  # TOC level -> the "toc N" style id

    def chain(self, sid: str | None) -> list[_Style]:
        found: list[_Style] = []
        while sid in self.styles and len(found) < 20:
            found.append(self.styles[sid])
            sid = self.styles[sid].based
        return found


def prepare(contents: dict[str, bytes], body: str) -> Outline | None:
    """The outline of a template whose body holds a TOC field; None (nothing to do at render time) otherwise."""
    if not _TOC_INSTR.search(contents.get(body, b"")):
        return None
    try:
        return _outline(contents)
    except etree.XMLSyntaxError:  # broken styles or numbering: render the field as the author left it
        return None


def _outline(contents: dict[str, bytes]) -> Outline:
    styles: dict[str, _Style] = {}
    default_style = None
    if "word/styles.xml" in contents:
        for style in etree.fromstring(contents["word/styles.xml"], _parser()).iter(W + "style"):
            if style.get(W + "type") != "paragraph":
                continue
            sid = style.get(W + "styleId") or ""
            ppr = style.find(W + "pPr")
            num = ppr.find(W + "numPr") if ppr is not None else None
            indent = ppr.find(W + "ind") if ppr is not None else None
            styles[sid] = _Style(
                name=(_val(style.find(W + "name"), "") or "").lower(),
                based=_val(style.find(W + "basedOn")),
                outline=_int(_val(ppr.find(W + "outlineLvl"))) if ppr is not None else None,
                num_id=_val(num.find(W + "numId")) if num is not None else None,
                ilvl=_int(_val(num.find(W + "ilvl"))) if num is not None else None,
                indent=None if indent is None else _int(indent.get(W + "left") or indent.get(W + "start")),
            )
            if style.get(W + "default") in ("1", "true", "on"):
                default_style = sid
    toc_styles = {int(s.name[4:]): sid for sid, s in styles.items() if re.fullmatch(r"toc [1-9]", s.name)}
    return Outline(styles, default_style, *_numbering(contents.get("word/numbering.xml")), toc_styles)


def _numbering(data: bytes | None) -> tuple[dict[str, dict[int, _Level]], dict[str, str]]:
    if data is None:
        return {}, {}
    root = etree.fromstring(data, _parser())
    abstract: dict[str, dict[int, _Level]] = {}
    for item in root.iter(W + "abstractNum"):
        abstract[item.get(W + "abstractNumId") or ""] = {
            _int(lvl.get(W + "ilvl"), 0) or 0: _level(lvl) for lvl in item.iter(W + "lvl")}
    levels: dict[str, dict[int, _Level]] = {}
    keys: dict[str, str] = {}
    for num in root.iter(W + "num"):
        num_id, aid = num.get(W + "numId") or "", _val(num.find(W + "abstractNumId"), "") or ""
        merged = dict(abstract.get(aid, {}))
        for override in num.iter(W + "lvlOverride"):
            ilvl = _int(override.get(W + "ilvl"), 0) or 0
            if override.find(W + "lvl") is not None:
                merged[ilvl] = _level(override.find(W + "lvl"))
            start = _int(_val(override.find(W + "startOverride")))
            if start is not None and ilvl in merged:
                merged[ilvl] = replace(merged[ilvl], start=start)
        levels[num_id] = merged
        # Instances of one abstract list continue each other's numbering unless they restart it.
        keys[num_id] = num_id if num.find(W + "lvlOverride") is not None else "abstract " + aid
    return levels, keys


def _level(lvl: etree._Element) -> _Level:
    legal = lvl.find(W + "isLgl")
    return _Level(
        start=_int(_val(lvl.find(W + "start")), 1) or 0,
        fmt=_val(lvl.find(W + "numFmt"), "decimal") or "decimal",
        text=_val(lvl.find(W + "lvlText"), "") or "",
        legal=legal is not None and _val(legal, "1") not in ("0", "false", "off"),
        restart=_val(lvl.find(W + "lvlRestart")) != "0",
        style=_val(lvl.find(W + "pStyle")),
    )


def _format(value: int, fmt: str) -> str:
    if fmt.endswith("Letter"):
        text = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1) if value > 0 else ""
    elif fmt.endswith("Roman"):
        text, rest = "", value
        for amount, digits in _ROMAN:
            count, rest = divmod(rest, amount)
            text += digits * count
    else:
        return "" if fmt == "none" else str(value)
    return text.upper() if fmt.startswith("upper") else text


@dataclass
class _Field:
    begin: etree._Element
    instruction: list[str] = field(default_factory=list)
    separate: etree._Element | None = None
    end: etree._Element | None = None


def fill(root: etree._Element, outline: Outline) -> bool:
    """Replace each TOC field's cached result with one entry per heading; False when nothing changed."""
    changed = False
    for simple in list(root.iter(W + "fldSimple")):
        instruction = simple.get(W + "instr") or ""
        if re.match(r"\s*TOC\b", instruction) and _wanted_levels(instruction) is not None:
            _unfold(simple)
            changed = True
    for found in _toc_fields(root):
        changed = _fill_one(root, outline, found) or changed
    return changed


def _unfold(simple: etree._Element) -> None:
    """A simple TOC field becomes begin/instruction/separate/result/end runs (only those can span paragraphs)."""
    runs = [_run(char="begin"), _run(instr=simple.get(W + "instr") or ""), _run(char="separate"),
            *simple.iterchildren(W + "r"), _run(char="end")]
    parent, index = simple.getparent(), simple.getparent().index(simple)
    parent.remove(simple)
    for offset, run in enumerate(runs):
        parent.insert(index + offset, run)


def _toc_fields(root: etree._Element) -> list[_Field]:
    stack: list[_Field] = []
    found: list[_Field] = []
    for el in root.iter(W + "fldChar", W + "instrText"):
        if el.tag == W + "instrText":
            if stack and stack[-1].separate is None:
                stack[-1].instruction.append(el.text or "")
            continue
        kind = el.get(W + "fldCharType")
        if kind == "begin":
            stack.append(_Field(el))
        elif kind == "separate" and stack:
            stack[-1].separate = el
        elif kind == "end" and stack:
            done = stack.pop()
            done.end = el
            if not stack and re.match(r"\s*TOC\b", "".join(done.instruction)):
                found.append(done)
    return found


def _fill_one(root: etree._Element, outline: Outline, toc: _Field) -> bool:
    instruction = "".join(toc.instruction)
    wanted = _wanted_levels(instruction)
    if toc.separate is None or wanted is None:
        return False  # a table of figures (\c) or of TC entries: not ours to guess
    runs = [toc.begin.getparent(), toc.separate.getparent(), toc.end.getparent()]
    first, last = runs[0].getparent(), runs[2].getparent()
    if (first.tag != W + "p" or last.tag != W + "p" or runs[1].getparent() is not first
            or first.getparent() is not last.getparent()):
        return False  # a field that starts and ends at different depths: leave it as the author made it
    container = first.getparent()
    span = container[container.index(first):container.index(last) + 1]
    head = list(first)[: first.index(runs[1]) + 1]
    tail = list(last)[last.index(runs[2]):]
    section = last.find(f"{W}pPr/{W}sectPr")
    headings = [h for h in _headings(root, outline, wanted) if not any(h[0] is p for p in span)]
    if not headings:
        return False
    hyperlinks = re.search(r"\\h\b", instruction) is not None
    anchors = _bookmarks(root, [p for p, _, _ in headings]) if hyperlinks else [None] * len(headings)
    entries = [_entry(outline, level, number, text, anchor)
               for (_, level, (number, text)), anchor in zip(headings, anchors, strict=True)]
    ppr = head[0] if head and head[0].tag == W + "pPr" else None
    for index, child in enumerate(c for c in head if c is not ppr):
        entries[0].insert(1 + index, child)
    entries[-1].extend(tail)
    if section is not None:
        entries[-1][0].append(section)
    position = container.index(first)
    for paragraph in span:
        container.remove(paragraph)
    for offset, entry in enumerate(entries):
        container.insert(position + offset, entry)
    return True


def _wanted_levels(instruction: str) -> dict[str, int] | None:
    """'o:1', 'o:2'… for outline levels and heading styles, 's:<style name>' for \\t styles; None: not a heading TOC."""
    if re.search(r"\\[cfla]\b", instruction) and not re.search(r"\\[out]\b", instruction):
        return None
    wanted: dict[str, int] = {}
    levels = _LEVELS.search(instruction)
    low, high = (int(levels.group(1)), int(levels.group(2))) if levels else (1, 9)
    if re.search(r"\\[ou]\b", instruction):
        wanted.update({f"o:{n}": n for n in range(low, high + 1)})
    custom = _STYLE_LEVELS.search(instruction)
    if custom:
        items = [s.strip() for s in re.split(r"[,;]", custom.group(1))]
        for name, level in zip(items[::2], items[1::2], strict=False):
            if name and level.isdigit() and 1 <= int(level) <= 9:
                wanted[f"s:{name.lower()}"] = int(level)
    return wanted or None


def _headings(root: etree._Element, outline: Outline, wanted: dict[str, int]
              ) -> list[tuple[etree._Element, int, tuple[str, str]]]:
    """(paragraph, TOC level, (number, text)) of every heading the field lists, numbering counted on the way."""
    counters: dict[str, list[int | None]] = {}
    found = []
    body = root.find(W + "body")
    for p in (body if body is not None else root).iter(W + "p"):
        if any(a.tag in _SKIPPED for a in p.iterancestors()):
            continue
        ppr = p.find(W + "pPr")
        sid = _val(ppr.find(W + "pStyle")) if ppr is not None else None
        chain = outline.chain(sid if sid in outline.styles else outline.default_style)
        number = _count(outline, counters, ppr, chain)
        level = _toc_level(ppr, chain, wanted)
        if level is None:
            continue
        text = re.sub(r"\s+", " ", _text(p)).strip()
        if text:
            found.append((p, level, (number, text)))
    return found


def _toc_level(ppr: etree._Element | None, chain: list[_Style], wanted: dict[str, int]) -> int | None:
    own = chain[0].name if chain else ""
    if own == "toc heading":  # the contents' own title: Word's built-in style is never listed
        return None
    if f"s:{own}" in wanted:
        return wanted[f"s:{own}"]
    match = re.fullmatch(r"heading ([1-9])", own)
    if match and f"o:{match.group(1)}" in wanted:
        return int(match.group(1))
    direct = _int(_val(ppr.find(W + "outlineLvl"))) if ppr is not None else None
    value = direct if direct is not None else next((s.outline for s in chain if s.outline is not None), None)
    return value + 1 if value is not None and value < 9 and f"o:{value + 1}" in wanted else None


def _count(outline: Outline, counters: dict[str, list[int | None]], ppr: etree._Element | None,
           chain: list[_Style]) -> str:
    """Advance the paragraph's list counters and return its number text ('' when it is not numbered)."""
    num = ppr.find(W + "numPr") if ppr is not None else None
    num_id = _val(num.find(W + "numId")) if num is not None else None
    ilvl = _int(_val(num.find(W + "ilvl"))) if num is not None else None
    for style in chain:
        num_id = num_id if num_id is not None else style.num_id
        ilvl = ilvl if ilvl is not None else style.ilvl
    levels = outline.levels.get(num_id or "")
    if not levels:
        return ""
    if ilvl is None:  # a heading style linked from the list level names its level there
        ilvl = next((i for i, lvl in levels.items() if chain and lvl.style in outline.styles
                     and outline.styles[lvl.style] is chain[0]), 0)
    if ilvl not in levels:
        return ""
    values = counters.setdefault(outline.counter_keys.get(num_id or "", num_id or ""), [None] * 10)
    current = values[ilvl]
    values[ilvl] = levels[ilvl].start if current is None else current + 1
    for deeper in range(ilvl + 1, 10):
        if deeper not in levels or levels[deeper].restart:
            values[deeper] = None
    legal = levels[ilvl].legal

    def part(match: re.Match[str]) -> str:
        k = int(match.group(1)) - 1
        lvl = levels.get(k)
        if lvl is None:
            return ""
        value = values[k] if values[k] is not None else lvl.start
        return _format(value, "decimal" if legal else lvl.fmt)  # isLgl: every level in digits

    return re.sub(r"%([1-9])", part, levels[ilvl].text).strip()


def _text(p: etree._Element) -> str:
    return "".join(el.text or "" if el.tag == W + "t" else "-" if el.tag == W + "noBreakHyphen" else " "
                   for el in p.iter(W + "t", W + "tab", W + "br", W + "cr", W + "noBreakHyphen")
                   if not any(a.tag in (*_SKIPPED, W + "pPr") for a in el.iterancestors()))


def _bookmarks(root: etree._Element, paragraphs: list[etree._Element]) -> list[str]:
    """A hidden `_Toc` bookmark around each heading (reusing one it already has) for the entries' links."""
    starts = list(root.iter(W + "bookmarkStart"))
    names = {b.get(W + "name") for b in starts}
    next_id = max((_int(b.get(W + "id"), 0) or 0 for b in starts), default=0) + 1
    serial = 100000000
    anchors = []
    for p in paragraphs:
        own = next((b.get(W + "name") for b in p.iter(W + "bookmarkStart")
                    if (b.get(W + "name") or "").startswith("_Toc")), None)
        if own:
            anchors.append(own)
            continue
        while f"_Toc{serial}" in names:
            serial += 1
        name = f"_Toc{serial}"
        names.add(name)
        start = etree.Element(W + "bookmarkStart", {W + "id": str(next_id), W + "name": name})
        p.insert(1 if p.find(W + "pPr") is not None else 0, start)
        p.append(etree.Element(W + "bookmarkEnd", {W + "id": str(next_id)}))
        next_id += 1
        anchors.append(name)
    return anchors


def _entry(outline: Outline, level: int, number: str, text: str, anchor: str | None) -> etree._Element:
    p = etree.Element(W + "p")
    ppr = etree.SubElement(p, W + "pPr")
    etree.SubElement(ppr, W + "pStyle", {W + "val": outline.toc_styles.get(level, f"TOC{level}")})
    target: etree._Element = p
    if anchor is not None:
        target = etree.SubElement(p, W + "hyperlink", {W + "anchor": anchor, W + "history": "1"})
    if number:
        # The style's own tab is the right-aligned one for page numbers: the number needs a stop of its own, and
        # a hanging indent keeps a wrapped heading aligned with its first line.
        style = outline.styles.get(outline.toc_styles.get(level, ""))
        width = _NUMBER_WIDTH + 113 * max(0, len(number) - 4)  # '6.10' fits in 1 cm at 11 pt, '10.10' not
        left = (style.indent if style and style.indent else 0) + width
        tabs = etree.SubElement(ppr, W + "tabs")
        etree.SubElement(tabs, W + "tab", {W + "val": "left", W + "pos": str(left)})
        etree.SubElement(ppr, W + "ind", {W + "left": str(left), W + "hanging": str(width)})
        target.append(_run(text=number))
        tab = _run()
        tab.append(etree.Element(W + "tab"))
        target.append(tab)
    target.append(_run(text=text))
    return p


def _run(*, text: str | None = None, instr: str | None = None, char: str | None = None) -> etree._Element:
    run = etree.Element(W + "r")
    if char is not None:
        etree.SubElement(run, W + "fldChar", {W + "fldCharType": char})
    elif text is not None or instr is not None:
        etree.SubElement(etree.SubElement(run, W + "rPr"), W + "noProof")
        child = etree.SubElement(run, W + "t" if text is not None else W + "instrText")
        child.text = text if text is not None else instr
        child.set(_XML_SPACE, "preserve")
    return run
