"""Real names typed into publishable fields: pseudonyms, the title and the text the published documents print."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from cspr_docs.model.case import Case

Loc = tuple[str | int, ...]
Issue = tuple[Loc, str]

# Letters NFKD does not take apart (Ł stays Ł), folded by hand so "Lukasz" still matches "Łukasz".
_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ß": "ss",
                       "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "TH", "ı": "i"})
_WORD = re.compile(r"[^\W\d_]+")
# Words a name field may hold that are not the person's name: titles, and what stands in for an unnamed baby.
_NOT_NAMES = frozenset(["mr", "mrs", "miss", "ms", "mx", "dr", "rev", "sir", "dame", "lady", "lord", "master",
                        "baby", "unborn", "infant", "child", "junior", "senior", "jnr", "snr"])


def words(text: str) -> list[str]:
    """The words of `text` without case or accents: "O'Brien-Łukasz" -> ["o", "brien", "lukasz"]."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _WORD.findall(plain.casefold())


@dataclass(frozen=True)
class _Name:
    field: str  # e.g. children[0].name: what messages say, never the value
    whole: tuple[str, ...]  # the name's words, titles left out
    parts: frozenset[str]  # its words of 3+ letters


def _restricted_names(case: Case) -> list[_Name]:
    people = [(f"children[{i}]", c.name, c.known_as) for i, c in enumerate(case.children)]
    people += [(f"family[{i}]", f.name, "") for i, f in enumerate(case.family)]
    found = []
    for prefix, *values in people:
        for field, value in zip(("name", "known_as"), values, strict=True):
            whole = tuple(w for w in words(value) if w not in _NOT_NAMES)
            if sum(len(w) for w in whole) >= 3:
                found.append(_Name(f"{prefix}.{field}", whole, frozenset(w for w in whole if len(w) >= 3)))
    return found


def _contains(text: list[str], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(tuple(text[i:i + size]) == phrase for i in range(len(text) - size + 1))


def _what(name: _Name) -> str:
    return "the name" if name.field.endswith("known_as") else "the real name"


def _display_names(case: Case) -> Iterator[tuple[Loc, str]]:
    """Fields that name someone in every document: a name part there is already a leak."""
    yield ("title",), case.title
    for i, child in enumerate(case.children):
        yield ("children", i, "pseudonym"), child.pseudonym
    for i, member in enumerate(case.family):
        yield ("family", i, "pseudonym"), member.pseudonym


def _published_text(case: Case) -> Iterator[tuple[Loc, str]]:
    """Free text the final report, the learning briefing and the publication notice print (and the factual
    summary, written to be anonymised); it names people by pseudonym, so only a whole name is looked for."""
    review = case.review
    if review:
        yield ("review", "reviewer", "independence_statement"), review.reviewer.independence_statement
        tor = review.terms_of_reference
        if tor:
            loc = ("review", "terms_of_reference")
            yield (*loc, "methodology"), tor.methodology
            yield from (((*loc, "key_lines_of_enquiry", i), q) for i, q in enumerate(tor.key_lines_of_enquiry))
        if review.factual_summary:
            for i, episode in enumerate(review.factual_summary.episodes):
                loc = ("review", "factual_summary", "episodes", i)
                yield (*loc, "title"), episode.title
                yield (*loc, "summary"), episode.summary
            yield ("review", "factual_summary", "current_status"), review.factual_summary.current_status
    for i, rec in enumerate(case.recommendations):
        yield from ((("recommendations", i, key), getattr(rec, key)) for key in ("text", "owner", "finding"))
    yield ("publication", "reasons_not_published"), case.publication.reasons_not_published
    brief = case.learning_briefing
    if brief:
        loc = ("learning_briefing",)
        yield from (((*loc, key), getattr(brief, key)) for key in ("background", "why_it_matters",
                                                                     "further_information"))
        for i, point in enumerate(brief.key_points):
            yield (*loc, "key_points", i, "heading"), point.heading
            yield (*loc, "key_points", i, "text"), point.text
        for key in ("things_to_note", "what_to_do", "reflective_questions"):
            yield from (((*loc, key, i), item) for i, item in enumerate(getattr(brief, key)))


def find_restricted_names(case: Case) -> list[Issue]:
    """A child's or family member's name (or a 3+ letter part of it, in a pseudonym or the title) in a field
    that publishable documents print. Messages name the two fields, never the value."""
    names = _restricted_names(case)
    found: list[Issue] = []
    for loc, value in _display_names(case):
        text, people = words(value), set()
        for name in names:
            person = name.field.rsplit(".", 1)[0]
            if person in people:  # a known_as is usually part of the name just reported
                continue
            if _contains(text, name.whole) or name.parts & set(text):
                how = "" if _contains(text, name.whole) else "part of "
                found.append((loc, f"contains {how}{_what(name)} in {name.field}: use a pseudonym such as 'Child A'"))
                people.add(person)
    for loc, value in _published_text(case):
        text = words(value)
        for name in names:
            whole = name.whole
            first_last = (whole[0], whole[-1]) if len(whole) > 2 else whole
            if _contains(text, whole) or _contains(text, first_last):
                found.append((loc, f"contains {_what(name)} in {name.field}: documents name people by pseudonym"))
    return found
