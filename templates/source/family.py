"""Letters to family members: introducing the review, reading the draft report, and before publication.

Three kinds rather than one with a variant field: each is reached at its own stage, has its own file name (a later
letter never overwrites an earlier one), and a partnership can replace one without the others. They share every
paragraph that is the same (addressee, ways to take part, support, contact) through the helpers below.
"""

from __future__ import annotations

from source.kit import B, bullets, new_document, para, tag
from source.parts import date_and_reference, letterhead, reach, sign_off, subject_line

CONTACT = "recipient.contact"
DEATH = 'case.incident.type == "death"'
NAMES = ("{% if children|rejectattr('known_as')|list %}{{ children|map(attribute='name')|list|join_and }}"
         "{% else %}{{ children|map(attribute='known_as')|list|join_and }}{% endif %}")
PSEUDONYMS = ("{% if children|length > 1 %}the children are called "
              "{{ children|map(attribute='pseudonym')|list|join_and }}{% else %}" + NAMES + " is called "
              "{{ children[0].pseudonym }}{% endif %}, and you are called {{ recipient.pseudonym }}")
NAMED_AS = ("{% if children|length == 1 and subject == children[0].pseudonym %}The report does not use your "
            "family's names: " + PSEUDONYMS + ".{% else %}The report is called “{{ subject }}”, and it does not use "
            "your family's names: " + PSEUDONYMS + ".{% endif %}")
CRIMINAL = ("case.parallel_processes|selectattr('type', 'in', ['criminal-investigation', 'criminal-proceedings'])"
            "|list")
CORONER = "case.parallel_processes|selectattr('type', 'equalto', 'coroner')|list"
REVIEWER = "{{ review.reviewer.name }}"
LIAISON = ("{% if review.family_liaison %}{{ review.family_liaison.name }}{% elif partnership.business_office %}"
           "{{ partnership.business_office.name }}{% else %}our business office{% endif %}")
SORRY_AGAIN = "{% if " + DEATH + " %}, and to say again how very sorry we are for your loss{% endif %}"


def _start(kind: str, title: str, subject: str):
    """Letterhead, date, a private addressee block, the greeting and the subject line."""
    doc = new_document(kind, title)
    letterhead(doc)
    date_and_reference(doc)
    para(doc, B("Private and confidential"), f'{{% if {CONTACT}.by_hand %}} – by hand{{% endif %}}',
         style="Address Block")
    para(doc, "{{ recipient.name }}", style="Address Block")
    tag(doc, f"if {CONTACT}.via")
    para(doc, f"{{{{ {CONTACT}.via }}}}", style="Address Block")
    tag(doc, "endif")
    tag(doc, f"if {CONTACT}.address")
    para(doc, f"{{{{ {CONTACT}.address|lines }}}}", style="Address Block")
    tag(doc, "endif")
    tag(doc, f"if {CONTACT}.by_email and {CONTACT}.email")
    para(doc, f"By email: {{{{ {CONTACT}.email }}}}", style="Address Block")
    tag(doc, "endif")
    para(doc, "")
    para(doc, f"Dear {{% if {CONTACT}.salutation %}}{{{{ {CONTACT}.salutation }}}}{{% else %}}{{{{ recipient.name }}}}"
         "{% endif %},")
    subject_line(doc, subject)
    return doc


def _help_to_take_part(doc) -> None:
    para(doc, f"{{% if {CONTACT}.interpreter_language %}}We will arrange an interpreter who speaks "
         f"{{{{ {CONTACT}.interpreter_language }}}} for any meeting or call, and can translate letters for you, free "
         "of charge.{% else %}If you would like an interpreter or a translation, please tell us: it is free of "
         f"charge.{{% endif %}} {{% if {CONTACT}.accessible_format %}}As you asked, we will send you letters about "
         f"the review in {{{{ {CONTACT}.accessible_format }}}}.{{% else %}}We can send letters in large print, easy "
         f"read or another format if that would help.{{% endif %}} {{% if {CONTACT}.advocate %}}You can have your "
         f"advocate ({{{{ {CONTACT}.advocate }}}}) with you at every stage.{{% else %}}You can bring a friend, relative or "
         "advocate with you, and we can help you find an independent advocate if you would like one.{% endif %}")


