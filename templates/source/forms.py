"""The forms: the referral form (agency to partnership) and the information request reply template (per agency).

The reply template's answers are Word content controls with stable `cspr:` tags (read back by `collect`). Because
LibreOffice before 7.5 drops content-control tags when it saves, each answer also sits in its own table cell right
after a label cell that holds a bookmark `cspr_<field>`: the answer is the cell after the bookmarked label cell.
The case reference, agency id and template version travel in the core property `identifier`, in a hidden tagged
control `cspr:meta`, and (kind and version) in the custom properties `cspr.template` / `cspr.template-version`.
"""

from __future__ import annotations

from docx.oxml import parse_xml

from source.base import W
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
    merge_row,
    new_document,
    optional_text,
    para,
    row,
    row_tag,
    set_table_property,
    shade_cell,
    table,
    tag,
)
from source.parts import PROCESS_TYPE, letterhead

YES_NO = [("yes", "Yes"), ("no", "No")]
INVOLVED = [("yes", "Yes – the agency was involved"), ("no", "No – nil return")]

# tag -> (section, label, guidance placeholder, kind); kind: rich (several paragraphs), text, dropdown, date
REPLY_FIELDS: dict[str, tuple[str, str, str, str]] = {
    "cspr:involved": ("1", "Was your agency involved with the child or family?", "Choose Yes or No", "involved"),
    "cspr:contact-period": ("2", "Period of contact: first and last contact, and whether it is current",
                            "e.g. March 2024 to the present; still open", "text"),
    "cspr:contact-type": ("2", "Type of contact or service provided", "e.g. health visiting, school, GP",
                          "text"),
    "cspr:summary": ("3", "Your agency's involvement with the child and family",
                     "A short factual summary, about one to two pages.", "rich"),
    "cspr:key-events": ("4", "Key events", "", "table"),
    "cspr:lived-experience": ("5", "The child's lived experience and voice",
                              ("Was the child seen, and seen alone? What do we know of their wishes and feelings? "
                              "Consider race, culture, language, religion and disability."), "rich"),
    "cspr:analysis": ("6", "Analysis: what went well, and what could have been better",
                      "Strengths, areas for improvement, and why things happened as they did.", "rich"),
    "cspr:learning-single-agency": ("7", "Learning for your agency", "Learning for your own agency.", "rich"),
    "cspr:learning-inter-agency": ("7", "Inter-agency learning",
                                   "Communication, information sharing, escalation, thresholds.", "rich"),
    "cspr:immediate-actions": ("8", "Immediate actions taken since the incident",
                               "Including what was done to keep any other children safe.", "rich"),
    "cspr:records-secured": ("9", "Have the records been secured?", "Choose Yes or No", "dropdown"),
    "cspr:records-secured-detail": ("9", "When, by whom and how", ("e.g. 12/01/2026, records manager, "
                                    "record locked"), "text"),
    "cspr:other-processes": ("10", "Other processes", ("Internal review (e.g. PSIRF), disciplinary, complaint, "
                             "police investigation."), "rich"),
    "cspr:review-view": ("11", "Your view on whether the criteria for a local review are met (optional)",
                         "With your reasons.", "rich"),
    "cspr:author-name": ("12", "Completed by (name)", "Name", "text"),
    "cspr:author-role": ("12", "Role", "Role", "text"),
    "cspr:author-contact": ("12", "Email and telephone", "Email and telephone", "text"),
    "cspr:completed-date": ("12", "Date completed", "Choose a date", "date"),
    "cspr:approver-name": ("12", "Approved by (senior manager)", "Name", "text"),
    "cspr:approver-role": ("12", "Approver's role", "Role", "text"),
    "cspr:approved-date": ("12", "Date approved", "Choose a date", "date"),
}
REPLY_TAGS = ["cspr:meta", "cspr:known", *REPLY_FIELDS]
KEY_EVENT_COLUMNS = ["Date", "Event or contact", "Who (role)", "Action or outcome", "Significance"]


