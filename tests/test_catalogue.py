"""The rest of the catalogue: review, family, workshop, outcome, delay and briefing documents for every fixture."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from functools import cache
from pathlib import Path

import docx
import pytest
from lxml import etree

from conftest import CASES, REPO, SENTINEL_NAME, fixture_cases, requires_soffice
from cspr_docs.documents import CATALOGUE, reached_kinds, recipients
from cspr_docs.errors import InputError
from cspr_docs.load import load_case
from cspr_docs.model import Case
from cspr_docs.render import Renderer, plan_documents, render_documents
from cspr_docs.render.context import base_context
from cspr_docs.render.env import longdate
from cspr_docs.timeline import due_dates

DAY = dt.date(2026, 5, 1)
NEW = ["outcome-letter", "chronology-request-letter", "chronology-template", "information-report-request-letter",
       "information-report-template", "factual-summary", "workshop-invitation", "family-letter", "family-letter-draft",
       "progress-request", "family-letter-publication", "delay-notice", "learning-briefing"]
CHRONOLOGY_HEADER = ["Date", "Time", "Source record", "Who (role)", "Event", "Child seen", "Child's voice",
                     "Action / outcome", "Significance"]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEMPLATES = REPO / "templates"


@cache
def _case(folder: Path) -> Case:
    return load_case(folder).case


def _texts(data: bytes) -> dict[str, str]:
    """Text of every XML part (each parsed strictly), by part name."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: "".join(etree.fromstring(archive.read(name)).itertext())
                for name in archive.namelist() if name.endswith((".xml", ".rels"))}


def _outputs(case: Case) -> dict[tuple[str, str | None], bytes]:
    renderer = Renderer(case, issue_date=DAY)
    return {(kind.id, getattr(r, "id", None)): renderer.render(kind, r)
            for kind in reached_kinds(case) if kind.id in NEW
            for r in (recipients(case, kind) if kind.per_recipient else [None])}


def _real_names(case: Case) -> list[str]:
    people = [*case.children, *case.family]
    names = [p.name for p in people] + [c.known_as for c in case.children if c.known_as]
    return sorted({part for name in names for part in re.split(r"[\s,]+", name) if len(part) > 3})


def test_every_new_kind_is_in_the_catalogue_and_reached_by_some_fixture():
    assert set(NEW) <= set(CATALOGUE)
    if not fixture_cases():
        pytest.fail("no fixture cases yet")
    reached = {k.id for folder in fixture_cases() for k in reached_kinds(_case(folder))}
    assert set(NEW) <= reached


@pytest.mark.parametrize("folder", fixture_cases(), ids=lambda p: p.name)
def test_each_new_kind_renders_for_each_recipient_with_its_values(folder):
    case = _case(folder)
    due = due_dates(case)
    outputs = _outputs(case)
    assert ("outcome-letter", case.agencies[0].id) in outputs
    for (kind_id, who), data in outputs.items():
        where = f"{kind_id} {who or ''}"
        docx.Document(io.BytesIO(data))  # re-opens
        parts = _texts(data)
        text = "\n".join(parts.values())
        for leftover in ("{{", "{%", "[[MISSING"):
            assert leftover not in text, f"{leftover} left in {where}"
        kind = CATALOGUE[kind_id]
        if not kind.publishable:
            assert case.reference in text, where
            assert case.partnership.protective_marking in parts["word/header1.xml"], where
        if kind.per_recipient == "agency":
            assert case.agency(who).name in text, where
        if kind_id == "outcome-letter":
            assert longdate(case.rapid_review.decision.date) in text
        if kind_id in ("chronology-request-letter", "chronology-template") and case.review.chronology_due:
            assert longdate(case.review.chronology_due) in text, where
        if kind_id.startswith("information-report"):
            terms = case.review.terms_of_reference
            assert all(q in text for q in terms.key_lines_of_enquiry), where
            own = [q for c in terms.contributions if c.agency == who for q in c.key_lines_of_enquiry]
            assert all(q in text for q in own), where
        if kind_id == "workshop-invitation":
            person = next(p for p in case.review.practitioners if p.id == who)
            assert person.name in text and case.agency(person.agency).name in text
            assert longdate(case.review.workshop.date) in text and case.review.workshop.start_time in text
        if kind_id.startswith("family-letter"):
            member = next(m for m in case.family if m.id == who)
            assert member.name in text and case.review.reviewer.name in text, where
            assert member.pseudonym in text and case.children[0].pseudonym in text, where
            words = "died" if kind_id == "family-letter" else "sorry we are for your loss"
            assert (words in text) == (case.incident.type == "death"), where
        if kind_id == "family-letter":
            assert "You do not have to take part" in text
        if kind_id == "delay-notice":
            assert longdate(due["publication"]) in text
            assert case.publication.delay.reasons.split()[0] in text
        if kind_id == "progress-request":
            assert "regulation 14" in text and case.review.reviewer.name in text
        if kind_id == "learning-briefing":
            assert case.partnership.protective_marking not in text
            assert all(p.heading in text for p in case.learning_briefing.key_points)
            leaked = [n for n in _real_names(case) if re.search(rf"\b{re.escape(n)}\b", text)]
            assert not leaked, "real names in the learning briefing"


