"""The one sandbox for untrusted PDFs: a fresh Python child parses them under time and memory limits; JSON returns."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cspr_docs.errors import DraftError, ExternalToolError, InputError

MAX_PDF_BYTES = 50 * 1024 * 1024
PARSE_TIMEOUT = 30.0
MEMORY_LIMIT = 1024 * 1024 * 1024
JOBS = {
    "inspect": "cspr_docs.pdf.probe:inspect_job",
    "draft": "cspr_docs.checks.readers.pdf:extract",
    "form-fields": "cspr_docs.collect.read_pdf:extract_fields",
}
"""What a child may run on a PDF: job name -> `module:function(path) -> JSON-able value`."""


class Encrypted(Exception):
    """Raised by a job in the child: the PDF is encrypted."""


@dataclass(frozen=True)
class PdfInfo:
    """What the child process found in one PDF."""

    path: Path
    pages: int
    fields: int


def precheck(path: Path, max_bytes: int, error: type[InputError] = DraftError) -> None:
    """Refuse a missing, empty, oversized or non-PDF file before any parser sees it."""
    try:
        if not path.is_file():
            raise error(f"{path}: {'not a file' if path.exists() else 'file not found'}")
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror or exc})") from None
    if size == 0:
        raise error(f"{path}: empty file (0 bytes), not a PDF")
    if size > max_bytes:
        raise error(f"{path}: PDF is {size // (1024 * 1024)} MiB, over the {max_bytes // (1024 * 1024)} MiB limit")
    if b"%PDF-" not in head:
        raise error(f"{path}: not a PDF (no %PDF- header; an HTML error page saved as .pdf?)")


def _command(job: str, memory_limit: int, paths: list[Path]) -> list[str]:
    # -P: the current folder (where the untrusted files may be) is not put on sys.path
    return [sys.executable, "-P", "-m", "cspr_docs.pdf.probe", job, str(memory_limit), *(str(p) for p in paths)]


def run_pdf_job(job: str, paths: list[Path], *, timeout: float = PARSE_TIMEOUT, memory_limit: int = MEMORY_LIMIT,
                max_bytes: int = MAX_PDF_BYTES, error: type[InputError] = DraftError) -> list[Any]:
    """Run `job` (see JOBS) on every PDF in one limited child process; returns its results in order.

    Raises:
        error (DraftError or InputError): a file is missing, empty, too large, not a PDF, encrypted or corrupt (3).
        ExternalToolError: parsing exceeded the time or memory limit, or the child crashed (exit 4, reliability E1).
    """
    if job not in JOBS:
        raise ValueError(f"unknown PDF job {job!r}")
    if not paths:
        return []
    for path in paths:
        precheck(path, max_bytes, error)
    first = f"{paths[0]}{' (or another of the files)' if len(paths) > 1 else ''}"
    try:
        done = subprocess.run(_command(job, memory_limit, paths), capture_output=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired:
        raise ExternalToolError(f"{first}: reading the PDF took over {timeout:g} s and was stopped (a malformed or "
                                "hostile PDF?)") from None
    try:
        reports = json.loads(done.stdout.decode("utf-8").strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise ExternalToolError(f"{first}: the PDF reader exceeded the memory limit or crashed (exit status "
                                f"{done.returncode})") from None
    results = []
    for path, report in zip(paths, reports, strict=True):
        problem = report.get("problem")
        if problem == "encrypted":
            raise error(f"{path}: encrypted PDF; save an unencrypted copy and use that")
        if problem == "memory":
            raise ExternalToolError(f"{path}: reading the PDF needs more than {memory_limit // (1024 * 1024)} MiB "
                                    "and was stopped (a hostile PDF?)")
        if problem:
            raise error(f"{path}: not a readable PDF ({problem})")
        results.append(report["result"])
    return results


def inspect_pdfs(paths: list[Path], *, timeout: float = PARSE_TIMEOUT, max_bytes: int = MAX_PDF_BYTES) -> list[PdfInfo]:
    """Check untrusted PDFs: size, header, then a full parse in the sandbox (one child for all files).

    Raises:
        DraftError: a file is missing, empty, too large, not a PDF, encrypted, corrupt or without pages (exit 3).
        ExternalToolError: parsing exceeded the time or memory limit (exit 4, reliability E1).
    """
    infos = []
    for path, found in zip(paths, run_pdf_job("inspect", paths, timeout=timeout, max_bytes=max_bytes), strict=True):
        if found["pages"] < 1:
            raise DraftError(f"{path}: the PDF has no pages")
        infos.append(PdfInfo(path, found["pages"], found["fields"]))
    return infos


def inspect_job(path: str) -> dict[str, int]:  # pragma: no cover - runs in the child process
    """Every page's content decompressed (Flate/LZW bombs go off here, not in the parent), fields and outline."""
    from pypdf import PdfReader

    reader = PdfReader(path, strict=False)
    if reader.is_encrypted:
        raise Encrypted
    pages = 0
    for page in reader.pages:
        page.get_contents()
        page.get("/Annots")
        pages += 1
    fields = reader.get_fields() or {}
    _ = reader.outline
    return {"pages": pages, "fields": len(fields)}


def _run_one(function: Any, path: str) -> dict[str, Any]:  # pragma: no cover - runs in the child process
    from pypdf.errors import LimitReachedError

    # Run as `python -m`, this file is __main__; jobs raise the Encrypted of the imported cspr_docs.pdf.probe.
    from cspr_docs.pdf.probe import Encrypted as JobEncrypted

    try:
        return {"result": function(path)}
    except (Encrypted, JobEncrypted):
        return {"problem": "encrypted"}
    except (MemoryError, LimitReachedError):
        return {"problem": "memory"}
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types for corrupt files
        return {"problem": type(exc).__name__}


def _main(argv: list[str]) -> None:  # pragma: no cover - runs in the child process
    import resource

    job, memory_limit, *paths = argv
    module, name = JOBS[job].split(":")
    function = getattr(importlib.import_module(module), name)
    import pypdf.errors  # noqa: F401 - imported before the limit so that only parsing can hit it

    limit = int(memory_limit)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    print(json.dumps([_run_one(function, path) for path in paths]))


if __name__ == "__main__":
    _main(sys.argv[1:])