def _answer_table(doc, tags: list[str], bookmark_ids: dict[str, int], *, stacked: bool,
                  fields: dict[str, tuple[str, str, str, str]] = REPLY_FIELDS) -> None:
    """Label cell (with the fallback bookmark) then the answer cell: side by side, or answer below the label."""
    tbl = table(doc, [17.0] if stacked else [6.5, 10.5])
    for tag_name in tags:
        _section, label, hint, kind = fields[tag_name]
        name = "cspr_" + tag_name.split(":", 1)[1].replace("-", "_")
        if stacked:
            label_cell = row(tbl, B(label), cant_split=True)[0]
            label_cell.paragraphs[0].paragraph_format.keep_with_next = True  # never a label alone at a page foot
            answer = row(tbl, "", min_height_cm=5.0 if tag_name == "cspr:summary" else 2.5)[0]
        else:
            label_cell, answer = row(tbl, B(label), "", cant_split=True)
        shade_cell(label_cell)
        bookmark(label_cell.paragraphs[0], name, bookmark_ids.setdefault(name, len(bookmark_ids) + 1))
        if kind == "rich":
            block_control(answer, tag_name, label, hint)
        elif kind == "involved":
            control(answer.paragraphs[0], tag_name, label, hint, "dropdown", INVOLVED)
        elif kind == "dropdown":
            control(answer.paragraphs[0], tag_name, label, hint, "dropdown", YES_NO)
        else:
            control(answer.paragraphs[0], tag_name, label, hint, kind)
    para(doc, "")


def information_request_reply():
    identifier = f"{{{{ case.reference }}}}/{{{{ recipient.id }}}}/information-request-reply/{TEMPLATE_VERSION}"
    doc = new_document("information-request-reply", "Information request reply", identifier=identifier)
    ids: dict[str, int] = {}
    para(doc, "{{ partnership.name }}", style="Letterhead Name")
    para(doc, "Information request reply", style="Title")
    meta = para(doc, "Form reference: ", style="Guidance")
    control(meta, "cspr:meta", "Form reference (do not change)", identifier, "text", locked=True)
    header = table(doc, [6.5, 10.5])
    form_rows(header, [
        ("Review", "{{ subject }}"),
        ("Case reference", "{{ case.reference }}"),
        ("Agency", "{{ recipient.name }}"),
        ("Please return by", B("{{ due.replies|weekday }} {{ due.replies|longdate }}")),
        ("Return to", ("{% if partnership.business_office and partnership.business_office.email %}"
                      "{{ partnership.business_office.email }}{% elif partnership.email %}{{ partnership.email }}"
                      "{% else %}{{ partnership.name }} business office{% endif %} (secure email only)")),
    ])
    para(doc, "")
    guidance(doc, "Please complete every section; a short factual summary is enough. Click in a grey field to "
             "write in it. If your agency had no involvement, answer No in section 1, complete section 12 and "
             "return the form as a nil return. Refer to people only as they are named in section 1 below.")
    heading(doc, "Involvement")
    _answer_table(doc, ["cspr:involved"], ids, stacked=False)
    para(doc, "People searched for, and whether they are known to your agency:", keep_next=True)
    people = table(doc, [4.0, 5.5, 3.5, 4.0], header=["Referred to as", "Name", "Date of birth or age",
                                                      "Known to your agency?"])
    row_tag(people, "for person in children + family")
    cells = row(people, "{{ person.pseudonym }}", "{{ person.name }}",
                "{% if person.date_of_birth %}{{ person.date_of_birth|shortdate }}{% elif person.age is defined %}"
                "{{ person.age }}{% endif %}", "")
    control(cells[3].paragraphs[0], "cspr:known:{{ person.id }}", "Known to the agency", "Yes or No", "dropdown",
            YES_NO)
    row_tag(people, "endfor")
    para(doc, "")
    heading(doc, "Period and type of contact")
    _answer_table(doc, ["cspr:contact-period", "cspr:contact-type"], ids, stacked=False)
    heading(doc, "Summary of involvement")
    _answer_table(doc, ["cspr:summary"], ids, stacked=True)
    heading(doc, "Key events")
    key = para(doc, "List the key events in date order, one per row. Press Tab in the last cell to add a row.",
               style="Guidance")
    bookmark(key, "cspr_key_events", ids.setdefault("cspr_key_events", len(ids) + 1))
    events = table(doc, [2.4, 5.0, 2.8, 3.8, 3.0], header=KEY_EVENT_COLUMNS)
    set_table_property(events, f'<w:tblCaption {W} w:val="cspr:key-events"/>')
    for _ in range(6):
        row(events, "", "", "", "", "")
    _wrap_in_control(events, "cspr:key-events", "Key events")
    para(doc, "")
    heading(doc, "Lived experience and voice of the child")
    _answer_table(doc, ["cspr:lived-experience"], ids, stacked=True)
    heading(doc, "Analysis")
    _answer_table(doc, ["cspr:analysis"], ids, stacked=True)
    heading(doc, "Learning")
    _answer_table(doc, ["cspr:learning-single-agency", "cspr:learning-inter-agency"], ids, stacked=True)
    heading(doc, "Immediate actions and the safety of other children")
    _answer_table(doc, ["cspr:immediate-actions"], ids, stacked=True)
    heading(doc, "Records secured")
    _answer_table(doc, ["cspr:records-secured", "cspr:records-secured-detail"], ids, stacked=False)
    heading(doc, "Other processes")
    _answer_table(doc, ["cspr:other-processes"], ids, stacked=True)
    heading(doc, "View on the criteria for a local review")
    _answer_table(doc, ["cspr:review-view"], ids, stacked=True)
    heading(doc, "Author and sign-off")
    guidance(doc, "The reply must be approved by a senior manager in your agency before it is returned.")
    _answer_table(doc, [t for t, v in REPLY_FIELDS.items() if v[0] == "12"], ids, stacked=False)
    return doc


