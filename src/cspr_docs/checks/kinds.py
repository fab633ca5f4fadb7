"""What a draft is when `--kind` is not given: its cspr-docs properties, else its file name, else its title, else
its sections; a draft nothing identifies is an unknown document, checked for names and identifiers only."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cspr_docs.checks.draft import Draft
from cspr_docs.checks.text import normalise

REPORTS = ("final-report", "combined-summary", "terms-of-reference")
"""The kinds whose statutory content `check` knows."""
PUBLISHABLE = ("learning-briefing", "publication-notice", "family-letter-publication")
"""Other documents meant for publication: checked for names, identifiers and leftovers."""
UNKNOWN = "document"
"""A draft nothing says the kind of (a README, notes, a letter from elsewhere): checked for real names, dates of
birth and identifiers only, as anything in a repository may be published; never judged as a report."""
CHECKED = (*REPORTS, *PUBLISHABLE, UNKNOWN)
"""The kinds `check` has rules for."""

SOURCES = {
    "option": "given with --kind",
    "cspr.template": "from its cspr.template document property",
    "identifier": "from its identifier document property",
    "file-name": "from its file name",
    "heading": "from its title",
    "content": "from its sections (findings, recommendations, family, the child)",
    "default": "nothing says it is a report: checked for names and identifiers only (give --kind to check more)",
}
"""How the kind was decided (the JSON `kind_from`) and how the text report says it."""

_TITLES = (
    ("terms-of-reference", re.compile(r"^(draft )?terms of reference\b")),
    ("combined-summary", re.compile(r"\bcombined (rapid review )?summary\b|\brapid review\b.{0,40}\b(summary|report)\b"
                                    r"|\bsummary (and outcome )?of (the )?rapid review\b")),
    ("learning-briefing", re.compile(r"\b(7|seven)[- ]minute (briefing|brief|learning)|\b(6|six)[- ]step briefing|"
                                     r"\blearning (brief|briefing|summary)\b|\bpractice (brief|briefing|learning "
                                     r"summary)\b|\bbriefing (note|paper)\b|\bkey (learning|messages) (briefing|summary)")),
    ("publication-notice", re.compile(r"\b(notice|notification) of (intended |planned |proposed )?publication\b|"
                                      r"\bpre-?publication (notice|notification|copy)\b")),
    ("final-report", re.compile(r"^(?!.*\b(notes|minutes|agenda|action log|letter|briefing|checklist|template|"
                                r"guidance|procedure|framework|annual report)\b).*(\bsafeguarding practice review\b|"
                                r"\blcspr\b|\bfinal report\b|\bserious case review\b|\blearning review\b|"
                                r"\bpractice review\b|\boverview report\b)")),
)
_FILE_ALIASES = (
    ("learning-briefing", re.compile(r"(^|-)((7|seven)-minute-(briefing|brief)|learning-(brief|briefing|summary)|"
                                     r"practice-brief(ing)?)(-|$)")),
    ("final-report", re.compile(r"(^|-)(overview-report|practice-review|case-review|learning-review|lcspr-report|"
                                r"cspr-report|scr-report|serious-case-review|draft-report|final-draft)(-|$)")),
)
_NOT_DRAFTS = re.compile(r"^(readme|changelog|changes|history|contributing|license|licence|notes?|todo|authors|"
                         r"code_of_conduct|security|news)$")
REPORT_ELEMENTS = ("improvements-summary", "systemic-analysis", "child-perspective", "family-involvement")
"""A draft with headings for three of these is a report, whatever its file is called."""


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
    for kind, pattern in _FILE_ALIASES:
        if pattern.search(stem):
            return KindChoice(kind, "file-name")
    return None


def _title_blocks(draft: Draft) -> list[str]:
    """The first headings, else the first lines: where a document says what it is."""
    body = draft.body()
    headings = [b for b in body if b.level is not None][:3]
    firsts = [b for b in body[:4] if len(b.text) < 160]
    return [normalise(b.text).strip() for b in (*headings, *firsts)]


def _from_title(draft: Draft) -> KindChoice | None:
    texts = _title_blocks(draft)
    for kind, pattern in _TITLES:
        if any(pattern.search(text) for text in texts):
            return KindChoice(kind, "heading")
    return None


def _from_content(draft: Draft) -> KindChoice | None:
    """Headings for three of the report's elements (findings, recommendations, the family, the child)."""
    from cspr_docs.checks.lexicon import LEXICONS
    from cspr_docs.checks.recognise import heading_key

    titles = [heading_key(b.text) for b in draft.body() if b.level is not None]
    named = sum(1 for element in REPORT_ELEMENTS if any(LEXICONS[element].heading_regex().search(t) for t in titles))
    return KindChoice("final-report", "content") if named >= 3 else None


def infer_kind(draft: Draft) -> KindChoice:
    """The draft's kind: the cspr.template (or identifier) property of a document cspr-docs rendered, else a kind
    named in the file name (`…_combined-summary.docx`, `7-minute-briefing.pdf`), else its title ("Terms of
    reference…", "Local Child Safeguarding Practice Review: Child P"), else its sections (a report's headings),
    else an unknown document (names and identifiers only). A README, CHANGELOG or notes file is never taken for a
    report by its headings."""
    known = _known_kinds()
    chosen = _from_properties(draft, known) or _from_file_name(draft, known)
    if chosen is None and not _NOT_DRAFTS.match(draft.path.stem.casefold()):
        chosen = _from_title(draft) or _from_content(draft)
    return chosen or KindChoice(UNKNOWN, "default")
