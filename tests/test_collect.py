"""`cspr-docs collect`: a reply filled the way a person fills it reads back with nothing lost; refusals; re-runs."""

from __future__ import annotations

import hashlib
import importlib.util
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from lxml import etree

from conftest import FIXTURES, SENTINEL_NAME, requires_soffice
from cspr_docs.collect.reply import CollectedReply
from cspr_docs.collect.store import load_replies

CASE = "notification-death"
AGENCY = "csc"

ANSWERS = {
    "involved": "Yes – the agency was involved",
    "contact_period": "August 2025 to October 2025; closed",
    "contact_type": "Child in need plan, social work assessment",
    "summary": "Referral from midwifery in July 2025.\nAssessment completed; child in need plan from August.\n"
               "The plan closed in October on Mother's account that Father had left.",
    "lived_experience": "Child N was seen at four home visits, never at night.",
    "analysis": "Good: prompt assessment.\nCould be better: closure without checks with probation.",
    "learning_single_agency": "Closure needs the views of every agency working with the adults.",
    "learning_inter_agency": "Probation and children's services did not share what each knew.",
    "immediate_actions": "Audit of closures; Sibling 1 on a safety plan.",
    "records_secured": "Yes",
    "records_secured_detail": "16/12/2025, records manager, record locked",
    "other_processes": "None beyond the police investigation.",
    "review_view": "Criteria met: agencies working together.",
    "author_name": "Pat Example",
    "author_role": "Team Manager",
    "author_contact": "pat@example.org, 01632 960000",
    "completed_date": "05/01/2026",
    "approver_name": "Dawn Kettleby",
    "approver_role": "Head of Safeguarding",
    "approved_date": "05/01/2026",
}
EVENTS = [
    ["12/07/2025", "Pre-birth referral received from midwifery", "Duty social worker", "Assessment opened", "First contact"],
    ["?08/2025", "Strategy discussion (date uncertain)", "Team manager", "Child in need plan agreed", ""],
    ["14/10/2025", "Plan closed", "Social worker", "Closed on Mother's account", "Key decision"],
    ["early 2025", "Mother known as a care leaver", "Leaving care PA", "", "Context"],
    ["15/12/2025", "Strategy discussion after the death", "Team manager", "Section 47 enquiry", ""],
    ["16/12/2025", "Records secured", "Records manager", "Record locked", ""],
    ["19/12/2025", "Sibling 1 safety plan reviewed", "Social worker", "Plan continues", ""],
    ["2025", "Housing arrears noted on file", "Social worker", "", "Poverty"],
]
KNOWN = {"child-n": "Yes", "mother": "Yes", "father": "Yes", "sibling-1": "Yes", "grandmother": "No"}
OUTSIDE = ["A note typed between the sections by the author.", "Another comment at the very end."]


# ------------------------------------------------------------------ filling a reply as a person would


