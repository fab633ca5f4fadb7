"""Untrusted PDFs are first parsed in a child process with time and memory limits, then used in-process."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from cspr_docs.errors import DraftError, ExternalToolError

MAX_PDF_BYTES = 50 * 1024 * 1024
PARSE_TIMEOUT = 30.0
_MEMORY_LIMIT = 1024 * 1024 * 1024


@dataclass(frozen=True)
class PdfInfo:
    """What the child process found in one PDF."""

    path: Path
    pages: int
    fields: int


def _precheck(path: Path, max_bytes: int) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise DraftError(f"{path}: file not found") from None
    if not path.is_file():
        raise DraftError(f"{path}: not a file")
    if size == 0:
        raise DraftError(f"{path}: empty file (0 bytes), not a PDF")
    if size > max_bytes:
        raise DraftError(f"{path}: PDF is {size // (1024 * 1024)} MiB, over the {max_bytes // (1024 * 1024)} MiB limit")
    with open(path, "rb") as handle:
        head = handle.read(1024)
    if b"%PDF-" not in head:
        raise DraftError(f"{path}: not a PDF (no %PDF- header; an HTML error page saved as .pdf?)")


def inspect_pdfs(paths: list[Path], *, timeout: float = PARSE_TIMEOUT, max_bytes: int = MAX_PDF_BYTES) -> list[PdfInfo]:
    """Check untrusted PDFs: size, header, then a full parse in a limited child process (one for all files).

    Raises:
        DraftError: a file is missing, empty, too large, not a PDF, encrypted, corrupt or without pages (exit 3).
        ExternalToolError: parsing exceeded the time or memory limit (exit 4, reliability E1).
    """
    if not paths:
        return []
    for path in paths:
        _precheck(path, max_bytes)
    command = [sys.executable, "-m", "cspr_docs.pdf.probe", *(str(p) for p in paths)]
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired:
        raise ExternalToolError(
            f"{paths[0]}{' (or another of the files)' if len(paths) > 1 else ''}: reading the PDF took over "
            f"{timeout:g} s and was stopped (a malformed or hostile PDF?)"
        ) from None
    try:
        reports = json.loads(done.stdout.decode("utf-8").strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise ExternalToolError(
            f"{paths[0]}: reading the PDF exceeded the memory limit or crashed (exit status {done.returncode})"
        ) from None
    infos = []
    for path, report in zip(paths, reports, strict=True):
        problem = report.get("problem")
        if problem == "encrypted":
            raise DraftError(f"{path}: encrypted PDF; save an unencrypted copy and use that")
        if problem == "memory":
            raise ExternalToolError(f"{path}: reading the PDF exceeded the memory limit (a hostile PDF?)")
        if problem:
            raise DraftError(f"{path}: not a readable PDF ({problem})")
        if report["pages"] < 1:
            raise DraftError(f"{path}: the PDF has no pages")
        infos.append(PdfInfo(path, report["pages"], report["fields"]))
    return infos


def _probe_one(path: str) -> dict[str, object]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            return {"problem": "encrypted"}
        pages = 0
        for page in reader.pages:
            page.get_contents()  # decompresses: catches Flate/LZW bombs here, not in the parent
            page.get("/Annots")
            pages += 1
        fields = reader.get_fields() or {}
        _ = reader.outline
        return {"pages": pages, "fields": len(fields)}
    except MemoryError:
        return {"problem": "memory"}
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        return {"problem": type(exc).__name__}


def _main(argv: list[str]) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (_MEMORY_LIMIT, _MEMORY_LIMIT))
    print(json.dumps([_probe_one(arg) for arg in argv]))


if __name__ == "__main__":
    _main(sys.argv[1:])
