"""replies/<agency id>.yaml and the returned .docx/.pdf (chronologies/ likewise) beside the case file: read, write."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from cspr_docs.collect.reply import CHRONOLOGY_KIND, CollectedReply
from cspr_docs.errors import OutputError
from cspr_docs.load import read_yaml, validate
from cspr_docs.outputs import ensure_folder, write_batch

REPLIES = "replies"
CHRONOLOGIES = "chronologies"
KEPT_SUFFIXES = (".docx", ".pdf")
_HEADER = ("# Collected by `cspr-docs collect` from the agency's returned {kind}, which is kept beside it as\n"
           "# {name}. Protectively marked: keep both with the case. You may correct answers here; a later\n"
           "# `collect` of a new version replaces this file and the kept one.\n")
_IGNORED_IN_COMPARISON = ("source", "sha256")


def folder_of(case_folder: Path, kind: str) -> Path:
    """replies/ for information request replies, chronologies/ for local review chronologies."""
    return case_folder / (CHRONOLOGIES if kind == CHRONOLOGY_KIND else REPLIES)


def path_of(case_folder: Path, reply: CollectedReply) -> Path:
    return folder_of(case_folder, reply.kind) / f"{reply.agency}.yaml"


def kept_path(case_folder: Path, reply: CollectedReply) -> Path:
    """Where the file an agency returned is kept, as returned: replies/<agency id>.docx or .pdf."""
    return folder_of(case_folder, reply.kind) / f"{reply.agency}.{reply.format}"


def kept_files(folder: Path, agency: str) -> list[Path]:
    """The returned files kept in one folder for an agency (normally one)."""
    return [path for suffix in KEPT_SUFFIXES if (path := folder / f"{agency}{suffix}").is_file()]


def load_folder(folder: Path) -> dict[str, CollectedReply]:
    """Every stored reply of one folder, by agency id (a missing folder is no replies).

    Raises:
        DataError: a stored file is not valid (file:line:col of each problem).
    """
    replies: dict[str, CollectedReply] = {}
    if not folder.is_dir():
        return replies
    for path in sorted(folder.glob("*.yaml")):
        reply = validate(CollectedReply, read_yaml(path))
        replies[reply.agency] = reply
    return replies


def load_replies(case_folder: Path) -> dict[str, CollectedReply]:
    """The collected information request replies of a case, by agency id."""
    return load_folder(case_folder / REPLIES)


def load_chronologies(case_folder: Path) -> dict[str, CollectedReply]:
    """The collected local review chronologies of a case, by agency id."""
    return load_folder(case_folder / CHRONOLOGIES)


def to_yaml(reply: CollectedReply) -> str:
    """The stored form: defaults left out, keys in model order, long text as block scalars."""
    data = _compact(reply.model_dump(mode="json"))
    kind = "chronology" if reply.kind == CHRONOLOGY_KIND else "information request reply"
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)
    return _HEADER.format(kind=kind, name=f"{reply.agency}.{reply.format}") + body


def _compact(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _compact(v) for k, v in data.items() if v not in ("", [], {}, None) or k in ("reference", "agency")}
    if isinstance(data, list):
        return [_compact(v) for v in data]
    return data


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value and all(ord(c) >= 32 or c == "\n" for c in value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


@dataclass(frozen=True)
class Change:
    """What a collect run did to one agency's stored reply, with the fields that changed (names only, never values).

    `kept` is the returned file as it is (re)written beside the YAML, `removed` the agency's earlier returned file in
    the other format (a reply first returned as .docx and then as .pdf leaves only the .pdf).
    """

    path: Path
    state: Literal["new", "updated", "unchanged"]
    fields: tuple[str, ...] = ()
    kept: Path | None = None
    removed: tuple[Path, ...] = ()


def compare(case_folder: Path, reply: CollectedReply) -> Change:
    """How storing `reply` would change replies/<agency>.yaml and the returned file kept beside it."""
    path = path_of(case_folder, reply)
    kept = kept_path(case_folder, reply)
    others = tuple(p for p in kept_files(path.parent, reply.agency) if p != kept)
    if not path.is_file():
        return Change(path, "new", (), kept, others)
    old = validate(CollectedReply, read_yaml(path))
    if old.sha256 and old.sha256 == reply.sha256:
        # The very file collected before: the stored answers stay, with any corrections made by hand.
        held = _holds(kept, old.sha256) and not others
        return Change(path, "unchanged") if held else Change(path, "unchanged", (), kept, others)
    before, after = old.model_dump(), reply.model_dump()
    changed = tuple(k for k in after if k not in _IGNORED_IN_COMPARISON and before.get(k) != after[k])
    if changed:
        return Change(path, "updated", changed, kept, others)
    old_kept = path.parent / f"{old.agency}.{old.format}"
    if _holds(old_kept, old.sha256) and kept_files(path.parent, reply.agency) == [old_kept]:
        return Change(path, "unchanged")
    # Same answers, but the file they were read from is not kept (collected before files were kept): keep this one.
    return Change(path, "updated", ("source",), kept, others)


def _holds(path: Path, digest: str) -> bool:
    return bool(digest) and path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == digest


def store(case_folder: Path, replies: list[CollectedReply], returned: list[bytes]) -> list[Change]:
    """Write every new or changed reply, and keep each returned file (`returned[i]`, the bytes `replies[i]` was read
    from) beside it; unchanged files are not touched, so re-runs are idempotent.

    The returned files are written before the YAML: a run stopped in between leaves a YAML whose sha256 does not
    match the kept file, and the next run of the same file rewrites both.
    """
    changes = [compare(case_folder, reply) for reply in replies]
    kept = {c.kept: data for c, data in zip(changes, returned, strict=True) if c.kept is not None}
    files = {c.path: to_yaml(r).encode("utf-8") for c, r in zip(changes, replies, strict=True) if c.state != "unchanged"}
    for path in {*kept, *files}:
        ensure_folder(path.parent)
    for batch in (kept, files):
        if batch:
            write_batch(batch, force=True)
    for change in changes:
        for stale in change.removed:
            try:
                stale.unlink(missing_ok=True)
            except OSError as exc:
                raise OutputError(f"{stale}: cannot remove the earlier returned file ({exc.strerror or exc})") from None
    return changes
