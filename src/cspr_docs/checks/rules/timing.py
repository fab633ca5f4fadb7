"""Dates from the case data: `publication-timing` (6 months, 7 working days), `rapid-review-timing` (15 working
days) and `rapid-review-quorum` (seed 004 §4.6.1). Working days come from `cspr_docs.timeline`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cspr_docs.checks.findings import Finding


def check_publication_timing(ctx: Any) -> Iterator[Finding]:
    from cspr_docs.timeline import add_months, add_working_days

    case = ctx.case
    if case.review is None:
        return
    pub = case.publication
    published = pub.published_date or pub.planned_date
    if published is None:
        return
    field = "publication.published_date" if pub.published_date else "publication.planned_date"
    months = case.partnership.timescales.publication_months
    latest = add_months(case.review.decision_date, months)
    if published > latest:
        yield ctx.finding("publication-timing", f"{field} is later than {months} months after review.decision_date "
                          f"(latest {latest.isoformat()})", part="case data")
    if pub.pre_publication_sent_date is not None:
        days = case.partnership.timescales.pre_publication_working_days
        send_by = add_working_days(published, -days, closures=tuple(case.partnership.closure_days))
        if pub.pre_publication_sent_date > send_by:
            yield ctx.finding("publication-timing", f"publication.pre_publication_sent_date is less than {days} "
                              f"working days before {field} (send by {send_by.isoformat()})", part="case data")


def check_rapid_review_timing(ctx: Any) -> Iterator[Finding]:
    from cspr_docs.timeline import add_working_days

    case = ctx.case
    if case.notification is None or case.rapid_review.submitted_date is None:
        return
    days = case.partnership.timescales.rapid_review_working_days
    due = add_working_days(case.notification.sent_date, days, closures=tuple(case.partnership.closure_days))
    if case.rapid_review.submitted_date > due:
        yield ctx.finding("rapid-review-timing", f"rapid_review.submitted_date is after the {days} working days from "
                          f"notification.sent_date (due {due.isoformat()})", part="case data")


def check_rapid_review_quorum(ctx: Any) -> Iterator[Finding]:
    case = ctx.case
    meeting = case.rapid_review.meeting
    if meeting is None:
        yield ctx.finding("rapid-review-quorum", "no rapid_review.meeting in the case data: quorum cannot be "
                          "shown", part="case data", severity="warning")
        return
    quorum = case.partnership.quorum
    agencies = {a.id: a for a in case.agencies}
    present = {att.agency for att in meeting.attendees if att.agency in agencies}
    partners = {a for a in present if agencies[a].statutory_partner}
    if len(present) < quorum.min_partner_agencies or len(partners) < quorum.min_safeguarding_partners:
        yield ctx.finding("rapid-review-quorum", f"the meeting was not quorate: {len(present)} partner agencies "
                          f"(at least {quorum.min_partner_agencies}) including {len(partners)} safeguarding partners "
                          f"(at least {quorum.min_safeguarding_partners}) in rapid_review.meeting.attendees",
                          part="case data")
