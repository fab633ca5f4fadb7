"""The statutory criteria a rapid review decision is taken against (WT2023 ch. 5; SI 2018/789 regs 5 and 11)."""

from __future__ import annotations

from typing import Literal

CriterionId = Literal[
    "improvements-needed",
    "recurrent-themes",
    "agencies-working-together",
    "panel-considers-local-review",
    "legislation-or-guidance-change",
    "complex-or-national-importance",
]

LOCAL_REVIEW_CRITERIA: dict[str, str] = {
    "improvements-needed": (
        "Highlights or may highlight improvements needed to safeguard and promote the welfare of children, "
        "including where those improvements have been previously identified"
    ),
    "recurrent-themes": (
        "Highlights or may highlight recurrent themes in the safeguarding and promotion of the welfare of children"
    ),
    "agencies-working-together": (
        "Highlights or may highlight concerns regarding two or more organisations or agencies working together "
        "effectively to safeguard and promote the welfare of children"
    ),
    "panel-considers-local-review": (
        "Is one the Panel has considered and has concluded a local review may be more appropriate"
    ),
}
"""Regulation 11 criteria the safeguarding partners must take into account for a local review."""

NATIONAL_REVIEW_CRITERIA: dict[str, str] = {
    "legislation-or-guidance-change": (
        "Raises or may raise issues requiring legislative change or changes to guidance issued under or further "
        "to any enactment"
    ),
    "complex-or-national-importance": "Raises issues that are complex or of national importance",
}
"""Further criteria that point to a national review (the Panel's criteria, WT2023 ch. 5)."""

ALL_CRITERIA: dict[str, str] = {**LOCAL_REVIEW_CRITERIA, **NATIONAL_REVIEW_CRITERIA}
