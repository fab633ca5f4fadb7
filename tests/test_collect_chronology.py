"""The merged multi-agency chronology: uncertain dates, date order, local review chronologies, CSV/XLSX, rendering."""

from __future__ import annotations

import copy
import csv
import io
import json
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from cspr_docs.collect.chronology import merge, to_csv
from cspr_docs.collect.dates import parse_period, sort_key
from cspr_docs.collect.reply import CollectedReply, KeyEvent
from cspr_docs.collect.store import load_chronologies, load_replies
from cspr_docs.load import load_case
from test_collect import W, _run

CASE = "notification-death"


@pytest.mark.parametrize(("written", "start", "end", "uncertain"), [
    ("12/03/2025", "2025-03-12", "2025-03-12", False),
    ("?12/03/2025", "2025-03-12", "2025-03-12", True),
    ("?03/2025", "2025-03-01", "2025-03-31", True),
    ("??/03/2025", "2025-03-01", "2025-03-31", True),
    ("March 2025", "2025-03-01", "2025-03-31", False),
    ("c. 3rd Feb 25", "2025-02-03", "2025-02-03", True),
    ("early 2025", "2025-01-01", "2025-04-30", False),
    ("late 2024", "2024-09-01", "2024-12-31", False),
    ("mid-March 2025", "2025-03-11", "2025-03-20", False),
    ("2025", "2025-01-01", "2025-12-31", False),
    ("2025-03-12", "2025-03-12", "2025-03-12", False),
    ("12/03/2025 to 20/03/2025", "2025-03-12", "2025-03-12", False),
])
def test_written_dates_name_a_period(written, start, end, uncertain):
    period = parse_period(written)
    assert (period.start.isoformat(), period.end.isoformat(), period.uncertain) == (start, end, uncertain)


@pytest.mark.parametrize("written", ["", "unknown", "31/02/2025", "13/13/2025", "Smarch 2025"])
def test_unreadable_dates_sort_last(written):
    assert parse_period(written) is None
    assert sort_key(written) > sort_key("31/12/2099")


def test_sort_rule_wider_first_certain_before_uncertain_then_time():
    written = ["01/03/2025", "?03/2025", "2025", "March 2025", "early 2025", "not known", "14/03/2025 09:00",
               "14/03/2025", "28/02/2025"]
    assert sorted(written, key=sort_key) == ["2025", "early 2025", "28/02/2025", "March 2025", "?03/2025",
                                             "01/03/2025", "14/03/2025", "14/03/2025 09:00", "not known"]


def _reply(agency: str, *events: tuple[str, str], kind: str = "information-request-reply") -> CollectedReply:
    return CollectedReply(reference="NSCP-2025-014", agency=agency, kind=kind,
                          key_events=[KeyEvent(date=d, event=e) for d, e in events])


def test_merge_keeps_dates_as_written_with_the_source_agency():
    case = load_case(Path(__file__).parents[1] / "fixtures" / "cases" / CASE).case
    replies = {"police": _reply("police", ("?03/2025", "P1"), ("01/03/2025", "P2")),
               "csc": _reply("csc", ("01/03/2025", "C1"), ("", "C-undated")),
               "gp": _reply("gp", ("03/2025", "G-ignored"))}
    chronologies = {"gp": _reply("gp", ("02/03/2025", "G1"), kind="chronology-template")}
    entries = merge(case, replies, chronologies)
    assert [(e.event, e.agency) for e in entries] == [
        ("P1", "police"), ("C1", "csc"), ("P2", "police"), ("G1", "gp"), ("C-undated", "csc")]
    assert entries[0].date == "?03/2025" and entries[0].uncertain and entries[0].sort_date == "2025-03-01"
    assert entries[-1].undated and entries[-1].sort_date == ""
    assert entries[3].source == "chronology" and entries[0].source == "reply"
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]


def test_csv_export_neutralises_formulas():
    case = load_case(Path(__file__).parents[1] / "fixtures" / "cases" / CASE).case
    entries = merge(case, {"csc": _reply("csc", ("01/03/2025", "=HYPERLINK(\"http://x\")"))}, {})
    rows = list(csv.reader(io.StringIO(to_csv(entries).decode("utf-8-sig"))))
    assert rows[0][:4] == ["Seq", "Date", "Time", "Agency"]
    assert rows[1][1] == "01/03/2025" and rows[1][6] == "'=HYPERLINK(\"http://x\")"


