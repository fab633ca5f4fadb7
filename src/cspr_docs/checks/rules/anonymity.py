"""Names and dates of birth from the case data in any part of a draft: `real-name`, `initials`, `date-of-birth`,
`quasi-identifier`. Findings name the case field that matched, never the text."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from cspr_docs.checks.findings import Finding
from cspr_docs.checks.rulepack import AllowEntry
from cspr_docs.checks.text import normalise, normalise_with_map

# Names that are also ordinary words: matched only when capitalised, and worth an allow-list entry when the
# word is used in its ordinary sense.
COMMON_WORDS = frozenset(
    ["hope", "grace", "rose", "brook", "brooke", "faith", "joy", "will", "mark", "may", "june", "april", "summer", "autumn", "amber", "ruby", "pearl", "holly", "ivy", "iris", "lily", "daisy", "violet", "dawn", "eve", "sky", "river", "hunter", "mason", "bill", "jack", "frank", "grant", "young", "white", "black", "brown", "green", "wood", "hill", "king", "bell", "cook", "baker", "page", "rich", "long", "law", "love", "star", "chase", "honor", "hazel", "jade", "heather", "poppy", "olive", "angel", "sunny", "august", "lane", "field", "fields", "stone", "north", "west", "mercy", "patience", "harmony", "destiny", "trinity", "sonny", "victor", "bay", "rain", "storm"]
)
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"]


def _people(case: Any) -> Iterator[tuple[str, Any]]:
    if case is None:
        return
    for i, child in enumerate(case.children):
        yield f"children[{i}]", child
    for i, member in enumerate(case.family):
        yield f"family[{i}]", member


def _name_pattern(term: str) -> str:
    return r"[\s\-]+".join(re.escape(p) for p in re.split(r"[\s\-]+", term) if p)


def dob_pattern(date: dt.date) -> str:
    """Regex (on normalised text) for a date in the common UK ways of writing it."""
    d, m, y = date.day, date.month, date.year
    month = _MONTHS[m - 1]
    day = rf"0?{d}(?:st|nd|rd|th)?"
    numeric_year = rf"(?:{y}|{y % 100:02d})"
    forms = [
        rf"{y}[-/.]{m:02d}[-/.]{d:02d}",
        rf"0?{d}\s?[/.\-]\s?0?{m}\s?[/.\-]\s?{numeric_year}",
        rf"{day}(?:\s+of)?[\s\-]+(?:{month}|{month[:3]}\.?)[\s\-,]+{y}",
        rf"(?:{month}|{month[:3]}\.?)\s+{day},?\s+{y}",
    ]
    return r"(?:" + "|".join(forms) + r")(?![\w])"  # start boundary checked by `bounded` (faster)


def bounded(pattern: re.Pattern[str], text: str, also: str = "") -> Iterator[re.Match[str]]:
    """Matches of `pattern` not preceded by a word character (or one of `also`).

    Checked here rather than with a leading lookbehind, which stops `re` from skipping ahead by the first
    character and makes the search about 50 times slower on long drafts.
    """
    for match in pattern.finditer(text):
        start = match.start()
        if start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "_" or text[start - 1] in also):
            yield match


class NameMatcher:
    """Every restricted value of the case (names, their parts, nicknames, dates of birth) in one regex pass."""

    def __init__(self, case: Any, nicknames: dict[str, list[str]], allow: list[AllowEntry]) -> None:
        self.allowed = {normalise(a.term).strip() for a in allow}
        self.labels: dict[str, str] = {}
        self.common: set[str] = set()
        self.initials: list[tuple[re.Pattern[str], str]] = []
        self.dobs: list[tuple[re.Pattern[str], str, str]] = []  # pattern, label, two-digit year (a prefilter)
        self.schools: list[tuple[str, str]] = []
        for prefix, person in _people(case):
            label = f"{prefix}.name"
            full = normalise(person.name).strip()
            self._add(full, label)
            parts = [p for p in re.split(r"\s+", full) if p]
            for part in parts:
                self._add(part, label)
                for piece in part.split("-"):
                    if len(piece) >= 3:
                        self._add(piece, label)
            letters = [p[0] for p in parts if p[0].isalpha()]
            if len(letters) >= 2:
                dotted = r"\.\s?".join(re.escape(c) for c in letters)
                self.initials.append((re.compile(rf"{dotted}\.?(?![\w])"), label))
            for nick in nicknames.get(person.id, []):
                self._add(normalise(nick).strip(), f"{prefix}.nickname")
            if getattr(person, "date_of_birth", None):
                self.dobs.append((re.compile(dob_pattern(person.date_of_birth)), f"{prefix}.date_of_birth",
                                  f"{person.date_of_birth.year % 100:02d}"))
            school = normalise(getattr(person, "school", "") or "").strip()
            if len(school) >= 4:
                self.schools.append((school, f"{prefix}.school"))
        terms = sorted(self.labels, key=len, reverse=True)
        self.regex = (re.compile(r"(?:" + "|".join(_name_pattern(t) for t in terms) + r")(?![\w])")
                      if terms else None)
        self._keys = {re.sub(r"[\s\-]+", " ", t): t for t in terms}

    def _add(self, term: str, label: str) -> None:
        if len(term) < 2 or term in self.allowed or term in self.labels:
            return
        self.labels[term] = label
        if term in COMMON_WORDS:
            self.common.add(term)

    def names_in(self, text: str, norm: str | None = None) -> list[tuple[str, bool]]:
        """(label, is_common_word) for each distinct restricted name in `text` (`norm`: its normalised form)."""
        if self.regex is None:
            return []
        norm = normalise(text) if norm is None else norm
        found: dict[str, bool] = {}
        mapped: list[int] | None = None
        for match in bounded(self.regex, norm):
            term = self._keys.get(re.sub(r"[\s\-]+", " ", match.group()), match.group())
            label = self.labels.get(term)
            if label is None:
                continue
            if term in self.common:
                if mapped is None:
                    mapped = normalise_with_map(text)[1]
                start = match.start()
                if start >= len(mapped) or not text[mapped[start]].isupper():
                    continue
            found.setdefault(label, term in self.common)
        return list(found.items())

    def redact(self, text: str) -> str:
        """`text` with names and dates of birth replaced by their labels (for headings and part names)."""
        if not text or (self.regex is None and not self.dobs):
            return text
        norm, where = normalise_with_map(text)
        spans: list[tuple[int, int, str]] = []
        for pattern, label in [(self.regex, None), *((p, lab) for p, lab, _ in self.dobs)]:
            if pattern is None:
                continue
            for match in bounded(pattern, norm):
                if match.end() == match.start():
                    continue
                lab = label or self.labels.get(self._keys.get(re.sub(r"[\s\-]+", " ", match.group()), ""), "name")
                spans.append((where[match.start()], where[match.end() - 1] + 1, f"[{lab}]"))
        for start, end, label in sorted(spans, reverse=True):
            text = text[:start] + label + text[end:]
        return text


def _where(block: Any) -> str:
    return {"deleted": " (in a tracked deletion)", "comment": " (in a comment)", "property": " (in the document "
            "properties)", "metadata": " (in the PDF metadata)", "file-name": " (in the file name)",
            "alt-text": " (in an image's alternative text)", "textbox": " (in a text box)"}.get(block.kind, "")


def check_real_name(ctx: Any) -> Iterator[Finding]:
    matcher = ctx.matcher()
    for block in ctx.draft.blocks:
        if matcher.regex is None:
            return
        for label, common in matcher.names_in(block.text, ctx.norm(block)):
            hint = ("; it is also an ordinary word: if this is the word, allow-list it in the rule pack with a reason"
                    if common else "")
            yield ctx.finding("real-name", f"a real name from the case data ({label}) appears{_where(block)}; "
                              f"use the pseudonym{hint}", block)


def check_initials(ctx: Any) -> Iterator[Finding]:
    matcher = ctx.matcher()
    for block in ctx.draft.blocks:
        if not matcher.initials:
            return
        norm = ctx.norm(block)
        for pattern, label in matcher.initials:
            if next(bounded(pattern, norm, "."), None):
                yield ctx.finding("initials", f"initials that match {label} appear{_where(block)}; check they "
                                  "do not identify anyone", block)


def check_date_of_birth(ctx: Any) -> Iterator[Finding]:
    matcher = ctx.matcher()
    for block in ctx.draft.blocks:
        if not matcher.dobs:
            return
        norm = ctx.norm(block)
        for pattern, label, year in matcher.dobs:
            if year in norm and next(bounded(pattern, norm), None):
                yield ctx.finding("date-of-birth", f"a date of birth from the case data ({label}) appears"
                                  f"{_where(block)}; give an age instead", block)


def check_quasi_identifier(ctx: Any) -> Iterator[Finding]:
    matcher = ctx.matcher()
    for block in ctx.draft.blocks:
        if not matcher.schools:
            return
        norm = ctx.norm(block)
        for school, label in matcher.schools:
            if school in norm and school not in matcher.allowed:
                yield ctx.finding("quasi-identifier", f"the school from the case data ({label}) is named"
                                  f"{_where(block)}; with an age and a town it can identify the child", block)
