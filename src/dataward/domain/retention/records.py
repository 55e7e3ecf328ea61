"""Records kept as evidence of what was done with a subject's data, record by record: a
campaign send, a marketing basis, an entry of the disclosure log. Each goes under its register
rule, counted from the UK days of the events the rule's terms run from, as the record gives
them; the later of the terms is its last day kept, on exact dates (`delete_after`), and it goes
the day after, as the other rules count.

Which events date which record:
- a campaign send (the marketing-preferences rule): `last_interaction` is the send itself, the
  interaction it records. A send made on consent is also dated by `consent_withdrawn` once that
  consent (the subject's ledger of the campaign's purpose and consent channel) is withdrawn on
  or after the send: the send is then kept as long as the consent record that proves it, so
  the proof and what was done under it go together (for the shipped register: 2 years after
  the send, or 6 years after the withdrawal, whichever is later). A consent still given does
  not keep a send: its ledger proves it, and waits;
- a marketing basis (a soft opt-in, a corporate subscriber's address; the same rule): the basis
  is the marketing relationship it allows, and lasts as long as that does. Its
  `last_interaction` is the latest of the day it was obtained, the day it was recorded and the
  day of the latest send made on it: two years with none (the shipped rule's term) ends the
  relationship, and the basis goes with it. It has no consent to withdraw;
- a disclosure (the disclosure-log rule): `collection` is the day of the disclosure, when the
  log's entry was made.

A term whose event the record cannot have (a rule that runs from the end of a customer
relationship, for a send) leaves it without a date: it waits, and the plan says why, rather
than go early. A term whose event can happen but has not (a consent not withdrawn) does not
date the record. Pure: no I/O.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from dataward.domain.processing.consent import ConsentState
from dataward.domain.processing.retention import delete_after
from dataward.domain.register.model import RetentionEvent, RetentionRule
from dataward.domain.requests.model import uk_date
from dataward.domain.retention.consent import ConsentRecord

SEND_EVENTS = frozenset({RetentionEvent.LAST_INTERACTION, RetentionEvent.CONSENT_WITHDRAWN})
BASIS_EVENTS = frozenset({RetentionEvent.LAST_INTERACTION, RetentionEvent.CONSENT_WITHDRAWN})
"""A basis has no consent: its `consent_withdrawn` term never dates it, and never waits."""
DISCLOSURE_EVENTS = frozenset({RetentionEvent.COLLECTION})
CONSENT_BASIS = "consent"
_COLLECTED = RetentionEvent.COLLECTION


@dataclass(frozen=True, slots=True)
class KeptRecord:
    """One record as its sweep reads it: its id (the bytes its sweep's digest is over, and by
    which it is deleted), its subject, its UK day, and the days its rule's events happened."""

    id: bytes
    subject_id: str
    day: date
    events: tuple[tuple[RetentionEvent, date], ...]


@dataclass(frozen=True, slots=True)
class SentRecord:
    """A campaign send: campaign, subject, basis, when, and the campaign's purpose and
    channel."""

    campaign_id: str
    subject_id: str
    basis: str
    at: datetime
    purpose: str
    channel: str


@dataclass(frozen=True, slots=True)
class BasisRecord:
    id: int
    subject_id: str
    kind: str
    obtained_on: date | None
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class DisclosureRecord:
    id: int
    subject_id: str
    at: datetime


def send_id(campaign_id: str, subject_id: str) -> bytes:
    """A send's id: its campaign's UUID's bytes, then its subject's."""
    return uuid.UUID(campaign_id).bytes + uuid.UUID(subject_id).bytes


def send_key(record_id: bytes) -> tuple[str, str]:
    """(campaign id, subject id) of a send's id."""
    return str(uuid.UUID(bytes=record_id[:16])), str(uuid.UUID(bytes=record_id[16:]))


def number_id(number: int) -> bytes:
    """The id of a numbered record (a basis, a disclosure), as a consent event's: 8 bytes."""
    return number.to_bytes(8, "big")


