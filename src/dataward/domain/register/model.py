"""The register: the privacy policy as a typed, validated model.

Everything the published notice, the record of processing and the runtime gate say is derived
from one `Register`. This module holds the schema's parts and the whole; the closed sets and
small value types they are written in live in `register_terms` (re-exported here), the
cross-checks that relate one part of the register to another live in `register_checks`, and
loading a YAML file with line numbers is the adapters' job. Nothing here does I/O.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol, TypeVar

from pydantic import BaseModel, Field

from dataward.domain.errors import NotInRegister
from dataward.domain.register.agreements import ProcessorTerms, Transfer
from dataward.domain.register.contacts import (
    Address,
    ComplaintsRoute,
    Contact,
    Contacts,
    Organisation,
    SupervisoryAuthority,
)
from dataward.domain.register.marketing import MarketingChannel, MarketingSender
from dataward.domain.register.terms import (
    MODEL_CONFIG,
    CookieDuration,
    CookieExemption,
    CookieParty,
    CountryCode,
    Derogation,
    Duration,
    FieldRef,
    HoldKind,
    Key,
    LawfulBasis,
    MailAddress,
    NonEmpty,
    ProhibitedKind,
    RecipientKind,
    RecipientRole,
    RetentionEvent,
    Role,
    StaffAction,
    StaffRoleScope,
    TransferMechanism,
    WebAddress,
)
from dataward.domain.requests.fees import FeeSchedule

# Every name, the vocabulary of register_terms included, so older imports keep working.
__all__ = [
    "Address",
    "CollectionMethod",
    "ComplaintsRoute",
    "Contact",
    "Contacts",
    "Cookie",
    "CookieDuration",
    "CookieExemption",
    "CookieParty",
    "CountryCode",
    "DataCategory",
    "DataField",
    "Derogation",
    "Duration",
    "FeeSchedule",
    "FieldRef",
    "HoldKind",
    "Key",
    "LawfulBasis",
    "MailAddress",
    "MarketingChannel",
    "MarketingSender",
    "NonEmpty",
    "Organisation",
    "PolicyVersion",
    "Processor",
    "ProcessorTerms",
    "ProhibitedCategory",
    "ProhibitedKind",
    "Purpose",
    "Recipient",
    "RecipientKind",
    "RecipientRole",
    "RecipientScope",
    "Register",
    "RetentionEvent",
    "RetentionRule",
    "RetentionTerm",
    "Right",
    "Role",
    "SecurityMeasure",
    "StaffAction",
    "StaffRole",
    "StaffRoleScope",
    "SubjectKind",
    "SupervisoryAuthority",
    "Transfer",
    "TransferMechanism",
    "WebAddress",
]


class _Model(BaseModel):
    """Strict and frozen, as every part of the register (`MODEL_CONFIG`)."""

    model_config = MODEL_CONFIG


class DataField(_Model):
    key: Key
    label: NonEmpty
    direct_identifier: bool = False


class DataCategory(_Model):
    key: Key
    name: NonEmpty
    description: NonEmpty
    role: Role
    fields: list[DataField] = Field(min_length=1)
    retention: Key | None = None
    provided_by_subject: bool = Field(
        default=True, description="Provided by the person (or observed); counts for portability"
    )


class ProhibitedCategory(_Model):
    key: Key
    name: NonEmpty
    kind: ProhibitedKind
    fields: list[Key] = Field(min_length=1, description="Field names refused on storage")


class SubjectKind(_Model):
    key: Key
    name: NonEmpty
    description: NonEmpty
    role: Role
    sources: list[Key] = Field(min_length=1, description="Collection methods")


class CollectionMethod(_Model):
    key: Key
    name: NonEmpty
    description: NonEmpty
    examples: list[NonEmpty] = []


class Purpose(_Model):
    key: Key
    activity: NonEmpty
    policy_row: int | None = Field(None, description="Row of the policy's purposes table")
    role: Role = Role.CONTROLLER
    categories: list[Key] = Field(min_length=1)
    lawful_basis: LawfulBasis | None = Field(
        None, description="Art. 6 basis; for processor purposes it is the controller's to set"
    )
    legitimate_interest: NonEmpty | None = None
    controller_instructions: NonEmpty | None = None
    subject_kinds: list[Key] = Field(min_length=1)
    recipients: list[Key] = []
    retention: Key
    marketing: bool = Field(
        default=False,
        description="Direct marketing, ours or another company's, whatever the basis: refused "
        "for a child, stopped by any objection to direct marketing",
    )
    consent_channels: list[Key] = []
    allowed_under_restriction: bool = Field(
        default=False,
        description="May go on while processing is restricted (Art. 18(2)): storage, legal claims",
    )
    required_fields: list[FieldRef] = Field(
        default=[],
        description="category.field the person must give: without them the contract cannot "
        "be performed or the legal duty met (Art. 13(2)(e)); contract or legal_obligation only",
    )


class RecipientScope(_Model):
    key: Key
    description: NonEmpty
    purposes: list[Key] = Field(min_length=1)
    fields: list[FieldRef] = Field(min_length=1, description="category.field it may receive")
    lawful_basis: LawfulBasis


class Recipient(_Model):
    key: Key
    name: NonEmpty
    kind: RecipientKind
    role: RecipientRole = Field(description="What it is to us for the data it receives")
    description: NonEmpty
    services: list[NonEmpty] = []
    transfers: list[Transfer] = Field(min_length=1, description="Where the data goes")
    scopes: list[RecipientScope] = []
    own_purposes_allowed: bool = Field(
        default=False,
        description="May use the data for its own purposes (never for service providers)",
    )
    contact: MailAddress | None = Field(
        default=None,
        description="Where we tell it of a rectification, erasure or restriction (Art. 19)",
    )
    terms: ProcessorTerms | None = Field(
        default=None, description="Art. 28 terms on record: required of a processor"
    )


class Processor(_Model):
    key: Key
    name: NonEmpty
    service: NonEmpty
    sub_processor: bool = Field(
        default=False, description="Engaged for tenants' data, where we are ourselves a processor"
    )
    categories: list[Key] = Field(min_length=1)
    transfers: list[Transfer] = Field(min_length=1)
    terms: ProcessorTerms | None = Field(
        default=None, description="Art. 28 terms on record (required: checked)"
    )

    @property
    def role(self) -> RecipientRole:
        return RecipientRole.SUB_PROCESSOR if self.sub_processor else RecipientRole.PROCESSOR


class RetentionTerm(_Model):
    duration: str = Field(description="ISO 8601 calendar duration, e.g. P7Y")
    runs_from: RetentionEvent

    def parsed(self) -> Duration:
        return Duration.parse(self.duration)


class RetentionRule(_Model):
    key: Key
    name: NonEmpty
    terms: list[RetentionTerm] = Field(
        min_length=1, description="Data goes at the later of all terms, then after any hold"
    )
    legal_reference: NonEmpty
    holds: list[HoldKind] = []
    set_by_controller: bool = Field(
        default=False, description="Processor data: the tenant's contract sets the period"
    )
    anonymise: bool = Field(default=False, description="Anonymised aggregates may be kept after")


class Cookie(_Model):
    name: NonEmpty
    provider: NonEmpty
    party: CookieParty
    purpose: NonEmpty
    duration: CookieDuration
    lifetime: str | None = Field(None, description="ISO 8601 duration; none for session")
    exemption: CookieExemption | None = None
    consent_required: bool


class StaffRole(_Model):
    key: Key
    name: NonEmpty
    need_to_know: NonEmpty
    purposes: list[Key] = []
    categories: list[Key] = []
    tenant_scope: StaffRoleScope
    decrypt_identifiers: bool = False
    actions: list[StaffAction] = []


class Right(_Model):
    key: Key
    name: NonEmpty
    article: NonEmpty
    description: NonEmpty
    how: NonEmpty


class SecurityMeasure(_Model):
    key: Key
    description: NonEmpty


class PolicyVersion(_Model):
    version: NonEmpty
    last_updated: date
    supersedes: date | None = None


class Register(_Model):
    """The whole register. Keys are unique within each list (checked in `register_checks`)."""

    schema_version: int = Field(1, ge=1, le=1)
    policy: PolicyVersion
    legislation: list[NonEmpty] = Field(min_length=1)
    organisation: Organisation
    contacts: Contacts
    minimum_age: int = Field(ge=13, le=18)
    k_anonymity_threshold: int = Field(5, ge=2, description="Smallest cell a report releases")
    fees: FeeSchedule = Field(
        default_factory=FeeSchedule, description="What a fee costs, where the law allows one"
    )
    default_call_retention: Key
    categories: list[DataCategory] = Field(min_length=1)
    prohibited_categories: list[ProhibitedCategory] = Field(min_length=1)
    collection_methods: list[CollectionMethod] = Field(min_length=1)
    subject_kinds: list[SubjectKind] = Field(min_length=1)
    purposes: list[Purpose] = Field(min_length=1)
    recipients: list[Recipient] = []
    processors: list[Processor] = []
    retention_rules: list[RetentionRule] = Field(min_length=1)
    cookies: list[Cookie] = []
    marketing_channels: list[MarketingChannel] = []
    marketing_senders: list[MarketingSender] = []
    staff_roles: list[StaffRole] = Field(min_length=1)
    rights: list[Right] = Field(min_length=1)
    security_measures: list[SecurityMeasure] = Field(min_length=1)

    # -- lookups -------------------------------------------------------------------------------
    def category(self, key: str) -> DataCategory:
        return _by_key(self.categories, key, "category")

    def purpose(self, key: str) -> Purpose:
        return _by_key(self.purposes, key, "purpose")

    def recipient(self, key: str) -> Recipient:
        return _by_key(self.recipients, key, "recipient")

    def processor(self, key: str) -> Processor:
        return _by_key(self.processors, key, "processor")

    def retention_rule(self, key: str) -> RetentionRule:
        return _by_key(self.retention_rules, key, "retention rule")

    def subject_kind(self, key: str) -> SubjectKind:
        return _by_key(self.subject_kinds, key, "subject kind")

    def staff_role(self, key: str) -> StaffRole:
        return _by_key(self.staff_roles, key, "staff role")

    def collection_method(self, key: str) -> CollectionMethod:
        return _by_key(self.collection_methods, key, "collection method")

    def marketing_channel(self, key: str) -> MarketingChannel:
        return _by_key(self.marketing_channels, key, "marketing channel")

    def marketing_sender(self, key: str) -> MarketingSender:
        return _by_key(self.marketing_senders, key, "marketing sender")

    def purposes_for(self, role: Role) -> list[Purpose]:
        return [p for p in self.purposes if p.role is role]

    def categories_for(self, role: Role) -> list[DataCategory]:
        return [c for c in self.categories if c.role is role]


class _Keyed(Protocol):
    @property
    def key(self) -> str: ...


_K = TypeVar("_K", bound=_Keyed)


def _by_key(items: list[_K], key: str, what: str) -> _K:
    """The item of that key; a key given from outside and unknown is refused by name."""
    for item in items:
        if item.key == key:
            return item
    raise NotInRegister(what, key, [item.key for item in items])