def _support(doc) -> None:
    para(doc, B("Support. "), "{% if review.family_support %}If you would like support, these services are there "
         "for you:{% else %}If you would like to talk to someone about how you are feeling, please tell us and we "
         "will help you find support. Your GP can help too.{% endif %}", keep_next=True)
    tag(doc, "for service in review.family_support")
    para(doc, "{{ service }}", style="List Bullet")
    tag(doc, "endfor")


def _contact(doc, lead: str, opening: str = "") -> None:
    """Who to talk to: the family liaison when the review names one, else the business office."""
    liaison, office = "review.family_liaison", "partnership.business_office"
    ways = {"phone": "on ", "phone_first": True}
    choice = (f"({reach(liaison, **ways)}) if {liaison} else (({reach(office, fallback='partnership', **ways)}) "
              f"if {office} else ({reach('partnership', **ways)}))")
    means = f"{{% set means = {choice} %}}"
    para(doc, B(lead), means + opening + "You can contact " + LIAISON +
         f"{{% if {liaison} and {liaison}.role %}}, {{{{ {liaison}.role }}}},{{% endif %}}"
         "{% if means %} {{ means }},{% endif %} at any time if you have questions or would like to talk.")


def _finish(doc) -> None:
    sign_off(doc)


def family_letter():
    doc = _start("family-letter", "About a child safeguarding practice review",
                 "A review of the help given to " + NAMES)
    para(doc, "{% if " + DEATH + " %}I am writing, first of all, to say how very sorry I am that " + NAMES +
         " died. I know this letter comes at a very painful time, and I am grateful to you for reading it."
         "{% else %}I know this is a very difficult time for you and your family, and I am sorry to be writing to "
         "you about it.{% endif %} I would like to tell you about a review that is taking place, and to ask "
         "whether you would like to be part of it.")
    para(doc, B("What is the review? "), "When a child {% if " + DEATH + " %}dies{% else %}is seriously harmed"
         "{% endif %} and there are worries about abuse or neglect, the local safeguarding partners (the council, "
         "the NHS and the police) look at how services worked with the child and family. This is called a child "
         "safeguarding practice review. Its purpose is to learn, so that services can do better for other "
         "children and families. It is not about blaming anyone.{% if " + CRIMINAL + " %} It is separate from the "
         "police investigation{% if " + CORONER + " %} and from the coroner's inquest{% endif %}.{% elif " + CORONER
         + " %} It is separate from the coroner's inquest.{% endif %}")
    para(doc, B("Who is carrying it out? "), "The partners have asked " + REVIEWER + "{% if "
         "review.reviewer.organisation %} of {{ review.reviewer.organisation }}{% endif %}, who is independent of "
         "the local services, to lead the review.")
    para(doc, B("Why we would like to hear from you. "), "You know " + NAMES + " and your family better than "
         "anyone. " + REVIEWER + " would like to hear about {% if children|length > 1 %}the children's lives"
         "{% else %}" + NAMES + "'s life{% endif %}, the help your family was offered, what was useful and what "
         "could have been better. What you say can help shape what the review looks at and what it recommends.")
    para(doc, B("How you can take part. "), "You can choose whatever suits you best:", keep_next=True)
    bullets(doc, [
        "meet " + REVIEWER + " in person, at your home or somewhere else you choose;",
        "talk on the phone or by video call;",
        "write down your thoughts, or ask someone to write them down for you.",
    ])
    _help_to_take_part(doc)
    para(doc, B("You do not have to take part. "), "It is your choice. If you decide not to, that is all right, and "
         "it will not affect any services you or your family receive. You can change your mind, or stop, at any "
         "time.")
    para(doc, B("What happens to what you tell us. "), REVIEWER + " will write a report. " + NAMED_AS +
         " The report is usually published, so that others can learn from it. "
         "Before it is finished, you will be offered the chance to read it and tell us what you think. We aim to "
         "finish by {{ due.publication|longdate }}{% if " + CRIMINAL + " %}, although the police investigation may "
         "mean it takes longer{% endif %}, and we will keep you informed.")
    tag(doc, "if " + CRIMINAL)
    para(doc, B("The police investigation. "), REVIEWER + " will not ask you about the events the police are "
         "investigating, and we will agree the timing of any conversation with the police, so that the review "
         "does not affect their work.")
    tag(doc, "endif")
    _support(doc)
    _contact(doc, "What happens next. ", LIAISON + " will get in touch in the next two weeks to ask how you feel "
             "about taking part, unless you would rather we did not. ")
    _finish(doc)
    return doc


