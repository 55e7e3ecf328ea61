"""Changes of purpose as use cases: assess one's compatibility, queue its notices, list what
waits (`domain.processing.purpose_notice` says what the gate holds and why).

Each needs `manage_register`. An assessment is kept with who made it and when, and audited by
purpose, version and outcome (never its words). `notify` queues, in one transaction, one
outbox message per subject the version's changes may concern, and records each as queued; the
outbox marks it sent when it hands the message over (`services.outreach.policy_notice`), and
only then does the subject count as told.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from dataward.domain.audit import AuditAction
from dataward.domain.errors import InvalidValue, NotFound
from dataward.domain.outreach import MessageChannel, MessageKind, OutboundMessage
from dataward.domain.permissions import require
from dataward.domain.processing.purpose_notice import (
    NOTICE_PURPOSE,
    Assessment,
    CompatibilityFactors,
    PendingChange,
    cleared_by_assessment,
    latest_changes,
)
from dataward.domain.register.model import Register, StaffAction
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.ports import StoredRegister, UnitOfWork
from dataward.services.register.ports import NoticeQueued


@dataclass(frozen=True, slots=True)
class AssessPurpose:
    """The DCO's Art. 6(4) assessment of the change pending for `purpose`."""

    purpose: str
    compatible: bool
    reasons: str
    factors: CompatibilityFactors


@dataclass(frozen=True, slots=True)
class PendingPurpose:
    """A changed purpose of the register in force and how far its notice has gone."""

    purpose: str
    version: str
    added: bool
    what: tuple[str, ...]
    assessed: bool | None
    """The latest assessment for this version: compatible, not, or none."""
    concerned: int
    told: int


@dataclass(frozen=True, slots=True)
class NoticesQueued:
    version: str
    queued: int


def assess(ctx: UseCase, command: AssessPurpose) -> Assessment:
    """Record the DCO's assessment of the latest change of `command.purpose`."""
    uow, register, actor = ctx.uow, ctx.register, ctx.actor
    require(register, actor, StaffAction.MANAGE_REGISTER)
    register.purpose(command.purpose)  # a key not in the register is refused by name
    with uow:
        change = latest_changes(
            uow.purpose_notices.changes_up_to(register.policy.version), register
        ).get(command.purpose)
        if change is None:
            # a registered purpose with nothing to assess: no such change, not a bad value
            raise NotFound("change of the purpose awaiting notice", command.purpose)
        assessment = Assessment(
            purpose=change.purpose,
            register_id=change.register_id,
            compatible=command.compatible,
            reasons=command.reasons,
            factors=command.factors,
            assessed_by=actor.id,
            assessed_at=ctx.clock.now(),
        )
        uow.purpose_notices.add_assessment(assessment)
        record(
            uow,
            ctx.clock,
            actor,
            Audited(
                AuditAction.PURPOSE_ASSESSED,
                purpose=change.purpose,
                decision="compatible" if command.compatible else "not_compatible",
                details={"version": change.version},
            ),
        )
        uow.commit()
    return assessment


def pending(reading: UseCase) -> list[PendingPurpose]:
    """Each changed purpose of the register in force, with its assessment and how many of the
    people it concerns were sent its notice."""
    uow, register = reading.uow, reading.register
    require(register, reading.actor, StaffAction.MANAGE_REGISTER)
    with uow:
        notices = uow.purpose_notices
        latest = latest_changes(notices.changes_up_to(register.policy.version), register)
        assessments = notices.assessments()
        cleared = cleared_by_assessment(assessments, latest)
        found: list[PendingPurpose] = []
        for change in sorted(latest.values(), key=lambda c: (c.register_id, c.purpose)):
            what = next(
                (c for c in notices.changes_of(change.register_id) if c.purpose == change.purpose),
                None,
            )
            kinds = register.purpose(change.purpose).subject_kinds
            concerned, told = notices.counts(change.register_id, kinds, change.loaded_at)
            found.append(
                PendingPurpose(
                    purpose=change.purpose,
                    version=change.version,
                    added=what.added if what else False,
                    what=what.what if what else (),
                    assessed=_assessed(assessments, change, cleared),
                    concerned=concerned,
                    told=told,
                )
            )
    return found


def _assessed(
    assessments: list[Assessment], change: PendingChange, cleared: frozenset[str]
) -> bool | None:
    if not any(
        a.purpose == change.purpose and a.register_id == change.register_id for a in assessments
    ):
        return None
    return change.purpose in cleared


def notify(ctx: UseCase, version: str) -> NoticesQueued:
    """Queue the notice of `version` to every one of our own subjects its changes (and those
    before it still in force) may concern, who came before it and has not been sent it."""
    uow, register, actor = ctx.uow, ctx.register, ctx.actor
    require(register, actor, StaffAction.MANAGE_REGISTER)
    role = notice_role(register)
    with uow:
        stored = _version(uow, register, version)
        latest = latest_changes(uow.purpose_notices.changes_up_to(stored.version), register)
        kinds = sorted({k for p in latest for k in register.purpose(p).subject_kinds})
        subjects = uow.purpose_notices.to_tell(stored.id, kinds, stored.loaded_at) if kinds else []
        now = ctx.clock.now()
        messages = [
            OutboundMessage(
                uuid.uuid4(),
                MessageKind.POLICY_NOTICE,
                uuid.UUID(subject),
                MessageChannel.EMAIL,
                stored.version,
                role,
                now,
            )
            for subject in subjects
        ]
        uow.messages.queue(messages)
        uow.purpose_notices.queue(
            [NoticeQueued(m.subject_id, stored.id, m.id, now) for m in messages]
        )
        record(
            uow,
            ctx.clock,
            actor,
            Audited(
                AuditAction.POLICY_NOTICES_QUEUED,
                purpose=NOTICE_PURPOSE,
                details={"version": stored.version, "queued": len(messages)},
            ),
        )
        uow.commit()
    return NoticesQueued(stored.version, len(messages))


def notice_role(register: Register) -> str:
    """The staff role notices are made as: the first whose purposes include the notice purpose,
    with contact data, that may decrypt identifiers."""
    for role in register.staff_roles:
        if (
            NOTICE_PURPOSE in role.purposes
            and "contact" in role.categories
            and role.decrypt_identifiers
        ):
            return role.key
    raise InvalidValue(
        "staff_roles",
        f"no role may send notices: give one the purpose {NOTICE_PURPOSE}, the category "
        "contact and decrypt_identifiers",
    )


def _version(uow: UnitOfWork, register: Register, version: str) -> StoredRegister:
    """The stored version `version`, no later than the register in force."""
    history = uow.registers.history()
    in_force = next((s for s in history if s.version == register.policy.version), None)
    stored = next((s for s in history if s.version == version), None)
    if stored is None or in_force is None or stored.id > in_force.id:
        raise NotFound("register version", "a stored version no later than the one in force")
    return stored
