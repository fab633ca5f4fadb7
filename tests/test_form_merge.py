"""Per-agency fillable PDF reply forms: `merge --form-pdf`, and `collect` identifying the returned form exactly."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import io
import json
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from conftest import REPO, SENTINEL_NAME, fixture_cases
from cspr_docs.collect.store import load_replies
from cspr_docs.load import load_case
from cspr_docs.pdf.forms import REPLY_FORM_VERSION

KIND = "information-request-reply"
CASE = "notification-death"
DATE = "2026-01-02"
ANSWERS = {"involved": "/Yes", "summary": "Registered after birth.", "author_name": "A Person",
           "date_completed": "05/01/2026", "approved_by": "B Person"}


def fields_of(pdf: Path) -> dict[str, object]:
    return {name: field.get("/V") for name, field in PdfReader(pdf).get_fields().items()}


def answer(form: Path, target: Path, values: dict[str, str]) -> Path:
    """What an agency does: type into the form's fields (pypdf writes read-only fields too, like a hostile tool)."""
    writer = PdfWriter(clone_from=str(form))
    writer.update_page_form_field_values(None, values, auto_regenerate=False)
    writer.write(str(target))
    return target


def stored(folder: Path) -> dict[str, bytes]:
    """Every stored reply file and its bytes (the fixture case may come with replies already)."""
    return {p.name: p.read_bytes() for p in (folder / "replies").glob("*")} if (folder / "replies").exists() else {}


@pytest.fixture
def folder(case_copy) -> Path:
    return case_copy(CASE)


@pytest.fixture
def merged(invoke, folder, monkeypatch) -> Path:
    from cspr_docs.pdf import convert

    def no_soffice(*args, **kwargs):
        raise AssertionError(f"LibreOffice must not be needed for --form-pdf ({args}, {kwargs})")

    monkeypatch.setattr(convert, "find_soffice", no_soffice)
    monkeypatch.setattr(convert, "convert_to_pdf", no_soffice)
    out = folder / "out" / KIND
    result = invoke("merge", KIND, "--case", folder, "--form-pdf", "--date", DATE)
    assert result.exit_code == 0, result.stderr
    return out


