"""Marketing preferences by a signed link: what reaches the person, sender by sender and channel
by channel (on their consent, or on a basis that needs none: the soft opt-in, our post on
legitimate interests, a corporate subscriber's address), and changing it; each change is an
event in the consent ledger (method `portal`, the notice in force, the link as evidence),
effective at once. Turning off a choice marketing reaches them on without consent records a
withdrawal all the same: the gate stops every basis of a channel whose consent was withdrawn.

The link is the one in every marketing message (`domain.marketing.tokens`); it names the person
and nothing else is needed. A person who objected to direct marketing, or whose address is on
the suppression list, can withdraw but not opt in again here: the objection stands (Art. 21(3))
until they tell us otherwise through the DCO, and nobody suppressed is added for marketing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from dataward.domain.audit import AuditAction
from dataward.domain.errors import ConsentRefused, NotFound
from dataward.domain.marketing.campaign import CampaignDraft, terms_of
from dataward.domain.marketing.eligibility import Basis, Eligibility
from dataward.domain.processing.consent import (
    ConsentDraft,
    ConsentMethod,
    ConsentState,
    consent_given,
    consent_withdrawn,
    current_consents,
)
from dataward.domain.processing.gate import Gate
from dataward.domain.processing.restrictions import ObjectionKind
from dataward.domain.register.model import MarketingSender
from dataward.domain.subjects import Actor, Subject
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.marketing.audience import ADDRESS_KIND, marketing_facts
from dataward.services.marketing.unsubscribe import LINK, read_link
from dataward.services.processing.suppression import subject_suppressed_kinds

EVIDENCE = "preferences-link"
GPC_EVIDENCE = "preferences-link:gpc"
"""The evidence of a withdrawal that Global Privacy Control, sent by the person's browser on
their own preferences page, made."""


@dataclass(frozen=True, slots=True)
class Choice:
    sender: str
    """The sender's name."""
    purpose: str
    channel: str
    channel_name: str
    state: str
    """given, withdrawn or not_given: what the consent ledger says."""
    without_consent: str | None = None
    """The basis the person is marketed on here without consent (the soft opt-in, our
    legitimate interests, a corporate subscriber's address), if any."""
    third_party: bool = False
    """Sharing the person's data with another company for its own marketing."""

    @property
    def on(self) -> bool:
        """Whether marketing reaches the person here now, on consent or on another basis."""
        return self.state == ConsentState.GIVEN.value or self.without_consent is not None


@dataclass(frozen=True, slots=True)
class Preferences:
    choices: tuple[Choice, ...]
    objected: bool
    suppressed: bool

    @property
    def may_opt_in(self) -> bool:
        return not (self.objected or self.suppressed)


def preferences_of(ctx: UseCase, token: str) -> Preferences:
    who = read_link(ctx, token)
    with ctx.uow:
        subject = _live(ctx, who.subject_id)
        found = _preferences(ctx, subject)
        ctx.uow.commit()
    return found


def change_preferences(
    ctx: UseCase, token: str, wanted: Mapping[tuple[str, str], bool], *, gpc: bool = False
) -> int:
    """Record each choice that differs from where it stands; how many changed. Choices the
    person may not make here (not a purpose of theirs, opting in while objected, or, with
    Global Privacy Control sent (`gpc`), to share with another company for its marketing) are
    refused."""
    who = read_link(ctx, token)
    uow, clock, register = ctx.uow, ctx.clock, ctx.register
    now = clock.now()
    changed = 0
    with uow:
        subject = _live(ctx, who.subject_id)
        current = _preferences(ctx, subject)
        offered = {(c.purpose, c.channel): c.state for c in current.choices}
        choices = {(c.purpose, c.channel): c for c in current.choices}
        for (purpose, channel), given in sorted(wanted.items()):
            state = offered.get((purpose, channel))
            if state is None:
                raise ConsentRefused(purpose, channel, "not a choice offered to you")
            choice = choices[(purpose, channel)]
            if given == choice.on:  # as it stands: nothing to record
                continue
            if given and state == ConsentState.GIVEN.value:
                continue
            if given and gpc and choice.third_party:
                raise ConsentRefused(purpose, channel, "refused by Global Privacy Control")
            draft = ConsentDraft(
                subject.id,
                purpose,
                channel,
                ConsentMethod.PORTAL,
                register.policy.version,
                now,
                GPC_EVIDENCE if gpc and choice.third_party else EVIDENCE,
            )
            if given:
                if not current.may_opt_in:
                    raise ConsentRefused(purpose, channel, "you objected to direct marketing")
                uow.consents.add(consent_given(register, draft))
            else:
                for event in consent_withdrawn(register, draft):
                    uow.consents.add(event)
            changed += 1
            record(
                uow,
                clock,
                LINK,
                Audited(
                    AuditAction.CONSENT_RECORDED if given else AuditAction.CONSENT_WITHDRAWN,
                    subject_ref=subject.id,
                    purpose=purpose,
                    decision="given" if given else "withdrawn",
                    details={
                        "channel": channel,
                        "method": ConsentMethod.PORTAL.value,
                        **({"signal": "gpc"} if gpc and choice.third_party else {}),
                    },
                ),
            )
        uow.commit()
    return changed


