"""Statutory content of a final report: `improvements-summary`, `systemic-analysis`, `minimum-content` (seed 004
§9.1.2), `child-perspective`, `family-involvement`, `reviewer-name`, and a pack's `required-section`s."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from cspr_docs.checks.draft import Section
from cspr_docs.checks.findings import Finding
from cspr_docs.checks.text import normalise


@dataclass(frozen=True)
class Element:
    """A piece of required content: found under a matching heading, or by a telling phrase in the text."""

    label: str
    headings: tuple[str, ...]
    phrases: tuple[str, ...] = ()


ELEMENTS: dict[str, Element] = {
    "improvements-summary": Element(
        "a summary of recommended improvements",
        (r"summary of (the )?(recommended )?improvements", r"recommended improvements", r"\brecommendations?\b",
         r"improvements? (summary|plan|actions?)")),
    "systemic-analysis": Element(
        "an analysis of systemic or underlying reasons",
        (r"systemic", r"underlying (reasons?|causes?|factors?|issues?)"),
        (r"\bsystemic (reasons?|factors?|issues?|analysis|causes?|learning|findings?|problems?|barriers?)",
         r"\bunderlying (reasons?|causes?|factors?|issues?)")),
    "child-perspective": Element(
        "the child's lived experience or perspective",
        (r"child'?s? (voice|perspective|lived experience|daily life|views?)", r"voice of the child",
         r"lived experience", r"pen picture"),
        (r"lived experiences?", r"voice of the child",
         r"child(?: [a-z0-9]{1,3})?'s (voice|perspective|views?|wishes|feelings|lived experience|experiences?|daily life)",
         r"from (the )?child'?s? (point of view|perspective)")),
    "family-involvement": Element(
        "family involvement in the review",
        (r"family (involvement|engagement|contribution|participation|views?|perspective)",
         r"involvement of (the )?family", r"family'?s? (voice|views?|perspective)"),
        (r"family (members? )?(was|were|has been|have been) (invited|involved|consulted|contacted|offered|informed)",
         (r"(mother|father|parents?|carers?|grandparents?|family( members?)?) (declined|did not wish|chose not|did "
          r"not take part|contributed|took part|met (with )?the reviewer|spoke (with|to) the reviewer)"))),
}

MINIMUM_CONTENT: dict[str, Element] = {
    "overview": Element(
        "a brief overview of what happened and the key circumstances, background and context",
        (r"overview", r"background", r"what happened", r"(case|family) (summary|context|background)",
         r"key circumstances", r"context", r"introduction", r"summary of (the )?case", r"the incident"),
        (r"what happened",)),
    "professional-decisions": Element(
        "a summary of why relevant decisions by professionals were taken",
        (r"decisions?", r"key practice episodes?", r"practice episodes?", r"analysis of practice",
         r"professional (practice|judgement)"),
        (r"(decision|decided)\b.{0,80}\b(because|as|since|due to|on the basis)\b", r"why .{0,40}decisions?")),
    "agencies-working-together": Element(
        "a critique of how agencies worked together and any shortcomings",
        (r"multi-?agency", r"inter-?agency", r"working together", r"partnership working", r"how agencies",
         r"information sharing"),
        (r"multi-?agency (working|practice|response)", r"agencies worked together",
         r"inter-?agency (working|communication)", r"information sharing between")),
    "practice-in-general": Element(
        "whether the shortcomings are features of practice in general",
        (r"systemic", r"wider (practice|learning|system)", r"practice in general", r"recurr"),
        (r"(features?|typical|characteristic) of (wider |current |local )?practice",
         r"practice (more )?(generally|in general|more widely|across)",
         r"(wider|common|recurrent|recurring) (practice )?(issues?|themes?|problems?|patterns?)", r"\bsystemic\b")),
    "done-differently": Element(
        "what would need to be done differently to prevent harm in similar circumstances",
        (r"(done|do) differently", r"what needs to change", r"prevent", r"recommend", r"improvements?"),
        (r"(done|do|act) differently", r"prevent (similar )?harm", r"in similar circumstances", r"needs? to change")),
    "good-practice": Element(
        "examples of good practice",
        (r"good practice", r"what worked well", r"strengths", r"positive practice", r"notable practice"),
        (r"good practice", r"worked well")),
    "agencies-learn": Element(
        "what needs to happen to ensure agencies learn from the case",
        # "learn" too: the final-report skeleton's own heading is "Conclusions: how agencies will learn from this case"
        (r"learning", r"\blearn", r"lessons", r"dissemination", r"next steps", r"improvement action", r"action plan"),
        (r"(agencies|partners|partnership) (will|should|must) (learn|share|disseminate|embed)",
         r"learning (will|should|must) be (shared|disseminated|embedded)", r"learning briefings?",
         r"7[- ]minute briefings?")),
}


def _heading_matches(ctx: Any, element_id: str, element: Element, title: str) -> bool:
    norm = normalise(title)
    if any(re.search(p, norm) for p in element.headings):
        return True
    return any(normalise(extra) in norm for extra in ctx.pack.headings.get(element_id, ()))


def _sections(ctx: Any) -> list[Section]:
    if "sections" not in ctx.cache:
        ctx.cache["sections"] = ctx.draft.sections()
    return ctx.cache["sections"]


def _body_text(ctx: Any) -> str:
    """The main text without headings: a heading's own words must not fill the section it heads."""
    if "body_text" not in ctx.cache:
        ctx.cache["body_text"] = normalise("\n".join(b.text for b in ctx.draft.body() if b.level is None))
    return ctx.cache["body_text"]


