"""The timeline engine: working days, bank holidays, month clamping, every milestone and every state (by hand)."""

from __future__ import annotations

import copy
from datetime import date as d
from typing import Any

import pytest

from cspr_docs.errors import InputError
from cspr_docs.model import Case
from cspr_docs.timeline import (
    MILESTONE_IDS,
    add_months,
    add_working_days,
    bank_holidays,
    compute_timeline,
    due_dates,
    is_working_day,
)

# ---------------------------------------------------------------- working days


@pytest.mark.parametrize(
    ("day", "working", "why"),
    [
        (d(2026, 1, 5), True, "ordinary Monday"),
        (d(2026, 1, 3), False, "Saturday"),
        (d(2026, 1, 4), False, "Sunday"),
        (d(2026, 1, 1), False, "New Year's Day"),
        (d(2026, 4, 3), False, "Good Friday 2026"),
        (d(2026, 4, 6), False, "Easter Monday 2026"),
        (d(2026, 8, 31), False, "summer bank holiday 2026"),
        (d(2026, 12, 28), False, "Boxing Day 2026 substitute (26th is a Saturday)"),
        (d(2026, 12, 29), True, "Tuesday after Christmas 2026"),
        (d(2027, 12, 27), False, "Christmas Day 2027 substitute"),
        (d(2027, 12, 28), False, "Boxing Day 2027 substitute"),
        (d(2027, 12, 29), True, "Wednesday after Christmas 2027"),
        (d(2028, 1, 3), False, "New Year's Day 2028 substitute"),
        (d(2022, 6, 2), False, "Spring bank holiday 2022, moved for the Platinum Jubilee"),
        (d(2022, 6, 3), False, "Platinum Jubilee"),
        (d(2022, 5, 30), True, "last Monday of May 2022: not a holiday that year"),
        (d(2022, 9, 19), False, "State Funeral of Queen Elizabeth II"),
        (d(2023, 5, 8), False, "Coronation of King Charles III"),
        (d(2020, 5, 8), False, "VE Day 2020 (early May holiday moved)"),
        (d(2020, 5, 4), True, "first Monday of May 2020: not a holiday that year"),
        (d(2025, 12, 24), True, "Christmas Eve is a working day"),
    ],
)
def test_is_working_day(day: d, working: bool, why: str) -> None:
    assert is_working_day(day) is working, why


def test_closure_days_are_not_working_days() -> None:
    assert is_working_day(d(2025, 12, 24))
    assert not is_working_day(d(2025, 12, 24), [d(2025, 12, 24)])
    assert not is_working_day(d(2025, 12, 24), iter([d(2025, 12, 24)]))


def test_bank_holidays_of_a_year_match_gov_uk() -> None:
    # domain.md §2, checked against gov.uk for 2025 and 2026
    assert sorted(day for day in bank_holidays(2026) if day.weekday() < 5) == [
        d(2026, 1, 1), d(2026, 4, 3), d(2026, 4, 6), d(2026, 5, 4), d(2026, 5, 25), d(2026, 8, 31),
        d(2026, 12, 25), d(2026, 12, 28),
    ]


