"""Findings, where they are, and the run summary that decides the exit code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from cspr_docs.errors import ExitStatus

Severity = Literal["error", "warning"]
KINDS = ("final-report", "combined-summary", "terms-of-reference")


@dataclass(frozen=True)
class Location:
    """Where a finding is: file, part, paragraph or page (or line), nearest heading. Never the matched text."""

    file: str
    part: str = ""
    paragraph: int | None = None
    page: int | None = None
    line: int | None = None
    heading: str = ""

    def describe(self) -> str:
        """`word/footer2.xml ¶3 under "Findings"`."""
        bits = [self.part] if self.part else []
        if self.page is not None and f"page {self.page}" not in self.part:
            bits.append(f"page {self.page}")
        if self.line is not None:
            bits.append(f"line {self.line}")
        elif self.paragraph is not None:
            bits.append(f"¶{self.paragraph}")
        if self.heading:
            bits.append(f'under "{self.heading}"')
        return " ".join(bits)

    def as_dict(self) -> dict[str, Any]:
        """The JSON form (version 1)."""
        return {"file": self.file, "part": self.part, "paragraph": self.paragraph, "page": self.page,
                "line": self.line, "heading": self.heading or None}


@dataclass(frozen=True)
class Finding:
    """One problem a rule found."""

    rule: str
    severity: Severity
    message: str
    location: Location

    def as_dict(self) -> dict[str, Any]:
        """The JSON form (version 1)."""
        return {"rule": self.rule, "severity": self.severity, "message": self.message,
                "location": self.location.as_dict()}


@dataclass
class FileResult:
    """The findings for one draft, and the rules that ran on it."""

    path: str
    kind: str
    findings: list[Finding] = field(default_factory=list)
    rules_run: list[str] = field(default_factory=list)
    kind_from: str = "option"  # how the kind was decided: a key of checks.kinds.SOURCES
    skipped: str = ""  # why no rule ran (a kind check has no rules for); not a finding, exit code unchanged
    explain: list[dict[str, Any]] = field(default_factory=list)  # how each required element was found (--explain)


@dataclass
class Summary:
    """Every file's result; `exit_code` is 1 for any error (or any warning with `strict`), else 0."""

    files: list[FileResult]
    strict: bool = False
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (path, why): reported last, exit 3

    @property
    def errors(self) -> int:
        return sum(1 for f in self.files for x in f.findings if x.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.files for x in f.findings if x.severity == "warning")

    @property
    def exit_code(self) -> ExitStatus:
        if self.unreadable:
            return ExitStatus.BAD_INPUT
        if self.errors or (self.strict and self.warnings):
            return ExitStatus.FINDINGS
        return ExitStatus.OK
