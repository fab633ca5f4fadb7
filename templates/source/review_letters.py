"""Review letters to agencies and practitioners: rapid review outcome, chronology and information report requests,
reflective learning workshop invitation."""

from __future__ import annotations

from source.kit import B, I, bullets, new_document, para, row, row_tag, table, tag
from source.letters import OUTCOME
from source.parts import (
    agency_addressee,
    contact_paragraph,
    date_and_reference,
    letterhead,
    sign_off,
    subject_line,
)

TOR = "review.terms_of_reference"
REVIEWER = ("{{ review.reviewer.name }}{% if review.reviewer.organisation %}, {{ review.reviewer.organisation }}"
            "{% endif %}")
RETURN_TO = ("{% if partnership.business_office and partnership.business_office.email %}"
             "{{ partnership.business_office.email }}{% elif partnership.email %}{{ partnership.email }}"
             "{% else %}the partnership business office{% endif %}")
CRIMINAL = ("case.parallel_processes|selectattr('type', 'in', ['criminal-investigation', 'criminal-proceedings'])"
            "|list")
REFERRER = "case.referral and case.referral.referrer.agency == recipient.id"


def outcome_letter():
    doc = new_document("outcome-letter", "Rapid review outcome")
    letterhead(doc)
    date_and_reference(doc)
    agency_addressee(doc)
    para(doc, "Dear {% if recipient.contact.salutation %}{{ recipient.contact.salutation }}{% else %}"
              "{{ recipient.contact.name }}{% endif %},")
    subject_line(doc, '{% if case.route == "notification" %}Rapid review{% else %}Referral for a child '
                 "safeguarding practice review{% endif %}: {{ subject }} – outcome")
    para(doc, "Thank you for the contribution of {{ recipient.name }} to the "
         '{% if case.route == "notification" %}rapid review{% else %}Case Review Group\'s consideration of the '
         "referral{% endif %} concerning {{ subject }}.{% if rapid_review.meeting %} The meeting was held on "
         "{{ rapid_review.meeting.date|longdate }}, and I{% else %} I{% endif %} am writing to let every agency "
         "involved know the outcome.")
    tag(doc, "if " + REFERRER)
    lead = "case.referral.referrer.senior_lead.name"
    para(doc, B("Your referral. "), "{{ case.referral.referrer.name }}, {{ case.referral.referrer.role }}, referred "
         "this case to the partnership on {{ case.referral.received_date|longdate }}, with the agreement of "
         f"{{% if {lead} == recipient.contact.name %}}you as senior safeguarding lead{{% else %}}{{{{ {lead} }}}}"
         "{% endif %}. Thank you for raising it. Please share this letter with "
         f"{{% if {lead} == recipient.contact.name %}}{{{{ case.referral.referrer.name }}}}{{% else %}}them both"
         "{% endif %}.")
    tag(doc, "endif")
    para(doc, B("The decision. "), "On {{ rapid_review.decision.date|longdate }} the safeguarding partners decided "
         + OUTCOME + ".")
    para(doc, B("Why. "), "{{ rapid_review.decision.rationale }}")
    tag(doc, "if rapid_review.decision.criteria")
    para(doc, "The decision against each statutory criterion:", keep_next=True)
    crit = table(doc, [7.0, 1.6, 8.4], header=["Criterion", "Met?", "Reasons"])
    row_tag(crit, "for item in rapid_review.decision.criteria")
    row(crit, "{{ criteria[item.id] }}", "{% if item.met %}Yes{% else %}No{% endif %}", "{{ item.reason }}",
        cant_split=True)
    row_tag(crit, "endfor")
    para(doc, "")
    tag(doc, "endif")
    tag(doc, "if rapid_review.learning")
    para(doc, B("Learning identified"), keep_next=True)
    tag(doc, "for item in rapid_review.learning")
    para(doc, "{{ item }}", style="List Bullet")
    tag(doc, "endfor")
    tag(doc, "endif")
    tag(doc, "if rapid_review.immediate_actions")
    para(doc, B("Immediate actions. "), "Please make sure that any action for your agency is carried out, and tell "
         "the business office when it is complete.", keep_next=True)
    actions = table(doc, [9.0, 5.5, 2.5], header=["Action", "Owner", "By"])
    row_tag(actions, "for action in rapid_review.immediate_actions")
    row(actions, "{{ action.action }}", "{{ action.owner }}",
        "{% if action.due %}{{ action.due|shortdate }}{% endif %}", cant_split=True)
    row_tag(actions, "endfor")
    para(doc, "")
    tag(doc, "endif")
    para(doc, B("What happens next. "),
         '{% if rapid_review.decision.outcome == "local-review" %}A local child safeguarding practice review will '
         "now be undertaken.{% if review %} The independent reviewer is " + REVIEWER + ".{% endif %} We will write "
         "to you about its terms of reference and what it asks of your agency: usually a chronology, an "
         "information report and time for practitioners to take part in a learning workshop. Please keep your "
         "records secured until the review is complete."
         '{% elif rapid_review.decision.outcome == "national-review-recommended" %}The National Panel will decide '
         "whether to undertake a national review, and we will tell you its decision. Please keep your records "
         "secured meanwhile."
         '{% elif rapid_review.decision.outcome == "alternative-learning-review" %}The partnership will carry out '
         "the learning review described above, and will write to you about what it asks of your agency. Please "
         "keep your records secured until it is complete."
         "{% else %}No further review will take place. The partnership will follow up the learning and actions "
         "above through its usual quality assurance.{% endif %}")
    tag(doc, "if rapid_review.panel_response")
    para(doc, B("The National Panel's response. "), "The Panel responded on "
         "{{ rapid_review.panel_response.date|longdate }}{% if rapid_review.panel_response.agrees %} and agreed "
         "with the decision{% endif %}{% if rapid_review.panel_response.comments %}: "
         "{{ rapid_review.panel_response.comments }}{% else %}.{% endif %}")
    tag(doc, "endif")
    para(doc, B("Please remember"), keep_next=True)
    bullets(doc, [
        "Tell your own inspectorate or regulator of the outcome where your agency is required to.",
        "This letter is confidential: share it only with the staff who need to know, by secure email.",
        "Do not contact the child's family about the review: the partnership co-ordinates contact with them.",
    ])
    contact_paragraph(doc, "this letter")
    para(doc, "Thank you again for your help.", keep_next=True)
    sign_off(doc)
    return doc


