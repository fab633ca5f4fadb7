"""The rendering engine: sandbox, strictness, escaping, draft placeholders, compile-once, context contract."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from conftest import SENTINEL_NAME
from cspr_docs.documents import CATALOGUE
from cspr_docs.errors import TemplateError
from cspr_docs.load import load_case
from cspr_docs.model import Case
from cspr_docs.render import Renderer, render_documents
from cspr_docs.render.context import base_context
from cspr_docs.render.docx import compile_template
from cspr_docs.render.env import make_environment

DAY = dt.date(2026, 11, 21)
LETTER = CATALOGUE["information-request-letter"]
REPORT = CATALOGUE["final-report"]


def make_template(
    path: Path,
    body: list[str],
    *,
    header: str = "{{ document.marking }}",
    footer: str = "{{ case.reference }}",
    title: str = "{{ subject }}",
    cells: tuple[str, str] | None = None,
) -> Path:
    """A small .docx template built with python-docx."""
    document = docx.Document()
    document.core_properties.title = title
    section = document.sections[0]
    section.header.paragraphs[0].text = header
    section.footer.paragraphs[0].text = footer
    for text in body:
        document.add_paragraph(text)
    if cells:
        table = document.add_table(rows=1, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = cells
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def _case(invoke, tmp_path: Path, **updates) -> Case:
    folder = tmp_path / "case"
    assert invoke("init", folder, "--route", "notification").exit_code == 0
    case = load_case(folder).case
    if updates:
        case = Case.model_validate({**case.model_dump(), **updates})
    return case


def _with_agency_name(case: Case, name: str) -> Case:
    data = case.model_dump()
    data["agencies"][0]["name"] = name
    return Case.model_validate(data)


def _render(case: Case, template: Path, kind=LETTER, *, draft: bool = False) -> docx.Document:
    renderer = Renderer(case, issue_date=DAY, draft=draft)
    renderer._compiled[kind.id] = compile_template(template, renderer.env)
    recipient = case.agencies[0] if kind.per_recipient else None
    data = renderer.render(kind, recipient)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # every XML part parses strictly
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(archive.read(name))
    return docx.Document(io.BytesIO(data))


def _all_text(document: docx.Document) -> str:
    section = document.sections[0]
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join(
        [p.text for p in document.paragraphs] + cells
        + [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
        + [document.core_properties.title or ""]
    )


def test_values_land_in_body_table_header_footer_and_title(invoke, tmp_path):
    case = _case(invoke, tmp_path)
    template = make_template(tmp_path / "t.docx", ["Dear {{ recipient.contact.name }}", "{{ due.replies|longdate }}"],
                             cells=("{{ recipient.name }}", "{{ document.date|shortdate }}"))
    out = _render(case, template)
    assert out.paragraphs[0].text == f"Dear {case.agencies[0].contact.name}"
    assert out.tables[0].cell(0, 0).text == case.agencies[0].name
    assert out.tables[0].cell(0, 1).text == "21/11/2026"
    assert out.sections[0].header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    assert out.sections[0].footer.paragraphs[0].text == case.reference
    assert out.core_properties.title == "Child A"


@pytest.mark.parametrize("text", ["B&B <Ltd> \"quoted\" 'x' Zoë Ødegård – l'été", "Fish &amp; chips &lt;b&gt;"])
def test_special_characters_come_out_exactly_everywhere(invoke, tmp_path, text):
    case = _with_agency_name(_case(invoke, tmp_path), text)
    tag = "{{ recipient.name }}"
    template = make_template(tmp_path / "t.docx", [tag], header=tag, footer=tag, title=tag, cells=(tag, "x"))
    out = _render(case, template)
    assert out.paragraphs[0].text == text
    assert out.tables[0].cell(0, 0).text == text
    assert out.sections[0].header.paragraphs[0].text == text
    assert out.sections[0].footer.paragraphs[0].text == text
    assert out.core_properties.title == text


def test_template_syntax_in_data_is_printed_literally(invoke, tmp_path):
    payload = "{{ 7*7 }} {% include 'x' %} {{ ''.__class__.__mro__ }}"
    case = _with_agency_name(_case(invoke, tmp_path), payload)
    out = _render(case, make_template(tmp_path / "t.docx", ["{{ recipient.name }}"], title="{{ recipient.name }}"))
    assert out.paragraphs[0].text == payload
    assert out.core_properties.title == payload
    assert "49" not in _all_text(out)


def test_xml_illegal_characters_are_stripped_and_line_breaks_survive(invoke, tmp_path):
    case = _with_agency_name(_case(invoke, tmp_path), "Bad\x00\x07\x0b\x0c\x1f\ufffe name\r\nsecond line")
    out = _render(case, make_template(tmp_path / "t.docx", ["{{ recipient.name }}", "{{ ['a', 'b']|lines }}"]))
    assert out.paragraphs[0].text == "Bad name\nsecond line"
    assert out.paragraphs[1].text == "a\nb"
    assert len(out.paragraphs) == 2


@pytest.mark.parametrize("where", ["body", "header", "footer", "title", "cell"])
@pytest.mark.parametrize("payload", ["{{ ''.__class__.__mro__ }}", '{{ "x"|attr("format") }}',
                                     "{{ '{0}'.format(1) }}", "{{ range(10**6)|list|length }}",
                                     "{{ 'x' * 10**9 }}", "{{ case.__class__ }}"])
def test_unsafe_template_constructs_are_refused_everywhere(invoke, tmp_path, where, payload):
    case = _case(invoke, tmp_path)
    places = {"header": "x", "footer": "x", "title": "x"}
    body = ["Hello"]
    cells = None
    if where == "body":
        body = [payload]
    elif where == "cell":
        cells = (payload, "x")
    else:
        places[where] = payload
    template = make_template(tmp_path / "t.docx", body, cells=cells, **places)
    with pytest.raises(TemplateError, match=r"t\.docx: (unsafe template construct refused|a loop or value is too)"):
        _render(case, template)


def test_missing_value_names_template_field_and_place_without_case_values(invoke, tmp_path):
    case = _case(invoke, tmp_path)
    data = case.model_dump()
    data["children"][0]["name"] = SENTINEL_NAME
    case = Case.model_validate(data)
    template = make_template(
        tmp_path / "letter.docx",
        ["Child: {{ children[0].name }}", "Reviewer: {{ review.reviewer.name }}"],
        cells=("Meeting {{ rapid_review.meeting.date|longdate }}", "{{ recipient.contact.fax }}"),
    )
    with pytest.raises(TemplateError) as caught:
        _render(case, template)
    message = caught.value.message
    assert "letter.docx" in message
    assert 'review.reviewer.name, at body, paragraph 2, "Reviewer: {{ review.reviewer.name }}"' in message
    assert "rapid_review.meeting.date, at body, table 1 row 1 cell 1" in message and "case.rapid" not in message
    assert "recipient.contact.fax" in message
    assert SENTINEL_NAME not in message


def test_empty_value_printed_is_an_error_but_false_in_tests(invoke, tmp_path):
    case = _case(invoke, tmp_path)
    template = make_template(tmp_path / "t.docx", [
        "{% if review %}yes{% else %}no review{% endif %}",
        "{{ 'none' if rapid_review.requests_sent_date is none else 'set' }}",
        "{{ rapid_review.requests_sent_date|default('not sent') }}",
    ])
    out = _render(case, template)
    assert [p.text for p in out.paragraphs] == ["no review", "none", "not sent"]
    with pytest.raises(TemplateError, match=r": rapid_review\.requests_sent_date has no value"):
        _render(case, make_template(tmp_path / "u.docx", ["{{ rapid_review.requests_sent_date|longdate }}"]))


def test_draft_renders_visible_placeholders(invoke, tmp_path):
    case = _case(invoke, tmp_path)
    template = make_template(tmp_path / "t.docx", [
        "{{ review.reviewer.name }}", "{{ rapid_review.requests_sent_date|longdate }}", "{{ recipient.contact.fax }}",
    ], header="{{ nosuch }}")
    out = _render(case, template, draft=True)
    assert [p.text for p in out.paragraphs] == [
        "[[MISSING: review.reviewer.name]]",
        "[[MISSING: rapid_review.requests_sent_date]]",
        "[[MISSING: recipient.contact.fax]]",
    ]
    assert out.sections[0].header.paragraphs[0].text == "[[MISSING: nosuch]]"


def test_syntax_error_names_place(invoke, tmp_path):
    case = _case(invoke, tmp_path)
    template = make_template(tmp_path / "t.docx", ["fine", "{% for a in agencies %}{{ a.name }"])
    with pytest.raises(TemplateError, match=r"t\.docx: template syntax error at body, paragraph 2"):
        _render(case, template)


def test_filters(invoke, tmp_path):
    case = _case(invoke, tmp_path, partnership={**_case(invoke, tmp_path / "b").partnership.model_dump(),
                                                "closure_days": [dt.date(2026, 11, 23)]})
    env = make_environment("strict")
    context = env.wrap_top_level(base_context(case, publishable=False))
    cases = {
        "{{ d|longdate }} {{ d|weekday }} {{ d|shortdate }}": "21 November 2026 Saturday 21/11/2026",
        "{{ ['a', 'b', 'c']|join_and }}|{{ ['a']|join_and }}|{{ ['a', 'b']|join_and('or') }}": "a, b and c|a|a or b",
        "{{ 'child-a'|pseudonym }} / {{ 'parent-1'|pseudonym }}": "Child A / Mother",
        "{{ 'police'|agency_name }}": "Example Constabulary",
        "{{ d|working_days(1)|longdate }} {{ d|working_days(-1)|longdate }}": "24 November 2026 20 November 2026",
    }
    for source, expected in cases.items():
        assert env.from_string(source).render({**context, "d": DAY}) == expected
    with pytest.raises(Exception, match="no agency has that id"):
        env.from_string("{{ 'nope'|agency_name }}").render(context)


def test_publishable_documents_have_no_restricted_fields(invoke, tmp_path):
    case = _case(invoke, tmp_path)
    context = base_context(case, publishable=True)
    for person in [*context["children"], *context["family"]]:
        assert "name" not in person and "date_of_birth" not in person
        assert person["pseudonym"]
    assert "name" in base_context(case, publishable=False)["children"][0]
    template = make_template(tmp_path / "report.docx", ["{{ children[0].name }}"], header="", footer="")
    with pytest.raises(TemplateError, match=r": children\[0\]\.name is not defined"):
        _render(case, template, REPORT)


def test_template_is_compiled_once_for_every_recipient(invoke, tmp_path, monkeypatch):
    from docxtpl import DocxTemplate
    from jinja2 import Environment

    case = _case(invoke, tmp_path)
    case = Case.model_validate({**case.model_dump(), "agencies": [
        {**case.agencies[0].model_dump(), "id": f"agency-{i}"} for i in range(12)
    ]})
    templates = tmp_path / "pack"
    make_template(templates / "information-request-letter.docx", ["{{ recipient.id }}"])
    calls = {"patch": 0, "compile": 0}
    patch_xml, compile_ = DocxTemplate.patch_xml, Environment.compile

    def count_patch(self, xml):
        calls["patch"] += 1
        return patch_xml(self, xml)

    def count_compile(self, *args, **kwargs):
        calls["compile"] += 1
        return compile_(self, *args, **kwargs)

    monkeypatch.setattr(DocxTemplate, "patch_xml", count_patch)
    monkeypatch.setattr(Environment, "compile", count_compile)
    written = render_documents(case, [LETTER], out=tmp_path / "out", issue_date=DAY, templates=templates)
    assert len(written) == 12
    assert calls == {"patch": 4, "compile": 4}  # body, header, footer, core properties: once each
    assert [docx.Document(str(p)).paragraphs[0].text for p in written] == [f"agency-{i}" for i in range(12)]


def test_outputs_are_reproducible(invoke, tmp_path):
    case = _case(invoke, tmp_path)
    template = make_template(tmp_path / "t.docx", ["{{ recipient.name }}"])
    renderer = Renderer(case, issue_date=DAY)
    renderer._compiled[LETTER.id] = compile_template(template, renderer.env)
    assert renderer.render(LETTER, case.agencies[0]) == renderer.render(LETTER, case.agencies[0])
    assert renderer.render(LETTER, case.agencies[0]) != renderer.render(LETTER, case.agencies[1])


def test_field_of_a_filled_value_names_the_value_by_its_path(invoke, tmp_path):
    data = _case(invoke, tmp_path).model_dump()
    data["children"][0]["name"] = SENTINEL_NAME
    case = Case.model_validate(data)
    template = make_template(tmp_path / "t.docx", ["X {{ children[0].name.foo.bar }}"])
    with pytest.raises(TemplateError) as caught:
        _render(case, template)
    message = caught.value.message
    assert "children[0].name has no field 'foo'" in message and "case.children" not in message
    assert "empty" not in message and SENTINEL_NAME not in message
    draft = _all_text(_render(case, template, draft=True))
    assert "[[MISSING: children[0].name.foo.bar]]" in draft and SENTINEL_NAME not in draft


def _scoped_from_birth(invoke, tmp_path) -> Case:
    data = _case(invoke, tmp_path).model_dump()
    child = data["children"][0]
    child["date_of_birth"] = dt.date(2019, 7, 14)
    data["review"] = {"decision_date": dt.date(2026, 12, 1), "reviewer": {"name": "R Reviewer"},
                      "terms_of_reference": {
                          "scoping_period": {"start": dt.date(2019, 7, 14), "end": dt.date(2026, 11, 2),
                                             "rationale": "From birth."},
                          "key_lines_of_enquiry": ["Q?"], "methodology": "M.", "family_involvement": "F."}}
    return Case.model_validate(data)


@pytest.mark.parametrize("kind", [REPORT, LETTER])
def test_scoping_period_from_a_date_of_birth_reads_from_the_childs_birth(invoke, tmp_path, kind):
    case = _scoped_from_birth(invoke, tmp_path)
    pseudonym = case.children[0].pseudonym
    period = "review.terms_of_reference.scoping_period"
    template = make_template(tmp_path / "t.docx", [
        f"From {{{{ {period}.start|longdate }}}} to {{{{ {period}.end|longdate }}}}.",
        f"Short {{{{ {period}.start|shortdate }}}}; plain {{{{ {period}.start }}}}.",
        f"Later {{{{ ({period}.start|working_days(1))|longdate }}}}."])
    text = _all_text(_render(case, template, kind))
    assert f"From {pseudonym}'s birth to 2 November 2026." in text
    assert f"Short {pseudonym}'s birth; plain {pseudonym}'s birth." in text
    assert "Later 15 July 2019." in text  # a day later is a plain date again
    assert "14 July 2019" not in text and "14/07/2019" not in text and "2019-07-14" not in text


def test_key_events_of_a_reply_come_in_the_chronologys_date_order(invoke, tmp_path):
    from cspr_docs.collect.dates import sort_key

    case = _case(invoke, tmp_path)
    written = ["01/03/2024", "?05/2024", "early 2024", "c. 2023", "not a date", "01/03/2024 09:30"]
    events = [{"date": d, "time": "", "event": f"E{i}"} for i, d in enumerate(written)]
    agency = case.agencies[0].id
    context = base_context(case, publishable=False, collected={"replies": {agency: {"key_events": events}}})
    got = [event["date"] for event in context["replies"][agency]["key_events"]]
    assert got == ["c. 2023", "early 2024", "01/03/2024", "01/03/2024 09:30", "?05/2024", "not a date"]
    assert got == sorted(written, key=sort_key)
