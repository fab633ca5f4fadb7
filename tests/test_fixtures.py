"""The example cases: valid, synthetic, on the statutory clock, and never leaked into error messages."""

from __future__ import annotations

import calendar
import copy
import datetime as dt
import re
from pathlib import Path
from typing import Any

import holidays
import pytest
import yaml

from conftest import CASES, SENTINEL_NAME, fixture_cases
from cspr_docs.load import format_loc, load_case, read_yaml
from cspr_docs.model.criteria import LOCAL_REVIEW_CRITERIA
from cspr_docs.model.observations import leaves

EXPECTED = {"notification-death", "referral-serious-harm", "sibling-group"}
CASE_IDS = [p.name for p in fixture_cases()]
# Fields whose values come from a fixed list: the sentinel there is a schema error, not free text.
_CHOICE_KEYS = {"route", "type", "kind", "outcome"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

Loc = tuple[str | int, ...]


# ---------------------------------------------------------------- helpers


def _case_data(folder: Path) -> dict[str, Any]:
    """The raw case data with the shared partnership inlined when the case has none."""
    data = read_yaml(folder / "case.yaml").data
    if "partnership" not in data:
        data["partnership"] = read_yaml(CASES / "partnership.yaml").data
    return data


def _distinct_leaves(data: dict[str, Any]) -> list[Loc]:
    """One leaf per field of the schema (list positions folded), so each kind of field is tried once."""
    seen: set[Loc] = set()
    result = []
    for loc, _ in leaves(data):
        shape = tuple("*" if isinstance(p, int) else p for p in loc)
        if shape not in seen:
            seen.add(shape)
            result.append(loc)
    return result


def _is_choice(loc: Loc) -> bool:
    return loc[-1] in _CHOICE_KEYS or "requested" in loc or (len(loc) >= 3 and loc[-3:][::2] == ("criteria", "id"))


def _is_free_text(loc: Loc, value: Any) -> bool:
    return isinstance(value, str) and not _DATE.match(value) and not _is_choice(loc)


def _set(data: dict[str, Any], loc: Loc, value: Any) -> dict[str, Any]:
    new = copy.deepcopy(data)
    target: Any = new
    for part in loc[:-1]:
        target = target[part]
    target[loc[-1]] = value
    return new


def _dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_DUMPER, allow_unicode=True, width=10**6, sort_keys=False)


def _write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "case.yaml").write_text(text, encoding="utf-8")
    return folder


def _assert_no_sentinel(result: Any, what: str) -> None:
    assert result.exit_code == 3, f"{what}: exit {result.exit_code}\n{result.stdout}{result.stderr}"
    assert "Traceback" not in result.stderr, what
    seen = (result.stdout + result.stderr).casefold()
    assert SENTINEL_NAME.casefold() not in seen, f"{what}: sentinel leaked:\n{result.stderr}"


def _sentinel_line(text: str) -> int:
    lines = text.splitlines()
    return next(i for i, line in enumerate(lines) if SENTINEL_NAME in line)


def _corrupt(line: str, variant: int) -> str:
    """Break the YAML syntax of the line holding the sentinel, in one of several ways."""
    if variant == 0:  # unclosed flow sequence
        return line.replace(SENTINEL_NAME, "[" + SENTINEL_NAME, 1)
    if variant == 1:  # tab indentation
        return "\t" + line.lstrip(" ")
    if variant == 2:  # a control character YAML itself refuses
        return line.replace(SENTINEL_NAME, SENTINEL_NAME + "\x01", 1)
    stripped = line.lstrip(" ")
    if stripped.startswith("- ") and ": " not in stripped:  # a list item: unclosed quote
        return line.replace(SENTINEL_NAME, '"' + SENTINEL_NAME + "\\q", 1)
    return line + ": extra: value"  # a mapping value inside a plain scalar


# ---------------------------------------------------------------- the fixtures themselves


def test_the_three_example_cases_exist() -> None:
    assert EXPECTED <= set(CASE_IDS)
    assert (CASES / "partnership.yaml").is_file()


@pytest.mark.parametrize("name", CASE_IDS)
def test_fixture_passes_case_check(invoke, name: str) -> None:
    result = invoke("case", "check", CASES / name)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("ok: ")


def _working_days(start: dt.date, end: dt.date, closures: set[dt.date]) -> int:
    """Working days after `start` up to and including `end` (England & Wales; day 0 is `start`)."""
    bank = holidays.country_holidays("GB", subdiv="ENG", years=range(start.year, end.year + 1))
    days, count = start, 0
    while days < end:
        days += dt.timedelta(days=1)
        if days.weekday() < 5 and days not in bank and days not in closures:
            count += 1
    return count


