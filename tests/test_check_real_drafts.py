"""The ways real report drafts are written that `check` once got wrong (issue 12), each as a reviewer would judge it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from test_check_fixtures import DRAFTS, load_build

BUILD = load_build()
CASE = DRAFTS / "case"
HEAD = [("title", "Local Child Safeguarding Practice Review: Child P"),
        ("p", "Westmoor Safeguarding Children Partnership. Independent reviewer: Helen Marsh.")]
BODY = {
    "overview": "This review looks at what happened to Child P, the background and the key circumstances.",
    "family": "Child P's mother met the lead reviewer twice and her views are reflected throughout.",
    "child": "Child P's lived experience was of a busy home; nursery staff said Child P was often hungry.",
    "systemic": "The underlying reasons were systemic: thresholds were applied differently across agencies.",
    "general": "Similar issues have been seen in earlier local reviews.",
    "agencies": "Multi-agency working was weakest at transfer: information sharing depended on individuals.",
    "decisions": "The health visitor decided not to refer because the mother engaged with early help.",
    "good": "The nursery's follow-up of absences was good practice.",
    "different": "To prevent harm in similar circumstances agencies would need to act differently.",
    "learning": "Learning will be shared at practitioner events.",
}
TABLE = ("table", [["Recommendation", "Lead", "Timescale"], ["Agree a transfer protocol", "Westmoor ICB",
                                                              "by March 2027"]])


def check(invoke, path: Path, *args) -> tuple[int, dict]:
    result = invoke("check", path, "--case", CASE, "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)["files"][0]


def errors(file: dict) -> set[str]:
    return {f["rule"] for f in file["findings"] if f["severity"] == "error"}


def report(*sections: tuple[str, str | list], recs: list | None = None) -> list:
    content = list(HEAD)
    for heading, text in sections:
        content.append(("bold", heading) if heading[0].isdigit() else ("h1", heading))
        content += [("p", t) for t in ([text] if isinstance(text, str) else text)]
    return content + (recs if recs is not None else [("h1", "Recommendations"), TABLE])


STANDARD = [("Introduction", BODY["overview"]), ("Family involvement", BODY["family"]),
            ("The child's experience", BODY["child"]), ("Practice", [BODY["decisions"], BODY["agencies"]]),
            ("Analysis", [BODY["systemic"], BODY["general"]]), ("Good practice", [BODY["good"], BODY["different"]]),
            ("Learning", BODY["learning"])]


def test_plain_language_question_headings_pass(invoke, tmp_path) -> None:
    path = tmp_path / "draft.docx"
    path.write_bytes(BUILD._docx(report(
        ("What happened?", BODY["overview"]), ("Who was Child P?", BODY["child"].replace("lived experience", "day")),
        ("What did the family tell us?", BODY["family"]), ("What did professionals do?", [BODY["decisions"],
                                                                                         BODY["agencies"]]),
        ("Why did things happen as they did?", [BODY["systemic"].replace("systemic", "a feature of the system"),
                                                BODY["general"]]),
        ("What worked well?", [BODY["good"], BODY["different"]]),
        ("Making sure the learning is used", BODY["learning"]),
        recs=[("h1", "What needs to change"), TABLE])))
    code, file = check(invoke, path)
    assert (code, errors(file)) == (0, set())


def test_bold_numbered_paragraphs_are_headings(invoke, tmp_path) -> None:
    path = tmp_path / "draft.docx"
    path.write_bytes(BUILD._docx(report(
        ("1. Introduction", BODY["overview"]), ("2. Family involvement", BODY["family"]),
        ("4. The voice of Child P", "Child P said at nursery that home was noisy and scary at night."),
        ("5. Practice", [BODY["decisions"], BODY["agencies"]]),
        ("6. Analysis of underlying reasons", "Thresholds were applied differently, and turnover meant nobody "
                                              "knew the family well. " + BODY["general"]),
        ("7. Good practice", [BODY["good"], BODY["different"]]), ("8. Learning", BODY["learning"]))))
    code, file = check(invoke, path, "--explain")
    assert (code, errors(file)) == (0, set())
    explain = {e["element"]: e for e in file["explain"]}
    assert explain["systemic-analysis"]["heading"] == "6. Analysis of underlying reasons"
    assert explain["child-perspective"]["heading"] == "4. The voice of Child P"


def test_a_heading_per_recommendation_with_label_lines(invoke, tmp_path) -> None:
    recs = [("h1", "Recommendations")]
    for i, when in enumerate(("by March 2027", "within six months of publication", "Q3 2026/27", "ongoing"), 1):
        recs += [("h2", f"Recommendation {i}"), ("p", "Case transfers should include a handover meeting."),
                 ("p", "Lead agency: Westmoor Children's Social Care"), ("p", f"Timescale: {when}")]
    recs += [("h2", "Recommendation 5"), ("p", "Audit the transfers."), ("p", "Timescale: TBC")]
    path = tmp_path / "draft.docx"
    path.write_bytes(BUILD._docx(report(*STANDARD, recs=recs)))
    code, file = check(invoke, path)
    assert errors(file) == {"recommendation-owner", "recommendation-due"} and code == 1
    assert [f["message"] for f in file["findings"] if f["rule"].startswith("recommendation")] == [
        "recommendation 5 does not say whom it is for (no owner)", "recommendation 5 does not say by when"]


def test_dissemination_in_prose_with_number_words(invoke, tmp_path) -> None:
    sections = [s for s in STANDARD if s[0] != "Learning"]
    sections[-1] = ("Good practice", [BODY["good"], BODY["different"], ("The partnership will publish a "
                                      "seven-minute briefing and share the learning at a practitioner event.")])
    path = tmp_path / "draft.docx"
    path.write_bytes(BUILD._docx(report(*sections)))
    code, file = check(invoke, path, "--explain")
    assert (code, errors(file)) == (0, set())
    learn = {e["element"]: e for e in file["explain"]}["agencies-learn"]
    assert learn["status"] == "found" and "seven-minute briefing" in learn["words"]


def test_a_sentence_about_the_child_is_not_the_family_declining(invoke, tmp_path) -> None:
    sections = [(h, [t, "Child M's key person said she did not want to go home at the end of the day."]
                 if h == "The child's experience" else t) for h, t in STANDARD]
    path = tmp_path / "draft.docx"
    path.write_bytes(BUILD._docx(report(*sections)))
    assert errors(check(invoke, path)[1]) == set()
    declined = [(h, [t, "The father declined to take part in the review."] if h == "Family involvement" else t)
                for h, t in STANDARD]
    path.write_bytes(BUILD._docx(report(*declined)))
    assert errors(check(invoke, path)[1]) == {"family-involvement"}
    reason = [(h, [t, "The father declined to take part because criminal proceedings are ongoing."]
               if h == "Family involvement" else t) for h, t in STANDARD]
    path.write_bytes(BUILD._docx(report(*reason)))
    assert errors(check(invoke, path)[1]) == set()


def test_markdown_comments_and_code_are_not_sections(invoke, tmp_path) -> None:
    body = BUILD._md([(k, t) for k, t in report(*STANDARD, recs=[])]).decode()
    hidden = ("\n<!--\n## Summary of recommended improvements\nThe partnership should agree a protocol.\n-->\n\n"
              "```\n## Recommendations\nRecommendation 1: The ICB should act by March 2027.\n```\n")
    path = tmp_path / "draft.md"
    path.write_text(body + hidden, encoding="utf-8")
    code, file = check(invoke, path)
    assert "improvements-summary" in errors(file) and code == 1  # a false pass before: the comment counted
    path.write_text(body + "\n## Summary of recommended improvements\n\nRecommendation 1: The ICB should agree a "
                    "protocol by March 2027.\n", encoding="utf-8")
    assert errors(check(invoke, path)[1]) == set()


def test_a_real_name_in_a_learning_briefing_fails(invoke, tmp_path) -> None:
    path = tmp_path / "NSCP-1_learning-briefing.md"
    path.write_text("# Seven-minute briefing: Child J\n\nGrace Okafor spoke to the reviewer.\n", encoding="utf-8")
    result = invoke("check", path, "--case", CASE)
    assert result.exit_code == 1 and "[real-name]" in result.stdout and "Okafor" not in result.stdout
    notice = tmp_path / "publication-notice.md"
    notice.write_text("# Notice of intended publication\n\nCall 07700 900123.\n", encoding="utf-8")
    assert "uk-identifier" in errors(check(invoke, notice)[1])


def test_readme_changelog_and_notes_are_not_reports(invoke, tmp_path) -> None:
    for name, text in (("README.md", "# Our drafts\n\n## Recommendations\n\nUse the template.\n"),
                       ("CHANGELOG.md", "# Changes\n\n## Findings\n\n- fixed typo\n"),
                       ("notes.txt", "Family involvement\nTo do.\n")):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        code, file = check(invoke, path)
        assert (code, file["kind"], file["findings"]) == (0, "document", []), name


def _encrypted(path: Path) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("a-long-password", algorithm="AES-256")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def test_a_folder_skips_the_tools_own_outputs_and_refuses_a_foreign_encrypted_file_last(invoke, tmp_path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    own = _encrypted(out / "NSCP-1_outcome-letter_csc.pdf")
    (out / "manifest.json").write_text(json.dumps({
        "case": "NSCP-1", "kind": "outcome-letter", "recipients": [
            {"id": "csc", "files": [{"file": own.name, "sha256": hashlib.sha256(own.read_bytes()).hexdigest()}]}],
        "combined": None, "combined_docx": None}), encoding="utf-8")
    foreign = _encrypted(out / "a-foreign.pdf")
    (out / "z-report.docx").write_bytes((DRAFTS / "good-final-report.docx").read_bytes())
    result = invoke("check", out, "--case", CASE, "--kind", "final-report")
    lines = result.stdout.splitlines()
    assert result.exit_code == 3
    assert any(line.startswith(f"{own}: not checked: written by cspr-docs merge") for line in lines)
    assert any(line.startswith(f"{out / 'z-report.docx'}: ok") for line in lines)  # checked after the foreign one
    assert f"{foreign}: encrypted PDF" in result.stderr and "could not be read (exit 3)" in lines[-1]
    own.write_bytes(own.read_bytes() + b"\n")  # changed since merge wrote it: no longer vouched for
    result = invoke("check", out, "--case", CASE)
    assert f"{own}: encrypted PDF" in result.stderr


def test_the_shipped_hook_has_no_repository_specific_exclude() -> None:
    hook = (DRAFTS.parents[1] / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "exclude" not in hook and "cspr-docs check" in hook
