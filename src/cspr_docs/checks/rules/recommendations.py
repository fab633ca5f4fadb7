"""Every recommendation says whom it is for and by when: `recommendation-owner`, `recommendation-due`.

Recommendations are the data rows of a table under a recommendations heading (columns found by their header
text), or paragraphs there that start "Recommendation N" / "RN" / a number."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cspr_docs.checks.draft import Block
from cspr_docs.checks.findings import Finding
from cspr_docs.checks.text import normalise

_SECTION = re.compile(r"recommend|improvements?")
_START = re.compile(r"^\s*(recommendation\s*\d+|r\s?\d+\b|\d+(\.\d+)*[.)]?\s)")
_OWNER_COL = re.compile(r"owner|whom|lead|responsib|agenc|who\b|\bfor\b")
_DUE_COL = re.compile(r"by when|due|timescale|deadline|\bdate\b|when|target|completion")
_RECOMMENDATION_COL = re.compile(r"recommend|action|improvement")
_EMPTY = re.compile(r"^\s*(|-|–|tbc|tbd|n/?a|\?+|to be (confirmed|agreed|decided))\s*$")
_OWNER_TEXT = re.compile(
    r"\b(owner|responsible|for whom|lead)\s*[:\-]|\b(the )?(safeguarding )?(partnership|partners|board|local authority|"
    r"council|children'?s (social care|services)|icb|integrated care board|police|constabulary|trust|schools?|"
    r"education|health|gp|designated (nurse|doctor|professionals?)|agenc(y|ies)|probation|housing|commissioners?|"
    r"director|service|department|team|practitioners?|managers?)\b")
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
_DUE_TEXT = re.compile(
    rf"\b(by|before|within|no later than|due|deadline|timescale)\b[^.]{{0,40}}(\b(19|20)\d{{2}}\b|{_MONTH}|\bq[1-4]\b|"
    rf"quarter|\d+ (weeks?|months?)|\b(six|three|twelve|nine|two|one|four|five|eighteen) (weeks?|months?)|end of)|"
    rf"\b\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}\b|\b(19|20)\d{{2}}-\d{{2}}-\d{{2}}\b|\bby when\s*[:\-]\s*\S")
_DATE_CELL = re.compile(rf"\d|{_MONTH}|quarter|\bq[1-4]\b|end of|within|weeks?|months?|year|ongoing")


@dataclass
class Recommendation:
    """One recommendation found in the draft."""

    number: int
    block: Block
    has_owner: bool
    has_due: bool


def _columns(cells: tuple[str, ...]) -> tuple[int | None, int | None] | None:
    norm = [normalise(c) for c in cells]
    owner = next((i for i, c in enumerate(norm) if _OWNER_COL.search(c)), None)
    due = next((i for i, c in enumerate(norm) if _DUE_COL.search(c)), None)
    if owner is None and due is None and not any(_RECOMMENDATION_COL.search(c) for c in norm):
        return None
    return owner, due


def find_recommendations(ctx: Any) -> list[Recommendation]:
    """The recommendations of the draft (cached per draft)."""
    if "recommendations" in ctx.cache:
        return ctx.cache["recommendations"]
    found: list[Recommendation] = []
    for section in ctx.draft.sections():
        if section.heading_block is None or not _SECTION.search(normalise(section.title)):
            continue
        header: tuple[int | None, int | None] | None = None
        previous_row = False
        for block in section.blocks:
            if block.kind == "row":
                if not previous_row:
                    header = _columns(block.cells)
                    previous_row = True
                    if header is not None:
                        continue
                if header is not None:
                    owner_col, due_col = header
                    has_owner = owner_col is not None and owner_col < len(block.cells) and not _EMPTY.match(
                        normalise(block.cells[owner_col]))
                    has_due = due_col is not None and due_col < len(block.cells) and bool(
                        _DATE_CELL.search(normalise(block.cells[due_col])))
                    if not any(c.strip() for i, c in enumerate(block.cells) if i not in (owner_col, due_col)):
                        continue
                    found.append(Recommendation(len(found) + 1, block, has_owner, has_due))
                    continue
            previous_row = block.kind == "row"
            norm = normalise(block.text)
            if block.kind != "row" and _START.match(norm) and len(norm) > 15:
                found.append(Recommendation(len(found) + 1, block, bool(_OWNER_TEXT.search(norm)),
                                            bool(_DUE_TEXT.search(norm))))
    ctx.cache["recommendations"] = found
    return found


def check_recommendation_owner(ctx: Any) -> Iterator[Finding]:
    for rec in find_recommendations(ctx):
        if not rec.has_owner:
            yield ctx.finding("recommendation-owner", f"recommendation {rec.number} does not say whom it is for "
                              "(no owner)", rec.block)


def check_recommendation_due(ctx: Any) -> Iterator[Finding]:
    for rec in find_recommendations(ctx):
        if not rec.has_due:
            yield ctx.finding("recommendation-due", f"recommendation {rec.number} does not say by when", rec.block)
