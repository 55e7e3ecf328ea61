"""A campaign's audience: every subject its purpose concerns, each judged by the gate and then
PECR's rules for the channel (`domain.marketing.eligibility`).

The candidates are our own live subjects of the purpose's subject kinds, read a page at a time
in id order; for each page what the rules need is read in one query per kind of record (the
gate's state, the soft opt-ins and corporate records, the addresses' blind indexes, the
suppression list), however many people it holds. Nothing is decrypted: a verdict needs no
identifier, and the list names subject ids and reasons only. Resolving is recorded in the audit
log as one entry with its counts; each message's address is read through the gate again, and
recorded, when the message goes (`services.marketing.messages`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from uuid import UUID

from dataward.domain.audit import AuditAction
from dataward.domain.identifiers import IdentifierType
from dataward.domain.marketing.campaign import Campaign, CampaignTerms
from dataward.domain.marketing.eligibility import (
    Basis,
    Eligibility,
    Exclusion,
    MarketingFacts,
    Verdict,
)
from dataward.domain.processing.gate import Gate
from dataward.domain.processing.suppression import SUPPRESSIBLE, suppression_digest
from dataward.domain.subjects import Subject
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.marketing.campaigns import campaign_of
from dataward.services.marketing.ports import CORPORATE_SUBSCRIBER, SOFT_OPT_IN
from dataward.services.processing.gate import load_subject_states

PAGE = 2000
ADDRESS_KIND = {
    "email": IdentifierType.EMAIL.value,
    "sms": IdentifierType.PHONE.value,
    "post": IdentifierType.POSTAL_ADDRESS.value,
}
"""The identifier each channel reaches a person at."""
SUPPRESSIBLE_KINDS = sorted(k.value for k in SUPPRESSIBLE)


@dataclass(frozen=True, slots=True)
class Audience:
    campaign: Campaign
    included: list[tuple[UUID, Basis]] = field(default_factory=list)
    excluded: list[tuple[UUID, Exclusion]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counted = Counter(str(b.value) for _s, b in self.included)
        counted.update(f"excluded_{r.value}" for _s, r in self.excluded)
        return dict(sorted(counted.items()))


def judged(
    ctx: UseCase, terms: CampaignTerms, page: int = PAGE
) -> Iterator[list[tuple[Subject, Verdict]]]:
    """Every candidate of the campaign's terms with its verdict, a page at a time (call inside
    the unit of work)."""
    uow, actor = ctx.uow, ctx.actor
    rules = Eligibility(Gate(ctx.register), terms)
    question = rules.question(ctx.clock.now())
    kinds = terms.purpose.subject_kinds
    address = ADDRESS_KIND[terms.channel.key]
    wanted = sorted({address, *SUPPRESSIBLE_KINDS})
    after = ""
    while True:
        subjects = uow.marketing.candidates(kinds, after, page)
        if not subjects:
            return
        after = str(subjects[-1].id)
        facts = marketing_facts(ctx, subjects, wanted, address)
        yield [(fact.state.subject, rules.judge(actor, fact, question)) for fact in facts]


def marketing_facts(
    ctx: UseCase, subjects: Sequence[Subject], wanted: list[str], address: str
) -> list[MarketingFacts]:
    uow = ctx.uow
    ids = [str(s.id) for s in subjects]
    states = load_subject_states(uow, subjects, ctx.clock.now())
    bases = uow.marketing.bases_of_many(ids)
    indexes = uow.marketing.indexes_of_many(ids, wanted)
    digests = {
        key: [
            suppression_digest(kind, index) for kind, index in found if kind in SUPPRESSIBLE_KINDS
        ]
        for key, found in indexes.items()
    }
    every = [d for found in digests.values() for d in found]
    suppressed = uow.suppressions.suppressed(every) if every else set()
    facts = []
    for state in states:
        key = str(state.subject.id)
        recorded = bases.get(key, ())
        facts.append(
            MarketingFacts(
                state,
                suppressed=any(d in suppressed for d in digests.get(key, ())),
                soft_opt_in_senders=frozenset(
                    b.sender for b in recorded if b.kind == SOFT_OPT_IN and b.sender
                ),
                corporate=any(b.kind == CORPORATE_SUBSCRIBER for b in recorded),
                has_address=any(kind == address for kind, _i in indexes.get(key, ())),
            )
        )
    return facts


def resolve_audience(ctx: UseCase, campaign_id: UUID | str) -> Audience:
    """Who may receive the campaign, on which basis, and who not, with one reason each."""
    read = campaign_of(ctx, campaign_id)
    audience = Audience(read.campaign)
    uow = ctx.uow
    with uow:
        for page in judged(ctx, read.terms):
            for subject, verdict in page:
                if verdict.basis is not None:
                    audience.included.append((subject.id, verdict.basis))
                elif verdict.exclusion is not None:
                    audience.excluded.append((subject.id, verdict.exclusion))
        record(
            uow,
            ctx.clock,
            ctx.actor,
            Audited(
                AuditAction.CAMPAIGN_AUDIENCE_RESOLVED,
                purpose=read.campaign.purpose,
                details={"campaign": str(read.campaign.id), **audience.counts()},
            ),
        )
        uow.commit()
    return audience
