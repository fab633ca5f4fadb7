"""What every rule sees: the draft, its kind, the case (if given), the rule pack, and a finding factory that
redacts anything it puts in a location."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cspr_docs.checks.draft import Block, Draft
from cspr_docs.checks.findings import Finding, Location, Severity
from cspr_docs.checks.rulepack import RulePack


@dataclass
class Context:
    """One draft being checked."""

    draft: Draft
    kind: str
    case: Any  # cspr_docs.model.Case | None
    pack: RulePack
    defaults: dict[str, Severity]
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def file(self) -> str:
        """The draft's path as shown in reports: a name in the file name is replaced by its field label."""
        if "file" not in self.cache:
            self.cache["file"] = self.matcher().redact(str(self.draft.path))
        return self.cache["file"]

    def matcher(self) -> Any:
        """The case's names, dates of birth and nicknames as one matcher (built once per draft)."""
        if "matcher" not in self.cache:
            from cspr_docs.checks.rules.anonymity import NameMatcher

            allow = [a for a in self.pack.allow if a.applies_to(self.draft.path)]
            self.cache["matcher"] = NameMatcher(self.case, self.pack.nicknames, allow)
        return self.cache["matcher"]

    def norm(self, block: Block) -> str:
        """The block's normalised text (computed once per block)."""
        cache = self.cache.setdefault("norm", {})
        key = id(block)
        if key not in cache:
            from cspr_docs.checks.text import normalise

            cache[key] = normalise(block.text)
        return cache[key]

    def redact(self, text: str) -> str:
        """Text with every case name, date of birth and UK identifier replaced by its field label."""
        from cspr_docs.checks.rules.identifiers import redact_identifiers

        return redact_identifiers(self.matcher().redact(text))

    def finding(self, rule: str, message: str, block: Block | None = None, *, part: str | None = None,
                severity: Severity | None = None, at: int | None = None, raw_at: int | None = None) -> Finding:
        """A finding located at `block` (or at `part`), with the pack's severity for the rule. `at` (an offset in
        the block's normalised text) or `raw_at` (in its text) is where the match starts: a paragraph that spans
        several lines of a text draft is then reported at the match's own line."""
        chosen: Severity = self.pack.severity.get(rule) or severity or self.defaults.get(rule, "error")  # type: ignore[assignment]
        if block is None:
            location = Location(self.file, part or "")
        else:
            line = block.line
            if block.line_starts and (at is not None or raw_at is not None):
                line = block.line_at(raw_at if raw_at is not None else self._raw_offset(block, at or 0))
            location = Location(
                self.file, self.redact(part or block.part), paragraph=block.index, page=block.page, line=line,
                heading=self.redact(block.heading)[:80],
            )
        return Finding(rule, chosen, message, location)

    def _raw_offset(self, block: Block, at: int) -> int:
        """The offset in `block.text` of offset `at` of its normalised text (they differ once NFKC changes length)."""
        if len(self.norm(block)) == len(block.text):
            return at
        from cspr_docs.checks.text import normalise_with_map

        where = normalise_with_map(block.text)[1]
        return where[min(at, len(where) - 1)] if where else 0
