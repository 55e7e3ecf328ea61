"""Joining the records of one call, within a batch and with the calls already stored.

A record that carries the PBX's ids of its call (`RawCall.links`) is looked up by their keyed
digests (`call_links`, under a key of the tenant's): the records of a batch that share an id
are one group, and a group whose id the store holds joins that call (the earliest, should two
hold its ids). The rules of the join are the domain's (`domain.calls.correlation`); this module
applies them:

- a group with no call stored is stored as one new row (the identity and start of its first
  record), and every id of its records is linked to it;
- a group with a call stored is joined into it: the row is rewritten if the join changed it,
  and its records counted as joined; if nothing changed they are duplicates (a file sent
  again), so re-ingest changes nothing;
- the rollups follow the row: when a join changes a call's contribution, the old one is taken
  back and the new one added, in the same transaction.

A record that cannot be part of the call its id names (`correlation.joinable`: too far apart in
time, or another visit of a queue_log call to another queue) is stored as a call of its own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from dataward.domain.calls.correlation import (
    contribution,
    join,
    joinable,
    link_family,
    same_call,
)
from dataward.domain.calls.records import StoredCall
from dataward.domain.calls.telephony import RawCall
from dataward.services.calls.rollups import RollupBuffer
from dataward.services.ports import UnitOfWork

CALL_LINK = "call link"
_DIGEST = 16


@dataclass(slots=True)
class Group:
    """The records of one batch that share a PBX id (indexes into the batch), their ids'
    digests, and the call stored under any of them."""

    members: list[int]
    keys: set[bytes] = field(default_factory=set)
    stored: StoredCall | None = None


@dataclass(slots=True)
class Outcome:
    """What joining a batch's groups did."""

    added: list[StoredCall] = field(default_factory=list)
    changed: list[StoredCall] = field(default_factory=list)
    joined: int = 0
    duplicates: int = 0


class Correlator:
    """The records of a tenant's batches that carry PBX ids, grouped and joined."""

    def __init__(self, tenant_id: str, key: bytes) -> None:
        self._tenant_id = tenant_id
        self._key = key

    def digest(self, family: str, pbx_id: str) -> bytes:
        text = f"{family}\x1f{pbx_id}".encode()
        return hashlib.blake2b(text, key=self._key, digest_size=_DIGEST).digest()

    def groups(self, uow: UnitOfWork, calls: Sequence[RawCall]) -> dict[int, Group]:
        """index of a record -> its group, for the records with PBX ids; each group knows the
        call stored under its ids, if any."""
        by_key: dict[bytes, Group] = {}
        group_of: dict[int, Group] = {}
        for index, call in enumerate(calls):
            family = link_family(call.format) if call.links else None
            if family is None:
                continue
            keys = {self.digest(family, pbx_id) for pbx_id in call.links}
            met = {id(g): g for k in keys if (g := by_key.get(k)) is not None}
            group = Group([index], keys)
            for other in met.values():  # this record ties groups together: one call
                group.members.extend(other.members)
                group.keys |= other.keys
            group.members.sort()
            for member in group.members:
                group_of[member] = group
            for k in group.keys:
                by_key[k] = group
        if by_key:
            stored = uow.calls.linked_calls(self._tenant_id, list(by_key))
            for k, found in stored.items():
                group = by_key[k]
                if group.stored is None or found.started_at < group.stored.started_at:
                    group.stored = found
        return group_of

    def settle(
        self, groups: Sequence[Group], members: dict[int, StoredCall], rollups: RollupBuffer
    ) -> Outcome:
        """Join each group's records (`members`: index -> the record as a row) together and
        into the call stored; what to add, what to rewrite, and the rollups moved."""
        outcome = Outcome()
        latest: dict[tuple[datetime, bytes], StoredCall] = {}  # calls two groups joined
        for group in groups:
            rows = [members[i] for i in group.members]
            rows.sort(key=lambda row: row.started_at)
            head, apart = rows[0], []
            for row in rows[1:]:
                if joinable(head, row):
                    head = join(head, row)
                else:
                    apart.append(row)
            together = len(rows) - len(apart)
            stored = group.stored
            if stored is not None:
                stored = latest.get((stored.started_at, stored.source_key), stored)
            if stored is not None and joinable(stored, head):
                merged = join(stored, head)
                if same_call(merged, stored):
                    outcome.duplicates += together  # read before: nothing changes
                else:
                    outcome.joined += together
                    latest[(merged.started_at, merged.source_key)] = merged
                    _move(rollups, stored, merged)
                group.stored = merged
            else:
                outcome.added.append(head)
                outcome.joined += together - 1
                _move(rollups, None, head)
                group.stored = head
            for row in apart:  # its own call, whose ids are another's
                outcome.added.append(row)
                _move(rollups, None, row)
        outcome.changed = list(latest.values())
        return outcome

    def links(self, groups: Sequence[Group]) -> list[tuple[str, bytes, datetime, bytes]]:
        """Every id of every group, linked to the call the group became."""
        rows: list[tuple[str, bytes, datetime, bytes]] = []
        for group in groups:
            call = group.stored
            if call is None:
                continue
            rows.extend((self._tenant_id, k, call.started_at, call.source_key) for k in group.keys)
        return rows


def _move(rollups: RollupBuffer, before: StoredCall | None, after: StoredCall) -> None:
    """Take back the call's old part in the rollups and add its new one, if they differ."""
    old = contribution(before) if before is not None else None
    new = contribution(after)
    if old == new:
        return
    if old is not None:
        rollups.take_back(old)
    if new is not None:
        rollups.add_facts(new)