@pytest.mark.parametrize("name", CASE_IDS)
def test_fixture_dates_follow_the_statutory_clock(name: str) -> None:
    case = load_case(CASES / name).case
    rr, scale = case.rapid_review, case.partnership.timescales
    closures = set(case.partnership.closure_days)
    day0 = case.notification.sent_date if case.route == "notification" else case.referral.received_date
    if case.notification:
        assert _working_days(case.incident.aware_date, day0, closures) <= scale.notification_working_days
    if rr.requests_sent_date:
        assert _working_days(day0, rr.requests_sent_date, closures) <= scale.requests_working_days
    if rr.replies_complete_date:
        assert _working_days(day0, rr.replies_complete_date, closures) <= scale.replies_working_days
    if rr.meeting:
        wd = _working_days(day0, rr.meeting.date, closures)
        assert scale.meeting_earliest_working_days <= wd <= scale.meeting_latest_working_days
    for done in (rr.ratified_date, rr.submitted_date):
        if done:
            assert _working_days(day0, done, closures) <= scale.rapid_review_working_days
    if case.review and case.publication.planned_date:
        assert case.publication.planned_date <= _add_months(case.review.decision_date, scale.publication_months)


def _add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months later, clamped to the month's last day (31 Aug + 6 months = 28/29 Feb)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def test_death_case_rapid_review_crosses_christmas_and_new_year() -> None:
    case = load_case(CASES / "notification-death").case
    start, end = case.notification.sent_date, case.rapid_review.submitted_date
    for bank_holiday in (dt.date(2025, 12, 25), dt.date(2025, 12, 26), dt.date(2026, 1, 1)):
        assert start < bank_holiday < end
    assert start.year == 2025 and case.review.terms_of_reference.timetable[-1].date.year == 2026


def _quorate(case: Any) -> tuple[int, int]:
    agencies = {a.agency for a in case.rapid_review.meeting.attendees}
    partners = {a for a in agencies if case.agency(a).statutory_partner}
    return len(agencies), len(partners)


def test_death_case_is_the_complete_example() -> None:
    case = load_case(CASES / "notification-death").case
    rr = case.rapid_review
    assert case.route == "notification" and case.incident.type == "death"
    assert len(case.agencies) == 12 and sum(a.statutory_partner for a in case.agencies) == 3
    agencies, partners = _quorate(case)
    assert agencies >= case.partnership.quorum.min_partner_agencies and partners >= 2
    assert rr.decision.outcome == "local-review"
    assert {c.id for c in rr.decision.criteria} == set(LOCAL_REVIEW_CRITERIA)
    assert rr.learning and rr.immediate_actions and all(a.owner and a.due for a in rr.immediate_actions)
    assert rr.ratified_date and rr.submitted_date and rr.panel_response
    assert all(getattr(rr.analysis, field) for field in type(rr.analysis).model_fields)
    tor = case.review.terms_of_reference
    assert 4 <= len(tor.key_lines_of_enquiry) <= 8 and tor.contributions and tor.timetable
    assert case.review.reviewer.name and case.publication.planned_date
    assert len(case.recommendations) >= 5
    assert case.partnership.protective_marking == "OFFICIAL-SENSITIVE"
    assert {p.kind for p in case.partnership.statutory_partners} == {"local-authority", "icb", "police"}


def test_referral_case_has_no_local_review() -> None:
    case = load_case(CASES / "referral-serious-harm").case
    assert case.route == "referral" and case.notification is None and case.review is None
    assert case.incident.type == "serious-harm" and len(case.agencies) == 6
    assert case.referral.referrer.senior_lead.name
    assert case.agency(case.referral.referrer.agency)
    assert case.rapid_review.decision.outcome == "alternative-learning-review"


def test_sibling_case_carries_awkward_text_and_its_own_partnership() -> None:
    raw = read_yaml(CASES / "sibling-group" / "case.yaml").data
    assert "partnership" in raw
    case = load_case(CASES / "sibling-group").case
    assert len(case.children) == 3 and len({c.local_authority for c in case.children}) == 2
    text = " ".join(
        [c.name for c in case.children] + [f.name for f in case.family] + [a.name for a in case.agencies]
    )
    for needle in ("'", "ë", "Ł", "-", "&", "<", ">"):
        assert needle in text
    assert "Smith & Jones <Family> Centre" in {a.name for a in case.agencies}
    assert "St Mary's C of E Primary School" in {a.name for a in case.agencies}
    assert case.partnership.name != load_case(CASES / "notification-death").case.partnership.name
    assert case.rapid_review.decision.outcome in ("national-review-recommended", "local-review")
    assert case.review.reviewer.name


# ---------------------------------------------------------------- synthetic identifiers only (H3)


