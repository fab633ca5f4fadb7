"""`cspr-docs render` and `cspr-docs templates`: exit codes, file names, batch writes, custom packs, zip safety."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest

from conftest import SENTINEL_NAME
from cspr_docs.errors import TemplateError
from cspr_docs.safezip import check_docx
from test_render import make_template


@pytest.fixture
def case_dir(invoke, tmp_path: Path) -> Path:
    folder = tmp_path / "case"
    assert invoke("init", folder, "--route", "notification").exit_code == 0
    text = (folder / "case.yaml").read_text()
    (folder / "case.yaml").write_text(text.replace("name: Replace With Real Name         # restricted\n    date",
                                                   f"name: {SENTINEL_NAME}\n    date", 1))
    return folder


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    folder = tmp_path / "pack"
    make_template(folder / "information-request-letter.docx", ["Dear {{ recipient.contact.name }}",
                                                                "Reply by {{ due.replies|longdate }}"])
    return folder


def test_render_one_file_per_agency(invoke, case_dir, pack, tmp_path):
    out = tmp_path / "out"
    result = invoke("render", "information-request-letter", "--case", case_dir, "--templates", pack, "--out", out,
                    "--date", "2026-01-09")
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == [f"CSPR-0000-00_information-request-letter_{a}.docx" for a in ("csc", "icb", "police")]
    assert docx.Document(str(out / names[0])).paragraphs[0].text == "Dear Safeguarding Lead"


def test_out_defaults_to_case_folder(invoke, case_dir, pack):
    result = invoke("render", "information-request-letter", "--case", case_dir, "--templates", pack)
    assert result.exit_code == 0, result.stderr
    assert len(list((case_dir / "out").glob("*.docx"))) == 3


def test_existing_target_refuses_the_whole_batch(invoke, case_dir, pack, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    existing = out / "CSPR-0000-00_information-request-letter_police.docx"
    existing.write_bytes(b"keep")
    result = invoke("render", "information-request-letter", "--case", case_dir, "--templates", pack, "--out", out)
    assert result.exit_code == 5
    assert sorted(p.name for p in out.iterdir()) == [existing.name]
    assert existing.read_bytes() == b"keep"
    forced = invoke("render", "information-request-letter", "--case", case_dir, "--templates", pack, "--out", out,
                    "--force")
    assert forced.exit_code == 0, forced.stderr
    assert len(list(out.iterdir())) == 3 and existing.read_bytes() != b"keep"


@pytest.mark.parametrize("place", ["body", "header", "footer", "title"])
def test_ssti_template_exits_3_and_writes_nothing(invoke, case_dir, tmp_path, place):
    payload = "{{ ''.__class__.__mro__ }}"
    pack = tmp_path / "bad"
    fields = {"header": "x", "footer": "x", "title": "x"}
    body = ["hello"]
    if place == "body":
        body = [payload]
    else:
        fields[place] = payload
    make_template(pack / "information-request-letter.docx", body, **fields)
    out = tmp_path / "out"
    result = invoke("render", "information-request-letter", "--case", case_dir, "--templates", pack, "--out", out)
    assert result.exit_code == 3
    assert "unsafe template construct refused" in result.stderr
    assert not out.exists() or not list(out.iterdir())


def test_missing_value_exits_3_without_case_values_and_draft_renders(invoke, case_dir, tmp_path):
    pack = tmp_path / "p"
    make_template(pack / "information-request-letter.docx", ["{{ children[0].name }} {{ review.reviewer.name }}"])
    out = tmp_path / "out"
    result = invoke("render", "information-request-letter", "--case", case_dir, "--templates", pack, "--out", out)
    assert result.exit_code == 3
    assert "information-request-letter.docx: review has no value" in result.stderr
    assert SENTINEL_NAME not in result.stderr + result.stdout
    assert not out.exists()
    draft = invoke("render", "information-request-letter", "--case", case_dir, "--templates", pack, "--out", out,
                   "--draft")
    assert draft.exit_code == 0, draft.stderr
    text = docx.Document(str(next(out.glob("*_csc.docx")))).paragraphs[0].text
    assert text == f"{SENTINEL_NAME} [[MISSING: review.reviewer.name]]"


def test_usage_errors(invoke, case_dir):
    assert invoke("render", "--case", case_dir).exit_code == 2
    assert invoke("render", "no-such-kind", "--case", case_dir).exit_code == 2


def test_all_renders_reached_kinds_only_and_falls_back_to_defaults(invoke, case_dir, pack, tmp_path, monkeypatch):
    import cspr_docs.render.pack as pack_module

    defaults = tmp_path / "defaults"
    make_template(defaults / "information-request-reply.docx", ["Reply from {{ recipient.name }}"])
    make_template(defaults / "information-request-letter.docx", ["default letter"])
    make_template(defaults / "combined-summary.docx", ["summary"])
    monkeypatch.setattr(pack_module, "default_templates_dir", lambda: defaults)
    out = tmp_path / "out"
    result = invoke("render", "--all", "--case", case_dir, "--templates", pack, "--out", out)
    assert result.exit_code == 0, result.stderr
    kinds = sorted({p.name.split("_")[1] for p in out.iterdir()})
    assert kinds == ["information-request-letter", "information-request-reply"]  # no decision yet: no summary
    letter = docx.Document(str(out / "CSPR-0000-00_information-request-letter_icb.docx"))
    assert letter.paragraphs[0].text == "Dear Designated Nurse"  # custom pack wins over the default
    listing = invoke("templates", "list", "--templates", pack)
    assert listing.exit_code == 0
    rows = {line.split()[0]: line.split()[3] for line in listing.stdout.splitlines()[1:]}
    assert rows["information-request-letter"] == "custom"
    assert rows["information-request-reply"] == "default"
    assert rows["final-report"] == "missing"


def test_templates_check_reports_every_problem(invoke, tmp_path):
    pack = tmp_path / "p"
    make_template(pack / "information-request-letter.docx", ["{{ case.referenc }}", "{{ nosuch }}",
                                                             "{% for a in agencies %}{{ a.contact.fax }}{% endfor %}"])
    make_template(pack / "final-report.docx", ["{{ children[0].name }}", "{{ recipient.name }}"])
    make_template(pack / "combined-summary.docx", ["{% if x %}"])
    (pack / "referral-form.docx").write_bytes(b"not a zip")
    result = invoke("templates", "check", "--templates", pack)
    assert result.exit_code == 3
    for expected in ("`case.referenc` is a field the case model does not have", "uses `nosuch`",
                     "`a.contact.fax` is a field", "`children[0].name` is a restricted field",
                     "final-report.docx: body, paragraph 2", "uses `recipient`",
                     "combined-summary.docx: template syntax error", "referral-form.docx: not a valid"):
        assert expected in result.stderr, expected
    good = tmp_path / "good"
    make_template(good / "information-request-letter.docx", ["{{ recipient.contact.address|lines }}"])
    ok = invoke("templates", "check", "--templates", good)
    assert ok.exit_code == 0, ok.stderr


def test_templates_export_refuses_overwrite(invoke, tmp_path, monkeypatch):
    import cspr_docs.render.pack as pack_module

    defaults = tmp_path / "defaults"
    make_template(defaults / "final-report.docx", ["report"])
    monkeypatch.setattr(pack_module, "default_templates_dir", lambda: defaults)
    dest = tmp_path / "mine"
    assert invoke("templates", "export", dest).exit_code == 0
    assert (dest / "final-report.docx").read_bytes() == (defaults / "final-report.docx").read_bytes()
    assert invoke("templates", "export", dest).exit_code == 5
    assert invoke("templates", "export", dest, "--force").exit_code == 0


def _rezip(source: Path, target: Path, changes: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, changes.pop(item.filename, zin.read(item)))
        for name, data in changes.items():
            zout.writestr(name, data)
    return target


@pytest.mark.parametrize(("change", "message"), [
    ({"word/vbaProject.bin": b"x"}, "macros"),
    ({"word/_rels/settings.xml.rels": b'<?xml version="1.0"?><Relationships xmlns="x"><Relationship Id="r1" '
      b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
      b'Target="file:///server/t.dotm" TargetMode="External"/></Relationships>'}, "external attachedTemplate"),
    ({"word/document.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'}, "DOCTYPE"),
])
def test_unsafe_template_files_are_refused(invoke, case_dir, pack, tmp_path, change, message):
    bad = tmp_path / "bad"
    bad.mkdir()
    _rezip(pack / "information-request-letter.docx", bad / "information-request-letter.docx", dict(change))
    with pytest.raises(TemplateError, match=message):
        check_docx(bad / "information-request-letter.docx", error=TemplateError, refuse_external=True).close()
    result = invoke("render", "information-request-letter", "--case", case_dir, "--templates", bad,
                    "--out", tmp_path / "out")
    assert result.exit_code == 3 and message in result.stderr
    assert not (tmp_path / "out").exists()


def test_web_hyperlinks_are_allowed(pack, tmp_path):
    rels = (b'<?xml version="1.0"?><Relationships xmlns="x"><Relationship Id="r9" '
            b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" '
            b'Target="https://example.org/" TargetMode="External"/></Relationships>')
    target = _rezip(pack / "information-request-letter.docx", tmp_path / "ok.docx", {"word/_rels/x.xml.rels": rels})
    check_docx(target, error=TemplateError, refuse_external=True).close()


def test_export_then_check_round_trip_of_the_real_pack(invoke, tmp_path):
    from cspr_docs.render.pack import default_templates_dir

    if not list(default_templates_dir().glob("*.docx")):
        pytest.skip("the default template pack is not built yet")
    dest = tmp_path / "pack"
    assert invoke("templates", "export", dest).exit_code == 0
    result = invoke("templates", "check", "--templates", dest)
    assert result.exit_code == 0, result.stderr


def test_letters_greet_the_lead_by_salutation_or_by_name(invoke, case_copy, tmp_path):
    from docx import Document

    folder = case_copy("notification-death")
    out = tmp_path / "out"
    result = invoke("render", "information-request-letter", "--case", folder, "--out", out, "--date", "2025-12-19")
    assert result.exit_code == 0, result.stderr

    def text(agency: str) -> str:
        return "\n".join(p.text for p in Document(out / f"NSCP-2025-014_information-request-letter_{agency}.docx").paragraphs)

    assert "Dear DI Pryddy," in text("police")
    assert "Dear Detective Inspector Owen Pryddy," not in text("police")
    assert any(line.startswith("Dear ") and line.endswith(",") for line in text("csc").splitlines())
