"""What a folder given as an argument stands for: the documents directly inside it, by name."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def documents_in(folder: Path, suffixes: Iterable[str]) -> list[Path]:
    """The files directly in `folder` with one of `suffixes`, in name order, without hidden files and the lock files
    Word (`~$…`) and LibreOffice (`.~lock.…#`) leave beside an open document. A broken link stays in, so that reading
    it fails rather than a document going unread without a word."""
    wanted = {s.lower() for s in suffixes}
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in wanted
                  and (p.is_file() or (p.is_symlink() and not p.exists()))
                  and not p.name.startswith(("~$", ".")))
