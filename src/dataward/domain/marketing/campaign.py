"""A marketing campaign: what it markets, for which purpose, from whom, on which channel, and
the words of its message. Pure.

A campaign names a marketing purpose of the register and the sender the register says sends
it; its channel must be one that purpose takes consent on. The message is plain text written
by staff, to which every message adds what the law requires and staff cannot leave out: who
sends it and from where (PECR reg 23), and how to stop it (the unsubscribe link, or STOP for a
text message; the soft opt-in needs the refusal offered in every message, reg 22(3)(c)).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from dataward.domain.bounds import check_printable, check_text
from dataward.domain.errors import InvalidValue, NotInRegister
from dataward.domain.register.model import MarketingChannel, MarketingSender, Purpose, Register

NAME_CHARS = 100
SUBJECT_CHARS = 150
TEMPLATE_CHARS = 20_000
SMS_CHARS = 459
"""Three concatenated text messages, less what the STOP line takes."""
CHANNELS = ("email", "sms", "post")


@dataclass(frozen=True, slots=True)
class CampaignDraft:
    name: str
    purpose: str
    channel: str
    sender: str
    template: str = field(repr=False)
    """The message text; for e-mail its first line may be `Subject: ...`."""
    product: str | None = None


@dataclass(frozen=True, slots=True)
class Campaign:
    id: UUID
    name: str
    purpose: str
    channel: str
    sender: str
    subject_line: str
    body: str = field(repr=False)
    product: str | None
    created_at: datetime
    created_by: str
    sent_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CampaignTerms:
    """What the register says of a campaign's purpose, sender and channel."""

    purpose: Purpose
    sender: MarketingSender
    channel: MarketingChannel
    consent_channel: str
    product: str | None


def terms_of(register: Register, campaign: Campaign | CampaignDraft) -> CampaignTerms:
    """The register's terms for a campaign (its purpose, sender, channel and product); a
    combination the register does not allow is refused, naming the field."""
    purpose, channel, sender = campaign.purpose, campaign.channel, campaign.sender
    if channel not in CHANNELS:
        raise InvalidValue("channel", "email, sms or post")
    try:
        found = register.purpose(purpose)
    except NotInRegister:
        raise InvalidValue("purpose", "a marketing purpose of the register") from None
    if not found.marketing:
        raise InvalidValue("purpose", "a marketing purpose of the register")
    try:
        who = register.marketing_sender(sender)
    except NotInRegister:
        known = ", ".join(s.key for s in register.marketing_senders)
        raise InvalidValue("sender", f"one of the register's senders: {known}") from None
    if found.key not in who.purposes:
        raise InvalidValue("sender", f"the sender of {found.key}'s messages")
    try:
        rule = register.marketing_channel(channel)
    except NotInRegister:
        raise InvalidValue("channel", "a marketing channel of the register") from None
    consent_channel = _consent_channel(found, channel)
    if campaign.product is not None and campaign.product not in who.products:
        raise InvalidValue("product", f"one of {who.key}'s products")
    return CampaignTerms(found, who, rule, consent_channel, campaign.product)


def _consent_channel(purpose: Purpose, channel: str) -> str:
    """The channel of the purpose's consent a message on `channel` rests on: that channel's
    own, or, for a purpose whose one consent names a company (Mondago's marketing), that
    consent, which covers its every channel."""
    if channel in purpose.consent_channels:
        return channel
    if len(purpose.consent_channels) == 1:
        return purpose.consent_channels[0]
    raise InvalidValue("channel", f"one of {purpose.key}'s channels")


def plan_campaign(register: Register, draft: CampaignDraft) -> tuple[CampaignTerms, str, str]:
    """Check a draft against the register: its terms, its subject line and its body."""
    check_text("name", draft.name, NAME_CHARS)
    check_printable("name", draft.name)
    if not draft.name.strip() or len(draft.name.splitlines()) > 1:
        raise InvalidValue("name", "a name for the campaign, on one line")
    terms = terms_of(register, draft)
    check_text("template", draft.template, TEMPLATE_CHARS)
    check_printable("template", draft.template)
    subject_line, body = split_template(draft.template, draft.name)
    if draft.channel == "sms" and len(body) > SMS_CHARS:
        raise InvalidValue("template", f"a text message of at most {SMS_CHARS} characters")
    if not body.strip():
        raise InvalidValue("template", "the words of the message")
    return terms, subject_line, body


def split_template(template: str, name: str) -> tuple[str, str]:
    """(subject line, body): the first line `Subject: ...` gives the subject, else the
    campaign's name does."""
    text = template.replace("\r\n", "\n")
    first, _, rest = text.partition("\n")
    if first.lower().startswith("subject:"):
        subject = first.split(":", 1)[1].strip()
        if "\t" in subject or not subject or len(subject.splitlines()) > 1:
            raise InvalidValue("template", "a subject line of one line of text")
        check_text("subject line", subject, SUBJECT_CHARS)
        return subject, rest.lstrip("\n")
    return name.strip()[:SUBJECT_CHARS], text
