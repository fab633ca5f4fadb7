"""Every recommendation says whom it is for and by when: `recommendation-owner`, `recommendation-due`.

Recommendations are read by their structure, the ways published reviews lay them out:
- a table, its columns found by meaning ("Recommendation | Lead | Timescale | Outcome", "No. | Recommendation |
  Agency | By when", "Action | Owner | Target date");
- a heading per recommendation ("Recommendation 3", "Recommendation 3: Transfer of cases") followed by label lines
  ("Lead agency: …", "Timescale: by March 2027");
- a numbered paragraph or list item under a recommendations heading, or one that starts "Recommendation N", saying
  inline who should act and by when ("The ICB should … by March 2027"), with any label lines that follow it.
A timescale is any of the ways reviewers write one: a date or month ("by March 2027", "31/03/2027"), a period
("within six months of publication"), a quarter ("Q3 2026/27"), a term, or "ongoing", "immediate", "completed".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from cspr_docs.checks.draft import Block
from cspr_docs.checks.findings import Finding
from cspr_docs.checks.lexicon import NUMBER, RECOMMENDATION_SECTION
from cspr_docs.checks.text import normalise

_START = re.compile(r"^\s*(recommendation\s*(\d+|[ivx]+|[a-z])\b|rec(ommendation)?\.?\s*\d+\b|r\s?\d+\b|"
                    r"\d+(\.\d+)*[.):]?\s|\(?[a-z]\)\s|[ivx]+[.)]\s)")
_RECOMMENDATION_HEADING = re.compile(r"^\s*(\d+(\.\d+)*[.)]?\s+)?recommendation(\s+(\d+|[ivx]+|[a-z])\b|\s*\d+)")
_OWNER_COL = re.compile(r"\b(owner|whom|lead|leads|responsib\w*|agenc(y|ies)|who\b|partners?|organisations?|"
                        r"accountable|for\b|by whom|sponsor|strategic lead)")
_DUE_COL = re.compile(r"\b(by when|when|due|timescales?|timeframe|time ?frame|deadline|date|target|completion|"
                      r"complete by|review date|quarter|by)\b")
_RECOMMENDATION_COL = re.compile(r"recommend|action|improvement|what\b|learning|finding")
_LABEL = re.compile(r"^\s*(?P<label>[a-z][a-z /&()'-]{1,40}?)\s*[:\-\u2013]\s*(?P<value>.*)$")
_OWNER_LABEL = re.compile(r"^(lead|owner|responsib|accountable|agenc|partner|who\b|by whom|for whom|sponsor|"
                          r"organisation|strategic lead|action (owner|lead)|lead (agency|partner|officer|organisation))")
_DUE_LABEL = re.compile(r"^(timescale|time ?frame|by when|when\b|due|deadline|target( date)?|completion|date|"
                        r"complete by|review date|expected (by|completion))")
_EMPTY = re.compile(r"^\s*(|-+|\u2013|\u2014|tbc|tbd|tba|n/?a|none|\?+|to be (confirmed|agreed|decided|set|"
                    r"determined)|not (yet )?(set|agreed|known))\s*[.]?\s*$")
_ORGANISATION = re.compile(
    r"\b(the )?(safeguarding )?(partnership|partners|board|local authority|council|children'?s (social care|services)|"
    r"social care|csc|icb|integrated care (board|system)|nhs|police|constabulary|trust|schools?|academ(y|ies)|"
    r"education|health|gps?|general practi\w+|primary care|midwifery|maternity|health visiting|designated "
    r"(nurse|doctor|professionals?|safeguarding leads?)|agenc(y|ies)|probation|housing|commissioners?|director|"
    r"services?|department|team|practitioners?|managers?|leaders?|youth (justice|offending)|ambulance|hospital|"
    r"cafcass|dfe|department for education|ofsted|panel|government|mash|early help|learning and development|"
    r"training|sub-?group|group|network)\b")
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_YEAR = r"(19|20)\d{2}"
_WHEN = (rf"({_MONTH}\s*(\d{{1,2}}(st|nd|rd|th)?,?\s*)?('?\d{{2}}\b|{_YEAR})|\d{{1,2}}(st|nd|rd|th)?\s+{_MONTH}\s*"
         rf"({_YEAR})?|\b{_YEAR}(/\d{{2,4}}|-\d{{2}}(?!-))?\b|\bq[1-4]\b|\bquarter [1-4]\b|\b(first|second|third|fourth|"
         rf"final|last) quarter\b|\b(spring|summer|autumn|winter)( term)?\b|\bend of (the )?(\w+ )?(year|month|"
         rf"quarter|term|financial year|{_MONTH})|\b{NUMBER}[- ](days?|weeks?|months?|years?)\b|\bfinancial year\b)")
_DATE = (rf"(\b\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}\b|\b{_YEAR}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}}/{_YEAR}\b|\b\d{{1,2}}/\d{{2}}\b)")
_STANDING = (r"\b(ongoing|on-going|immediate(ly)?|with immediate effect|complete(d)?|in place|already (in place|"
             r"completed|done|implemented)|achieved|implemented|annual(ly)?|quarterly|monthly|bi-?annual(ly)?|"
             r"continuous|rolling|from (now|publication)|as soon as (possible|practicable)|asap|now)\b")
_DUE_TEXT = re.compile(
    rf"\b(by|before|within|no later than|not later than|until|from|during|in|at|over the next|due|deadline|"
    rf"timescales?|target|completed? by|in place by|starting)\b[^.;]{{0,25}}?({_WHEN}|{_DATE})|{_DATE}|"
    rf"\bby when\s*[:\-]\s*\S|\b(with immediate effect|immediately|as soon as possible|on an ongoing basis|"
    rf"is ongoing|remains ongoing|annually|every {NUMBER} (weeks|months|years))\b")
_DUE_CELL = re.compile(rf"{_WHEN}|{_DATE}|{_STANDING}")


@dataclass
class Recommendation:
    """One recommendation found in the draft."""

    number: int
    block: Block
    has_owner: bool
    has_due: bool
    how: str = "paragraph"  # table, heading, paragraph
    labels: list[Block] = field(default_factory=list)


_MODAL = re.compile(r"\b(should|must|will|shall|needs? to|is asked to|are asked to|to lead|is to|are to|"
                    r"is responsible|are responsible|takes? the lead|leads?)\b")
_ACTOR = re.compile(r"\b(recommends? that|recommended that|asks?|requests?|invites?|calls on|led by|owned by|by|for)\s+"
                    r"(the |all |each |every )?$")


def owner_in(text: str) -> bool:
    """Inline: someone is named to act — an organisation as the subject of "should/must/will" ("The ICB should …",
    "Partners will …"), or after "recommends that", "asks", "led by" ("… be reviewed by the ICB")."""
    for sentence in re.split(r"(?<=[.;!?])\s+", text):
        for org in _ORGANISATION.finditer(sentence):
            if _MODAL.search(sentence, org.end(), org.end() + 60) or _ACTOR.search(sentence[max(0, org.start() - 40):
                                                                                         org.start()]):
                return True
    return False


def due_in(text: str, *, cell: bool = False) -> bool:
    """A timescale: in a cell or after a label any form counts; inline it must read as one ("by March 2027")."""
    if _EMPTY.match(text):
        return False
    return bool((_DUE_CELL if cell else _DUE_TEXT).search(text))


def _columns(cells: tuple[str, ...]) -> tuple[int | None, int | None] | None:
    """(owner column, due column) of a header row; None when the row is not a recommendations header."""
    norm = [normalise(c).strip() for c in cells]
    if not any(norm) or any(len(c) > 60 for c in norm):
        return None
    due = next((i for i, c in enumerate(norm) if _DUE_COL.search(c)), None)
    owner = next((i for i, c in enumerate(norm) if i != due and _OWNER_COL.search(c)
                  and not _RECOMMENDATION_COL.search(c)), None)
    if owner is None and due is None:
        return None
    if not any(_RECOMMENDATION_COL.search(c) for i, c in enumerate(norm) if i not in (owner, due)):
        return None
    return owner, due


def _label(text: str) -> tuple[str, str] | None:
    """("owner" | "due" | "other", value) for a label line ("Lead agency: ICB", "Timescale - March 2027")."""
    match = _LABEL.match(text)
    if match is None:
        return None
    label = match.group("label").strip()
    if _DUE_LABEL.match(label):
        return "due", match.group("value")
    if _OWNER_LABEL.match(label):
        return "owner", match.group("value")
    return "other", match.group("value")


def _in_section(title: str) -> bool:
    return bool(RECOMMENDATION_SECTION.search(normalise(title)))


def find_recommendations(ctx: Any) -> list[Recommendation]:
    """The recommendations of the draft (cached per draft)."""
    if "recommendations" in ctx.cache:
        return ctx.cache["recommendations"]
    found: list[Recommendation] = []
    current: Recommendation | None = None  # the recommendation that label lines attach to
    header: tuple[int | None, int | None] | None = None
    in_table = False
    section_ok = False
    for block in ctx.draft.body():
        norm = normalise(block.text).strip()
        if block.kind != "row":
            in_table, header = False, None
        if block.level is not None:
            if _RECOMMENDATION_HEADING.match(norm):
                current = Recommendation(len(found) + 1, block, False, False, "heading")
                found.append(current)
                continue
            if section_ok and _START.match(norm) and block.fallback_heading and not _in_section(block.text):
                current = Recommendation(len(found) + 1, block, owner_in(norm), due_in(norm), "paragraph")
                found.append(current)
                continue
            section_ok = _in_section(block.text)
            current = None
            continue
        if block.kind == "row":
            if not in_table:
                in_table = True
                header = _columns(block.cells)
                if header is not None:
                    continue
            if header is not None:
                current = _table_row(block, header, len(found) + 1)
                if current is not None:
                    found.append(current)
                continue
            if section_ok:  # a table without a header row: label | value pairs of the current recommendation
                pair = _label(f"{block.cells[0]}: {' '.join(block.cells[1:])}") if len(block.cells) >= 2 else None
                if pair and current is not None:
                    _apply(current, pair, block)
                continue
        pair = _label(norm)
        if current is not None and pair is not None and pair[0] != "other":
            _apply(current, pair, block)
            for inline in _inline_labels(norm)[1:]:  # "Lead: … Timescale: …" on one line (a PDF joins them)
                _apply(current, inline, block)
            continue
        inline_labels = _inline_labels(norm)
        starts = (_START.match(norm) or block.list_item) and len(norm) > 15
        if section_ok and starts or _RECOMMENDATION_HEADING.match(norm) and len(norm) > 25:
            current = Recommendation(len(found) + 1, block, owner_in(norm), due_in(norm), "paragraph")
            for kind, value in inline_labels:
                _apply(current, (kind, value), block)
            found.append(current)
        elif current is not None and current.how == "heading" and len(block.text) < 600:
            current.has_owner = current.has_owner or owner_in(norm)
            current.has_due = current.has_due or due_in(norm)
    ctx.cache["recommendations"] = found
    return found


def _after_label(norm: str) -> str:
    """A heading's words after "Recommendation 3:"."""
    return re.sub(r"^\s*(\d+(\.\d+)*[.)]?\s+)?recommendation(\s+(\d+|[ivx]+|[a-z])\b|\s*\d+)\s*[:.\-\u2013]?", "",
                  norm)