@pytest.mark.parametrize(
    ("start", "n", "expected", "why"),
    [
        # domain.md §2 worked example: SIN sent Thu 18 Dec 2025
        (d(2025, 12, 18), 0, d(2025, 12, 18), "day 0 is the trigger date"),
        (d(2025, 12, 18), 2, d(2025, 12, 22), "WD2 over a weekend"),
        (d(2025, 12, 18), 5, d(2025, 12, 29), "WD5 over Christmas"),
        (d(2025, 12, 18), 10, d(2026, 1, 6), "WD10 over New Year"),
        (d(2025, 12, 18), 13, d(2026, 1, 9), "WD13"),
        (d(2025, 12, 18), 15, d(2026, 1, 13), "WD15"),
        (d(2026, 3, 30), 15, d(2026, 4, 22), "WD15 over Easter 2026"),
        (d(2026, 4, 2), 1, d(2026, 4, 7), "Maundy Thursday + 1 skips Good Friday and Easter Monday"),
        (d(2026, 12, 24), 1, d(2026, 12, 29), "Christmas 2026: 25th Fri, 28th Mon substitute"),
        (d(2027, 12, 24), 1, d(2027, 12, 29), "Christmas 2027: 27th and 28th substitutes"),
        (d(2027, 12, 31), 1, d(2028, 1, 4), "New Year 2028: 3 Jan substitute"),
        (d(2022, 6, 1), 1, d(2022, 6, 6), "Platinum Jubilee 2 and 3 June 2022"),
        (d(2022, 9, 16), 1, d(2022, 9, 20), "State Funeral 19 Sep 2022"),
        (d(2023, 5, 5), 1, d(2023, 5, 9), "Coronation 8 May 2023"),
        (d(2023, 4, 28), 2, d(2023, 5, 3), "early May bank holiday 2023"),
        (d(2026, 1, 3), 1, d(2026, 1, 5), "trigger on a Saturday: WD1 is the Monday"),
        (d(2026, 1, 3), 0, d(2026, 1, 3), "day 0 stays a Saturday"),
        (d(2026, 1, 13), -7, d(2026, 1, 2), "7 working days before, back over a weekend"),
        (d(2027, 1, 6), -7, d(2026, 12, 23), "7 working days before, back over Christmas and New Year"),
        (d(2026, 4, 8), -2, d(2026, 4, 2), "2 working days before, back over Easter"),
    ],
)
def test_add_working_days(start: d, n: int, expected: d, why: str) -> None:
    assert add_working_days(start, n) == expected, why


def test_add_working_days_skips_closure_days() -> None:
    closed = [d(2025, 12, 24), d(2025, 12, 29), d(2025, 12, 30), d(2025, 12, 31)]
    # Fri 19 (1), Mon 22 (2), Tue 23 (3), [Wed 24 closed, 25-26 holidays, 29-31 closed, 1 Jan], Fri 2 (4), Mon 5 (5)
    assert add_working_days(d(2025, 12, 18), 5, closed) == d(2026, 1, 5)
    assert add_working_days(d(2026, 1, 5), -5, closed) == d(2025, 12, 18)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (d(2025, 8, 31), 6, d(2026, 2, 28)),
        (d(2027, 8, 31), 6, d(2028, 2, 29)),
        (d(2026, 1, 31), 1, d(2026, 2, 28)),
        (d(2026, 10, 31), 1, d(2026, 11, 30)),
        (d(2026, 11, 30), 2, d(2027, 1, 30)),
        (d(2026, 3, 15), 12, d(2027, 3, 15)),
        (d(2028, 2, 29), 12, d(2029, 2, 28)),
        (d(2026, 12, 31), 2, d(2027, 2, 28)),
        (d(2026, 3, 31), -1, d(2026, 2, 28)),
        (d(2026, 5, 20), 0, d(2026, 5, 20)),
    ],
)
def test_add_months_clamps_to_month_end(start: d, months: int, expected: d) -> None:
    assert add_months(start, months) == expected


# ---------------------------------------------------------------- milestones

BASE: dict[str, Any] = {
    "reference": "T-1",
    "route": "notification",
    "partnership": {"name": "Test Partnership"},
    "children": [{"id": "c1", "pseudonym": "Child T", "name": "Zzsentinelname"}],
    "incident": {
        "date": "2025-12-15",
        "aware_date": "2025-12-16",
        "type": "death",
        "summary": "Test.",
        "local_authority": "Test Council",
    },
    "notification": {"sent_date": "2025-12-18"},
}
REVIEWER = {"name": "R. Reviewer"}


def make_case(**changes: Any) -> Case:
    """BASE with top-level sections replaced; `partnership__x=` changes one partnership field."""
    data = copy.deepcopy(BASE)
    for key, value in changes.items():
        if key.startswith("partnership__"):
            data["partnership"][key.removeprefix("partnership__")] = value
        elif value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return Case.model_validate(data)


FULL_RAPID_REVIEW = {
    "requests_sent_date": "2025-12-22",
    "replies_complete_date": "2026-01-06",
    "meeting": {"date": "2026-01-08"},
    "ratified_date": "2026-01-12",
    "submitted_date": "2026-01-13",
    "panel_response": {"date": "2026-02-03"},
}


