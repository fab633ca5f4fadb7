"""Working days, England and Wales bank holidays, and every CSPR milestone with its state on a given day."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from cspr_docs.errors import InputError

if TYPE_CHECKING:
    from cspr_docs.model import Case

State = Literal["done", "due", "overdue", "not-applicable"]
Kind = Literal["deadline", "opens", "until"]

MILESTONE_IDS = (
    "notification",
    "information-requests",
    "replies",
    "meeting-earliest",
    "meeting-latest",
    "ratification",
    "rapid-review-to-panel",
    "panel-response",
    "reviewer-notification",
    "pre-publication-copy",
    "publication",
    "published-until",
)
"""Every milestone id, in the order timelines list them (chronological along the process)."""

# England and Wales bank holidays come from the `holidays` package (maintained, covers substitute days and the
# one-off holidays of 2011-2023). A holiday announced after the installed release goes here until the package has
# it: copy it from https://www.gov.uk/bank-holidays.json ("england-and-wales").
EXTRA_BANK_HOLIDAYS: frozenset[dt.date] = frozenset()

_NOT_PANEL_OUTCOMES = ("alternative-learning-review", "no-further-action")

# Where each rule comes from, by the name of the public guidance: users see these in `timeline --format json` and
# in their calendars. The default timescales follow them; a partnership may set its own (partnership.timescales).
_WT = "Working Together to Safeguard Children 2023, chapter 5"
_PANEL = "Child Safeguarding Practice Review Panel, guidance for safeguarding partners"
_LLR = "Leicester, Leicestershire and Rutland Local Child Safeguarding Practice Reviews Framework and Practice Guidance"
_NEL = ("North East Lincolnshire Safeguarding Children Partnership, Serious Incident Notifications and Child "
        "Safeguarding Practice Review Guidance")


@lru_cache(maxsize=128)
def bank_holidays(year: int) -> frozenset[dt.date]:
    """England and Wales bank holidays of one year, substitute days included."""
    import holidays  # imported here: 0.1 s, and only date arithmetic needs it

    calendar_days = holidays.country_holidays("GB", subdiv="ENG", years=year)
    return frozenset(calendar_days) | {day for day in EXTRA_BANK_HOLIDAYS if day.year == year}


def is_working_day(day: dt.date, closures: Iterable[dt.date] = ()) -> bool:
    """Monday to Friday, not an England and Wales bank holiday, not one of `closures`."""
    closed = closures if isinstance(closures, (set, frozenset)) else set(closures)
    return day.weekday() < 5 and day not in bank_holidays(day.year) and day not in closed


def add_working_days(start: dt.date, n: int, closures: Iterable[dt.date] = ()) -> dt.date:
    """Working day `n` after `start` (day 0, returned as is for n == 0); a negative `n` counts back."""
    closed = frozenset(closures)
    step = dt.timedelta(days=1 if n >= 0 else -1)
    day, remaining = start, abs(n)
    while remaining:
        day += step
        if is_working_day(day, closed):
            remaining -= 1
    return day


def add_months(start: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later (or earlier), clamped to the last day of a shorter month."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise OverflowError("date value out of range")
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(start.day, last))


@dataclass(frozen=True)
class Milestone:
    """One deadline of the process and where the case stands against it."""

    id: str
    title: str
    rule: str
    source: str
    due: dt.date | None
    state: State
    late: bool
    done_date: dt.date | None


@dataclass(frozen=True)
class Timeline:
    """Every milestone of a case on a given day."""

    reference: str
    route: str
    today: dt.date
    milestones: list[Milestone]

    def get(self, milestone_id: str) -> Milestone:
        """The milestone with this id (raises KeyError when there is none)."""
        for milestone in self.milestones:
            if milestone.id == milestone_id:
                return milestone
        raise KeyError(milestone_id)


@dataclass(frozen=True)
class _Plan:
    """A milestone before it meets a day: due date, recorded date, and why it may not apply."""

    id: str
    title: str
    rule: str
    source: str
    due: dt.date | None = None
    done: dt.date | None = None
    missing: str = ""  # the trigger field that is not recorded yet
    applicable: bool = True  # False: not on this route or outcome; `rule` then says why
    kind: Kind = "deadline"


def _wd(n: int) -> str:
    return f"{n} working day{'' if n == 1 else 's'}"


def _months(n: int) -> str:
    return f"{n} calendar month{'' if n == 1 else 's'}"


def _years(n: int) -> str:
    return f"{n} year{'' if n == 1 else 's'}"


def _plans(case: Case) -> list[_Plan]:
    """Every milestone's due date and recorded date; knows nothing of today."""
    try:
        return _build_plans(case)
    except OverflowError:
        raise InputError(
            "case dates: a deadline would fall after the year 9999; check the dates of the incident, notification, "
            "referral, rapid_review, review and publication sections"
        ) from None


