"""Use cases of the audit log: record what happened, verify the chain, export it.

`record` appends inside the caller's unit of work and never commits, so an entry is kept
exactly when the change it records is. Pass references only: the subject's UUID as
`subject_ref`, keys and ids in `details` (see `dataward.domain.audit`).

Reading the log needs the register's `read_audit_log` action. An export is itself recorded:
`record_export` checks the permission and commits an `audit_exported` entry, and its receipt
(that entry) is what `export` and `export_lines` take, so no export goes unrecorded. The
entries are then read in a transaction of their own, which may be read-only.

A search (`domain.audit_search`) is recorded the same way: `record_search` commits an
`audit_searched` entry whose subject is the one searched for and whose details are the other
filters, and `search` (every entry found, streamed a batch at a time) reads the log as it stood
before that entry. `search_page` reads one page (each page recorded with its own entry), the
pages after the first as the log stood before the first page's entry. Entries are references
only (subject UUIDs, staff ids, keys); nothing is opened.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from dataward.domain.audit import (
    AuditAction,
    AuditDraft,
    AuditEntry,
    VerifyResult,
    to_json_line,
    verify_chain,
)
from dataward.domain.audit_search import AuditSearch, SearchCursor, SearchSlice, check_limit
from dataward.domain.clock import Clock
from dataward.domain.permissions import require
from dataward.domain.register.model import StaffAction
from dataward.domain.subjects import Actor
from dataward.services.context import UseCase
from dataward.services.ports import TextSink, UnitOfWork


@dataclass(frozen=True, slots=True)
class Audited:
    """What one audit entry says: the action, and whom, why and what it was about."""

    action: AuditAction | str
    subject_ref: UUID | str | None = None
    purpose: str | None = None
    decision: str | None = None
    details: Mapping[str, Any] | None = None


def record(uow: UnitOfWork, clock: Clock, actor: Actor | str, entry: Audited) -> AuditEntry:
    """Append one entry in the caller's transaction (inside `with uow`); the caller commits."""
    draft = AuditDraft(
        at=clock.now(),
        actor=actor.id if isinstance(actor, Actor) else actor,
        action=entry.action,
        subject_ref=entry.subject_ref,
        purpose=entry.purpose,
        decision=entry.decision,
        details=entry.details or {},
    )
    (appended,) = uow.audit.append(draft)
    return appended


def verify(ctx: UseCase) -> VerifyResult:
    """Check the whole chain, streaming; the result names the first broken entry, if any."""
    require(ctx.register, ctx.actor, StaffAction.READ_AUDIT_LOG)
    with ctx.uow:
        return verify_chain(ctx.uow.audit.iter_entries())


def record_export(ctx: UseCase) -> AuditEntry:
    """May the actor export the log? Record that it did, and return the receipt for `export`."""
    uow, actor = ctx.uow, ctx.actor
    require(ctx.register, actor, StaffAction.READ_AUDIT_LOG)
    with uow:
        entry = Audited(AuditAction.AUDIT_EXPORTED, details={"format": "jsonl"})
        receipt = record(uow, ctx.clock, actor, entry)
        uow.commit()
    return receipt


def export(reading: UseCase, receipt: AuditEntry, out: TextSink) -> int:
    """Write every entry, the receipt's included, to `out` as JSON Lines; returns how many.
    `reading` may be a use case that only reads: the receipt was committed already."""
    _check_receipt(receipt)
    with reading.uow as uow:
        return uow.audit.export(out)


def export_lines(reading: UseCase, receipt: AuditEntry) -> Iterator[str]:
    """The export as lines, for a streaming response; holds the transaction while iterated."""
    _check_receipt(receipt)
    return _lines(reading.uow)


def _lines(uow: UnitOfWork) -> Iterator[str]:
    with uow:
        for entry in uow.audit.iter_entries():
            yield to_json_line(entry)


def _check_receipt(receipt: AuditEntry) -> None:
    if receipt.action != AuditAction.AUDIT_EXPORTED:
        raise ValueError("an export needs the receipt `record_export` returns")


SEARCH_BATCH = 1000
"""Entries `search` reads a query: memory stays flat however many are found."""


@dataclass(frozen=True, slots=True)
class PageAsked:
    """Which page of a search: after where the previous one ended (None: the first)."""

    after: SearchCursor | None = None
    limit: int = 100


@dataclass(frozen=True, slots=True)
class AuditPage:
    entries: list[AuditEntry]
    next_cursor: SearchCursor | None
    """Where the next page starts; None on the last."""
    receipt: AuditEntry
    """The page's own `audit_searched` entry."""


def record_search(ctx: UseCase, query: AuditSearch, page: PageAsked | None = None) -> AuditEntry:
    """May the actor search the log? Record that it did (with the page asked, for a page), and
    return the receipt `search` takes."""
    require(ctx.register, ctx.actor, StaffAction.READ_AUDIT_LOG)
    details: dict[str, Any] = dict(query.details())
    if page is not None:
        after = page.after
        details |= {"after": 0 if after is None else after.after, "limit": check_limit(page.limit)}
        if after is not None:
            details["upto"] = after.upto
    with ctx.uow as uow:
        entry = Audited(AuditAction.AUDIT_SEARCHED, subject_ref=query.subject, details=details)
        receipt = record(uow, ctx.clock, ctx.actor, entry)
        uow.commit()
    return receipt


def search(reading: UseCase, receipt: AuditEntry, query: AuditSearch) -> Iterator[AuditEntry]:
    """Every entry `query` finds before its receipt, in chain order, read `SEARCH_BATCH` at a
    time while iterated (the transaction is held meanwhile)."""
    _check_search(receipt, query)
    return _found(reading.uow, query, receipt.seq)


def search_page(ctx: UseCase, reading: UseCase, query: AuditSearch, page: PageAsked) -> AuditPage:
    """One page of a search, recorded first (one `audit_searched` entry a page); `reading`
    may only read."""
    receipt = record_search(ctx, query, page)
    after, upto = (None, receipt.seq) if page.after is None else (page.after.after, page.after.upto)
    with reading.uow as uow:
        found = list(uow.audit.search(query, SearchSlice(after, upto, page.limit + 1)))
    entries = found[: page.limit]
    more = len(found) > page.limit
    return AuditPage(entries, SearchCursor(entries[-1].seq, upto) if more else None, receipt)


def _found(uow: UnitOfWork, query: AuditSearch, before_seq: int) -> Iterator[AuditEntry]:
    with uow:
        after: int | None = None
        while True:
            batch = uow.audit.search(query, SearchSlice(after, before_seq, SEARCH_BATCH))
            yield from batch
            if len(batch) < SEARCH_BATCH:
                return
            after = batch[-1].seq


def _check_search(receipt: AuditEntry, query: AuditSearch) -> None:
    subject = None if query.subject is None else str(query.subject)
    recorded = {k: v for k, v in receipt.details.items() if k not in ("after", "limit", "upto")}
    if (
        receipt.action != AuditAction.AUDIT_SEARCHED
        or receipt.subject_ref != subject
        or recorded != query.details()
    ):
        raise ValueError("a search needs the receipt `record_search` returned for it")
