"""The only LibreOffice boundary: batched headless conversion to verified PDFs, isolated and time-limited."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cspr_docs.errors import ExternalToolError, InputError
from cspr_docs.outputs import check_targets, ensure_folder, write_batch

SOFFICE_ENV = "CSPR_DOCS_SOFFICE"
NOT_FOUND = "LibreOffice not found: install it (Debian/Ubuntu: apt-get install libreoffice-writer-nogui)"
_PASSED_ENV = ("PATH", "LANG", "LC_ALL")


def find_soffice() -> str:
    """The soffice executable: `$CSPR_DOCS_SOFFICE` if set, else `soffice` on PATH."""
    configured = os.environ.get(SOFFICE_ENV)
    found = shutil.which(configured) if configured else shutil.which("soffice")
    if not found:
        raise ExternalToolError(NOT_FOUND + (f" (${SOFFICE_ENV} points at nothing runnable)" if configured else ""))
    return found


@dataclass
class _Job:
    """One LibreOffice process converting a chunk of documents in its own throw-away folder."""

    documents: list[Path]
    workdir: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def outdir(self) -> Path:
        return self.workdir / "out"

    def describe(self) -> str:
        more = f" (and {len(self.documents) - 1} more in the same batch)" if len(self.documents) > 1 else ""
        return f"{self.documents[0]}{more}"


def _environment(workdir: Path) -> dict[str, str]:
    # An allow-list, so tokens and passwords in the caller's environment never reach LibreOffice.
    env = {name: os.environ[name] for name in _PASSED_ENV if name in os.environ}
    env.setdefault("PATH", os.defpath)
    env.setdefault("LANG", "C.UTF-8")
    env["HOME"] = str(workdir / "home")
    env["TMPDIR"] = str(workdir / "tmp")
    return env


def _start(soffice: str, job: _Job) -> None:
    for sub in ("home", "tmp", "profile", "out"):
        (job.workdir / sub).mkdir(mode=0o700)
    command = [
        soffice,
        f"-env:UserInstallation={(job.workdir / 'profile').as_uri()}",
        "--headless",
        "--invisible",
        "--nologo",
        "--nodefault",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        "pdf",
        "--outdir",
        str(job.outdir),
        *(str(p) for p in job.documents),
    ]
    with open(job.workdir / "log", "wb") as log:
        job.process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=_environment(job.workdir),
            cwd=job.workdir,
            start_new_session=True,
        )


def _kill_group(job: _Job) -> None:
    # The whole session: soffice is a launcher script whose soffice.bin (and any helper) must die with it.
    if job.process is None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(job.process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        job.process.wait(timeout=10)


class _Failed(ExternalToolError):
    """LibreOffice exited with an error status (worth one retry: it occasionally aborts on a fresh profile)."""


def _wait(job: _Job, deadline: float, timeout: float) -> None:
    assert job.process is not None
    try:
        code = job.process.wait(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        raise ExternalToolError(
            f"{job.describe()}: LibreOffice did not finish within {timeout:g} s and was stopped"
        ) from None
    if code != 0:
        raise _Failed(f"{job.describe()}: LibreOffice failed (exit status {code})")


def _run(soffice: str, jobs: list[_Job], timeout: float) -> list[_Job]:
    """Start every job, wait for all; returns the jobs that exited with an error status."""
    for job in jobs:
        job.workdir.mkdir(mode=0o700)
        _start(soffice, job)
    deadline = time.monotonic() + timeout
    failed = []
    for job in jobs:
        try:
            _wait(job, deadline, timeout)
        except _Failed:
            failed.append(job)
    return failed


def verify_pdf(data: bytes, source: Path) -> None:
    """Refuse output LibreOffice may leave after a failure: empty, truncated, unreadable or page-less."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not data:
        raise ExternalToolError(f"{source}: LibreOffice wrote an empty PDF")
    if not data.startswith(b"%PDF-") or not data.rstrip().endswith(b"%%EOF"):
        raise ExternalToolError(f"{source}: LibreOffice wrote an incomplete PDF (truncated or not a PDF)")
    try:
        pages = len(PdfReader(io.BytesIO(data), strict=True).pages)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        raise ExternalToolError(f"{source}: LibreOffice wrote a PDF that cannot be read") from None
    if pages < 1:
        raise ExternalToolError(f"{source}: LibreOffice wrote a PDF without pages")


def _collect(job: _Job) -> dict[Path, bytes]:
    results: dict[Path, bytes] = {}
    for document in job.documents:
        produced = job.outdir / f"{document.stem}.pdf"
        if not produced.is_file():
            raise ExternalToolError(
                f"{document}: conversion produced no output (LibreOffice could not load or convert it)"
            )
        data = produced.read_bytes()
        verify_pdf(data, document)
        results[document] = data
    return results


def _chunks(items: list[Path], count: int) -> list[list[Path]]:
    size, extra = divmod(len(items), count)
    chunks, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        chunks.append(items[start:end])
        start = end
    return [c for c in chunks if c]


def convert_to_pdf(
    docx_paths: Sequence[Path],
    out_dir: Path,
    *,
    timeout: float = 120,
    processes: int | None = None,
    force: bool = False,
) -> list[Path]:
    """Convert documents to PDF in `out_dir` (same stem), through one LibreOffice process per core.

    All or nothing: every PDF is verified before any is moved into `out_dir`.

    Args:
        docx_paths: documents LibreOffice can open (.docx, .odt…); their stems must be distinct.
        out_dir: where the PDFs go (created if needed).
        timeout: seconds each LibreOffice process may run before its whole process group is killed.
        processes: how many LibreOffice processes run side by side (default: min(2, CPU count)).
        force: replace existing PDFs.

    Raises:
        InputError: an input document does not exist.
        OutputError: a target exists without `force`, two inputs share a stem, or out_dir is unwritable.
        ExternalToolError: LibreOffice is missing, fails, times out, or writes no or a broken PDF.
    """
    documents = [Path(p).resolve() for p in docx_paths]
    if not documents:
        return []
    for document in documents:
        if not document.is_file():
            raise InputError(f"{document}: document to convert not found")
    targets = [out_dir / f"{d.stem}.pdf" for d in documents]
    ensure_folder(out_dir)
    check_targets(targets, force=force)
    soffice = find_soffice()
    count = max(1, min(processes or min(2, os.cpu_count() or 1), len(documents)))
    root = Path(tempfile.mkdtemp(prefix="cspr-soffice-"))
    jobs = [_Job(chunk, root / f"job{i}") for i, chunk in enumerate(_chunks(documents, count))]
    started = list(jobs)
    try:
        failed = _run(soffice, jobs, timeout)
        if failed:
            retries = [_Job(job.documents, job.workdir.with_name(job.workdir.name + "-retry")) for job in failed]
            started += retries
            again = _run(soffice, retries, timeout)
            if again:
                code = again[0].process.returncode if again[0].process else None
                raise ExternalToolError(f"{again[0].describe()}: LibreOffice failed twice (exit status {code})")
            jobs = [job for job in jobs if job not in failed] + retries
        produced: dict[Path, bytes] = {}
        for job in jobs:
            produced.update(_collect(job))
    finally:
        for job in started:
            _kill_group(job)
        shutil.rmtree(root, ignore_errors=True)
    return write_batch({t: produced[d] for t, d in zip(targets, documents, strict=True)}, force=force)
