"""The letters: information request (per agency), covering letter to the Panel, reviewer notice, publication notice."""

from __future__ import annotations

from source.kit import B, G, I, bullets, new_document, para, row, row_tag, table, tag
from source.parts import (
    DFE_EMAIL,
    OFSTED_EMAIL,
    PANEL,
    PANEL_EMAIL,
    agency_addressee,
    contact_paragraph,
    date_and_reference,
    letterhead,
    national_addressee,
    sign_off,
    subject_line,
)

MEETING = ("{% if rapid_review.meeting %}on {{ rapid_review.meeting.date|weekday }} "
           "{{ rapid_review.meeting.date|longdate }}{% if rapid_review.meeting.venue %} at "
           "{{ rapid_review.meeting.venue }}{% endif %}{% elif due.meeting_earliest %}between "
           "{{ due.meeting_earliest|longdate }} and {{ due.meeting_latest|longdate }}; we will confirm the date, "
           "time and venue{% else %}by {{ due.meeting_latest|longdate }}; we will confirm the date, time and venue"
           "{% endif %}")
SOURCE = ("{% if case.notification %}notified to the National Panel on {{ case.notification.sent_date|longdate }}"
          "{% if case.notification.reference %} (notification reference {{ case.notification.reference }})"
          "{% endif %}{% else %}referred to the partnership on {{ case.referral.received_date|longdate }}"
          "{% endif %}")
OUTCOME = ('{% if rapid_review.decision.outcome == "local-review" %}to undertake a local child safeguarding '
           'practice review{% elif rapid_review.decision.outcome == "national-review-recommended" %}to recommend a '
           "national review to the Panel, because the case may raise issues that are complex or of national "
           "importance"
           '{% elif rapid_review.decision.outcome == "alternative-learning-review" %}not to undertake a local '
           "child safeguarding practice review, but to carry out an alternative learning review"
           "{% else %}that no further review is needed{% endif %}")

_MONTHS = "['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve']"
TIMESCALE = ('{% if case.route == "referral" %}{{ ' + _MONTHS + '[partnership.timescales.referral_decision_months] }}'
             "-month{% else %}{{ partnership.timescales.rapid_review_working_days }} working day{% endif %} timescale")
# Whether the summary is in time: the submitted date when recorded, else the letter's own date; no claim when the
# timescale does not apply (e.g. a referral the Case Review Group closed) or cannot be worked out yet.
SUBMISSION = (
    "{% set sent = rapid_review.submitted_date or document.date %}{% if not due.rapid_review_to_panel %}"
    "{% if rapid_review.submitted_date %}The summary is submitted on {{ rapid_review.submitted_date|longdate }}. "
    "{% endif %}{% elif sent <= due.rapid_review_to_panel %}The summary is submitted "
    "{% if rapid_review.submitted_date %}on {{ rapid_review.submitted_date|longdate }}, {% endif %}within the "
    + TIMESCALE + ", which ends on {{ due.rapid_review_to_panel|longdate }}. {% else %}The summary is submitted "
    "{% if rapid_review.submitted_date %}on {{ rapid_review.submitted_date|longdate }}, {% endif %}after the "
    + TIMESCALE + ", which ended on {{ due.rapid_review_to_panel|longdate }}. We are sorry for the delay. "
    "{% if rapid_review.delay_reason %}{{ rapid_review.delay_reason|trim }} {% endif %}{% endif %}"
)