def test_notification_route_due_dates_by_hand() -> None:
    case = make_case(
        rapid_review=FULL_RAPID_REVIEW,
        review={"decision_date": "2026-01-08", "reviewer": REVIEWER},
        publication={"published_date": "2026-07-01"},
    )
    assert due_dates(case) == {
        "notification": d(2025, 12, 23),  # aware Tue 16 Dec + 5 WD
        "information-requests": d(2025, 12, 22),
        "replies": d(2026, 1, 6),
        "meeting-earliest": d(2026, 1, 6),
        "meeting-latest": d(2026, 1, 9),
        "ratification": d(2026, 1, 12),  # meeting Thu 8 Jan + 2 WD
        "rapid-review-to-panel": d(2026, 1, 13),
        "panel-response": d(2026, 2, 3),  # submitted Tue 13 Jan + 15 WD
        "reviewer-notification": d(2026, 1, 15),  # decision Thu 8 Jan + 5 WD
        "pre-publication-copy": d(2026, 6, 29),  # Wed 8 Jul - 7 WD
        "publication": d(2026, 7, 8),  # decision + 6 months
        "published-until": d(2027, 7, 1),
    }
    timeline = compute_timeline(case, d(2026, 7, 2))
    assert [m.id for m in timeline.milestones] == list(MILESTONE_IDS)
    states = {m.id: (m.state, m.late) for m in timeline.milestones}
    assert states["published-until"] == ("due", False)
    assert states["pre-publication-copy"] == ("overdue", False)  # no pre_publication_sent_date recorded
    assert all(states[i] == ("done", False) for i in MILESTONE_IDS[:8]), states
    assert states["reviewer-notification"] == ("overdue", False)
    assert states["publication"] == ("done", False)


def test_planned_publication_date_drives_the_pre_publication_copy() -> None:
    case = make_case(
        review={"decision_date": "2026-01-08", "reviewer": REVIEWER},
        publication={"planned_date": "2026-07-03"},
    )
    assert due_dates(case)["pre-publication-copy"] == d(2026, 6, 24)  # Fri 3 Jul - 7 WD


def test_publication_six_months_clamps_to_february() -> None:
    case = make_case(review={"decision_date": "2027-08-31", "reviewer": REVIEWER})
    assert due_dates(case)["publication"] == d(2028, 2, 29)
    assert due_dates(case)["pre-publication-copy"] == d(2028, 2, 18)  # Tue 29 Feb 2028 - 7 WD


def test_partnership_timescales_and_closures_change_due_dates() -> None:
    case = make_case(
        partnership__timescales={
            "requests_working_days": 3, "rapid_review_working_days": 20, "notification_working_days": 7,
        },
        partnership__closure_days=["2025-12-24", "2025-12-29"],
    )
    dates = due_dates(case)
    # Fri 19 (1), Mon 22 (2), Tue 23 (3)
    assert dates["information-requests"] == d(2025, 12, 23)
    # Tue 23 Dec (3), [24 closed, 25-26, 29 closed] Tue 30 (4), Wed 31 (5), Fri 2 (6) ... Tue 13 (13) ... Tue 20 (18),
    # Wed 21 (19), Thu 22 Jan (20)
    assert dates["rapid-review-to-panel"] == d(2026, 1, 22)
    # aware Tue 16 Dec: Wed 17 (1) ... Tue 23 (5), [24 closed, 25-26, 29 closed], Tue 30 (6), Wed 31 Dec (7)
    assert dates["notification"] == d(2025, 12, 31)


REFERRAL = {
    "received_date": "2026-12-31",
    "referrer": {
        "name": "A Referrer",
        "role": "Nurse",
        "agency": "icb",
        "senior_lead": {"name": "A Lead"},
    },
}
AGENCIES = [{"id": "icb", "name": "ICB", "type": "icb", "contact": {"name": "Lead"}}]


def test_referral_route_uses_calendar_months() -> None:
    case = make_case(route="referral", notification=None, referral=REFERRAL, agencies=AGENCIES)
    dates = due_dates(case)
    assert dates["notification"] is None
    assert dates["information-requests"] == d(2027, 1, 31)  # + 1 month
    assert dates["replies"] == d(2027, 2, 28)  # + 2 months, clamped
    assert dates["meeting-earliest"] is None
    assert dates["meeting-latest"] == d(2027, 2, 28)
    assert dates["rapid-review-to-panel"] == d(2027, 2, 28)
    timeline = compute_timeline(case, d(2027, 1, 15))
    notification = timeline.get("notification")
    assert notification.state == "not-applicable" and "referral route" in notification.rule
    assert timeline.get("meeting-earliest").state == "not-applicable"
    assert timeline.get("information-requests").state == "due"


