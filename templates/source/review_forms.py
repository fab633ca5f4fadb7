"""Review forms: the agency chronology and information report templates (read back by `collect`), and the
factual summary.

Like the reply template, each returned form says what it is in the core property `identifier`
(`reference/agency id/<kind>/<version>`), a locked control `cspr:meta` and the custom properties. The chronology's
events are the rows of the table after the bookmark `cspr_chronology` (tagged `cspr:chronology` too), read by
their header texts; its sign-off uses the reply's `cspr:author-*` / `cspr:approver-*` fields.
"""

from __future__ import annotations

from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.shared import Twips

from source.base import W
from source.forms import REPLY_FIELDS, _answer_table, _wrap_in_control
from source.kit import (
    TEMPLATE_VERSION,
    B,
    G,
    block_control,
    bookmark,
    control,
    form_rows,
    guidance,
    heading,
    new_document,
    para,
    row,
    row_tag,
    set_table_property,
    shade_cell,
    table,
    tag,
)
from source.parts import letterhead

TOR = "review.terms_of_reference"
CHRONOLOGY_COLUMNS = ["Date", "Time", "Source record", "Who (role)", "Event", "Child seen", "Child's voice",
                      "Action / outcome", "Significance"]
SIGN_OFF = [t for t, v in REPLY_FIELDS.items() if v[0] == "12"]
RETURN_TO = ("{% if partnership.business_office and partnership.business_office.email %}"
             "{{ partnership.business_office.email }}{% elif partnership.email %}{{ partnership.email }}"
             "{% else %}{{ partnership.name }} business office{% endif %} (secure email only)")
# tag -> (section, label, guidance placeholder, kind), as forms.REPLY_FIELDS
REPORT_FIELDS: dict[str, tuple[str, str, str, str]] = {
    "cspr:independence": ("1", "Your own involvement with the child or family, if any",
                          "The author should not have been directly involved.", "text"),
    "cspr:sources": ("2", "Records examined and people consulted",
                     "Which records you read, and which practitioners and managers you spoke to.", "rich"),
    "cspr:agency-context": ("3", "Your agency's role, services and relevant policies at the time",
                            "Include staffing, caseloads or changes that affected the service.", "rich"),
    "cspr:summary": ("4", "Summary of your agency's involvement",
                     "A short, factual overview in date order; the chronology holds the detail.", "rich"),
    "cspr:lived-experience": ("6", "The child's lived experience, voice and identity",
                              ("Was the child seen, and seen alone? What did practitioners know of their daily life, "
                               "wishes and feelings? Consider race, culture, language, religion and disability."),
                              "rich"),
    "cspr:went-well": ("7", "What went well", "Good practice, with examples.", "rich"),
    "cspr:could-be-better": ("7", "What could have been better", "In the light of what was known at the time.",
                             "rich"),
    "cspr:why": ("7", "Why things happened as they did",
                 "Workload, supervision, tools, thresholds, systems and culture.", "rich"),
    "cspr:inter-agency": ("8", "Working with other agencies",
                          "Information sharing, referrals, escalation, meetings and plans.", "rich"),
    "cspr:changes-made": ("9", "Changes made since the incident", "What has already changed, and when.", "rich"),
    "cspr:learning-single-agency": ("10", "Learning and recommendations for your agency",
                                    "What your agency should do, by whom and by when.", "rich"),
}

ALL_FIELDS = {**REPLY_FIELDS, **REPORT_FIELDS}


