"""Files cspr-docs wrote itself, found in a folder given to `check`: not drafts, skipped with a note.

`merge` writes manifest.json beside its output last, naming every file it wrote with its SHA-256: a file listed
there with the same checksum is the tool's own (letters, per-recipient PDFs, encrypted or not, the combined .docx and
PDF). The checksum is what survives encryption: an encrypted PDF's metadata cannot be read without the password.
Unencrypted packs and combined PDFs also say what they are in their /CsprTemplate metadata (`checks.kinds`).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 5 * 1024 * 1024


class OwnOutputs:
    """The merge manifests of the folders seen so far (read once per folder)."""

    def __init__(self) -> None:
        self._listed: dict[Path, dict[str, tuple[str, str]]] = {}

    def written_by(self, path: Path) -> str:
        """Why `path` is the tool's own output ("" when it is not)."""
        listed = self._manifest(path.parent)
        entry = listed.get(path.name)
        if entry is None:
            return ""
        digest, kind = entry
        try:
            with path.open("rb") as handle:
                actual = hashlib.file_digest(handle, "sha256").hexdigest()
        except OSError:
            return ""
        if actual != digest:
            return ""  # changed since merge wrote it: someone's draft now, check it
        return (f"written by cspr-docs merge ({kind}), listed with its checksum in {MANIFEST} beside it; it is not a "
                "draft")

    def _manifest(self, folder: Path) -> dict[str, tuple[str, str]]:
        if folder not in self._listed:
            self._listed[folder] = _read(folder / MANIFEST)
        return self._listed[folder]


def _read(path: Path) -> dict[str, tuple[str, str]]:
    """file name -> (sha256, kind) from a merge manifest; empty when there is none or it is not one."""
    try:
        if not path.is_file() or path.stat().st_size > MAX_MANIFEST_BYTES:
            return {}
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("recipients"), list):
        return {}
    kind = str(data.get("kind") or "merge")
    entries: list[Any] = [data.get("combined"), data.get("combined_docx")]
    for recipient in data["recipients"]:
        if isinstance(recipient, dict) and isinstance(recipient.get("files"), list):
            entries.extend(recipient["files"])
    listed: dict[str, tuple[str, str]] = {}
    for entry in entries:
        if isinstance(entry, dict) and isinstance(entry.get("file"), str) and isinstance(entry.get("sha256"), str):
            listed[Path(entry["file"]).name] = (entry["sha256"].lower(), kind)
    return listed
