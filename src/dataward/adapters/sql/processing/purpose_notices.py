"""Changes of purpose on SQLAlchemy Core: what each register version changed, the DCO's
compatibility assessments, and who was sent the notice of which version, and when.

`purpose_changes` and `purpose_assessments` hold no personal data (register keys, the DCO's
words, a staff actor id). `purpose_notices` names subjects: one row per subject and version,
queued with its outbox message and marked sent when the outbox hands that message over; the
subject's erasure deletes its rows (its unlink step). A notice we sent is our act, not a record
of the person, so it keeps no contact from its retention (`retention/references.NOT_RECORDS`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Connection,
    Exists,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)

from dataward.adapters.sql.outreach.messages import QUEUED, outbound_messages
from dataward.adapters.sql.registry.tables import subjects
from dataward.adapters.sql.tables import metadata, registers
from dataward.adapters.sql.types import UTCDateTime
from dataward.adapters.sql.unlink import rows_of_subject
from dataward.domain.processing.purpose_notice import (
    Assessment,
    CompatibilityFactors,
    PendingChange,
    PurposeChange,
)
from dataward.domain.subjects import SubjectStatus
from dataward.services.register.ports import NoticeQueued

purpose_changes = Table(
    "purpose_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("register_id", Integer, ForeignKey("registers.id"), nullable=False),
    Column("purpose", String(64), nullable=False),
    Column("added", Boolean, nullable=False),
    Column("what", Text, nullable=False, comment="The diff's reasons, one a line"),
    UniqueConstraint("register_id", "purpose"),
    comment="Purposes a register version added or changed in a way needing notice (ours only).",
)

purpose_assessments = Table(
    "purpose_assessments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("register_id", Integer, ForeignKey("registers.id"), nullable=False),
    Column("purpose", String(64), nullable=False),
    Column("compatible", Boolean, nullable=False),
    Column("reasons", Text, nullable=False),
    Column("link", Text, nullable=False, comment="Art. 6(4)(a)"),
    Column("context", Text, nullable=False, comment="Art. 6(4)(b)"),
    Column("nature", Text, nullable=False, comment="Art. 6(4)(c)"),
    Column("consequences", Text, nullable=False, comment="Art. 6(4)(d)"),
    Column("safeguards", Text, nullable=False, comment="Art. 6(4)(e)"),
    Column("assessed_by", String(100), nullable=False),
    Column("assessed_at", UTCDateTime(), nullable=False),
    comment="The DCO's Art. 6(4) compatibility assessments of changed purposes; the latest of "
    "a purpose and version counts.",
)

purpose_notices = Table(
    "purpose_notices",
    metadata,
    Column("subject_id", String(36), primary_key=True),
    Column("register_id", Integer, ForeignKey("registers.id"), primary_key=True),
    Column("message_id", String(36), nullable=False),
    Column("queued_at", UTCDateTime(), nullable=False),
    Column("sent_at", UTCDateTime(), nullable=True, comment="When the outbox handed it over"),
    comment="Who was sent the notice of which register version: queued, then sent.",
)
Index("ix_purpose_notices_message_id", purpose_notices.c.message_id)


class SqlPurposeNoticeRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def record_changes(self, register_id: int, changes: Sequence[PurposeChange]) -> None:
        if not changes:
            return
        self._connection.execute(
            insert(purpose_changes),
            [
                {
                    "register_id": register_id,
                    "purpose": c.purpose,
                    "added": c.added,
                    "what": "\n".join(c.what),
                }
                for c in changes
            ],
        )

    def changes_of(self, register_id: int) -> list[PurposeChange]:
        t = purpose_changes.c
        rows = self._connection.execute(
            select(t.purpose, t.added, t.what).where(t.register_id == register_id).order_by(t.id)
        )
        return [PurposeChange(r.purpose, r.added, tuple(r.what.split("\n"))) for r in rows]

    def changes_up_to(self, version: str) -> list[PendingChange]:
        """The changes recorded by `version` and every version stored before it."""
        t, r = purpose_changes.c, registers.c
        upto = select(r.id).where(r.version == version).scalar_subquery()
        rows = self._connection.execute(
            select(t.purpose, t.register_id, r.version, r.loaded_at)
            .join_from(purpose_changes, registers, t.register_id == r.id)
            .where(t.register_id <= upto)
        )
        return [PendingChange(x.purpose, x.register_id, x.version, x.loaded_at) for x in rows]

    def add_assessment(self, assessment: Assessment) -> None:
        factors = assessment.factors
        self._connection.execute(
            insert(purpose_assessments).values(
                register_id=assessment.register_id,
                purpose=assessment.purpose,
                compatible=assessment.compatible,
                reasons=assessment.reasons,
                link=factors.link,
                context=factors.context,
                nature=factors.nature,
                consequences=factors.consequences,
                safeguards=factors.safeguards,
                assessed_by=assessment.assessed_by,
                assessed_at=assessment.assessed_at,
            )
        )

    def assessments(self) -> list[Assessment]:
        rows = self._connection.execute(
            select(purpose_assessments).order_by(purpose_assessments.c.id)
        )
        return [
            Assessment(
                purpose=x.purpose,
                register_id=x.register_id,
                compatible=x.compatible,
                reasons=x.reasons,
                factors=CompatibilityFactors(
                    x.link, x.context, x.nature, x.consequences, x.safeguards
                ),
                assessed_by=x.assessed_by,
                assessed_at=x.assessed_at,
            )
            for x in rows
        ]

    def told(self, subject_ids: Sequence[str]) -> dict[str, int]:
        """Per subject, the latest register version (its id) whose notice it was sent."""
        if not subject_ids:
            return {}
        t = purpose_notices.c
        rows = self._connection.execute(
            select(t.subject_id, func.max(t.register_id))
            .where(t.subject_id.in_(subject_ids), t.sent_at.is_not(None))
            .group_by(t.subject_id)
        )
        return {subject_id: int(register_id) for subject_id, register_id in rows}

    def to_tell(self, register_id: int, kinds: Sequence[str], before: datetime) -> list[str]:
        """Our own live subjects of `kinds` who came before `before` and have neither been sent
        the notice of this version (or a later one) nor have one still waiting in the outbox."""
        s = subjects.c
        query = (
            select(s.id)
            .where(
                s.tenant_id.is_(None),
                s.status != SubjectStatus.ERASED.value,
                s.kind.in_(kinds),
                s.created_at < before,
                ~_covered(register_id, s.id),
            )
            .order_by(s.id)
        )
        return [row[0] for row in self._connection.execute(query)]

    def queue(self, notices: Sequence[NoticeQueued]) -> None:
        """Record these notices as queued (a notice of the same version that was never sent,
        its message withheld or given up, is replaced)."""
        if not notices:
            return
        t = purpose_notices.c
        for chunk in _chunks(notices, 500):
            self._connection.execute(
                delete(purpose_notices).where(
                    t.register_id == chunk[0].register_id,
                    t.subject_id.in_([str(n.subject_id) for n in chunk]),
                )
            )
        self._connection.execute(
            insert(purpose_notices),
            [
                {
                    "subject_id": str(n.subject_id),
                    "register_id": n.register_id,
                    "message_id": str(n.message_id),
                    "queued_at": n.queued_at,
                }
                for n in notices
            ],
        )

    def sent(self, message_id: str, at: datetime) -> None:
        t = purpose_notices.c
        self._connection.execute(
            update(purpose_notices)
            .where(t.message_id == message_id, t.sent_at.is_(None))
            .values(sent_at=at)
        )

    def counts(self, register_id: int, kinds: Sequence[str], before: datetime) -> tuple[int, int]:
        """(how many of our own live subjects of `kinds` came before `before`, how many of them
        were sent the notice of this version or a later one)."""
        s, t = subjects.c, purpose_notices.c
        told = select(1).where(
            t.subject_id == s.id, t.register_id >= register_id, t.sent_at.is_not(None)
        )
        row = self._connection.execute(
            select(func.count(), func.count().filter(told.exists())).where(
                and_(
                    s.tenant_id.is_(None),
                    s.status != SubjectStatus.ERASED.value,
                    s.kind.in_(kinds),
                    s.created_at < before,
                )
            )
        ).one()
        return int(row[0]), int(row[1])


def _covered(register_id: int, subject_id: ColumnElement[Any]) -> Exists:
    """A notice of this version or a later one was sent to the subject, or waits in the
    outbox."""
    t, m = purpose_notices.c, outbound_messages.c
    waiting = select(1).where(m.id == t.message_id, m.status == QUEUED).exists()
    return (
        select(1)
        .where(
            t.subject_id == subject_id,
            t.register_id >= register_id,
            or_(t.sent_at.is_not(None), waiting),
        )
        .exists()
    )


def _chunks(items: Sequence[NoticeQueued], size: int) -> list[Sequence[NoticeQueued]]:
    by_version: dict[int, list[NoticeQueued]] = {}
    for item in items:
        by_version.setdefault(item.register_id, []).append(item)
    return [
        group[i : i + size] for group in by_version.values() for i in range(0, len(group), size)
    ]


UNLINK = rows_of_subject(purpose_notices)
