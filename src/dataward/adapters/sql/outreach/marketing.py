"""Marketing's records on SQLAlchemy Core: campaigns, what each sent to whom, the soft opt-ins
and corporate subscribers recorded with their evidence, and list imports.

Nothing here holds an identifier: a campaign is its words and terms, a send its campaign,
subject and basis, a basis its kind, sender, dates and a reference to its evidence, an import
its counts. Erasing a subject deletes its sends and bases (their unlink steps).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Column,
    Connection,
    Date,
    Integer,
    String,
    Table,
    Text,
    func,
    insert,
    select,
    update,
)

from dataward.adapters.sql.engine import in_chunks
from dataward.adapters.sql.leases import subject_there
from dataward.adapters.sql.registry.subjects import subject_from_row
from dataward.adapters.sql.registry.tables import CONTROLLER_SCOPE, identifiers, subjects
from dataward.adapters.sql.tables import metadata
from dataward.adapters.sql.types import UTCDateTime
from dataward.adapters.sql.unlink import rows_of_subject
from dataward.domain.bounds import ACTOR_CHARS, EVIDENCE_CHARS
from dataward.domain.marketing.campaign import (
    NAME_CHARS,
    SUBJECT_CHARS,
    Campaign,
)
from dataward.domain.subjects import Subject, SubjectStatus
from dataward.services.marketing.ports import (
    AudienceQuery,
    AudienceRow,
    FewRecords,
    MarketingBasis,
    NewImport,
    Send,
)

marketing_campaigns = Table(
    "marketing_campaigns",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(NAME_CHARS), nullable=False),
    Column("purpose", String(64), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("sender", String(64), nullable=False),
    Column("product", String(64), nullable=True),
    Column("subject_line", String(SUBJECT_CHARS), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("created_by", String(ACTOR_CHARS), nullable=False),
    Column("sent_at", UTCDateTime(), nullable=True),
    comment="Marketing campaigns: their words and the register terms they are sent under.",
)

campaign_sends = Table(
    "campaign_sends",
    metadata,
    Column("campaign_id", String(36), primary_key=True),
    Column("subject_id", String(36), primary_key=True, index=True),
    Column("basis", String(32), nullable=False),
    Column("queued_at", UTCDateTime(), nullable=False),
    comment="What each campaign was sent to whom on which basis: no address or text.",
)

marketing_bases = Table(
    "marketing_bases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subject_id", String(36), nullable=False, index=True),
    Column("kind", String(24), nullable=False, comment="soft_opt_in or corporate_subscriber"),
    Column("sender", String(64), nullable=True),
    Column("obtained_in", String(16), nullable=True, comment="sale or negotiation"),
    Column("obtained_on", Date, nullable=True),
    Column("evidence_ref", String(EVIDENCE_CHARS), nullable=False),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("recorded_by", String(ACTOR_CHARS), nullable=False),
    comment="Bases for marketing without consent, with their evidence: the soft opt-in "
    "(PECR reg 22(3)) and a corporate subscriber's address.",
    sqlite_autoincrement=True,
)

marketing_imports = Table(
    "marketing_imports",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("source", String(100), nullable=False),
    Column("consent_evidence", String(EVIDENCE_CHARS), nullable=False),
    Column("imported_at", UTCDateTime(), nullable=False),
    Column("imported_by", String(ACTOR_CHARS), nullable=False),
    Column("added", Integer, nullable=False),
    Column("suppressed", Integer, nullable=False, comment="Skipped: on the suppression list"),
    Column("known", Integer, nullable=False, comment="Skipped: already a subject"),
    comment="Marketing list imports: where from, the consent evidence, and counts only.",
)


class SqlMarketingRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    # -- campaigns ----------------------------------------------------------------------------
    def add_campaign(self, campaign: Campaign) -> None:
        self._connection.execute(insert(marketing_campaigns).values(**_campaign_row(campaign)))

    def campaign(self, campaign_id: UUID | str) -> Campaign | None:
        t = marketing_campaigns.c
        row = self._connection.execute(
            select(marketing_campaigns).where(t.id == str(campaign_id))
        ).first()
        return None if row is None else _campaign(row._mapping)

    def campaigns(self, limit: int) -> list[Campaign]:
        t = marketing_campaigns.c
        rows = self._connection.execute(
            select(marketing_campaigns).order_by(t.created_at.desc(), t.id).limit(limit)
        )
        return [_campaign(row._mapping) for row in rows]

    def mark_sent(self, campaign_id: UUID, at: datetime) -> bool:
        """Mark the campaign sent, once: False if it already was (a second send is refused)."""
        t = marketing_campaigns.c
        done = self._connection.execute(
            update(marketing_campaigns)
            .where(t.id == str(campaign_id), t.sent_at.is_(None))
            .values(sent_at=at)
        )
        return done.rowcount == 1

    def add_sends(self, sends: Sequence[Send]) -> None:
        if sends:
            self._connection.execute(
                insert(campaign_sends),
                [
                    {
                        "campaign_id": str(s.campaign_id),
                        "subject_id": str(s.subject_id),
                        "basis": s.basis,
                        "queued_at": s.queued_at,
                    }
                    for s in sends
                ],
            )

    def sends_of(self, subject_id: UUID | str) -> list[Send]:
        t = campaign_sends.c
        rows = self._connection.execute(
            select(campaign_sends).where(t.subject_id == str(subject_id)).order_by(t.queued_at)
        )
        return [Send(UUID(r.campaign_id), UUID(r.subject_id), r.basis, r.queued_at) for r in rows]

    # -- candidates ---------------------------------------------------------------------------
    def candidates(self, kinds: Sequence[str], after: str, limit: int) -> list[Subject]:
        """Our own live subjects of `kinds`, in id order after `after` (a page)."""
        t = subjects.c
        rows = self._connection.execute(
            select(subjects)
            .where(
                t.tenant_id.is_(None),
                t.status == SubjectStatus.ACTIVE.value,
                t.kind.in_(sorted(kinds)),
                t.id > after,
            )
            .order_by(t.id)
            .limit(limit)
        )
        return [subject_from_row(row._mapping) for row in rows]

    def indexes_of_many(
        self, subject_ids: Sequence[str], kinds: Sequence[str]
    ) -> dict[str, list[tuple[str, bytes]]]:
        """(kind, blind index) of each subject's own identifiers of `kinds`, by subject."""
        t = identifiers.c
        found: dict[str, list[tuple[str, bytes]]] = {}
        for chunk in in_chunks(sorted(set(subject_ids))):
            rows = self._connection.execute(
                select(t.subject_id, t.type, t.blind_index).where(
                    t.subject_id.in_(chunk), t.scope == CONTROLLER_SCOPE, t.type.in_(kinds)
                )
            )
            for row in rows:
                found.setdefault(row.subject_id, []).append((row.type, bytes(row.blind_index)))
        return found

    # -- bases --------------------------------------------------------------------------------
    def add_basis(self, basis: MarketingBasis) -> None:
        subject_there(self._connection, str(basis.subject_id))
        self._connection.execute(
            insert(marketing_bases).values(
                subject_id=str(basis.subject_id),
                kind=basis.kind,
                sender=basis.sender,
                obtained_in=basis.obtained_in,
                obtained_on=basis.obtained_on,
                evidence_ref=basis.evidence_ref,
                recorded_at=basis.recorded_at,
                recorded_by=basis.recorded_by,
            )
        )

    def bases_of_many(self, subject_ids: Sequence[str]) -> dict[str, list[MarketingBasis]]:
        found: dict[str, list[MarketingBasis]] = {}
        t = marketing_bases.c
        for chunk in in_chunks(sorted(set(subject_ids))):
            rows = self._connection.execute(select(marketing_bases).where(t.subject_id.in_(chunk)))
            for row in rows:
                found.setdefault(row.subject_id, []).append(basis_of(row))
        return found

    # -- imports ------------------------------------------------------------------------------
    def add_import(self, record: NewImport) -> None:
        self._connection.execute(
            insert(marketing_imports).values(
                id=str(record.id),
                source=record.source,
                consent_evidence=record.consent_evidence,
                imported_at=record.at,
                imported_by=record.by,
                added=record.added,
                suppressed=record.suppressed,
                known=record.known,
            )
        )

    def audience_pages(self, query: AudienceQuery, page: int) -> Iterator[list[AudienceRow]]:
        from dataward.adapters.sql.outreach.audience import audience_pages

        return audience_pages(self._connection, query, page)

    def few_records(self) -> FewRecords:
        from dataward.adapters.sql.outreach.audience import few_records

        return few_records(self._connection)

    def count_sends(self, campaign_id: UUID) -> int:
        t = campaign_sends.c
        found = self._connection.execute(
            select(func.count()).where(t.campaign_id == str(campaign_id))
        ).scalar()
        return int(found or 0)


def basis_of(row: Any) -> MarketingBasis:
    obtained: date | None = row.obtained_on
    return MarketingBasis(
        UUID(row.subject_id),
        row.kind,
        row.sender,
        row.obtained_in,
        obtained,
        row.evidence_ref,
        row.recorded_at,
        row.recorded_by,
    )


def _campaign_row(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": str(campaign.id),
        "name": campaign.name,
        "purpose": campaign.purpose,
        "channel": campaign.channel,
        "sender": campaign.sender,
        "product": campaign.product,
        "subject_line": campaign.subject_line,
        "body": campaign.body,
        "created_at": campaign.created_at,
        "created_by": campaign.created_by,
        "sent_at": campaign.sent_at,
    }


def _campaign(row: Any) -> Campaign:
    return Campaign(
        id=UUID(row["id"]),
        name=row["name"],
        purpose=row["purpose"],
        channel=row["channel"],
        sender=row["sender"],
        subject_line=row["subject_line"],
        body=row["body"],
        product=row["product"],
        created_at=row["created_at"],
        created_by=row["created_by"],
        sent_at=row["sent_at"],
    )


UNLINKS = (rows_of_subject(campaign_sends), rows_of_subject(marketing_bases))