def information_request_letter():
    doc = new_document("information-request-letter", "Information request")
    letterhead(doc)
    date_and_reference(doc)
    agency_addressee(doc)
    para(doc, "Dear {% if recipient.contact.salutation %}{{ recipient.contact.salutation }}{% else %}"
              "{{ recipient.contact.name }}{% endif %},")
    subject_line(doc, "{% if case.route == \"notification\" %}Rapid review{% else %}Referral for a child "
                 "safeguarding practice review{% endif %}: {{ subject }} – request for information")
    para(doc, "On {{ case.incident.date|longdate }} a serious incident occurred concerning {{ subject }}, "
         f"which was {SOURCE}. Your agency has been identified as one that may have been involved with the "
         "child or family, and I am writing to ask you to take part in the "
         "{% if case.route == \"notification\" %}rapid review{% else %}Case Review Group's consideration of "
         "the referral{% endif %}.")
    para(doc, B("What happened. "), "{{ case.incident.summary }}")
    para(doc, B("Why we are asking. "), "The purpose of this initial scoping is to gather the basic facts "
         "about the case, including the extent of each agency's involvement with the child and family, so "
         "that the safeguarding partners can decide whether immediate action is needed, what can be learned, "
         "and whether the criteria for a local child safeguarding practice review are met. It is about "
         "learning, not blame: the review looks at how agencies worked together, not at the conduct of "
         "individual practitioners.")
    para(doc, B("The child and family. "), "Please search your records for the following people. Their "
         "names are given here so that you can find the records; please refer to them only by the names in "
         "the first column in anything you send back.", keep_next=True)
    subjects = table(doc, [4.0, 5.5, 3.5, 4.0], header=["Referred to as", "Name", "Date of birth or age",
                                                        "Relationship"])
    row_tag(subjects, "for child in children")
    row(subjects, "{{ child.pseudonym }}", "{{ child.name }}",
        "{% if child.date_of_birth %}{{ child.date_of_birth|shortdate }}{% else %}{{ child.age }}{% endif %}",
        "Subject child")
    row_tag(subjects, "endfor")
    row_tag(subjects, "for person in family")
    row(subjects, "{{ person.pseudonym }}", "{{ person.name }}",
        "{% if person.date_of_birth %}{{ person.date_of_birth|shortdate }}{% endif %}",
        "{{ person.relationship }}")
    row_tag(subjects, "endfor")
    para(doc, "")
    para(doc, B("What we ask you to do"), keep_next=True)
    items = [
        ("Search your agency's records for the people named above, covering the period from the birth of the "
         "child (including the pre-birth period) to the date of the incident, {{ case.incident.date|longdate }}. "
         "Tell us about any earlier involvement you judge significant."),
        ("Confirm whether your agency was involved with the child or family. If it was not, please still return "
         "the template marked as a nil return."),
        ("Secure all records and files relating to the case now: move them to a secure place where they are not "
         "accessible to staff other than through a nominated representative."),
        "Complete the enclosed information request reply template: a short, factual summary is enough.",
        ("Have the completed template signed off by a senior manager in your agency before you return it."),
    ]
    for number, text in enumerate(items, start=1):
        para(doc, f"{number}.\t{text}", style="List Numbered Item")
    para(doc, B("Reply by {{ due.replies|weekday }} {{ due.replies|longdate }}. "),
         "Please return the completed template by secure email by this date, so that the information can be "
         "collated into the combined summary for the meeting.")
    para(doc, B("The meeting. "), f"The rapid review meeting will take place {MEETING}. Please let us know who "
         "will represent your agency: they should have enough seniority to agree actions on its behalf.")
    para(doc, B("Please remember"), keep_next=True)
    bullets(doc, [
        "Send personal information only by secure email, and mark it {{ document.marking }}.",
        "Do not contact the child's family about the review: the partnership will arrange family involvement.",
        ("If the police are investigating, do not approach potential witnesses, and speak to the police before "
         "any action that could affect the investigation."),
        "This request is confidential: share it only with the staff who need to act on it.",
    ])
    contact_paragraph(doc, "this request")
    doc.paragraphs[-1].paragraph_format.keep_with_next = True  # not "Thank you" alone above the sign-off
    para(doc, "Thank you for your help.")
    sign_off(doc)
    para(doc, I("Enclosed: information request reply template for {{ recipient.name }}."), style="Guidance")
    return doc


def panel_covering_letter():
    doc = new_document("panel-covering-letter", "Covering letter to the National Panel")
    letterhead(doc)
    date_and_reference(doc)
    national_addressee(doc, [PANEL, "By secure email: " + PANEL_EMAIL])
    para(doc, "Dear Panel colleagues,")
    subject_line(doc, "Rapid review: {{ subject }}{% if case.notification and case.notification.reference %} "
                 "(notification reference {{ case.notification.reference }}){% endif %}")
    para(doc, "I enclose the combined rapid review summary for {{ subject }} on behalf of the safeguarding "
         "partners of {{ partnership.name }}. The incident occurred on {{ case.incident.date|longdate }} and was "
         f"{SOURCE}.")
    para(doc, "The rapid review meeting was held on {{ rapid_review.meeting.date|longdate }}. "
         "{% if rapid_review.decision.date == rapid_review.meeting.date %}At the meeting{% else %}On "
         "{{ rapid_review.decision.date|longdate }}{% endif %} the safeguarding partners decided " + OUTCOME + ".")
    para(doc, B("Rationale. "), "{{ rapid_review.decision.rationale }}")
    tag(doc, "if rapid_review.learning")
    para(doc, B("Learning already being acted on"), keep_next=True)
    tag(doc, "for item in rapid_review.learning")
    para(doc, "{{ item }}", style="List Bullet")
    tag(doc, "endfor")
    tag(doc, "endif")
    tag(doc, "if rapid_review.immediate_actions")
    para(doc, B("Immediate actions"), keep_next=True)
    tag(doc, "for action in rapid_review.immediate_actions")
    para(doc, "{{ action.action|trim('. ') }} ({{ action.owner }}{% if action.due %}, by "
         "{{ action.due|longdate }}{% endif %}).", style="List Bullet")
    tag(doc, "endfor")
    tag(doc, "endif")
    para(doc, SUBMISSION + "We look forward to the Panel's response.")
    contact_paragraph(doc, "this rapid review")
    sign_off(doc, everyone=True)
    para(doc, I("Enclosed: combined rapid review summary ({{ case.reference }})."), style="Guidance")
    return doc


