"""The case: everything a CSPR's documents are made from, from incident to publication. Pure data."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, StrictBool

from cspr_docs.model.base import Identifier, IsoDate, Reference, Strict, Text, list_field
from cspr_docs.model.criteria import CriterionId
from cspr_docs.model.partnership import Contact, Partnership
from cspr_docs.model.review_parts import (
    Delay,
    DraftSharing,
    FactualSummary,
    FamilyContact,
    LearningBriefing,
    Practitioner,
    ProgressRequest,
    Workshop,
)

AgencyType = Literal[
    "local-authority",
    "childrens-social-care",
    "icb",
    "police",
    "health",
    "gp",
    "education",
    "early-years",
    "probation",
    "housing",
    "youth-justice",
    "voluntary",
    "other",
]


class Child(Strict):
    """A child subject of the review. `name` and `date_of_birth` are restricted: working documents only."""

    id: Identifier
    pseudonym: Text = Field(description="How every document names the child, e.g. 'Child A'")
    name: Text = Field(description="Restricted: real name, never in publishable documents, logs or errors")
    date_of_birth: IsoDate | None = Field(None, description="Restricted")
    age: str = Field("", description="Age at the incident, used where the date of birth is restricted")
    sex: str = ""
    ethnicity: str = ""
    religion: str = ""
    language: str = ""
    disability: str = ""
    legal_status: str = Field("", description="e.g. none, early help, child in need, child protection plan")
    school: str = ""
    local_authority: str = ""
    known_as: str = Field("", description="Restricted: the name the family uses, in family letters only")


class FamilyMember(Strict):
    """A family member or carer. `name` and `date_of_birth` are restricted."""

    id: Identifier
    pseudonym: Text
    name: Text = Field(description="Restricted: real name")
    relationship: Text = Field(description="Relationship to the child or children, e.g. 'mother of Child A'")
    date_of_birth: IsoDate | None = Field(None, description="Restricted")
    household: StrictBool = False
    contact: FamilyContact | None = Field(None, description="Restricted: set once the review will write to them")


class Incident(Strict):
    """The serious incident and when the local authority became aware of it."""

    date: IsoDate
    aware_date: IsoDate
    type: Literal["death", "serious-harm", "other"]
    category: str = Field("", description="e.g. non-accidental injury, SUDI, neglect, exploitation")
    summary: Text
    local_authority: Text
    other_children_safe: str = Field("", description="What was done to keep other children safe")
    media_interest: str = ""


class Notification(Strict):
    """The serious incident notification the local authority sent to the Panel."""

    sent_date: IsoDate
    reference: str = Field("", description="Reference given by the online notification system")
    rapid_review_threshold: str = ""


class Referrer(Strict):
    """Who referred the case, and the senior safeguarding lead in their agency who agreed it."""

    name: Text
    role: Text
    agency: Identifier = Field(description="Id of one of `agencies`")
    contact: str = ""
    senior_lead: Contact


class Referral(Strict):
    """A referral from an agency to the partnership (the route with no notification yet)."""

    received_date: IsoDate
    referrer: Referrer
    reasons: str = Field("", description="Why the referrer thinks the criteria are met")
    anticipated_learning: str = ""


class AgencyContact(Strict):
    """The agency's safeguarding lead, to whom letters go."""

    name: Text
    role: str = ""
    salutation: str = Field("", description="How letters greet them, e.g. 'Ms Rahman'; defaults to the name")
    email: str = ""
    phone: str = ""
    address: list[str] = list_field()


class Agency(Strict):
    """An agency involved with the child or family."""

    id: Identifier
    name: Text
    type: AgencyType
    statutory_partner: StrictBool = False
    contact: AgencyContact


class Attendee(Strict):
    """Someone at the rapid review meeting, with the agency they represent."""

    name: Text
    role: str = ""
    agency: Identifier = Field(description="Id of one of `agencies`")
    chair: StrictBool = False


class Meeting(Strict):
    """The rapid review meeting."""

    date: IsoDate
    venue: str = ""
    attendees: list[Attendee] = list_field()


class CriterionAssessment(Strict):
    """The decision's reasoning against one statutory criterion."""

    id: CriterionId
    met: StrictBool
    reason: Text


class Decision(Strict):
    """What the rapid review decided, and why."""

    outcome: Literal["local-review", "national-review-recommended", "alternative-learning-review", "no-further-action"]
    date: IsoDate
    rationale: Text
    criteria: list[CriterionAssessment] = list_field()


class Action(Strict):
    """An action with an owner and a due date."""

    action: Text
    owner: Text
    due: IsoDate | None = None


class Analysis(Strict):
    """The rapid review's analysis (combined summary §5)."""

    lived_experience: str = ""
    equality_and_context: str = ""
    good_practice: str = ""
    areas_for_improvement: str = ""
    multi_agency_working: str = ""
    systemic_factors: str = ""


class PanelResponse(Strict):
    """The National Panel's reply to the rapid review."""

    date: IsoDate
    agrees: StrictBool | None = None
    comments: str = ""