def test_referral_route_with_a_not_met_decision_sends_nothing_to_the_panel() -> None:
    decision = {"outcome": "no-further-action", "date": "2027-02-10", "rationale": "Criteria not met."}
    case = make_case(
        route="referral", notification=None, referral=REFERRAL, agencies=AGENCIES,
        rapid_review={"meeting": {"date": "2027-02-10"}, "decision": decision},
    )
    milestone = compute_timeline(case, d(2027, 3, 30)).get("rapid-review-to-panel")
    assert (milestone.state, milestone.due) == ("not-applicable", None)
    assert "not met" in milestone.rule


MEETING_ONLY = {"meeting": {"date": "2026-01-08"}}


@pytest.mark.parametrize(
    ("changes", "today", "milestone_id", "state", "late", "done_date"),
    [
        # done on or before the due date
        ({}, d(2026, 1, 1), "notification", "done", False, d(2025, 12, 18)),
        ({"rapid_review": {"requests_sent_date": "2025-12-22"}}, d(2026, 1, 1), "information-requests",
         "done", False, d(2025, 12, 22)),
        # done after the due date: done, flagged late
        ({"rapid_review": {"requests_sent_date": "2025-12-23"}}, d(2026, 1, 1), "information-requests",
         "done", True, d(2025, 12, 23)),
        ({"notification": {"sent_date": "2025-12-24"}}, d(2026, 1, 1), "notification",
         "done", True, d(2025, 12, 24)),
        # due: not done and today is on or before the due date
        ({}, d(2025, 12, 19), "information-requests", "due", False, None),
        ({}, d(2025, 12, 22), "information-requests", "due", False, None),
        # overdue: not done and the due date has passed
        ({}, d(2025, 12, 23), "information-requests", "overdue", False, None),
        ({}, d(2026, 1, 14), "rapid-review-to-panel", "overdue", False, None),
        ({"rapid_review": {"submitted_date": "2026-01-13"}}, d(2026, 2, 4), "panel-response",
         "overdue", False, None),
        # not-applicable: the trigger is not recorded
        ({}, d(2026, 1, 14), "ratification", "not-applicable", False, None),
        ({}, d(2026, 1, 14), "panel-response", "not-applicable", False, None),
        ({}, d(2026, 1, 14), "publication", "not-applicable", False, None),
        ({}, d(2026, 1, 14), "published-until", "not-applicable", False, None),
        # the meeting window: before the earliest day is not late, after the latest day is
        ({"rapid_review": {"meeting": {"date": "2026-01-05"}}}, d(2026, 1, 14), "meeting-earliest",
         "done", False, d(2026, 1, 5)),
        ({"rapid_review": {"meeting": {"date": "2026-01-05"}}}, d(2026, 1, 14), "meeting-latest",
         "done", False, d(2026, 1, 5)),
        ({"rapid_review": {"meeting": {"date": "2026-01-12"}}}, d(2026, 1, 14), "meeting-earliest",
         "done", False, d(2026, 1, 12)),
        ({"rapid_review": {"meeting": {"date": "2026-01-12"}}}, d(2026, 1, 14), "meeting-latest",
         "done", True, d(2026, 1, 12)),
        ({}, d(2026, 1, 8), "meeting-earliest", "due", False, None),  # the window is open: never overdue
        # a date recorded ahead of today (a meeting booked) is not done yet on that day
        ({"rapid_review": MEETING_ONLY}, d(2026, 1, 7), "meeting-latest", "due", False, None),
        ({"rapid_review": MEETING_ONLY}, d(2026, 1, 8), "meeting-latest", "done", False, d(2026, 1, 8)),
        ({}, d(2026, 1, 10), "meeting-latest", "overdue", False, None),
        # ratification counts from the meeting
        ({"rapid_review": MEETING_ONLY}, d(2026, 1, 12), "ratification", "due", False, None),
        ({"rapid_review": MEETING_ONLY}, d(2026, 1, 13), "ratification", "overdue", False, None),
        ({"rapid_review": {**MEETING_ONLY, "ratified_date": "2026-01-13"}}, d(2026, 1, 13), "ratification",
         "done", True, d(2026, 1, 13)),
        # a recorded date without its trigger is still done (the step happened), with no due date
        ({"rapid_review": {"ratified_date": "2026-01-13"}}, d(2026, 1, 13), "ratification",
         "done", False, d(2026, 1, 13)),
        # reviewer notification and publication
        ({"review": {"decision_date": "2026-01-08", "reviewer": REVIEWER, "notification_sent_date": "2026-01-16"}},
         d(2026, 2, 1), "reviewer-notification", "done", True, d(2026, 1, 16)),
        ({"review": {"decision_date": "2026-01-08", "reviewer": REVIEWER}}, d(2026, 7, 8), "publication",
         "due", False, None),
        ({"review": {"decision_date": "2026-01-08", "reviewer": REVIEWER}}, d(2026, 7, 9), "publication",
         "overdue", False, None),
        ({"review": {"decision_date": "2026-01-08", "reviewer": REVIEWER},
          "publication": {"published_date": "2026-07-10", "pre_publication_sent_date": "2026-06-29"}},
         d(2026, 8, 1), "publication", "done", True, d(2026, 7, 10)),
        ({"review": {"decision_date": "2026-01-08", "reviewer": REVIEWER},
          "publication": {"planned_date": "2026-07-03", "pre_publication_sent_date": "2026-06-25"}},
         d(2026, 6, 26), "pre-publication-copy", "done", True, d(2026, 6, 25)),
        # published-until: due for a year after publication, then served
        ({"review": {"decision_date": "2026-01-08", "reviewer": REVIEWER},
          "publication": {"published_date": "2026-07-01"}}, d(2027, 7, 1), "published-until", "due", False, None),
        ({"review": {"decision_date": "2026-01-08", "reviewer": REVIEWER},
          "publication": {"published_date": "2026-07-01"}}, d(2027, 7, 2), "published-until", "done", False, None),
    ],
)
def test_milestone_states(
    changes: dict[str, Any], today: d, milestone_id: str, state: str, late: bool, done_date: d | None
) -> None:
    milestone = compute_timeline(make_case(**changes), today).get(milestone_id)
    assert (milestone.state, milestone.late, milestone.done_date) == (state, late, done_date)
    if state == "not-applicable":
        assert milestone.due is None
        assert "not applicable until" in milestone.rule


