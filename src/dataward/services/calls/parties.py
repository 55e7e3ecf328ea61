"""Resolving the parties of calls to subjects of the tenant, many at a time, for ingest.

A caller's number is normalised to E.164 in the tenant's region, blind-indexed under the
tenant's scope, and looked up; a number seen for the first time becomes a new `caller` subject
with its number sealed under its own key. An agent (an extension, or an agent id a queue log
names) becomes an `end_user` subject: our customers' staff are users of the reporting service,
so they are our own subjects, and their agent id is held as `<tenant>/<id>` so that two tenants'
extension 201 stay two people. Parties are resolved by their normalised value, so every
spelling of one number (`07911 000001`, `+447911000001`, `0044 7911 000001`) is one subject.

A number or agent id whose subject was erased (`services.processing.erased_numbers`) is resolved
with the time of that erasure as the tenant remembers it: a call that started before it is the
erased person's and is stored with that party as erased (no subject; counted), and a subject is
created for the number or agent id only for a call that started at or after it (new
processing on the tenant's instructions). Only the parties of calls not stored before, and
within the tenant's call retention, are resolved at all (`call_writer`): a re-sent call
touches nothing.

Normalisation, the blind index and what a party resolved to are memoised in bounded caches,
because numbers repeat heavily in call data. The party cache lives for one transaction
(`begin` clears it): a rolled-back transaction's subjects never leak into the next. A subject
shredded by another transaction while an ingest runs could still be named by calls of that
ingest; the ingest unlinks those before it commits (`unlink_erased`).
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from dataward.domain.calls.records import PartyKind
from dataward.domain.errors import InvalidIdentifier
from dataward.domain.identifiers import IdentifierType, normalise_phone
from dataward.domain.subjects import Subject, SubjectStatus
from dataward.domain.tenants import Tenant
from dataward.services.keys.batches import KeyBatch
from dataward.services.ports import UnitOfWork, Vault
from dataward.services.processing.erased_numbers import erased_digest, erased_number_key
from dataward.services.subjects.registry import CONTROLLER_SCOPE

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
    erased: dict[PartyKey, datetime] = field(default_factory=dict)
    """Parties whose number was erased in the tenant, with the latest erasure's time: a call
    that started before it is stored with that party as erased."""
    created_ids: list[str] = field(default_factory=list)
    unreadable: set[PartyKey] = field(default_factory=set)


_Known = str | tuple[str, datetime]
"""What a party resolved to in this transaction: its subject id; for a number erased in the
tenant, (subject id or "" while only old calls named it, when it was last erased). The common
case stays a plain string: the cache holds up to `cache_size` of them."""


@dataclass(slots=True)
class _Wanted:
    """One normalised party to look up, with every spelling of it in the batch."""

    value: str
    keys: list[PartyKey]
    latest: datetime
    """The latest start of a call naming it: does any call need a subject for it?"""


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
        self._known: _Lru[PartyKey, _Known] = _Lru(cache_size)
        self._erased_key: bytes | None = None

    @property
    def keys(self) -> KeyBatch:
        """The key batch new subjects' keys are made under (the ingest's)."""
        return self._keys

    def begin(self) -> None:
        """A new transaction: forget which subjects parties resolved to."""
        self._known = _Lru(self._known._size)

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

    def resolve(
        self, uow: UnitOfWork, parties: Mapping[PartyKey, datetime], at: datetime
    ) -> Resolution:
        """Every party's subject id, creating subjects for those seen for the first time.

        `parties` maps each party to the latest start of the calls naming it. Runs inside the
        caller's transaction: the new subjects and their identifiers land with the calls that
        name them, or not at all. Their keys are in the key store already, named by the
        ingest's key batch; the ingest destroys them if its transaction rolls back
        (`Resolution.created_ids`), the key sweep if its process dies.
        """
        resolution = Resolution()
        wanted = self._wanted(parties, resolution)
        new: list[tuple[Subject, str, str, str, bytes]] = []
        for (scope, kind), by_index in wanted.items():
            indexes = list(by_index)
            found = uow.subjects.find_many_by_index(scope, kind, indexes)
            erasures = self._erasures(uow, indexes)
            for index, party in by_index.items():
                subject_id = found.get(index)
                erased_at = erasures.get(index)
                if subject_id is None and (erased_at is None or party.latest >= erased_at):
                    subject = self._new_subject(party.keys[0][0], at)
                    new.append((subject, scope, kind, party.value, index))
                    subject_id = str(subject.id)
                for key in party.keys:
                    if subject_id is not None:
                        resolution.subjects[key] = subject_id
                    if erased_at is not None:
                        resolution.erased[key] = erased_at
                    sid = subject_id or ""
                    self._known.put(key, sid if erased_at is None else (sid, erased_at))
        if new:
            self._add(uow, new, at)
            resolution.created_ids = [str(s.id) for s, *_ in new]
        return resolution

    def _wanted(
        self, parties: Mapping[PartyKey, datetime], resolution: Resolution
    ) -> dict[tuple[str, str], dict[bytes, _Wanted]]:
        """Answer what the cache knows; the rest by normalised identifier, every spelling of
        one under one entry (index -> party), grouped by (scope, identifier type)."""
        wanted: dict[tuple[str, str], dict[bytes, _Wanted]] = {}
        known = self._known
        for key, latest in parties.items():
            cached = known.get(key)
            if isinstance(cached, str):
                resolution.subjects[key] = cached
                continue
            if cached is not None:
                subject_id, erased_at = cached
                resolution.erased[key] = erased_at
                if subject_id:
                    resolution.subjects[key] = subject_id
                    continue
                if latest < erased_at:
                    continue  # only calls of the erased person name it so far
            ident = self._identifier(key)
            if ident is None:
                resolution.unreadable.add(key)
                continue
            scope, kind, value = ident
            by_index = wanted.setdefault((scope, kind), {})
            index = self._index(scope, kind, value)
            same = by_index.get(index)
            if same is None:
                by_index[index] = _Wanted(value, [key], latest)
            else:  # another spelling of a number already wanted
                same.keys.append(key)
                same.latest = max(same.latest, latest)
        return wanted

    def _erasures(self, uow: UnitOfWork, indexes: list[bytes]) -> dict[bytes, datetime]:
        """index -> when the number or agent id was last erased as the tenant remembers it,
        for those it still remembers."""
        store = uow.erased_numbers
        if not indexes or not store.any(self._tenant.id):
            return {}
        if self._erased_key is None:
            self._erased_key = erased_number_key(self._vault, self._tenant.id)
        digests = {erased_digest(self._erased_key, index): index for index in indexes}
        found = store.erased_at(self._tenant.id, list(digests))
        return {digests[digest]: when for digest, when in found.items()}

    def _add(
        self, uow: UnitOfWork, new: list[tuple[Subject, str, str, str, bytes]], at: datetime
    ) -> None:
        """The new subjects and their identifiers, each sealed under a key of its own."""
        plaintexts = {str(s.id): [value] for s, _, _, value, _ in new}
        sealed = self._keys.enrol(plaintexts)
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

    def _new_subject(self, kind: PartyKind, at: datetime) -> Subject:
        agent = kind is PartyKind.AGENT
        return Subject(
            id=uuid.uuid4(),
            kind=AGENT_KIND if agent else CALLER_KIND,
            tenant_id=None if agent else self._tenant.id,
            status=SubjectStatus.ACTIVE,
            created_at=at,
        )