class RapidReview(Strict):
    """The rapid review: requests, meeting, decision and submission to the Panel."""

    requests_sent_date: IsoDate | None = None
    replies_complete_date: IsoDate | None = None
    meeting: Meeting | None = None
    analysis: Analysis = Field(default_factory=Analysis)
    learning: list[Text] = list_field()
    immediate_actions: list[Action] = list_field()
    decision: Decision | None = None
    ratified_date: IsoDate | None = None
    submitted_date: IsoDate | None = None
    delay_reason: str = Field("", description="Why the summary went to the Panel after the timescale (covering letter)")
    panel_response: PanelResponse | None = None
    family_informed: str = ""


class ParallelProcess(Strict):
    """A process running alongside the review (criminal investigation, coroner, CDOP…)."""

    type: Literal[
        "criminal-investigation",
        "criminal-proceedings",
        "coroner",
        "cdop",
        "domestic-homicide-review",
        "safeguarding-adult-review",
        "nhs-review",
        "disciplinary",
        "family-court",
        "complaint",
        "other",
    ]
    status: str = ""
    detail: str = ""


class Reviewer(Strict):
    """The independent reviewer commissioned for the local review."""

    name: Text
    organisation: str = ""
    email: str = ""
    independence_statement: str = ""


class ScopingPeriod(Strict):
    """The period the review looks at, and why."""

    start: IsoDate
    end: IsoDate
    rationale: Text


class Contribution(Strict):
    """What one agency is asked to contribute to the local review."""

    agency: Identifier = Field(description="Id of one of `agencies`")
    requested: list[Literal["chronology", "information-report", "practitioner-event", "interview", "records"]] = list_field()
    key_lines_of_enquiry: list[Text] = list_field(description="Questions for this agency in particular")


class TimetableEntry(Strict):
    """A milestone of the local review's own timetable."""

    milestone: Text
    date: IsoDate


class TermsOfReference(Strict):
    """Terms of reference for the local review (domain.md §4.9)."""

    version: str = "1.0"
    approved_date: IsoDate | None = None
    purpose: str = ""
    scoping_period: ScopingPeriod
    key_lines_of_enquiry: list[Text] = list_field(min_length=1)
    methodology: Text
    contributions: list[Contribution] = list_field()
    family_involvement: Text
    practitioner_involvement: str = ""
    equality_and_identity: str = ""
    governance: str = ""
    budget: str = Field("", description="The agreed budget and who meets the cost")
    timetable: list[TimetableEntry] = list_field()


class Review(Strict):
    """The local child safeguarding practice review, once commissioned."""

    decision_date: IsoDate
    reviewer: Reviewer
    notification_sent_date: IsoDate | None = Field(None, description="Panel, Ofsted and DfE told of the reviewer")
    start_date: IsoDate | None = None
    terms_of_reference: TermsOfReference | None = None
    requests_sent_date: IsoDate | None = Field(None, description="Chronology and information report requests sent")
    chronology_due: IsoDate | None = None
    information_report_due: IsoDate | None = None
    practitioners: list[Practitioner] = list_field()
    workshop: Workshop | None = None
    factual_summary: FactualSummary | None = None
    progress_request: ProgressRequest | None = None
    draft_sharing: DraftSharing | None = None
    family_liaison: Contact | None = Field(None, description="Who keeps in touch with the family (seed 004 §7.1.3)")
    family_support: list[Text] = list_field(description="Support services offered to family members, with contacts")


class Publication(Strict):
    """Publication of the final report."""

    planned_date: IsoDate | None = None
    pre_publication_sent_date: IsoDate | None = None
    published_date: IsoDate | None = None
    full_report: StrictBool = True
    url: str = ""
    reasons_not_published: str = ""
    delay: Delay | None = None


class Recommendation(Strict):
    """A recommendation of the final report: what, for whom, by when."""

    id: Identifier
    text: Text
    owner: Text
    due: IsoDate
    finding: str = ""


def _partnership_may_live_elsewhere(schema: dict[str, Any]) -> None:
    """The schema an editor checks case.yaml with: `partnership` mostly comes from partnership.yaml."""
    schema["required"] = [name for name in schema.get("required", []) if name != "partnership"]


class Case(Strict):
    """One child safeguarding practice review case."""

    model_config = ConfigDict(json_schema_extra=_partnership_may_live_elsewhere)

    reference: Reference = Field(description="The partnership's case reference; used in file names")
    route: Literal["notification", "referral"]
    title: str = Field("", description="Publishable name of the review, e.g. 'Child A'; defaults to the pseudonyms")
    partnership: Partnership = Field(
        description="The partnership profile. Usually not written here: cspr-docs reads it from the nearest "
        "partnership.yaml beside or above the case folder (written by `cspr-docs init`); a section here is used "
        "instead of that file"
    )
    children: list[Child] = Field(min_length=1)
    family: list[FamilyMember] = list_field()
    incident: Incident
    notification: Notification | None = None
    referral: Referral | None = None
    agencies: list[Agency] = list_field()
    parallel_processes: list[ParallelProcess] = list_field()
    rapid_review: RapidReview = Field(default_factory=RapidReview)
    review: Review | None = None
    publication: Publication = Field(default_factory=Publication)
    recommendations: list[Recommendation] = list_field()
    learning_briefing: LearningBriefing | None = None

    def agency(self, agency_id: str) -> Agency:
        """The agency with this id (raises KeyError when there is none)."""
        for agency in self.agencies:
            if agency.id == agency_id:
                return agency
        raise KeyError(agency_id)
