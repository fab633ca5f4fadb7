"""The default template pack: structure, house style, the reply's machine-readable fields, reproducible build."""

from __future__ import annotations

import importlib.util
import re
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from conftest import REPO

TEMPLATES = REPO / "templates"
KINDS = [
    "referral-form",
    "information-request-letter",
    "information-request-reply",
    "combined-summary",
    "panel-covering-letter",
    "reviewer-notification",
    "terms-of-reference",
    "final-report",
    "publication-notice",
]
WORKING = [k for k in KINDS if k != "final-report"]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CONTRACT_NAMES = {
    "case", "partnership", "children", "family", "agencies", "review", "rapid_review", "recommendations",
    "subject", "due", "recipient", "document", "criteria", "local_criteria", "national_criteria", "replies",
    "chronology",
}
FILTERS = ["longdate", "weekday", "shortdate", "join_and", "pseudonym", "agency_name", "working_days", "lines"]
EXPECTED = {
    "referral-form": ["case.referral.referrer.senior_lead.name", "case.incident.aware_date", "for child in children"],
    "information-request-letter": ["recipient.contact.name", "due.replies|longdate", "rapid_review.meeting.date",
                                   "due.meeting_earliest", "case.incident.summary", "document.date|longdate",
                                   "partnership.signatories[0].name"],
    "information-request-reply": ["recipient.name", "due.replies|longdate", "case.reference"],
    "combined-summary": ["agency.summary is defined", "Reply awaited", "criteria[item.id]",
                         "rapid_review.meeting.attendees", "partnership.statutory_partners"],
    "panel-covering-letter": ["rapid_review.decision.rationale", "for signatory in partnership.signatories"],
    "reviewer-notification": ["review.reviewer.name", "review.decision_date", "due.publication"],
    "terms-of-reference": ["review.terms_of_reference.key_lines_of_enquiry", "scoping_period.start",
                           "review.terms_of_reference.contributions"],
    "final-report": ["review.reviewer.name", "for item in recommendations", "item.owner", "item.due",
                     "Summary of recommended improvements", "Systemic or underlying reasons"],
    "publication-notice": ["due.pre_publication_copy|longdate", "case.publication.planned_date"],
}


def _build_module():
    spec = importlib.util.spec_from_file_location("cspr_template_build", TEMPLATES / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _text(xml: bytes) -> str:
    return "".join(etree.fromstring(xml).itertext())


@pytest.mark.parametrize("kind", KINDS)
def test_template_opens_and_every_part_parses(kind: str) -> None:
    path = TEMPLATES / f"{kind}.docx"
    document = docx.Document(str(path))
    assert document.sections[0].page_width.twips == 11906  # A4
    assert document.sections[0].left_margin.cm == pytest.approx(2.0, abs=0.01)
    for name, data in _parts(path).items():
        if name.endswith((".xml", ".rels")):
            etree.fromstring(data, etree.XMLParser(resolve_entities=False))


@pytest.mark.parametrize("kind", KINDS)
def test_template_holds_the_fields_its_document_needs(kind: str) -> None:
    body = _text(_parts(TEMPLATES / f"{kind}.docx")["word/document.xml"])
    for expected in EXPECTED[kind]:
        assert expected in body, f"{kind}: {expected!r} missing"


@pytest.mark.parametrize("kind", KINDS)
def test_jinja_tags_each_sit_in_one_run_and_use_only_contract_names(kind: str) -> None:
    xml = _parts(TEMPLATES / f"{kind}.docx")["word/document.xml"].decode()
    runs = re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)
    for text in runs:
        assert text.count("{{") == text.count("}}") and text.count("{%") == text.count("%}"), text
    from docxtpl import DocxTemplate
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment()
    env.filters.update(dict.fromkeys(FILTERS, str))
    undeclared = DocxTemplate(str(TEMPLATES / f"{kind}.docx")).get_undeclared_template_variables(env)
    assert undeclared <= CONTRACT_NAMES


