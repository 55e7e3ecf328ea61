"""A campaign's audience: every subject its purpose concerns, each judged by the gate and then
PECR's rules for the channel (`domain.marketing.eligibility`).

The candidates are our own live subjects of the purpose's subject kinds, streamed in id order
with their latest consent on the campaign's channel and their addresses' blind indexes; the
records few people have are read whole once, the suppression list a page at a time, and each
distinct set of facts is put to the rules once (`services.marketing.judging`). Nothing is
decrypted: a verdict needs no
identifier, and the list names subject ids and reasons only. Resolving is recorded in the audit
log as one entry with its counts; each message's address is read through the gate again, and
recorded, when the message goes (`services.marketing.messages`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from uuid import UUID

from dataward.domain.audit import AuditAction
from dataward.domain.identifiers import IdentifierType
from dataward.domain.marketing.campaign import Campaign
from dataward.domain.marketing.eligibility import (
    Basis,
    Exclusion,
    MarketingFacts,
)
from dataward.domain.processing.suppression import SUPPRESSIBLE, suppression_digest
from dataward.domain.subjects import Subject
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.marketing.campaigns import campaign_of
from dataward.services.marketing.judging import judge_audience
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
    included: list[tuple[str, Basis]] = field(default_factory=list)
    """(subject id, basis) of each person it may reach."""
    excluded: list[tuple[str, Exclusion]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counted = Counter(str(b.value) for _s, b in self.included)
        counted.update(f"excluded_{r.value}" for _s, r in self.excluded)
        return dict(sorted(counted.items()))


def marketing_facts(
    ctx: UseCase, subjects: Sequence[Subject], address: str
) -> list[MarketingFacts]:
    """Each subject's facts for a campaign reaching people at identifiers of type `address`,
    read person by person's records in one query per kind (the reference the fast audience is
    held to, and what a message, a preference, reads of one person)."""
    uow = ctx.uow
    wanted = sorted({address, *SUPPRESSIBLE_KINDS})
    ids = [str(s.id) for s in subjects]
    states = load_subject_states(uow, subjects, ctx.clock.now(), ctx.register)
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
        address = ADDRESS_KIND[read.terms.channel.key]
        for page in judge_audience(ctx, read.terms, address):
            for subject_id, verdict in page:
                if verdict.basis is not None:
                    audience.included.append((subject_id, verdict.basis))
                elif verdict.exclusion is not None:
                    audience.excluded.append((subject_id, verdict.exclusion))
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
