"""The register's marketing: its channels and the senders whose messages go on them. Pure."""

from __future__ import annotations

from pydantic import BaseModel, Field

from dataward.domain.register.contacts import Address
from dataward.domain.register.terms import (
    MODEL_CONFIG,
    Key,
    LawfulBasis,
    MailAddress,
    NonEmpty,
)


class _Model(BaseModel):
    """Strict and frozen, as every part of the register (`MODEL_CONFIG`)."""

    model_config = MODEL_CONFIG


class MarketingChannel(_Model):
    key: Key
    name: NonEmpty
    law: NonEmpty
    basis: LawfulBasis
    soft_opt_in: bool = False
    opt_out: list[NonEmpty] = Field(min_length=1)
    corporate_subscribers: LawfulBasis | None = Field(
        default=None,
        description="The basis for marketing to a corporate subscriber (a contact at a "
        "company's address, outside PECR reg 22); none: as for individuals",
    )


class MarketingSender(_Model):
    """Who a marketing message comes from: named in it, with an address and a way to opt out
    (PECR reg 23)."""

    key: Key
    name: NonEmpty
    legal_name: NonEmpty
    address: Address
    email: MailAddress = Field(description="Its From address, and where an opt-out by e-mail goes")
    purposes: list[Key] = Field(min_length=1, description="The marketing purposes it sends for")
    third_party: bool = Field(
        default=False,
        description="Another company's marketing: consent naming it on every channel, never "
        "the soft opt-in or a channel's legitimate interests",
    )
    soft_opt_in: bool = Field(
        default=False,
        description="May rely on the soft opt-in (PECR reg 22(3)) for its own similar products",
    )
    products: list[Key] = Field(
        default=[], description="Its own products a soft opt-in covers (similar products)"
    )
