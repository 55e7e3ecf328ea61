"""Quarantining an ingest's bad lines: each sealed under a key of its own, indexed by whoever it
could name, inside the ingest's transaction.

- **Keys.** Each line gets a fresh key in the key store, named by the ingest's key batch
  (`services.key_batches`), so the sweep finds the keys of a process that died; the ingest
  destroys them itself if it rolls back (`created`). A resolved line's key is destroyed once
  the resolution commits (`services.quarantine_keys`), so an erased line cannot be opened from
  any copy of the data database.
- **The header.** A file's first line is kept only when its parser says it is a header row
  (`Parser.is_header`: a CSV whose first row names the columns), as a row of its own sealed and
  indexed like a line, with the ingest's first bad line; it goes when no line is left.
- **Parties.** Each line is indexed by the numbers and agent ids it could hold
  (`domain.line_parties`), normalised and blind-indexed as party resolution does: numbers
  line-wide in the tenant's region, agent ids from where the format puts agents
  (`Parser.agent_fields`) and interface tokens. Bounded: at most `MAX_PARTIES` indexes and
  `MAX_TRIES` candidate numbers per line; a line over `MAX_LINE` characters is kept, sealed, as
  "line too long", and indexed by what the matcher finds in it.
- **An erasure during the ingest.** Another transaction erasing a person while the ingest runs
  cannot see its uncommitted lines. So the subjects each line's indexes matched when it was
  quarantined are remembered, and before the ingest commits (`finish`) every line naming a
  subject erased since the ingest started is erased too, as is every line naming a number the
  tenant's erased-number record (`services.erased_numbers`) shows erased since then.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from dataward.domain.errors import InvalidIdentifier
from dataward.domain.identifiers import IdentifierType, normalise_phone
from dataward.domain.line_parties import (
    MAX_LINE,
    MAX_PARTIES,
    MAX_TRIES,
    TOO_LONG,
    agent_candidates,
    phone_candidates,
)
from dataward.domain.telephony import BadRecord
from dataward.domain.tenants import Tenant
from dataward.services.erased_numbers import erased_digest, erased_number_key
from dataward.services.key_batches import KeyBatch
from dataward.services.ports import Parser, UnitOfWork, Vault
from dataward.services.quarantine_ports import ERASED, NewQuarantineLine
from dataward.services.subjects import CONTROLLER_SCOPE

_PHONE = IdentifierType.PHONE.value
_AGENT = IdentifierType.AGENT_ID.value
HEADER_REASON = "header row, kept to read the lines again"


def line_parties(
    vault: Vault, tenant: Tenant, raw: str, agent_fields: Iterable[str]
) -> frozenset[bytes]:
    """The blind indexes of every agent id and number `raw` could hold, as the subjects'
    identifiers are indexed (a number in E.164 in the tenant's region and scope, an agent id
    as `<tenant>/<id>` among our own subjects); at most `MAX_PARTIES`, agent ids first."""
    indexes: set[bytes] = set()
    for agent in agent_candidates(agent_fields, raw):
        indexes.add(vault.blind_index(CONTROLLER_SCOPE, _AGENT, f"{tenant.id}/{agent}"))
    numbers: set[str] = set()
    for tries, candidate in enumerate(phone_candidates(raw, tenant.region)):
        if tries >= MAX_TRIES or len(indexes) + len(numbers) >= MAX_PARTIES:
            break
        try:
            numbers.add(normalise_phone(candidate, tenant.region))
        except InvalidIdentifier:
            continue
    indexes.update(vault.blind_index(tenant.id, _PHONE, number) for number in numbers)
    return frozenset(indexes)


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

    def add(self, bad: Sequence[BadRecord], at: datetime) -> None:
        """Seal and index a batch's bad lines (and, with the first, the file's header row)."""
        if not bad:
            return
        target = self._target
        parser = target.parser
        pending: list[tuple[int, str, str, frozenset[bytes], bool]] = []
        if self._header_pending:
            self._header_pending = False
            first = target.first_line or ""
            if parser.is_header(first):
                pending.append((1, HEADER_REASON, first, self._parties(first, ()), True))
        for record in bad:
            raw = record.raw
            reason = TOO_LONG if len(raw) > MAX_LINE else record.reason
            fields = parser.agent_fields(raw)
            pending.append((record.location.line, reason, raw, self._parties(raw, fields), False))
        key_ids = [str(uuid.uuid4()) for _ in pending]
        sealed = self._keys.enrol({k: [item[2]] for k, item in zip(key_ids, pending, strict=True)})
        self.created.extend(key_ids)
        lines = [
            NewQuarantineLine(
                ingest_id=target.ingest_id,
                tenant_id=target.tenant.id,
                line=line,
                reason=reason,
                key_id=key_id,
                ciphertext=sealed[key_id][0],
                parties=parties,
                created_at=at,
                header=header,
            )
            for key_id, (line, reason, _raw, parties, header) in zip(key_ids, pending, strict=True)
        ]
        ids = self._uow.quarantine.add(lines)
        self.quarantined += sum(1 for line in lines if not line.header)
        self._remember_subjects(ids, lines)

    def _parties(self, raw: str, fields: Iterable[str]) -> frozenset[bytes]:
        return line_parties(self._vault, self._target.tenant, raw, fields)

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
        key = erased_number_key(self._vault, target.tenant.id)
        by_digest: defaultdict[bytes, set[int]] = defaultdict(set)
        for line_id, index in self._uow.quarantine.pending_indexes(target.ingest_id):
            by_digest[erased_digest(key, index)].add(line_id)
        erased = self._uow.erased_numbers.erased_at(target.tenant.id, list(by_digest))
        return {
            line_id
            for digest, at in erased.items()
            if at >= target.started
            for line_id in by_digest[digest]
        }
