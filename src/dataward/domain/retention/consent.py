"""Consent records under the register's marketing-preferences rule, ledger by ledger.

A ledger is one subject's events for one purpose and channel (`domain.processing.consent`):
the latest event wins, so the ledger, not the event, is what is kept or let go. While its
latest event is a consent given, the consent justifies processing and its record proves it
(Art. 7(1)): the ledger has no date and waits. Once its latest event is a withdrawal, the
rule's terms run from the UK days of that ledger's events: `consent_withdrawn` from the day of
its latest withdrawal, `last_interaction` from the day of its latest event (the same event,
once withdrawn: for the shipped register, P6Y after the withdrawal outlasts P2Y after it). The
later of the terms is the last day kept, on exact dates (`delete_after`: a withdrawal on 29
February 2020 is kept to 28 February 2026); the ledger goes the day after, as the rights-records
rule counts (the Limitation Act does not count the day of the event, so a claim may still be
brought on the anniversary). A term whose event a ledger cannot have keeps it waiting too.

A ledger goes whole: every event of it as read when it is found due. A consent given again
later (on the same purpose and channel) makes the ledger's latest event a consent given, and
the ledger waits again with its new consent; a consent on another purpose or channel is
another ledger. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from dataward.domain.processing.consent import ConsentState
from dataward.domain.processing.retention import delete_after
from dataward.domain.register.model import RetentionEvent, RetentionRule
from dataward.domain.requests.model import uk_date

LedgerKey = tuple[str, str, str | None]
"""(subject id, purpose, channel): one ledger."""


@dataclass(frozen=True, slots=True)
class ConsentRecord:
    """One event of a ledger as a sweep reads it: its id, ledger, state and time; nothing of
    its evidence."""

    id: int
    subject_id: str
    purpose: str
    channel: str | None
    state: ConsentState
    at: datetime

    @property
    def ledger(self) -> LedgerKey:
        return (self.subject_id, self.purpose, self.channel)


@dataclass(frozen=True, slots=True)
class Ledger:
    key: LedgerKey
    records: tuple[ConsentRecord, ...]
    """In the ledger's order: by time, then by id (the store's sequence), as
    `current_consents` orders them."""

    @property
    def subject_id(self) -> str:
        return self.key[0]

    @property
    def latest(self) -> ConsentRecord:
        return self.records[-1]

    @property
    def first_day(self) -> date:
        """The UK day of its first event: the start of the period a sweep of it covers."""
        return uk_date(self.records[0].at)

    @property
    def ids(self) -> tuple[int, ...]:
        return tuple(record.id for record in self.records)


def ledgers(records: Iterable[ConsentRecord]) -> list[Ledger]:
    """The records grouped into ledgers, each in its order; the ledgers by key."""
    found: dict[LedgerKey, list[ConsentRecord]] = {}
    for record in records:
        found.setdefault(record.ledger, []).append(record)
    return [
        Ledger(key, tuple(sorted(found[key], key=lambda r: (r.at, r.id))))
        for key in sorted(found, key=lambda k: (k[0], k[1], k[2] or ""))
    ]


def last_day_kept(rule: RetentionRule, ledger: Ledger, *, financial_year_end: str) -> date | None:
    """The last day the ledger is kept, or None while it waits: its latest event is a consent
    given, or a term of the rule runs from an event a ledger cannot have."""
    latest = ledger.latest
    if latest.state is not ConsentState.WITHDRAWN:
        return None
    withdrawn = max(r.at for r in ledger.records if r.state is ConsentState.WITHDRAWN)
    events = {
        RetentionEvent.LAST_INTERACTION: uk_date(latest.at),
        RetentionEvent.CONSENT_WITHDRAWN: uk_date(withdrawn),
    }
    return delete_after(rule, events, financial_year_end=financial_year_end).delete_on


def is_due(last_day: date | None, as_of: date) -> bool:
    """Whether a ledger kept through `last_day` goes on a sweep of `as_of`: the day after."""
    return last_day is not None and last_day < as_of
