"""Letters about the review's progress: the regulation 14 request to the reviewer and the notice of delay."""

from __future__ import annotations

from source.kit import B, bullets, new_document, para, row, row_tag, table, tag
from source.parts import (
    DFE_EMAIL,
    PANEL,
    PANEL_EMAIL,
    contact_paragraph,
    date_and_reference,
    letterhead,
    national_addressee,
    sign_off,
    subject_line,
)
from source.reports import _processes_table

TOR = "review.terms_of_reference"
REQUEST = "review.progress_request"
DELAY = "case.publication.delay"


def progress_request():
    doc = new_document("progress-request", "Request to the reviewer")
    letterhead(doc)
    date_and_reference(doc)
    para(doc, "{{ review.reviewer.name }}", style="Address Block")
    tag(doc, "if review.reviewer.organisation")
    para(doc, "{{ review.reviewer.organisation }}", style="Address Block")
    tag(doc, "endif")
    tag(doc, "if review.reviewer.email")
    para(doc, "By secure email: {{ review.reviewer.email }}", style="Address Block")
    tag(doc, "endif")
    para(doc, "")
    para(doc, "Dear {{ review.reviewer.name }},")
    subject_line(doc, "Local child safeguarding practice review: {{ subject }} – request for "
                 f"{{% if {REQUEST} and {REQUEST}.draft_report %}}the draft report and {{% endif %}}information "
                 "on progress")
    para(doc, "Under regulation 14 of the Child Safeguarding Practice Review and Relevant Agency (England) "
         "Regulations 2018, the safeguarding partners supervise the review to make sure that it is making "
         "satisfactory progress and is of satisfactory quality. To do so they may ask you, in writing, for "
         "specified information or for a draft of the report. This letter is that written request, made on behalf "
         "of the safeguarding partners of {{ partnership.name }}.")
    tag(doc, f"if {REQUEST} and {REQUEST}.reason")
    para(doc, B("Why we are asking now. "), f"{{{{ {REQUEST}.reason }}}}")
    tag(doc, "endif")
    para(doc, B("Please send us"), keep_next=True)
    tag(doc, f"if {REQUEST} and {REQUEST}.asks")
    tag(doc, f"for item in {REQUEST}.asks")
    para(doc, "{{ item }}", style="List Bullet")
    tag(doc, "endfor")
    tag(doc, "else")
    bullets(doc, [
        ("a short written update on progress against the timetable below, with any milestone that has slipped "
        "and why;"),
        ("your view of any risk to publishing the report by {{ due.publication|longdate }}, and what would reduce "
        "it;"),
        ("any difficulty in obtaining records, or in reaching practitioners or family members, that the partners "
        "can help with."),
    ])
    tag(doc, "endif")
    tag(doc, f"if {REQUEST} and {REQUEST}.draft_report")
    para(doc, "the current draft of the report, marked as a draft, so that the partners can assure themselves of "
         "its quality and direction.", style="List Bullet")
    tag(doc, "endif")
    tag(doc, f"if {TOR} and {TOR}.timetable")
    para(doc, B("The agreed timetable"), keep_next=True)
    timetable = table(doc, [12.0, 5.0], header=["Milestone", "Planned date"])
    row_tag(timetable, f"for item in {TOR}.timetable")
    row(timetable, "{{ item.milestone }}", "{{ item.date|longdate }}", cant_split=True)
    row_tag(timetable, "endfor")
    para(doc, "")
    tag(doc, "endif")
    para(doc, B("Reply by {{ (" + REQUEST + ".reply_by if " + REQUEST + " and " + REQUEST + ".reply_by else "
                "document.date|working_days(10))|weekday }} {{ (" + REQUEST + ".reply_by if " + REQUEST + " and "
                + REQUEST + ".reply_by else document.date|working_days(10))|longdate }}. "),
         "Please send your reply by secure email. The decision to hold the review was taken on "
         "{{ review.decision_date|longdate }}, so the report is due to be published by "
         "{{ due.publication|longdate }}.")
    contact_paragraph(doc, "this request")
    para(doc, "Thank you for your continued work on the review.", keep_next=True)
    sign_off(doc)
    return doc


def delay_notice():
    doc = new_document("delay-notice", "Reasons for delay in publication")
    letterhead(doc)
    date_and_reference(doc)
    national_addressee(doc, [PANEL + ": " + PANEL_EMAIL, "Secretary of State for Education (Department for "
                             "Education): " + DFE_EMAIL])
    para(doc, "Dear colleagues,")
    subject_line(doc, "Local child safeguarding practice review: {{ subject }} – reasons for delay in publication")
    para(doc, "On {{ review.decision_date|longdate }} the safeguarding partners of {{ partnership.name }} decided to "
         "undertake a local child safeguarding practice review concerning {{ subject }}{% if case.notification "
         "and case.notification.reference %} (notification reference {{ case.notification.reference }}){% endif %}"
         ". Working Together to Safeguard Children asks that the report be published within six months of that "
         "decision, that is by {{ due.publication|longdate }}. Where other proceedings may delay publication, it "
         "asks the partners to tell you the reasons. We write to tell you that the report will not be published "
         "by that date, and why.")
    para(doc, B("Reasons for the delay. "), f"{{{{ {DELAY}.reasons }}}}")
    para(doc, B("Proceedings and other processes"), keep_next=True)
    _processes_table(doc)
    para(doc, B("When we expect to publish. "), f"{{% if {DELAY}.expected_date %}}We now expect to publish the "
         f"report by {{{{ {DELAY}.expected_date|longdate }}}}.{{% else %}}We cannot yet give a new date; we will "
         "write to you again as soon as we can.{% endif %} We will send you the full report at least seven working "
         "days before publication, and will have regard to any comments you make about its publication.")
    tag(doc, f"if {DELAY}.interim_action")
    para(doc, B("Acting on the learning meanwhile. "), f"{{{{ {DELAY}.interim_action }}}}")
    tag(doc, "endif")
    details = table(doc, [6.0, 11.0])
    for label, value in [
        ("Review", "{{ subject }} (our reference {{ case.reference }})"),
        ("Reviewer", ("{{ review.reviewer.name }}{% if review.reviewer.organisation %}, "
                     "{{ review.reviewer.organisation }}{% endif %}")),
        ("Decision to hold the review", "{{ review.decision_date|longdate }}"),
        ("Six months from the decision", "{{ due.publication|longdate }}"),
        ("Publication first planned for", ("{% if case.publication.planned_date %}"
                                           "{{ case.publication.planned_date|longdate }}{% else %}No date had been "
                                           "set{% endif %}")),
        ("Now expected", (f"{{% if {DELAY}.expected_date %}}{{{{ {DELAY}.expected_date|longdate }}}}{{% else %}}"
                          "To be confirmed{% endif %}")),
    ]:
        cells = row(details, label, value, cant_split=True)
        cells[0].paragraphs[0].runs[0].bold = True
    para(doc, "")
    contact_paragraph(doc, "the review")
    sign_off(doc, closing="Yours faithfully", everyone=True)
    return doc
