"""`merge` to every kind of recipient: practitioners, family members, requested agencies, and collected replies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from conftest import CASES, SENTINEL_NAME
from cspr_docs.documents import CATALOGUE, recipients
from cspr_docs.load import load_case
from test_merge import DATE, docx_text, write_recipients
from test_merge import recipient as recipient_row
from test_merge_pdf import fake_soffice  # noqa: F401  (a fixture)
from test_render import make_template

DEATH = CASES / "notification-death"


@pytest.fixture(scope="module")
def death():
    if not (DEATH / "case.yaml").is_file():
        pytest.fail("notification-death fixture not there")
    return load_case(DEATH).case


def names_in(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir())


def test_workshop_invitation_goes_to_each_practitioner_with_only_their_details(tmp_path, invoke, death):
    out = tmp_path / "out"
    result = invoke("merge", "workshop-invitation", "--case", DEATH, "--out", out, "--date", DATE)
    assert result.exit_code == 0, result.stderr
    people = death.review.practitioners
    assert len(people) >= 2
    assert names_in(out) == sorted([f"{death.reference}_workshop-invitation_{p.id}.docx" for p in people]
                                   + ["manifest.csv", "manifest.json"])
    for person in people:
        text = docx_text(out / f"{death.reference}_workshop-invitation_{person.id}.docx")
        assert person.name in text
        assert not [p.name for p in people if p.id != person.id and p.name in text]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["recipient_type"] == "practitioner"
    assert [(r["id"], r["name"], r["email"]) for r in manifest["recipients"]] == [
        (p.id, p.name, p.email) for p in people]


def test_family_letter_goes_to_members_with_a_contact_and_lists_them_by_pseudonym(tmp_path, invoke, death):
    out = tmp_path / "out"
    result = invoke("merge", "family-letter", "--case", DEATH, "--out", out, "--date", DATE)
    assert result.exit_code == 0, result.stderr
    members = recipients(death, CATALOGUE["family-letter"])
    assert {m.id for m in members} < {m.id for m in death.family}  # someone without a contact gets no letter
    assert names_in(out) == sorted([f"{death.reference}_family-letter_{m.id}.docx" for m in members]
                                   + ["manifest.csv", "manifest.json"])
    for member in members:
        text = docx_text(out / f"{death.reference}_family-letter_{member.id}.docx")
        assert member.contact.salutation in text
    listing = (out / "manifest.json").read_text(encoding="utf-8") + (out / "manifest.csv").read_text("utf-8-sig")
    restricted = [p.name for p in [*death.family, *death.children]]
    assert not [name for name in restricted if name in listing + result.stdout + result.stderr]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [(r["id"], r["name"], r["email"]) for r in manifest["recipients"]] == [
        (m.id, m.pseudonym, "") for m in members]


def test_family_combined_pdf_bookmarks_use_pseudonyms(tmp_path, invoke, death, fake_soffice):  # noqa: F811
    fake_soffice("good")
    out = tmp_path / "out"
    result = invoke("merge", "family-letter", "--case", DEATH, "--out", out, "--combined", "--date", DATE)
    assert result.exit_code == 0, result.stderr
    combined = PdfReader(out / f"{death.reference}_family-letter-combined.pdf")
    members = recipients(death, CATALOGUE["family-letter"])
    assert [o.title for o in combined.outline] == [f"{m.pseudonym} ({m.id})" for m in members]


def test_only_picks_practitioners_by_id(tmp_path, invoke, death):
    chosen = death.review.practitioners[1]
    out = tmp_path / "out"
    result = invoke("merge", "workshop-invitation", "--case", DEATH, "--out", out, "--only", chosen.id.upper())
    assert result.exit_code == 0, result.stderr
    assert [p.name for p in out.glob("*.docx")] == [f"{death.reference}_workshop-invitation_{chosen.id}.docx"]


def test_requests_go_only_to_the_agencies_the_terms_of_reference_ask(tmp_path, invoke, death):
    kind = "chronology-request-letter"
    asked = [a.id for a in recipients(death, CATALOGUE[kind])]
    assert 0 < len(asked) < len(death.agencies)
    out = tmp_path / "out"
    result = invoke("merge", kind, "--case", DEATH, "--out", out, "--date", DATE)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.glob("*.docx")) == sorted(f"{death.reference}_{kind}_{a}.docx" for a in asked)


@pytest.mark.parametrize("kind", ["workshop-invitation", "family-letter"])
def test_recipients_file_is_for_agency_kinds_only(tmp_path, invoke, kind):
    people = write_recipients(tmp_path / "r.csv", [recipient_row("x1", SENTINEL_NAME)])
    out = tmp_path / "out"
    result = invoke("merge", kind, "--case", DEATH, "--recipients", people, "--out", out)
    assert result.exit_code == 2
    assert "--recipients" in result.stderr and kind in result.stderr
    assert not out.exists()


def test_a_case_without_practitioners_is_exit_3_naming_the_field(tmp_path, invoke, case_copy):
    folder = case_copy("notification-death")
    data = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
    data["review"]["practitioners"] = []
    (folder / "case.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("merge", "workshop-invitation", "--case", folder, "--out", out)
    assert result.exit_code == 3
    assert "review.practitioners" in result.stderr
    assert not out.exists()


def test_single_documents_are_still_refused(invoke):
    result = invoke("merge", "factual-summary", "--case", DEATH)
    assert result.exit_code == 2
    assert "workshop-invitation" in result.stderr and "family-letter" in result.stderr


# --- collected replies ------------------------------------------------------------------------------------------


def test_outcome_letter_merge_sees_the_collected_replies(tmp_path, invoke, case_copy, death):
    folder = case_copy("notification-death")
    missing = death.agencies[-1].id
    (folder / "replies" / f"{missing}.yaml").unlink()
    pack = tmp_path / "pack"
    make_template(pack / "outcome-letter.docx", [
        "Dear {{ recipient.contact.name }}",
        ("{% if recipient.id in replies %}Contact: {{ replies[recipient.id].contact_period }}"
         "{% else %}No reply collected{% endif %}"),
    ])
    out = tmp_path / "out"
    result = invoke("merge", "outcome-letter", "--case", folder, "--templates", pack, "--out", out, "--date", DATE)
    assert result.exit_code == 0, result.stderr
    for agency in death.agencies:
        text = docx_text(out / f"{death.reference}_outcome-letter_{agency.id}.docx")
        if agency.id == missing:
            assert "No reply collected" in text
            continue
        reply = yaml.safe_load((DEATH / "replies" / f"{agency.id}.yaml").read_text(encoding="utf-8"))
        assert f"Contact: {reply['contact_period']}" in text


def test_merge_and_render_give_the_same_outcome_letter(tmp_path, invoke):
    merged, rendered = tmp_path / "merged", tmp_path / "rendered"
    assert invoke("merge", "outcome-letter", "--case", DEATH, "--out", merged, "--date", DATE).exit_code == 0
    assert invoke("render", "outcome-letter", "--case", DEATH, "--out", rendered, "--date", DATE).exit_code == 0
    docs = sorted(p.name for p in rendered.iterdir())
    assert docs == sorted(p.name for p in merged.glob("*.docx"))
    assert all(docx_text(merged / name) == docx_text(rendered / name) for name in docs)


# --- render --help (shares the catalogue with merge) --------------------------------------------------------------


def test_render_help_lists_every_kind_of_the_catalogue(invoke, monkeypatch):
    from cspr_docs import documents

    help_text = " ".join(invoke("render", "--help").stdout.split())
    assert [kind for kind in CATALOGUE if f" {kind}," not in help_text and f" {kind}." not in help_text] == []
    monkeypatch.setitem(documents.CATALOGUE, "zz-new-kind", CATALOGUE["outcome-letter"])
    assert "zz-new-kind" in invoke("render", "--help").stdout
