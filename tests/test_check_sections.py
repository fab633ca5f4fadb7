"""Required sections duplicated or out of order (D1), the age + school + place combination (D6), dates of birth in
working documents, and the note that without --case no names were looked for."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from test_check_fixtures import DRAFTS, load_build

BUILD = load_build()
CASE = DRAFTS / "case"
PACK = """required_sections:
  - {id: scope, headings: [Scope]}
  - {id: good-practice, headings: [Good practice]}
  - {id: glossary, headings: [Glossary]}
"""


def run(invoke, path: Path, *args: str | Path) -> tuple[int, list[dict], str]:
    result = invoke("check", path, "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)["files"][0]["findings"], result.stdout + result.stderr


def pack(tmp_path: Path, text: str = PACK) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(text)
    return path


def docx(tmp_path: Path, content: list, name: str = "draft.docx") -> Path:
    path = tmp_path / name
    path.write_bytes(BUILD._docx(content))
    return path


WITH_GLOSSARY = [*BUILD.FINAL, ("h1", "9. Glossary"), ("p", "CIN: child in need.")]


def messages(findings: list[dict], rule: str = "required-section") -> list[str]:
    return [f["message"] for f in findings if f["rule"] == rule]


def test_required_sections_present_once_and_in_order_pass(invoke, tmp_path) -> None:
    code, findings, _ = run(invoke, docx(tmp_path, WITH_GLOSSARY), "--rules", pack(tmp_path))
    assert (code, findings) == (0, [])


def test_duplicated_required_section_names_both_headings_and_places(invoke, tmp_path) -> None:
    content = [*WITH_GLOSSARY, ("h1", "10. Scope of the review"), ("p", "The same again.")]
    code, findings, _ = run(invoke, docx(tmp_path, content), "--rules", pack(tmp_path))
    assert code == 1
    [message] = messages(findings)
    match = re.fullmatch(r"required section 'scope' appears 2 times: '2\. Scope and method' \(¶(\d+)\) and "
                         r"'10\. Scope of the review' \(¶(\d+)\); keep one", message)
    assert match and int(match.group(1)) < int(match.group(2))
    [finding] = [f for f in findings if f["rule"] == "required-section"]
    assert finding["location"]["paragraph"] == int(match.group(2))


def test_out_of_order_required_section_names_both_headings(invoke, tmp_path) -> None:
    order = PACK.replace("  - {id: scope, headings: [Scope]}\n", "") + "  - {id: scope, headings: [Scope]}\n"
    code, findings, _ = run(invoke, docx(tmp_path, WITH_GLOSSARY), "--rules", pack(tmp_path, order))
    assert code == 1
    assert [re.sub(r"¶\d+", "¶N", m) for m in messages(findings)] == [
        ("required section 'scope' '2. Scope and method' (¶N) comes before 'glossary' '9. Glossary' (¶N); the rule "
        "pack puts 'glossary' first")]


def test_missing_and_empty_required_sections(invoke, tmp_path) -> None:
    code, findings, _ = run(invoke, docx(tmp_path, BUILD.FINAL), "--rules", pack(tmp_path))
    assert (code, messages(findings)) == (1, ["required section 'glossary' (rule pack) is missing"])
    empty = [*BUILD.FINAL, ("h1", "9. Glossary")]
    code, findings, _ = run(invoke, docx(tmp_path, empty, "empty.docx"), "--rules", pack(tmp_path))
    assert (code, messages(findings)) == (1, ["required section 'glossary' (rule pack) is empty"])


def test_order_in_markdown_gives_line_numbers(invoke, tmp_path) -> None:
    path = tmp_path / "draft.md"
    path.write_bytes(BUILD._md([("h1", "Good practice"), ("p", "Some."), ("h1", "Scope"), ("p", "Some.")]))
    rules = pack(tmp_path, "required_sections:\n  - {id: scope, headings: [Scope]}\n"
                           "  - {id: good-practice, headings: [Good practice]}\n")
    assert messages(run(invoke, path, "--rules", rules, "--kind", "final-report")[1]) == [
        ("required section 'good-practice' 'Good practice' (line 1) comes before 'scope' 'Scope' (line 5); the rule "
        "pack puts 'scope' first")]


def test_a_heading_does_not_fill_its_own_empty_section(invoke, tmp_path) -> None:
    content = [(k, t) for k, t in BUILD.FINAL if not (k == "p" and "good practice" in t)]
    findings = run(invoke, docx(tmp_path, content))[1]
    assert messages(findings, "minimum-content") == [
        "missing examples of good practice (good-practice; LLR CSPR guidance §9.1.2): its section is empty"]


def case_with_address(tmp_path: Path) -> Path:
    case = tmp_path / "case"
    shutil.copytree(CASE, case)
    yaml = (case / "case.yaml").read_text()
    yaml = yaml.replace("    date_of_birth: 1994-11-21\n", "    date_of_birth: 1994-11-21\n"
                        "    contact: {address: [4 Mill Lane, Ashby Moor, EX9 9ZZ]}\n")
    (case / "case.yaml").write_text(yaml)
    return case


SCHOOL = "He attended Brookfield Primary School."


@pytest.mark.parametrize(("extra", "via_pack", "combined"), [
    (f"{SCHOOL} The family lived in Ashby Moor.", False, True),  # age ("five-year-old") in FINAL; town from address
    (f"{SCHOOL} The family lived in Ashby Moor.", True, True),  # town from the rule pack's places
    (SCHOOL, False, False),  # no place
    ("The family lived in Ashby Moor.", False, False),  # no school
])
def test_age_school_and_place_together(invoke, tmp_path, extra, via_pack, combined) -> None:
    path = tmp_path / "draft.md"
    path.write_bytes(BUILD._md(BUILD.FINAL) + extra.encode())
    case = CASE if via_pack else case_with_address(tmp_path)
    args = ["--case", case, *(["--rules", pack(tmp_path, "places: [Ashby Moor]\n")] if via_pack else [])]
    code, findings, output = run(invoke, path, *args)
    together = [m for m in messages(findings, "quasi-identifier") if "together" in m]
    assert len(together) == (1 if combined else 0)
    if combined:
        place = "rule pack places[0]" if via_pack else "family[0].contact.address"
        assert together == [(f"the age (children[0].age), the school (children[0].school) and a place ({place}) all "
                            "appear in the draft: together they can identify the child; generalise at least one "
                            "(e.g. 'a primary school in the area')")]
    assert code == 0  # a warning
    for secret in ("Ashby", "Brookfield", "Mill Lane"):
        assert secret not in output


def test_age_without_the_age_text_is_not_a_combination(invoke, tmp_path) -> None:
    content = [(k, t.replace("a five-year-old boy", "a boy") if isinstance(t, str) else t) for k, t in BUILD.FINAL]
    path = tmp_path / "draft.md"
    path.write_bytes(BUILD._md(content) + f"{SCHOOL} The family lived in Ashby Moor.".encode())
    findings = run(invoke, path, "--case", case_with_address(tmp_path))[1]
    assert not [m for m in messages(findings, "quasi-identifier") if "together" in m]


@pytest.mark.parametrize(("kind", "severity", "code"), [("combined-summary", "warning", 0),
                                                          ("final-report", "error", 1)])
def test_date_of_birth_is_a_warning_only_in_working_documents(invoke, tmp_path, kind, severity, code) -> None:
    content = BUILD.COMBINED if kind == "combined-summary" else BUILD.FINAL
    path = tmp_path / "draft.md"
    path.write_bytes(BUILD._md(content, top=BUILD.MARK if kind == "combined-summary" else "")
                     + b"Child J was born on 7 March 2019.")
    result_code, findings, _ = run(invoke, path, "--kind", kind, "--case", CASE)
    assert [(f["rule"], f["severity"]) for f in findings] == [("date-of-birth", severity)]
    assert result_code == code


@pytest.mark.parametrize(("kind", "rules"), [
    ("final-report", "real-name, initials, date-of-birth, quasi-identifier, publication-timing"),
    ("combined-summary", "real-name, initials, date-of-birth, rapid-review-quorum, rapid-review-timing"),
])
def test_without_case_one_note_says_names_were_not_checked(invoke, kind, rules) -> None:
    draft = DRAFTS / ("good-final-report.md" if kind == "final-report" else "good-combined-summary.docx")
    result = invoke("check", draft, draft, "--kind", kind, "--format", "json")
    assert result.exit_code == 0
    json.loads(result.stdout)  # the note stays out of the machine-readable report
    assert result.stderr.count("note:") == 1
    assert f"these rules did not run: {rules};" in result.stderr
    assert "NOT checked for real names or dates of birth" in result.stderr
    assert invoke("check", draft, "--kind", kind, "--case", CASE).stderr == ""
