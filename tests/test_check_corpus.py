"""The corpus of report drafts (fixtures/drafts/corpus, built by build_corpus.py from the published reports in
fixtures/drafts/corpus.md): every labelled defect found, no false error on a good draft, each draft inferred as its
kind, and no real name or date of birth in any output format."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import FIXTURES
from cspr_docs.load import read_yaml

CORPUS = FIXTURES / "drafts" / "corpus"
CASE = FIXTURES / "drafts" / "case"
LABELS = read_yaml(CORPUS / "labels.yaml").data
RESTRICTED = ("Jayden", "Okafor", "Grace Okafor", "Liam", "Brennan", "7 March 2019", "07/03/2019", "2019-03-07")


def present() -> list[Path]:
    return [CORPUS / name for name in sorted(LABELS) if (CORPUS / name).exists()]


def test_the_corpus_is_big_enough_and_every_file_is_labelled() -> None:
    files = present()
    on_disk = {p.name for p in CORPUS.iterdir() if p.suffix in (".docx", ".md", ".pdf") and p.name != "HOLDOUT.md"}
    assert on_disk == {p.name for p in files}
    sets = [LABELS[p.name]["set"] for p in files]
    assert len(files) >= 40 and sets.count("good") >= 20 and sets.count("holdout") >= 10
    assert {p.suffix for p in files} == {".docx", ".md", ".pdf"}


@pytest.fixture(scope="module")
def report() -> dict[str, dict]:
    from click.testing import CliRunner

    from cspr_docs.cli import cli

    result = CliRunner().invoke(cli, ["check", *map(str, present()), "--case", str(CASE), "--format", "json",
                                      "--explain"], catch_exceptions=False)
    data = json.loads(result.stdout)
    assert data["unreadable"] == []
    return {Path(f["path"]).name: f for f in data["files"]}


def test_every_labelled_defect_found_and_no_false_error(report) -> None:
    misses, false_errors, kinds = [], [], []
    for name, label in ((p.name, LABELS[p.name]) for p in present()):
        found = {f["rule"] for f in report[name]["findings"] if f["severity"] == "error"}
        misses += [(name, rule) for rule in label["rules"] if rule not in found]
        false_errors += [(name, rule) for rule in found if rule not in label["rules"]]
        if report[name]["kind"] != label["kind"]:
            kinds.append((name, report[name]["kind"], label["kind"]))
    assert (misses, false_errors, kinds) == ([], [], [])


def test_explain_says_where_each_element_was_found(report) -> None:
    explain = {e["element"]: e for e in report["good-plain-styled.docx"]["explain"]}
    assert explain["systemic-analysis"]["status"] == "found"
    assert explain["systemic-analysis"]["heading"] == "Why did things happen as they did?"
    assert explain["family-involvement"]["heading"] == "What did the family tell us?"
    missing = {e["element"]: e for e in report["bad-no-systemic-styled.docx"]["explain"]}["systemic-analysis"]
    assert missing["status"] == "missing" and missing["explanation"].startswith("not found")


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github"])
def test_no_real_name_or_date_of_birth_in_any_output(invoke, fmt) -> None:
    result = invoke("check", *present(), "--case", CASE, "--format", fmt, "--explain")
    output = result.stdout + result.stderr
    assert result.exit_code == 1
    for term in RESTRICTED:
        assert not re.search(re.escape(term), output, re.IGNORECASE), (fmt, term)
