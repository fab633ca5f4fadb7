"""What a reader makes of a draft: text blocks with their part, place and nearest heading, whatever the format."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Format = Literal["docx", "pdf", "text"]
Kind = Literal[
    "body", "row", "header", "footer", "footnote", "endnote", "comment", "deleted", "textbox", "alt-text",
    "property", "metadata", "annotation", "form-field", "file-name", "prompt", "contents",
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
        """Fill each block's nearest heading (per part); call once after reading."""
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
