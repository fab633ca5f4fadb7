"""Is the draft finished and marked right: `leftover-placeholder`, `tracked-changes`, `protective-marking`,
`genogram`, `heading-style`."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from cspr_docs.checks.findings import Finding
from cspr_docs.checks.text import normalise

PLACEHOLDERS = (
    ("template tag '{{'", re.compile(r"\{\{")),
    ("template tag '{%'", re.compile(r"\{%")),
    ("'[[MISSING' marker", re.compile(r"\[\[\s*MISSING", re.IGNORECASE)),
    ("TODO", re.compile(r"\bTODO\b")),
    ("'[insert…]' placeholder", re.compile(r"\[\s*insert\b[^\]]{0,200}\]", re.IGNORECASE)),
    ("broken cross-reference ('Error! Reference source not found')", re.compile(r"Error!\s*Reference source not found", re.IGNORECASE)),
    ("broken bookmark ('Error! Bookmark not defined')", re.compile(r"Error!\s*Bookmark not defined", re.IGNORECASE)),
)
_MAYBE_PLACEHOLDER = re.compile(r"[{\[]|TODO|Error!")
DEFAULT_MARKINGS = ("OFFICIAL-SENSITIVE", "OFFICIAL SENSITIVE")
WORKING_KINDS = ("combined-summary", "terms-of-reference")


def check_leftover_placeholder(ctx: Any) -> Iterator[Finding]:
    for block in ctx.draft.blocks:
        if block.kind == "prompt":
            yield ctx.finding("leftover-placeholder", "leftover template guidance or placeholder text ('Guidance' or "
                              "'Placeholder Text' style): replace it with the report's own text, or delete it", block)
            continue
        if block.kind in ("file-name", "deleted") or not _MAYBE_PLACEHOLDER.search(block.text):
            continue
        for label, pattern in PLACEHOLDERS:
            match = pattern.search(block.text)
            if match:
                yield ctx.finding("leftover-placeholder", f"leftover {label}: finish or remove it", block,
                                  raw_at=match.start())


def check_tracked_changes(ctx: Any) -> Iterator[Finding]:
    for part, count in ctx.draft.tracked_changes.items():
        yield ctx.finding("tracked-changes", f"{count} unaccepted tracked change(s): accept or reject them all",
                          part=part)
    if ctx.draft.open_comments:
        yield ctx.finding("tracked-changes", f"{ctx.draft.open_comments} open comment(s): resolve or delete them",
                          part="comments")


def _marking_keys(ctx: Any) -> list[str]:
    markings = list(ctx.pack.markings)
    if not markings:
        markings = list(DEFAULT_MARKINGS)
        if ctx.case is not None and ctx.case.partnership.protective_marking:
            markings.insert(0, ctx.case.partnership.protective_marking)
    return [k for k in (re.sub(r"[^a-z0-9]", "", normalise(m)) for m in markings) if k]


def _marked(text: str, keys: list[str]) -> bool:
    if "official" not in text.lower() and not text.isascii() and "official" not in normalise(text):
        return False
    if text.isascii() and "official" not in text.lower() and all(k.startswith("official") for k in keys):
        return False
    squashed = re.sub(r"[^a-z0-9]", "", normalise(text))
    return any(k in squashed for k in keys)


def check_protective_marking(ctx: Any) -> Iterator[Finding]:
    keys = _marking_keys(ctx)
    blocks = [b for b in ctx.draft.blocks if b.kind != "file-name"]
    if ctx.kind not in WORKING_KINDS:
        seen: set[str] = set()
        for block in blocks:
            if block.part not in seen and _marked(block.text, keys):
                seen.add(block.part)
                yield ctx.finding("protective-marking", "a publication draft still carries a protective marking "
                                  "(OFFICIAL-SENSITIVE): remove it, or check the draft is really anonymised", block)
        return
    draft = ctx.draft
    if draft.format == "docx":
        for kind in ("header", "footer"):
            parts = {b.part for b in blocks if b.kind == kind}
            if not any(_marked(b.text, keys) for b in blocks if b.kind == kind):
                yield ctx.finding("protective-marking", f"a working document must carry its protective marking in "
                                  f"the {kind} of every page; no {kind} has it", part=", ".join(sorted(parts)) or kind)
    elif draft.format == "pdf":
        pages = sorted({b.page for b in blocks if b.page is not None})
        unmarked = [p for p in pages if not any(_marked(b.text, keys) for b in blocks if b.page == p)]
        if unmarked:
            yield ctx.finding("protective-marking", f"{len(unmarked)} page(s) without the protective marking "
                              f"(first: page {unmarked[0]})", part=f"PDF page {unmarked[0]}")
    elif not any(_marked(b.text, keys) for b in blocks[:10]):
        yield ctx.finding("protective-marking", "a working document must carry its protective marking at the top",
                          part=str(draft.path.name))


def check_genogram(ctx: Any) -> Iterator[Finding]:
    for block in ctx.draft.blocks:
        if block.kind not in ("body", "row", "alt-text", "textbox") or "genogram" not in normalise(block.text):
            continue
        if block.kind == "alt-text" or block.level is not None or len(block.text) < 80:
            yield ctx.finding("genogram", "a genogram in a report meant for publication identifies the family: "
                              "remove it from the published version", block)


def check_heading_style(ctx: Any) -> Iterator[Finding]:
    if ctx.draft.format != "docx" or not ctx.draft.styled_headings:
        return
    fallbacks = [b for b in ctx.draft.body() if b.fallback_heading]
    # The same bold line three or more times is a label repeated in a form-like layout (e.g. per agency), not a
    # section heading typed in the wrong style.
    counts = Counter(normalise(b.text).strip() for b in fallbacks)
    for block in fallbacks:
        if counts[normalise(block.text).strip()] < 3:
            yield ctx.finding("heading-style", "this line looks like a heading but is in a body style: use a "
                              "Heading style so contents and checks find it", block)
