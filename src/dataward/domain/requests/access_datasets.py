"""What an access package shows of the subject's own record and of their calls (UK GDPR
Art. 15): pure builders of its datasets.

Other people in a call are third parties (Art. 15(4)): a call shows only their role, and the
staff who acted on a request are named as "our staff", never by their id.
"""

from __future__ import annotations

from typing import Any

from dataward.domain.requests.package import Dataset
from dataward.domain.subjects import Subject

REDACTED = "other party (redacted)"
AGENT_REDACTED = "agent (redacted)"
_OPEN_ACTORS = ("requester", "public-form", "public-download")
CALL_COLUMNS = (
    "organisation",
    "started_at",
    "answered_at",
    "ended_at",
    "direction",
    "disposition",
    "queue",
    "wait_s",
    "ring_s",
    "talk_s",
)
"""What a call shows of itself, in an access package and a portable copy alike."""


def subject_dataset(subject: Subject) -> Dataset:
    """The subject's own record, as the package shows it."""
    return Dataset(
        "subject",
        "The record we keep of you",
        (
            "id",
            "kind",
            "organisation",
            "status",
            "created_at",
            "relationship_start",
            "relationship_end",
            "last_transaction",
            "birth_date",
        ),
        (
            (
                str(subject.id),
                subject.kind,
                subject.tenant_id,
                subject.status.value,
                subject.created_at.isoformat(),
                iso(subject.relationship_start),
                iso(subject.relationship_end),
                iso(subject.last_transaction),
                iso(subject.birth_date),
            ),
        ),
    )


def calls_dataset(calls: list[Any], me: str) -> Dataset:
    """The calls `me` takes part in; every other party shown only by their role."""

    def party(ref: str | None, *, withheld: bool, other: str = REDACTED) -> str:
        if ref == me:
            return "you"
        if ref is None:
            return "withheld by the caller" if withheld else "none"
        return other

    rows = tuple(
        (
            c.tenant_id,
            c.started_at.isoformat(),
            iso(c.answered_at),
            iso(c.ended_at),
            c.direction.value,
            c.disposition.value,
            c.queue,
            c.wait_s,
            c.ring_s,
            c.talk_s,
            party(c.caller_ref, withheld=c.caller_withheld),
            party(c.callee_ref, withheld=c.callee_withheld),
            party(c.agent_ref, withheld=False, other=AGENT_REDACTED),
        )
        for c in sorted(calls, key=lambda c: (c.started_at, c.source_key))
    )
    return Dataset(
        "calls",
        "Calls in which you take part; other people's details are not shown",
        (*CALL_COLUMNS, "caller", "callee", "agent"),
        rows,
    )


def iso(value: Any) -> str | None:
    """A date or time as ISO 8601, or None."""
    return None if value is None else str(value.isoformat())


def named_by_role(actor: str) -> str:
    """Who did something, as the person is told: our staff by their role, never their id."""
    if actor in _OPEN_ACTORS or actor.startswith("system"):
        return actor
    return "our staff"
