"""`case check` warnings (QA finding 18): quorum, unassessed criteria, an age the date of birth contradicts, and the
example values `init` wrote; and the scaffold's fictional address (finding 26). Warnings name fields, never values."""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import CASES, SENTINEL_NAME, fixture_cases
from cspr_docs.load import format_loc, load_case
from cspr_docs.model import Case
from cspr_docs.model.consistency import find_observations
from cspr_docs.model.observations import INIT_EXAMPLES

INIT = Path(__file__).resolve().parents[1] / "src" / "cspr_docs" / "data" / "init"


@pytest.fixture(scope="module")
def base() -> dict[str, Any]:
    return load_case(CASES / "notification-death").case.model_dump()


def warned(base: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> list[tuple[str, str]]:
    data = copy.deepcopy(base)
    change(data)
    return [(format_loc(loc), message) for loc, message in find_observations(Case.model_validate(data))]


def _attendees(*agencies: str) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["rapid_review"]["meeting"]["attendees"] = [
            {"name": f"Person {i}", "role": "", "agency": a, "chair": False} for i, a in enumerate(agencies)]

    return change


@pytest.mark.parametrize("name", [p.name for p in fixture_cases()])
def test_the_fixtures_have_no_warnings(invoke, name):
    result = invoke("case", "check", CASES / name)
    assert result.exit_code == 0 and "warning" not in result.stdout, result.stdout


# --- quorum: the rule `check --kind combined-summary` applies ----------------------------------------------


def test_a_meeting_short_of_quorum_is_a_warning(base):
    fired = warned(base, _attendees("csc", "icb", "icb"))
    assert fired == [("rapid_review.meeting.attendees", ("the meeting was not quorate: 2 partner agencies (at least 3) "
                                                          "including 2 safeguarding partners (at least 2)"))]
    assert warned(base, _attendees("csc", "icb", "gp")) == []


def test_quorum_follows_the_partnership_rule(base):
    def strict(data: dict[str, Any]) -> None:
        _attendees("csc", "icb", "gp")(data)
        data["partnership"]["quorum"] = {"min_partner_agencies": 3, "min_safeguarding_partners": 3}

    assert [loc for loc, _ in warned(base, strict)] == ["rapid_review.meeting.attendees"]
    assert warned(base, lambda d: d["rapid_review"].update(meeting=None)) == []  # no meeting yet: nothing to say


def test_quorum_agrees_with_check(invoke, case_copy, tmp_path):
    import json

    folder = case_copy("notification-death")
    path = folder / "case.yaml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^      - \{name: .*agency: (?!csc\b|icb\b).*\n", "", text)
    path.write_text(text, encoding="utf-8")
    result = invoke("case", "check", folder)
    assert result.exit_code == 0, result.stderr
    assert "rapid_review.meeting.attendees: the meeting was not quorate: 2 partner agencies" in result.stdout
    draft = tmp_path / "summary.md"
    draft.write_text("# Combined summary\n\nText.\n", encoding="utf-8")
    checked = invoke("check", draft, "--case", folder, "--kind", "combined-summary", "--format", "json")
    findings = [f["rule"] for f in json.loads(checked.stdout)["files"][0]["findings"]]
    assert "rapid-review-quorum" in findings


# --- statutory criteria ------------------------------------------------------------------------------------


def test_criteria_left_unassessed_are_named_once_a_decision_is_recorded(base):
    def two_only(data: dict[str, Any]) -> None:
        data["rapid_review"]["decision"]["criteria"] = data["rapid_review"]["decision"]["criteria"][:2]

    assert warned(base, two_only) == [("rapid_review.decision.criteria", (
        "no assessment against agencies-working-together, panel-considers-local-review: add each with met and reason"))]
    assert warned(base, lambda d: d["rapid_review"].update(decision=None, submitted_date=None,
                                                          ratified_date=None, panel_response=None)) == []


def test_a_national_review_recommendation_needs_the_national_criteria_too(base):
    def national(data: dict[str, Any]) -> None:
        data["rapid_review"]["decision"]["outcome"] = "national-review-recommended"

    ((loc, message),) = warned(base, national)
    assert loc == "rapid_review.decision.criteria"
    assert "legislation-or-guidance-change, complex-or-national-importance" in message


# --- age against the date of birth -------------------------------------------------------------------------

BORN = dt.date(2019, 7, 14)


@pytest.mark.parametrize(("incident", "age", "contradicts"), [
    (dt.date(2026, 12, 18), "5 years", True),
    (dt.date(2026, 12, 18), "7 years", False),
    (dt.date(2026, 12, 18), "7", False),
    (dt.date(2026, 12, 18), "seven years old", False),
    (dt.date(2026, 12, 18), "aged 8", True),
    (dt.date(2026, 7, 13), "7 years", True),  # the day before the birthday
    (dt.date(2026, 7, 14), "7 years", False),
    (dt.date(2026, 12, 18), "7 years 5 months", False),
    (dt.date(2026, 12, 18), "7 years 9 months", True),
    (dt.date(2020, 1, 20), "6 months", False),
    (dt.date(2020, 1, 10), "6 months", False),  # 5 months 27 days: fair to round
    (dt.date(2020, 1, 20), "9 months", True),
    (dt.date(2019, 8, 1), "2 weeks", False),
    (dt.date(2019, 8, 1), "5 weeks", True),
    (dt.date(2019, 7, 17), "3 days", False),
    (dt.date(2026, 12, 18), "school age", False),  # not read: left alone
    (dt.date(2026, 12, 18), "a few years", False),
])
def test_an_age_the_date_of_birth_contradicts_is_a_warning(base, incident, age, contradicts):
    def change(data: dict[str, Any]) -> None:
        data["children"][0].update(date_of_birth=BORN, age=age)
        data["incident"]["date"] = incident

    fired = [(loc, message) for loc, message in warned(base, change) if loc.startswith("children")]
    expected = [("children[0].age", "does not match children[0].date_of_birth at incident.date: correct one of them")]
    assert fired == (expected if contradicts else [])


