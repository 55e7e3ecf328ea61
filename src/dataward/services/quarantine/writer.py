"""Quarantining an ingest's bad lines: each sealed under a key of its own, indexed by whoever it
could name, inside the ingest's transaction.

- **Keys.** Each line gets a fresh key in the key store, named by the ingest's key batch
  (`services.keys.batches`), so the sweep finds the keys of a process that died; the ingest
  destroys them itself if it rolls back (`created`). A resolved line's key is destroyed once
  the resolution commits (`services.quarantine.keys`), so an erased line cannot be opened from
  any copy of the data database.
- **The header.** A file's first line is kept only when its parser says it is a header row
  (`Parser.is_header`: a CSV whose first row names the columns), as a row of its own sealed and
  indexed like a line, with the ingest's first bad line; it goes when no line is left.
- **Parties.** Each line is indexed by the numbers and agent ids it could hold
  (`domain.calls.line_parties`), normalised and blind-indexed as party resolution does, numbers in
  the tenant's region. A line of its format's shape (`Parser.party_fields`: the number of
  fields the format writes) is searched only in the fields that can name someone, never in its
  times, durations and ids, whose digits read as numbers (a queue_log time `1764000100` is
  `01764 000100`): indexed, they would put another person's line in a caller's export and
  erase it with them. A line of no shape its format knows is searched whole, so that erasure
  still reaches it; which of the two each line was is kept (`parties_from`). Agent ids are read
  where the format puts agents (`Parser.agent_fields`) and from interface tokens. Bounded: at
  most `MAX_PARTIES` indexes and `MAX_TRIES` candidate numbers per line; a line over
  `MAX_LINE` characters is kept, sealed, as "line too long", and indexed by what the matcher
  finds anywhere in it.
- **A number erased before.** A line naming a number (or agent id) the tenant's erased-number
  record (`services.processing.erased_numbers`) remembers, erased at whatever time, while the record
  lasts, is stored as erased from the start: never sealed, no key, no index, listed as erased
  with its line number and its parser's reason (which never repeats content). A file sent again
  after an erasure, or a late export still holding the erased person's calls, so brings
  nothing of them back. A line gives no time to tell the erased person's calls from later ones
  (which `call_parties` stores as new processing), so this errs towards erasure, as the record's
  rounding does.
- **An erasure during the ingest.** Another transaction erasing a person while the ingest runs
  cannot see its uncommitted lines. So the subjects each line's indexes matched when it was
  quarantined are remembered, and before the ingest commits (`finish`) every line naming a
  subject erased since the ingest started is erased too, as is every line naming a number the
  tenant's erased-number record shows erased since then.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from dataward.domain.calls.line_parties import (
    MAX_LINE,
    MAX_PARTIES,
    MAX_TRIES,
    TOO_LONG,
    agent_candidates,
    field_phone_candidates,
    phone_candidates,
)
from dataward.domain.calls.telephony import BadRecord
from dataward.domain.errors import InvalidIdentifier
from dataward.domain.identifiers import IdentifierType, normalise_phone
from dataward.domain.tenants import Tenant
from dataward.services.keys.batches import KeyBatch
from dataward.services.ports import Parser, UnitOfWork, Vault
from dataward.services.processing.erased_numbers import erased_digest, erased_number_key
from dataward.services.quarantine.ports import BY_FIELDS, BY_LINE, ERASED, NewQuarantineLine
from dataward.services.subjects.registry import CONTROLLER_SCOPE

_PHONE = IdentifierType.PHONE.value
_AGENT = IdentifierType.AGENT_ID.value
HEADER_REASON = "header row, kept to read the lines again"


def line_parties(
    vault: Vault,
    tenant: Tenant,
    raw: str,
    agent_fields: Iterable[str],
    party_fields: Sequence[str] | None = None,
) -> frozenset[bytes]:
    """The blind indexes of every agent id and number `raw` could hold, as the subjects'
    identifiers are indexed (a number in E.164 in the tenant's region and scope, an agent id
    as `<tenant>/<id>` among our own subjects); at most `MAX_PARTIES`, agent ids first. With
    `party_fields`, numbers and interface tokens are searched in those fields alone."""
    indexes: set[bytes] = set()
    within = raw if party_fields is None else "\n".join(party_fields)
    for agent in agent_candidates(agent_fields, within):
        indexes.add(vault.blind_index(CONTROLLER_SCOPE, _AGENT, f"{tenant.id}/{agent}"))
    numbers: set[str] = set()
    found = (
        phone_candidates(raw, tenant.region)
        if party_fields is None
        else field_phone_candidates(party_fields, tenant.region)
    )
    for tries, candidate in enumerate(found):
        if tries >= MAX_TRIES or len(indexes) + len(numbers) >= MAX_PARTIES:
            break
        try:
            numbers.add(normalise_phone(candidate, tenant.region))
        except InvalidIdentifier:
            continue
    indexes.update(vault.blind_index(tenant.id, _PHONE, number) for number in numbers)
    return frozenset(indexes)


def parties_read(
    vault: Vault, tenant: Tenant, raw: str, parser: Parser | None
) -> tuple[frozenset[bytes], str]:
    """A bad line's party indexes as its parser locates its fields, and where they were read
    (`BY_FIELDS` for a line of the format's shape, else `BY_LINE`); without a parser (a
    mapping not kept), from the whole line."""
    if parser is None:
        return line_parties(vault, tenant, raw, ()), BY_LINE
    fields = parser.party_fields(raw) if len(raw) <= MAX_LINE else None
    parties = line_parties(vault, tenant, raw, parser.agent_fields(raw), fields)
    return parties, BY_LINE if fields is None else BY_FIELDS


def erased_among(
    uow: UnitOfWork,
    vault: Vault,
    tenant_id: str,
    indexes: Iterable[bytes],
    since: datetime | None = None,
) -> set[bytes]:
    """Those of these blind indexes whose number (or agent id) the tenant's erased-number
    record remembers as erased (at or after `since`, when given)."""
    key = erased_number_key(vault, tenant_id)
    by_digest = {erased_digest(key, index): index for index in set(indexes)}
    if not by_digest:
        return set()
    erased = uow.erased_numbers.erased_at(tenant_id, list(by_digest))
    return {by_digest[d] for d, at in erased.items() if since is None or at >= since}


@dataclass(frozen=True, slots=True)
class QuarantineTarget:
    """Where an ingest's bad lines go: its tenant, its id, its parser, when it started, and the
    file's first line (kept only if the parser calls it a header)."""

    tenant: Tenant
    ingest_id: int
    parser: Parser
    started: datetime
    first_line: str | None = None


