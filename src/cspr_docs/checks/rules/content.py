"""Statutory content of a final report: `improvements-summary`, `systemic-analysis`, `minimum-content` (LLR LCSPR
Framework and Practice Guidance §9.1.2), `child-perspective`, `family-involvement`, `reviewer-name`, and a pack's `required-section`s."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

from cspr_docs.checks.draft import Section
from cspr_docs.checks.findings import Finding
from cspr_docs.checks.lexicon import CHILD, FAMILY, LEXICONS, Lexicon
from cspr_docs.checks.lexicon import MINIMUM_CONTENT as _MINIMUM_IDS
from cspr_docs.checks.recognise import Evidence, has_subsections, heading_key, recognise, sections, sentences
from cspr_docs.checks.text import normalise

Element = Lexicon
"""A piece of required content (kept for the combined-summary and terms-of-reference rules)."""

ELEMENTS = {key: LEXICONS[key] for key in ("improvements-summary", "systemic-analysis", "child-perspective",
                                           "family-involvement")}
MINIMUM_CONTENT = {key: LEXICONS[key] for key in _MINIMUM_IDS}


def find_element(ctx: Any, element_id: str, element: Lexicon) -> tuple[bool, Section | None]:
    """(present, None) or (False, the empty matching section) — the older interface of `recognise`."""
    evidence = recognise(ctx, element_id, element)
    if evidence.present:
        return True, None
    empty = next((s for s in sections(ctx) if s.heading_block is evidence.block), None) if evidence.status == "empty" \
        else None
    return False, empty


def _weak(evidence: Evidence) -> str:
    quoted = "; ".join(f"'{p}'" for p in evidence.phrases)
    return (f"only weak evidence of {evidence.label}: one sentence ({quoted}) and no section of its own; give it a "
            "heading, or say more")


def element_findings(ctx: Any, rule: str, evidence: Evidence, missing: str) -> Iterator[Finding]:
    """missing or empty: an error; present on one sentence only: a warning."""
    if evidence.status == "found":
        return
    if evidence.status == "weak":
        yield ctx.finding(rule, _weak(evidence), evidence.block, severity="warning")
    elif evidence.status == "empty":
        yield ctx.finding(rule, f"the section for {evidence.label} is empty", evidence.block)
    else:
        listed = (" (the contents list names it, but no such section is in the text)"
                  if evidence.listed_in_contents else "")
        yield ctx.finding(rule, missing + listed, part="body")


def _element_rule(rule: str) -> Any:
    def check(ctx: Any) -> Iterator[Finding]:
        evidence = recognise(ctx, rule)
        yield from element_findings(ctx, rule, evidence, f"missing: {evidence.label} (no matching heading or text)")

    return check


def check_improvements_summary(ctx: Any) -> Iterator[Finding]:
    """A section that names it, or the recommendations themselves (a table, a heading per recommendation, numbered
    "Recommendation N" paragraphs) wherever they stand."""
    from cspr_docs.checks.rules.recommendations import find_recommendations

    evidence = recognise(ctx, "improvements-summary")
    if evidence.status != "found":
        found = find_recommendations(ctx)
        if found:
            evidence.status, evidence.how, evidence.block = "found", "recommendations", found[0].block
            evidence.phrases = (f"{len(found)} recommendation(s)",)
    yield from element_findings(ctx, "improvements-summary", evidence,
                                f"missing: {evidence.label} (no matching heading, recommendations or text)")
check_systemic_analysis = _element_rule("systemic-analysis")
check_child_perspective = _element_rule("child-perspective")

_PARTICIPATE = (r"(take part|taking part|participat\w*|contribut\w*|be involved|involvement|be interviewed|engag\w* "
                r"(with|in) (the|this) (review|process)|meet(ing)? (with )?the (lead )?reviewers?|speak(ing)? (to|with) the "
                r"(lead )?reviewers?|the invitation|this review|the review)")
_REFUSED = re.compile(
    r"\b(declined|refused|did not (wish|want|agree|respond|reply|engage|take part|participate|contribute)|chose not|"
    r"decided not|felt unable|(was|were|is|are|has been|have been|had been) (not|un)(able|willing)|(was|were|has|"
    r"have|had) not (been )?(involved|invited|approached|contacted|interviewed|seen|spoken to|possible)|could not be "
    r"(contacted|reached|traced|located|found|involved)|did not (take part|contribute|respond)|has not (responded|"
    r"engaged|replied)|no response)\b")
_NOBODY = re.compile(rf"\b(not (been )?possible|unable|not able) to (involve|contact|engage|reach|speak (with|to)|"
                     rf"meet|interview|trace|locate) (the |any )?{FAMILY}\b|\bno ({FAMILY}|contact with the family|"
                     rf"involvement (from|of) the family)\b.{{0,40}}\b(involved|took part|contributed|participated|"
                     rf"contacted|possible)\b")
_FAMILY_WORD = re.compile(rf"\b{FAMILY}\b")
_NOT_SUBJECT = re.compile(rf"\b({CHILD}|practitioners?|professionals?|workers?|teachers?|nurses?|visitors?|doctors?|"
                          r"gps?|police|officers?|staff|school|nursery|person|keyworker|key worker|manager|agency|"
                          r"agencies|services?|social care|she|he|they|it)\b")
_POSSESSOR = re.compile(rf"^(the )?({CHILD}( [a-z0-9]{{1,3}})?|[a-z][a-z-]+)'s $")
_REASON = re.compile(
    r"\b(because|due to|owing to|as a result|as (the|they|she|he|it|there|criminal|a|an|their|his|her)|reasons?|"
    r"proceedings|so as not to|in order (not )?to|wish(es|ed)?|wanted|choice|decision|advice|investigation|trial|"
    r"inquest|bereave\w*|grie\w*|distress\w*|(ill|poor) health|illness|unwell|custody|prison|bail|remand|no (known|"
    r"current) address|left the (country|area|uk)|moved (abroad|away)|interpreter|legal|respect\w*|traumati\w*)\b")


def _family_refusals(sentence: str, in_family_section: bool) -> bool:
    """The sentence says a family member did not take part in the review (the family, not the child or a
    practitioner, is the subject; outside the family section it must be about the review)."""
    if _NOBODY.search(sentence):
        return True
    refused = _REFUSED.search(sentence)
    if refused is None:
        return False
    who = _FAMILY_WORD.search(sentence, 0, refused.start())
    if who is None:
        return False
    before = sentence[:who.start()]
    if before.strip() and not _POSSESSOR.match(before.lstrip(" ,;:-").removeprefix("however, ").removeprefix("both ")):
        words = before.split()
        if len(words) > 4 or _NOT_SUBJECT.search(before):
            return False
    if _NOT_SUBJECT.search(sentence[who.end():refused.start()]):
        return False  # "the mother's partner told the nurse she …": the refusal belongs to someone else
    return in_family_section or bool(re.search(_PARTICIPATE, sentence[refused.start():]))


def check_family_involvement(ctx: Any) -> Iterator[Finding]:
    evidence = recognise(ctx, "family-involvement")
    if not evidence.present:
        yield from element_findings(ctx, "family-involvement", evidence, "family involvement is not described (who "
                                    "was invited, how they took part, or why they did not)")
        return
    if evidence.status == "weak":
        yield from element_findings(ctx, "family-involvement", evidence, "")
    family_sections = {id(b) for s in sections(ctx) if s.heading_block is not None
                       and ELEMENTS["family-involvement"].heading_regex().search(heading_key(s.title)) for b in s.blocks}
    for block in ctx.draft.body():
        if block.level is not None:
            continue
        norm = ctx.norm(block)
        if not _FAMILY_WORD.search(norm):
            continue
        parts = sentences(norm)
        for i, sentence in enumerate(parts):
            if not _family_refusals(sentence, id(block) in family_sections):
                continue
            following = parts[i + 1] if i + 1 < len(parts) else ""
            if _REASON.search(sentence) or _REASON.search(following):
                continue
            yield ctx.finding("family-involvement", "the draft says a family member did not take part in the review "
                              "but gives no reason (the reason, or that the family's wish was respected, belongs in "
                              "the report)", block, at=norm.find(sentence))
            return


def check_minimum_content(ctx: Any) -> Iterator[Finding]:
    for element_id in _MINIMUM_IDS:
        evidence = recognise(ctx, element_id)
        if evidence.status == "found":
            continue
        if evidence.status == "weak":
            yield ctx.finding("minimum-content", f"{_weak(evidence)} ({element_id}; LLR CSPR guidance §9.1.2)",
                              evidence.block, severity="warning")
            continue
        if evidence.status == "empty":  # a heading with nothing under it: the draft is unfinished
            yield ctx.finding("minimum-content", f"missing {evidence.label} ({element_id}; LLR CSPR guidance "
                              "§9.1.2): its section is empty", evidence.block)
            continue
        # Local guidance, described in many ways: not finding the words is weak evidence that it is absent.
        yield ctx.finding("minimum-content", f"{evidence.label} not found ({element_id}; LLR CSPR guidance §9.1.2): "
                          "no heading names it and no sentence does its work; check the draft covers it",
                          part="body", severity="warning")


def _place(block: Any) -> str:
    if block.line is not None:
        return f"line {block.line}"
    if block.page is not None:
        return f"page {block.page}"
    return f"¶{block.index}" if block.index is not None else block.part


def _titled(ctx: Any, section: Section) -> str:
    return f"'{ctx.redact(section.title)[:60]}' ({_place(section.heading_block)})"


def check_required_sections(ctx: Any) -> Iterator[Finding]:
    """Each section the rule pack requires: present, not empty, once, and in the order the pack lists them."""
    placed: list[tuple[str, Section, str]] = []
    for required in ctx.pack.required:
        if ctx.kind not in required.kinds:
            continue
        severity = required.severity
        wanted = [normalise(h) for h in required.headings]
        matches = [s for s in sections(ctx) if s.heading_block is not None
                   and any(w in normalise(s.title) for w in wanted)]
        if not matches:
            yield ctx.finding("required-section", f"required section '{required.id}' (rule pack) is missing",
                              part="body", severity=severity)  # type: ignore[arg-type]
            continue
        if len(matches) > 1:
            yield ctx.finding("required-section", f"required section '{required.id}' appears {len(matches)} times: "
                              f"{_titled(ctx, matches[0])} and {_titled(ctx, matches[1])}; keep one",
                              matches[1].heading_block, severity=severity)  # type: ignore[arg-type]
        if not any(s.text().strip() or has_subsections(ctx, s) for s in matches):
            yield ctx.finding("required-section", f"required section '{required.id}' (rule pack) is empty",
                              matches[0].heading_block, severity=severity)  # type: ignore[arg-type]
        placed.append((required.id, matches[0], severity))
    position = {id(s): i for i, s in enumerate(sections(ctx))}
    for (before_id, before, _), (after_id, after, severity) in pairwise(placed):
        if position[id(after)] < position[id(before)]:
            yield ctx.finding("required-section", f"required section '{after_id}' {_titled(ctx, after)} comes before "
                              f"'{before_id}' {_titled(ctx, before)}; the rule pack puts '{before_id}' first",
                              after.heading_block, severity=severity)  # type: ignore[arg-type]


_REVIEWER_LABEL = re.compile(r"(?i:(?:(?:independent|lead|external)\s+)?(?:reviewer|author)s?(?:\s*\([^)]*\))?\s*[:\-]\s*)"
                             r"(\S.{1,60})|(?i:(?:written|prepared|authored|undertaken|completed|conducted) by)\s+"
                             r"([A-Z][\w'.-]+(?:\s+[A-Z][\w'.-]+)+)")


_MAYBE_REVIEWER = re.compile(r"reviewer|author|by ")


def check_reviewer_name(ctx: Any) -> Iterator[Finding]:
    from cspr_docs.checks.rules.anonymity import bounded

    body = [b for b in ctx.draft.blocks if b.kind in ("body", "row", "header", "footer", "textbox")]
    if ctx.case is not None and ctx.case.review is not None:
        name = normalise(ctx.case.review.reviewer.name)
        pattern = re.compile(r"\s+".join(re.escape(p) for p in name.split()) + r"(?![\w])")
        if any(next(bounded(pattern, ctx.norm(b)), None) for b in body):
            return
    labelled = [b for b in body if _MAYBE_REVIEWER.search(ctx.norm(b)) and _REVIEWER_LABEL.search(b.text)]
    if ctx.case is not None and ctx.case.review is not None:
        if labelled:
            yield ctx.finding("reviewer-name", "the reviewer named in the draft differs from review.reviewer.name",
                              labelled[0])
            return
        yield ctx.finding("reviewer-name", "the reviewer's name (review.reviewer.name) is not in the report",
                          part="body")
        return
    if not labelled:
        yield ctx.finding("reviewer-name", "no reviewer's name found (e.g. 'Independent reviewer: …' or 'written "
                          "by …'); a published report must name its reviewer", part="body")
