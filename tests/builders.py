"""Builders for the things tests make again and again: subjects, actors, gate state, times."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from dataward.adapters.register_file import load_register_file
from dataward.domain.calls.records import StoredCall
from dataward.domain.calls.telephony import Direction, Disposition
from dataward.domain.processing.consent import ConsentKey, ConsentState
from dataward.domain.processing.gate import SubjectState
from dataward.domain.processing.restrictions import Objection, Restriction, RestrictionGround
from dataward.domain.register.checks import cross_check
from dataward.domain.register.model import (
    LawfulBasis,
    RecipientScope,
    Register,
    StaffRole,
    StaffRoleScope,
)
from dataward.domain.subjects import Actor, Subject, SubjectStatus
from dataward.domain.tenants import Tenant

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
TENANT_A = "tenant-a"
TENANT_B = "tenant-b"
EVERYTHING = "everything"
"""A role, added by `register_with_everything_role`, that may know every purpose and category:
lets a test reach the checks after need-to-know for any purpose in the register."""


def shipped_register() -> Register:
    return load_register_file().register


def register_with_everything_role(register: Register) -> Register:
    role = StaffRole(
        key=EVERYTHING,
        name="Test role that may know everything",
        need_to_know="Tests the checks after need-to-know",
        purposes=[p.key for p in register.purposes],
        categories=[c.key for c in register.categories],
        tenant_scope=StaffRoleScope.ALL_TENANTS,
        decrypt_identifiers=True,
    )
    return register.model_copy(update={"staff_roles": [*register.staff_roles, role]})


TAX_RECORD_FIELDS = (
    "identity.first_name",
    "identity.last_name",
    "contact.billing_address",
    "financial.bank_account",
    "transaction.payments",
    "transaction.products",
    "transaction.subscriptions",
)
"""What a company's records of transactions hold (HMRC): who was invoiced, where, for what."""


def register_with_tax_scope(
    register: Register, fields: tuple[str, ...] = TAX_RECORD_FIELDS
) -> Register:
    """The register with the tax authority scoped to `fields` for `business_compliance`."""
    scope = RecipientScope(
        key="tax_records",
        description="Company records of transactions, for tax reporting and enquiries",
        purposes=["business_compliance"],
        fields=list(fields),
        lawful_basis=LawfulBasis.LEGAL_OBLIGATION,
    )
    recipients = [
        r.model_copy(update={"scopes": [scope]}) if r.key == "tax_authority" else r
        for r in register.recipients
    ]
    scoped = register.model_copy(update={"recipients": recipients})
    assert not cross_check(scoped), cross_check(scoped)
    return scoped


def a_subject(
    kind: str = "end_user",
    *,
    tenant_id: str | None = None,
    birth_date: date | None = None,
    status: SubjectStatus = SubjectStatus.ACTIVE,
) -> Subject:
    return Subject(
        id=uuid.uuid4(),
        kind=kind,
        tenant_id=tenant_id,
        status=status,
        created_at=NOW,
        birth_date=birth_date,
    )


def a_caller(tenant_id: str = TENANT_A) -> Subject:
    return a_subject("caller", tenant_id=tenant_id)


def an_actor(role: str, tenant_id: str | None = None) -> Actor:
    return Actor(id=f"staff-{role}", role=role, tenant_id=tenant_id)


def state_of(
    subject: Subject,
    *,
    restrictions: tuple[Restriction, ...] = (),
    objections: tuple[Objection, ...] = (),
    consents: dict[ConsentKey, ConsentState] | None = None,
) -> SubjectState:
    return SubjectState(subject, restrictions, objections, consents or {})


def years_before(day: date, years: int) -> date:
    return day.replace(year=day.year - years)


def restricted(
    subject: Subject,
    scope: frozenset[str] | None = None,
    *,
    starts_at: datetime = NOW - timedelta(days=1),
    ends_at: datetime | None = None,
    subject_told_at: datetime | None = None,
) -> Restriction:
    """A restriction of the subject (of `scope`'s categories, else all); lift it with its
    own `lift`."""
    return Restriction(
        id=uuid.uuid4(),
        subject_id=subject.id,
        scope=scope,
        ground=RestrictionGround.ACCURACY_CONTESTED,
        starts_at=starts_at,
        ends_at=ends_at,
        subject_told_at=subject_told_at,
    )


def all_consents(register: Register) -> dict[tuple[str, str | None], ConsentState]:
    """Consent given for every consent purpose, on every one of its channels."""
    given: dict[tuple[str, str | None], ConsentState] = {}
    for purpose in register.purposes:
        if purpose.lawful_basis is LawfulBasis.CONSENT:
            channels: list[str | None] = [*purpose.consent_channels] or [None]
            given.update({(purpose.key, channel): ConsentState.GIVEN for channel in channels})
    return given


SAMPLE_RETENTION = "P20Y"
"""The call retention of the tenants tests ingest the shared samples into: the samples' calls
reach back to 2013, and a call older than its tenant's retention is stored without parties."""


def a_tenant(tenant_id: str = TENANT_A, region: str = "GB") -> Tenant:
    return Tenant(
        id=tenant_id,
        name=f"Tenant {tenant_id}",
        region=region,
        timezone="Europe/London",
        call_retention=SAMPLE_RETENTION,
        service_level_seconds=20,
        short_abandon_seconds=5,
        created_at=NOW,
    )


EVIDENCE = {"identity_verified": "identity document seen"}
"""What staff record when they verify identity (the event needs its evidence): look events up
by value, `reason=EVIDENCE.get(event)`."""


def a_stored_call(tenant_id: str, start: datetime) -> StoredCall:
    """An answered inbound call of three minutes with no party, as the call store keeps it."""
    return StoredCall(
        tenant_id=tenant_id,
        source_key=uuid.uuid4().bytes,
        started_at=start,
        answered_at=None,
        ended_at=start + timedelta(minutes=3),
        direction=Direction.INBOUND,
        disposition=Disposition.ANSWERED,
        queue=None,
        wait_s=None,
        ring_s=None,
        talk_s=None,
        caller_ref=None,
        callee_ref=None,
        agent_ref=None,
        caller_withheld=False,
        callee_withheld=False,
        legs=1,
        format="asterisk-cdr-csv",
        ingest_id=1,
    )
