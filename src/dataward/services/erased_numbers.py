"""What an erasure keeps of a caller's number, so that re-sent old calls do not bring them back.

A tenant's PBX may send a call again long after it happened (a file re-exported, a backlog
delivered late). A call already stored is recognised by its identity and adds nothing; a call
never stored that names the number of a caller since erased would, without this record, create
a new subject for that number and seal the number again. So when a subject of a tenant is
erased, through any door (`shred`, which the erasure right and the tenant's instructed erasure
both go through), each of its phone numbers in the tenant leaves one entry: a keyed BLAKE2b
digest of the number's blind index, under a key of the tenant's own derived from the index key
for this purpose alone (`Vault.record_key`), with the time of the erasure. It is never equal
to a blind index, holds no subject reference and no number, and cannot be joined to any table.

Ingest (`call_parties`) uses it so: a call that started before the erasure is the erased
person's and is stored with that party as erased (no subject); a call that started at or after
it is new processing on the tenant's instructions and may create a new subject.

An entry is needed only while old calls could still be sent again: until the tenant's call
retention has passed since the erasure (`keep_until`), after which any call from before the
erasure is past that retention. `dataward keys sweep` deletes expired entries. While an entry
lasts, whoever holds the live index key and a number can confirm that the number was erased in
that tenant, and when.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Final

from dataward.domain.clock import Clock
from dataward.domain.identifiers import IdentifierType
from dataward.domain.retention import add_duration
from dataward.domain.subjects import Subject
from dataward.services.ports import UnitOfWork, Vault

ERASED_NUMBER: Final = "erased number"
_DIGEST: Final = 16
_PHONE: Final = IdentifierType.PHONE.value


def erased_number_key(vault: Vault, tenant_id: str) -> bytes:
    """The tenant's key of erased-number digests (derived from the index key, never it)."""
    return vault.record_key(tenant_id, ERASED_NUMBER)


def erased_digest(key: bytes, blind_index: bytes) -> bytes:
    """The entry of a number with this (tenant-scope) blind index."""
    return hashlib.blake2b(blind_index, key=key, digest_size=_DIGEST).digest()


def remember_erased_numbers(uow: UnitOfWork, vault: Vault, subject: Subject, at: datetime) -> int:
    """Inside the erasing transaction, before the identifiers go: an entry for each of the
    subject's phone numbers in its tenant; how many. Nothing for our own subjects (ingest
    never resolves a number in our scope)."""
    if subject.tenant_id is None:
        return 0
    tenant = uow.tenants.get(subject.tenant_id)
    store = uow.erased_numbers
    indexes = store.indexes_of(str(subject.id), subject.tenant_id, _PHONE)
    if tenant is None or not indexes:
        return 0
    key = erased_number_key(vault, tenant.id)
    return store.add(
        tenant.id,
        [erased_digest(key, index) for index in indexes],
        at=at,
        keep_until=add_duration(at.date(), tenant.retention),
    )


def expire_erased_numbers(uow: UnitOfWork, clock: Clock) -> int:
    """Delete the entries whose tenant's call retention since the erasure has passed."""
    with uow:
        expired = uow.erased_numbers.expire(before=clock.now().date())
        uow.commit()
    return expired
