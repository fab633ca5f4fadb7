"""Rules the schema cannot express: unique ids, known agency ids, dates in a possible order, route sections."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from cspr_docs.load import format_loc
from cspr_docs.model.case import Case
from cspr_docs.model.names import find_restricted_names
from cspr_docs.model.observations import find_reminders

Loc = tuple[str | int, ...]
Issue = tuple[Loc, str]
Dated = tuple[Loc, dt.date | None]


def find_inconsistencies(case: Case) -> list[Issue]:
    """Every consistency problem of a schema-valid case, as (field location, message); never quotes values."""
    return [*_route_sections(case), *_unique_ids(case), *_agency_references(case), *_date_order(case),
            *_review_date_order(case), *find_restricted_names(case)]


def _route_sections(case: Case) -> Iterator[Issue]:
    if case.route == "notification" and case.notification is None:
        yield ("notification",), "the notification route needs a `notification` section (sent_date)"
    if case.route == "referral" and case.referral is None:
        yield ("referral",), "the referral route needs a `referral` section (received_date, referrer)"
    if case.publication.published_date and case.review is None:
        yield ("publication", "published_date"), "a published report needs a `review` section"
    if case.recommendations and case.review is None:
        yield ("recommendations",), "recommendations belong to a local review: add a `review` section"


def _duplicates(ids: Iterable[tuple[Loc, str]], what: str) -> Iterator[Issue]:
    seen: dict[str, Loc] = {}
    for loc, ident in ids:
        key = ident.casefold()
        if key in seen:
            yield loc, f"duplicate {what} id (ids must be unique, ignoring case; first used at {format_loc(seen[key])})"
        else:
            seen[key] = loc


def _unique_ids(case: Case) -> Iterator[Issue]:
    people = [(("children", i, "id"), c.id) for i, c in enumerate(case.children)]
    people += [(("family", i, "id"), f.id) for i, f in enumerate(case.family)]
    yield from _duplicates(people, "person")
    yield from _duplicates([(("agencies", i, "id"), a.id) for i, a in enumerate(case.agencies)], "agency")
    yield from _duplicates(
        [(("recommendations", i, "id"), r.id) for i, r in enumerate(case.recommendations)], "recommendation"
    )
    if case.review:  # practitioner ids name their merged files
        yield from _duplicates(
            [(("review", "practitioners", i, "id"), p.id) for i, p in enumerate(case.review.practitioners)],
            "practitioner",
        )
    if case.rapid_review.decision:
        yield from _duplicates(
            [
                (("rapid_review", "decision", "criteria", i, "id"), c.id)
                for i, c in enumerate(case.rapid_review.decision.criteria)
            ],
            "criterion",
        )


def _agency_references(case: Case) -> Iterator[Issue]:
    known = {a.id for a in case.agencies}
    refs: list[tuple[Loc, str]] = []
    if case.referral:
        refs.append((("referral", "referrer", "agency"), case.referral.referrer.agency))
    if case.rapid_review.meeting:
        refs += [
            (("rapid_review", "meeting", "attendees", i, "agency"), a.agency)
            for i, a in enumerate(case.rapid_review.meeting.attendees)
        ]
    review = case.review
    if review and review.terms_of_reference:
        refs += [
            (("review", "terms_of_reference", "contributions", i, "agency"), c.agency)
            for i, c in enumerate(review.terms_of_reference.contributions)
        ]
    if review:
        refs += [(("review", "practitioners", i, "agency"), p.agency) for i, p in enumerate(review.practitioners)]
    if review and review.factual_summary:
        refs += [
            (("review", "factual_summary", "episodes", i, "agencies", j), agency_id)
            for i, episode in enumerate(review.factual_summary.episodes)
            for j, agency_id in enumerate(episode.agencies)
        ]
    for loc, agency_id in refs:
        if agency_id not in known:  # the value is not quoted: a name typed here by mistake must not leak
            yield loc, "is not the id of one of the case's `agencies`"


def _out_of_order(pairs: Iterable[tuple[Dated, Dated]]) -> Iterator[Issue]:
    """Each pair (earlier, later) must be in order when both dates are present; equal dates are in order."""
    for (early_loc, early), (late_loc, late) in pairs:
        if early is not None and late is not None and late < early:
            yield late_loc, f"is before {format_loc(early_loc)}; check the dates"


def _date_order(case: Case) -> Iterator[Issue]:
    """The route's dates, from the incident to publication, in order."""
    rr = case.rapid_review
    start: Dated = (("incident", "aware_date"), case.incident.aware_date)
    if case.route == "notification" and case.notification:
        start = (("notification", "sent_date"), case.notification.sent_date)
    elif case.route == "referral" and case.referral:
        start = (("referral", "received_date"), case.referral.received_date)
    pairs: list[tuple[Dated, Dated]] = [
        ((("incident", "date"), case.incident.date), (("incident", "aware_date"), case.incident.aware_date)),
        (
            (("incident", "aware_date"), case.incident.aware_date),
            (("notification", "sent_date"), case.notification.sent_date if case.notification else None),
        ),
        (start, (("rapid_review", "requests_sent_date"), rr.requests_sent_date)),
        (start, (("rapid_review", "meeting", "date"), rr.meeting.date if rr.meeting else None)),
        (
            (("rapid_review", "meeting", "date"), rr.meeting.date if rr.meeting else None),
            (("rapid_review", "decision", "date"), rr.decision.date if rr.decision else None),
        ),
        (
            (("rapid_review", "meeting", "date"), rr.meeting.date if rr.meeting else None),
            (("rapid_review", "submitted_date"), rr.submitted_date),
        ),
        (
            (("rapid_review", "submitted_date"), rr.submitted_date),
            (("rapid_review", "panel_response", "date"), rr.panel_response.date if rr.panel_response else None),
        ),
        (start, (("review", "decision_date"), case.review.decision_date if case.review else None)),
        (
            (("review", "decision_date"), case.review.decision_date if case.review else None),
            (("publication", "published_date"), case.publication.published_date),
        ),
        (
            (("publication", "pre_publication_sent_date"), case.publication.pre_publication_sent_date),
            (("publication", "published_date"), case.publication.published_date),
        ),
    ]
    if case.review and case.review.terms_of_reference:
        period = case.review.terms_of_reference.scoping_period
        loc = ("review", "terms_of_reference", "scoping_period")
        pairs.append(((loc + ("start",), period.start), (loc + ("end",), period.end)))
    yield from _out_of_order(pairs)
    for i, child in enumerate(case.children):
        if child.date_of_birth and child.date_of_birth > case.incident.date:
            yield ("children", i, "date_of_birth"), "is after incident.date; check the date"


