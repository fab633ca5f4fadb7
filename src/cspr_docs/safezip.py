"""Checks on untrusted zip-based files (.docx, .xlsx) before anything parses them: size, entries, ratio, DOCTYPE."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from cspr_docs.errors import CsprDocsError, DraftError, InputError

MAX_BYTES = 200 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_RATIO = 200
_PROLOG_BYTES = 2048
_RATIO_FROM_BYTES = 1024 * 1024
_MAX_RELS_BYTES = 2 * 1024 * 1024
_EXTERNAL = re.compile(rb"<Relationship\b[^>]*>", re.DOTALL)
_HYPERLINK_TYPE = b"/relationships/hyperlink"
_SAFE_LINK = re.compile(rb'Target="(?:https?:|mailto:)', re.IGNORECASE)
_MACRO_TYPES = (b"macroEnabled", b"vbaProject", b"ms-office.activeX")


def check_zip(
    path: Path,
    *,
    max_bytes: int = MAX_BYTES,
    max_entries: int = MAX_ENTRIES,
    max_ratio: float = MAX_RATIO,
    error: type[CsprDocsError] = InputError,
) -> None:
    """Refuse an untrusted zip package (not a zip, too many entries, too big, bomb ratio, encrypted, macros, DOCTYPE).

    Raises:
        error: with the file and the rule broken (never the content).
    """
    check_docx(path, max_bytes=max_bytes, max_entries=max_entries, max_ratio=max_ratio, error=error).close()


def check_docx(
    path: Path,
    *,
    max_bytes: int = MAX_BYTES,
    max_entries: int = MAX_ENTRIES,
    max_ratio: float = MAX_RATIO,
    error: type[CsprDocsError] = DraftError,
    refuse_external: bool = False,
) -> zipfile.ZipFile:
    """Open an untrusted Office file after checking it is safe to read; returns the open ZipFile (close it).

    Refuses (`error`, exit 3): not a zip, too many entries, total or per-entry uncompressed size over
    `max_bytes`, an entry compressing better than `max_ratio`, encrypted entries, macros, and any XML part that
    declares a DOCTYPE or entity; with `refuse_external`, also relationships to external targets other than web
    or mail hyperlinks (linked templates, images, OLE objects). Declared sizes bound what a later read can return
    (zipfile stops at the declared size and fails the CRC), so checking them bounds memory.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror or exc})") from None
    if size > max_bytes:
        raise error(f"{path}: file is {size // (1024 * 1024)} MiB, over the {max_bytes // (1024 * 1024)} MiB limit")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise error(f"{path}: not a valid Office file (it is not a zip package); save it again as .docx") from None
    try:
        _check_entries(path, archive, max_bytes, max_entries, max_ratio, error)
        if refuse_external:
            _check_relationships(path, archive, error)
    except BaseException:
        archive.close()
        raise
    return archive


def _check_entries(
    path: Path,
    archive: zipfile.ZipFile,
    max_bytes: int,
    max_entries: int,
    max_ratio: float,
    error: type[CsprDocsError],
) -> None:
    infos = archive.infolist()
    if len(infos) > max_entries:
        raise error(f"{path}: refused: {len(infos)} zip entries, over the limit of {max_entries}")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > max_bytes or total > max_bytes:
            raise error(f"{path}: refused: uncompressed size over {max_bytes // (1024 * 1024)} MiB (zip bomb?)")
        if info.file_size > _RATIO_FROM_BYTES and info.file_size > max_ratio * max(info.compress_size, 1):
            raise error(f"{path}: refused: part {info.filename} has a compression ratio over {max_ratio:g} (zip bomb?)")
        if info.flag_bits & 0x1:
            raise error(f"{path}: refused: part {info.filename} is encrypted; remove the password first")
        if info.filename.lower().endswith(("vbaproject.bin", "vbadata.xml")):
            raise error(f"{path}: refused: the file contains macros (save it as .docx without macros)")
    for info in infos:
        if info.filename.endswith((".xml", ".rels")):
            head = _read(path, archive, info, _PROLOG_BYTES, error)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise error(f"{path}: refused: part {info.filename} declares a DOCTYPE or entities")
    if "[Content_Types].xml" in archive.namelist():
        types = _read(path, archive, archive.getinfo("[Content_Types].xml"), _MAX_RELS_BYTES, error)
        if any(marker in types for marker in _MACRO_TYPES):
            raise error(f"{path}: refused: the file declares macros or ActiveX controls (save it as plain .docx)")


def _check_relationships(path: Path, archive: zipfile.ZipFile, error: type[CsprDocsError]) -> None:
    for info in archive.infolist():
        if not info.filename.endswith(".rels"):
            continue
        data = _read(path, archive, info, _MAX_RELS_BYTES, error)
        for match in _EXTERNAL.finditer(data):
            rel = match.group(0)
            if b'TargetMode="External"' not in rel:
                continue
            if _HYPERLINK_TYPE in rel and _SAFE_LINK.search(rel):
                continue
            kind = re.search(rb'Type="[^"]*/([A-Za-z]+)"', rel)
            label = kind.group(1).decode("ascii") if kind else "unknown"
            raise error(
                f"{path}: refused: part {info.filename} links to an external {label} target "
                "(linked template, image or object); embed it or remove the link"
            )


def _read(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, error: type[CsprDocsError]) -> bytes:
    try:
        with archive.open(info) as handle:
            return handle.read(limit)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError, RuntimeError):
        raise error(f"{path}: part {info.filename} is corrupt") from None
