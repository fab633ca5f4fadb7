"""Dates as agencies write them ("12/03/2025", "?03/2025", "March 2025", "early 2025") -> a period to sort by.

Sorting rule: an entry sorts by the first day of the period its date names; on the same first day, a wider period
comes before a narrower one (the year 2025, then early 2025, then January 2025, then 1 January 2025), so a vague
entry opens the stretch of time it covers; a certain date comes before an uncertain one ("?", "c.", "about") of the
same period; on one day, entries without a time come first, then by time (from the Time column or the date
cell); then the case's agency order and each agency's row order. A date that cannot be read sorts last. The
date is always shown and exported as written.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {name.casefold(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.casefold(): number for number, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
_PARTS = {"early": (1, 4), "beginning of": (1, 4), "start of": (1, 4), "mid": (5, 8), "middle of": (5, 8),
          "late": (9, 12), "end of": (9, 12), "spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11),
          "winter": (1, 2)}
_UNCERTAIN = re.compile(r"^\s*(\?|c\.|ca\.|circa|about|approx\.?|approximately|around)\s*", re.IGNORECASE)
_ORDINAL = re.compile(r"(\d{1,2})(st|nd|rd|th)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    """The days a written date can mean, and whether the writer marked it as uncertain."""

    start: dt.date
    end: dt.date
    uncertain: bool

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_period(written: str) -> Period | None:
    """The period a written date names, or None when it cannot be read."""
    text = written.strip()
    uncertain = False
    if re.match(r"\?\?[/.-]", text):
        uncertain, text = True, text[3:]
    while (match := _UNCERTAIN.match(text)) and match.end() > 0:
        uncertain, text = True, text[match.end():]
    text = re.split(r"\s+(?:-|–|to|until)\s+", text, maxsplit=1)[0].strip().rstrip("?").strip()
    if text.endswith("?"):
        uncertain = True
    text = _ORDINAL.sub(r"\1", text).replace(",", " ")
    text = " ".join(text.split())
    try:
        return _parse(text, uncertain)
    except ValueError:
        return None


def _parse(text: str, uncertain: bool) -> Period | None:
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?", text):
        day = dt.date(int(m[1]), int(m[2]), int(m[3]))
        return Period(day, day, uncertain)
    if m := re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?: .*)?", text):
        day = dt.date(_year(m[3]), int(m[2]), int(m[1]))
        return Period(day, day, uncertain)
    if m := re.fullmatch(r"(\d{1,2})[/.-](\d{4})", text):
        year, month = int(m[2]), int(m[1])
        return Period(dt.date(year, month, 1), _month_end(year, month), uncertain)
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        year, month = int(m[1]), int(m[2])
        return Period(dt.date(year, month, 1), _month_end(year, month), uncertain)
    if m := re.fullmatch(r"(\d{1,2}) ([A-Za-z]+)\.? (\d{4}|\d{2})(?: .*)?", text):
        month = MONTHS.get(m[2].casefold())
        if month:
            day = dt.date(_year(m[3]), month, int(m[1]))
            return Period(day, day, uncertain)
    if m := re.fullmatch(r"([A-Za-z]+)\.? (\d{1,2}) (\d{4})", text):
        month = MONTHS.get(m[1].casefold())
        if month:
            day = dt.date(int(m[3]), month, int(m[2]))
            return Period(day, day, uncertain)
    if m := re.fullmatch(r"(early|mid|late|beginning of|start of|middle of|end of)[ -]([A-Za-z]+) (\d{4})", text,
                         re.IGNORECASE):
        month = MONTHS.get(m[2].casefold())
        if month:
            first, last = {"early": (1, 10), "beginning of": (1, 10), "start of": (1, 10), "mid": (11, 20),
                           "middle of": (11, 20)}.get(m[1].casefold(), (21, 31))
            end = _month_end(int(m[3]), month)
            return Period(dt.date(int(m[3]), month, first), min(end, end.replace(day=min(last, end.day))), uncertain)
    if m := re.fullmatch(r"([A-Za-z]+)\.? (\d{4})", text):
        month = MONTHS.get(m[1].casefold())
        if month:
            return Period(dt.date(int(m[2]), month, 1), _month_end(int(m[2]), month), uncertain)
    if m := re.fullmatch(r"(early|beginning of|start of|mid|middle of|late|end of|spring|summer|autumn|fall|winter)"
                         r"[ -](\d{4})", text, re.IGNORECASE):
        first, last = _PARTS[m[1].casefold()]
        year = int(m[2])
        return Period(dt.date(year, first, 1), _month_end(year, last), uncertain)
    if m := re.fullmatch(r"(\d{4})", text):
        return Period(dt.date(int(m[1]), 1, 1), dt.date(int(m[1]), 12, 31), uncertain)
    return None


_TIME = re.compile(r"\b([01]?\d|2[0-3])[:.]([0-5]\d)\b")


def minutes(written: str) -> int:
    """Minutes after midnight of a time written as 14:30 or 14.30 (-1 when there is none)."""
    match = _TIME.search(written)
    return int(match[1]) * 60 + int(match[2]) if match else -1


def sort_key(written: str, time: str = "") -> tuple[int, dt.date, int, int, int]:
    """(unreadable last, first day, wider period first, certain first, untimed then by time) — see the rule."""
    period = parse_period(written)
    if period is None:
        return (1, dt.date.max, 0, 0, 0)
    clock = minutes(time) if time.strip() else (minutes(written.split(" ", 1)[1]) if " " in written.strip() else -1)
    return (0, period.start, -period.days, int(period.uncertain), clock)
