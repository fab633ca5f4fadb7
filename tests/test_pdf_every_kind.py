"""Every document each example case has reached, converted to PDF by real LibreOffice and read back with pypdf."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from conftest import fixture_cases, requires_soffice

UNRENDERED = ("{{", "{%", "[[MISSING")
CLOSING = re.compile(r"Yours (sincerely|faithfully)")
SENT_OUT = {"referral-form", "information-request-letter", "information-request-reply", "combined-summary",
            "panel-covering-letter", "reviewer-notification", "terms-of-reference", "final-report",
            "publication-notice"}
"""Documents that leave the business office: they never name the tool that made them."""


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def closing_alone(pages: list[str], marking: str) -> bool:
    """True when a letter's closing is the first thing on its page (the sign-off cut off from the letter)."""
    for page in pages:
        found = CLOSING.search(page)
        if found:
            return len(page[:found.start()].replace(marking, "").split()) < 3
    return False


@requires_soffice
@pytest.mark.parametrize("case_dir", fixture_cases(), ids=lambda p: p.name)
def test_every_reached_document_converts_and_reads_back(tmp_path, invoke, case_dir):
    from cspr_docs.load import load_case
    from cspr_docs.render import plan_documents, select_kinds
    from cspr_docs.render.context import subject_of

    case = load_case(case_dir).case
    out = tmp_path / "out"
    result = invoke("render", "--all", "--case", case_dir, "--out", out, "--pdf", "--date", "2026-03-02", "--quiet")
    assert result.exit_code == 0, result.stderr
    planned = plan_documents(case, select_kinds(case, all_reached=True), out)
    assert sorted(p.name for p in out.glob("*.pdf")) == sorted(d.path.with_suffix(".pdf").name for d in planned)
    real_names = [child.name for child in case.children] + [member.name for member in case.family]
    subject = subject_of(case)
    problems: list[str] = []
    for doc in planned:
        pdf = doc.path.with_suffix(".pdf")
        reader = PdfReader(pdf)
        if not reader.pages:
            problems.append(f"{pdf.name}: no pages")
            continue
        pages = [words(page.extract_text()) for page in reader.pages]
        text = " ".join(pages)
        if not doc.kind.publishable and case.reference not in text:
            problems.append(f"{pdf.name}: no case reference")
        if subject not in text:
            problems.append(f"{pdf.name}: no subject pseudonym")
        if doc.recipient is not None and doc.recipient.name not in text:
            problems.append(f"{pdf.name}: recipient {doc.recipient.id} not named")
        problems += [f"{pdf.name}: unrendered {mark!r}" for mark in UNRENDERED if mark in text]
        if closing_alone(pages, case.partnership.protective_marking):
            problems.append(f"{pdf.name}: the closing starts a page, cut off from the letter")
        if doc.kind.id in SENT_OUT and "cspr-docs" in text:
            problems.append(f"{pdf.name}: names the tool")
        if doc.kind.publishable:
            leaked = [i for i, name in enumerate(real_names) if name in text]
            problems += [f"{pdf.name}: real name #{i} in a publishable document" for i in leaked]
    assert not problems, "\n".join(problems)
    assert len(planned) >= 9
