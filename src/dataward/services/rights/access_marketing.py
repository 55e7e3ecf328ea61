"""The access package's account of the marketing a person was sent and what it rested on.

Each campaign message queued to them (when, from whom, by which channel, about what, and on
which basis: their consent, the soft opt-in, our legitimate interests, a corporate subscriber's
address), and each basis for marketing without consent we recorded (the soft opt-in, with
where and when the details were obtained; a corporate subscriber's record). Art. 15(1)(a)
and (c): what we did with their data and why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from uuid import UUID

from dataward.domain.marketing.campaign import Campaign
from dataward.domain.register.model import Register
from dataward.domain.requests.package import Dataset
from dataward.services.context import UseCase
from dataward.services.marketing.ports import MarketingBasis, Send


def marketing_datasets(ctx: UseCase, subject_id: UUID) -> tuple[Dataset, Dataset]:
    """The marketing sent to the person and the bases it rests on (inside the unit of work)."""
    uow, register = ctx.uow, ctx.register
    sends = uow.marketing.sends_of(subject_id)
    campaigns = {
        found.id: found
        for found in (uow.marketing.campaign(c) for c in {s.campaign_id for s in sends})
        if found is not None
    }
    bases = uow.marketing.bases_of_many([str(subject_id)]).get(str(subject_id), [])
    return marketing_dataset(register, sends, campaigns), marketing_bases_dataset(register, bases)


def marketing_dataset(
    register: Register, sends: Sequence[Send], campaigns: Mapping[UUID, Campaign]
) -> Dataset:
    senders = {s.key: s.name for s in register.marketing_senders}
    rows = []
    for send in sorted(sends, key=lambda s: (s.queued_at, str(s.campaign_id))):
        campaign = campaigns.get(send.campaign_id)
        rows.append(
            (
                send.queued_at.isoformat(),
                senders.get(campaign.sender, campaign.sender) if campaign else "",
                campaign.channel if campaign else "",
                campaign.subject_line if campaign else "",
                send.basis.replace("_", " "),
                str(send.campaign_id),
            )
        )
    return Dataset(
        "marketing",
        "The marketing we sent you: when, from whom, how, about what, and what it rested on",
        ("at", "sender", "channel", "subject", "basis", "campaign"),
        tuple(rows),
    )


def marketing_bases_dataset(register: Register, bases: Sequence[MarketingBasis]) -> Dataset:
    senders = {s.key: s.name for s in register.marketing_senders}
    return Dataset(
        "marketing_bases",
        "What we market to you on without your consent, and the evidence we keep of it",
        ("kind", "sender", "obtained_in", "obtained_on", "evidence", "recorded_at"),
        tuple(
            (
                b.kind.replace("_", " "),
                senders.get(b.sender, b.sender) if b.sender else "",
                b.obtained_in or "",
                b.obtained_on.isoformat() if b.obtained_on else "",
                b.evidence_ref,
                b.recorded_at.isoformat(),
            )
            for b in sorted(bases, key=lambda b: b.recorded_at)
        ),
    )
