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

    def names_in(self, text: str, norm: str | None = None) -> list[tuple[str, bool, int]]:
        """(label, is_common_word, where in `norm` it first appears) for each distinct restricted name in `text`
        (`norm`: its normalised form)."""
        if self.regex is None:
            return []
        norm = normalise(text) if norm is None else norm
        found: dict[str, tuple[bool, int]] = {}
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
            found.setdefault(label, (term in self.common, match.start()))
        return [(label, common, start) for label, (common, start) in found.items()]

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
            "alt-text": " (in an image's alternative text)", "textbox": " (in a text box)",
            "prompt": " (in template guidance text)", "annotation": " (in a PDF annotation)",
            "form-field": " (in a PDF form field)", "contents": " (in the table of contents)"}.get(block.kind, "")


def check_real_name(ctx: Any) -> Iterator[Finding]:
    matcher = ctx.matcher()
    for block in ctx.draft.blocks:
        if matcher.regex is None:
            return
        for label, common, start in matcher.names_in(block.text, ctx.norm(block)):
            hint = ("; it is also an ordinary word: if this is the word, allow-list it in the rule pack with a reason"
                    if common else "")
            yield ctx.finding("real-name", f"a real name from the case data ({label}) appears{_where(block)}; "
                              f"use the pseudonym{hint}", block, at=start)


def check_initials(ctx: Any) -> Iterator[Finding]:
    matcher = ctx.matcher()
    for block in ctx.draft.blocks:
        if not matcher.initials:
            return
        norm = ctx.norm(block)
        for pattern, label in matcher.initials:
            match = next(bounded(pattern, norm, "."), None)
            if match:
                yield ctx.finding("initials", f"initials that match {label} appear{_where(block)}; check they "
                                  "do not identify anyone", block, at=match.start())


def check_date_of_birth(ctx: Any) -> Iterator[Finding]:
    from cspr_docs.checks.rules.hygiene import WORKING_KINDS

    matcher = ctx.matcher()
    # A marked working document (combined summary, terms of reference) may need a baby's birth as an event: a
    # warning there; in a report for publication it is an error.
    working = ctx.kind in WORKING_KINDS
    severity = "warning" if working else None
    for block in ctx.draft.blocks:
        if not matcher.dobs:
            return
        norm = ctx.norm(block)
        for pattern, label, year in matcher.dobs:
            match = next(bounded(pattern, norm), None) if year in norm else None
            if match:
                advice = "keep it only if the reader needs it" if working else "give an age instead"
                yield ctx.finding("date-of-birth", f"a date of birth from the case data ({label}) appears"
                                  f"{_where(block)}; {advice}", block, severity=severity, at=match.start())


_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                 "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")


def age_pattern(child: Any, on: dt.date | None) -> re.Pattern[str] | None:
    """The child's age as a draft would give it ("5-year-old", "aged five", "5 months old"), from `age` or from
    the date of birth at the incident date; None when neither is known."""
    found = re.search(r"(\d+)\s*(year|yr|month|week|day)", normalise(child.age or ""))
    if found:
        number, unit = int(found.group(1)), {"yr": "year"}.get(found.group(2), found.group(2))
    elif child.date_of_birth and on:
        months = (on.year - child.date_of_birth.year) * 12 + on.month - child.date_of_birth.month
        months -= on.day < child.date_of_birth.day
        if months < 0:
            return None
        number, unit = (months, "month") if months < 24 else (months // 12, "year")
    else:
        return None
    num = rf"(?:{number}|{_NUMBER_WORDS[number]})" if number < len(_NUMBER_WORDS) else str(number)
    units = rf"(?:{unit}s?{'|yrs?' if unit == 'year' else ''})"
    return re.compile(rf"(?:{num}[\s-]*{units}[\s-]*(?:old|of age)|{num}[\s-]+{unit}[\s-]+old|aged\s+(?:about\s+)?{num}"
                      rf"|age\s+(?:of\s+)?{num})(?![\w])")


def _places(ctx: Any) -> list[tuple[str, str]]:
    """(normalised place, label): the rule pack's `places`, and the lines of family addresses without a number,
    except names of the partnership's own area (public in every report)."""
    case = ctx.case
    public = normalise(" ".join([case.partnership.name, case.incident.local_authority,
                                 *(c.local_authority for c in case.children)]))
    found = [(normalise(p).strip(), f"rule pack places[{i}]") for i, p in enumerate(ctx.pack.places)]
    for i, member in enumerate(case.family):
        for line in (member.contact.address if member.contact else [])[1:]:
            place = normalise(line).strip()
            if len(place) >= 4 and not re.search(r"\d", place) and place not in public:
                found.append((place, f"family[{i}].contact.address"))
    return [(p, label) for p, label in found if p and p not in ctx.matcher().allowed]


def _first(ctx: Any, test: Any) -> Any:
    return next((b for b in ctx.draft.blocks if b.kind != "file-name" and test(ctx.norm(b))), None)


def check_quasi_identifier(ctx: Any) -> Iterator[Finding]:
    matcher = ctx.matcher()
    for block in ctx.draft.blocks:
        if not matcher.schools:
            break
        norm = ctx.norm(block)
        for school, label in matcher.schools:
            if school in norm and school not in matcher.allowed:
                yield ctx.finding("quasi-identifier", f"the school from the case data ({label}) is named"
                                  f"{_where(block)}; with an age and a town it can identify the child", block,
                                  at=norm.index(school))
    if ctx.case is None or not matcher.schools:
        return
    places = [(re.compile(re.escape(p) + r"(?![\w])"), label) for p, label in _places(ctx)]
    for i, child in enumerate(ctx.case.children):
        school = normalise(child.school or "").strip()
        age = age_pattern(child, ctx.case.incident.date)
        if len(school) < 4 or school in matcher.allowed or age is None or not places:
            continue
        school_at = _first(ctx, lambda text, school=school: school in text)
        if school_at is None or _first(ctx, lambda text, age=age: next(bounded(age, text), None)) is None:
            continue
        place = next((label for pattern, label in places
                      if _first(ctx, lambda text, pattern=pattern: next(bounded(pattern, text), None))), None)
        if place is not None:
            yield ctx.finding("quasi-identifier", f"the age (children[{i}].age), the school (children[{i}].school) and "
                              f"a place ({place}) all appear in the draft: together they can identify the child; "
                              "generalise at least one (e.g. 'a primary school in the area')", school_at)
