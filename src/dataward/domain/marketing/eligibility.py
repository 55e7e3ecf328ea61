"""Who may receive a campaign: the gate, then PECR's rules for the channel. Pure.

The gate decides first, as for every use of personal data (purpose, need-to-know, erasure,
holds, restriction, objection, a child, consent on the campaign's channel). Where its only
objection is that no consent was given, PECR and the register may still allow the message:

- a channel the register bases on legitimate interests (post, for our own marketing);
- a corporate subscriber (a customer contact at a company's address, recorded as such) on a
  channel whose register rule for corporate subscribers is legitimate interests;
- the soft opt-in (PECR reg 22(3)): details obtained in a sale or negotiation, the chance to
  refuse given then (both recorded with their evidence), the sender's own similar products
  (the campaign names one of the sender's products), on a channel that allows it.

None of these serves another company's marketing (a `third_party` sender such as Mondago):
that needs consent naming it. An objection, a withdrawal (the latest consent event on the
channel) or a restriction stops every basis, and so does the marketing suppression list, which
is checked for every basis: an address suppressed is never marketed to again. Each person left
out is given one reason from a closed set, never anything that identifies them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from dataward.domain.marketing.campaign import CampaignTerms
from dataward.domain.processing.gate import DenialReason, Gate, Question, SubjectState
from dataward.domain.register.model import LawfulBasis
from dataward.domain.subjects import Actor

CATEGORY = "contact"
"""The category a marketing message uses: the address it goes to."""
CORPORATE_KIND = "customer_contact"


class ObtainedIn(StrEnum):
    """Where the details a soft opt-in rests on were obtained (PECR reg 22(3)(a))."""

    SALE = "sale"
    NEGOTIATION = "negotiation"


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    POST = "post"


class Basis(StrEnum):
    CONSENT = "consent"
    SOFT_OPT_IN = "soft_opt_in"
    LEGITIMATE_INTERESTS = "legitimate_interests"
    CORPORATE_SUBSCRIBER = "corporate_subscriber"


class Exclusion(StrEnum):
    NO_CONSENT = "no_consent"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    OBJECTION = "objection"
    SUPPRESSED = "suppressed"
    RESTRICTED = "restricted"
    CHILD = "child"
    SOFT_OPT_IN_NOT_VALID = "soft_opt_in_not_valid"
    ERASURE_HELD = "erasure_held"
    NO_ADDRESS = "no_address"
    NOTICE_PENDING = "notice_pending"
    NOT_PERMITTED = "not_permitted"


EXCLUSION_WORDS = {
    Exclusion.NO_CONSENT: "no consent for this sender and channel",
    Exclusion.CONSENT_WITHDRAWN: "consent withdrawn",
    Exclusion.OBJECTION: "objected to direct marketing",
    Exclusion.SUPPRESSED: "on the marketing suppression list",
    Exclusion.RESTRICTED: "processing restricted",
    Exclusion.CHILD: "under the minimum age",
    Exclusion.SOFT_OPT_IN_NOT_VALID: "soft opt-in not valid for this sender or product",
    Exclusion.ERASURE_HELD: "kept only for a legal hold",
    Exclusion.NO_ADDRESS: "no address for this channel",
    Exclusion.NOTICE_PENDING: "not yet told of this use (a change of purpose)",
    Exclusion.NOT_PERMITTED: "not permitted for this purpose",
}

_FROM_GATE = {
    DenialReason.CONSENT_WITHDRAWN: Exclusion.CONSENT_WITHDRAWN,
    DenialReason.OBJECTION_UPHELD: Exclusion.OBJECTION,
    DenialReason.PROCESSING_RESTRICTED: Exclusion.RESTRICTED,
    DenialReason.SUBJECT_IS_CHILD: Exclusion.CHILD,
    DenialReason.ERASURE_HELD: Exclusion.ERASURE_HELD,
    DenialReason.NOTICE_PENDING: Exclusion.NOTICE_PENDING,
}


@dataclass(frozen=True, slots=True)
class MarketingFacts:
    """What is known of one person for one campaign, beyond the gate's state."""

    state: SubjectState
    suppressed: bool = False
    soft_opt_in_senders: frozenset[str] = frozenset()
    corporate: bool = False
    has_address: bool = True


@dataclass(frozen=True, slots=True)
class Verdict:
    basis: Basis | None
    exclusion: Exclusion | None
    gate_reason: DenialReason

    @property
    def allowed(self) -> bool:
        return self.basis is not None


class Eligibility:
    """The rules for one campaign, precomputed; `judge` decides one person without I/O."""

    def __init__(self, gate: Gate, terms: CampaignTerms) -> None:
        self._gate, self._terms = gate, terms
        sender, channel = terms.sender, terms.channel
        own = not sender.third_party
        self._by_interests = own and channel.basis is LawfulBasis.LEGITIMATE_INTERESTS
        self._corporate = own and channel.corporate_subscribers is LawfulBasis.LEGITIMATE_INTERESTS
        self._soft = own and sender.soft_opt_in and channel.soft_opt_in
        self._soft_product = terms.product is not None and terms.product in sender.products

    def question(self, at: datetime) -> Question:
        terms = self._terms
        return Question(
            CATEGORY, terms.purpose.key, at, channel=terms.consent_channel, decrypt=True
        )

    def judge(self, actor: Actor, facts: MarketingFacts, question: Question) -> Verdict:
        decision = self._gate.authorize(actor, facts.state, question)
        reason = decision.reason
        if not decision.allowed and reason is not DenialReason.NO_CONSENT:
            return Verdict(None, _FROM_GATE.get(reason, Exclusion.NOT_PERMITTED), reason)
        if facts.suppressed:
            return Verdict(None, Exclusion.SUPPRESSED, reason)
        basis = Basis.CONSENT if decision.allowed else self._without_consent(facts)
        if isinstance(basis, Exclusion):
            return Verdict(None, basis, reason)
        if not facts.has_address:
            return Verdict(None, Exclusion.NO_ADDRESS, reason)
        return Verdict(basis, None, reason)

    def _without_consent(self, facts: MarketingFacts) -> Basis | Exclusion:
        """The basis PECR leaves when no consent was given, or why there is none (see the
        module); the reason for a third party's marketing is always the missing consent, or a
        soft opt-in that cannot serve it."""
        if self._by_interests:
            return Basis.LEGITIMATE_INTERESTS
        if self._corporate and facts.corporate and facts.state.subject.kind == CORPORATE_KIND:
            return Basis.CORPORATE_SUBSCRIBER
        senders = facts.soft_opt_in_senders
        if self._soft and self._soft_product and self._terms.sender.key in senders:
            return Basis.SOFT_OPT_IN
        return Exclusion.SOFT_OPT_IN_NOT_VALID if senders else Exclusion.NO_CONSENT