def honour_gpc(ctx: UseCase, token: str) -> int:
    """Global Privacy Control, sent by the browser of the person whose preferences link this
    is: a refusal of any sharing of their data for another company's marketing. Each such
    choice that is on is withdrawn in the consent ledger, audited with the signal named; one
    that is off stays off (no consent, no sharing), and `change_preferences` refuses to turn
    it on while the signal is sent. How many were withdrawn."""
    found = preferences_of(ctx, token)
    wanted = {(c.purpose, c.channel): False for c in found.choices if c.third_party and c.on}
    return change_preferences(ctx, token, wanted, gpc=True) if wanted else 0


def _without_consent(
    ctx: UseCase, subject: Subject, sender: MarketingSender, choice: tuple[str, str]
) -> str | None:
    """The basis other than consent the person is marketed on for this choice now, judged as
    a campaign of the sender's on that channel would judge them (about one of its own products,
    the soft opt-in's condition), or None."""
    purpose, channel = choice
    if sender.third_party or channel not in ADDRESS_KIND:
        return None  # another company's marketing rests on consent alone
    role = next((r for r in ctx.register.staff_roles if purpose in r.purposes), None)
    if role is None:
        return None
    product = sender.products[0] if sender.products else None
    terms = terms_of(ctx.register, CampaignDraft("", purpose, channel, sender.key, "", product))
    rules = Eligibility(Gate(ctx.register), terms)
    address = ADDRESS_KIND[channel]
    (facts,) = marketing_facts(ctx, [subject], address)
    actor = Actor(id=LINK.id, role=role.key)
    verdict = rules.judge(actor, facts, rules.question(ctx.clock.now()))
    basis = verdict.basis
    return None if basis is None or basis is Basis.CONSENT else basis.value


def _live(ctx: UseCase, subject_id: object) -> Subject:
    subject = ctx.uow.subjects.get(str(subject_id))
    if subject is None or subject.erased:
        raise NotFound("unsubscribe link", "token")
    return subject


def _preferences(ctx: UseCase, subject: Subject) -> Preferences:
    uow, register, now = ctx.uow, ctx.register, ctx.clock.now()
    states = current_consents(uow.consents.events_for(subject.id), as_of=now)
    names = {c.key: c.name for c in register.marketing_channels}
    choices = []
    for sender in register.marketing_senders:
        for key in sender.purposes:
            purpose = register.purpose(key)
            if subject.kind not in purpose.subject_kinds:
                continue
            for channel in purpose.consent_channels:
                state = states.get((key, channel))
                choices.append(
                    Choice(
                        sender.name,
                        key,
                        channel,
                        names.get(channel, channel),
                        state.value if state else "not_given",
                        _without_consent(ctx, subject, sender, (key, channel)),
                        sender.third_party,
                    )
                )
    objected = any(
        o.kind is ObjectionKind.DIRECT_MARKETING and o.upheld_at(now)
        for o in uow.objections.for_subject(subject.id)
    )
    suppressed = bool(subject_suppressed_kinds(uow, subject))
    return Preferences(tuple(choices), objected, suppressed)
