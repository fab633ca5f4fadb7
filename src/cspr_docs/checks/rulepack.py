"""Rule packs (`--rules FILE`, `check_rules:` in partnership.yaml, `check-rules.yaml` beside it): heading
synonyms, extra required sections, severities, disabled rules, allow-listed terms (each with a reason), markings,
nicknames and places. The YAML schema is `cspr_docs.model.rules`."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path

from cspr_docs.checks.findings import KINDS
from cspr_docs.errors import DataError, Problem
from cspr_docs.load import YamlDocument, read_yaml, validate
from cspr_docs.model.rules import RulePackSchema

PARTNERSHIP_RULES_FILE = "check-rules.yaml"


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


def _unknown_ids(doc: YamlDocument, rule_ids: set[str], heading_ids: set[str]) -> list[Problem]:
    """Rule and section ids the checks do not know, read from the raw data so that a schema error elsewhere does
    not hide them."""
    problems = []
    severity, disable, headings = (doc.data.get(key) for key in ("severity", "disable", "headings"))
    for loc, key in [*((("severity", k), k) for k in (severity if isinstance(severity, dict) else ())),
                     *((("disable", i), k) for i, k in enumerate(disable if isinstance(disable, list) else ()))]:
        if isinstance(key, str) and key not in rule_ids:
            problems.append(doc.problem(loc, f"unknown rule id '{key}' (`cspr-docs check --list-rules`)"))
    problems.extend(doc.problem(("headings", key), f"unknown section id '{key}' (see the README)")
                    for key in (headings if isinstance(headings, dict) else ()) if key not in heading_ids)
    return problems


def rule_pack_from(doc: YamlDocument, *, rule_ids: set[str], heading_ids: set[str]) -> RulePack:
    """Check a rule pack already read (a file, or `partnership.check_rules`); problems raise DataError (exit 3)."""
    if not isinstance(doc.data, dict):
        raise DataError([doc.problem((), "a rule pack is a mapping (headings, severity, disable, allow, …)")])
    problems = _unknown_ids(doc, rule_ids, heading_ids)  # named with any schema errors: every problem at once
    try:
        pack = validate(RulePackSchema, doc)
    except DataError as exc:
        raise DataError(sorted([*exc.problems, *problems], key=lambda p: (p.line or 0, p.column or 0))) from None
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