@dataclass(frozen=True)
class _Count:
    """Date arithmetic with the partnership's closure days; a missing start gives no date."""

    closures: frozenset[dt.date]

    def wd(self, start: dt.date | None, n: int) -> dt.date | None:
        return None if start is None else add_working_days(start, n, self.closures)

    def months(self, start: dt.date | None, n: int) -> dt.date | None:
        return None if start is None else add_months(start, n)


def _build_plans(case: Case) -> list[_Plan]:
    count = _Count(frozenset(case.partnership.closure_days))
    route_plans = _referral_plans if case.route == "referral" else _notification_plans
    plans = [*route_plans(case, count), *_later_plans(case, count)]
    order = {milestone_id: i for i, milestone_id in enumerate(MILESTONE_IDS)}
    return sorted(plans, key=lambda plan: order[plan.id])


def _referral_plans(case: Case, count: _Count) -> list[_Plan]:
    """Seed 004 §4.9, referral from an agency (no rapid review): calendar months from the referral."""
    t, rr = case.partnership.timescales, case.rapid_review
    day0 = case.referral.received_date if case.referral else None
    since = "receiving the referral (referral.received_date)"
    missing = "" if day0 else "referral.received_date"
    source = f"{_LLR}, section 4.9 (referral from an agency)"
    decision_due = count.months(day0, t.referral_decision_months)
    within = f"within {_months(t.referral_decision_months)} of {since}"
    to_panel = _Plan("rapid-review-to-panel", "Combined summary sent to the Panel",
                     f"combined summary and covering letter to the Panel {within}", source,
                     decision_due, rr.submitted_date, missing)
    if rr.decision and rr.decision.outcome in _NOT_PANEL_OUTCOMES and rr.submitted_date is None:
        to_panel = _Plan(to_panel.id, to_panel.title,
                         "not needed: the Case Review Group decided the review criteria are not met "
                         "(rapid_review.decision.outcome)", source, applicable=False)
    return [
        _Plan("notification", "Notification to the Panel (SIN)",
              "not on the referral route: an agency referral is not a notification to the Panel",
              f"{_LLR}, section 4.1.5", applicable=False),
        _Plan("information-requests", "Information requests sent to agencies",
              f"within {_months(t.referral_requests_months)} of {since}", source,
              count.months(day0, t.referral_requests_months), rr.requests_sent_date, missing),
        _Plan("replies", "Agency replies collated", f"replies collated for the Case Review Group {within}",
              source, decision_due, rr.replies_complete_date, missing),
        _Plan("meeting-earliest", "Case Review Group meeting: earliest day",
              "not on the referral route: the case goes to the next scheduled Case Review Group meeting, "
              "with no earliest day", source, applicable=False),
        _Plan("meeting-latest", "Case Review Group meeting: latest day",
              f"the Case Review Group considers the case {within}", source,
              decision_due, rr.meeting.date if rr.meeting else None, missing),
        to_panel,
    ]


def _notification_plans(case: Case, count: _Count) -> list[_Plan]:
    """Seed 004 §4.9, notification to the Panel (rapid review): working days from the notification (day 0)."""
    t, rr = case.partnership.timescales, case.rapid_review
    day0 = case.notification.sent_date if case.notification else None
    since = "sending the notification to the Panel (notification.sent_date, day 0)"
    missing = "" if day0 else "notification.sent_date"
    meeting = rr.meeting.date if rr.meeting else None
    return [
        _Plan("notification", "Notification to the Panel (SIN)",
              f"within {_wd(t.notification_working_days)} of the local authority becoming aware of the "
              "incident (incident.aware_date)", f"{_WT}; Children Act 2004, section 16C",
              count.wd(case.incident.aware_date, t.notification_working_days), day0),
        _Plan("information-requests", "Information requests sent to agencies",
              f"within {_wd(t.requests_working_days)} of {since}", f"{_LLR}, sections 4.3.3 and 4.9",
              count.wd(day0, t.requests_working_days), rr.requests_sent_date, missing),
        _Plan("replies", "Agency replies returned",
              f"within {_wd(t.replies_working_days)} of {since}", f"{_LLR}, section 4.9",
              count.wd(day0, t.replies_working_days), rr.replies_complete_date, missing),
        _Plan("meeting-earliest", "Rapid review meeting: earliest day",
              f"the meeting is held no earlier than {_wd(t.meeting_earliest_working_days)} after {since}; "
              "an earlier meeting is not late", f"{_LLR}, sections 4.4.2 and 4.9",
              count.wd(day0, t.meeting_earliest_working_days), meeting, missing, kind="opens"),
        _Plan("meeting-latest", "Rapid review meeting: latest day",
              f"the meeting is held by {_wd(t.meeting_latest_working_days)} after {since}",
              f"{_LLR}, sections 4.4.2 and 4.9", count.wd(day0, t.meeting_latest_working_days), meeting, missing),
        _Plan("rapid-review-to-panel", "Rapid review sent to the Panel",
              f"combined summary and covering letter to the Panel within "
              f"{_wd(t.rapid_review_working_days)} of {since}", f"{_PANEL} (cited in {_WT}); {_LLR}, sections 4.8.1 and 4.9",
              count.wd(day0, t.rapid_review_working_days), rr.submitted_date, missing),
    ]