def _inline_labels(norm: str) -> list[tuple[str, str]]:
    """Label parts inside one paragraph ("… Lead: ICB. Timescale: March 2027")."""
    labels = r"lead( agency| partner| officer)?|owner|responsible|by whom|timescale|by when|target date|due|deadline"
    pattern = rf"\b({labels})\s*:\s*([^.;|]*?)(?=\b(?:{labels})\s*:|[.;|]|$)"
    return [("due" if re.match(r"time|by when|target|due|dead", m.group(1)) else "owner", m.group(3))
            for m in re.finditer(pattern, norm)]


def _apply(rec: Recommendation, pair: tuple[str, str], block: Block) -> None:
    kind, value = pair
    rec.labels.append(block)
    if kind == "owner" and not _EMPTY.match(value):
        rec.has_owner = True
    elif kind == "due" and due_in(value, cell=True):
        rec.has_due = True


def _table_row(block: Block, header: tuple[int | None, int | None], number: int) -> Recommendation | None:
    owner_col, due_col = header
    cells = [normalise(c) for c in block.cells]
    if not any(c.strip() for i, c in enumerate(cells) if i not in (owner_col, due_col)):
        return None
    has_owner = owner_col is not None and owner_col < len(cells) and not _EMPTY.match(cells[owner_col])
    has_due = due_col is not None and due_col < len(cells) and due_in(cells[due_col], cell=True)
    if owner_col is None:
        has_owner = any(owner_in(c) for c in cells)
    return Recommendation(number, block, has_owner, has_due, "table")


def check_recommendation_owner(ctx: Any) -> Iterator[Finding]:
    for rec in find_recommendations(ctx):
        if not rec.has_owner:
            yield ctx.finding("recommendation-owner", f"recommendation {rec.number} does not say whom it is for "
                              "(no owner)", rec.block)


def check_recommendation_due(ctx: Any) -> Iterator[Finding]:
    for rec in find_recommendations(ctx):
        if not rec.has_due:
            yield ctx.finding("recommendation-due", f"recommendation {rec.number} does not say by when", rec.block)
