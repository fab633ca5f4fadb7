"""Safe writes: atomic replace, nothing overwritten without force, a batch checked before anything is written."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

from cspr_docs.errors import OutputError

TEMP_PREFIX = ".cspr-tmp-"
_WRITERS = 4
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def slug(text: str, *, max_length: int = 40) -> str:
    """A file-name-safe form of an identifier: ASCII letters, digits, '.', '-', '_'; never empty or reserved."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    cleaned = _UNSAFE.sub("-", ascii_text).strip(".-_")[:max_length].strip(".-_")
    if not cleaned:
        cleaned = "x"
    if cleaned.split(".")[0].lower() in _RESERVED:
        cleaned = f"_{cleaned}"
    return cleaned


def ensure_folder(folder: Path) -> Path:
    """Create the output folder if needed; refuse one that cannot be written."""
    _refuse_file_in_path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot create the output folder ({exc.strerror})") from None
    if not os.access(folder, os.W_OK):
        raise OutputError(f"{folder}: output folder is not writable")
    return folder


def _refuse_file_in_path(folder: Path) -> None:
    """A file where the output folder (or one above it) should be: say so, rather than "File exists"."""
    for part in (folder, *folder.parents):
        if part.exists():
            if not part.is_dir():
                raise OutputError(f"{part}: is a file, not a folder; give a folder for the output")
            return


# Word drops the first characters of a long name in its owner file: a stem of 8 or more characters loses two, of 7
# loses one ("Document1.docx" -> "~$cument1.docx"); Excel and others keep the whole name. LibreOffice writes
# ".~lock.<name>#". (LibreOffice follows the same rule: svl/source/misc/msodocumentlockfile.cxx.)
_WORD_SUFFIXES = {".doc", ".docx", ".docm", ".dotx", ".dotm", ".rtf", ".odt"}


def lock_files(target: Path) -> list[Path]:
    """The lock files Word or LibreOffice keep beside `target` while it is open."""
    name, owner = target.name, target.name
    if target.suffix.lower() in _WORD_SUFFIXES:
        stem = len(name) - len(target.suffix)
        owner = name[2:] if stem >= 8 else name[1:] if stem == 7 else name
    return [target.with_name(f".~lock.{name}#"), target.with_name(f"~${owner}")]


def check_targets(targets: Iterable[Path], *, force: bool) -> None:
    """Refuse a batch before writing any of it: duplicates, a file open in Word or LibreOffice (a lock file beside
    it, even with `force`: Windows would refuse the replace, and elsewhere the editor would later save over the new
    file), a file where a folder should be, or existing files without `force`."""
    seen: set[str] = set()
    folders: set[Path] = set()
    existing: list[Path] = []
    for target in targets:
        key = str(target).casefold()
        if key in seen:
            raise OutputError(f"{target}: two outputs would have the same file name; make the ids distinct")
        seen.add(key)
        if target.parent not in folders:
            folders.add(target.parent)
            _refuse_file_in_path(target.parent)
        if target.is_symlink() or (target.exists() and not target.is_file()):
            raise OutputError(f"{target}: exists and is not a regular file; refusing to replace it")
        if target.exists():
            lock = next((lock for lock in lock_files(target) if lock.exists()), None)
            if lock is not None:
                raise OutputError(f"{target} is open in Word or LibreOffice: close it first (if it is not open, "
                                  f"delete the lock file {lock.name} beside it, left by a crash)")
            if not force:
                existing.append(target)
    if existing:
        more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
        raise OutputError(f"{existing[0]}: already exists{more}; use --force to replace")


def write_atomic(target: Path, data: bytes, *, force: bool) -> Path:
    """Write bytes to `target` through a temp file in the same folder, fsync, then replace; 0o640 permissions."""
    if target.exists() and not force:
        raise OutputError(f"{target}: already exists; use --force to replace")
    fd, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=target.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temp.chmod(0o640)
        temp.replace(target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise OutputError(f"{target}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return target


def write_batch(files: Mapping[Path, bytes], *, force: bool) -> list[Path]:
    """Write several files after checking every target; on failure remove what this batch wrote.

    Files are written by a few threads: each write ends in an fsync, which waits on the disk without holding the
    GIL, so overlapping them roughly halves the time of a 200-letter merge.
    """
    check_targets(files, force=force)
    if len(files) <= 1:
        return [write_atomic(target, data, force=force) for target, data in files.items()]
    pool = ThreadPoolExecutor(max_workers=_WRITERS)
    futures = [pool.submit(write_atomic, target, data, force=force) for target, data in files.items()]
    try:
        wait(futures)
        failure = next((f.exception() for f in futures if f.exception() is not None), None)
        if failure is not None:
            raise failure
    except BaseException:  # a failed write or an interrupt: undo the batch
        for future in futures:
            future.cancel()
        pool.shutdown(wait=True)
        if not force:  # new files only: removing them restores the state before the batch
            for future in futures:
                if not future.cancelled() and future.exception() is None:
                    with contextlib.suppress(OSError):
                        future.result().unlink()
        raise
    pool.shutdown(wait=True)
    return [future.result() for future in futures]


def remove_stale_temps(folder: Path) -> None:
    """Remove temp files a killed run left behind."""
    for stale in folder.glob(f"{TEMP_PREFIX}*"):
        with contextlib.suppress(OSError):
            stale.unlink()