def _review_date_order(case: Case) -> Iterator[Issue]:
    """The local review's own dates: after its decision, replies before events, a delay not before the plan."""
    review, pub = case.review, case.publication
    pairs: list[tuple[Dated, Dated]] = []
    if review:
        decided: Dated = (("review", "decision_date"), review.decision_date)
        pairs += [
            (decided, (("review", "notification_sent_date"), review.notification_sent_date)),
            (decided, (("review", "requests_sent_date"), review.requests_sent_date)),
            (decided, (("review", "chronology_due"), review.chronology_due)),
            (decided, (("review", "information_report_due"), review.information_report_due)),
        ]
        if review.workshop:
            workshop = review.workshop
            pairs += [
                (decided, (("review", "workshop", "date"), workshop.date)),
                ((("review", "workshop", "reply_by"), workshop.reply_by), (("review", "workshop", "date"), workshop.date)),
            ]
        if review.draft_sharing:
            sharing, loc = review.draft_sharing, ("review", "draft_sharing")
            pairs.append(((loc + ("available_date",), sharing.available_date), (loc + ("comments_by",), sharing.comments_by)))
    if pub.delay:  # a delay cannot bring publication forward
        pairs.append(((("publication", "planned_date"), pub.planned_date),
                      (("publication", "delay", "expected_date"), pub.delay.expected_date)))
    yield from _out_of_order(pairs)


def find_observations(case: Case) -> list[Issue]:
    """Warnings that do not stop loading (`case check` prints them): things a document would get wrong or miss."""
    found: list[Issue] = []
    pub, review = case.publication, case.review
    if pub.delay and pub.delay.expected_date is None:
        found.append((("publication", "delay", "expected_date"), "not set: the delay notice will say 'to be confirmed'"))
    if pub.delay and pub.delay.expected_date and pub.planned_date and pub.planned_date < pub.delay.expected_date:
        overtaken = "is before publication.delay.expected_date: the publication notice would still announce it"
        found.append((("publication", "planned_date"), overtaken))
    if review and review.workshop and not review.practitioners:
        found.append((("review", "practitioners"), "none listed: nobody gets the workshop invitation"))
    for i, member in enumerate(case.family):
        contact = member.contact
        if contact and not (contact.address or contact.email or contact.by_hand or contact.via):
            found.append((("family", i, "contact"), "no address, email, via or by_hand: say how letters reach them"))
    found += _late_without_reason(case)
    for i, agency in enumerate(case.agencies):
        if not (agency.contact.email or agency.contact.address):
            found.append((("agencies", i, "contact"), "no email or address: say where its letters go"))
    return found + find_reminders(case)


def _late_without_reason(case: Case) -> list[Issue]:
    """A summary sent after the timescale: the covering letter apologises, and should say why."""
    from cspr_docs.timeline import due_dates

    rr = case.rapid_review
    if rr.submitted_date is None or rr.delay_reason.strip():
        return []
    due = due_dates(case).get("rapid-review-to-panel")
    if due is None or rr.submitted_date <= due:
        return []
    return [(("rapid_review", "submitted_date"),
             ("after the due date (`cspr-docs timeline`): say why in rapid_review.delay_reason, which the covering "
              "letter prints"))]