def _people_table(doc) -> None:
    """Names, dates of birth and pseudonyms, so the agency can search its records."""
    people = table(doc, [4.0, 5.5, 3.5, 4.0], header=["Referred to as", "Name", "Date of birth or age",
                                                      "Relationship"])
    row_tag(people, "for child in children")
    row(people, "{{ child.pseudonym }}", "{{ child.name }}",
        "{% if child.date_of_birth %}{{ child.date_of_birth|shortdate }}{% else %}{{ child.age }}{% endif %}",
        "Subject child")
    row_tag(people, "endfor")
    row_tag(people, "for person in family")
    row(people, "{{ person.pseudonym }}", "{{ person.name }}",
        "{% if person.date_of_birth %}{{ person.date_of_birth|shortdate }}{% endif %}", "{{ person.relationship }}")
    row_tag(people, "endfor")
    para(doc, "")


def _questions(doc, *, agency_first: bool) -> None:
    """The review's key lines of enquiry, and the questions the terms of reference ask of this agency."""
    own = (f"for item in {TOR}.contributions if item.agency == recipient.id and item.key_lines_of_enquiry")
    if agency_first:
        tag(doc, own)
        para(doc, B("Questions for {{ recipient.name }} in particular"), keep_next=True)
        tag(doc, "for question in item.key_lines_of_enquiry")
        para(doc, "{{ question }}", style="List Bullet")
        tag(doc, "endfor")
        tag(doc, "endfor")
    para(doc, B("The review's key lines of enquiry"), keep_next=True)
    tag(doc, f"for question in {TOR}.key_lines_of_enquiry")
    para(doc, "{{ loop.index }}.\t{{ question }}", style="List Numbered Item")
    tag(doc, "endfor")
    if not agency_first:
        tag(doc, own)
        para(doc, B("Questions for {{ recipient.name }} in particular"), keep_next=True)
        tag(doc, "for question in item.key_lines_of_enquiry")
        para(doc, "{{ question }}", style="List Bullet")
        tag(doc, "endfor")
        tag(doc, "endfor")


