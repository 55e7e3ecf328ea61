"""Migration 0018 on each backend: complaints recorded before it that were acknowledged (started,
or with an address their acknowledgement letter went to) become due by their outcome's target,
so an upgrade does not show them overdue; the DCO's flags take more than one line, and a
downgrade keeps what the old column held."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy import Engine

from dataward.adapters.sql import migrate

REQUESTS = sa.table(
    "rights_requests",
    *(sa.column(name) for name in ("id", "type", "state", "received", "channel", "due")),
    sa.column("contact_ciphertext", sa.LargeBinary()),
    sa.column("dco_flag", sa.String()),
    sa.column("version", sa.Integer()),
    sa.column("updated_at", sa.DateTime()),
)
RECEIVED = date(2026, 11, 20)


def _row(key: str, kind: str, state: str, contact: bytes | None = None) -> dict[str, object]:
    return {
        "id": key,
        "type": kind,
        "state": state,
        "received": RECEIVED,
        "channel": "post",
        "due": date(2026, 12, 19),
        "contact_ciphertext": contact,
        "dco_flag": None,
        "version": 1,
        "updated_at": datetime(2026, 11, 20, 10, tzinfo=UTC),
    }


def test_earlier_acknowledged_complaints_become_due_by_their_outcomes_target(
    engine: Engine,
) -> None:
    migrate.upgrade(engine, "0017")
    with engine.begin() as connection:
        connection.execute(
            sa.insert(REQUESTS),
            [
                _row("started", "complaint", "in_progress"),
                _row("by-email", "complaint", "received", contact=b"sealed"),
                _row("by-post", "complaint", "received"),
                _row("access", "access", "in_progress"),
            ],
        )
    migrate.upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT id, acknowledged, due, investigate_within FROM rights_requests")
        ).all()
    found = {r.id: (_day(r.acknowledged), _day(r.due), r.investigate_within) for r in rows}
    target = date(2027, 1, 14)  # 56 days from 20 November, counting the 20th
    assert found == {
        "started": (RECEIVED, target, 56),
        "by-email": (RECEIVED, target, 56),
        "by-post": (None, date(2026, 12, 19), 56),  # still to be acknowledged
        "access": (None, date(2026, 12, 19), 56),
    }


def test_flags_take_many_lines_and_a_downgrade_keeps_the_first_200_characters(
    engine: Engine,
) -> None:
    migrate.upgrade(engine)
    flags = "\n".join(f"flag number {n} " + "x" * 60 for n in range(5))
    with engine.begin() as connection:
        connection.execute(
            sa.insert(REQUESTS), [{**_row("a", "access", "received"), "dco_flag": flags}]
        )
    migrate.downgrade(engine, "0017")
    with engine.connect() as connection:
        kept = connection.execute(sa.text("SELECT dco_flag FROM rights_requests")).scalar_one()
    assert kept == flags[:200]


def _day(value: object) -> date | None:
    """A date as the backend returns it (SQLite: text)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
