"""replies/<agency id>.yaml (and chronologies/<agency id>.yaml) beside the case file: read, compare, write."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from cspr_docs.collect.reply import CHRONOLOGY_KIND, CollectedReply
from cspr_docs.load import read_yaml, validate
from cspr_docs.outputs import ensure_folder, write_batch

REPLIES = "replies"
CHRONOLOGIES = "chronologies"
_HEADER = ("# Collected by `cspr-docs collect` from the agency's returned {kind}. Protectively marked: keep it with\n"
           "# the case. You may correct answers here; a later `collect` of a new version replaces this file.\n")
_IGNORED_IN_COMPARISON = ("source", "sha256")


def folder_of(case_folder: Path, kind: str) -> Path:
    """replies/ for information request replies, chronologies/ for local review chronologies."""
    return case_folder / (CHRONOLOGIES if kind == CHRONOLOGY_KIND else REPLIES)


def path_of(case_folder: Path, reply: CollectedReply) -> Path:
    return folder_of(case_folder, reply.kind) / f"{reply.agency}.yaml"


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
    return _HEADER.format(kind=kind) + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                                                 width=110, default_flow_style=False)


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
    """What a collect run did to one stored file, with the fields that changed (names only, never values)."""

    path: Path
    state: Literal["new", "updated", "unchanged"]
    fields: tuple[str, ...] = ()


def compare(case_folder: Path, reply: CollectedReply) -> Change:
    """How storing `reply` would change replies/<agency>.yaml."""
    path = path_of(case_folder, reply)
    if not path.is_file():
        return Change(path, "new")
    old = validate(CollectedReply, read_yaml(path))
    before, after = old.model_dump(), reply.model_dump()
    changed = tuple(k for k in after if k not in _IGNORED_IN_COMPARISON and before.get(k) != after[k])
    return Change(path, "updated", changed) if changed else Change(path, "unchanged")


def store(case_folder: Path, replies: list[CollectedReply]) -> list[Change]:
    """Write every new or changed reply in one batch (unchanged files are not touched: re-runs are idempotent)."""
    changes = [compare(case_folder, reply) for reply in replies]
    files = {c.path: to_yaml(r).encode("utf-8") for c, r in zip(changes, replies, strict=True) if c.state != "unchanged"}
    for path in files:
        ensure_folder(path.parent)
    if files:
        write_batch(files, force=True)
    return changes
