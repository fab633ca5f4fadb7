"""Every rule, by its stable id: default severity, the kinds of draft it applies to, whether it needs the case."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from cspr_docs.checks.findings import Finding, Severity
from cspr_docs.checks.kinds import CHECKED, PUBLISHABLE, REPORTS
from cspr_docs.checks.rules import anonymity, combined, content, hygiene, identifiers, recommendations, timing

ALL = REPORTS  # the statutory reports: final report, combined summary, terms of reference
EVERY = CHECKED  # anything that may be published, unknown drafts included: names and identifiers
FINISHED = (*REPORTS, *PUBLISHABLE)  # documents someone sends: no leftovers, no tracked changes
MARKED = (*REPORTS, "learning-briefing", "family-letter-publication")  # marking: working documents on, publications off
FINAL = ("final-report",)
PUBLIC = ("final-report", "learning-briefing")  # read by the public: genograms and quasi-identifiers
COMBINED = ("combined-summary",)
TOR = ("terms-of-reference",)


@dataclass(frozen=True)
class Rule:
    """A check with a stable id."""

    id: str
    severity: Severity
    kinds: tuple[str, ...]
    summary: str
    check: Callable[[Any], Iterable[Finding]]
    needs_case: bool = False


def _rule(id: str, severity: Severity, kinds: tuple[str, ...], summary: str, check: Callable[[Any], Iterable[Finding]],
          needs_case: bool = False) -> tuple[str, Rule]:
    return id, Rule(id, severity, kinds, summary, check, needs_case)


RULES: dict[str, Rule] = dict([
    _rule("improvements-summary", "error", FINAL, "no summary of recommended improvements",
          content.check_improvements_summary),
    _rule("systemic-analysis", "error", FINAL, "no analysis of systemic or underlying reasons",
          content.check_systemic_analysis),
    _rule("reviewer-name", "error", FINAL, "the reviewer's name is absent (or differs from review.reviewer.name)",
          content.check_reviewer_name),
    _rule("recommendation-owner", "error", FINAL, "a recommendation does not say whom it is for",
          recommendations.check_recommendation_owner),
    _rule("recommendation-due", "error", FINAL, "a recommendation does not say by when",
          recommendations.check_recommendation_due),
    _rule("minimum-content", "error", FINAL, "an element of the minimum content (LLR CSPR guidance §9.1.2) is missing (one finding each)",
          content.check_minimum_content),
    _rule("child-perspective", "error", FINAL, "nothing on the child's lived experience or perspective",
          content.check_child_perspective),
    _rule("family-involvement", "error", FINAL, "family involvement, or the reasons for non-involvement, missing",
          content.check_family_involvement),
    _rule("required-section", "error", FINISHED, "a section the rule pack requires is missing, empty, repeated or "
          "out of the pack's order",
          content.check_required_sections),
    _rule("real-name", "error", EVERY, "a real name from the case data", anonymity.check_real_name, True),
    _rule("initials", "warning", EVERY, "initials matching a name from the case data", anonymity.check_initials,
          True),
    _rule("date-of-birth", "error", EVERY, "a date of birth from the case data (a warning in working documents)",
          anonymity.check_date_of_birth, True),
    _rule("quasi-identifier", "warning", PUBLIC, "the child's school named, or age + school + place together",
          anonymity.check_quasi_identifier, True),
    _rule("uk-identifier", "error", EVERY, "NHS number, National Insurance number, postcode or phone number",
          identifiers.check_uk_identifier),
    _rule("genogram", "error", PUBLIC, "a genogram in a report meant for publication", hygiene.check_genogram),
    _rule("leftover-placeholder", "error", FINISHED, "{{, {%, [[MISSING, TODO, [insert…], template guidance, broken "
          "references",
          hygiene.check_leftover_placeholder),
    _rule("tracked-changes", "error", FINISHED, "unaccepted tracked changes or open comments",
          hygiene.check_tracked_changes),
    _rule("protective-marking", "error", MARKED, "publication draft still marked, or working document unmarked",
          hygiene.check_protective_marking),
    _rule("heading-style", "warning", ALL, "a heading typed in a body style (.docx)", hygiene.check_heading_style),
    _rule("publication-timing", "error", FINAL, "publication > 6 months after the decision, or pre-publication "
          "copy < 7 working days before", timing.check_publication_timing, True),
    _rule("decision-rationale", "error", COMBINED, "decision or rationale missing", combined.check_decision_rationale),
    _rule("criteria-addressed", "error", COMBINED, "a statutory criterion is not addressed",
          combined.check_criteria_addressed),
    _rule("rapid-review-quorum", "error", COMBINED, "the rapid review meeting was not quorate",
          timing.check_rapid_review_quorum, True),
    _rule("rapid-review-timing", "error", COMBINED, "not sent within 15 working days of the notification",
          timing.check_rapid_review_timing, True),
    _rule("tor-content", "error", TOR, "a terms-of-reference element is missing", combined.check_tor_content),
])

HEADING_IDS = frozenset({*content.ELEMENTS, *content.MINIMUM_CONTENT, *combined.TOR_ELEMENTS, "decision",
                         "rationale"})
"""Section ids a rule pack may add heading synonyms for."""
