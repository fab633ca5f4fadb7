"""Lists restart in each letter of a combined .docx: a new w:num (same abstract list, start overridden) per list."""

from __future__ import annotations

import copy

from lxml import etree

from cspr_docs.render._ooxml import PPR, place, w

_P, _PPR, _NUMPR, _NUMID, _ILVL, _PSTYLE, _VAL = (w(t) for t in ("p", "pPr", "numPr", "numId", "ilvl", "pStyle", "val"))


class ListRestarts:
    """The numbering and styles parts of the combined file, and the new lists made in them."""

    def __init__(self, numbering: etree._Element | None, styles: etree._Element | None) -> None:
        self.root = numbering
        self.abstracts: dict[str, etree._Element] = {}
        self.nums: dict[str, etree._Element] = {}
        if numbering is not None:
            self.abstracts = {a.get(w("abstractNumId"), ""): a for a in numbering.iter(w("abstractNum"))}
            self.nums = {n.get(w("numId"), ""): n for n in numbering.iter(w("num"))}
        self.next_id = max((int(n) for n in self.nums if n.isdigit()), default=0) + 1
        self.last = list(self.nums.values())[-1] if self.nums else None
        self.counting: dict[str, bool] = {}
        self.styles: dict[str, tuple[str | None, str | None, str | None]] = {}
        self.default_style: str | None = None
        for style in styles.iter(w("style")) if styles is not None else ():
            if style.get(w("type")) != "paragraph":
                continue
            ident = style.get(w("styleId"), "")
            if style.get(w("default")) in ("1", "true", "on"):
                self.default_style = ident
            based = style.find(w("basedOn"))
            num_id = style.find(f"{w('pPr')}/{w('numPr')}/{w('numId')}")
            ilvl = style.find(f"{w('pPr')}/{w('numPr')}/{w('ilvl')}")
            self.styles[ident] = (None if num_id is None else num_id.get(w("val")),
                                  None if ilvl is None else ilvl.get(w("val")),
                                  None if based is None else based.get(w("val")))

    def _abstract(self, num_id: str) -> etree._Element | None:
        num = self.nums.get(num_id)
        ref = None if num is None else num.find(w("abstractNumId"))
        return None if ref is None else self.abstracts.get(ref.get(w("val"), ""))

    def _counts(self, num_id: str) -> bool:
        if num_id not in self.counting:
            abstract = self._abstract(num_id)
            formats = [] if abstract is None else [f.get(w("val")) for f in abstract.iter(w("numFmt"))]
            self.counting[num_id] = any(f not in ("bullet", "none") for f in formats)  # bullets need no restart
        return self.counting[num_id]

    def _restarted(self, num_id: str) -> str:
        original, abstract = self.nums[num_id], self._abstract(num_id)
        new = str(self.next_id)
        self.next_id += 1
        num = etree.Element(w("num"), {w("numId"): new})
        etree.SubElement(num, w("abstractNumId"), {w("val"): original.find(w("abstractNumId")).get(w("val"))})
        overrides = {o.get(w("ilvl")): o for o in original.iter(w("lvlOverride"))}
        for lvl in abstract.iter(w("lvl")) if abstract is not None else ():
            level = lvl.get(w("ilvl"), "0")
            start = lvl.find(w("start"))
            override = copy.deepcopy(overrides[level]) if level in overrides else etree.Element(
                w("lvlOverride"), {w("ilvl"): level})
            if override.find(w("startOverride")) is None and override.find(w("lvl")) is None:
                value = "0" if start is None else start.get(w("val"), "0")
                override.insert(0, etree.Element(w("startOverride"), {w("val"): value}))
            num.append(override)
        self.last.addnext(num)  # w:num elements stay together, before w:numIdMacAtCleanup
        self.nums[new] = self.last = num
        return new

    def restart(self, body: etree._Element, renamed: dict[str, str]) -> None:
        """Point every numbered paragraph of a letter at its own restarted list (`renamed`: old -> new numId)."""
        if not self.nums:
            return
        for paragraph in body.iter(_P):
            ppr = paragraph.find(_PPR)
            numpr = style_el = num_el = ilvl_el = None
            if ppr is not None:
                numpr, style_el = ppr.find(_NUMPR), ppr.find(_PSTYLE)
            if numpr is not None:
                num_el, ilvl_el = numpr.find(_NUMID), numpr.find(_ILVL)
            num_id = None if num_el is None else num_el.get(_VAL)
            ilvl = None if ilvl_el is None else ilvl_el.get(_VAL)
            style = self.default_style if style_el is None else style_el.get(_VAL)
            for _ in range(20):  # a basedOn loop in a broken styles part must not hang
                if style is None or (num_id is not None and ilvl is not None):
                    break
                style_num, style_ilvl, based = self.styles.get(style, (None, None, None))
                num_id = num_id if num_id is not None else style_num
                ilvl = ilvl if ilvl is not None else style_ilvl
                style = based
            if num_id is None or num_id not in self.nums or not self._counts(num_id):
                continue
            if num_id not in renamed:
                renamed[num_id] = self._restarted(num_id)
            if ppr is None:
                ppr = etree.Element(_PPR)
                paragraph.insert(0, ppr)
            if numpr is None:
                numpr = etree.Element(_NUMPR)
                place(ppr, numpr, PPR)
            if ilvl_el is None:
                numpr.insert(0, etree.Element(_ILVL, {_VAL: ilvl or "0"}))
            if num_el is None:
                num_el = etree.Element(_NUMID)
                numpr.insert(1, num_el)
            num_el.set(_VAL, renamed[num_id])
