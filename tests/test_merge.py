"""`cspr-docs merge` to .docx: one letter per recipient, safe unique names, all-or-nothing writes, manifest, progress."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import SENTINEL_NAME, fixture_cases
from cspr_docs.cli.merge_commands import progress_enabled

LETTER = "information-request-letter"
HEADER = ["id", "name", "type", "contact_name", "email", "address"]
DATE = "2026-03-02"


def docx_text(path: Path) -> str:
    """Every w:t of every XML part (body, headers, footers, properties), joined."""
    with zipfile.ZipFile(path) as archive:
        xml = " ".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml"))
    from html import unescape

    return unescape(" ".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)))


def new_case(tmp_path: Path, invoke) -> Path:
    """A minimal valid case (`cspr-docs init`) whose agencies are replaced by recipient files in the tests."""
    folder = tmp_path / "case"
    assert invoke("init", folder, "--route", "notification").exit_code == 0
    return folder


def stem(case: Path, kind: str = LETTER) -> str:
    """`<reference>_<kind>_`: the start of every merged file name of this case."""
    return f"{yaml.safe_load((case / 'case.yaml').read_text(encoding='utf-8'))['reference']}_{kind}_"


def write_recipients(path: Path, rows: list[dict[str, str]]) -> Path:
    if path.suffix == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        book.active.append(HEADER)
        for row in rows:
            book.active.append([row.get(c, "") for c in HEADER])
        book.save(path)
        return path
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


def recipient(ident: str, name: str, **extra: str) -> dict[str, str]:
    tag = re.sub(r"\W", "", ident) or "x"
    return {"id": ident, "name": name, "type": "police", "contact_name": f"Lead{tag}Zq",
            "email": f"lead-{tag.lower()}@sentinel.example", **extra}


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()} if folder.exists() else {}


# --- every fixture's agencies -------------------------------------------------------------------------------


@pytest.mark.parametrize("case_dir", fixture_cases(), ids=lambda p: p.name)
@pytest.mark.parametrize("kind", [LETTER, "information-request-reply"])
def test_merge_over_each_fixture_gives_each_agency_only_its_own_details(tmp_path, invoke, case_dir, kind):
    data = yaml.safe_load((case_dir / "case.yaml").read_text(encoding="utf-8"))
    agencies = data["agencies"]
    out = tmp_path / "out"
    result = invoke("merge", kind, "--case", case_dir, "--out", out, "--date", DATE)
    assert result.exit_code == 0, result.stderr
    reference = data["reference"]
    for agency in agencies:
        path = out / f"{reference}_{kind}_{agency['id']}.docx"
        text = docx_text(path)
        assert agency["name"] in text
        if kind == LETTER:  # the reply form names the agency, not its lead
            assert agency["contact"]["name"] in text
        others = [a for a in agencies if a["id"] != agency["id"]]
        assert not [a["contact"]["name"] for a in others if a["contact"]["name"] in text]
        assert not [a["contact"].get("email") for a in others if a["contact"].get("email", "\0") in text]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [r["id"] for r in manifest["recipients"]] == [a["id"] for a in agencies]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{reference}_{kind}_{a['id']}.docx" for a in agencies] + ["manifest.csv", "manifest.json"]
    )


def test_manifest_lists_ids_names_emails_files_and_true_hashes(tmp_path, invoke):
    case = new_case(tmp_path, invoke)
    rows = [recipient("police", "Sentinel Constabulary"), recipient("0042", "=HYPERLINK(\"x\")")]
    people = write_recipients(tmp_path / "r.csv", rows)
    out = tmp_path / "out"
    assert invoke("merge", LETTER, "--case", case, "--recipients", people, "--out", out, "--date", DATE).exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["kind"] == LETTER and manifest["combined"] is None
    for entry, row in zip(manifest["recipients"], rows, strict=True):
        assert (entry["id"], entry["name"], entry["email"]) == (row["id"], row["name"], row["email"])
        (file,) = entry["files"]
        assert file["sha256"] == hashlib.sha256((out / file["file"]).read_bytes()).hexdigest()
    table = list(csv.DictReader(io.StringIO((out / "manifest.csv").read_text(encoding="utf-8-sig"))))
    assert [r["recipient_id"] for r in table] == ["police", "0042"]
    assert table[1]["name"] == "'=HYPERLINK(\"x\")"  # a spreadsheet must not run it as a formula
    assert table[0]["docx_sha256"] == manifest["recipients"][0]["files"][0]["sha256"]


# --- hostile recipient files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_hostile_but_valid_values_give_safe_unique_files_and_escaped_text(tmp_path, invoke, suffix):
    case = new_case(tmp_path, invoke)
    long_name = "L" * 299 + "Z"
    rows = [
        recipient("CON", "Council & <Partners> \"Ltd\""),
        recipient("0042", "Emoji Agency \U0001f600 Trust"),
        recipient("long", long_name),
        recipient("nul", "Plain"),
    ]
    people = write_recipients(tmp_path / f"r{suffix}", rows)
    out = tmp_path / "out"
    result = invoke("merge", LETTER, "--case", case, "--recipients", people, "--out", out, "--date", DATE)
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    start = stem(case)
    assert names == sorted([f"{start}_CON.docx", f"{start}0042.docx", f"{start}long.docx", f"{start}_nul.docx",
                            "manifest.csv", "manifest.json"])
    assert all(p.resolve().parent == out.resolve() for p in out.iterdir())
    assert "Council & <Partners> \"Ltd\"" in docx_text(out / f"{start}_CON.docx")
    assert "Emoji Agency \U0001f600 Trust" in docx_text(out / f"{start}0042.docx")
    assert long_name in docx_text(out / f"{start}long.docx")
    assert "Emoji" not in docx_text(out / f"{start}_CON.docx")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize(
    "idents",
    [["../../x"], ["a" * 300], ["\U0001f600"], ["Police", "police"], ["a", "a-"]],
    ids=["traversal", "300-chars", "emoji", "case-only", "same-slug"],
)
def test_bad_or_colliding_ids_exit_3_before_writing(tmp_path, invoke, suffix, idents):
    case = new_case(tmp_path, invoke)
    people = write_recipients(tmp_path / f"r{suffix}", [recipient("ok", "Fine"),
                                                         *(recipient(i, SENTINEL_NAME) for i in idents)])
    out = tmp_path / "out"
    result = invoke("merge", LETTER, "--case", case, "--recipients", people, "--out", out, "--pdf")
    assert result.exit_code == 3, result.stderr
    assert not out.exists()
    assert SENTINEL_NAME not in result.stderr
    assert "row" in result.stderr or "share the file name" in result.stderr


def test_dry_run_checks_everything_and_writes_nothing_or_names(tmp_path, invoke):
    case_dir = fixture_cases()[0]
    data = yaml.safe_load((case_dir / "case.yaml").read_text(encoding="utf-8"))
    out = tmp_path / "out"
    result = invoke("merge", LETTER, "--case", case_dir, "--out", out, "--dry-run", "--combined", "--date", DATE)
    assert result.exit_code == 0, result.stderr
    assert not out.exists()
    # The letters, the combined .docx and .pdf, two manifests.
    assert result.stdout.count("would write") == len(data["agencies"]) + 4
    restricted = [p["name"] for group in ("children", "family") for p in data.get(group, [])]
    assert not [name for name in restricted if name in result.stdout + result.stderr]
    assert f"dry run: {len(data['agencies'])} recipient(s) checked" in result.stdout


def test_dry_run_reports_bad_rows_with_exit_3(tmp_path, invoke):
    case = new_case(tmp_path, invoke)
    people = write_recipients(tmp_path / "r.csv", [recipient("ok", "Fine"), recipient("bad/id", "X", type="ufo")])
    result = invoke("merge", LETTER, "--case", case, "--recipients", people, "--out", tmp_path / "o", "--dry-run")
    assert result.exit_code == 3
    assert "row 3, column id" in result.stderr and "row 3, column type" in result.stderr


def test_only_selects_recipients_and_unknown_id_is_exit_3(tmp_path, invoke):
    case = new_case(tmp_path, invoke)
    people = write_recipients(tmp_path / "r.csv", [recipient(i, f"Agency {i}") for i in ("a1", "b2", "c3")])
    out = tmp_path / "out"
    result = invoke("merge", LETTER, "--case", case, "--recipients", people, "--out", out, "--only", "A1,c3")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name.rsplit("_", 1)[-1] for p in out.glob("*.docx")) == ["a1.docx", "c3.docx"]
    missing = invoke("merge", LETTER, "--case", case, "--recipients", people, "--out", tmp_path / "o2", "--only", "zz")
    assert missing.exit_code == 3 and not (tmp_path / "o2").exists()


def test_kind_must_be_per_recipient(tmp_path, invoke):
    case = new_case(tmp_path, invoke)
    assert invoke("merge", "combined-summary", "--case", case).exit_code == 2


# --- existing targets ------------------------------------------------------------------------------------------


def test_existing_target_without_force_is_exit_5_and_nothing_changes(tmp_path, invoke):
    case = new_case(tmp_path, invoke)
    people = write_recipients(tmp_path / "r.csv", [recipient(i, f"Agency {i}") for i in ("a1", "b2", "c3")])
    out = tmp_path / "out"
    out.mkdir()
    existing = out / f"{stem(case)}c3.docx"
    existing.write_bytes(b"keep me")
    before = snapshot(out)
    result = invoke("merge", LETTER, "--case", case, "--recipients", people, "--out", out, "--date", DATE)
    assert result.exit_code == 5
    assert "already exists" in result.stderr
    assert snapshot(out) == before
    forced = invoke("merge", LETTER, "--case", case, "--recipients", people, "--out", out, "--force")
    assert forced.exit_code == 0
    assert existing.read_bytes().startswith(b"PK")


# --- progress ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quiet", "environ", "isatty", "shown"),
    [(False, {}, True, True), (True, {}, True, False), (False, {"CI": "true"}, True, False), (False, {}, False, False)],
)
def test_progress_bar_only_for_a_person_at_a_terminal(quiet, environ, isatty, shown):
    assert progress_enabled(quiet, environ, isatty) is shown


def test_core_reports_progress_through_the_callback_and_cli_stays_silent_off_a_terminal(tmp_path, invoke):
    import datetime as dt

    from cspr_docs.documents import CATALOGUE
    from cspr_docs.load import load_case
    from cspr_docs.merge import merge

    loaded = load_case(fixture_cases()[0])
    seen: list[tuple[str, int, int]] = []
    merge(loaded.case, CATALOGUE[LETTER], loaded.case.agencies, out=tmp_path / "core",
          issue_date=dt.date(2026, 3, 2), progress=lambda *event: seen.append(event))
    count = len(loaded.case.agencies)
    assert [e for e in seen if e[0] == "render"] == [("render", i, count) for i in range(1, count + 1)]
    assert seen[-1] == ("manifest", 1, 1)
    result = invoke("merge", LETTER, "--case", fixture_cases()[0], "--out", tmp_path / "cli")
    assert result.exit_code == 0 and result.stderr == ""
    quiet = invoke("merge", LETTER, "--case", fixture_cases()[0], "--out", tmp_path / "q", "--quiet")
    assert quiet.exit_code == 0 and quiet.stdout == "" and quiet.stderr == ""
    assert len(list((tmp_path / "q").iterdir())) == len(yaml.safe_load((fixture_cases()[0] / "case.yaml").read_text())["agencies"]) + 2
