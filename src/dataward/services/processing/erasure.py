"""Erasure: crypto-shred a subject, and finish any erasure that was interrupted.

One transaction unlinks the subject from every store (each registers its unlink step),
deletes its identifiers and blind indexes, leaves a tombstone, keeps a keyed digest of each of
a tenant's caller's numbers with the erasure's time (`services.processing.erased_numbers`: so an old
call sent again does not bring the caller back), writes the audit entry and lists the keys to
destroy (`services.keys.doomed`): the subject's own and those of its download links (each link's
package is sealed under a key of the link's own). Right after the commit those keys, and the
keys of the quarantined lines that named the subject (`services.quarantine.keys`, listed on
the lines themselves), are destroyed in the key store and taken off their lists. A shred
interrupted anywhere after its commit leaves keys still listed, which `finish_erasures`
(`dataward keys sweep`) destroys; nothing depends on the process living on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from dataward.domain.audit import AuditAction
from dataward.domain.errors import DatawardError, NotFound
from dataward.domain.permissions import require
from dataward.domain.processing.restrictions import KEEP_GROUNDS
from dataward.domain.register.model import StaffAction
from dataward.domain.subjects import REQUEST_REF, ErasureReason, Subject, SubjectStatus
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.keys.doomed import destroy_all_doomed, destroy_doomed, doom
from dataward.services.ports import UnitOfWork, Vault
from dataward.services.processing.erased_numbers import remember_erased_numbers
from dataward.services.processing.holds import refuse_if_held
from dataward.services.processing.processor_limits import require_controller_say
from dataward.services.quarantine.keys import release_line_keys
from dataward.services.subjects.registry import SubjectRefused


class ErasureRefused(DatawardError):
    code = "erasure_refused"


@dataclass(frozen=True, slots=True)
class ShredReport:
    subject_id: str
    key_destroyed: bool
    removed: dict[str, int] = field(default_factory=dict)
    already_erased: bool = False
    purged: bool | None = None
    """Whether the write-ahead logs were folded in and truncated (None: not asked; False: a
    reader held them, run `dataward keys sweep` or purge again later)."""


@dataclass(frozen=True, slots=True)
class Shred:
    """Erase the subject for `reason`; see `shred` for `override`, `purge` and `letters`."""

    subject_id: str
    reason: ErasureReason | str
    request_ref: str | None = None
    override: str | None = None
    purge: bool = True
    letters: Sequence[tuple[str, bytes]] = field(default=(), repr=False)


def shred(ctx: UseCase, command: Shred) -> ShredReport:
    """Crypto-shred a subject: unlink and delete it, leave a tombstone, then destroy its key.

    The erasure, its audit entry and the list of keys to destroy (the subject's and its links')
    are one transaction, so the database never shows a subject half-erased; the keys are
    destroyed right after. Should that fail, or the process die, the keys stay listed and
    `finish_erasures` (run by `dataward keys sweep`) destroys them. A litigation hold refuses
    erasure, naming itself, until it is lifted (`services.processing.holds`). A restriction that
    exists to keep the data (for legal claims, or because the person chose it over erasure)
    refuses erasure unless `override` names the DCO's recorded assessment (a reference, like a
    request reference, and only for a role that manages restrictions). A tenant's caller is
    erased by the tenant, or by our own staff only once past its retention
    (`services.processing.processor_limits`). With `purge` (the default) the write-ahead logs
    are then folded in and truncated; a batch passes `purge=False` and purges once at its end.
    `letters` (kind, sealed payload) are queued on the request `request_ref` names, in the
    erasure's transaction: the notices to its recipients (Art. 19).
    """
    uow, vault, clock, register, actor = ctx.uow, ctx.vault, ctx.clock, ctx.register, ctx.actor
    subject_id, request_ref, override = command.subject_id, command.request_ref, command.override
    try:
        why = ErasureReason(command.reason)
    except ValueError:
        allowed = ", ".join(r.value for r in ErasureReason)
        raise SubjectRefused(f"reason: one of {allowed}") from None
    for label, ref in (("request_ref", request_ref), ("override", override)):
        if ref is not None and not REQUEST_REF.match(ref):
            raise SubjectRefused(f"{label}: a reference such as R-2026-0042, not free text")
    now = clock.now()
    with uow:
        subject = uow.subjects.get(subject_id)
        if subject is None:
            raise NotFound("subject", subject_id)
        require(register, actor, StaffAction.ERASE_SUBJECTS, tenant_id=subject.tenant_id)
        require_controller_say(uow, actor, subject, why, now.astimezone(UTC).date())
        remembered = 0
        if not subject.erased:
            refuse_if_held(uow, subject)
            overridden = _refuse_if_kept_by_restriction(uow, subject, now, override)
            if overridden:  # only a role that manages restrictions may set one aside
                require(
                    register, actor, StaffAction.MANAGE_RESTRICTIONS, tenant_id=subject.tenant_id
                )
            remembered = remember_erased_numbers(uow, vault, subject, now)
        links = list(uow.downloads.of_subjects([str(subject.id)]))  # the erase deletes them
        removed = uow.subjects.erase(subject, at=now, reason=why.value, request_ref=request_ref)
        if request_ref is not None:
            for letter, payload in command.letters:
                uow.requests.queue_letter(request_ref, letter, now, payload)
        record(
            uow,
            clock,
            actor,
            Audited(
                AuditAction.SUBJECT_SHREDDED,
                subject_ref=subject.id,
                decision="already_erased" if subject.erased else "shredded",
                details={
                    "reason": why.value,
                    "request": request_ref or "",
                    "restriction_override": override or "",
                    "erased_numbers_kept": remembered,
                    **{f"removed_{name}": count for name, count in removed.items()},
                },
            ),
        )
        doomed = doom(uow, [str(subject.id), *links], now)
        uow.commit()
    key_destroyed = vault.has_key(str(subject.id))  # there is one: it goes just below
    destroy_doomed(uow, vault, doomed)
    release_line_keys(uow, vault)
    purged: bool | None = None
    if command.purge:
        keys_purged = vault.purge_freed_pages()  # both run, whatever the first answers
        data_purged = uow.purge_freed_pages()
        purged = keys_purged and data_purged
    return ShredReport(
        subject_id=str(subject.id),
        key_destroyed=key_destroyed,
        removed=removed,
        already_erased=subject.status is SubjectStatus.ERASED,
        purged=purged,
    )


def finish_erasures(uow: UnitOfWork, vault: Vault) -> int:
    """Destroy any key still held for an erased subject, still listed for destruction (a
    shred, sweep, withdrawn or used link, deleted request interrupted after its commit) or of a
    resolved quarantined line (an interrupted shred, discard or replay); how many."""
    with uow:
        erased = list(uow.subjects.tombstoned_ids())
    destroyed = sum(1 for subject_id in erased if vault.destroy_key(subject_id))
    destroyed += destroy_all_doomed(uow, vault)
    destroyed += release_line_keys(uow, vault)
    if destroyed:
        vault.purge_freed_pages()
    return destroyed


def _refuse_if_kept_by_restriction(
    uow: UnitOfWork, subject: Subject, at: datetime, override: str | None
) -> bool:
    """`ErasureRefused` while an active restriction keeps the data and no `override` is given;
    True when the override is what lets the erasure past one (the caller then checks that
    the actor may manage restrictions)."""
    keeping = [
        r
        for r in uow.restrictions.for_subject(subject.id)
        if r.ground in KEEP_GROUNDS and r.is_active(at)
    ]
    if not keeping:
        return False
    if override is None:
        grounds = ", ".join(sorted(r.ground.value for r in keeping))
        raise ErasureRefused(
            f"an active restriction keeps this data ({grounds}); lift it once the person is "
            "told, or give the DCO's assessment as override"
        )
    return True
