"""`cspr-docs timeline` on every fixture and scaffolded case, in table, JSON (schema-checked) and ICS formats."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import jsonschema
import pytest
from icalendar import Calendar

from conftest import CASES, SENTINEL_NAME, fixture_cases
from cspr_docs.load import load_case
from cspr_docs.timeline import MILESTONE_IDS, compute_timeline

DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "format": "date"}
NULLABLE_DATE = {"anyOf": [DATE, {"type": "null"}]}
TEXT = {"type": "string", "minLength": 1}

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "cspr-docs timeline --format json",
    "type": "object",
    "additionalProperties": False,
    "required": ["reference", "route", "today", "milestones"],
    "properties": {
        "reference": TEXT,
        "route": {"enum": ["notification", "referral"]},
        "today": DATE,
        "milestones": {
            "type": "array",
            "minItems": len(MILESTONE_IDS),
            "maxItems": len(MILESTONE_IDS),
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "title", "due", "state", "late", "done_date", "rule", "source"],
                "properties": {
                    "id": {"enum": list(MILESTONE_IDS)},
                    "title": TEXT,
                    "due": NULLABLE_DATE,
                    "state": {"enum": ["done", "due", "overdue", "not-applicable"]},
                    "late": {"type": "boolean"},
                    "done_date": NULLABLE_DATE,
                    "rule": TEXT,
                    "source": TEXT,
                },
            },
        },
    },
}
TODAY = "2026-05-20"
STATE_WORDS = {"done": "done", "due": "due", "overdue": "OVERDUE", "not-applicable": "not applicable"}
COLOUR = re.compile(r"\x1b\[(?:\d+;)*(?:3[0-8]|9[0-7])(?:;\d+)*m")


SCAFFOLDS = ["init-notification", "init-referral"]


def _init(invoke, tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    assert invoke("init", folder, "--route", name.removeprefix("init-")).exit_code == 0
    return folder


@pytest.fixture(params=[*(p.name for p in fixture_cases()), *SCAFFOLDS])
def case(request: pytest.FixtureRequest, tmp_path: Path, invoke) -> Path:
    """Each example case under fixtures/cases, and a case folder written by `cspr-docs init` for each route."""
    return _init(invoke, tmp_path, request.param) if request.param in SCAFFOLDS else CASES / request.param


@pytest.fixture(params=SCAFFOLDS)
def scaffold(request: pytest.FixtureRequest, tmp_path: Path, invoke) -> Path:
    """A case folder written by `cspr-docs init`."""
    return _init(invoke, tmp_path, request.param)


def run_json(invoke, case: Path, today: str = TODAY) -> dict:
    result = invoke("timeline", case, "--today", today, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_schema_is_itself_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_json_validates_and_matches_the_engine(invoke, case: Path) -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    data = run_json(invoke, case)
    validator.validate(data)
    timeline = compute_timeline(load_case(case).case, dt.date.fromisoformat(TODAY))
    assert data["reference"] == timeline.reference and data["today"] == TODAY
    assert [m["id"] for m in data["milestones"]] == list(MILESTONE_IDS)
    for row, milestone in zip(data["milestones"], timeline.milestones, strict=True):
        assert row["due"] == (milestone.due.isoformat() if milestone.due else None), case
        assert (row["state"], row["late"]) == (milestone.state, milestone.late), case


def test_table_lists_every_milestone_in_words(invoke, case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    data = run_json(invoke, case)
    result = invoke("timeline", case, "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    assert "\x1b[" not in result.stdout  # not a terminal: plain text
    assert f"{data['reference']} ({data['route']} route) on Wed 20 May 2026" in result.stdout
    for row in data["milestones"]:
        line = next(li for li in result.stdout.splitlines() if row["title"] in li)
        assert STATE_WORDS[row["state"]] in line, (case, row["id"], line)
        if row["due"]:
            due = dt.date.fromisoformat(row["due"])
            assert f"{due:%a} {due.day} {due:%b %Y}" in line


def test_ics_parses_back_with_one_all_day_event_per_due_date(invoke, case: Path) -> None:
    data = run_json(invoke, case)
    result = invoke("timeline", case, "--today", TODAY, "--format", "ics")
    assert result.exit_code == 0, result.stderr
    calendar = Calendar.from_ical(result.stdout_bytes)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    expected = {
        f"{data['reference']}-{row['id']}@cspr-docs": row["due"] for row in data["milestones"] if row["due"]
    }
    assert set(events) == expected.keys()
    for uid, due in expected.items():
        start, end = events[uid].decoded("DTSTART"), events[uid].decoded("DTEND")
        assert not isinstance(start, dt.datetime)  # all-day
        assert start.isoformat() == due and end == start + dt.timedelta(days=1)
    assert str(calendar["VERSION"]) == "2.0"


def test_the_ics_file_is_the_same_on_every_run(invoke, scaffold: Path) -> None:
    first = invoke("timeline", scaffold, "--today", TODAY, "--format", "ics").stdout_bytes
    assert first == invoke("timeline", scaffold, "--today", TODAY, "--format", "ics").stdout_bytes


def test_overdue_and_days_left_on_a_given_day(invoke, tmp_path: Path) -> None:
    case = tmp_path / "case"
    invoke("init", case, "--route", "notification")
    # sent Thu 8 Jan 2026: requests due Mon 12 Jan (8 days before 20 Jan); replies due Thu 22 Jan
    result = invoke("timeline", case, "--today", "2026-01-20")
    requests = next(li for li in result.stdout.splitlines() if "Information requests" in li)
    replies = next(li for li in result.stdout.splitlines() if "Agency replies" in li)
    assert "Mon 12 Jan 2026" in requests and "OVERDUE" in requests and "8 days overdue" in requests
    assert "Thu 22 Jan 2026" in replies and "2 days left" in replies
    data = run_json(invoke, case, "2026-01-20")
    assert {m["id"]: m["state"] for m in data["milestones"]}["information-requests"] == "overdue"


def test_a_late_step_is_done_and_says_late(invoke, tmp_path: Path) -> None:
    case = tmp_path / "case"
    invoke("init", case, "--route", "notification")
    path = case / "case.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("requests_sent_date:", "requests_sent_date: 2026-01-14", 1),
        encoding="utf-8",
    )
    result = invoke("timeline", case, "--today", "2026-01-20")
    requests = next(li for li in result.stdout.splitlines() if "Information requests" in li)
    assert "done late" in requests and "Wed 14 Jan 2026, 2 days late" in requests
    row = run_json(invoke, case, "2026-01-20")["milestones"][1]
    assert (row["state"], row["late"], row["done_date"]) == ("done", True, "2026-01-14")


def test_referral_route_has_no_notification_milestone(invoke, tmp_path: Path) -> None:
    case = tmp_path / "case"
    invoke("init", case, "--route", "referral")
    data = run_json(invoke, case)
    notification = data["milestones"][0]
    assert (notification["id"], notification["state"], notification["due"]) == ("notification", "not-applicable", None)


def test_colour_only_on_terminals_and_never_with_no_color(invoke, scaffold: Path, monkeypatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert COLOUR.search(invoke("timeline", scaffold, "--today", TODAY).stdout)
    monkeypatch.setenv("NO_COLOR", "1")
    plain = invoke("timeline", scaffold, "--today", TODAY).stdout
    assert not COLOUR.search(plain)
    assert "done" in plain or "due" in plain


def test_today_defaults_to_the_real_date(invoke, scaffold: Path) -> None:
    before = dt.date.today()
    result = invoke("timeline", scaffold, "--format", "json")
    after = dt.date.today()
    assert json.loads(result.stdout)["today"] in {before.isoformat(), after.isoformat()}


@pytest.mark.parametrize("bad", ["2026-02-30", "20260101", "2026-1-5", "tomorrow", "", "2026-01-01T00:00"])
def test_bad_today_is_a_usage_error(invoke, scaffold: Path, bad: str) -> None:
    result = invoke("timeline", scaffold, "--today", bad)
    assert result.exit_code == 2
    assert "--today" in result.stderr and result.stdout == ""


def test_unknown_format_is_a_usage_error(invoke, scaffold: Path) -> None:
    assert invoke("timeline", scaffold, "--format", "csv").exit_code == 2


def test_missing_case_is_bad_input(invoke, tmp_path: Path) -> None:
    result = invoke("timeline", tmp_path / "nowhere", "--today", TODAY)
    assert result.exit_code == 3
    assert result.stderr.startswith("error:") and result.stdout == ""


def test_invalid_case_is_bad_input_without_case_values(invoke, tmp_path: Path) -> None:
    case = tmp_path / "case"
    invoke("init", case, "--route", "notification")
    path = case / "case.yaml"
    text = path.read_text(encoding="utf-8").replace("Replace With Real Name", SENTINEL_NAME)
    path.write_text(text.replace("aware_date: 2026-01-06", "aware_date: 2026-13-06"), encoding="utf-8")
    for fmt in ("table", "json", "ics"):
        result = invoke("timeline", case, "--today", TODAY, "--format", fmt)
        assert result.exit_code == 3
        assert "incident.aware_date" in result.stderr
        assert SENTINEL_NAME not in result.stderr and result.stdout == ""


def test_case_file_path_works_like_its_folder(invoke, scaffold: Path) -> None:
    assert run_json(invoke, scaffold / "case.yaml") == run_json(invoke, scaffold)


def test_table_lines_carry_no_trailing_spaces(invoke, case: Path) -> None:
    result = invoke("timeline", case, "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(load_case(case).case.reference) and lines[-1].endswith("closure days.")
    assert [line for line in lines if line != line.rstrip()] == []


def test_json_and_calendar_cite_public_guidance_not_our_own_files(invoke, scaffold: Path) -> None:
    data = run_json(invoke, scaffold)
    ics = invoke("timeline", scaffold, "--today", TODAY, "--format", "ics").stdout_bytes
    descriptions = [str(e["DESCRIPTION"]) for e in Calendar.from_ical(ics).walk("VEVENT")]
    assert descriptions and all("Source: " in text for text in descriptions)
    texts = [m["source"] for m in data["milestones"]] + descriptions
    assert any("Working Together to Safeguard Children 2023, chapter 5" in text for text in texts)
    for text in texts:
        assert not re.search(r"seed|domain\.md|§", text), text
