"""What `collect` reads back, in documents: each agency's section of the combined summary, and the multi-agency
chronology (every agency's key events merged in date order)."""

from __future__ import annotations

from docx.enum.section import WD_ORIENT
from docx.shared import Twips

from source.kit import B, G, form_rows, guidance, heading, new_document, para, row, row_tag, table, tag
from source.parts import letterhead

REPLY = "replies[agency.id]"


def _optional(doc, label: str, field: str) -> None:
    tag(doc, f"if {REPLY}.{field}")
    para(doc, B(label), keep_next=True)
    para(doc, f"{{{{ {REPLY}.{field} }}}}")
    tag(doc, "endif")


def agency_sections(doc) -> None:
    """One sub-section per agency: its collected reply, "Nil return", or "Reply awaited"."""
    tag(doc, "for agency in agencies")
    heading(doc, "{{ agency.name }}", 2)
    tag(doc, f"if agency.id in replies and {REPLY}.involved == 'no'")
    para(doc, B("Nil return. "), "The agency searched its records and had no involvement with the child or family."
         f"{{% if {REPLY}.author_name %}} Completed by {{{{ {REPLY}.author_name }}}}{{% if {REPLY}.author_role %}}, "
         f"{{{{ {REPLY}.author_role }}}}{{% endif %}}.{{% endif %}}")
    tag(doc, "elif agency.id in replies")
    facts = table(doc, [6.0, 11.0])
    form_rows(facts, [
        ("Period of contact", f"{{{{ {REPLY}.contact_period }}}}"),
        ("Type of contact or service", f"{{{{ {REPLY}.contact_type }}}}"),
        ("Completed by", (f"{{{{ {REPLY}.author_name }}}}{{% if {REPLY}.author_role %}}, {{{{ {REPLY}.author_role }}}}"
                          f"{{% endif %}}{{% if {REPLY}.approver_name and {REPLY}.author_name and {REPLY}.approver_name == "
                          f"{REPLY}.author_name %}} (who also approved it)"
                          f"{{% elif {REPLY}.approver_name %}}; approved by {{{{ {REPLY}.approver_name }}}}"
                          "{% endif %}")),
    ])
    para(doc, "")
    para(doc, B("Summary of involvement"), keep_next=True)
    para(doc, f"{{% if {REPLY}.summary %}}{{{{ {REPLY}.summary }}}}{{% else %}}", G("No summary given."),
         "{% endif %}")
    tag(doc, f"if {REPLY}.key_events")
    para(doc, B("Key events"), keep_next=True)
    events = table(doc, [2.4, 5.6, 2.8, 3.6, 2.6], header=["Date", "Event", "Who (role)", "Action or outcome",
                                                           "Significance"])
    row_tag(events, f"for event in {REPLY}.key_events")
    row(events, "{{ event.date }}", "{{ event.event }}", "{{ event.who }}", "{{ event.action }}",
        "{{ event.significance }}", cant_split=True)
    row_tag(events, "endfor")
    para(doc, "")
    tag(doc, "endif")
    _optional(doc, "Lived experience and voice of the child", "lived_experience")
    _optional(doc, "Analysis", "analysis")
    _optional(doc, "Learning for the agency", "learning_single_agency")
    _optional(doc, "Inter-agency learning", "learning_inter_agency")
    _optional(doc, "Immediate actions", "immediate_actions")
    tag(doc, "elif agency.summary is defined and agency.summary")
    para(doc, "{{ agency.summary }}")
    tag(doc, "else")
    para(doc, G("Reply awaited"))
    tag(doc, "endif")
    tag(doc, "endfor")


def multi_agency_chronology():
    doc = new_document("multi-agency-chronology", "Multi-agency chronology")
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Twips(16838), Twips(11906)
    letterhead(doc)
    para(doc, "Multi-agency chronology: {{ subject }}", style="Title")
    guidance(doc, "Merged from each agency's chronology (or, before a review, the key events "
             "of its information request reply). Dates are shown as the agency wrote them. A date covering a "
             "period (a month, \"early 2025\", a year) is placed at the start of that period, before the events "
             "dated within it; an uncertain date (\"?\") follows a certain one; a date that could not be read is "
             "listed last.")
    form_rows(table(doc, [6.0, 19.7]), [
        ("Case reference", "{{ case.reference }}"),
        ("Scoping period", ("{% if review.terms_of_reference %}{{ review.terms_of_reference.scoping_period.start"
                            "|longdate }} to {{ review.terms_of_reference.scoping_period.end|longdate }}{% else %}"
                            "Not yet set{% endif %}")),
        ("Agencies contributing", ("{% if chronology %}{{ chronology|map(attribute='agency_name')|unique|list"
                                   "|join_and }}{% else %}None yet{% endif %}")),
    ])
    para(doc, "")
    events = table(doc, [1.1, 2.4, 1.3, 3.6, 2.8, 6.2, 2.6, 3.2, 2.5],
                   header=["No.", "Date", "Time", "Agency", "Who (role)", "Event", "Child seen and voice",
                           "Action or outcome", "Significance"])
    row_tag(events, "for entry in chronology")
    row(events, "{{ entry.seq }}", "{{ entry.date }}", "{{ entry.time }}", "{{ entry.agency_name }}",
        "{{ entry.who }}", "{{ entry.event }}{% if entry.source_record %} (source: {{ entry.source_record }})"
        "{% endif %}", "{{ entry.child_seen }}{% if entry.child_seen and entry.child_voice %}; {% endif %}"
        "{{ entry.child_voice }}", "{{ entry.action }}", "{{ entry.significance }}", cant_split=True)
    row_tag(events, "else")
    row(events, "", G("No events have been collected yet from the agencies' replies or chronologies."),
        "", "", "", "", "", "", "")
    row_tag(events, "endfor")
    para(doc, "")
    heading(doc, "Periods with no contact, patterns and gaps")
    guidance(doc, "Note any periods in which no agency had contact, and the patterns, gaps and cumulative impact the "
             "merged chronology shows. The chronology is an analytical tool, not the findings.")
    heading(doc, "Glossary")
    guidance(doc, "Abbreviations used by the agencies, and what they mean.")
    return doc
