"""The document catalogue: kinds, templates, stages, and which documents a case has reached."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import fixture_cases
from cspr_docs.documents import CATALOGUE, reached_kinds
from cspr_docs.load import load_case
from cspr_docs.model import Case
from cspr_docs.render import output_name, plan_documents, select_kinds

CORE = ["referral-form", "information-request-letter", "information-request-reply", "combined-summary",
        "panel-covering-letter", "reviewer-notification", "terms-of-reference", "final-report", "publication-notice"]


def test_catalogue_core_kinds():
    assert list(CATALOGUE)[: len(CORE)] == CORE
    for kind in CATALOGUE.values():
        assert kind.template == f"{kind.id}.docx"
    assert {k.id for k in CATALOGUE.values() if k.per_recipient == "agency"} >= {
        "information-request-letter", "information-request-reply", "outcome-letter", "chronology-template"}
    assert {k.id for k in CATALOGUE.values() if k.per_recipient == "practitioner"} == {"workshop-invitation"}
    assert [k.id for k in CATALOGUE.values() if k.publishable] == ["final-report", "learning-briefing"]


def _scaffold(invoke, tmp_path, route: str) -> Case:
    assert invoke("init", tmp_path / route, "--route", route).exit_code == 0
    return load_case(tmp_path / route).case


def test_reached_grows_with_the_case(invoke, tmp_path):
    case = _scaffold(invoke, tmp_path, "notification")
    assert [k.id for k in reached_kinds(case)] == ["information-request-letter", "information-request-reply"]
    data = case.model_dump()
    data["rapid_review"]["decision"] = {"outcome": "local-review", "date": dt.date(2026, 1, 20), "rationale": "r"}
    data["review"] = {"decision_date": dt.date(2026, 1, 20), "reviewer": {"name": "R"}}
    data["publication"]["planned_date"] = dt.date(2026, 7, 1)
    grown = Case.model_validate(data)
    assert [k.id for k in reached_kinds(grown)] == [
        "information-request-letter", "information-request-reply", "combined-summary", "panel-covering-letter",
        "reviewer-notification", "final-report", "publication-notice", "outcome-letter",
        "progress-request"]  # no terms of reference recorded yet
    assert [k.id for k in reached_kinds(grown, stage="review")] == ["reviewer-notification", "progress-request"]
    referral = _scaffold(invoke, tmp_path, "referral")
    assert reached_kinds(referral)[0].id == "referral-form"


def test_names_and_plan(invoke, tmp_path):
    case = _scaffold(invoke, tmp_path, "notification")
    letter, summary = CATALOGUE["information-request-letter"], CATALOGUE["combined-summary"]
    assert output_name(case, summary) == "CSPR-0000-00_combined-summary.docx"
    assert output_name(case, letter, case.agencies[0]) == "CSPR-0000-00_information-request-letter_csc.docx"
    planned = plan_documents(case, [letter, summary], tmp_path)
    assert [p.path.name for p in planned][-1] == "CSPR-0000-00_combined-summary.docx"
    assert len(planned) == len(case.agencies) + 1
    with pytest.raises(Exception, match="nothing to render"):
        select_kinds(case, stage="publication")


@pytest.mark.parametrize("folder", fixture_cases(), ids=lambda p: p.name)
def test_fixture_cases_reach_documents_consistent_with_their_data(folder):
    case = load_case(folder).case
    reached = {k.id for k in reached_kinds(case)}
    assert ("referral-form" in reached) == (case.route == "referral")
    assert ("combined-summary" in reached) == (case.rapid_review.decision is not None)
    assert ("final-report" in reached) == (case.review is not None)
