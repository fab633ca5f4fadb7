"""`cspr-docs check` as CI sees it: formats, exit codes, --strict, and no case value ever printed (H1)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import SENTINEL_NAME, fixture_cases
from test_check_fixtures import DRAFTS, load_build

BUILD = load_build()
GOOD = DRAFTS / "good-final-report.docx"
BAD = DRAFTS / "bad-leaks-parts.docx"
CASE = DRAFTS / "case"


def test_json_report_shape(invoke) -> None:
    result = invoke("check", GOOD, BAD, "--case", CASE, "--format", "json")
    data = json.loads(result.stdout)
    assert result.exit_code == 1
    assert data["version"] == 1
    assert [f["path"] for f in data["files"]] == [str(GOOD), str(BAD)]
    assert data["files"][0]["findings"] == []
    finding = data["files"][1]["findings"][0]
    assert set(finding) == {"rule", "severity", "message", "location"}
    assert set(finding["location"]) == {"file", "part", "paragraph", "page", "line", "heading"}
    assert data["summary"] == {"files": 2, "errors": len(data["files"][1]["findings"]), "warnings": 0}


def test_junit_report(invoke) -> None:
    result = invoke("check", GOOD, BAD, "--case", CASE, "--format", "junit")
    root = ET.fromstring(result.stdout)
    failures = root.findall(".//failure")
    assert {f.get("type") for f in failures} == {"real-name", "tracked-changes"}
    assert root.get("failures") == "2"
    assert int(root.get("tests")) == 2 * 20


def test_github_annotations(invoke, tmp_path) -> None:
    draft = tmp_path / "draft.md"
    draft.write_bytes(BUILD._md(BUILD.FINAL) + b"TODO: fix, later\n")
    result = invoke("check", draft, "--format", "github")
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"::error file={draft},line=")
    assert ",title=leftover-placeholder::" in lines[0]
    assert result.exit_code == 1


def test_text_report_and_exit_zero(invoke) -> None:
    result = invoke("check", GOOD, "--case", CASE)
    assert result.exit_code == 0
    assert "0 error(s), 0 warning(s)" in result.stdout


def test_warnings_fail_only_with_strict(invoke, tmp_path) -> None:
    draft = tmp_path / "draft.md"
    draft.write_bytes(BUILD._md(BUILD.FINAL) + b"Ref 943 476 5918.\n")  # invalid check digit: a warning
    assert invoke("check", draft).exit_code == 0
    assert invoke("check", draft, "--strict").exit_code == 1


def test_a_folder_stands_for_the_drafts_directly_inside_it(invoke, tmp_path) -> None:
    folder = tmp_path / "drafts"
    (folder / "nested").mkdir(parents=True)
    (folder / "b.docx").write_bytes(BAD.read_bytes())
    (folder / "a.docx").write_bytes(GOOD.read_bytes())
    (folder / "~$a.docx").write_bytes(b"lock")  # Word's owner file beside an open document
    (folder / ".notes.md").write_text("TODO")
    (folder / "data.csv").write_text("x")
    (folder / "nested" / "c.md").write_text("TODO")
    result = invoke("check", folder, "--case", CASE, "--format", "json")
    data = json.loads(result.stdout)
    assert [f["path"] for f in data["files"]] == [str(folder / "a.docx"), str(folder / "b.docx")]
    assert result.exit_code == 1 and data["files"][0]["findings"] == [] and data["files"][1]["findings"]


def test_a_draft_named_twice_is_checked_once_and_a_broken_link_is_not_skipped(invoke, tmp_path) -> None:
    folder = tmp_path / "drafts"
    folder.mkdir()
    (folder / "a.docx").write_bytes(GOOD.read_bytes())
    data = json.loads(invoke("check", folder, folder / "a.docx", "--case", CASE, "--format", "json").stdout)
    assert [f["path"] for f in data["files"]] == [str(folder / "a.docx")]
    (folder / "b.md").symlink_to(tmp_path / "gone.md")
    result = invoke("check", folder, "--case", CASE)
    assert result.exit_code == 3 and f"{folder / 'b.md'}: file not found" in result.stderr


def test_a_folder_without_drafts_is_bad_input(invoke, tmp_path) -> None:
    (tmp_path / "notes.csv").write_text("x")
    result = invoke("check", tmp_path)
    assert result.exit_code == 3
    assert result.stderr.strip() == f"error: {tmp_path}: no draft in this folder (.docx, .pdf, .md or .txt directly " \
                                    "inside it)"


def test_usage_errors(invoke) -> None:
    assert invoke("check").exit_code == 2
    assert invoke("check", GOOD, "--kind", "letter").exit_code == 2
    assert "real-name" in invoke("check", "--list-rules").stdout


def _sentinel_case(invoke, tmp_path: Path, source: Path | None) -> Path:
    if source is None:
        folder = tmp_path / "init-case"
        assert invoke("init", folder, "--route", "notification").exit_code == 0
        case = folder / "case.yaml"
    else:
        import shutil

        shutil.copytree(source, tmp_path / source.name)
        if (source.parent / "partnership.yaml").exists():
            shutil.copy(source.parent / "partnership.yaml", tmp_path / "partnership.yaml")
        case = tmp_path / source.name / "case.yaml"
    text = case.read_text()
    import re

    text = re.sub(r"(\n  - id: [^\n]+\n    pseudonym: [^\n]+\n    name: )[^\n#]+", rf"\g<1>{SENTINEL_NAME} Zzsurname ",
                  text, count=1)
    text = re.sub(r"(date_of_birth: )\d{4}-\d{2}-\d{2}", r"\g<1>2011-11-11", text, count=1)
    case.write_text(text)
    return case


@pytest.mark.parametrize("source", [None, *fixture_cases()], ids=lambda p: p.name if p else "init")
def test_sentinel_name_and_dob_never_printed(invoke, tmp_path, source) -> None:
    case = _sentinel_case(invoke, tmp_path, source)
    leak = f"{SENTINEL_NAME} Zzsurname"
    draft = tmp_path / f"{SENTINEL_NAME}.docx"
    draft.write_bytes(BUILD._docx(
        [("h1", f"About {leak}"), ("p", f"{leak} was born on 11/11/2011."), *BUILD.FINAL],
        header=leak, comment=leak, core_author=leak, parts={"footnotes": "11 November 2011"}))
    for fmt in ("text", "json", "junit", "github"):
        result = invoke("check", draft, "--case", case, "--format", fmt)
        output = result.stdout + result.stderr
        assert result.exit_code == 1, output
        assert SENTINEL_NAME.casefold() not in output.casefold()
        assert "Zzsurname".casefold() not in output.casefold()
        assert "2011" not in output
        assert "children[0].name" in output and "children[0].date_of_birth" in output
