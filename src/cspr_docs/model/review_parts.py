"""Case parts for the later documents: family contact, practitioners, workshop, factual summary, delay, briefing."""

from __future__ import annotations

from pydantic import Field, StrictBool

from cspr_docs.model.base import Identifier, IsoDate, Strict, Text, list_field


class FamilyContact(Strict):
    """How the review contacts a family member; only members with a `contact` get family letters."""

    address: list[str] = list_field(description="Restricted: postal address, one line per item")
    email: str = ""
    phone: str = ""
    salutation: str = Field("", description="How letters greet them, e.g. 'Jodie' or 'Ms Brackwater'")
    by_hand: StrictBool = Field(False, description="Letters are handed to them (e.g. by their social worker)")
    by_email: StrictBool = Field(False, description="Letters go to them by email")
    via: str = Field("", description="A care-of line under the name, e.g. 'c/o Harland & Pike Solicitors'")
    accessible_format: str = Field("", description="e.g. large print, easy read, audio")
    interpreter_language: str = Field("", description="Language of the interpreter or translation they need")
    advocate: str = Field("", description="Their advocate or supporter, with organisation")


class Practitioner(Strict):
    """A practitioner who worked with the child or family, invited to contribute to the review."""

    id: Identifier
    name: Text
    role: str = ""
    agency: Identifier = Field(description="Id of one of `agencies`")
    email: str = ""
    manager: str = Field("", description="Line manager who nominated them and supports them")


class Workshop(Strict):
    """The reflective learning workshop for practitioners (seed 004 §8.9-8.11)."""

    date: IsoDate
    start_time: Text = Field(description="As it should be printed, e.g. 09:30")
    end_time: Text
    venue: str = ""
    online_link: str = ""
    facilitator: str = Field("", description="Defaults to the reviewer")
    reply_by: IsoDate | None = None
    what_to_bring: str = ""


class Episode(Strict):
    """A key practice episode of the factual summary."""

    date: Text = Field(description="Date or period as written, e.g. '12 March 2025' or 'autumn 2025'")
    title: Text
    summary: Text
    agencies: list[Identifier] = list_field()


class FactualSummary(Strict):
    """The agreed factual summary: an anonymised pre-read for practitioner and family sessions."""

    version: str = "1"
    status: str = Field("", description="e.g. 'Draft for factual accuracy check'")
    episodes: list[Episode] = list_field()
    current_status: str = ""
    accuracy_check_by: IsoDate | None = None


class ProgressRequest(Strict):
    """A written request to the reviewer for information or a draft report (regulation 14)."""

    asks: list[Text] = list_field(description="What the partners ask for")
    draft_report: StrictBool = False
    reply_by: IsoDate | None = None
    reason: str = ""


class DraftSharing(Strict):
    """How and when family members may read and comment on the draft report."""

    available_date: IsoDate
    comments_by: IsoDate
    arrangements: str = Field("", description="e.g. 'the reviewer will visit and read it with you'")


class Delay(Strict):
    """Why publication will be later than six months from the decision (told to the Panel and Secretary of State)."""

    reasons: Text
    expected_date: IsoDate | None = Field(None, description="When the partners now expect to publish")
    interim_action: str = Field("", description="How the learning is being acted on meanwhile")


class KeyPoint(Strict):
    """One key message of the learning briefing (tiles 3 to 5)."""

    heading: Text
    text: Text


DEFAULT_QUESTIONS = [
    "What are your key thoughts and reflections on this review?",
    "How will you embed this learning in your team, and how will you know it is embedded?",
    "How will you build it into your team's or service's improvement plan?",
]


class LearningBriefing(Strict):
    """The 7-minute briefing: publishable, pseudonyms only (domain.md §4.18)."""

    background: Text
    why_it_matters: Text
    key_points: list[KeyPoint] = Field(min_length=3, max_length=3, description="Three messages, tiles 3 to 5")
    things_to_note: list[Text] = Field(min_length=1)
    what_to_do: list[Text] = Field(min_length=1)
    reflective_questions: list[Text] = Field(default_factory=lambda: list(DEFAULT_QUESTIONS))
    further_information: str = ""