def _request_letter(kind: str, title: str, noun: str, due: str, about: str, steps: list[str], *,
                    agency_first: bool):
    doc = new_document(kind, title)
    letterhead(doc)
    date_and_reference(doc)
    agency_addressee(doc)
    para(doc, "Dear {% if recipient.contact.salutation %}{{ recipient.contact.salutation }}{% else %}"
              "{{ recipient.contact.name }}{% endif %},")
    subject_line(doc, "Local child safeguarding practice review: {{ subject }} – request for " + noun)
    para(doc, "On {{ review.decision_date|longdate }} the safeguarding partners of {{ partnership.name }} decided to "
         "undertake a local child safeguarding practice review concerning {{ subject }}. The independent reviewer "
         "is " + REVIEWER + ". I am writing to ask {{ recipient.name }} for " + noun + ", as the terms of "
         "reference{% if " + TOR + ".approved_date %} agreed on {{ " + TOR + ".approved_date|longdate }}{% endif %} "
         "set out.")
    para(doc, B("The purpose of the review. "), "{% if " + TOR + ".purpose %}{{ " + TOR + ".purpose }}{% else %}"
         "The review aims to understand what happened and why, and to identify the improvements needed to safeguard "
         "children. It is about learning, not blame.{% endif %}")
    para(doc, B("What the " + noun.split(" ", 1)[1] + " is for. "), about)
    para(doc, B("The period. "), "From {{ " + TOR + ".scoping_period.start|longdate }} to {{ " + TOR +
         ".scoping_period.end|longdate }}. {{ " + TOR + ".scoping_period.rationale }} Please also tell us about any "
         "earlier event you judge significant.")
    para(doc, B("The child and family. "), "Their names are given here so that you can find the records; please "
         "refer to them only by the names in the first column in anything you send back.", keep_next=True)
    _people_table(doc)
    _questions(doc, agency_first=agency_first)
    para(doc, B("What we ask you to do"), keep_next=True)
    for number, text in enumerate(steps, start=1):
        para(doc, f"{number}.\t{text}", style="List Numbered Item")
    tag(doc, f"for item in {TOR}.contributions if item.agency == recipient.id and 'practitioner-event' in "
        "item.requested")
    para(doc, B("Practitioners. "), "The review will hold a reflective learning workshop. Please send us, with your "
         "return, the names, roles and email addresses of the practitioners in your agency who worked directly "
         "with the child or family, and of their line managers, so that we can invite them. Please release them "
         "to take part, and support them before and after it.")
    tag(doc, "endfor")
    para(doc, B("Return by {{ (" + due + " or document.date|working_days(20))|weekday }} "
                "{{ (" + due + " or document.date|working_days(20))|longdate }}. "),
         f"Please send the completed {noun.split(' ', 1)[1]} by secure email to {RETURN_TO}, marked "
         "{{ document.marking }}.")
    para(doc, B("Please remember"), keep_next=True)
    bullets(doc, [
        "Keep the records relating to the child and family secured until the review is complete.",
        "Do not contact the child's family about the review: the partnership co-ordinates contact with them.",
        ("{% if " + CRIMINAL + " %}The police are investigating: do not approach potential witnesses, and speak to "
         "the police before any action that could affect the investigation.{% else %}If you learn of a police "
         "investigation or court proceedings we may not know about, please tell us.{% endif %}"),
    ])
    contact_paragraph(doc, "this request")
    para(doc, "Thank you for your help with the review.", keep_next=True)
    sign_off(doc)
    para(doc, I("Enclosed: " + noun.split(" ", 1)[1] + " template for {{ recipient.name }}."), style="Guidance")
    return doc


def chronology_request_letter():
    return _request_letter(
        "chronology-request-letter", "Chronology request", "a chronology", "review.chronology_due",
        "A chronology lists, in date order, the significant events in your agency's contact with the child and "
        "family: who was seen, what was known and what was done. The reviewer will merge the agencies' "
        "chronologies into one, so that the whole picture can be seen.",
        [
            ("Complete the enclosed chronology template: one row per significant event, in date order, factual and "
            "without analysis. If in doubt, include the event."),
            ("Say where there were periods with no contact; mark uncertain dates with ? (for example ?03/2025); "
            "explain every abbreviation in the glossary."),
            ("Ask someone who was not directly involved with the child or family to write it, and have it approved "
            "by a senior manager before you return it."),
        ],
        agency_first=False,
    )


def information_report_request_letter():
    return _request_letter(
        "information-report-request-letter", "Information report request", "an information report",
        "review.information_report_due",
        "An information report analyses your agency's involvement: what went well, what could have been better, "
        "and why, in the light of what was known at the time. It should focus on learning about the system, "
        "not on individual blame, and include what your agency has already changed.",
        [
            ("Complete the enclosed information report template, answering each key line of enquiry and the "
            "questions for your agency in particular."),
            ("Base it on your agency's records and on conversations with the practitioners and managers involved, "
            "and say which sources you used."),
            ("Ask someone who was not directly involved with the child or family to write it, and have it approved "
            "by a senior manager before you return it."),
        ],
        agency_first=True,
    )