def test_fixture_chronology_exports_in_date_order(invoke, case_copy, tmp_path):
    folder = case_copy(CASE)
    out_csv, out_xlsx = tmp_path / "chrono.csv", tmp_path / "chrono.xlsx"
    result = invoke("collect", "--case", folder, "--chronology", out_csv)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8-sig"))))
    replies = load_replies(folder)
    assert len(rows) == sum(len(r.key_events) for r in replies.values()) > 12
    keys = [sort_key(r["Date"], r["Time"]) for r in rows]
    assert keys == sorted(keys)
    assert {r["Agency"] for r in rows} == {a.name for a in load_case(folder).case.agencies}
    assert "?10/2025" in [r["Date"] for r in rows]  # kept as written
    assert invoke("collect", "--case", folder, "--chronology", out_xlsx).exit_code == 0
    from openpyxl import load_workbook

    sheet = load_workbook(out_xlsx).active
    dates = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert dates == [r["Date"] for r in rows]
    assert all(row[1].data_type == "s" for row in sheet.iter_rows(min_row=2))
    again = invoke("collect", "--case", folder, "--chronology", out_xlsx)
    assert again.exit_code == 5 and "already exists" in again.stderr
    bad = invoke("collect", "--case", folder, "--chronology", tmp_path / "chrono.txt")
    assert bad.exit_code == 3 and not (tmp_path / "chrono.txt").exists()


def test_fixture_renders_every_agency_and_the_chronology_in_date_order(invoke, case_copy, tmp_path):
    folder = case_copy(CASE)
    out = tmp_path / "out"
    result = invoke("render", "combined-summary", "multi-agency-chronology", "--case", folder, "--out", out,
                    "--date", "2026-01-07")
    assert result.exit_code == 0, result.stderr
    summary = docx.Document(str(out / "NSCP-2025-014_combined-summary.docx"))
    text = "\n".join(p.text for p in summary.paragraphs)
    cells = "\n".join(c.text for t in summary.tables for r in t.rows for c in r.cells)
    replies = load_replies(folder)
    case = load_case(folder).case
    assert set(replies) == {a.id for a in case.agencies}
    for agency in case.agencies:
        reply = replies[agency.id]
        assert agency.name in text
        for field in ("summary", "analysis", "learning_inter_agency", "immediate_actions"):
            assert getattr(reply, field).splitlines()[0] in text, (agency.id, field)
        assert reply.contact_period in cells
        for event in reply.key_events:
            assert event.event in cells
    assert "Reply awaited" not in text
    chronology = docx.Document(str(out / "NSCP-2025-014_multi-agency-chronology.docx"))
    table = chronology.tables[-1]
    dates = [row.cells[1].text for row in table.rows[1:]]
    assert len(dates) == sum(len(r.key_events) for r in replies.values())
    keys = [sort_key(row.cells[1].text, row.cells[2].text) for row in table.rows[1:]]
    assert keys == sorted(keys)


def test_combined_summary_shows_nil_return_and_reply_awaited(invoke, case_copy, tmp_path):
    folder = case_copy(CASE)
    (folder / "replies" / "police.yaml").unlink()
    gp = folder / "replies" / "gp.yaml"
    gp.write_text(gp.read_text().replace("involved: 'yes'", "involved: 'no'"))
    out = tmp_path / "out"
    assert invoke("render", "combined-summary", "--case", folder, "--out", out).exit_code == 0
    paragraphs = [p.text for p in docx.Document(str(out / "NSCP-2025-014_combined-summary.docx")).paragraphs]
    police = paragraphs.index("Northmoor Police")
    assert paragraphs[police + 1] == "Reply awaited"
    practice = paragraphs.index("Castlegate Medical Practice")
    assert paragraphs[practice + 1].startswith("Nil return. ")
    status = invoke("collect", "--status", "--case", folder, "--today", "2026-01-07", "--format", "json")
    states = {row["agency"]: (row["state"], row["overdue"], row["reply_by"]) for row in json.loads(status.stdout)}
    assert states["police"] == ("outstanding", True, "2026-01-06")
    assert states["gp"] == ("nil return", False, "2026-01-06")
    assert states["csc"][0] == "returned"
    early = invoke("collect", "--status", "--case", folder, "--today", "2026-01-06", "--format", "json")
    assert {r["agency"]: r["overdue"] for r in json.loads(early.stdout)}["police"] is False


def test_status_text_matches_replies_present(invoke, case_copy):
    folder = case_copy(CASE)
    for name in ("housing.yaml", "probation.yaml"):
        (folder / "replies" / name).unlink()
    result = invoke("collect", "--status", "--case", folder, "--today", "2026-01-08")
    assert result.exit_code == 0
    lines = {line.split()[0]: line for line in result.stdout.splitlines()[1:-1]}
    assert "outstanding" in lines["housing"] and "OVERDUE" in lines["housing"]
    assert "returned" in lines["csc"] and "OVERDUE" not in lines["csc"]
    assert result.stdout.splitlines()[-1] == "10 returned, 0 nil return, 2 outstanding (2 overdue) on 8 January 2026"


