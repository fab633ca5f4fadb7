"""Each rule fires on a draft made to trip it and stays silent on the good draft; leaks in every part."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from test_check_fixtures import DRAFTS, load_build

BUILD = load_build()
CASE = DRAFTS / "case"
CHILD, MOTHER = BUILD.CHILD, BUILD.MOTHER


def run(invoke, path: Path, *args: str) -> tuple[int, list[dict], str]:
    result = invoke("check", path, "--format", "json", *args)
    data = json.loads(result.stdout) if result.stdout.startswith("{") else {"files": [{"findings": []}]}
    return result.exit_code, data["files"][0]["findings"], result.stdout + result.stderr


def docx(tmp_path: Path, name: str = "draft.docx", content=None, **kwargs) -> Path:
    path = tmp_path / name
    path.write_bytes(BUILD._docx(BUILD.FINAL if content is None else content, **kwargs))
    return path


def md(tmp_path: Path, text: str, name: str = "draft.md") -> Path:
    path = tmp_path / name
    path.write_bytes(BUILD._md(BUILD.FINAL) + b"\n" + text.encode())  # a blank line ends the table
    return path


def rules_of(findings: list[dict]) -> set[str]:
    return {f["rule"] for f in findings}


@pytest.mark.parametrize(("kwargs", "part"), [
    ({"header": "Child J (Jayden)"}, "word/header1.xml"),
    ({"footer": "Okafor family"}, "word/footer1.xml"),
    ({"parts": {"footnotes": "Grace Okafor said so."}}, "word/footnotes.xml"),
    ({"parts": {"endnotes": "Okafor-Smith file"}}, "word/endnotes.xml"),
    ({"comment": "ask Liam Brennan"}, "comments"),
    ({"extra_xml": [BUILD.deleted("Child J ", "Jayden", " was seen.")]}, "word/document.xml"),
    ({"extra_xml": [BUILD.textbox("Liam Brennan")]}, "word/document.xml"),
    ({"picture_alt": "Photo of Jayden"}, "word/document.xml"),
    ({"core_author": "Grace Okafor"}, "docProps/core.xml (creator)"),
    ({"custom": {"Child": "Jayden Okafor-Smith"}}, "docProps/custom.xml (property 1)"),
    ({"split_name": True}, "word/document.xml"),
])
def test_real_name_found_in_every_docx_part_and_never_printed(invoke, tmp_path, kwargs, part) -> None:
    code, findings, output = run(invoke, docx(tmp_path, **kwargs), "--case", CASE)
    names = [f for f in findings if f["rule"] == "real-name"]
    assert code == 1
    assert part in {f["location"]["part"] for f in names}
    for secret in ("Jayden", "Okafor", "Brennan", "Grace Okafor", "2019-03-07"):
        assert secret not in output


def test_name_in_file_name_is_found(invoke, tmp_path) -> None:
    findings = run(invoke, docx(tmp_path, name="Okafor report.docx"), "--case", CASE)[1]
    assert any(f["location"]["part"] == "file name" for f in findings if f["rule"] == "real-name")


@pytest.mark.parametrize("text", ["JAYDEN went home.", "Jayden's coat.", "Jaydén was there.", "Oka\u00adfor.", "Jay\u200bden.",
                                  "the Okafor-Smith household", "the Smith family", "Ｊａｙｄｅｎ left."])
def test_name_variants_are_found(invoke, tmp_path, text) -> None:
    assert "real-name" in rules_of(run(invoke, md(tmp_path, text), "--case", CASE)[1])


def test_initials_warn_and_fail_only_with_strict(invoke, tmp_path) -> None:
    path = md(tmp_path, "J. O. attended nursery.")
    code, findings, _ = run(invoke, path, "--case", CASE)
    assert rules_of(findings) == {"initials"} and code == 0
    assert run(invoke, path, "--case", CASE, "--strict")[0] == 1


def test_common_word_name_flagged_only_capitalised_and_allow_list_needs_a_reason(invoke, tmp_path) -> None:
    assert "real-name" not in rules_of(run(invoke, md(tmp_path, "By grace of timing."), "--case", CASE)[1])
    path = md(tmp_path, "Grace attended.")
    assert "real-name" in rules_of(run(invoke, path, "--case", CASE)[1])
    pack = tmp_path / "rules.yaml"
    pack.write_text("allow:\n  - term: Grace\n    reason: the ordinary word in the foreword\n")
    assert run(invoke, path, "--case", CASE, "--rules", pack)[0] == 0
    pack.write_text("allow:\n  - term: Grace\n")
    code, _, output = run(invoke, path, "--case", CASE, "--rules", pack)
    assert code == 3 and "allow[0].reason" in output and "Grace" not in output.replace("term: Grace", "")


@pytest.mark.parametrize("text", ["born 07/03/2019", "born 7.3.19", "born 2019-03-07", "born 7th March 2019",
                                  "born March 7, 2019", "born 7 Mar 2019"])
def test_date_of_birth_in_common_formats(invoke, tmp_path, text) -> None:
    assert "date-of-birth" in rules_of(run(invoke, md(tmp_path, text), "--case", CASE)[1])


def test_other_dates_are_not_dates_of_birth(invoke, tmp_path) -> None:
    assert "date-of-birth" not in rules_of(run(invoke, md(tmp_path, "on 08/03/2019 and 7 March 2020"),
                                               "--case", CASE)[1])


@pytest.mark.parametrize(("text", "severity"), [
    ("943 476 5919", "error"), ("943-476-5919", "error"), ("9434765919", "error"), ("943 476 5918", "warning"),
    ("0000000000", "warning"), ("AB 12 34 56 C", "error"), ("sw1a1aa", "error"), ("+44 7700 900123", "error"),
    ("(020) 7946 0000", "error"),
])
def test_uk_identifiers_detected(invoke, tmp_path, text, severity) -> None:
    findings = [f for f in run(invoke, md(tmp_path, f"Ref {text} here."))[1] if f["rule"] == "uk-identifier"]
    assert [f["severity"] for f in findings] == [severity]


@pytest.mark.parametrize("text", ["qq 12 34 56 a", "in 2019 and 2020", "paragraph 4.6.1", "EX1 1AA"])
def test_not_identifiers(invoke, tmp_path, text) -> None:
    # EX1 1AA is the partnership's own address in the case data: public, so not a finding.
    assert "uk-identifier" not in rules_of(run(invoke, md(tmp_path, f"See {text}."), "--case", CASE)[1])


def test_school_is_a_quasi_identifier_warning(invoke, tmp_path) -> None:
    findings = run(invoke, md(tmp_path, "He attended Brookfield Primary School."), "--case", CASE)[1]
    assert [(f["rule"], f["severity"]) for f in findings] == [("quasi-identifier", "warning")]


def test_reviewer_name_differs_from_case(invoke, tmp_path) -> None:
    content = [(k, t.replace("Helen Marsh", "Anne Other") if isinstance(t, str) else t) for k, t in BUILD.FINAL]
    findings = run(invoke, docx(tmp_path, content=content), "--case", CASE)[1]
    assert [f["message"] for f in findings if f["rule"] == "reviewer-name"] == [
        "the reviewer named in the draft differs from review.reviewer.name"]
    assert "reviewer-name" not in rules_of(run(invoke, docx(tmp_path, content=content))[1])  # no case: a name is enough


def test_heading_in_body_style_warns_and_still_counts(invoke, tmp_path) -> None:
    content = [(k if t != "6. Good practice" else "bold", t) for k, t in BUILD.FINAL]
    code, findings, _ = run(invoke, docx(tmp_path, content=content))
    assert rules_of(findings) == {"heading-style"} and code == 0


def test_empty_required_section_is_reported(invoke, tmp_path) -> None:
    content = [(k, t) for k, t in BUILD.FINAL if k != "table"]
    findings = run(invoke, docx(tmp_path, content=content), "--case", CASE)[1]
    assert [f["message"] for f in findings] == ["the section for a summary of recommended improvements is empty"]


def test_rule_pack_required_sections_synonyms_severity_and_disable(invoke, tmp_path) -> None:
    path = docx(tmp_path)
    pack = tmp_path / "rules.yaml"
    pack.write_text("required_sections:\n  - {id: glossary, headings: [Glossary]}\n")
    assert rules_of(run(invoke, path, "--rules", pack)[1]) == {"required-section"}
    pack.write_text("required_sections:\n  - {id: glossary, headings: [Glossary]}\nseverity: {required-section: warning}\n")
    assert run(invoke, path, "--rules", pack)[0] == 0
    pack.write_text("disable: [genogram]\n")
    assert run(invoke, docx(tmp_path, picture_alt="Genogram"), "--rules", pack)[0] == 0
    content = [("h1", "8. Our promises to children") if "Summary of recommended" in str(t) else
               ("p", "Transfer practice is to be agreed.") if k == "table" else (k, t) for k, t in BUILD.FINAL]
    draft = docx(tmp_path, content=content)
    assert "improvements-summary" in rules_of(run(invoke, draft)[1])
    pack.write_text("headings:\n  improvements-summary: [Our promises to children]\n")
    assert "improvements-summary" not in rules_of(run(invoke, draft, "--rules", pack)[1])
    pack.write_text("disable: [no-such-rule]\n")
    assert run(invoke, path, "--rules", pack)[0] == 3


def test_partnership_default_rule_pack(invoke, tmp_path) -> None:
    import shutil

    case = tmp_path / "case"
    shutil.copytree(CASE, case)
    (case / "check-rules.yaml").write_text("disable: [real-name]\n")
    assert "real-name" not in rules_of(run(invoke, md(tmp_path, "Jayden"), "--case", case)[1])


def _inline_rules(tmp_path: Path, rules: str) -> Path:
    """The drafts' case with `check_rules:` in its inline partnership profile."""
    folder = tmp_path / "inline"
    folder.mkdir()
    text = (CASE / "case.yaml").read_text(encoding="utf-8")
    assert "\n  short_name: WSCP\n" in text
    (folder / "case.yaml").write_text(text.replace("\n  short_name: WSCP\n", f"\n  short_name: WSCP\n{rules}", 1),
                                      encoding="utf-8")
    return folder


