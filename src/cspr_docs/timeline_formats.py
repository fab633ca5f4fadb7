"""The timeline as data for `cspr-docs timeline`: a rich table, a JSON document, an iCalendar file. Prints nothing."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from cspr_docs.timeline import Milestone, Timeline

if TYPE_CHECKING:
    from rich.console import RenderableType

STATE_LABELS = {"done": "done", "due": "due", "overdue": "OVERDUE", "not-applicable": "not applicable"}
_STATE_STYLES = {"done": "green", "due": "yellow", "overdue": "bold red", "not-applicable": "dim"}
ICS_PRODID = "-//cspr-docs//timeline//EN"


def format_day(day: dt.date | None) -> str:
    """'Tue 13 Jan 2026'; '-' for no date."""
    return f"{day:%a} {day.day} {day:%b %Y}" if day else "-"


def _days(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"


def state_label(milestone: Milestone) -> str:
    """The state in words (readable without colour); a late completion says so."""
    if milestone.state == "done" and milestone.late:
        return "done late"
    return STATE_LABELS[milestone.state]


def when_text(milestone: Milestone, today: dt.date) -> str:
    """How far the due date is from today, or when it was done, in calendar days."""
    due, done = milestone.due, milestone.done_date
    if milestone.state == "done":
        if done is None:
            return "period served"
        if milestone.late and due is not None:
            return f"{format_day(done)}, {_days((done - due).days)} late"
        return format_day(done)
    if due is None:
        return ""
    left = (due - today).days
    if left > 0:
        return f"{_days(left)} left"
    if left == 0:
        return "due today"
    if milestone.state == "overdue":
        return f"{_days(-left)} overdue"
    return f"open since {_days(-left)}"  # a window that opened (meeting-earliest) is never overdue


def timeline_json(timeline: Timeline) -> dict[str, Any]:
    """The documented JSON form (README, tests/test_timeline_cli.py SCHEMA): dates as YYYY-MM-DD or null."""

    def iso(day: dt.date | None) -> str | None:
        return day.isoformat() if day else None

    return {
        "reference": timeline.reference,
        "route": timeline.route,
        "today": timeline.today.isoformat(),
        "milestones": [
            {
                "id": m.id,
                "title": m.title,
                "due": iso(m.due),
                "state": m.state,
                "late": m.late,
                "done_date": iso(m.done_date),
                "rule": m.rule,
                "source": m.source,
            }
            for m in timeline.milestones
        ],
    }


def timeline_table(timeline: Timeline) -> RenderableType:
    """A table of every milestone: title, due date with weekday, state in words, days left or overdue.

    The title and the note below are lines of their own, not the table's title and caption, which rich pads with
    spaces to the table's width.
    """
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    table = Table()
    table.add_column("Milestone")
    table.add_column("Due", no_wrap=True)
    table.add_column("State", no_wrap=True)
    table.add_column("When")
    for m in timeline.milestones:
        style = "yellow" if m.state == "done" and m.late else _STATE_STYLES[m.state]
        table.add_row(m.title, format_day(m.due), state_label(m), when_text(m, timeline.today), style=style)
    title = f"{timeline.reference} ({timeline.route} route) on {format_day(timeline.today)}"
    note = ("Days are calendar days. Working days exclude weekends, England and Wales bank holidays "
            "and the partnership's closure days.")
    return Group(Text(title, style="table.title"), table, Text(note, style="table.caption"))


def timeline_ics(timeline: Timeline) -> bytes:
    """An iCalendar file with one all-day event per due date; UIDs `<reference>-<milestone id>@cspr-docs`."""
    from icalendar import Alarm, Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", ICS_PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{timeline.reference} deadlines")
    # DTSTAMP is required; the given day (not the clock) keeps the file reproducible.
    stamp = dt.datetime.combine(timeline.today, dt.time(0, 0), tzinfo=dt.UTC)
    for m in timeline.milestones:
        if m.due is None:
            continue
        event = Event()
        event.add("uid", f"{timeline.reference}-{m.id}@cspr-docs")
        event.add("dtstamp", stamp)
        event.add("dtstart", m.due)
        event.add("dtend", m.due + dt.timedelta(days=1))
        event.add("summary", f"{timeline.reference}: {m.title}")
        description = f"{m.rule}.\nSource: {m.source}.\nState on {timeline.today.isoformat()}: {state_label(m)}"
        if m.done_date:
            description += f" ({m.done_date.isoformat()})"
        event.add("description", description)
        event.add("categories", ["CSPR"])
        event.add("transp", "TRANSPARENT")
        if m.state == "due":
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"{timeline.reference}: {m.title}")
            alarm.add("trigger", dt.timedelta(days=-1))
            event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()