def test_no_age_warning_without_both_values(base):
    assert warned(base, lambda d: d["children"][0].update(date_of_birth=None, age="99 years")) == []
    assert warned(base, lambda d: d["children"][0].update(age="")) == []


# --- what `init` wrote --------------------------------------------------------------------------------------


def test_every_listed_example_value_is_one_init_writes():
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(INIT.glob("*.yaml")))
    for key, values in INIT_EXAMPLES.items():
        for value in values:
            where = rf"(?m)(\b{key}:\s+\[?|^[\s#]*-\s+){re.escape(value)}\s*([,}}\]#]|$)"
            assert re.search(where, text), (key, value)


def test_init_output_lists_what_is_still_an_example_and_passes(invoke, tmp_path):
    assert invoke("init", tmp_path / "c", "--route", "referral").exit_code == 0
    result = invoke("case", "check", tmp_path / "c")
    assert result.exit_code == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("warning: ")]
    case_file, profile = tmp_path / "c" / "case.yaml", (tmp_path / "c" / "partnership.yaml").resolve()
    suffix = ": still the example value `cspr-docs init` wrote: replace it"
    for where, field in [(case_file, "reference"), (case_file, "children[0].name"), (case_file, "family[0].name"),
                         (case_file, "agencies[1].contact.name"), (case_file, "referral.referrer.senior_lead.name"),
                         (profile, "partnership.name"), (profile, "partnership.address[2]")]:
        assert f"warning: {where}: {field}{suffix}" in lines, field
    assert all(line.endswith(suffix) for line in lines)  # the scaffold's age matches its date of birth
    assert "Replace With Real Name" not in result.stdout and "Designated Nurse" not in result.stdout


def test_replaced_values_and_example_roles_are_not_warned(invoke, tmp_path):
    assert invoke("init", tmp_path / "c", "--route", "notification").exit_code == 0
    path = tmp_path / "c" / "case.yaml"
    text = path.read_text(encoding="utf-8").replace("name: Replace With Real Name", f"name: {SENTINEL_NAME}")
    text = text.replace("      name: Designated Nurse", "      name: Asha Rahman\n      role: Designated Nurse")
    path.write_text(text, encoding="utf-8")
    result = invoke("case", "check", tmp_path / "c")
    assert result.exit_code == 0, result.stderr
    assert "children[0].name:" not in result.stdout and "agencies[1].contact.name:" not in result.stdout
    assert "agencies[1].contact.role:" not in result.stdout and SENTINEL_NAME not in result.stdout


def test_warnings_never_quote_values(invoke, tmp_path):
    assert invoke("init", tmp_path / "c", "--route", "notification").exit_code == 0
    path = tmp_path / "c" / "case.yaml"
    text = path.read_text(encoding="utf-8").replace('age: "6 years"', 'age: "11 years"')
    path.write_text(text.replace("date_of_birth: 2020-01-01", "date_of_birth: 2019-07-14", 1), encoding="utf-8")
    result = invoke("case", "check", tmp_path / "c")
    assert "warning: " in result.stdout and "children[0].age: does not match" in result.stdout
    assert "2019" not in result.stdout and "11 years" not in result.stdout


# --- the scaffold's address (QA finding 26) -----------------------------------------------------------------


def test_the_scaffold_address_has_no_real_postcode_area():
    text = (INIT / "partnership.yaml").read_text(encoding="utf-8")
    postcodes = re.findall(r"\b([A-Z]{1,2})\d[A-Z\d]? ?\d[A-Z]{2}\b", text)
    assert "EX1" not in text
    # No real postcode area starts with Q, V or X (Royal Mail's postcode format rules).
    assert all(area[0] in "QVX" for area in postcodes)


# --- a late submission to the Panel ----------------------------------------------------------------------


def test_a_late_submission_without_a_reason_is_a_warning(base):
    def late(data: dict[str, Any]) -> None:
        data["rapid_review"]["submitted_date"] = dt.date(2026, 2, 20)

    def late_with_reason(data: dict[str, Any]) -> None:
        late(data)
        data["rapid_review"]["delay_reason"] = "The meeting moved after a partner's request."

    assert warned(base, late) == [("rapid_review.submitted_date", ("after the due date (`cspr-docs timeline`): say "
                                   "why in rapid_review.delay_reason, which the covering letter prints"))]
    assert warned(base, late_with_reason) == []
