"""LibreOffice conversion: fake soffice scripts for every failure (hang, no output, broken PDF), real soffice for the rest."""

from __future__ import annotations

import io
import os
import shutil
import stat
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from conftest import requires_soffice
from cspr_docs.errors import ExitStatus, ExternalToolError, InputError, OutputError
from cspr_docs.pdf.convert import convert_to_pdf

CANARY = "CSPR_CANARY_SECRET"


def good_pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


FAKE_HEADER = """\
#!{python}
import json, os, subprocess, sys, time
from pathlib import Path
STATE = Path({state!r})
GOOD = Path({good!r})
with open(STATE / "calls.jsonl", "a") as log:
    log.write(json.dumps({{"pid": os.getpid(), "argv": sys.argv[1:], "env": dict(os.environ)}}) + "\\n")
args = sys.argv[1:]
outdir = Path(args[args.index("--outdir") + 1])
documents = [Path(a) for a in args[args.index("--outdir") + 2:]]
"""

BEHAVIOURS = {
    "hang": """\
child = subprocess.Popen(["sleep", "1000"])
(STATE / "child.pid").write_text(str(child.pid))
(STATE / "fake.pid").write_text(str(os.getpid()))
time.sleep(1000)
""",
    "nothing": "print('Error: source file could not be loaded')\n",
    "truncated": """\
data = GOOD.read_bytes()
for d in documents:
    (outdir / (d.stem + ".pdf")).write_bytes(data[: len(data) // 2])
""",
    "empty": """\
for d in documents:
    (outdir / (d.stem + ".pdf")).write_bytes(b"")
""",
    "fail": "sys.exit(81)\n",
    "first-only": """\
(outdir / (documents[0].stem + ".pdf")).write_bytes(GOOD.read_bytes())
""",
    "good": """\
for d in documents:
    (outdir / (d.stem + ".pdf")).write_bytes(GOOD.read_bytes())
""",
}


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder the fake soffice reports into; also the private temp root, to see what is left behind."""
    folder = tmp_path / "state"
    folder.mkdir()
    temp_root = tmp_path / "temp"
    temp_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp_root))
    return folder


@pytest.fixture
def fake_soffice(tmp_path: Path, state: Path, monkeypatch: pytest.MonkeyPatch):
    """Install a fake soffice with one behaviour through CSPR_DOCS_SOFFICE."""

    def install(behaviour: str) -> Path:
        good = tmp_path / "good.pdf"
        good.write_bytes(good_pdf_bytes())
        script = tmp_path / f"soffice-{behaviour}"
        header = FAKE_HEADER.format(python=sys.executable, state=str(state), good=str(good))
        script.write_text(header + BEHAVIOURS[behaviour])
        script.chmod(script.stat().st_mode | stat.S_IXUSR)
        monkeypatch.setenv("CSPR_DOCS_SOFFICE", str(script))
        return script

    return install


def calls(state: Path) -> list[dict]:
    import json

    log = state / "calls.jsonl"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def alive(pid: int) -> bool:
    """True while the process exists and is not a zombie (nobody may reap it in a container)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return False
    return fields[0] not in ("Z", "X")


def documents(folder: Path, *names: str) -> list[Path]:
    from docx import Document

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names:
        document = Document()
        document.add_paragraph(f"Letter text {name}")
        path = folder / f"{name}.docx"
        document.save(str(path))
        paths.append(path)
    return paths


def assert_clean(out_dir: Path, tmp_path: Path) -> None:
    assert not list(out_dir.glob("*.pdf")) if out_dir.exists() else True
    assert not list(out_dir.glob(".cspr-tmp-*")) if out_dir.exists() else True
    assert list((tmp_path / "temp").iterdir()) == []


