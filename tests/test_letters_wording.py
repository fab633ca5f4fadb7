"""Letters say only what is true: timeliness of the Panel summary, and contact sentences without a dangling "or"."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest

from conftest import CASES, fixture_cases
from cspr_docs.documents import CATALOGUE, recipients
from cspr_docs.load import load_case
from cspr_docs.model import Case
from cspr_docs.render import Renderer
from cspr_docs.timeline import due_dates

PANEL_LETTER = CATALOGUE["panel-covering-letter"]


@pytest.fixture(autouse=True)
def _needs_fixtures():
    if len(fixture_cases()) < 3:
        pytest.skip("the fixture cases are not written yet")


def _load(name: str) -> Case:
    return load_case(CASES / name).case


def _updated(model, **changes):
    return model.model_copy(update=changes)


def _text(case: Case, kind=PANEL_LETTER, *, date: dt.date, recipient=None) -> str:
    data = Renderer(case, issue_date=date).render(kind, recipient)
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def _timeliness(text: str) -> str:
    return next((line for line in text.splitlines() if "Panel's response" in line), "")


def _unsubmitted(case: Case, outcome: str | None = None) -> Case:
    rr = case.rapid_review
    if outcome is not None:
        rr = _updated(rr, decision=_updated(rr.decision, outcome=outcome))
    return _updated(case, rapid_review=_updated(rr, submitted_date=None))


def test_panel_letter_without_a_submitted_date_on_time_or_late_by_its_own_date():
    case = _unsubmitted(_load("notification-death"))
    due = due_dates(case)["rapid-review-to-panel"]
    on_time = _timeliness(_text(case, date=due))
    assert on_time == (f"The summary is submitted within the 15 working day timescale, which ends on "
                       f"{due.day} {due:%B %Y}. We look forward to the Panel's response.")
    late = _timeliness(_text(case, date=due + dt.timedelta(days=7)))
    assert late.startswith(f"The summary is submitted after the 15 working day timescale, which ended on "
                           f"{due.day} {due:%B %Y}. We are sorry for the delay.")
    assert "within" not in late


def test_panel_letter_judges_a_recorded_submission_not_the_letters_date():
    case = _load("notification-death")
    due = due_dates(case)["rapid-review-to-panel"]
    sent = case.rapid_review.submitted_date
    assert sent <= due
    text = _timeliness(_text(case, date=due + dt.timedelta(days=30)))
    assert text.startswith(f"The summary is submitted on {sent.day} {sent:%B %Y}, within the 15 working day")
    late_case = _updated(case, rapid_review=_updated(case.rapid_review, submitted_date=due + dt.timedelta(days=1)))
    late = _timeliness(_text(late_case, date=due))
    assert "after the 15 working day timescale, which ended on" in late and "within" not in late


def test_a_late_panel_letter_gives_the_recorded_reason_after_its_apology():
    case = _load("notification-death")
    due = due_dates(case)["rapid-review-to-panel"]
    reason = "The police & CPS asked for 3 more days <before> agencies shared records."
    rr = _updated(case.rapid_review, submitted_date=due + dt.timedelta(days=3), delay_reason=f"  {reason}\n")
    late = _timeliness(_text(_updated(case, rapid_review=rr), date=due))
    assert f"We are sorry for the delay. {reason} We look forward to the Panel's response." in late
    on_time = _updated(case.rapid_review, delay_reason=reason)  # submitted on time: no reason printed
    assert reason not in _text(_updated(case, rapid_review=on_time), date=due)


def test_panel_letter_on_the_referral_route_uses_the_two_month_timescale():
    case = _unsubmitted(_load("referral-serious-harm"), "local-review")
    due = due_dates(case)["rapid-review-to-panel"]
    assert due is not None
    assert "within the two-month timescale, which ends on" in _timeliness(_text(case, date=due))
    assert "after the two-month timescale, which ended on" in _timeliness(
        _text(case, date=due + dt.timedelta(days=1)))


@pytest.mark.parametrize("outcome", ["no-further-action", "alternative-learning-review"])
def test_panel_letter_makes_no_timeliness_claim_when_no_timescale_applies(outcome):
    case = _unsubmitted(_load("referral-serious-harm"), outcome)
    assert due_dates(case)["rapid-review-to-panel"] is None
    line = _timeliness(_text(case, date=dt.date(2027, 1, 25)))
    assert line == "We look forward to the Panel's response."


OFFICE_EMAIL, OFFICE_PHONE = "office@example.org", "01632 960999"


def _office(case: Case, *, email: bool, phone: bool, address: bool, liaison: bool = False) -> Case:
    office = _updated(case.partnership.business_office, email=OFFICE_EMAIL if email else "",
                      phone=OFFICE_PHONE if phone else "")
    partnership = _updated(case.partnership, business_office=office, email="", phone="",
                           address=case.partnership.address if address else [])
    review = case.review if liaison else _updated(case.review, family_liaison=None)
    return _updated(case, partnership=partnership, review=review)


COMBINATIONS = [
    (True, True, True, " by email at {e} or by telephone on {p}.", " on {p} or by email at {e}, at any time"),
    (True, False, True, " by email at {e}.", " by email at {e}, at any time"),
    (False, True, True, " by telephone on {p}.", " on {p}, at any time"),
    (False, False, True, " by post at the address above.", " by post at the address above, at any time"),
    (False, False, False, ".", " at any time"),
]


@pytest.mark.parametrize(("email", "phone", "address", "letter", "family"), COMBINATIONS)
def test_contact_sentences_read_well_for_every_way_to_reach_the_office(email, phone, address, letter, family):
    case = _office(_load("notification-death"), email=email, phone=phone, address=address)
    office = case.partnership.business_office
    who = f"{office.name}, {office.role}" + ("," if letter != "." else "")
    text = _text(case, date=dt.date(2026, 2, 1))
    assert f"please contact {who}{letter.format(e=OFFICE_EMAIL, p=OFFICE_PHONE)}" in text
    kind = CATALOGUE["family-letter"]
    family_text = _text(case, kind, date=dt.date(2026, 2, 1), recipient=recipients(case, kind)[0])
    sentence = next(line for line in family_text.splitlines() if "You can contact" in line)
    assert f"You can contact {office.name}{family.format(e=OFFICE_EMAIL, p=OFFICE_PHONE)} if you have" in sentence
    contact = next(line for line in text.splitlines() if "please contact" in line)
    for line in (contact, sentence):
        assert ", or" not in line and " , " not in line and ",." not in line and ",," not in line


def test_family_liaison_is_reached_by_their_own_details():
    case = _load("notification-death")
    liaison = case.review.family_liaison
    kind = CATALOGUE["family-letter"]
    text = _text(case, kind, date=dt.date(2026, 2, 1), recipient=recipients(case, kind)[0])
    sentence = next(line for line in text.splitlines() if "You can contact" in line)
    assert f"You can contact {liaison.name}" in sentence and ", or" not in sentence
    if liaison.phone and liaison.email:
        assert f"on {liaison.phone} or by email at {liaison.email}, at any time" in sentence


def test_terms_of_reference_print_the_budget_or_ask_for_it():
    case = _load("notification-death")
    text = _text(case, CATALOGUE["terms-of-reference"], date=dt.date(2026, 2, 16))
    assert case.review.terms_of_reference.budget in text and "Budget: state" not in text
    tor = _updated(case.review.terms_of_reference, budget="")
    blank = _updated(case, review=_updated(case.review, terms_of_reference=tor))
    assert "Budget: state the agreed budget and who meets the cost." in _text(blank, CATALOGUE["terms-of-reference"],
                                                                            date=dt.date(2026, 2, 16))
