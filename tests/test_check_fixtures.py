"""The committed draft fixtures: each fails with exactly its expected rule ids, and the build is reproducible."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from conftest import FIXTURES, requires_soffice
from cspr_docs.load import read_yaml

DRAFTS = FIXTURES / "drafts"
EXPECTED = read_yaml(DRAFTS / "expected.yaml").data["drafts"]


def load_build():
    spec = importlib.util.spec_from_file_location("drafts_build", DRAFTS / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("entry", EXPECTED, ids=lambda e: f"{e['file']}@{e['case']}")
def test_fixture_fails_with_exactly_its_expected_rules(invoke, entry) -> None:
    result = invoke("check", DRAFTS / entry["file"], "--kind", entry["kind"], "--case", DRAFTS / entry["case"],
                    "--format", "json")
    report = json.loads(result.stdout)
    found = sorted({f["rule"] for f in report["files"][0]["findings"] if f["severity"] == "error"})
    assert found == sorted(entry["rules"])
    assert result.exit_code == (1 if entry["rules"] else 0)


def test_every_fixture_file_is_listed() -> None:
    listed = {e["file"] for e in EXPECTED}
    on_disk = {p.name for p in DRAFTS.iterdir() if p.suffix in (".docx", ".md", ".pdf") and p.name != "corpus.md"}
    assert on_disk == listed


def test_every_rule_fails_some_fixture_or_has_its_own_test() -> None:
    from cspr_docs.checks.registry import RULES

    covered = {rule for e in EXPECTED for rule in e["rules"]}
    # minimum-content: an error only for an empty section (test_check_roundtrip), else a warning
    assert set(RULES) - covered == {"initials", "quasi-identifier", "required-section", "heading-style",
                                    "minimum-content"}


def test_docx_and_markdown_build_is_byte_reproducible(tmp_path: Path) -> None:
    build = load_build()
    build.build(tmp_path, pdf=False)
    for name in build.drafts():
        assert (tmp_path / name).read_bytes() == (DRAFTS / name).read_bytes(), name


@requires_soffice
def test_pdf_build_reproduces_the_same_text(tmp_path: Path) -> None:
    from pypdf import PdfReader

    build = load_build()
    made = build.build_pdfs(tmp_path)

    def text(path: Path) -> str:
        return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(path).pages)

    assert text(made["good"]) == text(DRAFTS / "good-final-report.pdf")
    assert PdfReader(made["bad"]).metadata["/Author"] == PdfReader(DRAFTS / "bad-pdf-metadata.pdf").metadata["/Author"]