def _later_plans(case: Case, count: _Count) -> list[_Plan]:
    """Milestones of both routes: ratification, the Panel's response, the local review and its publication."""
    t, rr, review, pub = case.partnership.timescales, case.rapid_review, case.review, case.publication
    meeting = rr.meeting.date if rr.meeting else None
    decision = review.decision_date if review else None
    publication_due = count.months(decision, t.publication_months)
    publishing = pub.planned_date or publication_due
    return [
        _Plan("ratification", "Decision ratified",
              f"ratified by the independent advisor and/or partners within {_wd(t.ratification_working_days)} "
              "of the meeting (rapid_review.meeting.date)", f"{_LLR}, section 4.9",
              count.wd(meeting, t.ratification_working_days), rr.ratified_date,
              "" if meeting else "rapid_review.meeting.date"),
        _Plan("panel-response", "Panel response expected",
              f"expected, not a duty of the partnership: the Panel aims to respond within "
              f"{_wd(t.panel_response_working_days)} of receiving the rapid review (rapid_review.submitted_date)",
              f"{_NEL}, section 3", count.wd(rr.submitted_date, t.panel_response_working_days),
              rr.panel_response.date if rr.panel_response else None,
              "" if rr.submitted_date else "rapid_review.submitted_date"),
        _Plan("reviewer-notification", "Panel, Ofsted and DfE told of the reviewer",
              f"as soon as a local review is decided, at the latest {_wd(t.reviewer_notification_working_days)} "
              "after the decision (review.decision_date)", f"{_WT} ('as soon as'; the working-day limit is a local default)",
              count.wd(decision, t.reviewer_notification_working_days),
              review.notification_sent_date if review else None, "" if decision else "review.decision_date"),
        _Plan("pre-publication-copy", "Report to the Panel and DfE before publication",
              f"at least {_wd(t.pre_publication_working_days)} before publication (publication.planned_date, "
              "else the publication due date)", f"{_WT}; {_NEL}, section 8",
              count.wd(publishing, -t.pre_publication_working_days), pub.pre_publication_sent_date,
              "" if publishing else "review.decision_date or publication.planned_date"),
        _Plan("publication", "Final report published",
              f"published within {_months(t.publication_months)} of the decision to hold a local review "
              "(review.decision_date)", f"{_WT}; {_LLR}, section 3.1.2",
              publication_due, pub.published_date, "" if decision else "review.decision_date"),
        _Plan("published-until", "Report kept published until",
              f"kept publicly available for at least {_years(t.published_for_years)} after publication "
              "(publication.published_date)", _WT,
              count.months(pub.published_date, 12 * t.published_for_years), None,
              "" if pub.published_date else "publication.published_date", kind="until"),
    ]


def due_dates(case: Case) -> dict[str, dt.date | None]:
    """Each milestone's due date by id (None when it does not apply or its trigger is not recorded yet)."""
    return {plan.id: plan.due if plan.applicable else None for plan in _plans(case)}


def _milestone(plan: _Plan, today: dt.date) -> Milestone:
    def make(state: State, due: dt.date | None, late: bool = False, done: dt.date | None = None,
             rule: str = plan.rule) -> Milestone:
        return Milestone(plan.id, plan.title, rule, plan.source, due, state, late, done)

    if not plan.applicable:
        return make("not-applicable", None)
    # A date after `today` has not happened yet on that day (e.g. a meeting booked ahead); with no trigger recorded
    # a recorded step is still done: it did happen.
    if plan.done is not None and plan.done <= today:
        late = plan.kind == "deadline" and plan.due is not None and plan.done > plan.due
        return make("done", plan.due, late, plan.done)
    if plan.due is None:
        return make("not-applicable", None, rule=f"{plan.rule}; not applicable until {plan.missing} is recorded")
    if plan.kind == "until":  # the publication period has been served once it has passed
        return make("done" if today > plan.due else "due", plan.due)
    if plan.kind == "opens" or today <= plan.due:  # a window that opens is never overdue; meeting-latest is
        return make("due", plan.due)
    return make("overdue", plan.due)


def compute_timeline(case: Case, today: dt.date) -> Timeline:
    """Every milestone of `case` with its state on `today` (given by the caller: this module never reads the clock)."""
    return Timeline(case.reference, case.route, today, [_milestone(plan, today) for plan in _plans(case)])