def test_partnership_profile_carries_default_rules(invoke, tmp_path) -> None:
    draft = md(tmp_path, "Jayden")
    assert "real-name" in rules_of(run(invoke, draft, "--case", CASE)[1])
    case = _inline_rules(tmp_path, "  check_rules:\n    disable: [real-name]\n")
    assert "real-name" not in rules_of(run(invoke, draft, "--case", case)[1])
    (case / "check-rules.yaml").write_text("severity: {leftover-placeholder: warning}\n")  # both apply, file on top
    todo = md(tmp_path, "Jayden. TODO: a last paragraph.", name="last.md")
    code, findings, _ = run(invoke, todo, "--case", case)
    assert code == 0 and "real-name" not in rules_of(findings)
    assert {f["severity"] for f in findings if f["rule"] == "leftover-placeholder"} == {"warning"}
    pack = tmp_path / "mine.yaml"
    pack.write_text("severity: {leftover-placeholder: error}\n")  # --rules on top of both
    assert run(invoke, todo, "--case", case, "--rules", pack)[0] == 1


def test_partnership_rules_in_a_shared_profile_are_located_in_it(invoke, tmp_path, case_copy) -> None:
    folder = case_copy("notification-death")
    profile = folder.parent / "partnership.yaml"
    lines = profile.read_text(encoding="utf-8").splitlines()
    profile.write_text("\n".join([*lines, "check_rules:", "  disable: [real-name, no-such-rule]", ""]),
                       encoding="utf-8")
    expected = (f"{profile}:{len(lines) + 2}:24: partnership.check_rules.disable[1]: unknown rule id 'no-such-rule' "
                "(`cspr-docs check --list-rules`)")
    for args in (("check", md(tmp_path, "x"), "--case", folder), ("case", "check", folder)):
        result = invoke(*args)
        assert result.exit_code == 3 and expected in result.stderr, result.stderr
        assert "Traceback" not in result.stderr


