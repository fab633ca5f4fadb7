"""What a draft is when `--kind` is not given: its cspr-docs properties, else its file name, else its title."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cspr_docs.checks.draft import Draft
from cspr_docs.checks.text import normalise

CHECKED = ("final-report", "combined-summary", "terms-of-reference")
"""The kinds `check` has rules for."""
DEFAULT = "final-report"

SOURCES = {
    "option": "given with --kind",
    "cspr.template": "from its cspr.template document property",
    "identifier": "from its identifier document property",
    "file-name": "from its file name",
    "heading": "from its title",
    "default": "by default: nothing in the draft says what it is",
}
"""How the kind was decided (the JSON `kind_from`) and how the text report says it."""

_TITLES = (
    ("terms-of-reference", re.compile(r"^(draft )?terms of reference\b")),
    ("combined-summary", re.compile(r"\bcombined (rapid review )?summary\b|\brapid review\b.{0,40}\b(summary|report)\b"
                                    r"|\bsummary (and outcome )?of (the )?rapid review\b")),
    ("final-report", re.compile(r"\bsafeguarding practice review\b|\blcspr\b|\bfinal report\b")),
)


@dataclass(frozen=True)
class KindChoice:
    """The kind a draft is checked as, and where that came from (a key of SOURCES)."""

    kind: str
    source: str

    @property
    def checked(self) -> bool:
        return self.kind in CHECKED


def _known_kinds() -> list[str]:
    from cspr_docs.documents import CATALOGUE

    return sorted({*CATALOGUE, *CHECKED}, key=len, reverse=True)


def _from_properties(draft: Draft, known: list[str]) -> KindChoice | None:
    template = draft.properties.get("cspr.template", "").strip()
    if template in known or template.startswith("pack:"):  # a pack of several documents is none of them
        return KindChoice(template, "cspr.template")
    # forms made by cspr-docs carry REFERENCE/AGENCY/KIND/VERSION in the core identifier
    for segment in draft.properties.get("identifier", "").split("/"):
        if segment.strip() in known:
            return KindChoice(segment.strip(), "identifier")
    return None


def _from_file_name(draft: Draft, known: list[str]) -> KindChoice | None:
    stem = re.sub(r"[\s_.]+", "-", draft.path.stem.casefold())
    for kind in known:  # longest first: family-letter-draft before family-letter
        if re.search(rf"(^|-){re.escape(kind)}(-|$)", stem):
            return KindChoice(kind, "file-name")
    return None


def _from_title(draft: Draft) -> KindChoice | None:
    headings = [b for b in draft.body() if b.level is not None][:3]
    for block in headings:
        text = normalise(block.text).strip()
        for kind, pattern in _TITLES:
            if pattern.search(text):
                return KindChoice(kind, "heading")
    return None


def infer_kind(draft: Draft) -> KindChoice:
    """The draft's kind: the cspr.template (or identifier) property of a document cspr-docs rendered, else a kind
    named in the file name (`…_combined-summary.docx`), else its first headings ("Terms of reference…"), else a
    final report."""
    known = _known_kinds()
    return (_from_properties(draft, known) or _from_file_name(draft, known) or _from_title(draft)
            or KindChoice(DEFAULT, "default"))