def _fixture_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(CASES.rglob("*.yaml")))


def _nhs_checksum_ok(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return check != 10 and (check % 11) == int(digits[9])


def test_fixture_identifiers_are_synthetic() -> None:
    text = _fixture_text()
    phones = re.findall(r"(?<![\d-])(?:\+44\s?|0)\d{2,4}[\s\d]{6,10}\d", text)
    assert phones
    for phone in phones:
        digits = re.sub(r"\D", "", phone)
        assert digits.startswith(("01632960", "07700900")), "phone outside Ofcom's drama ranges"
    for run in re.findall(r"(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)", text):
        digits = re.sub(r"\D", "", run)
        assert not _nhs_checksum_ok(digits), "a 10-digit number passes the NHS number check"
    for nino in re.findall(r"\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b", text):
        assert nino.startswith("QQ")
    postcodes = re.findall(r"\b([A-Z]{1,2})\d[A-Z\d]? \d[A-Z]{2}\b", text)
    assert postcodes and set(postcodes) <= {"NM", "RV", "VL"}


# ---------------------------------------------------------------- the sentinel never leaks (H1)


def _consistency_fault(data: dict[str, Any]) -> dict[str, Any]:
    broken = copy.deepcopy(data)
    broken["incident"]["aware_date"] = "1999-01-01"
    return broken


@pytest.mark.parametrize("name", CASE_IDS)
def test_sentinel_in_each_field_with_a_consistency_error(invoke, tmp_path: Path, name: str) -> None:
    data = _case_data(CASES / name)
    reported = 0
    for n, loc in enumerate(_distinct_leaves(data)):
        text = _dump(_consistency_fault(_set(data, loc, SENTINEL_NAME)))
        result = invoke("case", "check", _write(tmp_path / str(n), text))
        _assert_no_sentinel(result, format_loc(loc))
        reported += "incident.aware_date: is before incident.date" in result.stderr
    assert reported > len(_distinct_leaves(data)) // 2  # most fields take the sentinel as valid text


@pytest.mark.parametrize("name", CASE_IDS)
def test_sentinel_in_each_field_with_a_syntax_error_on_its_line(invoke, tmp_path: Path, name: str) -> None:
    data = _case_data(CASES / name)
    for n, loc in enumerate(_distinct_leaves(data)):
        lines = _dump(_set(data, loc, SENTINEL_NAME)).splitlines()
        at = _sentinel_line("\n".join(lines))
        lines[at] = _corrupt(lines[at], n % 4)
        result = invoke("case", "check", _write(tmp_path / str(n), "\n".join(lines) + "\n"))
        _assert_no_sentinel(result, f"{format_loc(loc)} variant {n % 4}")
        assert "invalid YAML" in result.stderr, f"{format_loc(loc)} variant {n % 4}: {result.stderr}"
        assert re.search(r"case\.yaml:\d+", result.stderr)
        if n % 4 in (1, 2):  # unclosed brackets and quotes are reported where the parser gives up, further on
            assert f"case.yaml:{at + 1}:" in result.stderr


def _invalid_value(value: Any) -> Any:
    if isinstance(value, str) and _DATE.match(value):
        return f"2012-02-30 {SENTINEL_NAME}"
    if isinstance(value, str):
        return f"{SENTINEL_NAME} O'Brien-Łukasz <&>"
    return SENTINEL_NAME


@pytest.mark.parametrize("name", CASE_IDS)
def test_sentinel_in_each_field_made_invalid(invoke, tmp_path: Path, name: str) -> None:
    data = _case_data(CASES / name)
    for n, loc in enumerate(_distinct_leaves(data)):
        broken = _set(data, loc, _invalid_value(data_at(data, loc)))
        broken["zz_unexpected"] = "x"  # a schema error elsewhere, so free-text fields fail too
        result = invoke("case", "check", _write(tmp_path / str(n), _dump(broken)))
        _assert_no_sentinel(result, format_loc(loc))
        assert "unknown field (its name is not repeated here" in result.stderr and "zz_unexpected" not in result.stderr
        if not _is_free_text(loc, data_at(data, loc)):
            assert format_loc(loc) in result.stderr, f"{format_loc(loc)} not reported:\n{result.stderr}"


def data_at(data: Any, loc: Loc) -> Any:
    for part in loc:
        data = data[part]
    return data


def _saturate(data: dict[str, Any], value: str, *, free_text_only: bool) -> tuple[dict[str, Any], list[Loc]]:
    result, changed = copy.deepcopy(data), []
    for loc, old in leaves(data):
        if _is_free_text(loc, old) or (not free_text_only and isinstance(old, str)):
            result = _set(result, loc, value)
            changed.append(loc)
    return result, changed


@pytest.mark.parametrize("name", CASE_IDS)
def test_sentinel_everywhere_with_control_characters(invoke, tmp_path: Path, name: str) -> None:
    data, changed = _saturate(_case_data(CASES / name), SENTINEL_NAME + "\x0b", free_text_only=True)
    result = invoke("case", "check", _write(tmp_path, _dump(data)))
    _assert_no_sentinel(result, "control characters")
    for loc in changed:
        assert f" {format_loc(loc)}: contains control character U+000B" in result.stderr


@pytest.mark.parametrize("name", CASE_IDS)
def test_sentinel_everywhere_with_duplicate_keys(invoke, tmp_path: Path, name: str) -> None:
    data, _ = _saturate(_case_data(CASES / name), SENTINEL_NAME, free_text_only=True)
    out = []
    for line in _dump(data).splitlines():
        out.append(line)
        entry = re.match(r"^(\s*)(- )?([A-Za-z_]+: .*" + SENTINEL_NAME + ".*)$", line)
        if entry:  # the same key again, in the same mapping
            indent = entry.group(1) + ("  " if entry.group(2) else "")
            out.append(indent + entry.group(3))
    result = invoke("case", "check", _write(tmp_path, "\n".join(out) + "\n"))
    _assert_no_sentinel(result, "duplicate keys")
    assert result.stderr.count("duplicate key") > 10


@pytest.mark.parametrize("name", CASE_IDS)
def test_sentinel_everywhere_with_schema_errors(invoke, tmp_path: Path, name: str) -> None:
    data, changed = _saturate(_case_data(CASES / name), SENTINEL_NAME, free_text_only=False)
    data["zz_unexpected"] = SENTINEL_NAME
    result = invoke("case", "check", _write(tmp_path, _dump(data)))
    _assert_no_sentinel(result, "schema errors")
    assert "unknown field (its name is not repeated here" in result.stderr and "zz_unexpected" not in result.stderr
    assert any(_DATE.match(str(data_at(_case_data(CASES / name), loc))) for loc in changed)
    assert "expected a date written as YYYY-MM-DD" in result.stderr


@pytest.mark.parametrize("name", CASE_IDS)
def test_sentinel_everywhere_with_consistency_errors(invoke, tmp_path: Path, name: str) -> None:
    # Every id becomes the sentinel too: duplicate ids, and references that still resolve.
    data, _ = _saturate(_case_data(CASES / name), SENTINEL_NAME, free_text_only=True)
    result = invoke("case", "check", _write(tmp_path, _dump(_consistency_fault(data))))
    _assert_no_sentinel(result, "consistency errors")
    assert "duplicate agency id" in result.stderr and "is before incident.date" in result.stderr


# ---------------------------------------------------------------- the JSON Schema an editor uses (QA finding 5)


def _schema(invoke) -> dict[str, Any]:
    import json

    result = invoke("schema")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _written_cases(invoke, tmp_path: Path) -> list[Path]:
    """Every fixture case.yaml and both `init` case.yaml files, as they are on disk."""
    written = [p / "case.yaml" for p in fixture_cases()]
    for route in ("notification", "referral"):
        assert invoke("init", tmp_path / route, "--route", route).exit_code == 0
        written.append(tmp_path / route / "case.yaml")
    return written


def test_schema_does_not_require_the_partnership_and_says_where_it_lives(invoke) -> None:
    schema = _schema(invoke)
    assert "partnership" not in schema["required"]
    assert {"reference", "route", "children", "incident"} <= set(schema["required"])
    assert "partnership.yaml" in schema["properties"]["partnership"]["description"]


def test_every_case_file_validates_against_the_schema_as_written(invoke, tmp_path: Path) -> None:
    import jsonschema

    schema = _schema(invoke)
    validator = jsonschema.Draft202012Validator(schema)
    written = _written_cases(invoke, tmp_path)
    assert sum("partnership" not in read_yaml(p).data for p in written) >= 4  # most keep it in partnership.yaml
    for path in written:
        errors = validator.iter_errors(read_yaml(path).data)
        assert [f"{format_loc(tuple(e.absolute_path))}: {e.message}" for e in errors] == [], path
    profile = jsonschema.Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/Partnership"})
    for path in (CASES / "partnership.yaml", tmp_path / "notification" / "partnership.yaml"):
        assert list(profile.iter_errors(read_yaml(path).data)) == [], path


def test_the_schema_still_flags_a_case_without_children(invoke) -> None:
    import jsonschema

    data = read_yaml(CASES / "notification-death" / "case.yaml").data
    del data["children"]
    errors = list(jsonschema.Draft202012Validator(_schema(invoke)).iter_errors(data))
    assert [e.message for e in errors] == ["'children' is a required property"]
