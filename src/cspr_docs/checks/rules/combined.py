"""Rapid review combined summaries (`decision-rationale`, `criteria-addressed`) and terms of reference
(`tor-content`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from cspr_docs.checks.findings import Finding
from cspr_docs.checks.rules.content import Element, find_element
from cspr_docs.checks.text import normalise
from cspr_docs.model.criteria import ALL_CRITERIA

CRITERIA_PHRASES: dict[str, tuple[str, ...]] = {
    "improvements-needed": (r"improvements? (needed|required|identified|to safeguard)", r"highlights? .{0,20}improvements?"),
    "recurrent-themes": (r"recurr(ent|ing) themes?",),
    "agencies-working-together": (r"two or more (organisations|agencies)", r"agencies working together",
                                  r"organisations or agencies working together"),
    "panel-considers-local-review": (r"panel\b.{0,25}\b(consider|conclu)", r"local review may be more appropriate"),
    "legislation-or-guidance-change": (r"legislati(ve|on) change", r"changes? to (statutory )?guidance"),
    "complex-or-national-importance": (r"national importance", r"complex or of national"),
}
DECISION = Element("the decision", (r"decision", r"outcome", r"recommendation of the rapid review"),
                   (r"\b(decided|decision (is|was)|agreed to (undertake|commission|proceed))\b",))
RATIONALE = Element("the rationale for the decision", (r"rationale", r"reasons? for (the )?decision"),
                    (r"\brationale\b", r"\breasons? for (the|this|our) decision\b",
                     r"(decided|decision|agreed)\b.{0,120}\b(because|as the|since|on the basis)\b"))

TOR_ELEMENTS: dict[str, Element] = {
    "scoping-period": Element("the scoping period", (r"scop(e|ing)",), (r"scoping period",)),
    "key-lines-of-enquiry": Element("the key lines of enquiry", (r"lines of enquiry", r"\bkloes?\b", r"questions"),
                                    (r"key lines of enquiry",)),
    "methodology": Element("the methodology", (r"method",), (r"methodology",)),
    "family-involvement": Element("family involvement", (r"family",), (r"family (involvement|engagement)",)),
    "parallel-processes": Element("parallel processes", (r"parallel (processes|proceedings)",),
                                  (r"parallel (processes|proceedings)",)),
    "timetable": Element("the timetable", (r"timetable", r"timescales?"), (r"timetable",)),
    "governance": Element("governance and the reviewer", (r"governance", r"reviewer", r"review team",
                                                          r"panel membership"), (r"independent reviewer",)),
}


def check_decision_rationale(ctx: Any) -> Iterator[Finding]:
    for element_id, element in (("decision", DECISION), ("rationale", RATIONALE)):
        present, empty = find_element(ctx, element_id, element)
        if not present:
            yield ctx.finding("decision-rationale", f"missing: {element.label}" + (" (its section is empty)"
                              if empty else ""), empty.heading_block if empty else None,
                              part=None if empty else "body")


def check_criteria_addressed(ctx: Any) -> Iterator[Finding]:
    text = normalise("\n".join(b.text for b in ctx.draft.body()))
    for criterion in ALL_CRITERIA:
        phrases = (re.escape(criterion), re.escape(normalise(ALL_CRITERIA[criterion])[:60]),
                   *CRITERIA_PHRASES.get(criterion, ()))
        if not any(re.search(p, text) for p in phrases):
            yield ctx.finding("criteria-addressed", f"the statutory criterion '{criterion}' is not addressed",
                              part="body")


def check_tor_content(ctx: Any) -> Iterator[Finding]:
    for element_id, element in TOR_ELEMENTS.items():
        present, empty = find_element(ctx, element_id, element)
        if not present:
            yield ctx.finding("tor-content", f"terms of reference without {element.label} ({element_id})"
                              + (": its section is empty" if empty else ""),
                              empty.heading_block if empty else None, part=None if empty else "body")