class QuarantineWriter:
    """One ingest's quarantine, written in the ingest's transaction."""

    def __init__(self, uow: UnitOfWork, vault: Vault, keys: KeyBatch, target: QuarantineTarget):
        self._uow = uow
        self._vault = vault
        self._keys = keys
        self._target = target
        self._header_pending = target.first_line is not None
        self._named: defaultdict[str, list[int]] = defaultdict(list)
        self.created: list[str] = []
        """Keys made in this transaction: destroyed if it rolls back."""
        self.quarantined = 0
        self.erased = 0
        """Lines erased before the commit: they named someone erased while the ingest ran."""
        self._any_erased: bool | None = None

    def add(self, bad: Sequence[BadRecord], at: datetime) -> None:
        """Seal and index a batch's bad lines (and, with the first line kept readable, the
        file's header row); a line naming a number erased before is stored as erased."""
        if not bad:
            return
        target = self._target
        vault, tenant = self._vault, target.tenant
        pending: list[_Pending] = []
        for record in bad:
            raw = record.raw
            reason = TOO_LONG if len(raw) > MAX_LINE else record.reason
            parties, where = parties_read(vault, tenant, raw, target.parser)
            pending.append(_Pending(record.location.line, reason, raw, parties, where))
        header = self._header() if self._header_pending else None
        erased = self._erased_before([*pending, *([header] if header else [])])
        readable = [item.parties.isdisjoint(erased) for item in pending]
        if any(readable):  # the header row is kept with the first line kept readable
            self._header_pending = False
            if header is not None:
                pending.insert(0, header)
                readable.insert(0, header.parties.isdisjoint(erased))
        key_ids = [str(uuid.uuid4()) if keep else None for keep in readable]
        made = [key for key in key_ids if key is not None]
        texts = {key: [item.raw] for key, item in zip(key_ids, pending, strict=True) if key}
        sealed = self._keys.enrol(texts) if texts else {}
        self.created.extend(made)
        lines = [
            item.new(target, key, sealed, at) for key, item in zip(key_ids, pending, strict=True)
        ]
        ids = self._uow.quarantine.add(lines)
        self.quarantined += sum(1 for line in lines if not line.header)
        kept = [(i, line) for i, line in zip(ids, lines, strict=True) if not line.erased]
        self._remember_subjects([i for i, _ in kept], [line for _, line in kept])

    def _header(self) -> _Pending | None:
        """The file's first line, if its parser calls it a header row, read and indexed."""
        first = self._target.first_line or ""
        if not self._target.parser.is_header(first):
            self._header_pending = False
            return None
        parties = line_parties(self._vault, self._target.tenant, first, ())
        return _Pending(1, HEADER_REASON, first, parties, BY_LINE, header=True)

    def _erased_before(self, pending: Sequence[_Pending]) -> set[bytes]:
        """The indexes among these lines' that name a number the tenant's erased-number record
        remembers (asked once per ingest whether it remembers any)."""
        uow, tenant_id = self._uow, self._target.tenant.id
        if self._any_erased is None:
            self._any_erased = uow.erased_numbers.any(tenant_id)
        if not self._any_erased:
            return set()
        return erased_among(uow, self._vault, tenant_id, (i for p in pending for i in p.parties))

    def _remember_subjects(self, ids: Sequence[int], lines: Sequence[NewQuarantineLine]) -> None:
        """Which live subjects each line names, should one of them be erased before the
        ingest commits."""
        subjects = self._uow.quarantine.subjects_indexed(
            index for line in lines for index in line.parties
        )
        if not subjects:
            return
        for line_id, line in zip(ids, lines, strict=True):
            for subject_id in {subjects[i] for i in line.parties if i in subjects}:
                self._named[subject_id].append(line_id)

    def finish(self, at: datetime) -> None:
        """Before the ingest commits: erase the lines naming a subject erased since it
        started, or a number of the tenant erased since then."""
        if not self.quarantined:
            return
        uow, target = self._uow, self._target
        lines: set[int] = set()
        if self._named:
            for subject_id in uow.quarantine.erased_subjects_since(target.started):
                lines.update(self._named.get(subject_id, ()))
        tenant_id = target.tenant.id
        if uow.erased_numbers.erased_since(tenant_id, target.started):
            lines.update(self._naming_erased_numbers())
        if lines:
            self.erased += uow.quarantine.resolve(sorted(lines), at=at, resolution=ERASED)

    def _naming_erased_numbers(self) -> set[int]:
        target = self._target
        by_index: defaultdict[bytes, set[int]] = defaultdict(set)
        for line_id, index in self._uow.quarantine.pending_indexes(target.ingest_id):
            by_index[index].add(line_id)
        erased = erased_among(
            self._uow, self._vault, target.tenant.id, by_index, since=target.started
        )
        return {line_id for index in erased for line_id in by_index[index]}


@dataclass(frozen=True, slots=True)
class _Pending:
    """A bad line (or the header row) read, indexed, not yet stored."""

    line: int
    reason: str
    raw: str
    parties: frozenset[bytes]
    parties_from: str
    header: bool = False

    def new(
        self,
        target: QuarantineTarget,
        key_id: str | None,
        sealed: Mapping[str, list[bytes]],
        at: datetime,
    ) -> NewQuarantineLine:
        """As stored: sealed under `key_id`, or, without one, erased from the start."""
        erased = key_id is None
        return NewQuarantineLine(
            ingest_id=target.ingest_id,
            tenant_id=target.tenant.id,
            line=self.line,
            reason=self.reason,
            key_id=key_id,
            ciphertext=b"" if key_id is None else sealed[key_id][0],
            parties=frozenset() if erased else self.parties,
            created_at=at,
            header=self.header,
            parties_from=self.parties_from,
            erased=erased,
        )
