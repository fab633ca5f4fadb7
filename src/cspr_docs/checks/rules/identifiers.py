"""UK identifiers in any part of a draft (`uk-identifier`): NHS numbers (modulus-11 check digit), National
Insurance numbers, postcodes and phone numbers. Findings say which kind, never the value."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from cspr_docs.checks.findings import Finding
from cspr_docs.checks.rules.anonymity import bounded
from cspr_docs.checks.text import normalise

PHONE = re.compile(r"(?:\+\s?44\s?(?:\(0\)\s?)?|\(0|0)\d[\d\s()\-]{7,14}\d(?![\w])")
TEN_DIGITS = re.compile(r"\d{3}[ \-]?\d{3}[ \-]?\d{4}(?![\w])")
# HMRC: first letter not D F I Q U V; second not D F I O Q U V; prefixes BG GB KN NK NT TN ZZ never issued.
NINO = re.compile(r"(?!bg|gb|kn|nk|nt|tn|zz)[a-ceghj-pr-tw-z][a-ceghj-npr-tw-z]\s?\d{2}\s?\d{2}\s?\d{2}\s?[a-d](?![\w])")
POSTCODE = re.compile(r"(?:gir ?0aa|[a-pr-uwyz](?:[a-hk-y]?\d[a-z\d]?|\d[a-hjkps-uw]) ?\d[abd-hjlnp-uw-z]{2})(?![\w])")


_DIGIT = re.compile(r"\d")


def nhs_check_digit_ok(digits: str) -> bool:
    """True when the tenth digit is the NHS modulus-11 check digit of the first nine."""
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def find_identifiers(text: str) -> Iterator[tuple[str, str, int, int]]:
    """(kind, severity, start, end) for each identifier in normalised text."""
    taken: list[tuple[int, int]] = []
    for match in bounded(PHONE, text, "+"):
        digits = _digits(match.group())
        national = digits[2:] if match.group().lstrip().startswith("+") else digits[1:]
        if len(national) in (9, 10) and len(set(national)) > 1:
            taken.append(match.span())
            yield "phone number", "error", *match.span()
    for match in bounded(TEN_DIGITS, text):
        if any(s < match.end() and match.start() < e for s, e in taken):
            continue
        digits = _digits(match.group())
        if len(set(digits)) == 1:
            yield "10-digit number (not a valid NHS number, but check it is not an identifier)", "warning", *match.span()
        elif nhs_check_digit_ok(digits):
            yield "NHS number (valid check digit)", "error", *match.span()
        else:
            yield "10-digit number (not a valid NHS number, but check it is not an identifier)", "warning", *match.span()
    for match in bounded(NINO, text):
        yield "National Insurance number", "error", *match.span()
    for match in bounded(POSTCODE, text):
        yield "postcode", "error", *match.span()


def redact_identifiers(text: str) -> str:
    """Replace identifiers in `text` by their kind (for headings shown in findings)."""
    if not _DIGIT.search(text):
        return text
    norm = normalise(text)
    if len(norm) != len(text):
        return re.sub(r"\d", "#", text)
    spans = sorted(((s, e, k) for k, _, s, e in find_identifiers(norm)), reverse=True)
    for start, end, kind in spans:
        text = text[:start] + f"[{kind.split(' (')[0]}]" + text[end:]
    return text


def _known_safe(ctx: Any) -> set[str]:
    """The partnership's own postcodes and phone numbers (letterheads are public), plus allow-listed terms."""
    safe = {re.sub(r"[^a-z0-9]", "", normalise(a.term)) for a in ctx.pack.allow if a.applies_to(ctx.draft.path)}
    case = ctx.case
    if case is not None:
        p = case.partnership
        for value in (*p.address, p.phone, *(c.phone for c in p.signatories), *(a.contact.phone for a in case.agencies)):
            norm = normalise(value or "")
            for _, _, s, e in find_identifiers(norm):
                safe.add(re.sub(r"[^a-z0-9]", "", norm[s:e]))
    return safe


def check_uk_identifier(ctx: Any) -> Iterator[Finding]:
    safe = _known_safe(ctx)
    for block in ctx.draft.blocks:
        if block.kind == "file-name" or not _DIGIT.search(block.text):
            continue
        norm = ctx.norm(block)
        seen: set[str] = set()
        for kind, severity, start, end in find_identifiers(norm):
            key = re.sub(r"[^a-z0-9]", "", norm[start:end])
            if key in safe:
                continue
            if kind in seen:
                continue
            seen.add(kind)
            yield ctx.finding("uk-identifier", f"an identifier appears: {kind}; remove it", block, severity=severity
                              if severity == "warning" else None, at=start)
