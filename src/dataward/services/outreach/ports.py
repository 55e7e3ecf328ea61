"""What the outreach outbox needs from outside: its store, how a message is made, how it goes."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

from dataward.domain.outreach import Email, MessageKind, OutboundMessage, Withheld
from dataward.domain.register.model import Register

if TYPE_CHECKING:
    from dataward.services.context import UseCase


class MessageRepository(Protocol):
    def queue(self, messages: Sequence[OutboundMessage]) -> None:
        """Queue these (inside the transaction of the change that causes them)."""
        ...

    def due(self, now: datetime, limit: int, *, channels: Sequence[str]) -> list[OutboundMessage]:
        """Queued messages on `channels` whose time has come, oldest first."""
        ...

    def waiting(self, now: datetime, *, channels: Sequence[str]) -> int:
        """How many queued messages are due on other channels (no carrier for them yet)."""
        ...

    def sent(self, message_id: UUID, at: datetime) -> None: ...

    def failed(self, message_id: UUID, *, retry_at: datetime, error: str) -> None:
        """Record a failed attempt by the error's kind only, to try again at `retry_at`."""
        ...

    def withheld(self, message_id: UUID, *, at: datetime, reason: str) -> None: ...

    def forget_done(self, before: datetime) -> int:
        """Delete the messages sent or withheld before `before`; how many."""
        ...

    def counts(self, kind: MessageKind, ref: str) -> Mapping[str, int]:
        """How many of a kind and reference are queued, sent, withheld or given up."""
        ...


class Transport(Protocol):
    """Hands one made message to its channel's carrier; raises on failure (it is retried)."""

    def send_email(self, email: Email) -> None: ...


class MessageMaker(Protocol):
    """Makes a queued message of one kind as it goes: its address read through the gate now,
    as `ctx.actor` (the message's role), its words from what it belongs to; or why it may not
    go."""

    def __call__(self, ctx: UseCase, message: OutboundMessage) -> Email | Withheld: ...


class SentHook(Protocol):
    """What a kind of message records once it was handed over, inside the transaction that
    marks it sent (a notice of a register version: the person now counts as told)."""

    def __call__(self, ctx: UseCase, message: OutboundMessage) -> None: ...


SentHooks = Mapping[MessageKind, SentHook]
"""The hook of each kind of message that records its sending."""

Makers = Mapping[MessageKind, MessageMaker]
"""The maker of each kind of message."""

Transports = Mapping[str, Transport]
"""The carrier of each channel that has one; a channel without waits for one."""


@dataclass(frozen=True, slots=True)
class NoticeItem:
    """One change told: the purpose's activity in the register's words, and what changed."""

    purpose: str
    activity: str
    added: bool
    what: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PolicyNoticeFacts:
    register: Register
    version: str
    items: tuple[NoticeItem, ...]


NoticeRenderer = Callable[[PolicyNoticeFacts], tuple[str, str]]
"""The facts of a notice -> (subject line, plain-text body) (`adapters.mail.notices`)."""
