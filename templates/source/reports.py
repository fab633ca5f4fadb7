"""The reports: combined rapid review summary, terms of reference, final report skeleton."""

from __future__ import annotations

from source.chronology import agency_sections
from source.kit import (
    B,
    G,
    I,
    field,
    form_rows,
    guidance,
    heading,
    new_document,
    optional_text,
    page_break,
    para,
    row,
    row_tag,
    table,
    tag,
)
from source.letters import OUTCOME
from source.parts import PROCESS_TYPE, letterhead

TOR = "review.terms_of_reference"


def _details(doc, rows) -> None:
    form_rows(table(doc, [6.0, 11.0]), rows)
    para(doc, "")


def _processes_table(doc) -> None:
    processes = table(doc, [5.0, 4.0, 8.0], header=["Process", "Status", "Detail"])
    row_tag(processes, "for process in case.parallel_processes")
    row(processes, PROCESS_TYPE, "{{ process.status }}", "{{ process.detail }}")
    row_tag(processes, "else")
    row(processes, G("None known"), "", "")
    row_tag(processes, "endfor")
    para(doc, "")


def combined_summary():
    doc = new_document("combined-summary", "Combined rapid review summary")
    letterhead(doc)
    para(doc, "Combined rapid review summary: {{ subject }}", style="Title")
    tag(doc, "if not rapid_review.decision")
    guidance(doc, "Summary and outcome of the rapid review: shared before the meeting, completed and agreed at "
             "it, then sent to the National Panel with the covering letter.")
    tag(doc, "endif")
    heading(doc, "Case details")
    _details(doc, [
        ("Partnership", "{{ partnership.name }}"),
        ("Case reference", "{{ case.reference }}"),
        ("Local authority", "{{ case.incident.local_authority }}"),
        ("Notification to the Panel", ("{% if case.notification %}{{ case.notification.sent_date|longdate }}"
         "{% if case.notification.reference %} (reference {{ case.notification.reference }}){% endif %}"
         "{% else %}None: referral received {{ case.referral.received_date|longdate }}{% endif %}")),
        ("Date of the incident", "{{ case.incident.date|longdate }}"),
        ("Rapid review meeting", ("{% if rapid_review.meeting %}{{ rapid_review.meeting.date|longdate }}"
         "{% elif due.meeting_earliest %}To be held between {{ due.meeting_earliest|longdate }} and "
         "{{ due.meeting_latest|longdate }}{% else %}To be held by {{ due.meeting_latest|longdate }}{% endif %}")),
        ("Due with the Panel by", ("{% if due.rapid_review_to_panel %}{{ due.rapid_review_to_panel|longdate }}"
         "{% else %}With the decision, if a review is to be held{% endif %}")),
        ("Submitted to the Panel", ("{% if rapid_review.submitted_date %}{{ rapid_review.submitted_date|longdate }}"
         "{% else %}Not yet submitted{% endif %}")),
    ])
    heading(doc, "The child and family")
    children = table(doc, [2.6, 1.8, 1.6, 2.8, 4.0, 4.2],
                     header=["Child", "Age", "Sex", "Ethnicity", "Disability", "Legal status"])
    row_tag(children, "for child in children")
    row(children, "{{ child.pseudonym }}", "{{ child.age }}", "{{ child.sex }}", "{{ child.ethnicity }}",
        "{{ child.disability }}", "{{ child.legal_status }}")
    row_tag(children, "endfor")
    para(doc, "")
    family = table(doc, [4.5, 9.5, 3.0], header=["Family member", "Relationship", "In household"])
    row_tag(family, "for person in family")
    row(family, "{{ person.pseudonym }}", "{{ person.relationship }}",
        "{% if person.household %}Yes{% else %}No{% endif %}")
    row_tag(family, "else")
    row(family, G("None recorded"), "", "")
    row_tag(family, "endfor")
    para(doc, "")
    heading(doc, "The incident")
    para(doc, "{{ case.incident.summary }}")
    para(doc, B("Safety of other children. "), "{% if case.incident.other_children_safe %}"
         "{{ case.incident.other_children_safe }}{% else %}", G("To be confirmed at the meeting."), "{% endif %}")
    heading(doc, "Agency involvement")
    para(doc, "Collated from the agencies' replies to the information request.")
    agency_sections(doc)
    heading(doc, "Analysis")
    for title, key in [("Lived experience and voice of the child", "lived_experience"),
                       ("Race, culture, protected characteristics and context", "equality_and_context"),
                       ("Good practice", "good_practice"), ("Areas for improvement", "areas_for_improvement"),
                       ("Multi-agency working", "multi_agency_working"), ("Systemic factors", "systemic_factors")]:
        heading(doc, title, 2)
        optional_text(doc, f"rapid_review.analysis.{key}", "To be completed and agreed at the meeting.")
    heading(doc, "Learning identified so far")
    tag(doc, "for item in rapid_review.learning")
    para(doc, "{{ item }}", style="List Bullet")
    tag(doc, "else")
    para(doc, G("To be agreed at the meeting, noting whether the learning is already known."))
    tag(doc, "endfor")
    heading(doc, "Immediate actions")
    actions = table(doc, [9.0, 5.0, 3.0], header=["Action", "Owner", "By"])
    row_tag(actions, "for action in rapid_review.immediate_actions")
    row(actions, "{{ action.action }}", "{{ action.owner }}",
        "{% if action.due %}{{ action.due|shortdate }}{% endif %}")
    row_tag(actions, "else")
    row(actions, G("None recorded yet"), "", "")
    row_tag(actions, "endfor")
    para(doc, "")
    heading(doc, "Decision and rationale")
    tag(doc, "if rapid_review.decision")
    para(doc, "On {{ rapid_review.decision.date|longdate }} the safeguarding partners decided " + OUTCOME + ".")
    para(doc, B("Rationale. "), "{{ rapid_review.decision.rationale }}")
    para(doc, "The decision against each statutory criterion:", keep_next=True)
    crit = table(doc, [7.0, 1.6, 8.4], header=["Criterion", "Met?", "Reasons"])
    row_tag(crit, "for item in rapid_review.decision.criteria")
    row(crit, "{{ criteria[item.id] }}", "{% if item.met %}Yes{% else %}No{% endif %}", "{{ item.reason }}")
    row_tag(crit, "endfor")
    tag(doc, 'if rapid_review.decision.outcome != "national-review-recommended"')
    para(doc, "A national review is not recommended: the safeguarding partners do not consider that the case raises "
         "issues requiring legislative change or changes to guidance, or issues that are complex or of national "
         "importance.")
    tag(doc, "endif")
    tag(doc, "else")
    para(doc, G("The decision, with its rationale against each statutory criterion, is recorded at the meeting."))
    tag(doc, "endif")
    para(doc, "")
    heading(doc, "Parallel processes")
    _processes_table(doc)
    heading(doc, "The family")
    optional_text(doc, "rapid_review.family_informed", "Has the family been told of the review? How will they "
                  "be involved?")
    heading(doc, "Attendance and sign-off")
    para(doc, "The meeting is quorate when at least {{ partnership.quorum.min_partner_agencies }} partner agencies "
         "attend, including at least {{ partnership.quorum.min_safeguarding_partners }} of the safeguarding "
         "partners.")
    tag(doc, "if rapid_review.meeting")
    attendees = table(doc, [5.0, 5.0, 7.0], header=["Name", "Role", "Agency"])
    row_tag(attendees, "for person in rapid_review.meeting.attendees")
    row(attendees, "{{ person.name }}{% if person.chair %} (chair){% endif %}", "{{ person.role }}",
        "{{ person.agency|agency_name }}")
    row_tag(attendees, "endfor")
    tag(doc, "endif")
    para(doc, "")
    para(doc, "Agreed on behalf of the safeguarding partners:", keep_next=True)
    signoff = table(doc, [5.0, 4.5, 4.5, 3.0], header=["Safeguarding partner", "Name and role", "Signature",
                                                       "Date"])
    row_tag(signoff, "for partner in partnership.statutory_partners")
    row(signoff, "{{ partner.organisation }}", "{% if partner.lead %}{{ partner.lead.name }}{% if partner.lead.role "
        "%}, {{ partner.lead.role }}{% endif %}{% endif %}", "", "", cant_split=True)
    row_tag(signoff, "endfor")
    row(signoff, "Chair of the meeting", "", "", "", cant_split=True)
    return doc


