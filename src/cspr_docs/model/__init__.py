"""Pydantic models of a CSPR case and its partnership; pure data and pure rules, no I/O."""

from __future__ import annotations

from cspr_docs.model.case import (
    Agency,
    Case,
    Child,
    Decision,
    FamilyMember,
    Recommendation,
)
from cspr_docs.model.consistency import find_inconsistencies
from cspr_docs.model.partnership import Partnership, Timescales

__all__ = [
    "Agency",
    "Case",
    "Child",
    "Decision",
    "FamilyMember",
    "Partnership",
    "Recommendation",
    "Timescales",
    "find_inconsistencies",
]
