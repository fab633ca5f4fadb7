"""`check --explain`: for each required element, where it was found (a heading and its place, the recommendations,
or the words of the sentences that did its work) or why not. Headings and sentences pass through the draft's
redaction first, so a case name or identifier is never shown; without `--case` only the matched words are shown."""

from __future__ import annotations

from typing import Any

from cspr_docs.checks.recognise import Evidence

_HOW = {
    "heading": "under the heading",
    "recommendations": "the recommendations themselves",
    "text": "in the text",
}


def _place(ctx: Any, evidence: Evidence) -> dict[str, Any] | None:
    if evidence.block is None:
        return None
    return ctx.finding("explain", "", evidence.block).location.as_dict()


def describe(ctx: Any, evidence: Evidence) -> str:
    """One line for people."""
    heading = ctx.redact(evidence.heading)[:80]
    words = ", ".join(f"'{ctx.redact(p)[:60]}'" for p in evidence.phrases)
    if evidence.status == "found" and evidence.how == "heading":
        return f"found: heading '{heading}'"
    if evidence.status == "found" and evidence.how == "recommendations":
        return f"found: {words} (no heading names it; the recommendations stand for it)"
    if evidence.status == "found":
        return f"found in the text: {words}"
    if evidence.status == "weak":
        return f"weak: one sentence only ({words}); a warning"
    if evidence.status == "empty":
        return f"not found: its heading '{heading}' has no text under it"
    listed = "; the contents list names it but no such section is in the text" if evidence.listed_in_contents else ""
    return f"not found: no heading names it and no sentence does its work{listed}"


def explanations(ctx: Any) -> list[dict[str, Any]]:
    """The JSON form: one entry per element the draft's rules looked for, in the order they were looked for."""
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for evidence in ctx.cache.get("explain", []):
        if evidence.element in seen:
            continue
        seen.add(evidence.element)
        out.append({
            "element": evidence.element,
            "label": evidence.label,
            "status": evidence.status,
            "how": evidence.how or None,
            "heading": ctx.redact(evidence.heading)[:120] or None,
            "words": [ctx.redact(p)[:80] for p in evidence.phrases],
            "location": _place(ctx, evidence),
            "explanation": describe(ctx, evidence),
        })
    recommendations = ctx.cache.get("recommendations")
    if recommendations:
        no_owner = sum(1 for r in recommendations if not r.has_owner)
        no_due = sum(1 for r in recommendations if not r.has_due)
        layouts = ", ".join(sorted({r.how for r in recommendations}))
        out.append({"element": "recommendations", "label": "the recommendations", "status": "found", "how": layouts,
                    "heading": None, "words": [], "location": ctx.finding("explain", "", recommendations[0].block)
                    .location.as_dict(), "explanation": f"{len(recommendations)} recommendation(s) read as {layouts}: "
                    f"{no_owner} without an owner, {no_due} without a timescale"})
    return out
