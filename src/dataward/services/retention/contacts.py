"""Our own subjects of the kinds no customer record covers (marketing contacts and website
visitors in the shipped register), crypto-shredded once nothing of theirs is left.

Deleting a subject's last record must not leave its identity behind: a marketing contact whose
consent ledgers the consent sweep deleted would otherwise keep its e-mail address sealed in the
vault for ever. So a contact goes (shredded as `shredding` shreds: every store's unlink step, a
tombstone with the reason `no_longer_needed`, its key destroyed) once
- no store holds a record of it (every table of the unlink plan: consent events, rights
  requests open or closed, restrictions, objections, litigation and erasure holds, download
  links, calls, quarantined lines that could name it, a tenant naming it as its contact): a
  contact with a record is kept by it, and waits;
- the longest `last_interaction` term of the rules of its kind's purposes has run from the UK
  day we came to hold it (`created_at`, the only interaction date left once its records are
  gone): kept through the term's last day, gone the day after (`domain.retention.contacts`); a
  kind whose rules have no such term is dated by their longest `collection` term instead;
- no hold keeps it (an active litigation hold, a restriction that keeps the data, an open
  rights request): the plan lists a held one whose day has come. Here every hold keeps, not
  only the kinds the rule names (`domain.retention.holds`), and not by choice: a hold is itself
  a record of its subject (a litigation hold's row, a restriction, an open request), kept with
  it, so the first condition keeps the contact as long as the hold is there whatever its kind.
  The plan lists such a contact as held, with its holds, which says why more plainly.

The sweep runs it after every other store (the consent ledgers and the closed requests first),
so a contact whose last record went in this sweep goes in it too. Each batch, in its own
transaction, holds new holds back, locks its subjects' rows, and reads their records, holds and
days again (`still_due`): a consent given, a request made or a hold placed since the plan keeps
the subject. The items are subjects; the digest is over their UUIDs' bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from dataward.domain.clock import Clock
from dataward.domain.register.model import Register
from dataward.domain.retention.contacts import KindRule, contact_kinds, is_due, kind_rule
from dataward.domain.retention.sweeps import HeldItem, PlanLine, SweepRecord, SweepStore, Target
from dataward.domain.subjects import Subject
from dataward.services.calls.parties import CALLER_KIND
from dataward.services.context import UseCase
from dataward.services.ports import UnitOfWork
from dataward.services.retention.customers import customer_records
from dataward.services.retention.evidence import begin, finish
from dataward.services.retention.ports import OwnContact
from dataward.services.retention.shredding import StillDue, shred_in_batches

NO_RULE = "none"
"""The target's rule when no kind has a term to date: every contact waits."""
KEPT_BY_RECORDS = "records of theirs still kept"
NO_TERM = "no last-interaction or collection term in their kind's rules"


@dataclass(frozen=True, slots=True)
class ContactRecords:
    """Each contact kind's rule, and the target of a day."""

    rules: Mapping[str, KindRule]
    target: Target

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self.rules)


def contact_records(register: Register, as_of: date) -> ContactRecords:
    """The kinds: our own that the customer-records rule does not cover, never a tenant's
    callers. The target names the rule of the term that keeps longest from `as_of`, and every
    kind's longest term (for the shipped register: usage analytics' P26M from collection, a
    website visitor's; marketing preferences' P2Y from the last interaction, a marketing
    contact's)."""
    kinds = contact_kinds(register, customer_records(register, as_of).kinds) - {CALLER_KIND}
    rules = {kind: kind_rule(register, kind) for kind in sorted(kinds)}
    terms = [term for rule in rules.values() if (term := rule.longest(as_of)) is not None]
    key = max(terms, key=lambda term: term.end(as_of)).rule if terms else NO_RULE
    period = "; ".join(sorted({f"{term.duration} {term.event}" for term in terms}))
    target = Target(key, SweepStore.CONTACTS, None, as_of, period or NO_RULE, as_of)
    return ContactRecords(rules, target)