def workshop_invitation():
    workshop = "review.workshop"
    doc = new_document("workshop-invitation", "Reflective learning workshop invitation")
    letterhead(doc)
    date_and_reference(doc)
    para(doc, "{{ recipient.name }}", style="Address Block")
    tag(doc, "if recipient.role")
    para(doc, "{{ recipient.role }}", style="Address Block")
    tag(doc, "endif")
    para(doc, "{{ recipient.agency|agency_name }}", style="Address Block")
    tag(doc, "if recipient.email")
    para(doc, "By email: {{ recipient.email }}", style="Address Block")
    tag(doc, "endif")
    para(doc, "")
    para(doc, "Dear {{ recipient.name }},")
    subject_line(doc, "Invitation to a reflective learning workshop: local child safeguarding practice review – "
                 "{{ subject }}")
    para(doc, "The safeguarding partners of {{ partnership.name }} are undertaking a local child safeguarding "
         "practice review concerning {{ subject }}. {% if recipient.manager %}Your manager ({{ recipient.manager }})"
         "{% else %}Your agency{% endif %} has told us that you worked with the child or family, and I would like "
         "to invite you to a reflective learning workshop.", keep_next=True)
    details = table(doc, [5.0, 12.0])
    for label, value in [
        ("Date", f"{{{{ {workshop}.date|weekday }}}} {{{{ {workshop}.date|longdate }}}}"),
        ("Time", f"{{{{ {workshop}.start_time }}}} to {{{{ {workshop}.end_time }}}}"),
        ("Where", (f"{{% if {workshop}.venue %}}{{{{ {workshop}.venue }}}}{{% endif %}}"
                   f"{{% if {workshop}.venue and {workshop}.online_link %}}, or online: {{% elif {workshop}.online_link"
                   f" %}}Online: {{% endif %}}{{% if {workshop}.online_link %}}{{{{ {workshop}.online_link }}}}"
                   f"{{% endif %}}{{% if not {workshop}.venue and not {workshop}.online_link %}}We will send you "
                   "the venue{% endif %}")),
        ("Facilitated by", (f"{{% if {workshop}.facilitator %}}{{{{ {workshop}.facilitator }}}}{{% else %}}"
                            f"{REVIEWER}, the independent reviewer{{% endif %}}")),
        ("Please reply by", (f"{{% if {workshop}.reply_by %}}{{{{ {workshop}.reply_by|weekday }}}} "
                             f"{{{{ {workshop}.reply_by|longdate }}}}{{% else %}}{{{{ document.date|working_days(10)"
                             "|longdate }}{% endif %}")),
    ]:
        cells = row(details, label, value, cant_split=True)
        cells[0].paragraphs[0].runs[0].bold = True
    para(doc, "")
    para(doc, B("Why your contribution matters. "), "The review is about learning, not blame. It aims to understand "
         "what it was like to work with the family at the time, what helped and what got in the way, so that the "
         "partnership can improve the system for children and for practitioners. Your experience is central to "
         "that.")
    para(doc, B("What will happen"), keep_next=True)
    bullets(doc, [
        "We will go through what is known about events and services, and you can correct or add to it.",
        "We will think about the child's daily life and experience.",
        "We will explore why things happened as they did, including workload, supervision, tools and systems.",
        "We will look at good practice, at themes that apply more widely, and at what should change.",
    ])
    para(doc, B("Ground rules"), keep_next=True)
    bullets(doc, [
        ("What is said in the workshop stays in the workshop. The report will not name you, or quote you in a way "
        "that identifies you."),
        "No blame: decisions are considered in the light of what was known at the time, not with hindsight.",
        "Everyone's view is heard with respect, whatever their role or seniority. The workshop is not recorded.",
    ])
    para(doc, B("Before the workshop. "), "We will send you a factual summary of the key events to read beforehand. "
         f"{{% if {workshop}.what_to_bring %}}{{{{ {workshop}.what_to_bring }}}}{{% else %}}You do not need to "
         "bring records.{% endif %}")
    tag(doc, "if " + CRIMINAL)
    para(doc, B("The police investigation. "), "{% if case.parallel_processes|selectattr('type', 'equalto', "
         "'criminal-proceedings')|list %}Criminal proceedings about the events are under way.{% else %}The police "
         "are investigating the events.{% endif %} The workshop will not discuss the matters under investigation. If you may be a witness, please speak to "
         "your manager before the workshop: you can still take part.")
    tag(doc, "endif")
    para(doc, B("Support. "), "Taking part in a review can be difficult. Your manager"
         "{% if recipient.manager %} ({{ recipient.manager }}){% endif %} will make time to talk with you before "
         "the workshop and to offer a debrief afterwards, and your agency's staff support service is there for "
         "you. Please tell us about anything that would help you take part, such as access, a hearing loop or "
         "breaks.")
    para(doc, B("Please reply "), f"by email to {RETURN_TO} to say whether you can attend, and write to the same "
         "address with any questions. If you cannot attend, please tell us: the reviewer can arrange a "
         "conversation with you instead.")
    para(doc, "Thank you. I look forward to your contribution.", keep_next=True)
    sign_off(doc)
    tag(doc, "if recipient.manager")
    para(doc, I("Copy: {{ recipient.manager }}"), style="Guidance")
    tag(doc, "endif")
    return doc
