"""Markdown drafts through markdown-it-py (CommonMark plus pipe tables): headings, paragraphs, list items and table
rows become blocks at their source lines. A heading inside an HTML comment or a code block is not a heading and
their text is not the report's: both are kept as `hidden` blocks, so names and identifiers in them are still
found (a Markdown file is published as it is written)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from cspr_docs.checks.draft import Block, Draft
from cspr_docs.checks.text import looks_like_heading

_PARSER = MarkdownIt("commonmark", {"html": True}).enable("table")


def _plain(inline: Any) -> tuple[str, bool, list[str]]:
    """(text with soft breaks as newlines, whole paragraph is bold, inline HTML comments)."""
    parts: list[str] = []
    hidden: list[str] = []
    strong = depth = 0
    plain_outside = False
    for child in inline.children or []:
        kind = child.type
        if kind == "strong_open":
            depth += 1
            strong += 1
        elif kind == "strong_close":
            depth -= 1
        elif kind in ("text", "code_inline"):
            parts.append(child.content)
            if depth == 0 and child.content.strip():
                plain_outside = True
        elif kind in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif kind == "html_inline":
            hidden.append(child.content)
        elif kind == "image":
            parts.append(child.content)
    return "".join(parts), bool(strong) and not plain_outside, hidden


def read_markdown(path: Path, text: str) -> Draft:
    """A Markdown draft already decoded."""
    draft = Draft(path=path, format="text")
    part = path.name
    index = 0
    tokens = _PARSER.parse(text)
    heading_level: int | None = None
    in_list = 0
    row: list[str] | None = None
    row_line = 0

    def emit(content: str, line: int, kind: str = "body", **extra: Any) -> None:
        nonlocal index
        index += 1
        starts = tuple(i + 1 for i, ch in enumerate(content) if ch == "\n")
        draft.blocks.append(Block(text=content.replace("\n", " "), kind=kind, part=part, index=index,  # type: ignore[arg-type]
                                  line=line, line_starts=starts, **extra))

    for token in tokens:
        kind = token.type
        line = token.map[0] + 1 if token.map else 0
        if kind == "heading_open":
            heading_level = int(token.tag[1])
        elif kind == "heading_close":
            heading_level = None
        elif kind in ("bullet_list_open", "ordered_list_open"):
            in_list += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            in_list -= 1
        elif kind == "tr_open":
            row, row_line = [], line
        elif kind == "tr_close" and row is not None:
            if any(c.strip() for c in row):
                emit(" | ".join(row), row_line, "row", cells=tuple(row))
            row = None
        elif kind in ("fence", "code_block", "html_block"):
            if token.content.strip():
                emit(token.content.rstrip("\n"), line, "hidden")
        elif kind == "inline":
            content, bold, comments = _plain(token)
            for comment in comments:
                emit(comment, line, "hidden")
            if row is not None:
                row.append(content.replace("\n", " ").strip())
            elif heading_level is not None:
                if content.strip():
                    emit(content, line, level=heading_level)
                    draft.styled_headings = True
            elif content.strip():
                level = None if in_list else looks_like_heading(content.replace("\n", " "), bold=bold)
                if level is not None and (bold or "\n" not in content):
                    emit(content, line, level=level, fallback_heading=True)
                else:
                    emit(content, line, list_item=bool(in_list))
    draft.blocks.append(Block(text=path.stem, kind="file-name", part="file name"))
    return draft.finish()