def _wrap_in_control(tbl, tag_name: str, title: str) -> None:
    """Wrap a whole table in a block content control carrying the tag (rows stay free to add)."""
    wrapper = parse_xml(f'<w:sdt {W}><w:sdtPr><w:alias w:val="{title}"/><w:tag w:val="{tag_name}"/></w:sdtPr>'
                        "<w:sdtContent/></w:sdt>")
    tbl._tbl.addprevious(wrapper)
    wrapper[1].append(tbl._tbl)


def referral_form():
    doc = new_document("referral-form", "Referral for a child safeguarding practice review")
    letterhead(doc)
    para(doc, "Referral for a child safeguarding practice review", style="Title")
    guidance(doc, "Sent to the partnership business office by the referring agency, with the agreement of its "
             "senior safeguarding lead. Working Together asks agencies to refer within five working days of "
             "becoming aware of the incident.")
    heading(doc, "Referrer")
    form_rows(table(doc, [6.0, 11.0]), [
        ("Name", "{{ case.referral.referrer.name }}"),
        ("Role", "{{ case.referral.referrer.role }}"),
        ("Agency", "{{ case.referral.referrer.agency|agency_name }}"),
        ("Contact details", "{{ case.referral.referrer.contact }}"),
        ("Senior safeguarding lead who agreed the referral",
         ("{{ case.referral.referrer.senior_lead.name }}{% if case.referral.referrer.senior_lead.role %}, "
         "{{ case.referral.referrer.senior_lead.role }}{% endif %}")),
        ("Date received by the partnership", "{{ case.referral.received_date|longdate }}"),
    ])
    heading(doc, "Incident")
    form_rows(table(doc, [6.0, 11.0]), [
        ("Date of the incident", "{{ case.incident.date|longdate }}"),
        ("Date the agency became aware", "{{ case.incident.aware_date|longdate }}"),
        ("Type", ('{% if case.incident.type == "death" %}Death{% elif case.incident.type == "serious-harm" %}'
                 "Serious harm{% else %}Other{% endif %}{% if case.incident.category %}: "
                 "{{ case.incident.category }}{% endif %}")),
        ("Local authority where it happened", "{{ case.incident.local_authority }}"),
    ])
    heading(doc, "The child or children")
    tag(doc, "for child in children")
    form_rows(table(doc, [6.0, 11.0]), [
        ("Name", B("{{ child.name }}")),
        ("Referred to as", "{{ child.pseudonym }}"),
        ("Date of birth or age", ("{% if child.date_of_birth %}{{ child.date_of_birth|shortdate }}{% endif %}"
                                 "{% if child.age %} ({{ child.age }}){% endif %}")),
        ("Sex", "{{ child.sex }}"),
        ("Ethnicity", "{{ child.ethnicity }}"),
        ("First language", "{{ child.language }}"),
        ("Religion", "{{ child.religion }}"),
        ("Disability or SEND", "{{ child.disability }}"),
        ("School or setting", "{{ child.school }}"),
        ("Legal status", "{{ child.legal_status }}"),
    ])
    para(doc, "")
    tag(doc, "endfor")
    heading(doc, "Household and family")
    family = table(doc, [5.0, 4.0, 5.0, 3.0], header=["Name", "Referred to as", "Relationship", "In household"])
    row_tag(family, "for person in family")
    row(family, "{{ person.name }}", "{{ person.pseudonym }}", "{{ person.relationship }}",
        "{% if person.household %}Yes{% else %}No{% endif %}")
    row_tag(family, "else")
    row(family, G("None recorded"), "", "", "")
    row_tag(family, "endfor")
    heading(doc, "What happened")
    para(doc, "{{ case.incident.summary }}")
    heading(doc, "Why the criteria for a review may be met")
    optional_text(doc, "case.referral.reasons", "Explain why abuse or neglect is known or suspected, and which "
                  "of the criteria for a local review this case may meet (Working Together 2023, chapter 5).")
    heading(doc, "Learning the referrer anticipates")
    optional_text(doc, "case.referral.anticipated_learning", "What the referrer thinks a review could learn.")
    heading(doc, "Agencies involved")
    agencies = table(doc, [5.5, 4.0, 7.5], header=["Agency", "Safeguarding lead", "Email"])
    row_tag(agencies, "for agency in agencies")
    row(agencies, "{{ agency.name }}", "{{ agency.contact.name }}", "{{ agency.contact.email }}")
    row_tag(agencies, "endfor")
    heading(doc, "Immediate actions, including for other children")
    para(doc, "{{ case.incident.other_children_safe }}")
    heading(doc, "Parallel processes and media interest")
    processes = table(doc, [5.0, 4.0, 8.0], header=["Process", "Status", "Detail"])
    row_tag(processes, "for process in case.parallel_processes")
    row(processes, PROCESS_TYPE, "{{ process.status }}", "{{ process.detail }}")
    row_tag(processes, "else")
    row(processes, G("None known"), "", "")
    row_tag(processes, "endfor")
    para(doc, "")
    form_rows(table(doc, [6.0, 11.0]), [("Media interest", "{{ case.incident.media_interest }}")])
    heading(doc, "Decision (for the partnership)")
    decision = table(doc, [6.0, 11.0])
    # No "criteria met?" row: an alternative learning review can follow a case that meets the criteria.
    form_rows(decision, [
        ("Decision", ("{% if rapid_review.decision %}{{ {'local-review': 'Local child safeguarding practice "
                     "review', 'national-review-recommended': 'National review recommended to the Panel', "
                     "'alternative-learning-review': 'Alternative learning review', 'no-further-action': 'No "
                     "further review'}[rapid_review.decision.outcome] }}{% endif %}")),
        ("Date of decision", "{% if rapid_review.decision %}{{ rapid_review.decision.date|longdate }}{% endif %}"),
        ("Rationale", "{% if rapid_review.decision %}{{ rapid_review.decision.rationale }}{% endif %}"),
    ])
    for tr in decision.rows[:-1]:  # a short table: keep it on one page
        for cell in tr.cells:
            cell.paragraphs[0].paragraph_format.keep_with_next = True
    row_tag(decision, "if not rapid_review.decision")
    merged = merge_row(row(decision, "", ""))
    para(merged, G("Decision: serious incident notification and rapid review / local review / alternative "
                   "learning review / no further action."), style="Table Text")
    row_tag(decision, "endif")
    return doc
