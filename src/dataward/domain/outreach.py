"""Messages to our own subjects that no rights request causes: marketing, and the notices a
change of the register owes them. Nothing here does I/O.

A message is queued in the transaction of the change that causes it (a campaign sent, a notice
owed) and carries no identifier: only its subject, its kind, its channel and a reference
(a campaign, a register version). Its address and words are made when it goes, so a message
whose subject objected, withdrew or was erased after it was queued is withheld, not sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID


class MessageKind(StrEnum):
    MARKETING = "marketing"
    POLICY_NOTICE = "policy_notice"
    BREACH_NOTICE = "breach_notice"  # to a person at high risk (Art. 34)
    BREACH_CONTROLLER = "breach_controller"  # to a tenant's controller contact (Art. 33(2))


class MessageChannel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    POST = "post"


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """One message, queued."""

    id: UUID
    kind: MessageKind
    subject_id: UUID
    channel: MessageChannel
    ref: str
    """What it belongs to: a campaign's id, a register version."""
    role: str
    """The register staff role it is made under: its address is read through the gate as that
    role, when it goes."""
    queued_at: datetime
    attempts: int = 0


@dataclass(frozen=True, slots=True)
class Email:
    """A message made, ready for its transport. Its address and text are never printed."""

    to: str = field(repr=False)
    sender: str
    subject: str = field(repr=False)
    body: str = field(repr=False)
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Withheld:
    """Why a queued message is not sent: a closed word (a gate reason, `campaign_gone`, ...),
    never anything of the person."""

    reason: str


MAX_ATTEMPTS = 8
KEEP_DONE = timedelta(days=30)
"""How long a message sent or withheld stays in the outbox (to answer "did it go?"); what was
sent to whom stays in its campaign's record."""


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes, at most a day."""
    return min(timedelta(minutes=2**attempts), timedelta(days=1))
