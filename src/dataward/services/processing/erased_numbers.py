"""What an erasure keeps of a tenant's caller or agent, so that re-sent old calls do not bring
them back.

A tenant's PBX may send a call again long after it happened (a file re-exported, a backlog
delivered late). A call already stored is recognised by its identity and adds nothing; a call
never stored that names the number of a caller since erased (or the agent id of an agent since
erased) would, without this record, create a new subject for it and seal it again. So when a
subject is erased, through any door (`shred`, which the erasure right and the tenant's
instructed erasure both go through), each of its phone numbers in its tenant, and each of its
agent ids (`<tenant>/<agent id>`, our own `end_user` subjects), leaves one entry in that tenant:
a keyed BLAKE2b digest of the identifier's blind index, under a key of the tenant's own derived
from the index key for this purpose alone (`Vault.record_key`), with the time of the erasure
rounded up to the next whole hour (UTC). It is never equal to a blind index, holds no subject
reference and no number, and its time is no tombstone's or audit entry's time, so it cannot be
joined to them.

Ingest (`call_parties`) uses it so: a call that started before the stored time is the erased
person's and is stored with that party as erased (no subject); a call that started at or after
it is new processing on the tenant's instructions and may create a new subject. A call in the
hour after the erasure, up to the stored time, is therefore taken as the erased person's too:
the rounding errs towards erasure.

An entry is needed only while old calls could still name a party: ingest stores no party of a
call past the tenant's call retention (`call_writer`), so the entry is kept until the
retention has passed since the stored time, and a day more for clocks that disagree
(`keep_until`, at most the calendar's last day); `dataward keys sweep` then deletes it. While
an entry lasts, whoever holds the live index key and a number can confirm that the number was
erased in that tenant, and in which hour.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from typing import Final

from dataward.domain.clock import Clock
from dataward.domain.errors import KeyUnavailable
from dataward.domain.identifiers import IdentifierType
from dataward.domain.processing.retention import add_duration_or_last
from dataward.domain.subjects import Subject
from dataward.domain.tenants import Tenant
from dataward.services.ports import UnitOfWork, Vault
from dataward.services.subjects.registry import CONTROLLER_SCOPE

ERASED_NUMBER: Final = "erased number"
_DIGEST: Final = 16
_PHONE: Final = IdentifierType.PHONE.value
_AGENT: Final = IdentifierType.AGENT_ID.value
_SLACK: Final = timedelta(days=1)


def erased_number_key(vault: Vault, tenant_id: str) -> bytes:
    """The tenant's key of erased-identifier digests (derived from the index key, never it)."""
    return vault.record_key(tenant_id, ERASED_NUMBER)


def erased_digest(key: bytes, blind_index: bytes) -> bytes:
    """The entry of a number (or agent id) with this blind index."""
    return hashlib.blake2b(blind_index, key=key, digest_size=_DIGEST).digest()


def recorded_time(at: datetime) -> datetime:
    """The time an erasure at `at` is remembered as: the next whole hour in UTC, strictly
    after it, so that it equals no other record's time of the same erasure."""
    hour = at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return hour + timedelta(hours=1)


def kept_until(tenant: Tenant, erased_at: datetime) -> date:
    """The last day an entry is needed: the tenant's call retention from the recorded time,
    and a day more; the calendar's last day at the latest."""
    day = add_duration_or_last(erased_at.astimezone(UTC).date(), tenant.retention)
    return day if day == date.max else day + _SLACK


def remember_erased_numbers(uow: UnitOfWork, vault: Vault, subject: Subject, at: datetime) -> int:
    """Inside the erasing transaction, before the identifiers go (and the key): an entry for
    each of the subject's phone numbers in its tenant and each of its agent ids in the agent's
    tenant; how many."""
    by_tenant: dict[str, list[bytes]] = {}
    if subject.tenant_id is not None:
        phones = uow.subjects.blind_indexes_of(subject.id, subject.tenant_id, _PHONE)
        if phones:
            by_tenant[subject.tenant_id] = phones
    for tenant_id, index in _agent_indexes(uow, vault, subject):
        by_tenant.setdefault(tenant_id, []).append(index)
    when = recorded_time(at)
    kept = 0
    for tenant_id, indexes in by_tenant.items():
        tenant = uow.tenants.get(tenant_id)
        if tenant is None:
            continue
        key = erased_number_key(vault, tenant.id)
        kept += uow.erased_numbers.add(
            tenant.id,
            [erased_digest(key, index) for index in indexes],
            at=when,
            keep_until=kept_until(tenant, when),
        )
    return kept


def _agent_indexes(uow: UnitOfWork, vault: Vault, subject: Subject) -> list[tuple[str, bytes]]:
    """(tenant, blind index) of each agent id the subject holds: an agent id is held as
    `<tenant>/<id>` in our own scope, so its tenant is read from it (the key still exists)."""
    if subject.tenant_id is not None:
        return []  # a tenant's caller holds no agent id
    found: list[tuple[str, bytes]] = []
    for stored in uow.subjects.identifiers_of(subject.id):
        if stored.type != _AGENT:
            continue
        try:
            value = vault.open(str(subject.id), stored.ciphertext)
        except KeyUnavailable:  # an erasure interrupted before: nothing left to read
            return found
        tenant_id, slash, _agent = value.partition("/")
        if slash:
            found.append((tenant_id, vault.blind_index(CONTROLLER_SCOPE, _AGENT, value)))
    return found


def expire_erased_numbers(uow: UnitOfWork, clock: Clock) -> int:
    """Delete the entries whose `keep_until` has passed."""
    with uow:
        expired = uow.erased_numbers.expire(before=clock.now().date())
        uow.commit()
    return expired