def test_partnership_rules_must_be_a_mapping(invoke, tmp_path) -> None:
    case = _inline_rules(tmp_path, "  check_rules: [real-name]\n")
    result = invoke("case", "check", case)
    assert result.exit_code == 3
    assert "partnership.check_rules" in result.stderr


def test_a_rule_pack_reports_schema_errors_and_unknown_ids_at_once(invoke, tmp_path) -> None:
    pack = tmp_path / "rules.yaml"
    pack.write_text("severity: {uk-identifier: fatal}\ndisable: [nope]\n")
    result = invoke("check", md(tmp_path, "x"), "--rules", pack)
    assert result.exit_code == 3
    lines = [line for line in result.stderr.splitlines() if str(pack) in line]
    assert len(lines) == 2, result.stderr
    assert "severity.uk-identifier" in lines[0] and "disable[0]: unknown rule id 'nope'" in lines[1]


def test_the_schema_describes_the_partnership_rules_for_editors(invoke) -> None:
    schema = json.loads(invoke("schema").stdout)
    text = json.dumps(schema)
    assert '"check_rules"' in text
    pack = next(v for k, v in schema["$defs"].items() if k == "RulePackSchema")
    assert {"severity", "disable", "allow", "places"} <= set(pack["properties"])
    assert pack["additionalProperties"] is False