@dataclass(frozen=True, slots=True)
class Sorted:
    due: list[OwnContact]
    """Unheld, with no record, past their day."""
    held: list[tuple[OwnContact, tuple[str, ...]]]
    """Past their day, but a hold keeps them (its own record keeps them too)."""
    kept_by_records: int
    no_term: dict[str, int]
    """How many wait, by kind, for want of a term to date."""

    @property
    def waiting(self) -> int:
        return self.kept_by_records + sum(self.no_term.values())

    @property
    def waiting_for(self) -> str:
        reasons = [f"{KEPT_BY_RECORDS} ({self.kept_by_records})"] if self.kept_by_records else []
        reasons += [f"{NO_TERM}: {kind} ({n})" for kind, n in sorted(self.no_term.items())]
        return "; ".join(reasons)


def sort_out(
    uow: UnitOfWork, records: ContactRecords, now: datetime, among: Sequence[str] | None = None
) -> Sorted:
    """The contacts (all, or `among`) that are due, those a hold keeps, and how many wait."""
    come: list[OwnContact] = []
    kept_by_records = 0
    no_term: dict[str, int] = {}
    for contact in uow.retention.own_contacts(records.kinds, among):
        last_day = records.rules[contact.kind].last_day_kept(contact.created_at)
        if last_day is None:
            no_term[contact.kind] = no_term.get(contact.kind, 0) + 1
        elif is_due(last_day, records.target.as_of):
            come.append(contact)
        elif contact.has_records:
            kept_by_records += 1
    holds = uow.retention.holds_on([contact.id for contact in come], now)
    held = [(c, tuple(sorted(holds[c.id]))) for c in come if holds.get(c.id)]
    kept_by_records += sum(1 for c in come if c.has_records and not holds.get(c.id))
    due = [c for c in come if not c.has_records and not holds.get(c.id)]
    return Sorted(due, held, kept_by_records, no_term)


def plan_line(uow: UnitOfWork, records: ContactRecords, now: datetime) -> PlanLine:
    found = sort_out(uow, records, now)
    held = tuple(HeldItem(contact.id, holds, 1) for contact, holds in found.held)
    return PlanLine(
        records.target,
        len(found.due),
        _oldest(found.due),
        held,
        found.waiting,
        found.waiting_for,
    )


def sweep_contacts(ctx: UseCase, day: date, size: int) -> SweepRecord:
    """Shred the contacts due on `day`, `size` to a transaction; the record, closed with its
    audit entry (its held count: those a hold keeps past their day)."""
    records = contact_records(ctx.register, day)
    sweep = begin(ctx, records.target)
    with ctx.uow as uow:
        due = sort_out(uow, records, ctx.clock.now()).due
    sweep = shred_in_batches(ctx, sweep, [c.id for c in due], still_due(records, ctx.clock), size)
    with ctx.uow as uow:
        held = len(sort_out(uow, records, ctx.clock.now()).held)
    return finish(ctx, sweep, held)


def still_due(records: ContactRecords, clock: Clock) -> StillDue:
    """Of a batch, the contacts still due, read again in the batch's transaction with new holds
    held back and the subjects' rows locked: a record or a hold added since they were listed
    keeps its subject."""

    def check(uow: UnitOfWork, ids: list[str]) -> list[Subject]:
        uow.retention.freeze_holds()
        uow.retention.lock_subjects(ids)
        again = sort_out(uow, records, clock.now(), among=ids).due
        found = uow.subjects.get_many([contact.id for contact in again])
        return [s for s in found.values() if not s.erased and s.tenant_id is None]

    return check


def _oldest(due: Sequence[OwnContact]) -> date | None:
    """The day the oldest due contact was made, as the sweep's record will say it (the UTC
    day, as `shredding` dates the subjects it erases)."""
    return min((c.created_at.astimezone(UTC).date() for c in due), default=None)
