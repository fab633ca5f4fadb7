"""Pick the reader for a draft by its content (not only its name) and read it into a Draft."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cspr_docs.checks.draft import Draft
from cspr_docs.errors import DraftError
from cspr_docs.folders import documents_in

DRAFT_SUFFIXES = (".docx", ".pdf", ".md", ".markdown", ".txt")


def find_drafts(paths: Sequence[Path]) -> list[Path]:
    """Files as given; a folder stands for the drafts directly inside it, by name, without hidden files and the lock
    files Word and LibreOffice leave beside an open document.

    Raises:
        DraftError: a folder holds no draft (exit 3).
    """
    found: dict[Path, Path] = {}  # one entry per file, however often it is named
    for path in paths:
        if not path.is_dir():
            found.setdefault(path.resolve(), path)
            continue
        inside = documents_in(path, DRAFT_SUFFIXES)
        if not inside:
            raise DraftError(f"{path}: no draft in this folder (.docx, .pdf, .md or .txt directly inside it)")
        for draft in inside:
            found.setdefault(draft.resolve(), draft)
    return list(found.values())


def read_draft(path: Path) -> Draft:
    """Read a .docx, .pdf, Markdown or text draft.

    Raises:
        DraftError: missing, unreadable, unsupported, corrupt or refused for safety (exit 3).
    """
    try:
        if not path.is_file():
            raise DraftError(f"{path}: {'is a folder' if path.is_dir() else 'file not found'}")
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise DraftError(f"{path}: cannot read ({exc.strerror or exc})") from None
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF") or suffix == ".pdf":
        from cspr_docs.checks.readers.pdf import read_pdf

        return read_pdf(path)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise DraftError(f"{path}: old binary Word (.doc) or encrypted Office file; save it as .docx without a password")
    if head.startswith(b"PK") or suffix in (".docx", ".docm", ".dotx"):
        from cspr_docs.checks.readers.docx import read_docx

        return read_docx(path)
    if suffix in (".md", ".markdown", ".txt", ".text", ""):
        from cspr_docs.checks.readers.text import read_text

        return read_text(path)
    raise DraftError(f"{path}: unsupported draft type '{suffix}'; use .docx, .pdf, .md or .txt")