def terms_of_reference():
    doc = new_document("terms-of-reference", "Terms of reference")
    letterhead(doc)
    para(doc, "Terms of reference: local child safeguarding practice review – {{ subject }}", style="Title")
    _details(doc, [
        ("Case reference", "{{ case.reference }}"),
        ("Version", "{{ " + TOR + ".version }}"),
        ("Approved", "{% if " + TOR + ".approved_date %}{{ " + TOR + ".approved_date|longdate }}{% else %}"
         "Draft for approval by the safeguarding partners{% endif %}"),
        ("Reviewer", ("{{ review.reviewer.name }}{% if review.reviewer.organisation %}, "
                     "{{ review.reviewer.organisation }}{% endif %}")),
    ])
    heading(doc, "Background")
    para(doc, "{% if case.notification %}The local authority notified the National Panel of a serious incident "
         "concerning {{ subject }} on {{ case.notification.sent_date|longdate }}.{% else %}The partnership received "
         "a referral concerning {{ subject }} on {{ case.referral.received_date|longdate }}.{% endif %}"
         "{% if rapid_review.meeting %} The rapid review met on {{ rapid_review.meeting.date|longdate }}.{% endif %}"
         " On {{ review.decision_date|longdate }} the safeguarding partners decided to undertake a local child "
         "safeguarding practice review.{% if rapid_review.panel_response %} The National Panel responded on "
         "{{ rapid_review.panel_response.date|longdate }}{% if rapid_review.panel_response.comments %}: "
         "{{ rapid_review.panel_response.comments }}{% else %}.{% endif %}{% endif %}")
    heading(doc, "Legal basis")
    para(doc, "Section 16F of the Children Act 2004; the Child Safeguarding Practice Review and Relevant Agency "
         "(England) Regulations 2018 (SI 2018/789); Working Together to Safeguard Children 2023, chapter 5.")
    heading(doc, "Purpose")
    para(doc, "{% if " + TOR + ".purpose %}{{ " + TOR + ".purpose }}{% else %}To identify improvements to be made "
         "to safeguard and promote the welfare of children, by understanding what happened and why, and the "
         "systemic or underlying reasons for actions taken or not taken. The review is about learning, not "
         "blame.{% endif %}")
    heading(doc, "Scoping period")
    para(doc, "From {{ " + TOR + ".scoping_period.start|longdate }} to {{ " + TOR + ".scoping_period.end|longdate }}"
         ". {{ " + TOR + ".scoping_period.rationale }} Significant events before this period may be included.")
    heading(doc, "Subjects of the review")
    para(doc, "The review refers to the child{% if children|length > 1 %}ren{% endif %} as "
         "{{ children|map(attribute='pseudonym')|list|join_and }}{% if family %}, and to family members as "
         "{{ family|map(attribute='pseudonym')|list|join_and }}{% endif %}.")
    heading(doc, "Agencies and their contributions")
    # Two columns: most agencies have no questions of their own, and an empty third column looks unfinished.
    contrib = table(doc, [6.0, 11.0], header=["Agency", "Asked to provide"])
    row_tag(contrib, "for item in " + TOR + ".contributions")
    row(contrib, "{{ item.agency|agency_name }}", ("{{ item.requested|join(', ')|replace('-', ' ')|capitalize }}",
        "{% if item.key_lines_of_enquiry %}. ", B("Questions for this agency: "),
        "{{ item.key_lines_of_enquiry|join('; ') }}{% endif %}"))
    row_tag(contrib, "endfor")
    para(doc, "")
    heading(doc, "Key lines of enquiry")
    tag(doc, "for question in " + TOR + ".key_lines_of_enquiry")
    para(doc, "{{ loop.index }}.\t{{ question }}", style="List Numbered Item")
    tag(doc, "endfor")
    heading(doc, "Methodology")
    para(doc, "{{ " + TOR + ".methodology }}")
    heading(doc, "Family involvement")
    para(doc, "{{ " + TOR + ".family_involvement }}")
    heading(doc, "Practitioner involvement")
    optional_text(doc, TOR + ".practitioner_involvement", "How practitioners and their managers will contribute: "
                  "reflective learning workshop, conversations, feedback on the findings.")
    heading(doc, "Parallel processes")
    _processes_table(doc)
    heading(doc, "Equality and identity")
    optional_text(doc, TOR + ".equality_and_identity", "How the review will consider race, culture, religion, "
                  "language, disability and other protected characteristics.")
    heading(doc, "Governance and the reviewer")
    para(doc, "The review is commissioned and supervised by the safeguarding partners. The independent reviewer is "
         "{{ review.reviewer.name }}{% if review.reviewer.organisation %} ({{ review.reviewer.organisation }})"
         "{% endif %}.{% if review.reviewer.independence_statement %} "
         "{{ review.reviewer.independence_statement }}{% endif %}")
    optional_text(doc, TOR + ".governance", "Case review panel membership, chair and business office support.")
    heading(doc, "Quality assurance")
    para(doc, "The safeguarding partners supervise the review to ensure that the reviewer is making satisfactory "
         "progress and that the review is of satisfactory quality; any request to the reviewer for information "
         "is made in writing (regulation 14).")
    heading(doc, "Timetable")
    timetable = table(doc, [11.0, 6.0], header=["Milestone", "Date"])
    row_tag(timetable, "for item in " + TOR + ".timetable")
    row(timetable, "{{ item.milestone }}", "{{ item.date|longdate }}")
    row_tag(timetable, "endfor")
    row(timetable, "Full report to the Panel, Secretary of State and Ofsted (7 working days before publication)",
        "{% if due.pre_publication_copy %}{{ due.pre_publication_copy|longdate }}{% else %}Seven working days "
        "before publication{% endif %}")
    row(timetable, "Report published (within six months of the decision)", "{{ due.publication|longdate }}")
    para(doc, "")
    heading(doc, "Information sharing and data protection")
    para(doc, "Agencies share information for the review under the safeguarding partners' statutory powers. All "
         "material is marked {{ document.marking }}, sent only by secure email, and kept no longer than needed.")
    heading(doc, "Publication, anonymisation and media")
    para(doc, "The report will be written for publication: anonymised, in plain English and with the least family "
         "detail needed. It will name the reviewer, be published by {{ due.publication|longdate }} and remain "
         "available for at least a year. Media enquiries go to a single point of contact.")
    heading(doc, "Notifications and budget")
    para(doc, "{% if review.notification_sent_date %}The Panel, Ofsted and the Department for Education were told "
         "of the review and the reviewer on {{ review.notification_sent_date|longdate }}.{% else %}The Panel, "
         "Ofsted and the Department for Education are to be told of the review and the reviewer by "
         "{{ due.reviewer_notification|longdate }}.{% endif %}")
    optional_text(doc, TOR + ".budget", "Budget: state the agreed budget and who meets the cost.")
    return doc