def find_element(ctx: Any, element_id: str, element: Element) -> tuple[bool, Section | None]:
    """(present, empty matching section if the only match was an empty one)."""
    empty: Section | None = None
    for section in _sections(ctx):
        if section.heading_block is not None and _heading_matches(ctx, element_id, element, section.title):
            if section.text().strip() or _has_subsections(ctx, section):
                return True, None
            empty = empty or section
    if any(re.search(p, _body_text(ctx)) for p in element.phrases):
        return True, None
    return False, empty


def _has_subsections(ctx: Any, section: Section) -> bool:
    sections = _sections(ctx)
    i = next(i for i, s in enumerate(sections) if s is section)
    nxt = sections[i + 1] if i + 1 < len(sections) else None
    return bool(nxt and nxt.level is not None and section.level is not None and nxt.level > section.level)


def _element_rule(rule: str, element_id: str) -> Any:
    def check(ctx: Any) -> Iterator[Finding]:
        element = ELEMENTS[element_id]
        present, empty = find_element(ctx, element_id, element)
        if present:
            return
        if empty is not None:
            yield ctx.finding(rule, f"the section for {element.label} is empty", empty.heading_block)
        else:
            yield ctx.finding(rule, f"missing: {element.label} (no matching heading or text)", part="body")

    return check


check_improvements_summary = _element_rule("improvements-summary", "improvements-summary")
check_systemic_analysis = _element_rule("systemic-analysis", "systemic-analysis")
check_child_perspective = _element_rule("child-perspective", "child-perspective")

_NOT_INVOLVED = re.compile(r"declin|did not (wish|want|take part|participate|respond|engage)|chose not to|(was|were|"
                           r"has|have) not (been )?(involved|invited|approached|contacted|able)|unable to (contact|"
                           r"take part|participate|engage)|no (contact|involvement|response)|not been possible")
_REASON = re.compile(r"because|due to|owing to|as a result|\bas (the|they|she|he|it)\b|reasons?|proceedings|so as "
                     r"not to|in order (not )?to|\bwish|advice|investigation|trial|inquest|bereave|grief|distress")


def check_family_involvement(ctx: Any) -> Iterator[Finding]:
    element = ELEMENTS["family-involvement"]
    present, empty = find_element(ctx, "family-involvement", element)
    if not present:
        where = empty.heading_block if empty else None
        yield ctx.finding("family-involvement", "family involvement is not described (who was invited, how they "
                          "took part, or why they did not)", where, part=None if where else "body")
        return
    texts = [s.text() for s in _sections(ctx) if s.heading_block is not None
             and _heading_matches(ctx, "family-involvement", element, s.title)]
    phrases = re.compile("|".join(element.phrases))
    if phrases.search(_body_text(ctx)):
        texts += [b.text for b in ctx.draft.body() if phrases.search(ctx.norm(b))]
    for text in texts:
        norm = normalise(text)
        for sentence in re.split(r"(?<=[.!?])\s+", norm):
            if _NOT_INVOLVED.search(sentence) and not _REASON.search(sentence):
                yield ctx.finding("family-involvement", "the draft says the family was not involved but gives no "
                                  "reason", part="body")
                return


def check_minimum_content(ctx: Any) -> Iterator[Finding]:
    for element_id, element in MINIMUM_CONTENT.items():
        present, empty = find_element(ctx, element_id, element)
        if not present:
            detail = "its section is empty" if empty else "no matching heading or text"
            yield ctx.finding("minimum-content", f"missing {element.label} ({element_id}; LLR CSPR guidance §9.1.2): {detail}",
                              empty.heading_block if empty else None, part=None if empty else "body")


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
        matches = [s for s in _sections(ctx) if s.heading_block is not None
                   and any(w in normalise(s.title) for w in wanted)]
        if not matches:
            yield ctx.finding("required-section", f"required section '{required.id}' (rule pack) is missing",
                              part="body", severity=severity)  # type: ignore[arg-type]
            continue
        if len(matches) > 1:
            yield ctx.finding("required-section", f"required section '{required.id}' appears {len(matches)} times: "
                              f"{_titled(ctx, matches[0])} and {_titled(ctx, matches[1])}; keep one",
                              matches[1].heading_block, severity=severity)  # type: ignore[arg-type]
        if not any(s.text().strip() or _has_subsections(ctx, s) for s in matches):
            yield ctx.finding("required-section", f"required section '{required.id}' (rule pack) is empty",
                              matches[0].heading_block, severity=severity)  # type: ignore[arg-type]
        placed.append((required.id, matches[0], severity))
    position = {id(s): i for i, s in enumerate(_sections(ctx))}
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
