"""What a reader makes of a draft: text blocks with their part, place and nearest heading, whatever the format."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Format = Literal["docx", "pdf", "text"]
Kind = Literal[
    "body", "row", "header", "footer", "footnote", "endnote", "comment", "deleted", "textbox", "alt-text",
    "property", "metadata", "annotation", "form-field", "file-name", "prompt", "contents", "hidden",
]
SOURCE_KINDS = frozenset({"body", "row"})
"""Blocks that make up the main text (sections, headings, recommendations are looked for there). Template guidance
and placeholder text ("prompt" blocks) is not main text: a section holding only prompts is empty. Nor are the
entries of a table of contents ("contents" blocks): they repeat the headings and would fill empty sections."""


@dataclass(slots=True)
class Block:
    """One paragraph, table row, property or metadata value of a draft."""

    text: str
    kind: Kind
    part: str
    index: int | None = None
    page: int | None = None
    line: int | None = None
    level: int | None = None  # heading level (0 title, 1..9) when this block is a heading
    heading: str = ""  # nearest heading above, filled by Draft.finish()
    cells: tuple[str, ...] = ()
    fallback_heading: bool = False  # recognised by its look (bold, numbered), not by a heading style
    label: bool = False  # a bold line kept with the next paragraph: names what follows, within its section
    list_item: bool = False  # an item of a bulleted or numbered list
    line_starts: tuple[int, ...] = ()  # offsets in `text` where source lines 2, 3… begin (multi-line paragraphs)

    def line_at(self, offset: int) -> int | None:
        """The source line holding character `offset` of `text` (the block's own line when not known)."""
        if self.line is None:
            return None
        return self.line + sum(1 for start in self.line_starts if start <= offset)


@dataclass
class Draft:
    """A draft read into blocks plus the facts some rules need (tracked changes, comments, images)."""

    path: Path
    format: Format
    blocks: list[Block] = field(default_factory=list)
    tracked_changes: dict[str, int] = field(default_factory=dict)  # part -> count of unaccepted changes
    open_comments: int = 0
    styled_headings: bool = False
    properties: dict[str, str] = field(default_factory=dict)  # document properties by name (cspr.template, title…)

    def finish(self) -> Draft:
        """Read a typed table of contents as contents, then fill each block's nearest heading (per part); call once
        after reading."""
        _mark_contents(self)
        current: dict[str, str] = {}
        for block in self.blocks:
            if block.level is not None:
                current[block.part] = block.text.strip()
                block.heading = block.text.strip()
            else:
                block.heading = current.get(block.part, "")
        return self

    def body(self) -> list[Block]:
        """The main-text blocks in reading order."""
        return [b for b in self.blocks if b.kind in SOURCE_KINDS]

    def sections(self) -> list[Section]:
        """The main text cut at each heading; text before the first heading is a section with no title."""
        result = [Section(title="", level=None, heading_block=None)]
        for block in self.body():
            if block.level is not None:
                result.append(Section(title=block.text.strip(), level=block.level, heading_block=block))
            else:
                result[-1].blocks.append(block)
        return result


@dataclass
class Section:
    """A heading and the blocks under it up to the next heading (of any level)."""

    title: str
    level: int | None
    heading_block: Block | None
    blocks: list[Block] = field(default_factory=list)

    def text(self) -> str:
        """The section's text (not its heading)."""
        return "\n".join(b.text for b in self.blocks)


_CONTENTS_TITLE = re.compile(r"^\s*(table of )?contents( page)?\s*:?\s*$|^\s*index\s*$", re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"(\s*[.\u2026_\-]{2,}\s*|\s+)(\d{1,3}|[ivx]{1,5})\s*$")
_NUMBERING = re.compile(r"^\s*((\d+(\.\d+)*|[a-z]|[ivx]+)[.)]?|section \d+[:.]?|part \d+[:.]?)\s+", re.IGNORECASE)
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
MAX_CONTENTS_ENTRIES = 120


def entry_key(text: str) -> str:
    """A contents entry or heading without numbering, dot leaders, page number or link markup, for comparing."""
    text = _LINK.sub(r"\1", text)
    text = _PAGE_NUMBER.sub("", text.strip())
    text = _NUMBERING.sub("", text)
    return " ".join(text.casefold().replace("\u2019", "'").split()).strip(" :.-")


def _mark_contents(draft: Draft) -> None:
    """A contents list typed into the body ("Contents", then one short line per section, often with a page number)
    repeats the headings: its lines are contents entries, not headings or section text. A line of the body that
    the contents list names is a heading even without a heading style (PDF text, plain paragraphs)."""
    body = [b for b in draft.blocks if b.kind in SOURCE_KINDS]
    entries: set[str] = {entry_key(b.text) for b in draft.blocks if b.kind == "contents"}
    for i, block in enumerate(body):
        if not _CONTENTS_TITLE.match(block.text) or block.kind != "body":
            continue
        block.kind, block.level = "contents", None
        first = ""
        for entry in body[i + 1:i + 1 + MAX_CONTENTS_ENTRIES]:
            text = " ".join(c for c in entry.cells if not c.strip().isdigit()) if entry.kind == "row" else entry.text
            key = entry_key(text)
            if not key or (first and key == first):
                break  # the first section's own heading: the contents list has ended
            if len(key.split()) > 14 or (text.rstrip().endswith(".") and not _PAGE_NUMBER.search(text)):
                break  # a paragraph
            first = first or key
            entries.add(key)
            entry.kind, entry.level, entry.fallback_heading = "contents", None, False
        break
    if not entries:
        return
    for block in body:
        if block.kind == "body" and block.level is None and len(block.text) <= 120 and entry_key(block.text) in entries:
            numbering = _NUMBERING.match(block.text.strip())
            depth = numbering.group(1).count(".") + 1 if numbering and numbering.group(1)[0].isdigit() else 1
            block.level, block.fallback_heading = depth, True