def family_letter_draft():
    doc = _start("family-letter-draft", "Reading the draft review report",
                 "Reading the draft review report about " + NAMES)
    para(doc, "I am writing to let you know that " + REVIEWER + " has now written a draft of the review report"
         + SORRY_AGAIN + ". Before the report is finished, we would like to offer you the chance to read it and "
         "to tell us what you think.")
    para(doc, B("When and how. "), "The draft will be ready for you from "
         "{{ review.draft_sharing.available_date|weekday }} {{ review.draft_sharing.available_date|longdate }}. "
         "{% if review.draft_sharing.arrangements %}{{ review.draft_sharing.arrangements }}{% else %}We will "
         "arrange a time and place that suits you, and someone can be with you while you read it if you would "
         "like.{% endif %}")
    para(doc, B("Your comments. "), "Please tell us what you think by {{ review.draft_sharing.comments_by|weekday }} "
         "{{ review.draft_sharing.comments_by|longdate }}. You can tell us if you think something is wrong or "
         "missing, or if anything is upsetting or could identify your family. Your comments will be considered "
         "before the report is finished, and your views can be included in it. If you need more time, please "
         "tell us.")
    para(doc, B("Names in the report. "), NAMED_AS)
    para(doc, B("Please keep it private. "), "The draft is confidential and may still change, so please do not "
         "copy it, share it or post about it online.")
    para(doc, B("You do not have to read it. "), "It is your choice. If you would rather not, that is all right.")
    _help_to_take_part(doc)
    _support(doc)
    _contact(doc, "Questions. ")
    _finish(doc)
    return doc


def family_letter_publication():
    doc = _start("family-letter-publication", "Publication of the review report",
                 "Publication of the review report about " + NAMES)
    para(doc, "I am writing to let you know that the safeguarding partners plan to publish the report of the review, "
         "written by " + REVIEWER + ", on {{ case.publication.planned_date|weekday }} {{ case.publication.planned_date|longdate }}. We wanted "
         "you to hear this from us first" + SORRY_AGAIN + ".")
    para(doc, B("What will be published. "), "{% if case.publication.full_report %}The full report will be "
         "published on the partnership's website{% if case.publication.url %} at {{ case.publication.url }}"
         "{% endif %}.{% else %}The partners have decided not to publish the full report. Instead they will "
         "publish a summary of the improvements services will make, on the partnership's website"
         "{% if case.publication.url %} at {{ case.publication.url }}{% endif %}.{% endif %} " + NAMED_AS +
         " It will also be sent to the national panel that learns from these "
         "reviews, and to the NSPCC library of case reviews, so that others can learn from it.")
    para(doc, B("Before it is published. "), "If you would like to read the final report before it is published, "
         "or to talk about it, please let us know. We can meet you to go through it, with an interpreter or "
         "someone to support you if you wish.")
    para(doc, B("The media. "), "Journalists sometimes write about these reports. You do not have to speak to them. "
         "If a journalist contacts you, or you are worried about attention from the media, please tell us straight "
         "away and we will help.")
    _support(doc)
    _contact(doc, "Questions. ")
    _finish(doc)
    return doc
