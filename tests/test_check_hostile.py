"""Hostile and broken drafts: refused with exit 3, quickly and without reading them into memory."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from cspr_docs.checks.readers import pdf as pdf_reader
from cspr_docs.checks.readers import read_draft
from cspr_docs.errors import DraftError, ExternalToolError
from test_check_fixtures import DRAFTS, load_build

BUILD = load_build()


def good_docx() -> bytes:
    return BUILD._docx(BUILD.FINAL)


def rezip(data: bytes, replace: dict[str, bytes], extra: int = 0) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            target.writestr(name, replace.get(name, source.read(name)))
        for i in range(extra):
            target.writestr(f"extra/e{i}.xml", b"<a/>")
    return out.getvalue()


def blank_pdf(path: Path, *, password: str | None = None) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if password:
        writer.encrypt(password, algorithm="AES-256")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def assert_refused(invoke, path: Path, words: str) -> None:
    result = invoke("check", path)
    assert result.exit_code == 3
    assert words in result.stderr
    assert result.stdout == ""


def test_not_a_zip(invoke, tmp_path) -> None:
    path = tmp_path / "draft.docx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    assert_refused(invoke, path, "not a valid")


def test_zip_bomb_refused_from_declared_sizes_without_inflating(invoke, tmp_path) -> None:
    path = tmp_path / "bomb.docx"
    path.write_bytes(rezip(good_docx(), {"word/document.xml": b" " * (30 * 1024 * 1024)}))
    tracemalloc.start()
    with pytest.raises(DraftError, match="zip bomb"):
        read_draft(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 5 * 1024 * 1024
    assert_refused(invoke, path, "zip bomb")


def test_too_many_entries(invoke, tmp_path) -> None:
    path = tmp_path / "many.docx"
    path.write_bytes(rezip(good_docx(), {}, extra=2100))
    assert_refused(invoke, path, "zip entries")


def test_doctype_refused(invoke, tmp_path) -> None:
    path = tmp_path / "dtd.docx"
    evil = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "xx">]><w:document xmlns:w="http://schemas.openxml'
            b'formats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body>'
            b"</w:document>")
    path.write_bytes(rezip(good_docx(), {"word/document.xml": evil}))
    assert_refused(invoke, path, "DOCTYPE")


def test_malformed_xml_part(invoke, tmp_path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(rezip(good_docx(), {"word/styles.xml": b"<w:styles"}))
    assert_refused(invoke, path, "word/styles.xml")


def test_encrypted_pdf(invoke, tmp_path) -> None:
    assert_refused(invoke, blank_pdf(tmp_path / "locked.pdf", password="secret"), "encrypted")


def test_truncated_pdf(invoke, tmp_path) -> None:
    data = (DRAFTS / "good-final-report.pdf").read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 2])
    assert_refused(invoke, path, "truncated")


def test_garbage_pdf(invoke, tmp_path) -> None:
    path = tmp_path / "junk.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100 + b"\n%%EOF\n")
    result = invoke("check", path)
    assert result.exit_code in (0, 1, 3)  # pypdf may recover an empty document; it must not crash
    assert "internal error" not in result.stderr


def flate_bomb(path: Path, megabytes: int) -> Path:
    """A one-page PDF whose content stream inflates from a few KB to `megabytes` MB of spaces."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    stream = DecodedStreamObject()
    stream.set_data(b" " * (megabytes * 1000 * 1000))
    page[NameObject("/Contents")] = writer._add_object(stream.flate_encode(level=9))
    with path.open("wb") as handle:
        writer.write(handle)
    assert path.stat().st_size < megabytes * 1000 * 1000 // 100
    return path


def test_pdf_parse_is_bounded_in_time(monkeypatch, tmp_path) -> None:
    import sys

    from cspr_docs.pdf import probe

    monkeypatch.setattr(probe, "_command", lambda *_: [sys.executable, "-c", "import time; time.sleep(60)"])
    with pytest.raises(ExternalToolError, match="took over 0.5 s"):
        pdf_reader.read_pdf(blank_pdf(tmp_path / "slow.pdf"), time_limit=0.5)


def test_pdf_parse_is_bounded_in_memory(tmp_path) -> None:
    path = flate_bomb(tmp_path / "bomb.pdf", 70)  # under pypdf's own 75 MB inflate limit, over this memory limit
    with pytest.raises(ExternalToolError, match="needs more than 100 MiB") as caught:
        pdf_reader.read_pdf(path, memory_limit=100 * 1024**2)
    assert caught.value.exit_code == 4


def test_flate_bomb_over_pypdf_limit_gives_exit_4(invoke, tmp_path) -> None:
    result = invoke("check", flate_bomb(tmp_path / "bomb.pdf", 200))
    assert result.exit_code == 4
    assert "bomb.pdf" in result.stderr and "MiB" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(("name", "data", "words"), [
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".doc"),
    ("utf16.md", "\ufeff# Title".encode("utf-16"), "binary"),
    ("latin1.md", "caf\xe9".encode("latin-1"), "UTF-8"),
    ("image.png", b"\x89PNG\r\n", "unsupported"),
])
def test_other_unreadable_inputs(invoke, tmp_path, name, data, words) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert_refused(invoke, path, words)


def test_missing_draft(invoke, tmp_path) -> None:
    assert_refused(invoke, tmp_path / "nope.docx", "file not found")
