"""The template context: the case as plain data, shortcuts, due dates, recipient and document facts."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from cspr_docs.documents import DocumentKind, Recipient
from cspr_docs.model import Case
from cspr_docs.model.criteria import ALL_CRITERIA, LOCAL_REVIEW_CRITERIA, NATIONAL_REVIEW_CRITERIA
from cspr_docs.render.birthday import BirthDay
from cspr_docs.render.env import Node, NodeList

RESTRICTED_FIELDS = ("name", "date_of_birth", "known_as", "contact")
"""Fields of children and family members removed from the context of publishable documents."""

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_NEWLINES = re.compile(r"\r\n?")


def clean_text(value: str) -> str:
    """Drop characters XML cannot hold (and that docxtpl would turn into page or paragraph breaks)."""
    return _ILLEGAL.sub("", _NEWLINES.sub("\n", value))


def to_node(value: Any, path: str) -> Any:
    """Plain data -> path-aware mappings and lists with clean strings (dates stay dates)."""
    if isinstance(value, dict):
        return Node({k: to_node(v, f"{path}.{k}" if path else str(k)) for k, v in value.items()}, path)
    if isinstance(value, list | tuple):
        return NodeList([to_node(v, f"{path}[{i}]") for i, v in enumerate(value)], path)
    if isinstance(value, str):
        return clean_text(value)
    return value


def subject_of(case: Case) -> str:
    """The publishable display name of the review: its title, or the children's pseudonyms joined with "and"."""
    if case.title.strip():
        return case.title.strip()
    names = [child.pseudonym for child in case.children]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _case_data(case: Case, *, publishable: bool) -> dict[str, Any]:
    data = case.model_dump(mode="python")
    if publishable:
        for group in ("children", "family"):
            for person in data[group]:
                for field in RESTRICTED_FIELDS:
                    person.pop(field, None)
    return data


def _births(case: Case, data: dict[str, Any]) -> None:
    """A scoping period that starts or ends on a child's date of birth reads "from Child A's birth", not the date."""
    born: dict[Any, list[str]] = {}
    for child in case.children:
        if child.date_of_birth is not None:
            born.setdefault(child.date_of_birth, []).append(clean_text(child.pseudonym))
    terms = (data.get("review") or {}).get("terms_of_reference") or {}
    period = terms.get("scoping_period") or {}
    for end in ("start", "end"):
        names = born.get(period.get(end))
        if names:
            phrase = f"{names[0]}'s birth" if len(names) == 1 else f"the birth of {' and '.join(names)}"
            period[end] = BirthDay.of(period[end], phrase)


def in_date_order(reply: dict[str, Any]) -> dict[str, Any]:
    """A collected reply with its key events in the order `collect --chronology` gives them (collect.dates)."""
    from cspr_docs.collect.dates import sort_key

    events = reply.get("key_events")
    if not isinstance(events, list) or len(events) < 2:
        return reply
    ordered = sorted(enumerate(events), key=lambda item: (
        *sort_key(str(item[1].get("date") or ""), str(item[1].get("time") or "")), item[0]))
    return {**reply, "key_events": [event for _, event in ordered]}


def base_context(case: Case, *, publishable: bool, collected: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything but `recipient` and `document`: built once per kind, shared by every recipient.

    `collected` holds what `collect` read back: `replies` (agency id -> reply data) and `chronology` (merged key
    events, in date order). Agencies' free text may name people, so publishable documents never receive it.
    """
    from cspr_docs.timeline import due_dates

    data = _case_data(case, publishable=publishable)
    _births(case, data)
    due = {key.replace("-", "_"): value for key, value in due_dates(case).items()}
    plain: dict[str, Any] = {
        "case": data,
        "partnership": data["partnership"],
        "children": data["children"],
        "family": data["family"],
        "agencies": data["agencies"],
        "review": data["review"],
        "rapid_review": data["rapid_review"],
        "recommendations": data["recommendations"],
        "subject": subject_of(case),
        "due": due,
        "criteria": dict(ALL_CRITERIA),
        "local_criteria": dict(LOCAL_REVIEW_CRITERIA),
        "national_criteria": dict(NATIONAL_REVIEW_CRITERIA),
    }
    # Shortcuts share the path of their place in `case` when they are the same object, so errors name one field.
    context: dict[str, Any] = {"case": to_node(data, "case")}
    for key in ("partnership", "children", "family", "agencies", "review", "rapid_review", "recommendations"):
        context[key] = context["case"][key]
    for key in ("subject", "due", "criteria", "local_criteria", "national_criteria"):
        context[key] = to_node(plain[key], key)
    collected = {} if publishable or collected is None else collected
    replies = {agency: in_date_order(reply) for agency, reply in (collected.get("replies") or {}).items()}
    context["replies"] = to_node(replies, "replies")
    context["chronology"] = to_node(list(collected.get("chronology") or []), "chronology")
    return context


def document_context(
    base: dict[str, Any],
    kind: DocumentKind,
    case: Case,
    *,
    issue_date: dt.date,
    draft: bool,
    recipient: Recipient | None = None,
    logo: Any = None,
) -> dict[str, Any]:
    """The full context of one document: the shared base plus `document` and (per-recipient kinds) `recipient`.

    `logo`: the letterhead drawing (markup prepared once per run); `document.logo` is undefined without one.
    """
    context = dict(base)
    facts = {
        "kind": kind.id,
        "title": kind.title,
        "date": issue_date,
        "marking": "" if kind.publishable else clean_text(case.partnership.protective_marking),
        "draft": draft,
    }
    if logo is not None:
        facts["logo"] = logo
    context["document"] = Node(facts, "document")
    if recipient is not None:
        context["recipient"] = to_node(recipient.model_dump(mode="python"), "recipient")
    return context


def context_names(kind: DocumentKind) -> set[str]:
    """The top-level names a template of this kind may use."""
    names = {"case", "partnership", "children", "family", "agencies", "review", "rapid_review", "recommendations",
             "subject", "due", "document", "criteria", "local_criteria", "national_criteria", "replies", "chronology"}
    if kind.per_recipient is not None:
        names.add("recipient")
    return names
