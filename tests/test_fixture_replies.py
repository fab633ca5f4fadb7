"""The example case's returned reply files: a reproducible build, collected back unchanged, bound by the meeting pack."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from conftest import CASES, SENTINEL_NAME, requires_soffice
from cspr_docs.collect.store import load_replies
from cspr_docs.load import load_case
from test_collect import load_build
from test_pdf_bundle import outline, write_pdf

CASE = "notification-death"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_committed_reply_files_are_a_fresh_build(tmp_path):
    build = load_build()
    assert build.reply_cases() == [CASES / CASE]
    build.build(tmp_path)
    fresh = _files(tmp_path / CASE)
    committed = _files(CASES / CASE / "replies")
    assert sorted(fresh) == sorted(committed)
    assert len([n for n in committed if n.endswith(".docx")]) == 12
    for name, data in fresh.items():
        assert data == committed[name], f"{name}: run `python fixtures/build_replies.py` and commit the result"


def test_every_collected_reply_names_its_kept_file(case_copy):
    folder = case_copy(CASE)
    for agency, reply in load_replies(folder).items():
        assert reply.source == f"{agency}.docx" and reply.format == "docx"
        assert (folder / "replies" / reply.source).is_file()


def test_collecting_the_fixture_replies_changes_nothing(invoke, case_copy):
    folder = case_copy(CASE)
    before = _files(folder / "replies")
    result = invoke("collect", folder / "replies", "--case", folder)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    agencies = sorted(a.id for a in load_case(folder).case.agencies)
    assert result.stdout.splitlines() == [f"unchanged: replies/{a}.yaml from {a}.docx" for a in agencies]
    assert _files(folder / "replies") == before


def test_an_answer_that_cannot_round_trip_stops_the_build(case_copy, tmp_path):
    build = load_build()
    folder = case_copy(CASE)
    stored = folder / "replies" / "gp.yaml"
    data = yaml.safe_load(stored.read_text())
    data["summary"] = f"  {SENTINEL_NAME} typed with leading spaces"  # collect trims the edges of an answer
    stored.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(build.RoundTripError) as caught:
        build.build_case(folder, tmp_path / "out")
    message = str(caught.value)
    assert "replies/gp.yaml: collecting the built reply changes summary;" in message
    assert SENTINEL_NAME not in message
    assert not (tmp_path / "out").exists()


def test_an_answer_with_no_place_in_the_form_stops_the_build(case_copy, tmp_path):
    build = load_build()
    folder = case_copy(CASE)
    stored = folder / "replies" / "police.yaml"
    data = yaml.safe_load(stored.read_text())
    data["key_events"][0]["extra"] = {"Officer number": "1234"}
    stored.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(build.RoundTripError, match=r"police: key events row 1: columns the form lacks: Officer"):
        build.build_case(folder, tmp_path / "out")
    assert not (tmp_path / "out").exists()


@requires_soffice
def test_meeting_pack_builds_on_the_example_case(invoke, case_copy, tmp_path):
    folder = case_copy(CASE)
    rendered = invoke("render", "combined-summary", "--case", folder, "--out", folder / "out")
    assert rendered.exit_code == 0, rendered.stderr
    notification = write_pdf(tmp_path / "SIN.pdf", 1)
    target = tmp_path / "pack.pdf"
    result = invoke("bundle", "rapid-review-meeting", "--case", folder, "--notification", notification,
                    "--out", target)
    assert result.exit_code == 0, result.stderr
    reader = PdfReader(target)
    marks = outline(reader)
    agencies = load_case(folder).case.agencies
    assert [title for title, _ in marks] == ["Serious incident notification", "Combined summary",
                                             *(f"Agency reply: {a.name}" for a in agencies)]
    assert [page for _, page in marks][:2] == [0, 1]
    replies = load_replies(folder)
    ends = [page for _, page in marks[3:]] + [len(reader.pages)]
    for agency, (_, start), end in zip(agencies, marks[2:], ends, strict=True):
        text = subprocess.run(["pdftotext", "-f", str(start + 1), "-l", str(end), str(target), "-"],
                              check=True, capture_output=True, text=True).stdout
        flat = " ".join(text.split())
        assert agency.name in flat, agency.id
        assert "Information request reply" in flat and replies[agency.id].contact_type in flat, agency.id