def test_every_milestone_says_its_rule_and_source_and_due_dates_match() -> None:
    case = make_case(rapid_review=MEETING_ONLY)
    timeline = compute_timeline(case, d(2026, 1, 1))
    assert set(due_dates(case)) == set(MILESTONE_IDS)
    for milestone in timeline.milestones:
        assert milestone.title and milestone.rule and milestone.source, milestone.id
        assert milestone.due == due_dates(case)[milestone.id]
    assert "Zzsentinelname" not in repr(timeline)


PUBLIC_GUIDANCE = ("Working Together to Safeguard Children 2023", "Children Act 2004",
                   "Child Safeguarding Practice Review Panel", "Leicester, Leicestershire and Rutland",
                   "North East Lincolnshire")


@pytest.mark.parametrize("route", ["notification", "referral"])
def test_every_source_cites_public_guidance_by_name_never_our_own_files(route: str) -> None:
    changes: dict[str, Any] = {"rapid_review": MEETING_ONLY}
    if route == "referral":
        changes.update(route="referral", notification=None, referral=REFERRAL, agencies=AGENCIES)
    for milestone in compute_timeline(make_case(**changes), d(2026, 1, 1)).milestones:
        assert milestone.source.startswith(PUBLIC_GUIDANCE), (milestone.id, milestone.source)
        for internal in ("seed", "domain.md", "§", ".md"):
            assert internal not in milestone.source.lower(), (milestone.id, milestone.source)


@pytest.mark.parametrize(
    "changes",
    [
        {"incident": {**BASE["incident"], "date": "9999-12-28", "aware_date": "9999-12-29"},
         "notification": {"sent_date": "9999-12-30"}},
        {"review": {"decision_date": "9999-08-01", "reviewer": REVIEWER}},
    ],
)
def test_deadlines_past_year_9999_are_bad_input(changes: dict[str, Any]) -> None:
    with pytest.raises(InputError, match="after the year 9999"):
        compute_timeline(make_case(**changes), d(2026, 1, 1))
    with pytest.raises(InputError):
        due_dates(make_case(**changes))
