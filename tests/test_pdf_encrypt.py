"""AES-256 encryption: opens only with the password, V5/R6, and no plain PDF left when encryption cannot happen."""

from __future__ import annotations

from pathlib import Path

import pypdf._crypt_providers as providers
import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.errors import DependencyError, FileNotDecryptedError

from cspr_docs.errors import ExternalToolError, InputError
from cspr_docs.pdf import encrypt as encrypt_module
from cspr_docs.pdf.encrypt import encrypt_pdf, read_password
from test_pdf_bundle import write_pdf

PASSWORD = "s3cret-pass-phrase"


def test_encrypted_pdf_needs_the_password(tmp_path):
    pdf = write_pdf(tmp_path / "letter.pdf", 2)
    encrypt_pdf(pdf, PASSWORD)
    locked = PdfReader(pdf)
    assert locked.is_encrypted
    with pytest.raises(FileNotDecryptedError):
        len(locked.pages)
    assert not PdfReader(pdf).decrypt("wrong password")
    opened = PdfReader(pdf)
    assert opened.decrypt(PASSWORD)
    assert len(opened.pages) == 2
    encryption = PdfReader(pdf).trailer["/Encrypt"].get_object()
    assert (encryption["/V"], encryption["/R"]) == (5, 6)
    assert encryption["/CF"]["/StdCF"]["/CFM"] == "/AESV3"
    assert list(tmp_path.iterdir()) == [pdf]


def test_missing_cryptography_leaves_no_plain_pdf(tmp_path, monkeypatch):
    pdf = write_pdf(tmp_path / "letter.pdf", 1)
    monkeypatch.setattr(providers, "crypt_provider", ("local_crypt_fallback", "0.0.0"))
    with pytest.raises(ExternalToolError) as caught:
        encrypt_pdf(pdf, PASSWORD)
    assert caught.value.exit_code == 4
    assert "cryptography" in caught.value.message
    assert list(tmp_path.iterdir()) == []


def test_failure_during_encryption_leaves_no_plain_pdf(tmp_path, monkeypatch):
    pdf = write_pdf(tmp_path / "letter.pdf", 1)

    def broken(*_args, **_kwargs):
        raise DependencyError("cryptography is required for AES")

    monkeypatch.setattr(PdfWriter, "encrypt", broken)
    with pytest.raises(ExternalToolError) as caught:
        encrypt_pdf(pdf, PASSWORD)
    assert caught.value.exit_code == 4
    assert list(tmp_path.iterdir()) == []


def test_password_from_environment(monkeypatch):
    monkeypatch.setenv("PDF_PW", PASSWORD)
    assert read_password("PDF_PW", None, False) == PASSWORD


def test_password_from_file_first_line(tmp_path):
    file = tmp_path / "pw.txt"
    file.write_text(PASSWORD + "\nsecond line\n")
    assert read_password(None, file, False) == PASSWORD


def test_password_from_prompt(monkeypatch):
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr(encrypt_module.getpass, "getpass", lambda _prompt: next(answers))
    assert read_password(None, None, True) == PASSWORD
    answers = iter([PASSWORD, "different-password"])
    with pytest.raises(InputError, match="differ"):
        read_password(None, None, True)


@pytest.mark.parametrize(
    ("env", "file", "prompt", "message"),
    [
        (None, None, False, "exactly one"),
        ("PDF_PW", Path("pw.txt"), False, "exactly one"),
        ("UNSET_PDF_PW", None, False, "not set"),
        ("SHORT_PW", None, False, "at least 8"),
        (None, Path("missing.txt"), False, "cannot read"),
    ],
)
def test_bad_password_sources_are_bad_input(monkeypatch, env, file, prompt, message):
    monkeypatch.delenv("UNSET_PDF_PW", raising=False)
    monkeypatch.setenv("SHORT_PW", "short")
    with pytest.raises(InputError) as caught:
        read_password(env, file, prompt)
    assert caught.value.exit_code == 3
    assert message in caught.value.message
    assert "short" not in caught.value.message  # the value itself is never echoed