def final_report():
    doc = new_document("final-report", "Local child safeguarding practice review", marking=False)
    tag(doc, "if document.logo is defined")  # the partnership's logo heads the cover (render/logo.py)
    para(doc, "{{ document.logo }}")
    tag(doc, "endif")
    para(doc, "Local Child Safeguarding Practice Review", style="Cover Title")
    para(doc, "{{ subject }}", style="Subtitle")
    para(doc, "{{ partnership.name }}", style="Subtitle")
    para(doc, B("Independent reviewer: "), "{{ review.reviewer.name }}{% if review.reviewer.organisation %}, "
         "{{ review.reviewer.organisation }}{% endif %}")
    para(doc, B("Report date: "), "{{ document.date|longdate }}")
    para(doc, B("Decision to review: "), "{{ review.decision_date|longdate }}")
    page_break(doc)
    heading(doc, "Foreword", numbered=False)
    guidance(doc, "A short foreword from the safeguarding partners or the independent scrutineer.")
    para(doc, "Contents", style="TOC Heading")  # looks like the unnumbered headings; never listed in the contents
    toc = para(doc, "", style="toc 1")
    field(toc, 'TOC \\o "1-2" \\h \\z \\u', "Update this field (F9 in Word; Tools > Update in LibreOffice) to "
          "list the sections.", placeholder=True)
    page_break(doc)
    heading(doc, "Introduction and reasons for the review")
    para(doc, "This review concerns {{ subject }}. On {{ review.decision_date|longdate }} the safeguarding partners "
         "of {{ partnership.name }} decided to undertake a local child safeguarding practice review"
         "{% if rapid_review.meeting %}, following a rapid review on {{ rapid_review.meeting.date|longdate }}"
         "{% endif %}.")
    tag(doc, "if rapid_review.decision and rapid_review.decision.criteria")
    para(doc, "The rapid review found that the case met these criteria:", keep_next=True)
    tag(doc, "for item in rapid_review.decision.criteria")
    tag(doc, "if item.met")
    para(doc, "{{ criteria[item.id] }}.", style="List Bullet")
    tag(doc, "endif")
    tag(doc, "endfor")
    tag(doc, "endif")
    heading(doc, "Scope and method")
    tag(doc, "if " + TOR)
    para(doc, "The review covers the period from {{ " + TOR + ".scoping_period.start|longdate }} to {{ " + TOR +
         ".scoping_period.end|longdate }}. It asked:", keep_next=True)
    tag(doc, "for question in " + TOR + ".key_lines_of_enquiry")
    para(doc, "{{ loop.index }}.\t{{ question }}", style="List Numbered Item")
    tag(doc, "endfor")
    para(doc, "{{ " + TOR + ".methodology }}")
    tag(doc, "endif")
    para(doc, "The agencies that contributed to the review are listed in Appendix D.")
    guidance(doc, "Limitations of the review, and how parallel processes (criminal proceedings, inquest) were "
             "taken into account.")
    heading(doc, "Family involvement and the child's voice")
    guidance(doc, "How the family contributed, or why they did not; a short pen picture of the child in the "
             "family's words. Keep family detail to the minimum needed.")
    heading(doc, "What happened: overview and context")
    guidance(doc, "A brief overview of what happened and the key circumstances, background and context: concise, "
             "but enough to understand the learning and recommendations.")
    heading(doc, "Key practice episodes and why decisions were taken")
    guidance(doc, "For each episode, a summary of why relevant decisions by professionals were taken, seen in the "
             "light of what was known at the time (avoid hindsight bias).")
    heading(doc, "Findings and analysis")
    heading(doc, "How agencies worked together", 2)
    guidance(doc, "A critique of how agencies worked together and any shortcomings in this.")
    heading(doc, "Systemic or underlying reasons", 2)
    guidance(doc, "An analysis of any systemic or underlying reasons why actions were taken or not taken "
             "(statutory content).")
    heading(doc, "Whether the shortcomings are features of practice in general", 2)
    guidance(doc, "Measure practice against research, guidance and law; say whether the problems recur.")
    heading(doc, "Good practice")
    guidance(doc, "Examples of good practice.")
    heading(doc, "What would need to be done differently")
    guidance(doc, "What would need to be done differently to prevent harm to a child in similar circumstances.")
    heading(doc, "Conclusions: how agencies will learn from this case")
    guidance(doc, "What needs to happen to ensure that agencies learn from this case.")
    heading(doc, "Summary of recommended improvements")
    para(doc, "The safeguarding partners are asked to accept these recommendations; each says what is required, "
         "of whom, and by when.", keep_next=True)
    recs = table(doc, [1.4, 9.0, 4.0, 2.6], header=["No.", "Recommendation", "Whom", "By when"])
    row_tag(recs, "for item in recommendations")
    cells = row(recs, "{{ loop.index }}", "{{ item.text }}", "{{ item.owner }}", "{{ item.due|shortdate }}",
                cant_split=True)
    tag(cells[1], "if item.finding")
    para(cells[1], I("Finding: {{ item.finding }}"), style="Table Text")
    tag(cells[1], "endif")
    row_tag(recs, "else")
    row(recs, "", G("No recommendations recorded yet."), "", "")
    row_tag(recs, "endfor")
    page_break(doc)
    heading(doc, "Appendix A: Terms of reference", numbered=False)
    guidance(doc, "Attach or summarise the agreed terms of reference.")
    heading(doc, "Appendix B: Glossary", numbered=False)
    guidance(doc, "Abbreviations and terms used in this report.")
    heading(doc, "Appendix C: The reviewer", numbered=False)
    para(doc, "This review was led by {{ review.reviewer.name }}{% if review.reviewer.organisation %}, "
         "{{ review.reviewer.organisation }}{% endif %}.{% if review.reviewer.independence_statement %} "
         "{{ review.reviewer.independence_statement }}{% endif %}")
    heading(doc, "Appendix D: Contributing agencies", numbered=False)
    tag(doc, "for agency in agencies")
    para(doc, "{{ agency.name }}", style="List Bullet")
    tag(doc, "endfor")
    return doc