def _fill_chronology(source: Path, target: Path, rows: list[dict[str, str]]) -> Path:
    """Type rows into the chronology template's table (adding rows as needed), read by header text."""
    with zipfile.ZipFile(source) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    table = next(t for t in root.iter(W + "tbl")
                 if t.find(f"{W}tblPr/{W}tblCaption") is not None
                 and t.find(f"{W}tblPr/{W}tblCaption").get(W + "val") == "cspr:chronology")
    header, *body = table.findall(W + "tr")
    names = ["".join(c.itertext()) for c in header.findall(W + "tc")]
    while len(body) < len(rows):
        body.append(copy.deepcopy(body[-1]))
        body[-2].addnext(body[-1])
    for tr, values in zip(body, rows, strict=False):
        for tc, name in zip(tr.findall(W + "tc"), names, strict=True):
            p = tc.find(W + "p")
            for r in p.findall(W + "r"):
                p.remove(r)
            if values.get(name):
                p.append(_run(values[name]))
    for tr in body[len(rows):]:
        table.remove(tr)
    parts["word/document.xml"] = etree.tostring(root)
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return target


def test_local_review_chronology_reads_back_and_replaces_key_events(invoke, case_copy, tmp_path):
    folder = case_copy(CASE)
    out = tmp_path / "out"
    rendered = invoke("render", "chronology-template", "--case", folder, "--out", out, "--date", "2026-02-16")
    assert rendered.exit_code == 0, rendered.stderr
    blank = out / "NSCP-2025-014_chronology-template_police.docx"
    rows = [{"Date": "?02/2025", "Time": "", "Source record": "Incident log 1", "Who (role)": "PC (response)",
             "Event": "Domestic abuse incident", "Child seen": "No", "Child's voice": "",
             "Action / outcome": "DASH standard", "Significance": "Pregnancy known"},
            {"Date": "14/12/2025", "Time": "04:40", "Source record": "Incident log 2", "Who (role)": "PC (response)",
             "Event": "Attended with ambulance", "Child seen": "Yes", "Child's voice": "Not verbal",
             "Action / outcome": "Scene preserved", "Significance": ""}] + [
            {"Date": f"{day:02d}/11/2025", "Event": f"Contact {day}"} for day in range(1, 9)]
    filled = _fill_chronology(blank, tmp_path / "police-chronology.docx", rows)
    reply_file = (folder / "replies" / "police.docx").read_bytes()  # the example case keeps the returned reply
    result = invoke("collect", filled, "--case", folder)
    assert result.exit_code == 0, result.stderr
    assert "new: chronologies/police.yaml, chronologies/police.docx" in result.stdout
    assert (folder / "chronologies" / "police.docx").read_bytes() == filled.read_bytes()
    assert (folder / "replies" / "police.docx").read_bytes() == reply_file
    stored = load_chronologies(folder)["police"]
    assert stored.kind == "chronology-template"
    assert [(e.date, e.time, e.source_record, e.child_seen, e.child_voice) for e in stored.key_events][:2] == [
        ("?02/2025", "", "Incident log 1", "No", ""), ("14/12/2025", "04:40", "Incident log 2", "Yes", "Not verbal")]
    assert len(stored.key_events) == 10
    assert load_replies(folder)["police"].kind == "information-request-reply"  # the reply is untouched
    entries = merge(load_case(folder).case, load_replies(folder), load_chronologies(folder))
    police = [e for e in entries if e.agency == "police"]
    assert {e.source for e in police} == {"chronology"} and len(police) == 10


def test_chronology_without_replies_says_so(invoke, case_copy, tmp_path):
    folder = case_copy(CASE)
    for path in (folder / "replies").iterdir():
        path.unlink()
    out = tmp_path / "out"
    assert invoke("render", "multi-agency-chronology", "--case", folder, "--out", out).exit_code == 0
    table = docx.Document(str(out / "NSCP-2025-014_multi-agency-chronology.docx")).tables[-1]
    assert len(table.rows) == 2 and table.rows[1].cells[1].text.startswith("No events have been collected yet")


def test_xlsx_export_stores_formulas_as_text(tmp_path):
    from openpyxl import load_workbook

    from cspr_docs.collect.chronology import to_xlsx

    case = load_case(Path(__file__).parents[1] / "fixtures" / "cases" / CASE).case
    entries = merge(case, {"csc": _reply("csc", ("=1+1", "=SUM(A1:A9)"))}, {})
    target = tmp_path / "c.xlsx"
    target.write_bytes(to_xlsx(entries))
    row = next(load_workbook(target).active.iter_rows(min_row=2))
    assert (row[1].value, row[1].data_type, row[6].value, row[6].data_type) == ("=1+1", "s", "=SUM(A1:A9)", "s")
