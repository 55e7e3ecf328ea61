"""Resolving the parties of calls to subjects of the tenant, many at a time, for ingest.

A caller's number is normalised to E.164 in the tenant's region, blind-indexed under the
tenant's scope, and looked up; a number seen for the first time becomes a new `caller` subject
with its number sealed under its own key. An agent (an extension, or an agent id a queue log
names) becomes an `end_user` subject: our customers' staff are users of the reporting service,
so they are our own subjects, and their agent id is held as `<tenant>/<id>` so that two tenants'
extension 201 stay two people. Parties are resolved by their normalised value, so every
spelling of one number (`07911 000001`, `+447911000001`, `0044 7911 000001`) is one subject.

Normalisation, the blind index and the subject a party resolved to are memoised in bounded
caches, because numbers repeat heavily in call data. The subject cache lives for one
transaction (`begin` clears it): a rolled-back transaction's subjects never leak into the
next. A subject shredded by another transaction while an ingest runs could still be named by
calls of that ingest; the ingest unlinks those before it commits (`unlink_erased`).
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from dataward.domain.calls import PartyKind
from dataward.domain.errors import InvalidIdentifier
from dataward.domain.identifiers import IdentifierType, normalise_phone
from dataward.domain.subjects import Subject, SubjectStatus
from dataward.domain.tenants import Tenant
from dataward.services.key_batches import KeyBatch
from dataward.services.ports import UnitOfWork, Vault
from dataward.services.subjects import CONTROLLER_SCOPE

CALLER_KIND = "caller"
AGENT_KIND = "end_user"
K = TypeVar("K")
V = TypeVar("V")
_PHONE = IdentifierType.PHONE.value
_AGENT = IdentifierType.AGENT_ID.value

PartyKey = tuple[PartyKind, str]
"""(PHONE, raw number) or (AGENT, agent id) as the source wrote it."""


class _Lru(Generic[K, V]):
    """A small bounded cache: memory stays flat however many distinct numbers a file has."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        if len(self._items) > self._size:
            self._items.popitem(last=False)


_INVALID = ""  # cached "not a valid number" (the cache stores no None)


@dataclass(slots=True)
class Resolution:
    """The subjects of one batch's parties, and what resolving them found."""

    subjects: dict[PartyKey, str] = field(default_factory=dict)
    created_ids: list[str] = field(default_factory=list)
    unreadable: set[PartyKey] = field(default_factory=set)


class PartyResolver:
    """Parties to subjects. One large cache, party -> subject id, answers the parties seen
    before in this transaction; the normalisation and index caches behind it only serve
    the misses (and remember the numbers that are not numbers), so they stay small."""

    def __init__(
        self,
        vault: Vault,
        tenant: Tenant,
        *,
        keys: KeyBatch,
        cache_size: int = 200_000,
        small: int = 20_000,
    ) -> None:
        self._vault = vault
        self._tenant = tenant
        self._keys = keys
        self._numbers: _Lru[str, str] = _Lru(small)
        self._indexes: _Lru[tuple[str, str], bytes] = _Lru(small)
        self._subjects: _Lru[PartyKey, str] = _Lru(cache_size)

    @property
    def keys(self) -> KeyBatch:
        """The key batch new subjects' keys are made under (the ingest's)."""
        return self._keys

    def begin(self) -> None:
        """A new transaction: forget which subjects parties resolved to."""
        self._subjects = _Lru(self._subjects._size)

    def e164(self, raw: str) -> str | None:
        """The number in E.164, or None when it is not a valid number in the tenant's region."""
        cached = self._numbers.get(raw)
        if cached is None:
            try:
                cached = normalise_phone(raw, self._tenant.region)
            except InvalidIdentifier:
                cached = _INVALID
            self._numbers.put(raw, cached)
        return cached or None

    def _identifier(self, key: PartyKey) -> tuple[str, str, str] | None:
        """(scope, identifier type, normalised value) for a party, or None if unreadable."""
        kind, raw = key
        if kind is PartyKind.AGENT:
            return CONTROLLER_SCOPE, _AGENT, f"{self._tenant.id}/{raw}"
        number = self.e164(raw)
        return (self._tenant.id, _PHONE, number) if number else None

    def _index(self, scope: str, kind: str, value: str) -> bytes:
        cached = self._indexes.get((kind, value))
        if cached is None:
            cached = self._vault.blind_index(scope, kind, value)
            self._indexes.put((kind, value), cached)
        return cached

    def resolve(self, uow: UnitOfWork, keys: Iterable[PartyKey], at: datetime) -> Resolution:
        """Every party's subject id, creating subjects for those seen for the first time.

        Runs inside the caller's transaction: the new subjects and their identifiers land with
        the calls that name them, or not at all. Their keys are in the key store already, named
        by the ingest's key batch; the ingest destroys them if its transaction rolls back
        (`Resolution.created_ids`), the key sweep if its process dies.
        """
        resolution = Resolution()
        # (scope, type) -> index -> (normalised value, every spelling of it in the batch)
        wanted: dict[tuple[str, str], dict[bytes, tuple[str, list[PartyKey]]]] = {}
        known = self._subjects
        for key in set(keys):
            cached = known.get(key)
            if cached is not None:
                resolution.subjects[key] = cached
                continue
            ident = self._identifier(key)
            if ident is None:
                resolution.unreadable.add(key)
                continue
            scope, kind, value = ident
            index = self._index(scope, kind, value)
            wanted.setdefault((scope, kind), {}).setdefault(index, (value, []))[1].append(key)
        new: list[tuple[Subject, str, str, str, bytes]] = []
        for (scope, kind), by_index in wanted.items():
            found = uow.subjects.find_many_by_index(scope, kind, list(by_index))
            for index, (value, spellings) in by_index.items():
                subject_id = found.get(index)
                if subject_id is None:
                    subject = self._new_subject(spellings[0][0], at)
                    new.append((subject, scope, kind, value, index))
                    subject_id = str(subject.id)
                for key in spellings:
                    resolution.subjects[key] = subject_id
                    known.put(key, subject_id)
        if new:
            sealed = self._keys.enrol({str(s.id): [value] for s, _, _, value, _ in new})
            uow.subjects.add_many([s for s, *_ in new])
            uow.subjects.add_identifiers(
                [
                    {
                        "subject_id": str(subject.id),
                        "scope": scope,
                        "type": kind,
                        "blind_index": index,
                        "ciphertext": sealed[str(subject.id)][0],
                        "created_at": at,
                    }
                    for subject, scope, kind, _value, index in new
                ]
            )
            resolution.created_ids = [str(s.id) for s, *_ in new]
        return resolution

    def _new_subject(self, kind: PartyKind, at: datetime) -> Subject:
        agent = kind is PartyKind.AGENT
        return Subject(
            id=uuid.uuid4(),
            kind=AGENT_KIND if agent else CALLER_KIND,
            tenant_id=None if agent else self._tenant.id,
            status=SubjectStatus.ACTIVE,
            created_at=at,
        )