@pytest.mark.parametrize("case", fixture_cases(), ids=lambda p: p.name)
def test_merge_writes_one_prefilled_form_per_agency_listed_in_the_manifest(invoke, case_copy, case):
    folder = case_copy(case.name)
    loaded = load_case(folder).case
    if not loaded.agencies:
        pytest.skip("the case has no agencies")
    out = folder / "out" / KIND
    result = invoke("merge", KIND, "--case", folder, "--form-pdf", "--date", DATE)
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [r["id"] for r in manifest["recipients"]] == [a.id for a in loaded.agencies]
    table = list(csv.DictReader(io.StringIO((out / "manifest.csv").read_text(encoding="utf-8-sig"))))
    for agency, entry, row in zip(loaded.agencies, manifest["recipients"], table, strict=True):
        docx, form = entry["files"]
        stem = f"{loaded.reference}_{KIND}_{agency.id}"
        assert (docx["file"], form["file"]) == (f"{stem}.docx", f"{stem}.form.pdf")
        pdf = out / form["file"]
        assert form["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
        assert (row["form_pdf"], row["form_pdf_sha256"]) == (form["file"], form["sha256"])
        value = fields_of(pdf)
        assert value["agency_id"] == agency.id and value["agency_name"] == agency.name
        assert value["case_reference"] == loaded.reference
        assert value["template_version"] == REPLY_FORM_VERSION
        assert value["child_pseudonym"] == loaded.children[0].pseudonym
        assert value.get("summary") in (None, "")  # the agency's answers are left for the agency


def test_identification_fields_are_read_only(merged):
    (form, *_) = sorted(merged.glob("*.form.pdf"))
    flags = {name: int(field.get("/Ff", 0)) for name, field in PdfReader(form).get_fields().items()}
    assert all(flags[name] & 1 for name in ("case_reference", "agency_id", "template_version"))
    assert not flags["agency_name"] & 1 and not flags["summary"] & 1


def test_form_pdf_for_a_kind_without_a_form_is_refused_and_writes_nothing(invoke, folder):
    out = folder / "out" / "letters"
    result = invoke("merge", "information-request-letter", "--case", folder, "--form-pdf", "--out", out)
    assert result.exit_code == 2 and "--form-pdf" in result.stderr
    assert not out.exists()


def test_dry_run_lists_the_forms_and_writes_nothing(invoke, folder):
    out = folder / "out" / KIND
    result = invoke("merge", KIND, "--case", folder, "--form-pdf", "--dry-run", "--only", "gp,csc")
    assert result.exit_code == 0, result.stderr
    assert f"would write {out / f'NSCP-2025-014_{KIND}_gp.form.pdf'}" in result.stdout
    assert result.stdout.count(".form.pdf") == 2
    assert not out.exists()


def test_merge_output_never_names_the_child(invoke, folder):
    text = (folder / "case.yaml").read_text(encoding="utf-8")
    (folder / "case.yaml").write_text(text.replace("Ellis Jay Brackwater", SENTINEL_NAME), encoding="utf-8")
    result = invoke("merge", KIND, "--case", folder, "--form-pdf", "--date", DATE)
    assert result.exit_code == 0, result.stderr
    listing = result.stdout + result.stderr
    out = folder / "out" / KIND
    listing += (out / "manifest.json").read_text(encoding="utf-8") + (out / "manifest.csv").read_text("utf-8-sig")
    assert SENTINEL_NAME not in listing
    assert all(SENTINEL_NAME not in str(v) for pdf in out.glob("*.form.pdf") for v in fields_of(pdf).values())


def test_filled_per_agency_form_is_collected_without_agency(invoke, folder, merged, tmp_path):
    returned = answer(merged / f"NSCP-2025-014_{KIND}_gp.form.pdf", tmp_path / "from-the-gp.pdf",
                      {**ANSWERS, "agency_name": "Someone typed another agency here"})
    result = invoke("collect", returned, "--case", folder)
    assert result.exit_code == 0, result.stderr
    assert "updated: replies/gp.yaml" in result.stdout
    assert "template_version" not in result.stderr  # the current version: no warning
    reply = load_replies(folder)["gp"]
    assert (reply.agency, reply.reference, reply.template_version) == ("gp", "NSCP-2025-014", REPLY_FORM_VERSION)
    assert reply.summary == ANSWERS["summary"] and reply.involved == "yes"


def test_form_of_another_agency_than_the_option_is_refused(invoke, folder, merged, tmp_path):
    before = stored(folder)
    returned = answer(merged / f"NSCP-2025-014_{KIND}_gp.form.pdf", tmp_path / "gp.pdf", ANSWERS)
    result = invoke("collect", returned, "--case", folder, "--agency", "csc")
    assert result.exit_code == 3
    assert "gp.pdf: refused: the reply is from agency gp, not csc (--agency)" in result.stderr
    assert stored(folder) == before


def test_form_of_another_case_is_refused_without_printing_answers(invoke, folder, merged, tmp_path):
    before = stored(folder)
    values = {**ANSWERS, "case_reference": "OTHER-2025-001", "summary": SENTINEL_NAME}
    returned = answer(merged / f"NSCP-2025-014_{KIND}_gp.form.pdf", tmp_path / "other.pdf", values)
    result = invoke("collect", returned, "--case", folder)
    assert result.exit_code == 3
    assert "other.pdf: refused: the reply is for case OTHER-2025-001, not NSCP-2025-014" in result.stderr
    assert SENTINEL_NAME not in result.stdout + result.stderr
    assert stored(folder) == before


def test_agency_id_that_is_not_an_id_is_refused_without_quoting_it(invoke, folder, merged, tmp_path):
    values = {**ANSWERS, "agency_id": f"{SENTINEL_NAME} Smith"}
    returned = answer(merged / f"NSCP-2025-014_{KIND}_gp.form.pdf", tmp_path / "edited.pdf", values)
    result = invoke("collect", returned, "--case", folder)
    assert result.exit_code == 3 and "edited.pdf: refused: field agency_id" in result.stderr
    assert SENTINEL_NAME not in result.stdout + result.stderr


def test_older_form_version_is_collected_with_a_warning(invoke, folder, merged, tmp_path):
    values = {**ANSWERS, "template_version": "1"}
    returned = answer(merged / f"NSCP-2025-014_{KIND}_gp.form.pdf", tmp_path / "old.pdf", values)
    result = invoke("collect", returned, "--case", folder)
    assert result.exit_code == 0, result.stderr
    assert f"old.pdf: template_version: made from form version 1; the current version is {REPLY_FORM_VERSION}" \
        in result.stderr
    assert load_replies(folder)["gp"].template_version == "1"


def old_form(tmp_path: Path, monkeypatch) -> Path:
    """The reply form as shipped before the identification fields (agency_id, template_version)."""
    spec = importlib.util.spec_from_file_location("forms_build_old", REPO / "templates" / "forms" / "build.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "forms_build_old", module)
    spec.loader.exec_module(module)
    items = [i for i in module.REPLY if getattr(i, "name", "") not in ("agency_id", "template_version")]
    path = tmp_path / "old-form.pdf"
    path.write_bytes(module._Builder("Rapid review information request reply").build(items))
    return path


def test_form_without_identification_fields_falls_back_to_agency_name(invoke, folder, tmp_path, monkeypatch):
    values = {**ANSWERS, "case_reference": "NSCP-2025-014", "agency_name": "Castlegate Medical Practice"}
    returned = answer(old_form(tmp_path, monkeypatch), tmp_path / "v1.pdf", values)
    result = invoke("collect", returned, "--case", folder)
    assert result.exit_code == 0, result.stderr
    assert "v1.pdf: template_version: none: a reply form from before version" in result.stderr
    assert load_replies(folder)["gp"].summary == ANSWERS["summary"]
    refused = invoke("collect", returned, "--case", folder, "--agency", "csc")
    assert refused.exit_code == 3 and "from agency gp, not csc" in refused.stderr
