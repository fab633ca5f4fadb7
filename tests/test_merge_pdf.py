"""`merge --pdf/--combined/--encrypt` and `render --pdf/--encrypt` against a fake LibreOffice: faults, bookmarks, AES."""

from __future__ import annotations

import hashlib
import io
import json
import stat
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from conftest import fixture_cases
from test_merge import DATE, LETTER, new_case, recipient, stem, write_recipients


def pdf_bytes(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


FAKE = """\
#!{python}
import os, subprocess, sys, time
from pathlib import Path
args = sys.argv[1:]
outdir = Path(args[args.index("--outdir") + 1])
documents = [Path(a) for a in args[args.index("--outdir") + 2:]]
GOOD = Path({good!r}).read_bytes()
behaviour = {behaviour!r}
if behaviour == "hang":
    child = subprocess.Popen(["sleep", "1000"])
    Path({pids!r}).write_text(f"{{os.getpid()}} {{child.pid}}")
    time.sleep(1000)
for d in documents:
    if behaviour == "good":
        (outdir / (d.stem + ".pdf")).write_bytes(GOOD)
    elif behaviour == "truncated":
        (outdir / (d.stem + ".pdf")).write_bytes(GOOD[: len(GOOD) // 2])
"""


@pytest.fixture
def fake_soffice(tmp_path, monkeypatch):
    """A stand-in for LibreOffice through CSPR_DOCS_SOFFICE: good (2-page PDFs), hang, nothing, truncated."""

    def install(behaviour: str) -> Path:
        good = tmp_path / "fake-good.pdf"
        good.write_bytes(pdf_bytes(2))
        script = tmp_path / f"soffice-{behaviour}"
        script.write_text(FAKE.format(python=sys.executable, good=str(good), behaviour=behaviour,
                                      pids=str(tmp_path / "fake.pids")))
        script.chmod(script.stat().st_mode | stat.S_IXUSR)
        monkeypatch.setenv("CSPR_DOCS_SOFFICE", str(script))
        return script

    return install


def alive(pid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return False
    return fields[0] not in ("Z", "X")


# --- PDF faults, encryption -------------------------------------------------------------------------------------


@pytest.mark.parametrize("behaviour", ["hang", "nothing", "truncated"])
def test_soffice_faults_give_exit_4_no_pdf_and_valid_docx(tmp_path, invoke, fake_soffice, behaviour):
    from docx import Document

    fake_soffice(behaviour)
    case = new_case(tmp_path, invoke)
    people = write_recipients(tmp_path / "r.csv", [recipient(i, f"Agency {i}") for i in ("a1", "b2")])
    out = tmp_path / "out"
    result = invoke("merge", LETTER, "--case", case, "--recipients", people, "--out", out, "--pdf", "--combined",
                    "--timeout", "8")  # time for a hanging fake to start, even on a loaded machine
    assert result.exit_code == 4, result.stderr
    # The two letters and the combined .docx; no PDF, no manifest, no temp folder.
    assert sorted(p.suffix for p in out.iterdir()) == [".docx", ".docx", ".docx"]
    for path in out.glob("*.docx"):
        assert "Agency" in " ".join(p.text for p in Document(str(path)).paragraphs)
    if behaviour == "hang":
        assert not [pid for pid in map(int, (tmp_path / "fake.pids").read_text().split()) if alive(pid)]


def test_soffice_missing_is_exit_4_with_install_hint(tmp_path, invoke, monkeypatch):
    monkeypatch.setenv("CSPR_DOCS_SOFFICE", str(tmp_path / "no-soffice"))
    case = new_case(tmp_path, invoke)
    result = invoke("merge", LETTER, "--case", case, "--out", tmp_path / "out", "--pdf", "--dry-run")
    assert result.exit_code == 4
    assert "install" in result.stderr


def test_pdfs_and_combined_pdf_with_a_bookmark_per_recipient(tmp_path, invoke, fake_soffice):
    fake_soffice("good")
    case = new_case(tmp_path, invoke)
    people = write_recipients(tmp_path / "r.csv", [recipient(i, f"Agency {i}") for i in ("a1", "b2", "c3")])
    out = tmp_path / "out"
    result = invoke("merge", LETTER, "--case", case, "--recipients", people, "--out", out, "--pdf", "--combined")
    assert result.exit_code == 0, result.stderr
    combined = PdfReader(out / f"{stem(case)[:-1]}-combined.pdf")
    assert len(combined.pages) == 6
    assert [(o.title, combined.get_destination_page_number(o)) for o in combined.outline] == [
        ("Agency a1 (a1)", 0), ("Agency b2 (b2)", 2), ("Agency c3 (c3)", 4)]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [f["file"][-4:] for f in manifest["recipients"][0]["files"]] == ["docx", ".pdf"]
    assert manifest["combined"]["sha256"] == hashlib.sha256((out / manifest["combined"]["file"]).read_bytes()).hexdigest()


def test_encrypted_pdfs_open_only_with_the_password(tmp_path, invoke, fake_soffice):
    fake_soffice("good")
    case = new_case(tmp_path, invoke)
    secret = tmp_path / "secret.txt"
    secret.write_text("correct horse battery\n", encoding="utf-8")
    out = tmp_path / "out"
    people = write_recipients(tmp_path / "r.csv", [recipient(i, f"Agency {i}") for i in ("a1", "b2")])
    result = invoke("merge", LETTER, "--case", case, "--recipients", people, "--out", out, "--encrypt",
                    "--combined", "--password-file", secret)
    assert result.exit_code == 0, result.stderr
    pdfs = sorted(out.glob("*.pdf"))
    assert len(pdfs) == 3
    for path in pdfs:
        reader = PdfReader(path)
        assert reader.is_encrypted
        assert reader.trailer["/Encrypt"].get_object()["/V"] == 5  # AES-256
        with pytest.raises(Exception):  # noqa: B017  (pypdf raises FileNotDecryptedError)
            len(reader.pages)
        assert not PdfReader(path).decrypt("wrong password")
        unlocked = PdfReader(path)
        assert unlocked.decrypt("correct horse battery")
        assert len(unlocked.pages) >= 2
    assert "correct horse" not in result.stdout + result.stderr


def test_failed_encryption_leaves_no_pdf(tmp_path, invoke, fake_soffice, monkeypatch):
    from cspr_docs.pdf import encrypt

    fake_soffice("good")
    calls = []

    def broken(path, password):
        calls.append(path)
        if len(calls) == 2:
            raise encrypt.ExternalToolError(f"{path}: encryption failed (Boom); the unencrypted PDF was deleted")
        return real(path, password)

    real = encrypt.encrypt_pdf
    monkeypatch.setattr(encrypt, "encrypt_pdf", broken)
    monkeypatch.setenv("PDF_PW", "long enough password")
    case = new_case(tmp_path, invoke)
    people = write_recipients(tmp_path / "r.csv", [recipient(i, f"Agency {i}") for i in ("a1", "b2", "c3")])
    out = tmp_path / "out"
    result = invoke("merge", LETTER, "--case", case, "--recipients", people, "--out", out, "--encrypt",
                    "--password-env", "PDF_PW")
    assert result.exit_code == 4
    assert sorted(p.suffix for p in out.iterdir()) == [".docx"] * 3


def test_encrypt_without_a_password_source_off_a_terminal_is_exit_3(tmp_path, invoke):
    case = new_case(tmp_path, invoke)
    result = invoke("merge", LETTER, "--case", case, "--out", tmp_path / "out", "--encrypt")
    assert result.exit_code == 3
    assert "--password-env" in result.stderr
    assert not (tmp_path / "out").exists()


def test_password_option_without_encrypt_is_a_usage_error(tmp_path, invoke):
    case = new_case(tmp_path, invoke)
    assert invoke("merge", LETTER, "--case", case, "--password-env", "X").exit_code == 2


# --- render --pdf / --encrypt ------------------------------------------------------------------------------------


def test_render_pdf_encrypt_next_to_the_docx(tmp_path, invoke, fake_soffice, monkeypatch):
    fake_soffice("good")
    monkeypatch.setenv("PDF_PW", "long enough password")
    case_dir = fixture_cases()[0]
    out = tmp_path / "out"
    result = invoke("render", LETTER, "--case", case_dir, "--out", out, "--encrypt", "--password-env", "PDF_PW",
                    "--date", DATE)
    assert result.exit_code == 0, result.stderr
    docx = sorted(out.glob("*.docx"))
    assert sorted(out.glob("*.pdf")) == [p.with_suffix(".pdf") for p in docx]
    assert all(PdfReader(p).is_encrypted for p in out.glob("*.pdf"))
    assert result.stdout.count("(encrypted)") == len(docx)


def test_render_pdf_refuses_an_existing_pdf_before_writing_any_docx(tmp_path, invoke, fake_soffice):
    fake_soffice("good")
    case = new_case(tmp_path, invoke)
    out = tmp_path / "out"
    out.mkdir()
    (out / f"{stem(case, 'referral-form')[:-1]}.pdf").write_bytes(b"old")
    result = invoke("render", "referral-form", "--case", case, "--out", out, "--pdf")
    assert result.exit_code == 5
    assert [p.name for p in out.iterdir()] == [f"{stem(case, 'referral-form')[:-1]}.pdf"]


def test_render_pdf_failure_keeps_docx_and_leaves_no_pdf(tmp_path, invoke, fake_soffice):
    fake_soffice("nothing")
    out = tmp_path / "out"
    result = invoke("render", LETTER, "--case", fixture_cases()[0], "--out", out, "--pdf", "--quiet")
    assert result.exit_code == 4
    assert list(out.glob("*.docx")) and not list(out.glob("*.pdf"))
    assert not [p for p in out.iterdir() if p.name.startswith(".cspr-tmp")]




def test_forced_rerun_that_fails_leaves_no_stale_manifest(tmp_path, invoke, fake_soffice):
    case = new_case(tmp_path, invoke)
    people = write_recipients(tmp_path / "r.csv", [recipient("a1", "Agency a1")])
    out = tmp_path / "out"
    assert invoke("merge", LETTER, "--case", case, "--recipients", people, "--out", out).exit_code == 0
    assert (out / "manifest.json").exists()
    fake_soffice("nothing")
    result = invoke("merge", LETTER, "--case", case, "--recipients", people, "--out", out, "--pdf", "--force")
    assert result.exit_code == 4
    assert sorted(p.name for p in out.iterdir()) == [f"{stem(case)}a1.docx"]
