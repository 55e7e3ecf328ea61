"""Rights requests on SQLAlchemy Core: the request, its clarification pauses, its timeline.

`rights_requests.version` is an optimistic lock: a transition is stored only over the
version it was computed from, so two staff acting on one request at once cannot both win.
`due` is the deadline as of the last transition, kept for sorting the DCO's queue.
A request's subject is a reference; who asked and how to reach them is not kept here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    text,
    update,
)

from dataward.adapters.sql.leases import holds_changing, subject_kept
from dataward.adapters.sql.rights import instructions as request_instructions
from dataward.adapters.sql.tables import metadata
from dataward.adapters.sql.types import UTCDateTime
from dataward.adapters.sql.unlink import RegisteredStep
from dataward.domain.requests.stats import RequestFacts, StatsPeriod
from dataward.domain.requests.workflow import (
    TERMINAL,
    FeeGround,
    Pause,
    RefusalGround,
    RequestEvent,
    RequestState,
    RequestType,
    RightsRequest,
    Transition,
)
from dataward.services.rights.request_ports import ControllerInstruction

rights_requests = Table(
    "rights_requests",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("type", String(24), nullable=False),
    Column("state", String(32), nullable=False),
    Column("received", Date, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("tenant_id", String(64), nullable=True, index=True),
    Column("subject_id", String(36), nullable=True, index=True),
    Column("identity_received", Date, nullable=True),
    Column("authority_received", Date, nullable=True),
    Column("fee_paid", Date, nullable=True),
    Column("fee_ground", String(32), nullable=True),
    Column("extension_notice", Date, nullable=True),
    Column("refusal_ground", String(32), nullable=True),
    Column("contact_ciphertext", LargeBinary, nullable=True),
    Column("dco_flag", Text, nullable=True, comment="Why the DCO should look: one a line"),
    Column("due", Date, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("representative", Boolean, nullable=False, server_default=text("false")),
    Column("scope", String(96), nullable=True),
    Column("forward_within", Integer, nullable=False, server_default=text("2")),
    Column("outcome", Text, nullable=True, comment="JSON: what carrying it out did"),
    Column("fee_pence", Integer, nullable=True, comment="The fee asked, in whole pence"),
    Column("fixed_due", Date, nullable=True, comment="Due date fixed when already late"),
    Column("days_late", Integer, nullable=True, comment="Answered this many days late"),
    Column("acknowledged", Date, nullable=True, comment="A complaint's acknowledgement"),
    Column("acknowledge_within", Integer, nullable=False, server_default=text("30")),
    Column(
        "by_controller",
        Boolean,
        nullable=False,
        server_default=text("false"),
        comment="Recorded by the tenant's own administrator, the controller",
    ),
    Column("investigate_within", Integer, nullable=False, server_default=text("56")),
    Column(
        "complaint_outcome",
        LargeBinary,
        nullable=True,
        comment="A complaint's outcome, sealed under the request's own key",
    ),
    comment="Data subject rights requests and complaints; state set only by transitions.",
)
Index("ix_rights_requests_state_due", rights_requests.c.state, rights_requests.c.due)

request_pauses = Table(
    "request_pauses",
    metadata,
    Column("request_id", String(36), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("asked", Date, nullable=False),
    Column("answered", Date, nullable=True),
    comment="Clarification pauses of access requests (Art. 12A(5)).",
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("request_id", String(36), nullable=False),
    Column("letter", String(32), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime(), nullable=False),
    Column("sent_at", UTCDateTime(), nullable=True),
    Column("last_error", String(200), nullable=True),
    Column("payload_ciphertext", LargeBinary, nullable=True),
    comment="Letters to send, queued with the change that causes them; sent by the jobs.",
)

verification_codes = Table(
    "verification_codes",
    metadata,
    Column("request_id", String(36), primary_key=True),
    Column("code_hash", LargeBinary(32), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("used_at", UTCDateTime(), nullable=True),
    comment="One-time codes proving a requester holds an address: keyed hashes only.",
)
Index("ix_outbox_due", outbox.c.sent_at, outbox.c.next_attempt_at)

request_events = Table(
    "request_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("request_id", String(36), nullable=False, index=True),
    Column("event", String(32), nullable=False),
    Column("from_state", String(32), nullable=True),
    Column("to_state", String(32), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("reason", String(500), nullable=True),
    Column("days_late", Integer, nullable=True),
    comment="Every transition of every request: its timeline.",
)


class SqlRequestRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(
        self,
        request: RightsRequest,
        *,
        due: date,
        created: Transition,
        contact: bytes | None = None,
        flag: str | None = None,
    ) -> None:
        row = _row(request)
        if request.subject_id is not None:
            holds_changing(self._connection)  # an open request holds: after any sweep batch
            # and its subject's row, which an erasure locks first: it then waits for this
            # request and reads it (a request about an erased subject is still taken)
            subject_kept(self._connection, str(request.subject_id))
        self._connection.execute(
            insert(rights_requests).values(
                **row, due=due, version=1, contact_ciphertext=contact, dco_flag=flag
            )
        )
        self._add_event(created)

    def add_instruction(self, instruction: ControllerInstruction) -> None:
        """Record a controller's instruction on a forwarded request, carried out."""
        request_instructions.add_instruction(self._connection, instruction)

    def instructions_of(
        self, request_id: UUID | str
    ) -> Sequence[tuple[str, str, datetime, dict[str, Any]]]:
        """(kind, actor, at, outcome) of each instruction on the request, oldest first."""
        return request_instructions.instructions_of(self._connection, request_id)

    def set_outcome(self, request_id: UUID | str, outcome: Mapping[str, Any]) -> None:
        """Record what carrying the request out did (counts, categories, dates, reasons)."""
        self._connection.execute(
            update(rights_requests)
            .where(rights_requests.c.id == str(request_id))
            .values(outcome=json.dumps(outcome, sort_keys=True))
        )

    def outcome_of(self, request_id: UUID | str) -> dict[str, Any] | None:
        stored = self._connection.execute(
            select(rights_requests.c.outcome).where(rights_requests.c.id == str(request_id))
        ).scalar_one_or_none()
        return None if stored is None else dict(json.loads(stored))

    def flag_of(self, request_id: UUID | str) -> str | None:
        """Why the DCO should look at this request, if anything (e.g. a repeated request)."""
        return self._connection.execute(
            select(rights_requests.c.dco_flag).where(rights_requests.c.id == str(request_id))
        ).scalar_one_or_none()

    def add_flags(self, request_id: UUID | str, flags: Sequence[str]) -> None:
        """More reasons for the DCO to look, each on a line after those already there."""
        if not flags:
            return
        known = self.flag_of(request_id)
        lines = [*(known.splitlines() if known else []), *flags]
        self._connection.execute(
            update(rights_requests)
            .where(rights_requests.c.id == str(request_id))
            .values(dco_flag="\n".join(dict.fromkeys(lines)))
        )

    def set_complaint_outcome(self, request_id: UUID | str, sealed: bytes) -> None:
        """A complaint's outcome, sealed under the request's key by the caller."""
        self._connection.execute(
            update(rights_requests)
            .where(rights_requests.c.id == str(request_id))
            .values(complaint_outcome=sealed)
        )

    def complaint_outcome(self, request_id: UUID | str) -> bytes | None:
        return self._connection.execute(
            select(rights_requests.c.complaint_outcome).where(
                rights_requests.c.id == str(request_id)
            )
        ).scalar_one_or_none()

    def contact(self, request_id: UUID | str) -> bytes | None:
        """The requester's sealed contact details, if any were given."""
        return self._connection.execute(
            select(rights_requests.c.contact_ciphertext).where(
                rights_requests.c.id == str(request_id)
            )
        ).scalar_one_or_none()

    def queue_letter(
        self, request_id: UUID | str, letter: str, at: datetime, payload: bytes | None = None
    ) -> None:
        self._connection.execute(
            insert(outbox).values(
                request_id=str(request_id),
                letter=letter,
                created_at=at,
                attempts=0,
                next_attempt_at=at,
                payload_ciphertext=payload,
            )
        )

    def letters_due(
        self, at: datetime, limit: int
    ) -> list[tuple[int, str, str, int, bytes | None]]:
        """(id, request id, letter, attempts, sealed payload) of unsent letters due by `at`."""
        rows = self._connection.execute(
            select(
                outbox.c.id,
                outbox.c.request_id,
                outbox.c.letter,
                outbox.c.attempts,
                outbox.c.payload_ciphertext,
            )
            .where(outbox.c.sent_at.is_(None), outbox.c.next_attempt_at <= at)
            .order_by(outbox.c.id)
            .limit(limit)
        )
        return [(r.id, r.request_id, r.letter, r.attempts, r.payload_ciphertext) for r in rows]

    def set_code(
        self, request_id: UUID | str, code_hash: bytes, *, at: datetime, expires_at: datetime
    ) -> None:
        """A new one-time code for the request, replacing any earlier one."""
        key = str(request_id)
        self._connection.execute(
            delete(verification_codes).where(verification_codes.c.request_id == key)
        )
        self._connection.execute(
            insert(verification_codes).values(
                request_id=key,
                code_hash=code_hash,
                created_at=at,
                expires_at=expires_at,
                attempts=0,
            )
        )

    def code(self, request_id: UUID | str) -> tuple[bytes, datetime, int, datetime | None] | None:
        """(hash, expires at, attempts, used at) of the request's code, or None."""
        row = self._connection.execute(
            select(verification_codes).where(verification_codes.c.request_id == str(request_id))
        ).first()
        return (bytes(row.code_hash), row.expires_at, row.attempts, row.used_at) if row else None

    def code_attempted(self, request_id: UUID | str, *, used_at: datetime | None) -> None:
        self._connection.execute(
            update(verification_codes)
            .where(verification_codes.c.request_id == str(request_id))
            .values(attempts=verification_codes.c.attempts + 1, used_at=used_at)
        )

    def letter_sent(self, letter_id: int, at: datetime) -> None:
        self._connection.execute(
            update(outbox).where(outbox.c.id == letter_id).values(sent_at=at, last_error=None)
        )

    def letter_failed(self, letter_id: int, *, retry_at: datetime, error: str) -> None:
        self._connection.execute(
            update(outbox)
            .where(outbox.c.id == letter_id)
            .values(attempts=outbox.c.attempts + 1, next_attempt_at=retry_at, last_error=error)
        )

    def letters_of(self, request_id: UUID | str) -> list[tuple[str, datetime, datetime | None]]:
        """(letter, queued at, sent at) of a request's letters, for its timeline."""
        rows = self._connection.execute(
            select(outbox.c.letter, outbox.c.created_at, outbox.c.sent_at)
            .where(outbox.c.request_id == str(request_id))
            .order_by(outbox.c.id)
        )
        return [(r.letter, r.created_at, r.sent_at) for r in rows]

    def get(self, request_id: UUID | str) -> tuple[RightsRequest, int, date] | None:
        """The request, its version and its due date as last stored, or None."""
        key = str(request_id)
        row = self._connection.execute(
            select(rights_requests).where(rights_requests.c.id == key)
        ).first()
        if row is None:
            return None
        pauses = self._connection.execute(
            select(request_pauses)
            .where(request_pauses.c.request_id == key)
            .order_by(request_pauses.c.seq)
        )
        request = _request(row._mapping, [Pause(p.asked, p.answered) for p in pauses])
        return request, row.version, row.due

    def save(self, request: RightsRequest, *, version: int, due: date, change: Transition) -> bool:
        """Store the request over `version`; `StaleRequest` if someone stored another first."""
        result = self._connection.execute(
            update(rights_requests)
            .where(rights_requests.c.id == str(request.id), rights_requests.c.version == version)
            .values(**_row(request), due=due, version=version + 1)
        )
        if result.rowcount != 1:
            return False
        key = str(request.id)
        self._connection.execute(delete(request_pauses).where(request_pauses.c.request_id == key))
        if request.pauses:
            self._connection.execute(
                insert(request_pauses),
                [
                    {"request_id": key, "seq": n, "asked": p.asked, "answered": p.answered}
                    for n, p in enumerate(request.pauses)
                ],
            )
        self._add_event(change)
        return True

    def timeline(self, request_id: UUID | str) -> list[Transition]:
        rows = self._connection.execute(
            select(request_events)
            .where(request_events.c.request_id == str(request_id))
            .order_by(request_events.c.id)
        )
        return [
            Transition(
                request_id=UUID(r.request_id),
                event=RequestEvent(r.event),
                from_state=RequestState(r.from_state) if r.from_state else RequestState.RECEIVED,
                to_state=RequestState(r.to_state),
                at=r.at,
                actor=r.actor,
                reason=r.reason,
                days_late=r.days_late,
            )
            for r in rows
        ]

    def queue(
        self, *, tenant_id: str | None = None, include_closed: bool = False
    ) -> list[tuple[RightsRequest, date, str | None]]:
        """Requests with their due dates and DCO flags, the soonest due first."""
        query = select(rights_requests)
        if tenant_id is not None:
            query = query.where(rights_requests.c.tenant_id == tenant_id)
        if not include_closed:
            query = query.where(rights_requests.c.state.in_(_OPEN))
        rows = self._connection.execute(
            query.order_by(rights_requests.c.due, rights_requests.c.received)
        )
        return [(_request(r._mapping, []), r.due, r.dco_flag) for r in rows]

    def facts(
        self, period: StatsPeriod, tenants: Sequence[str | None] | None
    ) -> Iterator[RequestFacts]:
        """What the request figures need of each request received in `period`
        (`request_stats.request_facts`)."""
        from dataward.adapters.sql.rights.request_stats import request_facts

        return request_facts(self._connection, period, tenants)

    def for_subject(self, subject_id: UUID | str) -> Sequence[RightsRequest]:
        rows = self._connection.execute(
            select(rights_requests).where(rights_requests.c.subject_id == str(subject_id))
        )
        return [_request(r._mapping, []) for r in rows]

    def _add_event(self, change: Transition) -> None:
        self._connection.execute(
            insert(request_events).values(
                request_id=str(change.request_id),
                event=change.event.value,
                from_state=change.from_state.value,
                to_state=change.to_state.value,
                at=change.at,
                actor=change.actor,
                reason=change.reason,
                days_late=change.days_late,
            )
        )


