"""Collect keeps each agency's returned file beside its YAML, and the meeting pack takes those files."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from conftest import requires_soffice
from cspr_docs.collect.store import load_replies
from test_collect import ANSWERS, fill_reply, render_reply
from test_collect_pdf import FORM, VALUES, fill_pdf
from test_pdf_bundle import install_soffice_stub, outline, write_pdf

CASE = "notification-death"
NAMES = {"csc": "Northmoor City Council Children's Social Care", "police": "Northmoor Police"}


@pytest.fixture
def case_folder(case_copy) -> Path:
    folder = case_copy(CASE)
    shutil.rmtree(folder / "replies")
    return folder


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def soffice_stub(tmp_path, monkeypatch) -> Path:
    """A fake LibreOffice (one blank page per document); its log lists the documents it converted."""
    return install_soffice_stub(tmp_path, monkeypatch)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((folder / "replies").iterdir())}


# ------------------------------------------------------------------ collect keeps the returned file


def test_collect_keeps_the_returned_file_beside_its_yaml(invoke, case_folder, tmp_path):
    filled = fill_reply(render_reply(invoke, case_folder, tmp_path / "out"), tmp_path / "Reply from CSC.docx")
    dry = invoke("collect", filled, "--case", case_folder, "--dry-run")
    assert "would be new: replies/csc.yaml, replies/csc.docx from Reply from CSC.docx" in dry.stdout
    assert not (case_folder / "replies").exists()
    result = invoke("collect", filled, "--case", case_folder)
    assert result.exit_code == 0, result.stderr
    assert "new: replies/csc.yaml, replies/csc.docx from Reply from CSC.docx" in result.stdout
    kept = case_folder / "replies" / "csc.docx"
    assert kept.read_bytes() == filled.read_bytes()
    assert yaml.safe_load((case_folder / "replies" / "csc.yaml").read_text())["sha256"] == _sha(filled)
    assert sorted(_snapshot(case_folder)) == ["csc.docx", "csc.yaml"]


def test_rerun_and_reading_the_replies_folder_itself_are_idempotent(invoke, case_folder, tmp_path):
    filled = fill_reply(render_reply(invoke, case_folder, tmp_path / "out"), tmp_path / "reply.docx")
    assert invoke("collect", filled, "--case", case_folder).exit_code == 0
    before = _snapshot(case_folder)
    again = invoke("collect", filled, "--case", case_folder)
    assert again.stdout.splitlines() == ["unchanged: replies/csc.yaml from reply.docx"]
    own = invoke("collect", case_folder / "replies", "--case", case_folder)
    assert own.exit_code == 0, own.stderr
    assert own.stdout.splitlines() == ["unchanged: replies/csc.yaml from csc.docx"]
    assert _snapshot(case_folder) == before


def test_corrections_made_by_hand_survive_collecting_the_same_file_again(invoke, case_folder, tmp_path):
    filled = fill_reply(render_reply(invoke, case_folder, tmp_path / "out"), tmp_path / "reply.docx")
    invoke("collect", filled, "--case", case_folder)
    stored = case_folder / "replies" / "csc.yaml"
    stored.write_text(stored.read_text().replace("contact_type: Child in need plan", "contact_type: Corrected"))
    for source in (filled, case_folder / "replies"):
        result = invoke("collect", source, "--case", case_folder)
        assert "unchanged: replies/csc.yaml" in result.stdout
    assert load_replies(case_folder)["csc"].contact_type.startswith("Corrected")


def test_a_newer_reply_replaces_the_kept_file(invoke, case_folder, tmp_path):
    blank = render_reply(invoke, case_folder, tmp_path / "out")
    invoke("collect", fill_reply(blank, tmp_path / "reply.docx"), "--case", case_folder)
    newer = fill_reply(blank, tmp_path / "reply-v2.docx", answers={**ANSWERS, "summary": "A shorter summary."})
    result = invoke("collect", newer, "--case", case_folder)
    assert "updated: replies/csc.yaml (summary), replies/csc.docx from reply-v2.docx" in result.stdout
    assert (case_folder / "replies" / "csc.docx").read_bytes() == newer.read_bytes()
    assert load_replies(case_folder)["csc"].sha256 == _sha(newer)


def test_same_answers_in_another_file_keep_the_first_file(invoke, case_folder, tmp_path):
    blank = render_reply(invoke, case_folder, tmp_path / "out")
    tagged = fill_reply(blank, tmp_path / "tagged.docx")
    untagged = fill_reply(blank, tmp_path / "untagged.docx", strip_tags=True)
    invoke("collect", tagged, "--case", case_folder)
    result = invoke("collect", untagged, "--case", case_folder)
    assert result.stdout.splitlines() == ["unchanged: replies/csc.yaml from untagged.docx"]
    assert (case_folder / "replies" / "csc.docx").read_bytes() == tagged.read_bytes()


def test_a_reply_collected_before_files_were_kept_gets_its_file(invoke, case_folder, tmp_path):
    blank = render_reply(invoke, case_folder, tmp_path / "out")
    tagged = fill_reply(blank, tmp_path / "tagged.docx")
    untagged = fill_reply(blank, tmp_path / "untagged.docx", strip_tags=True)
    invoke("collect", tagged, "--case", case_folder)
    (case_folder / "replies" / "csc.docx").unlink()
    same = invoke("collect", tagged, "--case", case_folder)
    assert "unchanged: replies/csc.yaml, returned file kept as replies/csc.docx from tagged.docx" in same.stdout
    assert (case_folder / "replies" / "csc.docx").read_bytes() == tagged.read_bytes()
    (case_folder / "replies" / "csc.docx").unlink()
    other = invoke("collect", untagged, "--case", case_folder)
    assert "updated: replies/csc.yaml (source), replies/csc.docx from untagged.docx" in other.stdout
    assert load_replies(case_folder)["csc"].sha256 == _sha(case_folder / "replies" / "csc.docx") == _sha(untagged)


@pytest.mark.skipif(not FORM.exists(), reason="the fillable PDF reply is not built")
def test_a_reply_returned_as_docx_then_as_pdf_leaves_only_the_pdf(invoke, case_folder, tmp_path):
    docx_reply = fill_reply(render_reply(invoke, case_folder, tmp_path / "out", agency="gp"), tmp_path / "gp.docx")
    invoke("collect", docx_reply, "--case", case_folder)
    pdf_reply = fill_pdf(tmp_path / "gp-form.pdf", VALUES)
    result = invoke("collect", pdf_reply, "--case", case_folder)
    assert result.exit_code == 0, result.stderr
    assert "replies/gp.pdf (replaces replies/gp.docx) from gp-form.pdf" in result.stdout
    assert sorted(_snapshot(case_folder)) == ["gp.pdf", "gp.yaml"]
    assert (case_folder / "replies" / "gp.pdf").read_bytes() == pdf_reply.read_bytes()


def test_a_refused_run_keeps_no_file(invoke, case_folder, tmp_path):
    filled = fill_reply(render_reply(invoke, case_folder, tmp_path / "out"), tmp_path / "reply.docx")
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    result = invoke("collect", filled, bad, "--case", case_folder)
    assert result.exit_code == 3
    assert not (case_folder / "replies").exists()


# ------------------------------------------------------------------ the meeting pack takes the kept files


def _meeting_case(invoke, case_folder: Path, tmp_path: Path) -> Path:
    """csc and police replied in Word and were collected; a combined summary PDF; returns the notification PDF."""
    write_pdf(case_folder / "out" / "NSCP-2025-014_combined-summary.pdf", 2)
    for agency in ("police", "csc"):
        filled = fill_reply(render_reply(invoke, case_folder, tmp_path / "out", agency=agency),
                            tmp_path / f"{agency}-reply.docx")
        result = invoke("collect", filled, "--case", case_folder)
        assert result.exit_code == 0, result.stderr
    return write_pdf(tmp_path / "sin.pdf", 1)


def test_pack_takes_each_collected_agencys_returned_file_in_case_order(invoke, case_folder, tmp_path, soffice_stub):
    notification = _meeting_case(invoke, case_folder, tmp_path)
    target = tmp_path / "pack.pdf"
    result = invoke("bundle", "rapid-review-meeting", "--case", case_folder, "--notification", notification,
                    "--out", target)
    assert result.exit_code == 0, result.stderr
    assert [title for title, _ in outline(PdfReader(target))] == [
        "Serious incident notification", "Combined summary", f"Agency reply: {NAMES['csc']}",
        f"Agency reply: {NAMES['police']}"]
    assert len(soffice_stub.read_text().splitlines()) == 2  # the two kept .docx replies, converted


def test_pack_names_agencies_whose_collected_reply_has_no_file(invoke, case_copy, tmp_path):
    folder = case_copy(CASE)
    for kept in (folder / "replies").glob("*.docx"):  # as if collected before `collect` kept the files
        kept.unlink()
    write_pdf(folder / "out" / "NSCP-2025-014_combined-summary.pdf", 1)
    notification = write_pdf(tmp_path / "sin.pdf", 1)
    result = invoke("bundle", "rapid-review-meeting", "--case", folder, "--notification", notification,
                    "--out", tmp_path / "p.pdf")
    assert result.exit_code == 3
    assert "no file matches" not in result.stderr
    assert "agencies ambulance, community-health, csc," in result.stderr
    assert "cspr-docs collect FILE... --case" in result.stderr and "replies/<agency id>.docx or .pdf" in result.stderr
    assert not (tmp_path / "p.pdf").exists()


@pytest.mark.usefixtures("soffice_stub")
def test_pack_names_only_the_agencies_still_missing_a_file(invoke, case_folder, tmp_path):
    notification = _meeting_case(invoke, case_folder, tmp_path)
    (case_folder / "replies" / "police.docx").unlink()
    result = invoke("bundle", "rapid-review-meeting", "--case", case_folder, "--notification", notification,
                    "--out", tmp_path / "p.pdf")
    assert result.exit_code == 3
    assert "collected replies of agency police have no returned file" in result.stderr
    shutil.copy(tmp_path / "police-reply.docx", case_folder / "replies" / "NSCP-2025-014-police.docx")
    by_hand = invoke("bundle", "rapid-review-meeting", "--case", case_folder, "--notification", notification,
                     "--out", tmp_path / "p.pdf")
    assert by_hand.exit_code == 0, by_hand.stderr


def test_pack_with_no_replies_says_to_collect_them(invoke, case_folder, tmp_path):
    write_pdf(case_folder / "out" / "NSCP-2025-014_combined-summary.pdf", 1)
    result = invoke("bundle", "rapid-review-meeting", "--case", case_folder, "--notification",
                    write_pdf(tmp_path / "sin.pdf", 1), "--out", tmp_path / "p.pdf")
    assert result.exit_code == 3
    assert "no file matches 'replies/*'" in result.stderr and "collect the agencies' replies first" in result.stderr


@requires_soffice
def test_render_fill_collect_bundle_end_to_end(invoke, case_folder, tmp_path):
    rendered = invoke("render", "combined-summary", "--case", case_folder, "--out", case_folder / "out")
    assert rendered.exit_code == 0, rendered.stderr
    notification = _meeting_case(invoke, case_folder, tmp_path)
    (case_folder / "out" / "NSCP-2025-014_combined-summary.pdf").unlink()  # the rendered .docx goes in instead
    target = tmp_path / "pack.pdf"
    result = invoke("bundle", "rapid-review-meeting", "--case", case_folder, "--notification", notification,
                    "--out", target, "--number-pages")
    assert result.exit_code == 0, result.stderr
    reader = PdfReader(target)
    titles = [title for title, _ in outline(reader)]
    assert titles[2:] == [f"Agency reply: {NAMES['csc']}", f"Agency reply: {NAMES['police']}"]
    csc_start, police_start = (page for _, page in outline(reader)[2:])
    text = subprocess.run(["pdftotext", "-f", str(csc_start + 1), "-l", str(police_start), str(target), "-"],
                          check=True, capture_output=True, text=True).stdout
    assert ANSWERS["contact_type"] in " ".join(text.split())
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in reader.pages[-1].extract_text()