_AT_REVIEW = [f for f in fixture_cases() if CATALOGUE["factual-summary"].reached(_case(f))]


def test_two_fixtures_reach_the_review_stage():
    assert len(_AT_REVIEW) >= 2


@pytest.mark.parametrize("folder", _AT_REVIEW, ids=lambda p: p.name)
def test_the_factual_summary_is_anonymised(folder):
    case = _case(folder)
    text = "\n".join(_texts(Renderer(case, issue_date=DAY).render(CATALOGUE["factual-summary"]))).lower()
    assert [n for n in _real_names(case) if re.search(rf"\b{re.escape(n.lower())}\b", text)] == []


def test_special_characters_come_out_exactly():
    case = _case(CASES / "sibling-group")
    outputs = {key: "\n".join(_texts(data).values()) for key, data in _outputs(case).items()}
    assert "Kwame <KJ> Asante & Brown" in outputs[("workshop-invitation", "fc-kw")]
    assert "https://meet.example.org/rvscp?id=7&pass=<x>" in outputs[("workshop-invitation", "fc-kw")]
    assert "Órla Ní Bhriain, Riverside <Family> Advocacy & Support" in outputs[("family-letter", "mother")]
    assert "“Children D, E & F”" in outputs[("family-letter", "father")]
    assert "Smith & Jones <Family> Centre" in outputs[("chronology-template", "family-centre")]


def test_chronology_template_is_readable_back():
    folder = next((f for f in fixture_cases() if CATALOGUE["chronology-template"].reached(_case(f))), None)
    if folder is None:
        pytest.fail("no fixture has reached the chronology")
    case = _case(folder)
    agency = recipients(case, CATALOGUE["chronology-template"])[0]
    data = Renderer(case, issue_date=DAY).render(CATALOGUE["chronology-template"], agency)
    document = docx.Document(io.BytesIO(data))
    assert document.core_properties.identifier == f"{case.reference}/{agency.id}/chronology-template/1"
    body = document.element.body
    marks = [b for b in body.iter(f"{W}bookmarkStart") if b.get(f"{W}name") == "cspr_chronology"]
    assert len(marks) == 1
    following = marks[0].getparent().itersiblings()
    table = next(el for el in following if el.tag in (f"{W}tbl", f"{W}sdt"))
    first_row = next(table.iter(f"{W}tr"))
    header = ["".join(t.text or "" for t in cell.iter(f"{W}t")).strip() for cell in first_row.iter(f"{W}tc")]
    assert header == CHRONOLOGY_HEADER
    assert document.sections[0].page_width > document.sections[0].page_height  # landscape


def test_recipients_follow_the_case():
    folder = next((f for f in fixture_cases() if f.name == "notification-death"), None)
    if folder is None:
        pytest.fail("notification-death fixture not there")
    case = _case(folder)
    terms = case.review.terms_of_reference
    asked = {c.agency for c in terms.contributions if "chronology" in c.requested}
    assert {a.id for a in recipients(case, CATALOGUE["chronology-template"])} == asked
    assert [m.id for m in recipients(case, CATALOGUE["family-letter"])] == [
        m.id for m in case.family if m.contact is not None]
    assert "sibling-1" not in {m.id for m in recipients(case, CATALOGUE["family-letter"])}
    assert len(recipients(case, CATALOGUE["workshop-invitation"])) == len(case.review.practitioners)
    data = case.model_dump()
    data["review"]["practitioners"] = []
    data["family"] = [{**m, "name": SENTINEL_NAME, "contact": None} for m in data["family"]]
    bare = Case.model_validate(data)
    for kind_id in ("workshop-invitation", "family-letter"):
        with pytest.raises(InputError) as caught:
            plan_documents(bare, [CATALOGUE[kind_id]], Path("out"))
        assert SENTINEL_NAME not in caught.value.message and kind_id in caught.value.message


