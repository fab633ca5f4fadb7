"""Is a required part of the report there? Weigh the evidence: a heading that names it (a heading style, or a
line that looks like one: numbered, bold, ALL CAPS, a question, or a line the draft's own contents list names)
with text under it; else sentences of the body that do its work. One sentence alone is weak evidence: the rules
turn that into a warning, not an error. Every decision is kept, so `check --explain` can say why a draft passed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from cspr_docs.checks.draft import Block, Section, entry_key
from cspr_docs.checks.lexicon import LEXICONS, Lexicon
from cspr_docs.checks.text import normalise

Status = Literal["found", "weak", "empty", "missing"]
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")
_NUMBERING = re.compile(r"^\s*(\d+(\.\d+)*[.)]?|[a-z][.)]|(section|part|chapter)\s+\d+[:.]?)\s+")
STRONG_PHRASES = 2
"""Phrases of the body doing the element's work that together stand for a section of its own; one is weak."""


@dataclass
class Evidence:
    """What was found for one element, and where."""

    element: str
    label: str
    status: Status
    how: str = ""  # "heading" (styled/marked), "contents", "text", "" when missing
    block: Block | None = None
    heading: str = ""  # the heading that named it
    phrases: tuple[str, ...] = ()  # the words of the body that did its work (at most three)
    sentences: tuple[Block, ...] = ()
    listed_in_contents: bool = False

    @property
    def present(self) -> bool:
        return self.status in ("found", "weak")


def sentences(text: str) -> list[str]:
    """The sentences of a block's normalised text."""
    return [s for s in _SENTENCE.split(text) if s.strip()]


def heading_key(title: str) -> str:
    """A heading's words without its numbering, compared against the lexicons."""
    return _NUMBERING.sub("", normalise(title).strip())


def sections(ctx: Any) -> list[Section]:
    if "sections" not in ctx.cache:
        ctx.cache["sections"] = ctx.draft.sections()
    return ctx.cache["sections"]


def has_subsections(ctx: Any, section: Section) -> bool:
    """Text under a deeper heading below this one ("5. Findings" over "5.1 …" with its text): a parent section
    whose sub-sections are all empty is empty too."""
    all_sections = sections(ctx)
    i = next(i for i, s in enumerate(all_sections) if s is section)
    if section.level is None:
        return False
    for below in all_sections[i + 1:]:
        if below.level is None or below.level <= section.level:
            return False
        if below.text().strip():
            return True
    return False


def _text_blocks(ctx: Any) -> list[Block]:
    if "text_blocks" not in ctx.cache:
        ctx.cache["text_blocks"] = [b for b in ctx.draft.body() if b.level is None]
    return ctx.cache["text_blocks"]


def _contents(ctx: Any) -> list[str]:
    if "contents" not in ctx.cache:
        ctx.cache["contents"] = [heading_key(entry_key(b.text)) for b in ctx.draft.blocks if b.kind == "contents"]
    return ctx.cache["contents"]


def recognise(ctx: Any, element_id: str, lexicon: Lexicon | None = None) -> Evidence:
    """The evidence for one element (cached per draft); `lexicon` for elements outside `LEXICONS`."""
    cache = ctx.cache.setdefault("evidence", {})
    if element_id in cache:
        return cache[element_id]
    lexicon = lexicon or LEXICONS[element_id]
    heads = lexicon.heading_regex(tuple(normalise(h) for h in ctx.pack.headings.get(element_id, ())))
    empty: Section | None = None
    evidence: Evidence | None = None
    for section in sections(ctx):
        if section.heading_block is None or not heads.search(heading_key(section.title)):
            continue
        if section.text().strip() or has_subsections(ctx, section):
            evidence = Evidence(element_id, lexicon.label, "found", "heading", section.heading_block, section.title)
            break
        empty = empty or section
    listed = any(heads.search(entry) for entry in _contents(ctx))
    if evidence is None:
        evidence = _from_text(ctx, element_id, lexicon)
        if evidence.status in ("missing", "weak") and empty is not None:  # its own section is empty: say so
            evidence = Evidence(element_id, lexicon.label, "empty", "heading", empty.heading_block, empty.title)
    evidence.listed_in_contents = listed
    ctx.cache.setdefault("explain", []).append(evidence)
    cache[element_id] = evidence
    return evidence


def _from_text(ctx: Any, element_id: str, lexicon: Lexicon) -> Evidence:
    pattern = lexicon.phrase_regex()
    if pattern is None:
        return Evidence(element_id, lexicon.label, "missing")
    phrases: list[str] = []
    blocks: list[Block] = []
    hits = 0
    for block in _text_blocks(ctx):
        norm = ctx.norm(block)
        if not pattern.search(norm):
            continue
        for sentence in sentences(norm):
            for match in pattern.finditer(sentence):
                hits += 1
                phrases.append(match.group().strip())
                blocks.append(block)
        if hits > STRONG_PHRASES:
            break
    if not phrases:
        return Evidence(element_id, lexicon.label, "missing")
    status: Status = "found" if hits >= STRONG_PHRASES else "weak"
    return Evidence(element_id, lexicon.label, status, "text", blocks[0], "", tuple(dict.fromkeys(phrases))[:3],
                    tuple(blocks[:3]))


__all__ = ["Evidence", "has_subsections", "heading_key", "recognise", "sections", "sentences"]
