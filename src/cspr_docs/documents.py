"""The document catalogue: each kind's template, stage, recipients and when a case has reached it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from cspr_docs.model import Case

Stage = Literal["referral", "rapid-review", "review", "publication"]
STAGES: tuple[Stage, ...] = ("referral", "rapid-review", "review", "publication")


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document: rendered once, or once per recipient (`per_recipient="agency"`)."""

    id: str
    title: str
    template: str
    stage: Stage
    per_recipient: Literal["agency"] | None
    publishable: bool
    reached: Callable[[Case], bool]

    def __repr__(self) -> str:
        return f"DocumentKind({self.id!r})"


def _kind(
    id: str,
    title: str,
    stage: Stage,
    reached: Callable[[Case], bool],
    *,
    per_recipient: Literal["agency"] | None = None,
    publishable: bool = False,
) -> DocumentKind:
    return DocumentKind(id, title, f"{id}.docx", stage, per_recipient, publishable, reached)


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
    )
}
"""Every kind cspr-docs renders, in process order."""


def reached_kinds(case: Case, *, stage: Stage | None = None) -> list[DocumentKind]:
    """The kinds this case has reached on its route (optionally only those of one stage), in process order."""
    return [k for k in CATALOGUE.values() if k.reached(case) and (stage is None or k.stage == stage)]


def get_kind(kind_id: str) -> DocumentKind:
    """The catalogue entry for an id; KeyError when there is none."""
    return CATALOGUE[kind_id]