def _form_header(doc, kind: str, title: str, due: str) -> dict[str, int]:
    """Partnership name, title, the locked form reference and the pre-filled details; returns the bookmark ids."""
    identifier = f"{{{{ case.reference }}}}/{{{{ recipient.id }}}}/{kind}/{TEMPLATE_VERSION}"
    para(doc, "{{ partnership.name }}", style="Letterhead Name")
    para(doc, title, style="Title")
    meta = para(doc, "Form reference: ", style="Guidance")
    control(meta, "cspr:meta", "Form reference (do not change)", identifier, "text", locked=True)
    form_rows(table(doc, [6.5, 10.5]), [
        ("Review", "{{ subject }}"),
        ("Case reference", "{{ case.reference }}"),
        ("Agency", "{{ recipient.name }}"),
        ("Period to cover", (f"{{{{ {TOR}.scoping_period.start|longdate }}}} to "
                             f"{{{{ {TOR}.scoping_period.end|longdate }}}}")),
        ("Please return by", B(f"{{{{ ({due} or document.date|working_days(20))|weekday }}}} "
                               f"{{{{ ({due} or document.date|working_days(20))|longdate }}}}")),
        ("Return to", RETURN_TO),
    ])
    para(doc, "")
    return {}


def _landscape(doc) -> None:
    """A4 landscape for the wide chronology table; the footer's right tab moves to the new text width."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Twips(16838), Twips(11906)
    for paragraph in section.footer.paragraphs:
        stops = paragraph.paragraph_format.tab_stops
        stops.add_tab_stop(Twips(9638), WD_TAB_ALIGNMENT.CLEAR)
        stops.add_tab_stop(Twips(16838 - 2 * 1134), WD_TAB_ALIGNMENT.RIGHT)


def chronology_template():
    kind = "chronology-template"
    identifier = f"{{{{ case.reference }}}}/{{{{ recipient.id }}}}/{kind}/{TEMPLATE_VERSION}"
    doc = new_document(kind, "Agency chronology", identifier=identifier)
    _landscape(doc)
    ids = _form_header(doc, kind, "Agency chronology", "review.chronology_due")
    guidance(doc, "One row per significant event, in date order; press Tab in the last cell to add a row. Keep to "
             "the facts (analysis belongs in the information report). If in doubt, include the event. Record "
             "periods with no contact as a row of their own. Mark uncertain dates with ? (for example ?03/2025). "
             "Refer to people only as {{ children|map(attribute='pseudonym')|list|join_and }}"
             "{% if family %}, {{ family|map(attribute='pseudonym')|list|join_and }}{% endif %} and by the role "
             "of practitioners.")
    guidance(doc, "Child seen: Yes, Yes – alone, or No. Child's voice: what the child said, or how they seemed, in "
             "their own words where recorded. Significance: optional, why the event matters.")
    key = para(doc, B("Chronology of {{ recipient.name }}'s involvement"), keep_next=True)
    bookmark(key, "cspr_chronology", ids.setdefault("cspr_chronology", len(ids) + 1))
    events = table(doc, [2.2, 1.4, 2.6, 2.6, 6.0, 1.8, 3.2, 3.4, 2.5], header=CHRONOLOGY_COLUMNS)
    set_table_property(events, f'<w:tblCaption {W} w:val="cspr:chronology"/>')
    for _ in range(8):
        row(events, *[""] * len(CHRONOLOGY_COLUMNS))
    _wrap_in_control(events, "cspr:chronology", "Chronology")
    para(doc, "")
    heading(doc, "Glossary of abbreviations", numbered=False)
    glossary = para(doc, G("Explain every abbreviation used above."), style="Guidance")
    bookmark(glossary, "cspr_glossary", ids.setdefault("cspr_glossary", len(ids) + 1))
    terms = table(doc, [5.0, 20.7], header=["Abbreviation", "Meaning"])
    set_table_property(terms, f'<w:tblCaption {W} w:val="cspr:glossary"/>')
    for _ in range(4):
        row(terms, "", "")
    para(doc, "")
    heading(doc, "Author and sign-off", numbered=False)
    guidance(doc, "Written by someone not directly involved with the child or family, and approved by a senior "
             "manager before it is returned.")
    _answer_table(doc, SIGN_OFF, ids, stacked=False)
    return doc


def information_report_template():
    kind = "information-report-template"
    identifier = f"{{{{ case.reference }}}}/{{{{ recipient.id }}}}/{kind}/{TEMPLATE_VERSION}"
    doc = new_document(kind, "Agency information report", identifier=identifier)
    ids = _form_header(doc, kind, "Agency information report", "review.information_report_due")
    guidance(doc, "Please complete every section; click in a grey field to write in it. Focus on learning about "
             "the system, not on individual blame, and judge practice by what was known at the time. Refer to "
             "people only as {{ children|map(attribute='pseudonym')|list|join_and }}"
             "{% if family %}, {{ family|map(attribute='pseudonym')|list|join_and }}{% endif %} and by the role "
             "of practitioners.")
    heading(doc, "Author and independence")
    _answer_table(doc, [*SIGN_OFF[:3], "cspr:independence"], ids, stacked=False, fields=ALL_FIELDS)
    heading(doc, "Sources")
    _answer_table(doc, ["cspr:sources"], ids, stacked=True, fields=REPORT_FIELDS)
    heading(doc, "Agency context")
    _answer_table(doc, ["cspr:agency-context"], ids, stacked=True, fields=REPORT_FIELDS)
    heading(doc, "Summary of involvement")
    _answer_table(doc, ["cspr:summary"], ids, stacked=True, fields=REPORT_FIELDS)
    heading(doc, "Analysis against the key lines of enquiry")
    guidance(doc, "Answer each question as it applies to your agency; write \"not applicable\" where it does not.")
    _question_boxes(doc, f"{TOR}.key_lines_of_enquiry", "cspr:kloe-{{ loop.index }}")
    tag(doc, f"for item in {TOR}.contributions if item.agency == recipient.id and item.key_lines_of_enquiry")
    para(doc, B("Questions for {{ recipient.name }} in particular"), keep_next=True)
    _question_boxes(doc, "item.key_lines_of_enquiry", "cspr:agency-kloe-{{ loop.index }}")
    tag(doc, "endfor")
    heading(doc, "Lived experience, voice and identity")
    _answer_table(doc, ["cspr:lived-experience"], ids, stacked=True, fields=REPORT_FIELDS)
    heading(doc, "What went well, what could be better, and why")
    _answer_table(doc, ["cspr:went-well", "cspr:could-be-better", "cspr:why"], ids, stacked=True,
                  fields=REPORT_FIELDS)
    heading(doc, "Working with other agencies")
    _answer_table(doc, ["cspr:inter-agency"], ids, stacked=True, fields=REPORT_FIELDS)
    heading(doc, "Changes made since the incident")
    _answer_table(doc, ["cspr:changes-made"], ids, stacked=True, fields=REPORT_FIELDS)
    heading(doc, "Learning and recommendations for your agency")
    _answer_table(doc, ["cspr:learning-single-agency"], ids, stacked=True, fields=REPORT_FIELDS)
    heading(doc, "Glossary")
    terms = table(doc, [5.0, 12.0], header=["Abbreviation", "Meaning"])
    set_table_property(terms, f'<w:tblCaption {W} w:val="cspr:glossary"/>')
    for _ in range(4):
        row(terms, "", "")
    para(doc, "")
    heading(doc, "Sign-off")
    guidance(doc, "The report must be approved by a senior manager in your agency before it is returned.")
    _answer_table(doc, SIGN_OFF[3:], ids, stacked=False)
    return doc


def _question_boxes(doc, questions: str, tag_name: str) -> None:
    """One shaded question row and one answer box per question (inside a loop, so no bookmarks)."""
    boxes = table(doc, [17.0])
    row_tag(boxes, f"for question in {questions}")
    label = row(boxes, (B("{{ loop.index }}. "), "{{ question }}"), cant_split=True)[0]
    shade_cell(label)
    label.paragraphs[0].paragraph_format.keep_with_next = True
    answer = row(boxes, "", min_height_cm=2.5)[0]
    block_control(answer, tag_name, "Answer", "Your analysis, with examples from the records.")
    row_tag(boxes, "endfor")
    para(doc, "")


def factual_summary():
    summary = "review.factual_summary"
    doc = new_document("factual-summary", "Factual summary")
    letterhead(doc)
    para(doc, "Factual summary: {{ subject }}", style="Title")
    guidance(doc, "An agreed, anonymised pre-read for the practitioner learning event and the family conversations. "
             "It uses pseudonyms and roles only: do not add names.")
    form_rows(table(doc, [6.0, 11.0]), [
        ("Case reference", "{{ case.reference }}"),
        ("Version", f"{{% if {summary} %}}{{{{ {summary}.version }}}}{{% else %}}1{{% endif %}}"),
        ("Status", (f"{{% if {summary} and {summary}.status %}}{{{{ {summary}.status }}}}{{% else %}}Draft for "
                    "factual accuracy check{% endif %}")),
        ("Reviewer", ("{{ review.reviewer.name }}{% if review.reviewer.organisation %}, "
                     "{{ review.reviewer.organisation }}{% endif %}")),
        ("Period reviewed", (f"{{{{ {TOR}.scoping_period.start|longdate }}}} to "
                             f"{{{{ {TOR}.scoping_period.end|longdate }}}}")),
    ])
    para(doc, "")
    heading(doc, "The child and family")
    children = table(doc, [3.0, 2.2, 2.0, 4.0, 5.8], header=["Child", "Age", "Sex", "Ethnicity", "Legal status"])
    row_tag(children, "for child in children")
    row(children, "{{ child.pseudonym }}", "{{ child.age }}", "{{ child.sex }}", "{{ child.ethnicity }}",
        "{{ child.legal_status }}")
    row_tag(children, "endfor")
    para(doc, "")
    family = table(doc, [4.5, 9.5, 3.0], header=["Family member", "Relationship", "In household"])
    row_tag(family, "for person in family")
    row(family, "{{ person.pseudonym }}", "{{ person.relationship }}",
        "{% if person.household %}Yes{% else %}No{% endif %}")
    row_tag(family, "endfor")
    para(doc, "")
    heading(doc, "Agencies involved")
    para(doc, "{{ agencies|map(attribute='name')|list|join_and }}.")
    heading(doc, "Key practice episodes")
    guidance(doc, "Each episode is a period or event that shaped what happened, drawn from the agencies' "
             "chronologies.")
    episodes = table(doc, [1.2, 3.0, 9.3, 3.5], header=["No.", "When", "Episode", "Agencies"])
    row_tag(episodes, f"for episode in ({summary}.episodes if {summary} else [])")
    row(episodes, "{{ loop.index }}", "{{ episode.date }}", (B("{{ episode.title }}. "), "{{ episode.summary }}"),
        "{% for id in episode.agencies %}{{ id|agency_name }}{% if not loop.last %}; {% endif %}{% endfor %}",
        cant_split=True)
    row_tag(episodes, "else")
    row(episodes, "", "", G("The reviewer adds the key practice episodes here."), "")
    row_tag(episodes, "endfor")
    para(doc, "")
    heading(doc, "The current position")
    para(doc, f"{{% if {summary} and {summary}.current_status %}}{{{{ {summary}.current_status }}}}{{% else %}}",
         G("Where the child and family are now, in outline."), "{% endif %}")
    heading(doc, "Questions for discussion")
    tag(doc, f"for question in {TOR}.key_lines_of_enquiry")
    para(doc, "{{ loop.index }}.\t{{ question }}", style="List Numbered Item")
    tag(doc, "endfor")
    heading(doc, "Checking the facts")
    para(doc, "Each agency is asked to check the episodes that involve it and to tell the business office of any "
         f"error or omission{{% if {summary} and {summary}.accuracy_check_by %}} by "
         f"{{{{ {summary}.accuracy_check_by|longdate }}}}{{% endif %}}. Comments on the facts are welcome; the "
         "analysis is for the learning event.")
    return doc
