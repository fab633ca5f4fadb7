"""The rule pack schema of `cspr-docs check`: a --rules file, check-rules.yaml, or the partnership's check_rules."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from cspr_docs.model.base import Identifier, Strict, Text, list_field

KindName = Literal["final-report", "combined-summary", "terms-of-reference"]


class AllowTerm(Strict):
    """A term that is not a leak, and why."""

    term: Text
    reason: Text = Field(description="Why this term is safe: required, a term without a reason is refused")
    files: list[str] = list_field(description="File-name patterns this entry applies to; all drafts if empty")


class SectionSpec(Strict):
    """A section the partnership requires, by its heading texts."""

    id: Identifier
    headings: list[Text] = Field(min_length=1)
    severity: Literal["error", "warning"] = "error"
    kinds: list[KindName] = Field(default_factory=lambda: ["final-report"])


class RulePackSchema(Strict):
    """A rule pack as written in YAML."""

    version: Literal[1] = 1
    headings: dict[str, list[Text]] = Field(default_factory=dict)
    required_sections: list[SectionSpec] = list_field()
    severity: dict[str, Literal["error", "warning"]] = Field(default_factory=dict)
    disable: list[str] = list_field()
    allow: list[AllowTerm] = list_field()
    markings: list[Text] = list_field()
    nicknames: dict[str, list[Text]] = Field(default_factory=dict)
    places: list[Text] = list_field(description="Towns, villages or estates that, with an age and a school, could "
                                    "identify the child (quasi-identifier)")
