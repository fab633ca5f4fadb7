"""The document catalogue: each kind's template, stage, recipients and when a case has reached it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from cspr_docs.model import Agency, Case, FamilyMember
from cspr_docs.model.review_parts import Practitioner

Recipient = Agency | Practitioner | FamilyMember

Stage = Literal["referral", "rapid-review", "review", "publication"]
RecipientType = Literal["agency", "practitioner", "family"]
STAGES: tuple[Stage, ...] = ("referral", "rapid-review", "review", "publication")


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document: rendered once, or once per recipient (an agency, a practitioner, a family member).

    `requested` names what the terms of reference ask of an agency (`chronology`, `information-report`): such a
    kind goes only to the agencies asked for it (to every agency when the terms list no contributions).
    """

    id: str
    title: str
    template: str
    stage: Stage
    per_recipient: RecipientType | None
    publishable: bool
    reached: Callable[[Case], bool]
    requested: str | None = None

    def __repr__(self) -> str:
        return f"DocumentKind({self.id!r})"


def _kind(
    id: str,
    title: str,
    stage: Stage,
    reached: Callable[[Case], bool],
    *,
    per_recipient: RecipientType | None = None,
    publishable: bool = False,
    requested: str | None = None,
) -> DocumentKind:
    return DocumentKind(id, title, f"{id}.docx", stage, per_recipient, publishable, reached, requested)


def _referral(case: Case) -> bool:
    return case.route == "referral" and case.referral is not None


def _has_agencies(case: Case) -> bool:
    return bool(case.agencies)


def _decided(case: Case) -> bool:
    return case.rapid_review.decision is not None


def _review(case: Case) -> bool:
    return case.review is not None


def _terms(case: Case) -> bool:
    return case.review is not None and case.review.terms_of_reference is not None


def _publication_planned(case: Case) -> bool:
    return case.publication.planned_date is not None


def _asked_ids(case: Case, requested: str) -> set[str] | None:
    """Agencies the terms of reference ask for `requested`; None when the terms list no contributions."""
    terms = case.review.terms_of_reference if case.review else None
    if terms is None or not terms.contributions:
        return None
    return {c.agency for c in terms.contributions if requested in c.requested}


def recipients(case: Case, kind: DocumentKind) -> list[Recipient]:
    """Who receives one copy each of a per-recipient kind, in case order (empty for single documents)."""
    if kind.per_recipient == "agency":
        asked = _asked_ids(case, kind.requested) if kind.requested else None
        return [a for a in case.agencies if asked is None or a.id in asked]
    if kind.per_recipient == "practitioner":
        return list(case.review.practitioners) if case.review else []
    if kind.per_recipient == "family":
        return [member for member in case.family if member.contact is not None]
    return []


def _asked(requested: str) -> Callable[[Case], bool]:
    def reached(case: Case) -> bool:
        return _terms(case) and bool(recipients(case, CATALOGUE[f"{requested}-template"]))

    return reached


def _decided_with_agencies(case: Case) -> bool:
    return _decided(case) and _has_agencies(case)


def _workshop(case: Case) -> bool:
    return case.review is not None and case.review.workshop is not None and bool(case.review.practitioners)


def _family(case: Case) -> bool:
    return case.review is not None and any(member.contact is not None for member in case.family)


def _draft_sharing(case: Case) -> bool:
    return _family(case) and case.review is not None and case.review.draft_sharing is not None


def _family_publication(case: Case) -> bool:
    """A publication date the family can be told: none while a recorded delay puts publication after it."""
    planned, delay = case.publication.planned_date, case.publication.delay
    held = delay is not None and (delay.expected_date is None or planned is None or planned < delay.expected_date)
    return _family(case) and planned is not None and not held


def _delayed(case: Case) -> bool:
    return case.review is not None and case.publication.delay is not None


def _briefing(case: Case) -> bool:
    return case.review is not None and case.learning_briefing is not None


CATALOGUE: dict[str, DocumentKind] = {
    kind.id: kind
    for kind in (
        _kind("referral-form", "CSPR referral form", "referral", _referral),
        _kind("information-request-letter", "Rapid review information request", "rapid-review", _has_agencies,
              per_recipient="agency"),
        _kind("information-request-reply", "Rapid review information request: agency reply", "rapid-review",
              _has_agencies, per_recipient="agency"),
        _kind("combined-summary", "Rapid review combined summary", "rapid-review", _decided),
        _kind("panel-covering-letter", "Rapid review covering letter to the National Panel", "rapid-review", _decided),
        _kind("reviewer-notification", "Notification of a local review and its reviewer", "review", _review),
        _kind("terms-of-reference", "Terms of reference for the local review", "review", _terms),
        _kind("final-report", "Local child safeguarding practice review: final report", "publication", _review,
              publishable=True),
        _kind("publication-notice", "Notice of publication of the final report", "publication", _publication_planned),
        _kind("outcome-letter", "Rapid review outcome letter", "rapid-review", _decided_with_agencies,
              per_recipient="agency"),
        _kind("chronology-request-letter", "Chronology request", "review", _asked("chronology"),
              per_recipient="agency", requested="chronology"),
        _kind("chronology-template", "Agency chronology", "review", _asked("chronology"), per_recipient="agency",
              requested="chronology"),
        _kind("multi-agency-chronology", "Multi-agency chronology", "review", _asked("chronology")),
        _kind("information-report-request-letter", "Information report request", "review",
              _asked("information-report"), per_recipient="agency", requested="information-report"),
        _kind("information-report-template", "Agency information report", "review", _asked("information-report"),
              per_recipient="agency", requested="information-report"),
        _kind("factual-summary", "Factual summary of key practice episodes", "review", _terms),
        _kind("workshop-invitation", "Reflective learning workshop invitation", "review", _workshop,
              per_recipient="practitioner"),
        _kind("family-letter", "Letter to a family member introducing the review", "review", _family,
              per_recipient="family"),
        _kind("family-letter-draft", "Letter to a family member about reading the draft report", "review",
              _draft_sharing, per_recipient="family"),
        _kind("progress-request", "Request to the reviewer for progress or a draft (regulation 14)", "review",
              _review),
        _kind("family-letter-publication", "Letter to a family member before publication", "publication",
              _family_publication, per_recipient="family"),
        _kind("delay-notice", "Reasons for delay in publication", "publication", _delayed),
        _kind("learning-briefing", "7-minute learning briefing", "publication", _briefing, publishable=True),
    )
}
"""Every kind cspr-docs renders, in process order."""


def reached_kinds(case: Case, *, stage: Stage | None = None) -> list[DocumentKind]:
    """The kinds this case has reached on its route (optionally only those of one stage), in process order."""
    return [k for k in CATALOGUE.values() if k.reached(case) and (stage is None or k.stage == stage)]


def get_kind(kind_id: str) -> DocumentKind:
    """The catalogue entry for an id; KeyError when there is none."""
    return CATALOGUE[kind_id]
