"""Who the register names: the organisation, its contacts, its complaints route and the
supervisory authority. Pure."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import BaseModel, Field, StringConstraints, model_validator

from dataward.domain.register.terms import (
    MODEL_CONFIG,
    CountryCode,
    MailAddress,
    NonEmpty,
    WebAddress,
)


class _Model(BaseModel):
    """Strict and frozen, as every part of the register (`MODEL_CONFIG`)."""

    model_config = MODEL_CONFIG


class Address(_Model):
    lines: list[NonEmpty] = Field(min_length=1, description="Street lines, town, county")
    postcode: str | None = None
    country: CountryCode = "GB"

    def one_line(self) -> str:
        parts = [*self.lines]
        if self.postcode:
            parts.append(self.postcode)
        return ", ".join(parts)


class Organisation(_Model):
    name: NonEmpty
    legal_name: NonEmpty
    company_number: str | None = None
    registered_address: Address
    website: WebAddress
    group_name: NonEmpty
    financial_year_end: Annotated[str, StringConstraints(pattern=r"^\d{2}-\d{2}$")] = Field(
        description="Month and day the financial year ends, MM-DD; used by tax-driven retention"
    )
    ico_registration: str | None = None
    controller_scope: NonEmpty = Field(description="The data for which we are controller")
    processor_scope: NonEmpty = Field(description="The data for which we are processor")


class Contact(_Model):
    name: NonEmpty
    email: MailAddress | None = None
    phone: str | None = None
    address: Address | None = None
    web: WebAddress | None = None


class ComplaintsRoute(_Model):
    """Our own complaints route (DUAA 2025 s.103; from 19 June 2026)."""

    description: NonEmpty
    email: MailAddress
    web_form: WebAddress
    acknowledge_within_days: int = Field(30, ge=1, le=30)
    investigate_within_days: int = Field(
        56,
        ge=1,
        le=365,
        description="Our target for telling the outcome, in days from receipt (the day of "
        "receipt the first): eight weeks unless set",
    )

    @model_validator(mode="after")
    def _acknowledged_before_answered(self) -> Self:
        if self.investigate_within_days < self.acknowledge_within_days:
            raise ValueError("investigate_within_days is shorter than acknowledge_within_days")
        return self


class SupervisoryAuthority(_Model):
    name: NonEmpty
    address: Address
    website: WebAddress
    phone: str | None = None
    complaint_url: WebAddress


class Contacts(_Model):
    data_compliance_officer: Contact
    marketing: Contact
    complaints: ComplaintsRoute
    supervisory_authority: SupervisoryAuthority