@pytest.mark.usefixtures("state")
def test_soffice_missing_gives_exit_4_with_install_hint(tmp_path, monkeypatch):
    monkeypatch.delenv("CSPR_DOCS_SOFFICE", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(ExternalToolError) as caught:
        convert_to_pdf(documents(tmp_path / "in", "a"), tmp_path / "out")
    assert caught.value.exit_code == ExitStatus.EXTERNAL_TOOL == 4
    assert "apt-get install libreoffice-writer-nogui" in caught.value.message
    assert_clean(tmp_path / "out", tmp_path)


@pytest.mark.usefixtures("state")
def test_soffice_env_var_pointing_at_nothing_is_not_found(tmp_path, monkeypatch):
    monkeypatch.setenv("CSPR_DOCS_SOFFICE", str(tmp_path / "no-such-soffice"))
    with pytest.raises(ExternalToolError, match="LibreOffice not found"):
        convert_to_pdf(documents(tmp_path / "in", "a"), tmp_path / "out")


def test_hanging_soffice_is_killed_with_its_children(tmp_path, state, fake_soffice):
    fake_soffice("hang")
    with pytest.raises(ExternalToolError) as caught:
        # Time enough for the fake to start its child even on a loaded CI machine (a 3 s limit was once too short).
        convert_to_pdf(documents(tmp_path / "in", "a", "b"), tmp_path / "out", timeout=8, processes=1)
    assert caught.value.exit_code == 4
    assert "did not finish within 8 s" in caught.value.message
    assert "a.docx" in caught.value.message
    child, fake = int((state / "child.pid").read_text()), int((state / "fake.pid").read_text())
    assert not alive(fake)
    assert not alive(child)
    assert_clean(tmp_path / "out", tmp_path)


@pytest.mark.usefixtures("state")
@pytest.mark.parametrize(
    ("behaviour", "message"),
    [
        ("nothing", "conversion produced no output"),
        ("truncated", "incomplete PDF"),
        ("empty", "empty PDF"),
        ("fail", "failed twice (exit status 81)"),
    ],
)
def test_broken_conversions_give_exit_4_and_no_pdf(tmp_path, fake_soffice, behaviour, message):
    fake_soffice(behaviour)
    with pytest.raises(ExternalToolError) as caught:
        convert_to_pdf(documents(tmp_path / "in", "a"), tmp_path / "out")
    assert caught.value.exit_code == 4
    assert message in caught.value.message
    assert "a.docx" in caught.value.message
    assert_clean(tmp_path / "out", tmp_path)


def test_failed_process_is_retried_once(tmp_path, state, fake_soffice):
    fake_soffice("fail")
    with pytest.raises(ExternalToolError):
        convert_to_pdf(documents(tmp_path / "in", "a"), tmp_path / "out")
    assert len(calls(state)) == 2


@pytest.mark.usefixtures("state")
def test_batch_is_all_or_nothing(tmp_path, fake_soffice):
    fake_soffice("first-only")
    with pytest.raises(ExternalToolError, match=r"b\.docx: conversion produced no output"):
        convert_to_pdf(documents(tmp_path / "in", "a", "b"), tmp_path / "out", processes=1)
    assert_clean(tmp_path / "out", tmp_path)


def test_good_conversion_batches_documents_into_two_processes(tmp_path, state, fake_soffice, monkeypatch):
    fake_soffice("good")
    monkeypatch.setenv(CANARY, "hunter2-canary")
    inputs = documents(tmp_path / "in", "a", "b", "c", "d", "e")
    out = convert_to_pdf(inputs, tmp_path / "out", processes=2)
    assert out == [tmp_path / "out" / f"{n}.pdf" for n in "abcde"]
    assert all(len(PdfReader(p).pages) == 1 for p in out)
    made = calls(state)
    assert len(made) == 2
    converted = sorted(Path(a).name for call in made for a in call["argv"] if a.endswith(".docx"))
    assert converted == [f"{n}.docx" for n in "abcde"]
    profiles = {a for call in made for a in call["argv"] if a.startswith("-env:UserInstallation=file:///")}
    assert len(profiles) == 2
    for call in made:
        env = call["env"]
        assert CANARY not in env
        assert "hunter2-canary" not in "".join(env.values())
        assert set(env) <= {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}
        assert env["HOME"] != os.environ["HOME"]
    assert_clean(tmp_path / "elsewhere", tmp_path)  # profiles and temp folders deleted


def test_existing_target_is_refused_before_soffice_runs(tmp_path, state, fake_soffice):
    fake_soffice("good")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    existing = out_dir / "b.pdf"
    existing.write_bytes(b"keep me")
    before = existing.stat().st_mtime_ns
    with pytest.raises(OutputError) as caught:
        convert_to_pdf(documents(tmp_path / "in", "a", "b"), out_dir)
    assert caught.value.exit_code == 5
    assert calls(state) == []
    assert existing.read_bytes() == b"keep me" and existing.stat().st_mtime_ns == before
    assert not (out_dir / "a.pdf").exists()
    convert_to_pdf(documents(tmp_path / "in", "a", "b"), out_dir, force=True)
    assert existing.read_bytes().startswith(b"%PDF-")


def test_two_inputs_with_the_same_stem_are_refused(tmp_path, state, fake_soffice):
    fake_soffice("good")
    first = documents(tmp_path / "one", "same")
    second = documents(tmp_path / "two", "same")
    with pytest.raises(OutputError, match="same file name"):
        convert_to_pdf(first + second, tmp_path / "out")
    assert calls(state) == []


@pytest.mark.usefixtures("state")
def test_missing_input_is_bad_input(tmp_path, fake_soffice):
    fake_soffice("good")
    with pytest.raises(InputError) as caught:
        convert_to_pdf([tmp_path / "nope.docx"], tmp_path / "out")
    assert caught.value.exit_code == 3


def test_bundle_cli_gives_exit_4_when_soffice_hangs(tmp_path, state, fake_soffice, invoke):
    from test_pdf_bundle import make_case, write_pdf

    case = make_case(invoke, tmp_path / "case")
    documents(case / "out", "CSPR-0000-00-referral-form")
    write_pdf(case / "out" / "CSPR-0000-00-combined-summary.pdf", 1)
    write_pdf(case / "replies" / "csc.pdf", 1)
    fake_soffice("hang")
    result = invoke("bundle", "rapid-review-meeting", "--case", case, "--timeout", "8", "--out", tmp_path / "p.pdf")
    assert result.exit_code == 4
    assert "did not finish" in result.stderr
    assert not (tmp_path / "p.pdf").exists()
    assert not alive(int((state / "child.pid").read_text()))


# Real LibreOffice ---------------------------------------------------------------------------------------------


@pytest.fixture
def counting_wrapper(tmp_path: Path, state: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A wrapper that records each start (argv and environment) and then becomes the real soffice."""
    real = shutil.which("soffice")
    script = tmp_path / "soffice-wrapper"
    script.write_text(textwrap.dedent(f"""\
        #!{sys.executable}
        import json, os, sys
        with open({str(state / "calls.jsonl")!r}, "a") as log:
            log.write(json.dumps({{"pid": os.getpid(), "argv": sys.argv[1:], "env": dict(os.environ)}}) + "\\n")
        os.execv({real!r}, [{real!r}, *sys.argv[1:]])
        """))
    script.chmod(0o755)
    monkeypatch.setenv("CSPR_DOCS_SOFFICE", str(script))
    return script


@requires_soffice
@pytest.mark.usefixtures("counting_wrapper")
def test_real_soffice_converts_three_documents_in_one_process(tmp_path, state, monkeypatch):
    monkeypatch.setenv(CANARY, "hunter2-canary")
    inputs = documents(tmp_path / "in put ü", "first letter", "zweite Überweisung", "third")
    out = convert_to_pdf(inputs, tmp_path / "out dir é", processes=1)
    assert [p.name for p in out] == ["first letter.pdf", "zweite Überweisung.pdf", "third.pdf"]
    for pdf, name in zip(out, ["first letter", "zweite Überweisung", "third"], strict=True):
        reader = PdfReader(pdf)
        assert len(reader.pages) == 1
        assert f"Letter text {name}" in reader.pages[0].extract_text()
    made = calls(state)
    assert len(made) == 1
    assert CANARY not in made[0]["env"]
    assert list((tmp_path / "temp").iterdir()) == []


@requires_soffice
@pytest.mark.usefixtures("counting_wrapper")
def test_real_soffice_default_uses_up_to_two_processes(tmp_path, state):
    out = convert_to_pdf(documents(tmp_path / "in", "a", "b", "c"), tmp_path / "out")
    assert len(out) == 3 and all(p.is_file() for p in out)
    assert len(calls(state)) == min(2, os.cpu_count() or 1)
