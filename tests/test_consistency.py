"""Consistency rules of the later review fields: known agency ids, unique practitioner ids, review dates in order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import CASES, SENTINEL_NAME
from cspr_docs.model import Case, find_inconsistencies

DEATH = CASES / "notification-death"


@pytest.fixture(scope="module")
def base() -> dict[str, Any]:
    """The notification-death case as plain data: a review with practitioners, workshop, summary, draft sharing."""
    from cspr_docs.load import load_case

    if not (DEATH / "case.yaml").is_file():
        pytest.fail("notification-death fixture not there")
    return load_case(DEATH).case.model_dump()


def issues_after(base: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> list[tuple[str, str]]:
    import copy

    data = copy.deepcopy(base)
    change(data)
    return [(".".join(str(p) for p in loc), message) for loc, message in find_inconsistencies(Case.model_validate(data))]


def _set(*path: str | int, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _at_decision(*path: str | int) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        _set(*path, value=data["review"]["decision_date"])(data)

    return change


def _before_decision(*path: str | int) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        _set(*path, value=data["review"]["decision_date"] - dt.timedelta(days=1))(data)

    return change


def _delay(expected: int | None, planned: bool = True) -> Callable[[dict[str, Any]], None]:
    """A delay expected `expected` days after the planned date (None: no expected date)."""

    def change(data: dict[str, Any]) -> None:
        planned_date = data["publication"]["planned_date"]
        moved = None if expected is None else planned_date + dt.timedelta(days=expected)
        data["publication"]["delay"] = {"reasons": "Trial listed", "expected_date": moved}
        if not planned:
            data["publication"]["planned_date"] = None

    return change


def test_the_fixture_itself_is_consistent(base):
    assert issues_after(base, lambda data: data.update()) == []


# (rule, change that breaks it, field named, change at the boundary or otherwise fine)
RULES = [
    ("practitioner agency", _set("review", "practitioners", 0, "agency", value=SENTINEL_NAME),
     "review.practitioners.0.agency", _set("review", "practitioners", 0, "agency", value="police")),
    ("episode agencies", _set("review", "factual_summary", "episodes", 1, "agencies", value=["csc", SENTINEL_NAME]),
     "review.factual_summary.episodes.1.agencies.1",
     _set("review", "factual_summary", "episodes", 1, "agencies", value=["csc", "police"])),
    ("unique practitioner ids", lambda d: d["review"]["practitioners"][1].update(
        id=d["review"]["practitioners"][0]["id"].upper()), "review.practitioners.1.id",
     _set("review", "practitioners", 1, "id", value="another-id")),
    ("workshop reply by", lambda d: d["review"]["workshop"].update(reply_by=d["review"]["workshop"]["date"]
                                                                  + dt.timedelta(days=1)),
     "review.workshop.date",
     lambda d: d["review"]["workshop"].update(reply_by=d["review"]["workshop"]["date"])),
    ("workshop after decision", lambda d: d["review"]["workshop"].update(
        date=d["review"]["decision_date"] - dt.timedelta(days=1), reply_by=None), "review.workshop.date",
     lambda d: d["review"]["workshop"].update(date=d["review"]["decision_date"], reply_by=None)),
    ("chronology due", _before_decision("review", "chronology_due"), "review.chronology_due",
     _at_decision("review", "chronology_due")),
    ("information report due", _before_decision("review", "information_report_due"),
     "review.information_report_due", _at_decision("review", "information_report_due")),
    ("requests sent", _before_decision("review", "requests_sent_date"), "review.requests_sent_date",
     _at_decision("review", "requests_sent_date")),
    ("reviewer notification", _before_decision("review", "notification_sent_date"),
     "review.notification_sent_date", _at_decision("review", "notification_sent_date")),
    ("draft comments", lambda d: d["review"]["draft_sharing"].update(
        comments_by=d["review"]["draft_sharing"]["available_date"] - dt.timedelta(days=1)),
     "review.draft_sharing.comments_by",
     lambda d: d["review"]["draft_sharing"].update(comments_by=d["review"]["draft_sharing"]["available_date"])),
    ("delay after the plan", _delay(-1), "publication.delay.expected_date", _delay(30)),
    ("delay without a plan", _delay(-1), "publication.delay.expected_date", _delay(-1, planned=False)),
    ("delay without a date", _delay(-1), "publication.delay.expected_date", _delay(None)),
]


@pytest.mark.parametrize(("breaks", "field", "fine"), [r[1:] for r in RULES], ids=[r[0] for r in RULES])
def test_rule_fires_on_the_field_and_stays_silent_when_the_data_is_right(base, breaks, field, fine):
    fired = issues_after(base, breaks)
    assert [loc for loc, _ in fired] == [field]
    assert SENTINEL_NAME not in fired[0][1]
    assert issues_after(base, fine) == []


def test_date_messages_name_the_other_field_but_never_a_value(base):
    ((_, message),) = issues_after(base, _before_decision("review", "chronology_due"))
    assert "review.decision_date" in message
    assert not [part for part in message.split() if part[:1].isdigit()]


def test_case_check_reports_the_file_line_and_field(invoke, case_copy):
    folder = case_copy("notification-death")
    path = folder / "case.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.strip().startswith("- {id: hv-1"))
    lines[index] = lines[index].replace("agency: community-health", f"agency: {SENTINEL_NAME}")
    path.write_text("".join(lines), encoding="utf-8")
    result = invoke("case", "check", folder)
    assert result.exit_code == 3
    assert f"case.yaml:{index + 1}" in result.stderr and "review.practitioners[0].agency" in result.stderr
    assert SENTINEL_NAME not in result.stderr


@pytest.mark.parametrize("case_dir", sorted(p for p in CASES.iterdir() if (p / "case.yaml").is_file()),
                         ids=lambda p: Path(p).name)
def test_every_fixture_is_consistent(case_dir):
    from cspr_docs.load import load_case

    data = yaml.safe_load((case_dir / "case.yaml").read_text(encoding="utf-8"))
    case = load_case(case_dir).case
    assert find_inconsistencies(case) == []
    assert data["reference"] == case.reference


# --- warnings: `case check` prints them and still exits 0 -------------------------------------------------------


def observed_after(base: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> list[str]:
    import copy

    from cspr_docs.model.consistency import find_observations

    data = copy.deepcopy(base)
    change(data)
    return [".".join(str(p) for p in loc) for loc, _ in find_observations(Case.model_validate(data))]


def _no_family_route(data: dict[str, Any]) -> None:
    data["family"][0]["contact"].update(address=[], email="", by_hand=False, via="")


WARNINGS = [
    ("delay without a date", _delay(None, planned=False), "publication.delay.expected_date", _delay(30, planned=False)),
    ("planned date overtaken", _delay(30), "publication.planned_date", _delay(0)),
    ("workshop without practitioners", _set("review", "practitioners", value=[]), "review.practitioners",
     lambda d: d["review"].update(practitioners=[], workshop=None)),
    ("family contact unreachable", _no_family_route, "family.0.contact",
     lambda d: d["family"][0]["contact"].update(address=[], email="x@example.org", by_hand=False, via="")),
    ("agency unreachable", lambda d: d["agencies"][2]["contact"].update(email="", address=[]), "agencies.2.contact",
     lambda d: d["agencies"][2]["contact"].update(email="", address=["1 Road"])),
]


@pytest.mark.parametrize(("breaks", "field", "fine"), [w[1:] for w in WARNINGS], ids=[w[0] for w in WARNINGS])
def test_warning_fires_on_the_field_and_stays_silent_when_the_data_is_right(base, breaks, field, fine):
    assert observed_after(base, lambda data: data.update()) == []
    assert observed_after(base, breaks) == [field]
    assert observed_after(base, fine) == []


def test_case_check_prints_warnings_and_exits_0(invoke, case_copy):
    folder = case_copy("sibling-group")
    path = folder / "case.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("publication:\n", "publication:\n  planned_date: 2026-12-08\n", 1), encoding="utf-8")
    result = invoke("case", "check", folder)
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stdout.splitlines() if line.startswith("warning: ")]
    expected = (f"warning: {path}: publication.planned_date: is before publication.delay.expected_date: "
                "the publication notice would still announce it")
    assert warnings == [expected]
    assert "2026-12-08" not in result.stdout
    clean = invoke("case", "check", CASES / "sibling-group")
    assert clean.exit_code == 0 and "warning" not in clean.stdout


# --- field names in messages are written children[0].id, as everywhere else (QA finding 19) ---------------------


def test_duplicate_id_message_writes_the_first_place_with_brackets(invoke, case_copy):
    folder = case_copy("notification-death")
    path = folder / "case.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - id: mother\n", "  - id: CHILD-N\n", 1), encoding="utf-8")
    result = invoke("case", "check", folder)
    assert result.exit_code == 3
    assert "family[0].id: duplicate person id (ids must be unique, ignoring case; first used at children[0].id)" in (
        result.stderr)
    assert "children.0" not in result.stderr


# --- real names in pseudonyms, the title and published text (QA finding 6) -----------------------------------

CHILD_NAME = f"{SENTINEL_NAME} Zzmiddle Zzsurnamé"


def named(base: dict[str, Any], **where: Any) -> list[tuple[str, str]]:
    """Issues once the child is called CHILD_NAME (known as Zzknown) and `where` (dotted field: value) is set."""

    def change(data: dict[str, Any]) -> None:
        data["children"][0].update(name=CHILD_NAME, known_as="Zzknown")
        for field, value in where.items():
            target = data
            *path, last = [int(p) if p.isdigit() else p for p in field.split(".")]
            for key in path:
                target = target[key]
            target[last] = value

    return issues_after(base, change)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("children.0.pseudonym", CHILD_NAME, "contains the real name in children[0].name"),
    ("children.0.pseudonym", "ZZSENTINELNAME", "contains part of the real name in children[0].name"),
    ("title", f"The review of {SENTINEL_NAME.lower()}", "contains part of the real name in children[0].name"),
    ("title", "Zzsurname", "contains part of the real name in children[0].name"),  # accents ignored
    ("family.0.pseudonym", "Mrs Zzsurname", "contains part of the real name in children[0].name"),
    ("children.0.pseudonym", "Child Zzknown", "contains the name in children[0].known_as"),
])
def test_a_real_name_in_a_pseudonym_or_the_title_is_an_error(base, field, value, message):
    assert [(loc, m.split(":")[0]) for loc, m in named(base, **{field: value})] == [(field, message)]


def test_family_names_count_too_and_titles_do_not(base):
    family_name = "Mr Zzfather Zzfamily"

    def change(data: dict[str, Any]) -> None:
        data["family"][1]["name"] = family_name
        data["family"][0]["pseudonym"] = "Mr Zzfamily"
        data["family"][2]["pseudonym"] = "Mr Jones"  # "Mr" is in the name too, but it is not a name

    fired = issues_after(base, change)
    assert [(loc, m.split(":")[0]) for loc, m in fired] == [("family.0.pseudonym",
                                                             "contains part of the real name in family[1].name")]


@pytest.mark.parametrize("value", ["Child N", "Zz", "Zzsentinelnames", "Baby N", "Child Zzmiddl"])
def test_no_error_for_other_words_short_parts_or_part_words(base, value):
    assert named(base, **{"children.0.pseudonym": value}) == []


@pytest.mark.parametrize("field", [
    "learning_briefing.background", "learning_briefing.key_points.1.text", "learning_briefing.what_to_do.0",
    "recommendations.2.text", "review.terms_of_reference.methodology", "review.terms_of_reference.key_lines_of_enquiry.0",
    "review.factual_summary.episodes.0.summary", "review.reviewer.independence_statement",
])
def test_a_whole_name_in_published_text_is_an_error(base, field):
    for value in (f"Seen with {CHILD_NAME}.", f"As {SENTINEL_NAME.upper()} ZZSURNAME said.", "Zzknown's view."):
        fired = named(base, **{field: value})
        assert [loc for loc, _ in fired] == [field], value
        assert "documents name people by pseudonym" in fired[0][1] and SENTINEL_NAME not in fired[0][1]
    assert named(base, **{field: f"Only the first name, {SENTINEL_NAME}, and Child N."}) == []


def test_case_check_and_render_refuse_a_real_name_in_the_pseudonym(invoke, case_copy, tmp_path):
    folder = case_copy("notification-death")
    path = folder / "case.yaml"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    line = lines.index("    pseudonym: Child N") + 1
    path.write_text(text.replace("    pseudonym: Child N", "    pseudonym: Ellis Brackwater", 1), encoding="utf-8")
    for args in (("case", "check", folder), ("render", "final-report", "--case", folder, "--out", tmp_path / "o")):
        result = invoke(*args)
        assert result.exit_code == 3, result.stdout + result.stderr
        assert f"case.yaml:{line}:" in result.stderr
        assert "children[0].pseudonym: contains part of the real name in children[0].name" in result.stderr
        assert "Ellis" not in result.stderr + result.stdout and "Brackwater" not in result.stderr + result.stdout
    assert not (tmp_path / "o").exists()
