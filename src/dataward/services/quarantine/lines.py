"""The quarantine of an ingest's bad lines: list, find by number, export, replay, discard.

Bad lines can hold callers' numbers, so each is sealed under a key of its own in the key store
(`services.quarantine.writer`). Listing shows only where and why (ingest, its label, line,
reason). Finding the lines that name a number (`find_quarantined`) compares its blind index
with the lines' and shows the same, never the number. Exporting the lines in plain text for
correction is a disclosure: it needs a role that may decrypt identifiers, and is audited.
Replaying ingests the lines again (corrected, or as stored after a parser or mapping fix)
through the same path as any file: a replay with bad lines is rejected whole and changes
nothing. Once replayed or discarded, the lines are emptied, their party indexes deleted and
their keys destroyed (after the commit, `services.quarantine.keys`), so no copy of them can
be opened; the ingest's header row goes with its last line.

Erasing a person reaches the lines too: the erasure's unlink step empties every line carrying
one of the person's blind indexes and resolves it as `erased` (still listed, never exported or
replayed), and the erasure destroys its key. A tenant's instructed export of a caller includes
the lines naming them (`lines_naming`): a line of its format's shape only where a field that
can name someone holds one of the caller's identifiers (it is indexed from those alone), a
line of no known shape wherever it could hold one, marked as not certain to name them (it may
be another person's line whose time reads as their number), for the controller to read before
passing it on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from dataward.domain.audit import AuditAction, AuditDraft
from dataward.domain.bounds import check_ingest_id
from dataward.domain.calls.records import IngestReport
from dataward.domain.errors import ActionNotAllowed, DatawardError, NotFound
from dataward.domain.identifiers import IdentifierType, normalise_phone
from dataward.domain.permissions import require
from dataward.domain.register.model import Register, StaffAction
from dataward.domain.subjects import Actor
from dataward.services.calls.ingest_ports import TextSources
from dataward.services.context import UseCase
from dataward.services.ports import UnitOfWork, Vault
from dataward.services.quarantine.keys import release_line_keys
from dataward.services.quarantine.ports import BY_FIELDS, DISCARDED, REPLAYED, QuarantinedLine


class QuarantineRefused(DatawardError):
    code = "quarantine_refused"


@dataclass(frozen=True, slots=True)
class QuarantineEntry:
    id: int
    ingest_id: int
    source: str
    line: int
    reason: str
    resolution: str | None


@dataclass(frozen=True, slots=True)
class QuarantinedText:
    """A pending line in plain text, for a controller who asked for what we hold of a person."""

    ingest_id: int
    source: str
    line: int
    reason: str
    text: str
    certain: bool = True
    """The person's identifier is in a field of the line that can name someone; False for a
    line of no shape its format knows, which matched somewhere in it and may not be theirs."""


def _entries(uow: UnitOfWork, lines: Sequence[QuarantinedLine]) -> list[QuarantineEntry]:
    sources = {i: uow.calls.ingest(i) for i in {line.ingest_id for line in lines}}
    return [
        QuarantineEntry(
            id=line.id,
            ingest_id=line.ingest_id,
            source=sources[line.ingest_id].source,
            line=line.line,
            reason=line.reason,
            resolution=line.resolution,
        )
        for line in lines
    ]


def list_quarantine(
    ctx: UseCase,
    tenant_id: str,
    *,
    ingest_id: int | None = None,
    include_resolved: bool = False,
) -> list[QuarantineEntry]:
    uow = ctx.uow
    require(ctx.register, ctx.actor, StaffAction.INGEST_CALLS, tenant_id=tenant_id)
    check_ingest_id("ingest_id", ingest_id)
    with uow:
        lines = uow.quarantine.lines(
            tenant_id, ingest_id=ingest_id, include_resolved=include_resolved
        )
        return _entries(uow, lines)


def _may_see_identifiers(register: Register, actor: Actor, action: str) -> None:
    role = next(r for r in register.staff_roles if r.key == actor.role)
    if not role.decrypt_identifiers:
        raise ActionNotAllowed(action, "the role may not see identifiers in plain text")


def find_quarantined(
    ctx: UseCase, tenant_id: str, phone: str, *, include_resolved: bool = False
) -> list[QuarantineEntry]:
    """The tenant's quarantined lines that name this number, in any spelling the line has it
    (by its blind index in the tenant, as erasure finds them), listed without their content;
    so that lines naming someone with no subject (never known from a call, or erased before
    the lines came and no longer remembered by the tenant's erased-number record) can be
    found and discarded. Needs a role that may see identifiers; audited, without the number."""
    uow, vault, clock, register, actor = ctx.uow, ctx.vault, ctx.clock, ctx.register, ctx.actor
    require(register, actor, StaffAction.INGEST_CALLS, tenant_id=tenant_id)
    _may_see_identifiers(register, actor, "find_quarantine")
    with uow:
        tenant = uow.tenants.get(tenant_id)
    if tenant is None:
        raise NotFound("tenant", tenant_id)
    number = normalise_phone(phone, tenant.region)
    index = vault.blind_index(tenant.id, IdentifierType.PHONE.value, number)
    with uow:
        lines = uow.quarantine.lines(tenant_id, include_resolved=include_resolved, naming=[index])
        uow.audit.append(
            AuditDraft(
                at=clock.now(),
                actor=actor.id,
                action=AuditAction.QUARANTINE_SEARCHED,
                details={"tenant": tenant_id, "lines": len(lines)},
            )
        )
        found = _entries(uow, lines)
        uow.commit()
    return found


def _ingest_of(uow: UnitOfWork, tenant_id: str, ingest_id: int) -> Any:
    check_ingest_id("ingest_id", ingest_id)
    record = uow.calls.ingest(ingest_id)
    if record is None or record.tenant_id != tenant_id:
        raise NotFound("ingest", str(ingest_id))  # another tenant's ingest answers alike
    return record


def _pending(uow: UnitOfWork, tenant_id: str, ingest_id: int) -> tuple[Any, list[QuarantinedLine]]:
    record = _ingest_of(uow, tenant_id, ingest_id)
    lines = uow.quarantine.lines(tenant_id, ingest_id=ingest_id)
    if not lines:
        raise QuarantineRefused(f"ingest {ingest_id} has no quarantined lines left")
    return record, lines


def _open(vault: Vault, record: Any, line: QuarantinedLine) -> str:
    """A line opened with its own key (or, sealed before lines had keys, its ingest's)."""
    key = line.key_id if line.key_id is not None else record.quarantine_key
    return vault.open(key, line.raw_ciphertext).rstrip("\r\n")


def _plain_text(vault: Vault, record: Any, header: Any, lines: Sequence[QuarantinedLine]) -> str:
    out: list[str] = []
    if header is not None:
        out.append(_open(vault, record, header))
    elif record.header_ciphertext is not None and record.format == "generic-csv":
        out.append(vault.open(record.quarantine_key, record.header_ciphertext))  # before rows
    out.extend(_open(vault, record, line) for line in lines)
    return "\n".join(out) + "\n"


def export_quarantine(ctx: UseCase, tenant_id: str, ingest_id: int) -> str:
    """The ingest's bad lines in plain text (its header row first, if kept), audited."""
    uow, vault, clock, register, actor = ctx.uow, ctx.vault, ctx.clock, ctx.register, ctx.actor
    require(register, actor, StaffAction.INGEST_CALLS, tenant_id=tenant_id)
    _may_see_identifiers(register, actor, "export_quarantine")
    with uow:
        record, lines = _pending(uow, tenant_id, ingest_id)
        header = uow.quarantine.header(ingest_id)
        uow.audit.append(
            AuditDraft(
                at=clock.now(),
                actor=actor.id,
                action=AuditAction.QUARANTINE_READ,
                details={"tenant": tenant_id, "ingest": ingest_id, "lines": len(lines)},
            )
        )
        uow.commit()  # the disclosure is on record before the text leaves
    return _plain_text(vault, record, header, lines)


def lines_naming(
    uow: UnitOfWork, vault: Vault, tenant_id: str, subject_id: str
) -> list[QuarantinedText]:
    """The tenant's pending lines that name the subject, in plain text (for the controller's
    instructed export; its caller records the disclosure)."""
    with uow:
        lines = [
            line
            for line in uow.quarantine.naming_subject(subject_id)
            if line.tenant_id == tenant_id
        ]
        records = {i: uow.calls.ingest(i) for i in {line.ingest_id for line in lines}}
    return [
        QuarantinedText(
            ingest_id=line.ingest_id,
            source=records[line.ingest_id].source,
            line=line.line,
            reason=line.reason,
            text=_open(vault, records[line.ingest_id], line),
            certain=line.parties_from == BY_FIELDS,
        )
        for line in lines
    ]


@dataclass(frozen=True, slots=True)
class ReplayQuarantine:
    """An ingest's quarantined lines to ingest again: `corrected`, the lines as corrected
    (default: as stored); `mapping`, the column mapping, when the format is generic-csv."""

    tenant_id: str
    ingest_id: int
    corrected: str | None = None
    mapping: Path | None = None


def replay_quarantine(
    ctx: UseCase, command: ReplayQuarantine, *, sources: TextSources
) -> IngestReport:
    """Ingest the lines again (read through `sources`, the ingest adapter's); when they all
    land, resolve them and destroy their keys."""
    from dataward.services.calls.ingest import IngestCalls, ingest

    uow, vault = ctx.uow, ctx.vault
    tenant_id, ingest_id, corrected = command.tenant_id, command.ingest_id, command.corrected
    require(ctx.register, ctx.actor, StaffAction.INGEST_CALLS, tenant_id=tenant_id)
    with uow:
        record, lines = _pending(uow, tenant_id, ingest_id)
        header = uow.quarantine.header(ingest_id)
    text = corrected if corrected is not None else _plain_text(vault, record, header, lines)
    fmt, name = record.format, f"ingest-{ingest_id}-replay"
    source = replace(
        sources(text, name=name, format_name=fmt, mapping=command.mapping), replay_of=ingest_id
    )
    report = ingest(ctx, IngestCalls(tenant_id, [source]))
    _resolve(ctx, record, [line.id for line in lines], REPLAYED)
    return report


def discard_quarantine(
    ctx: UseCase, tenant_id: str, ingest_id: int, *, lines: Sequence[int] = ()
) -> int:
    """Give up the ingest's pending lines (or only those at these line numbers): emptied, their
    keys destroyed. An ingest with nothing pending (its lines erased) is still cleaned up: its
    header row and any key left go. How many lines were discarded."""
    uow = ctx.uow
    require(ctx.register, ctx.actor, StaffAction.INGEST_CALLS, tenant_id=tenant_id)
    with uow:
        record = _ingest_of(uow, tenant_id, ingest_id)
        if not uow.quarantine.has_any(ingest_id) and record.quarantine_key is None:
            raise QuarantineRefused(f"ingest {ingest_id} quarantined no line")
        pending = uow.quarantine.lines(tenant_id, ingest_id=ingest_id)
    if lines:
        wanted = set(lines)
        pending = [line for line in pending if line.line in wanted]
        missing = len(wanted - {line.line for line in pending})
        if missing:
            raise QuarantineRefused(
                f"ingest {ingest_id} has no pending line at {missing} of the line numbers given"
            )
    return _resolve(ctx, record, [line.id for line in pending], DISCARDED)


def _resolve(ctx: UseCase, record: Any, ids: Sequence[int], resolution: str) -> int:
    """Resolve the lines and audit it; once committed, destroy their keys (and, for lines
    sealed before lines had keys, the ingest's key when none of its lines is pending)."""
    uow, vault, clock, actor = ctx.uow, ctx.vault, ctx.clock, ctx.actor
    with uow:
        n = uow.quarantine.resolve(ids, at=clock.now(), resolution=resolution)
        uow.quarantine.close_ingest(record.id, at=clock.now(), resolution=resolution)
        legacy = record.quarantine_key is not None and not uow.quarantine.lines(
            record.tenant_id, ingest_id=record.id
        )
        uow.audit.append(
            AuditDraft(
                at=clock.now(),
                actor=actor.id,
                action=AuditAction.QUARANTINE_RESOLVED,
                details={
                    "tenant": record.tenant_id,
                    "ingest": record.id,
                    "lines": n,
                    "resolution": resolution,
                },
            )
        )
        uow.commit()
    release_line_keys(uow, vault)
    if legacy:
        vault.destroy_key(record.quarantine_key)
        with uow:
            uow.quarantine.forget_legacy_key(record.id)
            uow.commit()
    return n
