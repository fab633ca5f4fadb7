"""Which agencies have replied: returned, nil return or outstanding, with the reply-by date and lateness."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from cspr_docs.collect.reply import CollectedReply
from cspr_docs.model import Case

State = Literal["returned", "nil return", "outstanding"]


@dataclass(frozen=True)
class AgencyStatus:
    """One agency's reply status on `today`."""

    agency: str
    name: str
    state: State
    reply_by: dt.date | None
    overdue: bool
    completed_date: str = ""
    source: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"agency": self.agency, "name": self.name, "state": self.state,
                "reply_by": self.reply_by.isoformat() if self.reply_by else None, "overdue": self.overdue,
                "completed_date": self.completed_date, "source": self.source}


def reply_status(case: Case, replies: dict[str, CollectedReply], today: dt.date) -> list[AgencyStatus]:
    """Every agency of the case in case order; an outstanding reply is overdue after its reply-by date."""
    from cspr_docs.timeline import due_dates

    due = due_dates(case).get("replies")
    out: list[AgencyStatus] = []
    for agency in case.agencies:
        reply = replies.get(agency.id)
        if reply is None:
            out.append(AgencyStatus(agency.id, agency.name, "outstanding", due, due is not None and today > due))
            continue
        state: State = "nil return" if reply.nil_return else "returned"
        out.append(AgencyStatus(agency.id, agency.name, state, due, False, reply.completed_date, reply.source))
    return out
