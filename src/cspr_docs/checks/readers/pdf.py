"""Read a PDF's text, metadata (Info and XMP), annotations and form fields with pypdf, in the PDF sandbox
(cspr_docs.pdf.probe: a child process bounded in time and memory; a hostile PDF must not hang CI)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from cspr_docs.checks.draft import Block, Draft
from cspr_docs.checks.text import looks_like_heading
from cspr_docs.errors import DraftError

MAX_BYTES = 100 * 1024 * 1024
TIME_LIMIT = 60.0
MEMORY_LIMIT = 1024 * 1024 * 1024
_SENTENCE_END = (".", "?", "!", ":", ";")


def read_pdf(path: Path, *, time_limit: float = TIME_LIMIT, memory_limit: int = MEMORY_LIMIT) -> Draft:
    """Read a PDF draft in the PDF sandbox (cspr_docs.pdf.probe).

    Raises:
        DraftError: missing, empty, oversized, not a PDF, truncated, encrypted or corrupt (exit 3).
        ExternalToolError: reading it took longer than `time_limit` or more than `memory_limit` (exit 4).
    """
    from cspr_docs.pdf.probe import precheck, run_pdf_job

    precheck(path, MAX_BYTES)
    try:
        with path.open("rb") as handle:
            handle.seek(max(0, path.stat().st_size - 2048))
            tail = handle.read()
    except OSError as exc:
        raise DraftError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if b"%%EOF" not in tail:
        raise DraftError(f"{path}: the PDF is truncated or incomplete (no %%EOF trailer); export it again")
    [blocks] = run_pdf_job("draft", [path], timeout=time_limit, memory_limit=memory_limit, max_bytes=MAX_BYTES)
    draft = Draft(path=path, format="pdf", blocks=[Block(**b) for b in blocks])
    draft.blocks.append(Block(text=path.stem, kind="file-name", part="file name"))
    for block in draft.blocks:  # set by `bundle` and `merge --combined`: what the file is
        if block.part == "PDF metadata /CsprTemplate":
            draft.properties["cspr.template"] = block.text.strip()
    draft.styled_headings = any(b.level is not None and not b.fallback_heading for b in draft.blocks)
    return draft.finish()


def extract(path: str) -> list[dict[str, Any]]:  # pragma: no cover - runs in the sandbox's child process
    """The draft's blocks as plain dicts: page text, annotations, Info and XMP metadata, form fields."""
    from pypdf import PdfReader

    from cspr_docs.pdf.probe import Encrypted

    reader = PdfReader(path, strict=False)
    if reader.is_encrypted:
        raise Encrypted
    blocks: list[dict[str, Any]] = []
    headings = _outline_titles(reader)
    for number, page in enumerate(reader.pages, start=1):
        page.get_contents()  # extract_text hides a MemoryError from an inflate bomb; this lets it reach the sandbox
        _page_blocks(page.extract_text() or "", number, headings, blocks)
        for annot_ref in page.get("/Annots") or []:
            annot = annot_ref.get_object()
            for key in ("/Contents", "/T", "/Subj"):
                value = annot.get(key)
                if value:
                    blocks.append(_block(str(value), "annotation", f"PDF page {number} annotation {key}", page=number))
    for key, value in (reader.metadata or {}).items():
        if value:
            blocks.append(_block(str(value), "metadata", f"PDF metadata {key}"))
    xmp = reader.trailer["/Root"].get("/Metadata")
    if xmp is not None:
        data = xmp.get_object().get_data()[: 4 * 1024 * 1024].decode("utf-8", "replace")
        text = re.sub(r"<[^>]*>", " ", data)
        lines = (t.strip() for t in text.splitlines())
        blocks.extend(_block(line, "metadata", "PDF XMP metadata") for line in lines if line)
    for name, field in (reader.get_fields() or {}).items():
        value = field.get("/V")
        blocks.append(_block(str(name), "form-field", "PDF form field (name)"))
        if value:
            blocks.append(_block(str(value), "form-field", "PDF form field (value)"))
    return blocks


def _outline_titles(reader: Any) -> set[str]:
    titles: set[str] = set()

    def walk(items: Any, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                if depth < 10:
                    walk(item, depth + 1)
            elif getattr(item, "title", None):
                titles.add(" ".join(str(item.title).split()).casefold())

    try:
        walk(reader.outline, 0)
    except Exception:  # noqa: BLE001 - a broken outline only loses heading hints
        return set()
    return titles


def _block(text: str, kind: str, part: str, **extra: Any) -> dict[str, Any]:
    return {"text": text, "kind": kind, "part": part, **extra}


def _short_title(line: str) -> bool:
    words = line.split()
    return (1 < len(words) <= 7 and line[0].isupper() and not line.endswith((*_SENTENCE_END, ",", "-"))
            and not any(ch.isdigit() for ch in line) and not re.search(r"[.:;,]\s", line))


def _page_blocks(text: str, page: int, headings: set[str], out: list[dict[str, Any]]) -> None:
    """Lines into paragraphs: a heading line stands alone; other lines join until one ends a sentence."""
    index = 0
    pending: list[str] = []

    def flush() -> None:
        nonlocal index
        if pending:
            index += 1
            out.append(_block(" ".join(pending), "body", f"PDF page {page}", page=page, index=index))
            pending.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        key = " ".join(line.split()).casefold()
        level = 1 if key in headings else None
        fallback = False
        if level is None:
            level = looks_like_heading(line, question=True)
            if level is None and not pending and _short_title(line):
                level = 2  # a short line standing alone, without a full stop: a heading whose bold was lost
            fallback = level is not None
        if level is not None:
            flush()
            index += 1
            out.append(_block(line, "body", f"PDF page {page}", page=page, index=index, level=level,
                              fallback_heading=fallback))
            continue
        pending.append(line)
        if line.endswith(_SENTENCE_END):
            flush()
    flush()
