"""Rule packs (`--rules FILE`, `check_rules:` in partnership.yaml, `check-rules.yaml` beside it): heading synonyms, extra required
sections, severities, disabled rules, allow-listed terms (each with a reason), markings, nicknames and places."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import Field

from cspr_docs.checks.findings import KINDS
from cspr_docs.errors import DataError
from cspr_docs.load import YamlDocument, read_yaml, validate
from cspr_docs.model.base import Identifier, Strict, Text, list_field

PARTNERSHIP_RULES_FILE = "check-rules.yaml"
KindName = Literal["final-report", "combined-summary", "terms-of-reference"]


class _Allow(Strict):
    term: Text
    reason: Text = Field(description="Why this term is safe: required, a term without a reason is refused")
    files: list[str] = list_field(description="File-name patterns this entry applies to; all drafts if empty")


class _Section(Strict):
    id: Identifier
    headings: list[Text] = Field(min_length=1)
    severity: Literal["error", "warning"] = "error"
    kinds: list[KindName] = Field(default_factory=lambda: ["final-report"])


class _Pack(Strict):
    version: Literal[1] = 1
    headings: dict[str, list[Text]] = Field(default_factory=dict)
    required_sections: list[_Section] = list_field()
    severity: dict[str, Literal["error", "warning"]] = Field(default_factory=dict)
    disable: list[str] = list_field()
    allow: list[_Allow] = list_field()
    markings: list[Text] = list_field()
    nicknames: dict[str, list[Text]] = Field(default_factory=dict)
    places: list[Text] = list_field(description="Towns, villages or estates that, with an age and a school, could "
                                    "identify the child (quasi-identifier)")


@dataclass(frozen=True)
class AllowEntry:
    """A term that is not a leak in the drafts it names, and why."""

    term: str
    reason: str
    files: tuple[str, ...] = ()

    def applies_to(self, path: Path) -> bool:
        return not self.files or any(fnmatch.fnmatch(path.name, pattern) for pattern in self.files)


@dataclass(frozen=True)
class RequiredSection:
    """A section the partnership requires, found by any of its heading texts."""

    id: str
    headings: tuple[str, ...]
    severity: str
    kinds: tuple[str, ...]


@dataclass
class RulePack:
    """The merged rule configuration for a run."""

    headings: dict[str, list[str]] = field(default_factory=dict)
    required: list[RequiredSection] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    disabled: set[str] = field(default_factory=set)
    allow: list[AllowEntry] = field(default_factory=list)
    markings: list[str] = field(default_factory=list)
    nicknames: dict[str, list[str]] = field(default_factory=dict)
    places: list[str] = field(default_factory=list)

    def merged(self, other: RulePack) -> RulePack:
        """This pack with `other` layered on top (other's severities and markings win)."""
        headings = {k: [*v] for k, v in self.headings.items()}
        for key, values in other.headings.items():
            headings.setdefault(key, []).extend(values)
        nicknames = {k: [*v] for k, v in self.nicknames.items()}
        for key, values in other.nicknames.items():
            nicknames.setdefault(key, []).extend(values)
        return RulePack(
            headings=headings,
            required=[*self.required, *other.required],
            severity={**self.severity, **other.severity},
            disabled=self.disabled | other.disabled,
            allow=[*self.allow, *other.allow],
            markings=other.markings or self.markings,
            nicknames=nicknames,
            places=[*self.places, *other.places],
        )


def load_rule_pack(path: Path, *, rule_ids: set[str], heading_ids: set[str]) -> RulePack:
    """Read and check a rule pack; unknown rule ids and allow entries without a reason raise DataError (exit 3)."""
    return rule_pack_from(read_yaml(path), rule_ids=rule_ids, heading_ids=heading_ids)


def rule_pack_from(doc: YamlDocument, *, rule_ids: set[str], heading_ids: set[str]) -> RulePack:
    """Check a rule pack already read (a file, or `partnership.check_rules`); problems raise DataError (exit 3)."""
    if not isinstance(doc.data, dict):
        raise DataError([doc.problem((), "a rule pack is a mapping (headings, severity, disable, allow, …)")])
    pack = validate(_Pack, doc)
    problems = []
    for loc_root, keys in (("severity", pack.severity), ("disable", pack.disable)):
        for i, key in enumerate(keys):
            if key not in rule_ids:
                loc = (loc_root, key) if isinstance(keys, dict) else (loc_root, i)
                problems.append(doc.problem(loc, f"unknown rule id '{key}' (`cspr-docs check --list-rules`)"))
    problems.extend(doc.problem(("headings", key), f"unknown section id '{key}' (see the README)")
                    for key in pack.headings if key not in heading_ids)
    if problems:
        raise DataError(problems)
    return RulePack(
        headings={k: list(v) for k, v in pack.headings.items()},
        required=[RequiredSection(s.id, tuple(s.headings), s.severity, tuple(s.kinds)) for s in pack.required_sections],
        severity=dict(pack.severity),
        disabled=set(pack.disable),
        allow=[AllowEntry(a.term, a.reason, tuple(a.files)) for a in pack.allow],
        markings=list(pack.markings),
        nicknames={k: list(v) for k, v in pack.nicknames.items()},
        places=list(pack.places),
    )


__all__ = ["KINDS", "PARTNERSHIP_RULES_FILE", "AllowEntry", "RequiredSection", "RulePack", "load_rule_pack", "rule_pack_from"]
