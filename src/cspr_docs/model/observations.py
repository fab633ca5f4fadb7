"""More `case check` warnings: a meeting short of quorum, criteria left unassessed, an age the date of birth
contradicts, and example values `cspr-docs init` wrote that are still there. Messages name fields, never values."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from cspr_docs.model.case import Case
from cspr_docs.model.criteria import LOCAL_REVIEW_CRITERIA, NATIONAL_REVIEW_CRITERIA

Loc = tuple[str | int, ...]
Issue = tuple[Loc, str]

# The example values in src/cspr_docs/data/init/*.yaml that no real case keeps, by the field they stand in
# ("Designated Nurse" is a fine role but not a name; ids and pseudonyms such as "Child A" may well stay).
_BODIES = ("Example Integrated Care Board", "Example Constabulary", "Example Safeguarding Children Partnership")
INIT_EXAMPLES: dict[str, tuple[str, ...]] = {
    "reference": ("CSPR-0000-00",),
    "name": ("Replace With Real Name", "Example Council Children's Social Care", *_BODIES, "Safeguarding Lead",
             "Designated Nurse", "Detective Inspector", "Referrer Name", "Senior Lead", "A Person",
             "Business Office Manager", "Partnership Chair"),
    "local_authority": ("Example Council",),
    "local_authorities": ("Example Council",),
    "organisation": ("Example Council", *_BODIES),
    "summary": ("A short factual description of what happened.",),
    "reasons": ("Why the criteria for a review may be met.",),
    "rationale": ("Why, against the criteria.",),
    "reason": ("Why.",),
    "email": ("safeguarding@example.org.uk", "designated.nurse@example.org.uk", "di.safeguarding@example.org.uk",
              "business.office@example.org.uk"),
    "contact": ("referrer@example.org.uk",),
    "address": ("1 Example Street", "Exampletown XX0 0XX"),
    "phone": ("01632 960000",),
}
_EXAMPLES = {key: {" ".join(v.casefold().split()) for v in values} for key, values in INIT_EXAMPLES.items()}
_NUMBER_WORDS = {w: n for n, w in enumerate(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                                             "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen",
                                             "sixteen", "seventeen", "eighteen"])}
_AGE_PART = re.compile(r"(\d+|[a-z]+)[\s-]*(years?|yrs?|months?|mths?|weeks?|wks?|days?)\b")


class _CaseOnly:
    """Just enough of a `check` context to run a rule that reads only the case data."""

    def __init__(self, case: Case) -> None:
        self.case = case

    def finding(self, _rule: str, message: str, *_: Any, **__: Any) -> str:
        return message


def _quorum(case: Case) -> Iterator[Issue]:
    from cspr_docs.checks.rules.timing import check_rapid_review_quorum  # the rule `check` applies, reused

    if case.rapid_review.meeting is None:
        return
    where = ("rapid_review", "meeting", "attendees")
    for message in check_rapid_review_quorum(_CaseOnly(case)):
        yield where, message.removesuffix(" in rapid_review.meeting.attendees")


def _criteria(case: Case) -> Iterator[Issue]:
    decision = case.rapid_review.decision
    if decision is None:
        return
    due = list(LOCAL_REVIEW_CRITERIA)
    if decision.outcome == "national-review-recommended":
        due += list(NATIONAL_REVIEW_CRITERIA)
    missing = [c for c in due if c not in {a.id for a in decision.criteria}]
    if missing:
        yield (("rapid_review", "decision", "criteria"),
               f"no assessment against {', '.join(missing)}: add each with met and reason")


def _age_on(born: dt.date, day: dt.date) -> dict[str, int]:
    months = (day.year - born.year) * 12 + day.month - born.month - (day.day < born.day)
    days = (day - born).days
    return {"year": months // 12, "month": months, "week": days // 7, "day": days, "rest": months % 12}


def _age_contradicts(text: str, actual: dict[str, int]) -> bool:
    """True when the age as written clearly disagrees; ages the pattern does not read are left alone."""
    plain = text.casefold().strip()
    plain = re.sub(r"^(?:aged?\s+)?(\d+|[a-z]+)$", r"\1 years", plain)  # "7", "aged 7": years
    parts = []
    for number, unit in _AGE_PART.findall(plain):
        value = int(number) if number.isdigit() else _NUMBER_WORDS.get(number)
        if value is None:
            return False
        parts.append((value, {"y": "year", "m": "month", "w": "week", "d": "day"}[unit[0]]))
    if not parts:
        return False
    (value, unit), *more = parts
    if unit == "year":
        if value != actual["year"]:
            return True
        return bool(more) and more[0][1] == "month" and more[0][0] not in (actual["rest"], actual["rest"] + 1)
    return value not in (actual[unit], actual[unit] + 1)  # "5 months" is fair at 4 months and 3 weeks


def _ages(case: Case) -> Iterator[Issue]:
    for i, child in enumerate(case.children):
        born = child.date_of_birth
        if (child.age.strip() and born and born <= case.incident.date
                and _age_contradicts(child.age, _age_on(born, case.incident.date))):
            yield (("children", i, "age"),
                   f"does not match children[{i}].date_of_birth at incident.date: correct one of them")


def leaves(value: Any, loc: Loc = ()) -> Iterator[tuple[Loc, Any]]:
    """Every plain value of nested dicts and lists, with its place (`('children', 0, 'name')`)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from leaves(item, (*loc, i))
    else:
        yield loc, value


def _placeholders(case: Case) -> Iterator[Issue]:
    for loc, value in leaves(case.model_dump(mode="python")):
        key = next((part for part in reversed(loc) if isinstance(part, str)), "")
        if isinstance(value, str) and " ".join(value.casefold().split()) in _EXAMPLES.get(key, ()):
            yield loc, "still the example value `cspr-docs init` wrote: replace it"


def find_reminders(case: Case) -> list[Issue]:
    """Warnings about the meeting, the decision, ages and leftover example values."""
    return [*_quorum(case), *_criteria(case), *_ages(case), *_placeholders(case)]