def load_build():
    """fixtures/build_replies.py, which fills replies as a person would (loaded once, shared by the tests)."""
    if "build_replies" not in sys.modules:
        spec = importlib.util.spec_from_file_location("build_replies", FIXTURES / "build_replies.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["build_replies"] = module
        spec.loader.exec_module(module)
    return sys.modules["build_replies"]


build = load_build()
W, W_NS, _run, _tag = build.W, build.W_NS, build.text_run, build.control_tag
EVENT_COLUMNS = ("date", "event", "who", "action", "significance")  # the template's column order


def fill_reply(source: Path, target: Path, *, answers: dict[str, str] = ANSWERS, events: list[list[str]] = EVENTS,
               known: dict[str, str] = KNOWN, outside: list[str] = OUTSIDE, strip_tags: bool = False) -> Path:
    """Fill a rendered reply: type into every control, fill and add key-event rows, write text outside fields."""
    rows = [dict(zip(EVENT_COLUMNS, row, strict=True)) for row in events]
    return build.fill_reply(source, target, answers=answers, events=rows, known=known, outside=outside,
                            strip_tags=strip_tags)


def set_identity(path: Path, *, reference: str | None = None, version: str | None = None) -> Path:
    """Change the form reference (core identifier, meta control) or the template version of a reply."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    for name in ("docProps/core.xml", "word/document.xml", "docProps/custom.xml"):
        text = parts[name].decode()
        if reference:
            text = re.sub(r"[A-Za-z0-9._-]+(/[a-z0-9-]+/information-request-reply/)", reference + r"\1", text)
        if version:
            text = re.sub(r"(/information-request-reply/)\d+", r"\g<1>" + version, text)
            text = re.sub(r'(name="cspr.template-version"><vt:lpwstr>)\d+', r"\g<1>" + version, text)
        parts[name] = text.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def render_reply(invoke, folder: Path, out: Path, agency: str = AGENCY) -> Path:
    """The blank reply of one agency (every agency's is rendered once into `out`)."""
    target = out / f"NSCP-2025-014_information-request-reply_{agency}.docx"
    if target.exists():
        return target
    result = invoke("render", "information-request-reply", "--case", folder, "--out", out, "--date", "2025-12-19")
    assert result.exit_code == 0, result.stderr
    return target


@pytest.fixture
def case_folder(case_copy) -> Path:
    folder = case_copy(CASE)
    shutil.rmtree(folder / "replies", ignore_errors=True)
    return folder


def _stored(folder: Path, agency: str = AGENCY) -> CollectedReply:
    return load_replies(folder)[agency]


def _content(reply: CollectedReply) -> dict:
    return reply.model_dump(exclude={"source", "sha256"})


# ------------------------------------------------------------------ tests


def test_filled_reply_reads_back_with_nothing_lost(invoke, case_folder, tmp_path):
    blank = render_reply(invoke, case_folder, tmp_path / "out")
    filled = fill_reply(blank, tmp_path / "csc-reply.docx")
    result = invoke("collect", filled, "--case", case_folder)
    assert result.exit_code == 0, result.stderr
    assert "new: replies/csc.yaml" in result.stdout
    reply = _stored(case_folder)
    assert reply.reference == "NSCP-2025-014" and reply.agency == AGENCY and reply.template_version == "1"
    assert reply.involved == "yes" and reply.records_secured == "yes"
    for name, value in ANSWERS.items():
        if name not in ("involved", "records_secured"):
            assert getattr(reply, name) == value, name
    assert [[e.date, e.event, e.who, e.action, e.significance] for e in reply.key_events] == EVENTS
    assert reply.known == {k: v.lower() for k, v in KNOWN.items()}
    assert reply.unplaced == OUTSIDE
    assert "2 paragraph(s) kept as unplaced text" in result.stderr
    assert "case.yaml" not in {p.name for p in (case_folder / "replies").iterdir()}


def test_tags_dropped_on_save_are_found_by_bookmark(invoke, case_folder, tmp_path):
    blank = render_reply(invoke, case_folder, tmp_path / "out")
    tagged = fill_reply(blank, tmp_path / "tagged.docx")
    untagged = fill_reply(blank, tmp_path / "untagged.docx", strip_tags=True)
    assert invoke("collect", tagged, "--case", case_folder).exit_code == 0
    first = _content(_stored(case_folder))
    result = invoke("collect", untagged, "--case", case_folder)
    assert result.exit_code == 0, result.stderr
    assert "unchanged: replies/csc.yaml" in result.stdout
    assert _content(_stored(case_folder)) == first


@requires_soffice
def test_reply_saved_by_libreoffice_reads_back_the_same(invoke, case_folder, tmp_path):
    blank = render_reply(invoke, case_folder, tmp_path / "out")
    filled = fill_reply(blank, tmp_path / "reply.docx")
    assert invoke("collect", filled, "--case", case_folder).exit_code == 0
    direct = _content(_stored(case_folder))
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
    for target, source in (("odt", filled), ("docx", tmp_path / "odt" / "reply.odt")):
        outdir = tmp_path / target
        subprocess.run(["soffice", profile, "--headless", "--convert-to", target, "--outdir", str(outdir), str(source)],
                       check=True, capture_output=True, timeout=180)
    round_trip = tmp_path / "docx" / "reply.docx"
    assert b"cspr:summary" not in zipfile.ZipFile(round_trip).read("word/document.xml")  # tags really were dropped
    result = invoke("collect", round_trip, "--case", case_folder)
    assert result.exit_code == 0, result.stderr
    assert "unchanged: replies/csc.yaml" in result.stdout
    assert _content(_stored(case_folder)) == direct


def test_unfilled_template_is_not_collected(invoke, case_folder, tmp_path):
    blank = render_reply(invoke, case_folder, tmp_path / "out")
    result = invoke("collect", blank, "--case", case_folder)
    assert result.exit_code == 0
    assert "returned unfilled; not collected" in result.stderr
    assert not (case_folder / "replies").exists()
    status = invoke("collect", "--status", "--case", case_folder, "--today", "2026-01-02")
    assert re.search(r"^csc\s+outstanding", status.stdout, re.MULTILINE)


def test_duplicates_and_reruns_are_idempotent(invoke, case_folder, tmp_path):
    blank = render_reply(invoke, case_folder, tmp_path / "out")
    filled = fill_reply(blank, tmp_path / "reply.docx")
    copy_of = shutil.copy(filled, tmp_path / "reply (1).docx")
    result = invoke("collect", filled, copy_of, "--case", case_folder)
    assert result.exit_code == 0
    assert "reply (1).docx: the same file as reply.docx; read once" in result.stderr
    stored = case_folder / "replies" / "csc.yaml"
    before = stored.read_bytes()
    again = invoke("collect", filled, "--case", case_folder)
    assert "unchanged: replies/csc.yaml" in again.stdout and stored.read_bytes() == before
    changed = fill_reply(blank, tmp_path / "reply-v2.docx", answers={**ANSWERS, "summary": "A shorter summary."})
    updated = invoke("collect", changed, "--case", case_folder)
    assert "updated: replies/csc.yaml (summary)" in updated.stdout
    assert _stored(case_folder).summary == "A shorter summary."
    dry = invoke("collect", filled, "--case", case_folder, "--dry-run")
    assert "would be updated: replies/csc.yaml (summary)" in dry.stdout
    assert _stored(case_folder).summary == "A shorter summary."


def test_reply_for_another_case_is_refused_and_nothing_is_stored(invoke, case_folder, tmp_path):
    blank = render_reply(invoke, case_folder, tmp_path / "out")
    good = fill_reply(blank, tmp_path / "good.docx")
    police = render_reply(invoke, case_folder, tmp_path / "out", agency="police")
    other = set_identity(fill_reply(police, tmp_path / "other.docx",
                                    answers={**ANSWERS, "summary": SENTINEL_NAME}), reference="XYZ-2024-001")
    result = invoke("collect", good, other, "--case", case_folder)
    assert result.exit_code == 3
    assert "other.docx: refused: the reply is for case XYZ-2024-001, not NSCP-2025-014" in result.stderr
    assert "nothing was stored" in result.stderr
    assert SENTINEL_NAME not in result.stderr + result.stdout
    assert not (case_folder / "replies").exists()


def test_old_template_version_warns(invoke, case_folder, tmp_path):
    blank = render_reply(invoke, case_folder, tmp_path / "out")
    old = set_identity(fill_reply(blank, tmp_path / "old.docx"), version="0")
    result = invoke("collect", old, "--case", case_folder)
    assert result.exit_code == 0
    assert "old.docx: template version: made from template version 0; the current version is 1" in result.stderr
    assert _stored(case_folder).template_version == "0"


def test_warnings_name_file_and_field_never_the_value(invoke, case_folder, tmp_path):
    blank = render_reply(invoke, case_folder, tmp_path / "out")
    odd = fill_reply(blank, tmp_path / "odd.docx", answers={**ANSWERS, "records_secured": SENTINEL_NAME,
                                                            "summary": "", "author_name": ""})
    result = invoke("collect", odd, "--case", case_folder)
    assert result.exit_code == 0
    assert "odd.docx: cspr:records-secured: not Yes or No; kept as written" in result.stderr
    assert "odd.docx: cspr:author-name: empty" in result.stderr
    assert SENTINEL_NAME not in result.stderr
    assert _stored(case_folder).records_secured == SENTINEL_NAME


def test_deleted_field_and_reordered_columns(invoke, case_folder, tmp_path):
    blank = render_reply(invoke, case_folder, tmp_path / "out")
    filled = fill_reply(blank, tmp_path / "reply.docx")
    with zipfile.ZipFile(filled) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    review = next(s for s in root.iter(W + "sdt") if _tag(s) == "cspr:review-view")
    cell = next(review.iterancestors(W + "tc"))
    row = cell.getparent()
    label_row = row.getprevious()
    row.getparent().remove(row)
    label_row.getparent().remove(label_row)
    table = next(s for s in root.iter(W + "sdt") if _tag(s) == "cspr:key-events").find(f"{W}sdtContent/{W}tbl")
    for tr in table.findall(W + "tr"):  # the agency swaps the first two columns
        cells = tr.findall(W + "tc")
        cells[0].addprevious(cells[1])
    parts["word/document.xml"] = etree.tostring(root)
    with zipfile.ZipFile(filled, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    result = invoke("collect", filled, "--case", case_folder)
    assert result.exit_code == 0
    assert "reply.docx: cspr:review-view: not found in the file" in result.stderr
    reply = _stored(case_folder)
    assert [[e.date, e.event] for e in reply.key_events] == [e[:2] for e in EVENTS]


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04 truncated"])
def test_broken_files_are_refused(invoke, case_folder, tmp_path, content):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(content)
    result = invoke("collect", bad, "--case", case_folder)
    assert result.exit_code == 3
    assert "bad.docx" in result.stderr and "Traceback" not in result.stderr


def test_folder_argument_and_other_suffixes(invoke, case_folder, tmp_path):
    blank = render_reply(invoke, case_folder, tmp_path / "out")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    fill_reply(blank, inbox / "reply.docx")
    (inbox / "~$reply.docx").write_bytes(b"lock file")
    (inbox / "notes.txt").write_text("ignored")
    result = invoke("collect", inbox, "--case", case_folder)
    assert result.exit_code == 0, result.stderr
    assert _stored(case_folder).summary == ANSWERS["summary"]
    text = tmp_path / "reply.odt"
    text.write_bytes(b"x")
    refused = invoke("collect", text, "--case", case_folder)
    assert refused.exit_code == 3 and "not a .docx or .pdf reply" in refused.stderr


def test_a_broken_link_in_a_folder_is_refused_not_skipped(invoke, case_folder, tmp_path):
    blank = render_reply(invoke, case_folder, tmp_path / "out")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    fill_reply(blank, inbox / "reply.docx")
    (inbox / "gone.docx").symlink_to(tmp_path / "nowhere.docx")
    before = sorted(p.name for p in (case_folder / "replies").iterdir()) if (case_folder / "replies").exists() else []
    result = invoke("collect", inbox, "--case", case_folder)
    assert result.exit_code == 3 and f"{inbox.name}/gone.docx: cannot read" in result.stderr
    after = sorted(p.name for p in (case_folder / "replies").iterdir()) if (case_folder / "replies").exists() else []
    assert after == before


def test_stored_yaml_is_plain_and_reloads(invoke, case_folder, tmp_path):
    blank = render_reply(invoke, case_folder, tmp_path / "out")
    invoke("collect", fill_reply(blank, tmp_path / "reply.docx"), "--case", case_folder)
    text = (case_folder / "replies" / "csc.yaml").read_text()
    data = yaml.safe_load(text)
    assert data["agency"] == "csc" and data["summary"] == ANSWERS["summary"]
    assert data["sha256"] == hashlib.sha256((tmp_path / "reply.docx").read_bytes()).hexdigest()
    assert "case.yaml" not in text


def test_comments_and_tracked_changes_are_kept_and_reported(invoke, case_folder, tmp_path):
    blank = render_reply(invoke, case_folder, tmp_path / "out")
    filled = fill_reply(blank, tmp_path / "reply.docx")
    with zipfile.ZipFile(filled) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    summary = next(s for s in root.iter(W + "sdt") if _tag(s) == "cspr:summary").find(f"{W}sdtContent/{W}p")
    inserted = etree.SubElement(summary, W + "ins", {W + "id": "90", W + "author": "A"})
    inserted.append(_run(" Added later."))
    deleted = etree.SubElement(summary, W + "del", {W + "id": "91", W + "author": "A"})
    gone = etree.SubElement(etree.SubElement(deleted, W + "r"), W + "delText")
    gone.text = "Struck out."
    parts["word/document.xml"] = etree.tostring(root)
    parts["word/comments.xml"] = (f'<w:comments xmlns:w="{W_NS}"><w:comment w:id="1" w:author="A"><w:p><w:r>'
                                  "<w:t>Please call me about this.</w:t></w:r></w:p></w:comment></w:comments>").encode()
    with zipfile.ZipFile(filled, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    result = invoke("collect", filled, "--case", case_folder)
    assert result.exit_code == 0
    assert "reply.docx: tracked changes: the reply has tracked changes" in result.stderr
    reply = _stored(case_folder)
    assert reply.summary.splitlines()[0] == "Referral from midwifery in July 2025. Added later."
    assert "Struck out." not in reply.summary
    assert reply.unplaced == [*OUTSIDE, "Comment: Please call me about this."]


def test_empty_folder_is_named(invoke, case_folder, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "notes.txt").write_text("not a reply")
    result = invoke("collect", inbox, "--case", case_folder)
    assert result.exit_code == 3
    assert f"{inbox}: no .docx or .pdf replies in the folder(s) given" in result.stderr


def test_agency_option_that_is_not_an_agency_of_the_case(invoke, case_folder, tmp_path):
    filled = fill_reply(render_reply(invoke, case_folder, tmp_path / "out"), tmp_path / "reply.docx")
    result = invoke("collect", filled, "--case", case_folder, "--agency", "cssc")
    assert result.exit_code == 3
    assert "--agency cssc: not an agency of case NSCP-2025-014 (its agencies: csc, icb, police," in result.stderr
    assert "the reply is from agency" not in result.stderr
    assert not (case_folder / "replies").exists()


def test_a_refused_run_prints_no_warnings_about_the_other_files(invoke, case_folder, tmp_path):
    blank = render_reply(invoke, case_folder, tmp_path / "out")
    unsigned = fill_reply(blank, tmp_path / "unsigned.docx", answers={**ANSWERS, "author_name": ""})
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    result = invoke("collect", unsigned, bad, "--case", case_folder)
    assert result.exit_code == 3
    assert "warning:" not in result.stderr and "cspr:author-name" not in result.stderr
    assert "1 file(s) refused; nothing was stored" in result.stderr and "bad.docx" in result.stderr
    assert "2 warning(s) about the other files not shown" in result.stderr
    assert not (case_folder / "replies").exists()
    alone = invoke("collect", unsigned, "--case", case_folder)
    assert "warning: unsigned.docx: cspr:author-name: empty" in alone.stderr
