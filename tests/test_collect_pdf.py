"""The fillable PDF reply: filled through its form fields, it reads back like the .docx reply."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO, SENTINEL_NAME
from cspr_docs.collect.store import load_replies

FORM = REPO / "templates" / "forms" / "information-request-reply.pdf"
CASE = "notification-death"
VALUES = {
    "case_reference": "NSCP-2025-014",
    "agency_name": "Castlegate Medical Practice",
    "author_name": "Dr Tomasz Wrenfield",
    "author_role": "GP Safeguarding Lead",
    "date_completed": "05/01/2026",
    "approved_by": "Dr A Partner",
    "approved_date": "06/01/2026",
    "involved": "/Yes",
    "subjects_searched": "Child N, Mother, Father: all registered",
    "first_contact": "July 2025",
    "last_contact": "November 2025",
    "service_type": "General practice",
    "summary": "Registered after birth.\nSeen for immunisations and once for a cold.",
    "key_events": "09/09/2025 | Eight-week check | Practice nurse | No concerns | \n"
                  "12/11/2025 | Seen for a cold | GP | Advice | Last contact\n"
                  "  which was by telephone first",
    "lived_experience": "Seen with Mother.",
    "went_well": "Immunisations on time.",
    "areas_for_improvement": "No flag for the child in need plan.",
    "learning_single_agency": "Code children in need.",
    "learning_inter_agency": "Plans to be copied to the GP.",
    "immediate_actions": "Register reviewed.",
    "records_secured": "/Yes",
    "records_secured_date": "17/12/2025",
    "records_secured_by": "GP safeguarding lead, record restricted",
    "other_processes": "None.",
    "criteria_view": "Met.",
}


def fill_pdf(target: Path, values: dict[str, str]) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=str(FORM))
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    writer.write(str(target))
    return target


@pytest.fixture
def folder(case_copy) -> Path:
    return case_copy(CASE)


@pytest.mark.skipif(not FORM.exists(), reason="the fillable PDF reply is not built")
def test_pdf_reply_reads_back_the_same_answers(invoke, folder, tmp_path):
    pdf = fill_pdf(tmp_path / "gp.pdf", VALUES)
    result = invoke("collect", pdf, "--case", folder)
    assert result.exit_code == 0, result.stderr
    assert "updated: replies/gp.yaml" in result.stdout
    reply = load_replies(folder)["gp"]
    assert reply.format == "pdf" and reply.involved == "yes" and reply.records_secured == "yes"
    assert reply.summary == VALUES["summary"]
    assert reply.contact_period == "July 2025 to November 2025"
    assert reply.contact_type == "General practice"
    assert reply.analysis == "What went well:\nImmunisations on time.\n\nAreas for improvement:\nNo flag for the child " \
                             "in need plan."
    assert reply.records_secured_detail == "17/12/2025; GP safeguarding lead, record restricted"
    assert (reply.author_name, reply.completed_date, reply.approver_name, reply.approved_date) == (
        "Dr Tomasz Wrenfield", "05/01/2026", "Dr A Partner", "06/01/2026")
    assert reply.review_view == "Met." and reply.extra == {"subjects_searched": VALUES["subjects_searched"]}
    assert [(e.date, e.event, e.who, e.action, e.significance) for e in reply.key_events] == [
        ("09/09/2025", "Eight-week check", "Practice nurse", "No concerns", ""),
        ("12/11/2025", "Seen for a cold\nwhich was by telephone first", "GP", "Advice", "Last contact")]
    again = invoke("collect", pdf, "--case", folder)
    assert "unchanged: replies/gp.yaml" in again.stdout


@pytest.mark.skipif(not FORM.exists(), reason="the fillable PDF reply is not built")
def test_pdf_nil_return_and_agency_by_option(invoke, folder, tmp_path):
    values = {"case_reference": "NSCP-2025-014", "agency_name": "Castlegate surgery", "nil_return": "/Yes",
              "author_name": "A Person", "date_completed": "05/01/2026", "approved_by": "B Person"}
    pdf = fill_pdf(tmp_path / "nil.pdf", values)
    refused = invoke("collect", pdf, "--case", folder)
    assert refused.exit_code == 3 and "agency_name matches no agency" in refused.stderr
    result = invoke("collect", pdf, "--case", folder, "--agency", "gp")
    assert result.exit_code == 0, result.stderr
    assert load_replies(folder)["gp"].involved == "no"
    status = invoke("collect", "--status", "--case", folder, "--today", "2026-01-07")
    assert "gp                nil return" in status.stdout


@pytest.mark.skipif(not FORM.exists(), reason="the fillable PDF reply is not built")
def test_pdf_for_another_case_is_refused(invoke, folder, tmp_path):
    pdf = fill_pdf(tmp_path / "other.pdf", {**VALUES, "case_reference": "XYZ-1", "summary": SENTINEL_NAME})
    result = invoke("collect", pdf, "--case", folder)
    assert result.exit_code == 3
    assert "other.pdf: refused: the reply is for case XYZ-1, not NSCP-2025-014" in result.stderr
    assert SENTINEL_NAME not in result.stderr


@pytest.mark.parametrize("content", [b"%PDF-1.7\n garbage", b"<html>error page</html>", b""])
def test_broken_pdfs_are_refused(invoke, folder, tmp_path, content):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(content)
    result = invoke("collect", bad, "--case", folder)
    assert result.exit_code == 3 and "bad.pdf" in result.stderr and "Traceback" not in result.stderr


def test_encrypted_pdf_is_refused(invoke, folder, tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=str(fill_pdf(tmp_path / "plain.pdf", VALUES)))
    writer.encrypt("secret", algorithm="AES-256")
    writer.write(str(tmp_path / "locked.pdf"))
    result = invoke("collect", tmp_path / "locked.pdf", "--case", folder)
    assert result.exit_code == 3 and "encrypted" in result.stderr
