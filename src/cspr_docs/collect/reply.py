"""The collected reply: what one agency returned, as stored in replies/<agency id>.yaml (never in case.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import Field

from cspr_docs.model.base import Identifier, Strict

REPLY_KIND = "information-request-reply"
CHRONOLOGY_KIND = "chronology-template"
KINDS = (REPLY_KIND, CHRONOLOGY_KIND)

ANSWER_FIELDS = (
    "involved", "contact_period", "contact_type", "summary", "lived_experience", "analysis",
    "learning_single_agency", "learning_inter_agency", "immediate_actions", "records_secured",
    "records_secured_detail", "other_processes", "review_view", "author_name", "author_role", "author_contact",
    "completed_date", "approver_name", "approver_role", "approved_date",
)
"""Answers of the reply template, in form order; each is tag `cspr:<name with ->` and bookmark `cspr_<name>`."""

EVENT_FIELDS = ("date", "time", "source_record", "who", "event", "child_seen", "child_voice", "action",
                "significance")
EVENT_HEADERS = {"date": "Date", "time": "Time", "source_record": "Source record", "who": "Who (role)",
                 "event": "Event", "child_seen": "Child seen", "child_voice": "Child's voice",
                 "action": "Action / outcome", "significance": "Significance"}
YES_NO_FIELDS = ("involved", "records_secured")


def tag_of(name: str) -> str:
    """`learning_single_agency` -> `cspr:learning-single-agency` (the content control tag)."""
    return "cspr:" + name.replace("_", "-")


def bookmark_of(name: str) -> str:
    """`learning_single_agency` -> `cspr_learning_single_agency` (the label cell's bookmark)."""
    return "cspr_" + name


def event_key(header: str) -> str | None:
    """The event field a column header means ("Action / outcome" -> action), or None when it is not one of ours."""
    text = re.sub(r"[^a-z ]+", " ", header.casefold().replace("’", "'").replace("'s", "s")).split()
    words = " ".join(text)
    if not words:
        return None
    if words in ("date", "start date", "date of event", "event date") or words.startswith("date "):
        return "date"
    if words == "time" or words.startswith("time ") or words == "start time":
        return "time"
    if words.startswith("source"):
        return "source_record"
    if words.startswith("who"):
        return "who"
    if words.startswith(("child seen", "seen")):
        return "child_seen"
    if "voice" in words:
        return "child_voice"
    if words.startswith(("event", "contact")) or words == "what happened":
        return "event"
    if words.startswith(("action", "outcome")):
        return "action"
    if words.startswith(("significance", "analysis")):
        return "significance"
    return None


class KeyEvent(Strict):
    """One row of a key-events table or a chronology, as written (dates are kept as text)."""

    date: str = ""
    time: str = ""
    source_record: str = ""
    who: str = ""
    event: str = ""
    child_seen: str = ""
    child_voice: str = ""
    action: str = ""
    significance: str = ""
    extra: dict[str, str] = Field(default_factory=dict, description="Columns the template does not have, by header")


class CollectedReply(Strict):
    """One agency's returned reply (or local review chronology), read back from the .docx or PDF."""

    reference: str = Field(description="The case reference the reply carries")
    agency: Identifier
    kind: Literal["information-request-reply", "chronology-template"] = REPLY_KIND
    template_version: str = ""
    source: str = Field("", description="File name the reply was read from")
    format: Literal["docx", "pdf"] = "docx"
    sha256: str = ""
    involved: str = Field("", description="yes, no (nil return) or empty when unanswered")
    known: dict[str, str] = Field(default_factory=dict, description="Person id -> known to the agency (yes/no)")
    contact_period: str = ""
    contact_type: str = ""
    summary: str = ""
    key_events: list[KeyEvent] = Field(default_factory=list)
    lived_experience: str = ""
    analysis: str = ""
    learning_single_agency: str = ""
    learning_inter_agency: str = ""
    immediate_actions: str = ""
    records_secured: str = ""
    records_secured_detail: str = ""
    other_processes: str = ""
    review_view: str = ""
    author_name: str = ""
    author_role: str = ""
    author_contact: str = ""
    completed_date: str = ""
    approver_name: str = ""
    approver_role: str = ""
    approved_date: str = ""
    extra: dict[str, str] = Field(default_factory=dict, description="Answers with no place above, by field name")
    unplaced: list[str] = Field(default_factory=list, description="Text written outside every known field")

    @property
    def nil_return(self) -> bool:
        return self.involved == "no"


@dataclass
class RawReply:
    """What a reader found in one file, before it is checked against the case."""

    path: Path
    format: Literal["docx", "pdf"]
    reference: str = ""
    agency: str = ""
    kind: str = ""
    version: str = ""
    agency_name: str = ""
    answers: dict[str, str] = field(default_factory=dict)
    placeholders: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    known: dict[str, str] = field(default_factory=dict)
    events: list[dict[str, str]] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)
    unplaced: list[str] = field(default_factory=list)
    paragraphs: list[tuple[str, str]] = field(default_factory=list)
    """Docx paragraphs outside known fields: (full text, text outside tagged controls); template text included."""
    warnings: list[str] = field(default_factory=list)

    def warn(self, where: str, message: str) -> None:
        """A warning naming the file and the field (never the value)."""
        self.warnings.append(f"{self.path.name}: {where}: {message}")