def test_family_is_not_told_a_publication_date_a_delay_has_overtaken():
    folder = next((f for f in fixture_cases() if f.name == "notification-death"), None)
    if folder is None:
        pytest.fail("notification-death fixture not there")
    case = _case(folder)
    kind = CATALOGUE["family-letter-publication"]
    assert kind.reached(case)
    data = case.model_dump()
    data["publication"]["delay"] = {"reasons": "Trial listed", "expected_date": dt.date(2027, 1, 29)}
    assert not kind.reached(Case.model_validate(data))
    assert CATALOGUE["delay-notice"].reached(Case.model_validate(data))


def test_publishable_briefing_context_drops_family_contact_and_known_names():
    folder = next((f for f in fixture_cases() if f.name == "notification-death"), None)
    if folder is None:
        pytest.fail("notification-death fixture not there")
    context = base_context(_case(folder), publishable=True)
    for person in [*context["children"], *context["family"]]:
        assert not {"name", "known_as", "contact", "date_of_birth"} & set(person)


def test_render_all_writes_every_recipient_file(tmp_path):
    folder = next((f for f in fixture_cases() if f.name == "notification-death"), None)
    if folder is None:
        pytest.fail("notification-death fixture not there")
    case = _case(folder)
    kinds = [CATALOGUE[k] for k in ("workshop-invitation", "family-letter", "delay-notice") if k in CATALOGUE]
    kinds = [k for k in kinds if k.reached(case)]
    written = render_documents(case, kinds, out=tmp_path, issue_date=DAY)
    names = sorted(p.name for p in written)
    assert f"{case.reference}_family-letter_mother.docx" in names
    assert f"{case.reference}_workshop-invitation_{case.review.practitioners[0].id}.docx" in names
    assert len(names) == len(case.review.practitioners) + len(recipients(case, CATALOGUE["family-letter"]))


@pytest.mark.parametrize("kind", NEW)
def test_template_marking_rules(kind):
    with zipfile.ZipFile(TEMPLATES / f"{kind}.docx") as archive:
        parts = {n: "".join(etree.fromstring(archive.read(n)).itertext())
                 for n in archive.namelist() if n.endswith(".xml")}
    headers = [v for k, v in parts.items() if re.fullmatch(r"word/header\d*\.xml", k)]
    footers = [v for k, v in parts.items() if re.fullmatch(r"word/footer\d*\.xml", k)]
    everything = "".join(parts.values())
    if CATALOGUE[kind].publishable:
        assert "document.marking" not in everything
        people = r"(child|children\[\d+\]|person|member|family\[\d+\]|recipient)"
        assert not re.search(people + r"\.(name|known_as|contact|date_of_birth)\b", everything)
    else:
        assert headers and all("{{ document.marking }}" in h for h in headers)
        assert footers and all("{{ document.marking }}" in f and "{{ case.reference }}" in f for f in footers)


@requires_soffice
def test_pdfs_of_every_new_kind(tmp_path):
    from pypdf import PdfReader

    from cspr_docs.pdf.convert import convert_to_pdf

    chosen: dict[str, Path] = {}
    for folder in fixture_cases():
        case = _case(folder)
        for kind in reached_kinds(case):
            if kind.id in NEW and kind.id not in chosen:
                out = tmp_path / folder.name
                planned = plan_documents(case, [kind], out)[:1]
                renderer = Renderer(case, issue_date=DAY)
                out.mkdir(exist_ok=True)
                planned[0].path.write_bytes(renderer.render(kind, planned[0].recipient))
                chosen[kind.id] = planned[0].path
    pdfs = convert_to_pdf(list(chosen.values()), tmp_path / "pdf")
    pages = {path.stem.split("_")[1]: len(PdfReader(str(path)).pages) for path in pdfs}
    assert set(pages) == set(chosen)
    assert pages["learning-briefing"] <= 2
    assert all(pages[k] <= 3 for k in pages if k.endswith("letter") or k.startswith("family-letter"))
