"""PDF drafts (reliability D10) and the one PDF sandbox every caller uses (E1): names hidden anywhere in a PDF are
found; hostile PDFs end in exit 3 or 4, never a hang or a crash."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from cspr_docs.errors import DraftError, ExternalToolError, InputError
from cspr_docs.pdf import probe
from test_check_fixtures import DRAFTS
from test_check_hostile import blank_pdf, flate_bomb

CASE = DRAFTS / "case"
NAMES = ("Jayden", "Okafor", "Brennan", "Grace")
XMP = """<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:creator><rdf:Seq><rdf:li>{name}</rdf:li></rdf:Seq></dc:creator>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"""


def text_pdf(path: Path, lines: list[tuple[str, str]], *, xmp: str = "", annotation: str = "",
             field: tuple[str, str] | None = None) -> Path:
    """A one-page PDF: each line is (graphics state operators, text), e.g. ("1 1 1 rg", ...) for white text or
    ("3 Tr", ...) for invisible text; optionally XMP metadata, a note annotation and a filled text field."""
    from pypdf import PdfWriter
    from pypdf.annotations import Text
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
        {NameObject("/F1"): writer._add_object(font)})})
    ops = []
    for i, (state, text) in enumerate(lines):
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"q {state} BT /F1 11 Tf 72 {780 - 20 * i} Td ({escaped}) Tj ET Q")
    content = DecodedStreamObject()
    content.set_data("\n".join(ops).encode("latin-1"))
    page[NameObject("/Contents")] = writer._add_object(content)
    if xmp:
        stream = DecodedStreamObject()
        stream.set_data(xmp.encode())
        stream[NameObject("/Type")] = NameObject("/Metadata")
        stream[NameObject("/Subtype")] = NameObject("/XML")
        writer._root_object[NameObject("/Metadata")] = writer._add_object(stream)
    if annotation:
        writer.add_annotation(0, Text(text=annotation, rect=(400, 700, 450, 750)))
    if field:
        widget = DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/FT"): NameObject("/Tx"), NameObject("/T"): TextStringObject(field[0]),
            NameObject("/V"): TextStringObject(field[1]), NameObject("/F"): NumberObject(4),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (72, 100, 300, 120)]),
        })
        ref = writer._add_object(widget)
        page[NameObject("/Annots")] = ArrayObject([ref])
        writer._root_object[NameObject("/AcroForm")] = writer._add_object(DictionaryObject(
            {NameObject("/Fields"): ArrayObject([ref])}))
    with path.open("wb") as handle:
        writer.write(handle)
    return path


BODY = [("", "Local Child Safeguarding Practice Review: Child J"), ("", "Child J lived with his mother.")]


@pytest.mark.parametrize(("name", "build", "part"), [
    ("white-text", lambda p: text_pdf(p, [*BODY, ("1 1 1 rg", "Jayden Okafor-Smith was at home.")]), "PDF page 1"),
    ("invisible-text", lambda p: text_pdf(p, [*BODY, ("3 Tr", "Liam Brennan was there.")]), "PDF page 1"),
    ("xmp", lambda p: text_pdf(p, BODY, xmp=XMP.format(name="Grace Okafor")), "PDF XMP metadata"),
    ("annotation", lambda p: text_pdf(p, BODY, annotation="Check with Liam Brennan"),
     "PDF page 1 annotation /Contents"),
    ("form-field", lambda p: text_pdf(p, BODY, field=("subject", "Jayden Okafor-Smith")), "PDF form field (value)"),
])
def test_name_hidden_in_a_pdf_is_found_and_never_printed(invoke, tmp_path, name, build, part) -> None:
    path = build(tmp_path / f"{name}.pdf")
    clean = invoke("check", text_pdf(tmp_path / "clean.pdf", BODY), "--case", CASE, "--format", "json")
    assert "real-name" not in clean.stdout
    result = invoke("check", path, "--case", CASE, "--format", "json")
    findings = json.loads(result.stdout)["files"][0]["findings"]
    assert result.exit_code == 1
    assert part in {f["location"]["part"] for f in findings if f["rule"] == "real-name"}
    for secret in NAMES:
        assert secret not in result.stdout + result.stderr


def test_every_caller_gets_exit_4_for_a_bomb_and_3_for_a_locked_pdf(tmp_path) -> None:
    from cspr_docs.checks.readers.pdf import read_pdf
    from cspr_docs.collect.read_pdf import read_pdf as read_reply
    from cspr_docs.pdf.probe import inspect_pdfs

    bomb = flate_bomb(tmp_path / "bomb.pdf", 200)
    locked = blank_pdf(tmp_path / "locked.pdf", password="secret")
    for call in (read_pdf, lambda path: inspect_pdfs([path])):
        with pytest.raises(ExternalToolError) as caught:
            call(bomb)
        assert caught.value.exit_code == 4 and "bomb.pdf" in caught.value.message
    with pytest.raises(InputError, match="no form fields"):  # reads fields only: the page content is never inflated
        read_reply(bomb)
    for call in (read_pdf, read_reply, lambda path: inspect_pdfs([path])):
        with pytest.raises(InputError, match="encrypted") as refused:
            call(locked)
        assert refused.value.exit_code == 3
    with pytest.raises(DraftError):  # the check reader and the PDF tools say DraftError; both exit 3
        read_pdf(locked)


def test_one_child_reads_many_files_in_order(tmp_path) -> None:
    first = text_pdf(tmp_path / "a.pdf", BODY, field=("x", "1"))
    second = blank_pdf(tmp_path / "b.pdf")
    infos = probe.inspect_pdfs([first, second])
    assert [(i.path, i.pages, i.fields) for i in infos] == [(first, 1, 1), (second, 1, 0)]


def test_child_crash_is_exit_4(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(probe, "_command", lambda *_: [sys.executable, "-c", "raise SystemExit(9)"])
    with pytest.raises(ExternalToolError, match="exit status 9"):
        probe.inspect_pdfs([blank_pdf(tmp_path / "a.pdf")])


def test_child_does_not_import_from_the_current_folder(monkeypatch, tmp_path) -> None:
    # An untrusted folder holding a module named like one the child imports must not be on the child's sys.path.
    (tmp_path / "pypdf.py").write_text("raise SystemExit('imported from the current folder')\n")
    (tmp_path / "cspr_docs").mkdir()
    (tmp_path / "cspr_docs" / "__init__.py").write_text("raise SystemExit('imported from the current folder')\n")
    monkeypatch.chdir(tmp_path)
    assert probe.inspect_pdfs([blank_pdf(tmp_path / "a.pdf")])[0].pages == 1


def test_unknown_job_is_refused(tmp_path) -> None:
    with pytest.raises(ValueError, match="unknown PDF job"):
        probe.run_pdf_job("os.system", [blank_pdf(tmp_path / "a.pdf")])
