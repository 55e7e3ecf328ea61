"""The words every marketing message carries besides the campaign's own. Pure.

PECR reg 23: the sender is named and a valid address for opting out given, in every message.
Reg 22(3)(c): a message sent on the soft opt-in offers the refusal again. RFC 8058: an e-mail
carries `List-Unsubscribe` (the one-click link and a mailto) and `List-Unsubscribe-Post:
List-Unsubscribe=One-Click`, so a mail program can unsubscribe without a page. A text message
ends with a STOP instruction.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import formataddr
from urllib.parse import quote

from dataward.domain.marketing.eligibility import Basis
from dataward.domain.register.model import MarketingSender

WHY = {
    Basis.CONSENT: "you agreed to hear from {name} this way",
    Basis.SOFT_OPT_IN: (
        "you bought from us, or talked to us about buying, and did not say no to hearing "
        "about similar products"
    ),
    Basis.LEGITIMATE_INTERESTS: "you are one of our contacts and have not asked us to stop",
    Basis.CORPORATE_SUBSCRIBER: "you are a contact at an organisation we work with",
}


@dataclass(frozen=True, slots=True)
class Composed:
    sender: str
    subject: str
    body: str
    headers: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Wording:
    """A campaign's own words, the channel it goes on and the basis it goes on."""

    channel: str
    subject: str
    body: str
    basis: Basis


def compose(sender: MarketingSender, wording: Wording, unsubscribe_url: str) -> Composed:
    mailto = f"mailto:{sender.email}?subject={quote('unsubscribe')}"
    address = sender.address.one_line()
    why = WHY[wording.basis].format(name=sender.name)
    text = wording.body.rstrip("\n")
    if wording.channel == "sms":
        body = f"{text}\n{sender.name}: reply STOP to opt out, or {unsubscribe_url}"
        return Composed(sender.email, wording.subject, body, ())
    footer = (
        f"\n\n--\nThis message is from {sender.legal_name}, {address}.\n"
        f"You are receiving it because {why}.\n"
        f"To stop marketing from {sender.name}, follow {unsubscribe_url}\n"
        f"or write to {sender.email}. It is free, and changes nothing else we do for you.\n"
    )
    if wording.channel == "post":
        return Composed(sender.email, wording.subject, text + footer, ())
    headers = (
        ("List-Unsubscribe", f"<{unsubscribe_url}>, <{mailto}>"),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
    )
    return Composed(
        formataddr((sender.name, sender.email)), wording.subject, text + footer, headers
    )
