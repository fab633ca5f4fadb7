"""Read Markdown drafts with a real CommonMark parser (markdown-it-py: only real headings are headings; HTML
comments and code are kept for the name checks but are not text of the report) and plain-text drafts line by line
(headings by look)."""

from __future__ import annotations

import re
from pathlib import Path

from cspr_docs.checks.draft import Block, Draft
from cspr_docs.checks.text import looks_like_heading
from cspr_docs.errors import DraftError

MAX_BYTES = 20 * 1024 * 1024
_ATX = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def read_text(path: Path) -> Draft:
    """Read a UTF-8 Markdown or text draft.

    Raises:
        DraftError: too large, binary or not UTF-8 (exit 3).
    """
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise DraftError(f"{path}: file is {size // (1024 * 1024)} MiB, over the {MAX_BYTES // (1024 * 1024)} MiB limit")
        raw = path.read_bytes()
    except OSError as exc:
        raise DraftError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if b"\x00" in raw:
        raise DraftError(f"{path}: binary file; expected .docx, .pdf, Markdown or text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DraftError(f"{path}: not valid UTF-8 at byte offset {exc.start}; save it as UTF-8") from None
    if path.suffix.lower() in (".md", ".markdown"):
        from cspr_docs.checks.readers.markdown import read_markdown

        return read_markdown(path, text)
    markdown = False
    draft = Draft(path=path, format="text")
    part = path.name
    lines = text.splitlines()
    pending: list[str] = []
    start = 0
    index = 0

    def emit(content: str, line: int, kind: str = "body", **extra: object) -> None:
        nonlocal index
        index += 1
        draft.blocks.append(Block(text=content, kind=kind, part=part, index=index, line=line, **extra))  # type: ignore[arg-type]

    def flush() -> None:
        if pending:
            starts, offset = [], 0
            for piece in pending[:-1]:
                offset += len(piece) + 1
                starts.append(offset)
            emit(" ".join(pending), start, line_starts=tuple(starts))
            pending.clear()

    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        nxt = lines[number].strip() if number < len(lines) else ""
        atx = _ATX.match(stripped) if markdown else None
        if not stripped:
            flush()
        elif atx:
            flush()
            emit(atx.group(2), number, level=len(atx.group(1)))
            draft.styled_headings = True
        elif markdown and nxt and re.fullmatch(r"=+|-+", nxt) and not pending:
            emit(stripped, number, level=1 if nxt.startswith("=") else 2)
            draft.styled_headings = True
        elif markdown and re.fullmatch(r"=+|-+", stripped) and index and draft.blocks[-1].line == number - 1:
            continue
        elif stripped.startswith("|") and markdown:
            flush()
            if not _RULE.match(stripped):
                cells = tuple(c.strip() for c in stripped.strip("|").split("|"))
                emit(" | ".join(cells), number, "row", cells=cells)
        elif re.match(r"^([-*+]|\d+[.)])\s+", stripped) and markdown:
            flush()
            emit(re.sub(r"^([-*+]|\d+[.)])\s+", "", stripped), number)
        elif not pending and (level := looks_like_heading(stripped, bold=_bold_md(stripped), question=True)) is not None and (
                not nxt or not markdown):
            emit(stripped.strip("*_ "), number, level=level, fallback_heading=True)
        else:
            if not pending:
                start = number
            pending.append(stripped)
    flush()
    draft.blocks.append(Block(text=path.stem, kind="file-name", part="file name"))
    return draft.finish()


def _bold_md(line: str) -> bool:
    return bool(re.fullmatch(r"(\*\*|__).+(\*\*|__)", line))
