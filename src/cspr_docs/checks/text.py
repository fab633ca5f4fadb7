"""Text matching that survives Word: NFKC, format characters, case, diacritics, curly quotes, odd dashes."""

from __future__ import annotations

import re
import unicodedata

_FAST = str.maketrans({
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "`": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ", "\u202f": " ", "\u2007": " ", "\t": " ",
    "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None,
})


def _slow_char(ch: str) -> str:
    if unicodedata.category(ch) == "Cf":
        return ""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", ch))
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return kept.translate(_FAST).casefold()


def normalise(text: str) -> str:
    """Comparable form: compatibility-normalised, format characters removed, casefolded, without diacritics."""
    text = text.translate(_FAST)
    if text.isascii():
        return text.lower()
    return "".join(_slow_char(ch) for ch in text)


def normalise_with_map(text: str) -> tuple[str, list[int]]:
    """`normalise` plus, for each output character, the index of the input character it came from."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        piece = ch.lower() if ch.isascii() else _slow_char(ch)
        piece = piece.translate(_FAST)
        out.append(piece)
        where.extend([i] * len(piece))
    return "".join(out), where


SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """Whitespace runs to one space, trimmed."""
    return SPACE.sub(" ", text).strip()


_NUMBERED = re.compile(r"^\s*(\d+(?:\.\d+)*)[.)]?\s+[A-Z(\u2018\u201c'\"]")
_PART = re.compile(r"^\s*(section|part|chapter|appendix|annex|theme|finding|learning point)\s+(\d+|[ivx]+|[a-z])\b"
                   r"[.:)\-\u2013\u2014]?", re.IGNORECASE)
_QUESTION = re.compile(r"^\s*(\d+(?:\.\d+)*[.)]?\s+)?(what|why|how|who|when|where|was|were|did|does|do|is|are|could|"
                       r"should|would|can|has|have)\b[^?]*\?\s*$", re.IGNORECASE)


def looks_like_heading(text: str, *, bold: bool = False, question: bool = False) -> int | None:
    """A fallback heading level for a line in body style: a short numbered line ("6. Analysis of underlying
    reasons"), a "Section 3" / "Finding 2" line, a short question ("Who was Child P?"), a short bold line, or a
    short ALL CAPS line. Sentences (ending in a full stop) and long lines are body text. `question`: in text
    without marked emphasis (PDF, plain text), a short line that asks a question stands alone as a heading."""
    stripped = text.strip()
    if not stripped or len(stripped) > 90 or stripped.endswith((".", ",", ";")) or len(stripped.split()) > 12:
        return None
    match = _NUMBERED.match(stripped)
    if match:
        return match.group(1).count(".") + 1
    if _PART.match(stripped):
        return 2 if stripped.lower().startswith(("finding", "learning point", "theme")) else 1
    if (question or bold) and _QUESTION.match(stripped) and len(stripped.split()) <= 10 and stripped[0].isupper():
        return 2
    if bold and stripped[0].isupper():
        return 2
    letters = [c for c in stripped if c.isalpha()]
    if len(letters) >= 4 and all(c.isupper() for c in letters):
        return 1
    return None


__all__ = ["SPACE", "looks_like_heading", "normalise", "normalise_with_map", "squash"]
