"""The consent ledger: every consent given or withdrawn, appended, never changed.

The current state of a subject's consents is derived from the ledger (the latest event for each
purpose and channel wins), so the history that proves a consent (Art. 7(1)) and the state the
gate acts on can never disagree. Consent is recorded only where the register relies on it: a
purpose whose lawful basis is consent, on one of that purpose's consent channels. Withdrawing
something never given is recorded all the same, and is harmless. Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from dataward.domain.bounds import EVIDENCE_CHARS, NOTICE_VERSION_CHARS, check_text
from dataward.domain.errors import ConsentRefused, NotInRegister
from dataward.domain.register.model import LawfulBasis, Purpose, Register


class ConsentState(StrEnum):
    GIVEN = "given"
    WITHDRAWN = "withdrawn"


class ConsentMethod(StrEnum):
    """How the consent or its withdrawal reached us: part of the evidence (Art. 7(1))."""

    WEB_FORM = "web_form"
    EMAIL_LINK = "email_link"
    PHONE = "phone"
    PAPER = "paper"
    IMPORT = "import"
    PORTAL = "portal"
    STAFF = "staff"


ConsentKey = tuple[str, str | None]
"""(purpose key, channel key); the channel is None for a purpose without consent channels."""


@dataclass(frozen=True, slots=True)
class ConsentEvent:
    """One line of the ledger. `sequence` orders events of the same instant (the store's id)."""

    subject_id: UUID
    purpose: str
    channel: str | None
    state: ConsentState
    method: ConsentMethod
    notice_version: str
    at: datetime
    evidence_ref: str | None = None
    sequence: int = 0

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("a consent event needs an aware time")

    @property
    def key(self) -> ConsentKey:
        return (self.purpose, self.channel)


def current_consents(
    events: Iterable[ConsentEvent], *, as_of: datetime | None = None
) -> dict[ConsentKey, ConsentState]:
    """The state of each (purpose, channel) now, or at `as_of`: the latest event wins.

    Events are ordered by time, then by sequence, then by their order in `events`; events after
    `as_of` are ignored, so a past decision can be replayed exactly.
    """
    latest: dict[ConsentKey, tuple[datetime, int, int, ConsentState]] = {}
    for position, event in enumerate(events):
        if as_of is not None and event.at > as_of:
            continue
        rank = (event.at, event.sequence, position, event.state)
        seen = latest.get(event.key)
        if seen is None or rank[:3] >= seen[:3]:
            latest[event.key] = rank
    return {key: rank[3] for key, rank in latest.items()}


def consent_purpose(register: Register, purpose_key: str, channel: str | None) -> Purpose:
    """The purpose, if consent to it may be recorded on `channel`; `ConsentRefused` otherwise."""
    purpose = _consent_based(register, purpose_key, channel)
    channels = purpose.consent_channels
    if channels and channel not in channels:
        allowed = ", ".join(channels)
        if channel is None:
            raise ConsentRefused(purpose_key, channel, f"name one of its channels: {allowed}")
        raise ConsentRefused(purpose_key, channel, f"not one of its channels ({allowed})")
    if not channels and channel is not None:
        raise ConsentRefused(purpose_key, channel, "this purpose takes consent without a channel")
    return purpose


def _consent_based(register: Register, purpose_key: str, channel: str | None) -> Purpose:
    try:
        purpose = register.purpose(purpose_key)
    except NotInRegister:
        raise ConsentRefused(purpose_key, channel, "no such purpose in the register") from None
    if purpose.lawful_basis is not LawfulBasis.CONSENT:
        basis = purpose.lawful_basis.value if purpose.lawful_basis else "set by the controller"
        raise ConsentRefused(purpose_key, channel, f"its lawful basis is {basis}, not consent")
    return purpose


@dataclass(frozen=True, slots=True)
class ConsentDraft:
    """What a consent given or withdrawn says, before the register has checked it."""

    subject_id: UUID
    purpose: str
    channel: str | None
    method: ConsentMethod
    notice_version: str
    at: datetime
    evidence_ref: str | None = None


def consent_given(register: Register, draft: ConsentDraft) -> ConsentEvent:
    """The ledger event for a consent given, checked against the register."""
    purpose, channel, notice_version = draft.purpose, draft.channel, draft.notice_version
    consent_purpose(register, purpose, channel)
    if not notice_version.strip():
        raise ConsentRefused(purpose, channel, "say which version of the notice was shown")
    _check_lengths(notice_version, draft.evidence_ref)
    return ConsentEvent(
        draft.subject_id,
        purpose,
        channel,
        ConsentState.GIVEN,
        draft.method,
        notice_version,
        draft.at,
        draft.evidence_ref,
    )


def consent_withdrawn(register: Register, draft: ConsentDraft) -> list[ConsentEvent]:
    """The ledger events for a withdrawal, effective at once (Art. 7(3)).

    Without a channel the withdrawal covers every channel of the purpose, one event each.
    Withdrawing what was never given is recorded all the same: it is harmless and it is evidence.
    """
    purpose, channel = draft.purpose, draft.channel
    _check_lengths(draft.notice_version, draft.evidence_ref)
    if channel is not None:
        consent_purpose(register, purpose, channel)
        channels: list[str | None] = [channel]
    else:
        channels = [*_consent_based(register, purpose, None).consent_channels] or [None]
    return [
        ConsentEvent(
            draft.subject_id,
            purpose,
            ch,
            ConsentState.WITHDRAWN,
            draft.method,
            draft.notice_version,
            draft.at,
            draft.evidence_ref,
        )
        for ch in channels
    ]


def _check_lengths(notice_version: str, evidence_ref: str | None) -> None:
    """Refuse references longer than the ledger keeps, naming them."""
    check_text("notice_version", notice_version, NOTICE_VERSION_CHARS)
    check_text("evidence_ref", evidence_ref, EVIDENCE_CHARS)