@pytest.mark.parametrize("kind", WORKING)
def test_working_documents_carry_the_marking_in_header_and_footer(kind: str) -> None:
    parts = _parts(TEMPLATES / f"{kind}.docx")
    headers = [_text(v) for k, v in parts.items() if re.fullmatch(r"word/header\d*\.xml", k)]
    footers = [_text(v) for k, v in parts.items() if re.fullmatch(r"word/footer\d*\.xml", k)]
    assert headers and all("{{ document.marking }}" in h for h in headers)
    assert footers and all("{{ document.marking }}" in f for f in footers)
    assert all("{{ case.reference }}" in f for f in footers)


def test_final_report_has_no_marking_and_no_restricted_fields() -> None:
    parts = _parts(TEMPLATES / "final-report.docx")
    everything = "".join(_text(v) for k, v in parts.items() if k.endswith(".xml"))
    assert "document.marking" not in everything
    assert not re.search(r"(child|person|member)\.name|children\[\d+\]\.name|date_of_birth", everything)


@pytest.mark.parametrize("kind", KINDS)
def test_footer_numbers_pages_with_fields(kind: str) -> None:
    parts = _parts(TEMPLATES / f"{kind}.docx")
    footer = b"".join(v for k, v in parts.items() if re.fullmatch(r"word/footer\d*\.xml", k)).decode()
    instructions = re.findall(r"<w:instrText[^>]*>\s*(\w+)\s*</w:instrText>", footer)
    assert instructions == ["PAGE", "NUMPAGES"]


def test_reply_template_has_a_content_control_for_every_answer() -> None:
    sys.path.insert(0, str(TEMPLATES))
    try:
        from source.forms import REPLY_FIELDS
    finally:
        sys.path.remove(str(TEMPLATES))
    parts = _parts(TEMPLATES / "information-request-reply.docx")
    root = etree.fromstring(parts["word/document.xml"])
    tags = [t.get(f"{W}val") for t in root.iter(f"{W}tag")]
    assert set(REPLY_FIELDS) | {"cspr:meta", "cspr:known:{{ person.id }}"} == set(tags)
    assert len(tags) == len(set(tags)), "a tag is used twice"
    for expected in ("cspr:involved", "cspr:summary", "cspr:key-events", "cspr:records-secured",
                     "cspr:learning-inter-agency", "cspr:approver-name"):
        assert expected in tags
    bookmarks = {b.get(f"{W}name") for b in root.iter(f"{W}bookmarkStart")}
    fields = {t for t in REPLY_FIELDS if t != "cspr:key-events"}
    assert {"cspr_" + t[5:].replace("-", "_") for t in fields} | {"cspr_key_events"} == bookmarks
    core = parts["docProps/core.xml"].decode()
    assert "{{ case.reference }}/{{ recipient.id }}/information-request-reply/1" in core
    custom = parts["docProps/custom.xml"].decode()
    assert "information-request-reply" in custom and "cspr.template-version" in custom


def test_slim_base_has_no_latent_styles_or_unused_parts() -> None:
    for kind in KINDS:
        parts = _parts(TEMPLATES / f"{kind}.docx")
        assert b"latentStyles" not in parts["word/styles.xml"]
        assert len(parts["word/styles.xml"]) < 20_000
        assert not {"word/stylesWithEffects.xml", "word/theme/theme1.xml", "docProps/thumbnail.jpeg"} & set(parts)


def test_committed_templates_equal_a_fresh_build(tmp_path: Path) -> None:
    from cspr_docs.documents import CATALOGUE

    written = _build_module().build(tmp_path)
    assert sorted(p.name for p in written) == sorted(k.template for k in CATALOGUE.values())
    for path in written:
        fresh, committed = _parts(path), _parts(TEMPLATES / path.name)
        assert list(fresh) == list(committed), path.name
        for name in fresh:
            assert fresh[name] == committed[name], f"{path.name}:{name} differs: run python templates/build.py"


def test_build_is_byte_for_byte_reproducible(tmp_path: Path) -> None:
    build = _build_module().build
    first = {p.name: p.read_bytes() for p in build(tmp_path / "a")}
    second = {p.name: p.read_bytes() for p in build(tmp_path / "b")}
    assert first == second
