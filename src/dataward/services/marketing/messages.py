"""Making a marketing message as it goes: the person judged again by the campaign's rules, now
(an objection, a withdrawal or an erasure since the campaign was sent withholds it), the
address read through the gate and the decision recorded, then the campaign's words with what
the law adds (`domain.marketing.message`) and a link to unsubscribe with a token of the
person's own (`domain.marketing.tokens`)."""

from __future__ import annotations

from dataward.domain.audit import AuditAction
from dataward.domain.errors import DatawardError, KeyUnavailable
from dataward.domain.marketing.campaign import terms_of
from dataward.domain.marketing.eligibility import CATEGORY, Eligibility
from dataward.domain.marketing.message import Wording, compose
from dataward.domain.marketing.tokens import Unsubscriber, make_token
from dataward.domain.outreach import Email, OutboundMessage, Withheld
from dataward.domain.processing.gate import DenialReason, Gate
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.marketing.audience import ADDRESS_KIND, marketing_facts
from dataward.services.outreach.ports import MessageMaker

TOKEN_SCOPE = ""
TOKEN_PURPOSE = "unsubscribe_link"  # noqa: S105 - a key derivation label, not a secret


def unsubscribe_key(ctx: UseCase) -> bytes:
    """The key unsubscribe tokens are signed with (derived from the key store's index key)."""
    return ctx.vault.record_key(TOKEN_SCOPE, TOKEN_PURPOSE)


def unsubscribe_url(ctx: UseCase, base_url: str, who: Unsubscriber) -> str:
    return f"{base_url.rstrip('/')}/u/{make_token(unsubscribe_key(ctx), who)}"


def marketing_maker(base_url: str) -> MessageMaker:
    """The maker of marketing messages, whose links start with `base_url` (the public URL)."""

    def make(ctx: UseCase, message: OutboundMessage) -> Email | Withheld:
        try:
            return _make(ctx, message, base_url)
        except KeyUnavailable:
            return Withheld(DenialReason.SUBJECT_ERASED.value)

    return make


def _make(ctx: UseCase, message: OutboundMessage, base_url: str) -> Email | Withheld:
    uow, vault, register, actor = ctx.uow, ctx.vault, ctx.register, ctx.actor
    with uow:
        campaign = uow.marketing.campaign(message.ref)
        subject = uow.subjects.get(message.subject_id)
        if campaign is None:
            return Withheld("campaign_gone")
        if subject is None or subject.erased:
            return Withheld(DenialReason.SUBJECT_ERASED.value)
        try:
            terms = terms_of(register, campaign)
        except DatawardError:
            return Withheld("not_in_register")
        rules = Eligibility(Gate(register), terms)
        question = rules.question(ctx.clock.now())
        address_kind = ADDRESS_KIND[campaign.channel]
        (facts,) = marketing_facts(ctx, [subject], address_kind)
        verdict = rules.judge(actor, facts, question)
        record(
            uow,
            ctx.clock,
            actor,
            Audited(
                AuditAction.GATE_DECISION,
                subject_ref=subject.id,
                purpose=campaign.purpose,
                decision=verdict.gate_reason.value if verdict.basis is None else "permitted",
                details={
                    "category": CATEGORY,
                    "role": actor.role,
                    "basis": verdict.basis.value if verdict.basis else None,
                    "excluded": verdict.exclusion.value if verdict.exclusion else None,
                    "campaign": str(campaign.id),
                },
            ),
        )
        stored = [s for s in uow.subjects.identifiers_of(subject.id) if s.type == address_kind]
        uow.commit()
    if verdict.basis is None or not stored:
        reason = verdict.exclusion.value if verdict.exclusion else "no_address"
        return Withheld(reason)
    address = vault.open(str(subject.id), stored[0].ciphertext)
    url = unsubscribe_url(ctx, base_url, Unsubscriber(subject.id, terms.sender.key))
    made = compose(
        terms.sender,
        Wording(campaign.channel, campaign.subject_line, campaign.body, verdict.basis),
        url,
    )
    return Email(address, made.sender, made.subject, made.body, made.headers)