_OPEN = [s.value for s in RequestState if s not in TERMINAL]


def _row(request: RightsRequest) -> dict[str, Any]:
    return {
        "id": str(request.id),
        "type": request.type.value,
        "state": request.state.value,
        "received": request.received,
        "channel": request.channel,
        "tenant_id": request.tenant_id,
        "subject_id": str(request.subject_id) if request.subject_id else None,
        "identity_received": request.identity_received,
        "authority_received": request.authority_received,
        "fee_paid": request.fee_paid,
        "fee_ground": request.fee_ground.value if request.fee_ground else None,
        "extension_notice": request.extension_notice,
        "refusal_ground": request.refusal_ground.value if request.refusal_ground else None,
        "updated_at": request.updated_at,
        "representative": request.representative,
        "scope": request.scope,
        "forward_within": request.forward_within,
        "fee_pence": request.fee_pence,
        "fixed_due": request.fixed_due,
        "days_late": request.days_late,
        "acknowledged": request.acknowledged,
        "acknowledge_within": request.acknowledge_within,
        "by_controller": request.by_controller,
        "investigate_within": request.investigate_within,
    }


def _request(row: Any, pauses: list[Pause]) -> RightsRequest:
    return RightsRequest(
        id=UUID(row["id"]),
        type=RequestType(row["type"]),
        state=RequestState(row["state"]),
        received=row["received"],
        channel=row["channel"],
        tenant_id=row["tenant_id"],
        subject_id=UUID(row["subject_id"]) if row["subject_id"] else None,
        identity_received=row["identity_received"],
        authority_received=row["authority_received"],
        fee_paid=row["fee_paid"],
        fee_ground=FeeGround(row["fee_ground"]) if row["fee_ground"] else None,
        pauses=tuple(pauses),
        extension_notice=row["extension_notice"],
        refusal_ground=RefusalGround(row["refusal_ground"]) if row["refusal_ground"] else None,
        updated_at=row["updated_at"],
        representative=bool(row["representative"]),
        scope=row["scope"],
        forward_within=row["forward_within"],
        fee_pence=row["fee_pence"],
        fixed_due=row["fixed_due"],
        days_late=row["days_late"],
        acknowledged=row["acknowledged"],
        acknowledge_within=row["acknowledge_within"],
        by_controller=bool(row["by_controller"]),
        investigate_within=row["investigate_within"],
    )


def _unlink_requests(connection: Connection, subject_id: str, _at: datetime) -> int:
    """Shredding: the request stays (its handling is the controller's record) unlinked."""
    result = connection.execute(
        update(rights_requests)
        .where(rights_requests.c.subject_id == subject_id)
        .values(subject_id=None)
    )
    return int(result.rowcount)


UNLINK = RegisteredStep("requests", _unlink_requests, (rights_requests.name,))
