"""`check` without `--kind`: each draft is checked as what it says it is (QA finding 2), and a text draft's
findings point at the line of the match (QA finding 12)."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import CASES
from test_check_fixtures import DRAFTS, load_build

BUILD = load_build()
CASE = CASES / "notification-death"


def report(invoke, *args) -> tuple[int, dict[str, dict]]:
    result = invoke("check", *args, "--format", "json")
    return result.exit_code, {Path(f["path"]).name: f for f in json.loads(result.stdout)["files"]}


def test_rendered_documents_are_checked_as_their_cspr_template_property(invoke, tmp_path) -> None:
    out = tmp_path / "out"
    kinds = ("combined-summary", "terms-of-reference", "final-report", "panel-covering-letter")
    assert invoke("render", *kinds, "--case", CASE, "--out", out, "--date", "2026-06-01").exit_code == 0
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    for i, kind in enumerate(kinds):  # names that say nothing: only the document property can tell
        shutil.copy(next(out.glob(f"*_{kind}.docx")), drafts / f"draft{i}.docx")
    code, files = report(invoke, *sorted(drafts.iterdir()), "--case", CASE)
    assert {name: (f["kind"], f["kind_from"]) for name, f in files.items()} == {
        f"draft{i}.docx": (kind, "cspr.template") for i, kind in enumerate(kinds)}
    summary = files["draft0.docx"]
    # a working document is not judged as a publication: no protective-marking or minimum-content errors
    assert {(f["rule"], f["severity"]) for f in summary["findings"]} == {("date-of-birth", "warning")}
    letter = files["draft3.docx"]
    assert letter["findings"] == [] and "no rules for this kind" in letter["skipped"]
    assert summary["skipped"] is None
    assert code == 1  # the final-report skeleton still has its prompts


def test_kind_option_overrides_the_property(invoke, tmp_path) -> None:
    out = tmp_path / "out"
    assert invoke("render", "combined-summary", "--case", CASE, "--out", out, "--date", "2026-06-01").exit_code == 0
    path = next(out.glob("*.docx"))
    code, files = report(invoke, path, "--kind", "final-report", "--case", CASE)
    assert (files[path.name]["kind"], files[path.name]["kind_from"]) == ("final-report", "option")
    assert "protective-marking" in {f["rule"] for f in files[path.name]["findings"]}
    assert code == 1


def test_file_name_then_title_then_default(invoke, tmp_path) -> None:
    named = tmp_path / "NSCP-1_combined-summary.md"
    named.write_bytes(BUILD._md(BUILD.COMBINED, top=BUILD.MARK))
    titled = tmp_path / "draft-v3.md"
    titled.write_bytes(BUILD._md(BUILD.TOR, top=BUILD.MARK))
    plain = tmp_path / "notes.md"
    plain.write_bytes(BUILD._md([("p", "Nothing here says what this is.")]))
    code, files = report(invoke, named, titled, plain)
    assert {name: (f["kind"], f["kind_from"]) for name, f in files.items()} == {
        named.name: ("combined-summary", "file-name"), titled.name: ("terms-of-reference", "heading"),
        plain.name: ("document", "default")}
    assert files[named.name]["findings"] == [] and files[titled.name]["findings"] == []
    # nothing says the note is a report: it is checked for names and identifiers only, never as a final report
    assert files[plain.name]["findings"] == [] and not files[plain.name]["skipped"]
    assert code == 0


def test_identifier_property_of_a_form(invoke, tmp_path) -> None:
    from docx import Document

    document = Document(str(DRAFTS / "good-final-report.docx"))
    document.core_properties.identifier = "NSCP-1/csc/information-request-reply/1"
    path = tmp_path / "returned.docx"
    document.save(str(path))
    code, files = report(invoke, path)
    assert (files[path.name]["kind"], files[path.name]["kind_from"]) == ("information-request-reply", "identifier")
    assert files[path.name]["skipped"] and code == 0


def test_text_junit_and_github_say_what_was_inferred_or_skipped(invoke, tmp_path) -> None:
    draft = tmp_path / "report.md"
    draft.write_bytes(BUILD._md(BUILD.TOR, top=BUILD.MARK) + b"TODO\n")
    letter = tmp_path / "NSCP-1_outcome-letter_csc.md"
    letter.write_bytes(b"Dear colleague,\n\nTODO\n")
    text = invoke("check", draft, letter).stdout
    assert f"{draft}: checked as terms-of-reference (from its title)" in text
    assert f"{letter}: not checked: check has no rules for this kind of document (outcome-letter, from its file " \
           "name)" in text
    assert text.rstrip().endswith("1 file(s) checked: 1 error(s), 0 warning(s); 1 not checked (see above)")
    root = ET.fromstring(invoke("check", draft, letter, "--format", "junit").stdout)
    assert [s.get("message") for s in root.iter("skipped")] and root.find("testsuite").get("skipped") == "1"
    github = invoke("check", letter, "--format", "github").stdout
    assert github.startswith(f"::notice file={letter},title=kind::not checked")


def test_markdown_finding_is_on_the_line_of_the_match(invoke, tmp_path) -> None:
    draft = tmp_path / "draft.md"
    body = ("# Introduction\n"
            "This review concerns one family and the agencies that\n"
            "worked with them. Call 07700 900123 or write to\n"
            "NM1 4QT, quoting NHS 943 476 5919 and TODO.\n")
    draft.write_text(body + BUILD._md(BUILD.FINAL).decode())
    result = invoke("check", draft, "--format", "json")
    lines = {(f["rule"], f["message"].split(":")[1].split(";")[0].strip() if f["rule"] == "uk-identifier" else "",
              f["location"]["line"]) for f in json.loads(result.stdout)["files"][0]["findings"]}
    assert {("uk-identifier", "phone number", 3), ("uk-identifier", "postcode", 4),
            ("uk-identifier", "NHS number (valid check digit)", 4), ("leftover-placeholder", "", 4)} <= lines
    github = invoke("check", draft, "--format", "github").stdout
    assert f"::error file={draft},line=3,title=uk-identifier::" in github


def test_a_pack_pdf_says_what_it_is_and_is_not_checked_as_a_report(invoke, tmp_path) -> None:
    from pypdf import PdfReader, PdfWriter

    from cspr_docs.pdf.bundle import bundle_pdfs

    parts = []
    for name in ("summary", "reply"):
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
        writer.write(tmp_path / f"{name}.pdf")
        parts.append((name.title(), tmp_path / f"{name}.pdf"))
    pack = bundle_pdfs(parts, tmp_path / "NSCP-2025-014-rapid-review-meeting.pdf", title="Pack",
                       template="pack:rapid-review-meeting")
    assert PdfReader(pack).metadata["/CsprTemplate"] == "pack:rapid-review-meeting"
    result = invoke("check", pack, "--format", "json")
    [checked] = json.loads(result.stdout)["files"]
    assert result.exit_code == 0
    assert (checked["kind"], checked["kind_from"], checked["findings"]) == (
        "pack:rapid-review-meeting", "cspr.template", [])
    assert "not checked" in checked["skipped"]
    plain = bundle_pdfs(parts, tmp_path / "joined.pdf", title="Joined")  # no template: no claim either way
    assert "/CsprTemplate" not in PdfReader(plain).metadata
