"""`cspr-docs merge --pdf --combined` with real LibreOffice: PDFs open, page counts, bookmarks, own details only."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from pypdf import PdfReader

from conftest import fixture_cases, requires_soffice

LETTER = "information-request-letter"


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@requires_soffice
@pytest.mark.parametrize("case_dir", fixture_cases()[:1], ids=lambda p: p.name)
def test_merged_pdfs_and_combined_pdf(tmp_path, invoke, case_dir):
    data = yaml.safe_load((case_dir / "case.yaml").read_text(encoding="utf-8"))
    agencies = data["agencies"]
    out = tmp_path / "out"
    result = invoke("merge", LETTER, "--case", case_dir, "--out", out, "--pdf", "--combined", "--date", "2026-03-02")
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    starts, page = [], 0
    for agency, entry in zip(agencies, manifest["recipients"], strict=True):
        pdf = out / entry["files"][1]["file"]
        reader = PdfReader(pdf)
        assert len(reader.pages) >= 1
        text = words(" ".join(p.extract_text() for p in reader.pages))
        assert agency["contact"]["name"] in text
        assert agency["contact"]["email"] in text
        others = [a["contact"]["name"] for a in agencies if a["id"] != agency["id"]]
        assert not [name for name in others if name in text]
        starts.append(page)
        page += len(reader.pages)
    combined = PdfReader(out / manifest["combined"]["file"])
    assert len(combined.pages) == page
    outline = [(item.title, combined.get_destination_page_number(item)) for item in combined.outline]
    assert outline == [(f"{a['name']} ({a['id']})", start) for a, start in zip(agencies, starts, strict=True)]
    assert combined.metadata.title.startswith(data["reference"])
