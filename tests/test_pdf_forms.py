"""Fillable PDF forms: the shipped forms, filling from case data, the field map checked against the form."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import REPO, fixture_cases
from cspr_docs.errors import DataError, DraftError
from cspr_docs.load import load_case
from cspr_docs.model import Agency
from cspr_docs.pdf.forms import REPLY_FORM_VERSION, SHIPPED_FORMS, fill_form, list_fields, shipped_form
from test_pdf_bundle import make_case, write_pdf

FORMS = REPO / "templates" / "forms"


def long_date(value) -> str:
    return f"{value.day} {value:%B %Y}"


def case_folders(invoke, tmp_path: Path) -> list[Path]:
    """Every fixture case, plus the scaffolded minimal case (so the tests run before fixtures exist)."""
    return [*fixture_cases(), make_case(invoke, tmp_path / "minimal")]


def test_shipped_forms_are_reproducible_from_build_py(tmp_path, monkeypatch):
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("forms_build", FORMS / "build.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "forms_build", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    module.main(tmp_path)
    for name in SHIPPED_FORMS:
        assert (tmp_path / f"{name}.pdf").read_bytes() == (FORMS / f"{name}.pdf").read_bytes(), name
        assert (tmp_path / f"{name}.fields.yaml").read_text() == (FORMS / f"{name}.fields.yaml").read_text()


@pytest.mark.parametrize("name", SHIPPED_FORMS)
def test_shipped_forms_are_fillable_acroforms(name):
    pdf, field_map = shipped_form(name)
    fields = PdfReader(pdf).get_fields()
    assert len(fields) > 20
    assert field_map.is_file()
    kinds = dict(list_fields(pdf))
    assert kinds["case_reference"] == "text"
    assert any(kind == "checkbox (on: Yes)" for kind in kinds.values())


def test_referral_form_filled_from_each_case_reads_back(tmp_path, invoke):
    pdf, field_map = shipped_form("referral-form")
    for folder in case_folders(invoke, tmp_path):
        case = load_case(folder).case
        out = tmp_path / "filled" / f"{case.reference}.pdf"
        result = fill_form(pdf, field_map, case, out)
        fields = PdfReader(out).get_fields()
        value = {name: field.get("/V") for name, field in fields.items()}
        assert value["case_reference"] == case.reference
        assert value["child_pseudonym"] == case.children[0].pseudonym
        assert value["partnership_name"] == case.partnership.name
        assert value["incident_date"] == long_date(case.incident.date)
        assert value["incident_summary"] == case.incident.summary
        decision = case.rapid_review.decision
        for outcome, field in [("local-review", "outcome_local_review"), ("no-further-action",
                                                                           "outcome_no_further_action")]:
            expected = "/Yes" if decision is not None and decision.outcome == outcome else "/Off"
            assert value[field] == expected, (folder, field)
        if case.referral is not None:
            assert value["referrer_role"] == case.referral.referrer.role
        assert result.unmapped == ()  # every field of the referral form has a case field
        lines = value["parallel_processes"].splitlines() if case.parallel_processes else []
        assert len(lines) == len(case.parallel_processes), folder
        for line, process in zip(lines, case.parallel_processes, strict=True):
            label = line.split(" – ")[0]
            assert label[0].isupper() and "-" not in label and process.type not in label, line  # words, not the id
            assert " ".join(process.detail.split()) in line


def test_checkbox_gets_the_forms_on_state_and_appearance(tmp_path, invoke):
    folder = make_case(invoke, tmp_path / "case")
    text = (folder / "case.yaml").read_text()
    text = text.replace(
        "rapid_review:\n",
        "rapid_review:\n  decision: {outcome: no-further-action, date: 2026-01-22, rationale: Because.}\n",
    )
    (folder / "case.yaml").write_text(text)
    case = load_case(folder).case
    pdf, field_map = shipped_form("referral-form")
    out = fill_form(pdf, field_map, case, tmp_path / "f.pdf").path
    widgets = {}
    for page in PdfReader(out).pages:
        for annot in page.get("/Annots", []):
            annot = annot.get_object()
            widgets[annot["/T"]] = annot
    assert widgets["outcome_no_further_action"]["/AS"] == "/Yes"
    assert widgets["outcome_no_further_action"]["/V"] == "/Yes"
    assert widgets["outcome_local_review"]["/AS"] == "/Off"


def test_flattened_form_has_no_fields_and_shows_the_values(tmp_path, invoke):
    folder = make_case(invoke, tmp_path / "case")
    case = load_case(folder).case
    pdf, field_map = shipped_form("referral-form")
    out = fill_form(pdf, field_map, case, tmp_path / "flat.pdf", flatten=True).path
    reader = PdfReader(out)
    assert not reader.get_fields()
    assert all("/Annots" not in page or not page["/Annots"] for page in reader.pages)
    text = reader.pages[0].extract_text()
    assert case.reference in text
    assert case.children[0].pseudonym in text


def test_reply_form_fills_case_fields_and_reports_the_rest(tmp_path, invoke):
    folder = make_case(invoke, tmp_path / "case")
    pdf, field_map = shipped_form("information-request-reply")
    result = fill_form(pdf, field_map, load_case(folder).case, tmp_path / "reply.pdf")
    assert "case_reference" in result.filled
    assert "summary" in result.unmapped and "template_version" not in result.unmapped  # fixed in the form
    assert result.need_recipient == ("agency_name", "agency_id")
    value = {name: field.get("/V") for name, field in PdfReader(result.path).get_fields().items()}
    assert value.get("agency_id") in (None, "") and value["template_version"] == REPLY_FORM_VERSION


def test_reply_form_filled_per_agency_reads_back_its_identification(tmp_path, invoke):
    pdf, field_map = shipped_form("information-request-reply")
    folders = case_folders(invoke, tmp_path)
    assert any(load_case(f).case.agencies for f in folders) or not fixture_cases()
    for folder in folders:
        case = load_case(folder).case
        for agency in case.agencies:
            out = tmp_path / "filled" / case.reference / f"{agency.id}.pdf"
            result = fill_form(pdf, field_map, case, out, recipient=agency)
            assert result.need_recipient == ()
            value = {name: field.get("/V") for name, field in PdfReader(out).get_fields().items()}
            assert (value["case_reference"], value["agency_id"], value["agency_name"], value["template_version"]) \
                == (case.reference, agency.id, agency.name, REPLY_FORM_VERSION)


def test_shipped_reply_form_carries_the_version_collect_expects():
    pdf, _ = shipped_form("information-request-reply")
    assert PdfReader(pdf).get_fields()["template_version"]["/V"] == REPLY_FORM_VERSION


def test_custom_map_reaches_the_recipients_contact(tmp_path, invoke):
    case = load_case(make_case(invoke, tmp_path / "case")).case
    agency = Agency.model_validate({"id": "gp", "name": "A Practice", "type": "gp",
                                    "contact": {"name": "Dr Lead", "email": "lead@example.org"}})
    pdf, _ = shipped_form("information-request-reply")
    field_map = write_map(tmp_path, "author_name: recipient.contact.name\nauthor_role: recipient.contact.email\n")
    fill_form(pdf, field_map, case, tmp_path / "f.pdf", recipient=agency)
    value = PdfReader(tmp_path / "f.pdf").get_fields()
    assert (value["author_name"]["/V"], value["author_role"]["/V"]) == ("Dr Lead", "lead@example.org")


@pytest.mark.parametrize(("path", "message"), [("recipient.nmae", "no case field 'nmae'"),
                                               ("recipient.contact", "group of fields"),
                                               ("recipient", "group of fields")])
def test_map_with_a_bad_recipient_path_is_bad_input(tmp_path, invoke, path, message):
    case = load_case(make_case(invoke, tmp_path / "case")).case
    pdf, _ = shipped_form("information-request-reply")
    with pytest.raises(DataError) as caught:
        fill_form(pdf, write_map(tmp_path, f"agency_name: {path}\n"), case, tmp_path / "f.pdf")
    assert message in caught.value.message and "map.yaml:1" in caught.value.message
    assert not (tmp_path / "f.pdf").exists()


def test_form_fill_command_for_an_agency(tmp_path, invoke, case_copy):
    cases = fixture_cases()
    if not cases:
        pytest.skip("no fixture cases yet")
    folder = case_copy(cases[0].name)
    case = load_case(folder).case
    agency = case.agencies[-1]
    out = tmp_path / "reply.pdf"
    result = invoke("form", "fill", "information-request-reply", "--case", folder, "--agency", agency.id,
                    "--out", out)
    assert result.exit_code == 0, result.stderr
    assert "for the agency left empty" not in result.stderr
    assert PdfReader(out).get_fields()["agency_id"]["/V"] == agency.id
    unknown = invoke("form", "fill", "information-request-reply", "--case", folder, "--agency", "nobody",
                     "--out", tmp_path / "x.pdf")
    assert unknown.exit_code == 3 and "--agency nobody: no agency with that id" in unknown.stderr
    assert not (tmp_path / "x.pdf").exists()
    plain = invoke("form", "fill", "information-request-reply", "--case", folder, "--out", tmp_path / "y.pdf")
    assert plain.exit_code == 0 and "field(s) for the agency left empty: agency_name, agency_id" in plain.stderr


def write_map(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "map.yaml"
    path.write_text(text)
    return path


def test_map_naming_fields_the_form_lacks_lists_them_all(tmp_path, invoke):
    case = load_case(make_case(invoke, tmp_path / "case")).case
    pdf, _ = shipped_form("referral-form")
    field_map = write_map(tmp_path, "case_reference: reference\nchild_nmae: children[0].name\nfoo: reference\n")
    with pytest.raises(DataError) as caught:
        fill_form(pdf, field_map, case, tmp_path / "f.pdf")
    assert caught.value.exit_code == 3
    problems = {(p.field, p.line) for p in caught.value.problems}
    assert problems == {("child_nmae", 2), ("foo", 3)}
    assert not (tmp_path / "f.pdf").exists()


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("children[0].nmae", "no case field 'nmae'"),
        ("children[0]", "group of fields"),
        ("agencies", "list of records"),
        ("reference.x", "no sub-fields"),
        ("reference[0]", "not a list"),
        ("children[0]..name", "not a field path"),
    ],
)
def test_map_with_a_bad_case_path_is_bad_input(tmp_path, invoke, path, message):
    case = load_case(make_case(invoke, tmp_path / "case")).case
    pdf, _ = shipped_form("referral-form")
    with pytest.raises(DataError) as caught:
        fill_form(pdf, write_map(tmp_path, f"child_name: '{path}'\n"), case, tmp_path / "f.pdf")
    assert message in caught.value.message
    assert "map.yaml:1" in caught.value.message


def test_checkbox_mapped_to_text_field_without_equals_is_refused(tmp_path, invoke):
    case = load_case(make_case(invoke, tmp_path / "case")).case
    pdf, _ = shipped_form("referral-form")
    with pytest.raises(DataError, match="true/false"):
        fill_form(pdf, write_map(tmp_path, "outcome_local_review: reference\n"), case, tmp_path / "f.pdf")


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty file"), (b"<html><body>404 Not Found</body></html>", "not a PDF")],
)
def test_empty_or_html_form_gives_exit_3(tmp_path, invoke, content, message):
    case = make_case(invoke, tmp_path / "case")
    form = tmp_path / "form.pdf"
    form.write_bytes(content)
    _, field_map = shipped_form("referral-form")
    result = invoke("form", "fill", form, "--case", case, "--map", field_map, "--out", tmp_path / "f.pdf")
    assert result.exit_code == 3
    assert message in result.stderr
    assert not (tmp_path / "f.pdf").exists()


def test_encrypted_form_gives_exit_3(tmp_path, invoke):
    from pypdf import PdfWriter

    case = make_case(invoke, tmp_path / "case")
    pdf, field_map = shipped_form("referral-form")
    writer = PdfWriter(clone_from=pdf)
    writer.encrypt("user-password", algorithm="AES-256")
    writer.write(tmp_path / "locked.pdf")
    result = invoke("form", "fill", tmp_path / "locked.pdf", "--case", case, "--map", field_map,
                    "--out", tmp_path / "f.pdf")
    assert result.exit_code == 3
    assert "encrypted PDF" in result.stderr


def test_pdf_without_fields_is_refused(tmp_path, invoke):
    case = load_case(make_case(invoke, tmp_path / "case")).case
    _, field_map = shipped_form("referral-form")
    with pytest.raises(DraftError, match="no fillable form fields"):
        fill_form(write_pdf(tmp_path / "plain.pdf", 1), field_map, case, tmp_path / "f.pdf")


def test_form_fill_command_with_the_shipped_form(tmp_path, invoke):
    case = make_case(invoke, tmp_path / "case")
    result = invoke("form", "fill", "referral-form", "--case", case, "--out", tmp_path / "r.pdf")
    assert result.exit_code == 0, result.stderr
    assert "warning" not in result.stderr  # the shipped map covers every field of the form
    assert PdfReader(tmp_path / "r.pdf").get_fields()["case_reference"]["/V"] == "CSPR-0000-00"
    again = invoke("form", "fill", "referral-form", "--case", case, "--out", tmp_path / "r.pdf")
    assert again.exit_code == 5


def test_form_fields_command_lists_names_and_kinds(invoke):
    result = invoke("form", "fields", "information-request-reply")
    assert result.exit_code == 0
    assert "records_secured\tcheckbox (on: Yes)" in result.stdout
    assert "summary\ttext" in result.stdout


def test_unshipped_form_needs_a_map(tmp_path, invoke):
    case = make_case(invoke, tmp_path / "case")
    result = invoke("form", "fill", write_pdf(tmp_path / "x.pdf", 1), "--case", case, "--out", tmp_path / "o.pdf")
    assert result.exit_code == 2