def sends(
    found: Iterable[SentRecord],
    consents: Iterable[ConsentRecord],
    consent_channels: Mapping[str, Sequence[str]],
) -> list[KeptRecord]:
    """Each send, dated by itself and by the withdrawal of the consent it was made on (the
    ledger of its purpose and of the channel of that purpose's consent the campaign's channel
    rests on: `consent_channels`, by purpose, as `domain.marketing.campaign` finds it)."""
    withdrawals: dict[tuple[str, str, str | None], list[datetime]] = {}
    for event in consents:
        if event.state is ConsentState.WITHDRAWN:
            withdrawals.setdefault(event.ledger, []).append(event.at)
    kept: list[KeptRecord] = []
    for send in found:
        events = {RetentionEvent.LAST_INTERACTION: uk_date(send.at)}
        if send.basis == CONSENT_BASIS:
            channel = _consent_channel(consent_channels.get(send.purpose, ()), send.channel)
            ledger = (send.subject_id, send.purpose, channel)
            after = [at for at in withdrawals.get(ledger, ()) if at >= send.at]
            if after:
                events[RetentionEvent.CONSENT_WITHDRAWN] = uk_date(max(after))
        record_id = send_id(send.campaign_id, send.subject_id)
        kept.append(_kept(record_id, send.subject_id, uk_date(send.at), events))
    return kept


def bases(found: Iterable[BasisRecord], sent: Iterable[SentRecord]) -> list[KeptRecord]:
    """Each basis, dated by the latest of its own days and of the sends made on it."""
    last_send: dict[tuple[str, str], date] = {}
    for send in sent:
        key = (send.subject_id, send.basis)
        last_send[key] = max(last_send.get(key, date.min), uk_date(send.at))
    kept: list[KeptRecord] = []
    for basis in found:
        day = uk_date(basis.recorded_at)
        days = [day, last_send.get((basis.subject_id, basis.kind), day)]
        days += [basis.obtained_on] if basis.obtained_on else []
        events = {RetentionEvent.LAST_INTERACTION: max(days)}
        kept.append(_kept(number_id(basis.id), basis.subject_id, day, events))
    return kept


def disclosures(found: Iterable[DisclosureRecord]) -> list[KeptRecord]:
    """Each entry of the disclosure log, dated by the disclosure."""
    return [
        _kept(
            number_id(d.id), d.subject_id, uk_date(d.at), {RetentionEvent.COLLECTION: uk_date(d.at)}
        )
        for d in found
    ]


def last_day_kept(
    rule: RetentionRule,
    record: KeptRecord,
    can_date: frozenset[RetentionEvent],
    *,
    financial_year_end: str,
) -> date | None:
    """The last day `record` is kept under `rule`, or None while it waits: a term runs from an
    event none of the store's records can have (`can_date`), or no term is dated."""
    if any(term.runs_from not in can_date for term in rule.terms):
        return None
    events = dict(record.events)
    dated = [term for term in rule.terms if term.runs_from in events]
    if not dated:
        return None
    applied = rule.model_copy(update={"terms": dated})
    return delete_after(applied, events, financial_year_end=financial_year_end).delete_on


def is_due(last_day: date | None, as_of: date) -> bool:
    """Whether a record kept through `last_day` goes on a sweep of `as_of`: the day after."""
    return last_day is not None and last_day < as_of


def oldest(records: Sequence[KeptRecord]) -> date | None:
    return min((record.day for record in records), default=None)


def _consent_channel(channels: Sequence[str], channel: str) -> str:
    """The channel's own consent, or a purpose's only consent (one naming a company covers
    every channel)."""
    if channel not in channels and len(channels) == 1:
        return channels[0]
    return channel


def _kept(
    record_id: bytes, subject_id: str, day: date, events: Mapping[RetentionEvent, date]
) -> KeptRecord:
    return KeptRecord(record_id, subject_id, day, tuple(sorted(events.items())))