def reviewer_notification():
    doc = new_document("reviewer-notification", "Notice of a local review and its reviewer")
    letterhead(doc)
    date_and_reference(doc)
    national_addressee(doc, [PANEL + ": " + PANEL_EMAIL, "Ofsted: " + OFSTED_EMAIL,
                             "Department for Education: " + DFE_EMAIL])
    para(doc, "Dear colleagues,")
    subject_line(doc, "Local child safeguarding practice review commissioned: {{ subject }}")
    para(doc, "On {{ review.decision_date|longdate }} the safeguarding partners of {{ partnership.name }} "
         "decided to undertake a local child safeguarding practice review in respect of {{ subject }}. As "
         "Working Together to Safeguard Children asks, we write to tell you the name of the reviewer we have "
         "commissioned.", keep_next=True)
    details = table(doc, [6.0, 11.0])
    _rows = [
        ("Partnership", "{{ partnership.name }}"),
        ("Review", "{{ subject }} (our reference {{ case.reference }})"),
        ("Notification to the Panel", ("{% if case.notification %}{{ case.notification.sent_date|longdate }}"
         "{% if case.notification.reference %}, reference {{ case.notification.reference }}{% endif %}"
         "{% else %}Not notified: the case came to the partnership by referral{% endif %}")),
        ("Decision to hold a local review", "{{ review.decision_date|longdate }}"),
        ("Reviewer", ("{{ review.reviewer.name }}", ("{% if review.reviewer.organisation %}, "
                      "{{ review.reviewer.organisation }}{% endif %}"))),
        ("Review starts", ("{% if review.start_date %}{{ review.start_date|longdate }}{% else %}To be confirmed"
         "{% endif %}")),
        ("Report to be published by", "{{ due.publication|longdate }} (six months from the decision)"),
    ]
    for label, value in _rows:
        cells = row(details, label, value, cant_split=True)
        cells[0].paragraphs[0].runs[0].bold = True
    para(doc, "")
    para(doc, "We will keep the Panel informed of progress, and will tell you and the Secretary of State of the "
         "reasons if parallel proceedings delay publication.")
    contact_paragraph(doc, "the review")
    sign_off(doc, closing="Yours faithfully")
    return doc


def publication_notice():
    doc = new_document("publication-notice", "Notice of publication")
    letterhead(doc)
    date_and_reference(doc)
    national_addressee(doc, [PANEL + ": " + PANEL_EMAIL, "Secretary of State for Education (Department for "
                             "Education): " + DFE_EMAIL, "Copy to Ofsted: " + OFSTED_EMAIL])
    para(doc, "Dear colleagues,")
    subject_line(doc, "Notice of publication: local child safeguarding practice review – {{ subject }}")
    tag(doc, "if case.publication.full_report")
    para(doc, "The safeguarding partners of {{ partnership.name }} intend to publish the report of the local "
         "child safeguarding practice review concerning {{ subject }} on "
         "{{ case.publication.planned_date|weekday }} {{ case.publication.planned_date|longdate }}. A copy of the "
         "full report is enclosed.")
    tag(doc, "else")
    para(doc, "The safeguarding partners of {{ partnership.name }} have decided not to publish the full report "
         "of the local child safeguarding practice review concerning {{ subject }}. They intend to publish "
         "information about the improvements to be made following the review on "
         "{{ case.publication.planned_date|weekday }} {{ case.publication.planned_date|longdate }}. A copy of the "
         "full report and of that information is enclosed.")
    para(doc, B("Why the full report will not be published. "), "{{ case.publication.reasons_not_published }}")
    tag(doc, "endif")
    para(doc, "Under Working Together to Safeguard Children this copy must reach you at least seven working days "
         "before publication, that is by {{ due.pre_publication_copy|longdate }}.")
    details = table(doc, [6.0, 11.0])
    for label, value in [
        ("Review", "{{ subject }} (our reference {{ case.reference }})"),
        ("Decision to hold the review", "{{ review.decision_date|longdate }}"),
        ("Reviewer", ("{{ review.reviewer.name }}{% if review.reviewer.organisation %}, "
                     "{{ review.reviewer.organisation }}{% endif %}")),
        ("Publication date", "{{ case.publication.planned_date|longdate }}"),
        ("Where", ("{% if case.publication.url %}{{ case.publication.url }}{% else %}The partnership's website"
                  "{% endif %}")),
        ("Available until at least", ("{% if due.published_until %}{{ due.published_until|longdate }}"
                                     "{% else %}One year after publication{% endif %}")),
    ]:
        cells = row(details, label, value, cant_split=True)
        cells[0].paragraphs[0].runs[0].bold = True
    para(doc, "")
    para(doc, "The published report names the reviewer, and is anonymised so as to avoid harming the welfare of "
         "any child or vulnerable adult involved. After publication we will also send it to the NSPCC national "
         "case review repository.")
    contact_paragraph(doc, "the publication")
    sign_off(doc, closing="Yours faithfully", everyone=True)
    para(doc, G("Enclosed: {% if case.publication.full_report %}the full report{% else %}the full report and "
                "the information about improvements{% endif %}."), style="Guidance")
    return doc
