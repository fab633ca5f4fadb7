"""The partnership profile: letterhead, partners, signatories, protective marking and local timescales."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, PrivateAttr

from cspr_docs.model.base import IsoDate, Strict, Text, list_field
from cspr_docs.model.rules import RulePackSchema


class Contact(Strict):
    """A named person with a role and ways to reach them."""

    name: Text
    role: str = ""
    organisation: str = ""
    email: str = ""
    phone: str = ""


class StatutoryPartner(Strict):
    """One of the three safeguarding partners (local authority, integrated care board, police)."""

    kind: Literal["local-authority", "icb", "police"]
    organisation: Text
    lead: Contact | None = None


class Timescales(Strict):
    """Statutory and local timescales; defaults follow Working Together and seed 004, partnerships may override."""

    notification_working_days: int = Field(5, ge=0, le=60)
    requests_working_days: int = Field(2, ge=0, le=60)
    replies_working_days: int = Field(10, ge=0, le=60)
    meeting_earliest_working_days: int = Field(10, ge=0, le=60)
    meeting_latest_working_days: int = Field(13, ge=0, le=60)
    ratification_working_days: int = Field(2, ge=0, le=60)
    rapid_review_working_days: int = Field(15, ge=0, le=60)
    panel_response_working_days: int = Field(15, ge=0, le=60)
    reviewer_notification_working_days: int = Field(5, ge=0, le=60)
    publication_months: int = Field(6, ge=1, le=24)
    pre_publication_working_days: int = Field(7, ge=0, le=60)
    published_for_years: int = Field(1, ge=0, le=10)
    referral_requests_months: int = Field(1, ge=0, le=12)
    referral_decision_months: int = Field(2, ge=0, le=12)


class Quorum(Strict):
    """When a rapid review meeting is quorate (seed 004 §4.6.1 by default)."""

    min_partner_agencies: int = Field(3, ge=1, le=20)
    min_safeguarding_partners: int = Field(2, ge=0, le=3)


class Partnership(Strict):
    """The safeguarding partnership whose letterhead and rules every document uses."""

    name: Text
    short_name: str = ""
    address: list[str] = list_field(description="Postal address, one line per item")
    email: str = ""
    phone: str = ""
    website: str = ""
    logo: str = Field("", description="Path to a PNG or JPEG logo, relative to the file that names it")
    local_authorities: list[str] = list_field()
    statutory_partners: list[StatutoryPartner] = list_field()
    business_office: Contact | None = None
    signatories: list[Contact] = list_field(description="Who signs letters, in order")
    independent_scrutineer: Contact | None = None
    protective_marking: str = "OFFICIAL-SENSITIVE"
    timescales: Timescales = Field(default_factory=Timescales)
    closure_days: list[IsoDate] = list_field(description="Extra non-working days, e.g. council closure days")
    quorum: Quorum = Field(default_factory=Quorum)
    check_rules: RulePackSchema | None = Field(None, description="The partnership's default rule pack for "
                                               "`cspr-docs check`, written as in a --rules file")
    _logo_image: Any = PrivateAttr(default=None)  # the checked logo path, attached by load_case (render/logo.py)
