"""The gate: may this actor use this category of this subject's data for this purpose, now?

Every read or use of personal data puts a `Question` (this category, for this purpose, at this
moment) to `Gate.authorize` and gets a `Decision`: allowed or not, one reason from a closed set,
and the lawful basis relied on. The checks run in this order, and the first that fails gives
the reason:

1. unregistered purpose      the purpose is not in the register
2. category not in purpose   the register does not list the category under the purpose
3. role lacks need-to-know   the actor's register role lists neither the purpose and the
                             category (both are needed), or decrypting is asked of a role that
                             may not decrypt identifiers; an unknown role knows nothing
4. tenant mismatch           own_tenant roles see only their tenant's subjects; roles without
                             tenant scope see no tenant's (processor) data; all_tenants see all
5. subject erased            nothing is left to process
6. erasure held              the subject's erasure is kept partial by a legal hold, or waits
                             for a litigation hold to be lifted, and the purpose is neither
                             one the hold exists for nor storage
                             (`domain.processing.legal_hold.purposes_under_hold`)
7. processing restricted     an active restriction covers the category, and the purpose is not
                             one the register allows under restriction (storage, legal claims)
8. objection upheld          an upheld objection to this purpose, or any objection to direct
                             marketing when the purpose is marketing
9. notice pending        the purpose was added or materially changed by a register version
                             after the subject came to us, and the subject has not been sent
                             that version's notice (or a later one), nor has the DCO assessed
                             the new use compatible (Art. 6(4), 13(3)); processor purposes and
                             uses the law requires are never held
                             (`domain.processing.purpose_notice`)
10. subject is a child        a consent-based purpose, or a marketing purpose (the register's
                             `marketing: true`: ours, a third party's, a partner's such as
                             Mondago's) whatever its lawful basis, and a subject under the
                             register's minimum age on the UK date of `at`; the decision carries
                             a flag for the DCO. A subject whose birth date is not known is not
                             treated as a child: the register's policy is that we do not
                             knowingly collect children's data, and our marketing is to business
                             contacts; a birth date recorded later (or on creation) decides
11. no consent / consent withdrawn
                             a consent-based purpose: with a channel, that channel's consent;
                             without, any channel of the purpose currently given. Withdrawn when
                             the latest of the relevant channels is a withdrawal and none is given
12. permitted

Who may know what is decided before anything about the subject (checks 1-4 need no state), so a
caller without need-to-know learns nothing from the reason. Processor purposes have no lawful
basis of ours (the tenant, as controller, sets it): their decisions carry `lawful_basis` None.

`Gate(register)` precomputes every lookup once, and every permitted answer; a decision is then
a few dictionary and set look-ups, with no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from dataward.domain.processing.consent import ConsentKey, ConsentState
from dataward.domain.processing.legal_hold import (
    LITIGATION_GROUND,
    TAX_GROUND,
    ErasureHold,
    purposes_under_hold,
)
from dataward.domain.processing.restrictions import Objection, ObjectionKind, Restriction
from dataward.domain.register.model import LawfulBasis, Register, StaffRoleScope
from dataward.domain.requests.workflow import uk_date
from dataward.domain.subjects import Actor, Subject, SubjectStatus, age_on


class DenialReason(StrEnum):
    """Why the gate decided as it did: the closed set, plus PERMITTED for a yes."""

    PERMITTED = "permitted"
    UNREGISTERED_PURPOSE = "unregistered_purpose"
    CATEGORY_NOT_IN_PURPOSE = "category_not_in_purpose"
    NO_CONSENT = "no_consent"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    OBJECTION_UPHELD = "objection_upheld"
    PROCESSING_RESTRICTED = "processing_restricted"
    TENANT_MISMATCH = "tenant_mismatch"
    ROLE_LACKS_NEED_TO_KNOW = "role_lacks_need_to_know"
    SUBJECT_IS_CHILD = "subject_is_child"
    SUBJECT_ERASED = "subject_erased"
    ERASURE_HELD = "erasure_held"
    NOTICE_PENDING = "notice_pending"


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    reason: DenialReason
    lawful_basis: LawfulBasis | None
    purpose: str
    category: str
    flag_for_dco: str | None = None


@dataclass(frozen=True, slots=True)
class Question:
    """What is asked of the gate: may this category be used for this purpose at `at`?

    `channel` narrows a consent check to one marketing channel; `decrypt` asks for
    identifiers in plain text, which needs a role that may decrypt.
    """

    category: str
    purpose: str
    at: datetime
    channel: str | None = None
    decrypt: bool = False


@dataclass(frozen=True, slots=True)
class SubjectState:
    """What the gate knows of a subject at a moment: no identifiers, only the facts it needs."""

    subject: Subject
    restrictions: tuple[Restriction, ...] = ()
    objections: tuple[Objection, ...] = ()
    consents: Mapping[ConsentKey, ConsentState] = field(default_factory=dict)
    erasure_hold: ErasureHold | None = None
    """Set when the subject's erasure is kept partial by a legal hold."""
    unnoticed: frozenset[str] = frozenset()
    """The purposes a change of the register made that this subject has not been told of
    (`domain.processing.purpose_notice.NoticeState.unnoticed`)."""


@dataclass(frozen=True, slots=True)
class _PurposeRule:
    key: str
    categories: frozenset[str]
    basis: LawfulBasis | None
    consent: bool
    marketing: bool
    age_limited: bool
    """Refused for a child: a consent-based or a marketing purpose."""
    allowed_under_restriction: bool
    consent_keys: tuple[ConsentKey, ...]


@dataclass(frozen=True, slots=True)
class _RoleRule:
    scope: StaffRoleScope
    decrypt: bool


def child_flag(minimum_age: int) -> str:
    """The flag the DCO sees on a subject under the minimum age."""
    return f"under the minimum age of {minimum_age}: consent-based processing and marketing refused"


class Gate:
    """The register's rules, precomputed; `authorize` decides without I/O."""

    def __init__(self, register: Register) -> None:
        self.register = register
        self.minimum_age = register.minimum_age
        self._child_flag = child_flag(register.minimum_age)
        self._purposes: dict[str, _PurposeRule] = {}
        for purpose in register.purposes:
            consent = purpose.lawful_basis is LawfulBasis.CONSENT
            keys: tuple[ConsentKey, ...] = tuple(
                (purpose.key, channel) for channel in purpose.consent_channels
            ) or ((purpose.key, None),)
            self._purposes[purpose.key] = _PurposeRule(
                key=purpose.key,
                categories=frozenset(purpose.categories),
                basis=purpose.lawful_basis,
                consent=consent,
                marketing=purpose.marketing,
                age_limited=consent or purpose.marketing,
                allowed_under_restriction=purpose.allowed_under_restriction,
                consent_keys=keys if consent else (),
            )
        self._roles = {
            role.key: _RoleRule(role.tenant_scope, role.decrypt_identifiers)
            for role in register.staff_roles
        }
        self._role_purposes = frozenset(
            (role.key, purpose) for role in register.staff_roles for purpose in role.purposes
        )
        self._role_categories = frozenset(
            (role.key, category) for role in register.staff_roles for category in role.categories
        )
        # What a held subject may still serve, per (hold ground, subject kind).
        self._held_purposes = {
            (ground, kind): purposes_under_hold(register, ground, kind)
            for ground in (TAX_GROUND, LITIGATION_GROUND)
            for kind in {k for p in register.purposes for k in p.subject_kinds}
        }
        # Every permitted answer exists once, ahead of time.
        self._permitted = {
            (rule.key, category): Decision(
                allowed=True,
                reason=DenialReason.PERMITTED,
                lawful_basis=rule.basis,
                purpose=rule.key,
                category=category,
            )
            for rule in self._purposes.values()
            for category in rule.categories
        }

    def before_any_subject(self, actor: Actor, question: Question) -> DenialReason | None:
        """Checks 1-3, which need no subject: why `actor` could never be allowed `question`
        whoever it is about, or None. A use that will put many subjects to the gate asks this
        first, to refuse the whole use before anything about anyone is read."""
        rule = self._purposes.get(question.purpose)
        if rule is None:
            return DenialReason.UNREGISTERED_PURPOSE
        if question.category not in rule.categories:
            return DenialReason.CATEGORY_NOT_IN_PURPOSE
        if not self._knows(actor, question.category, question.purpose, decrypt=question.decrypt):
            return DenialReason.ROLE_LACKS_NEED_TO_KNOW
        return None

    def authorize(self, actor: Actor, state: SubjectState, question: Question) -> Decision:
        """Decide; see the module docstring for the order of the checks."""
        category, purpose, at = question.category, question.purpose, question.at
        rule = self._purposes.get(purpose)
        if rule is None:
            return _deny(DenialReason.UNREGISTERED_PURPOSE, purpose, category)
        if category not in rule.categories:
            return _deny(DenialReason.CATEGORY_NOT_IN_PURPOSE, purpose, category)
        reason = (
            self._need_to_know(actor, state.subject, category, purpose, decrypt=question.decrypt)
            or self._hold_denial(state, purpose)
            or _state_denial(rule, state, category, at)
            or (DenialReason.NOTICE_PENDING if purpose in state.unnoticed else None)
            or (self._child_denial(state, at) if rule.age_limited else None)
            or (_consent_denial(rule, state, question.channel) if rule.consent else None)
        )
        if reason is None:
            return self._permitted[(purpose, category)]
        if reason is DenialReason.SUBJECT_IS_CHILD:
            return _deny(reason, purpose, category, flag=self._child_flag)
        return _deny(reason, purpose, category)

    def _knows(self, actor: Actor, category: str, purpose: str, *, decrypt: bool) -> bool:
        """Check 3: the role lists the purpose and the category, and may decrypt if asked."""
        role = self._roles.get(actor.role)
        return (
            role is not None
            and (actor.role, purpose) in self._role_purposes
            and (actor.role, category) in self._role_categories
            and (role.decrypt or not decrypt)
        )

    def _need_to_know(
        self, actor: Actor, subject: Subject, category: str, purpose: str, *, decrypt: bool
    ) -> DenialReason | None:
        role = self._roles.get(actor.role)
        if role is None or not self._knows(actor, category, purpose, decrypt=decrypt):
            return DenialReason.ROLE_LACKS_NEED_TO_KNOW
        return (
            None
            if tenant_in_scope(role.scope, actor, subject.tenant_id)
            else (DenialReason.TENANT_MISMATCH)
        )

    def _hold_denial(self, state: SubjectState, purpose: str) -> DenialReason | None:
        """Check 6: a subject whose erasure a legal hold keeps partial serves only the hold."""
        hold = state.erasure_hold
        if hold is None or state.subject.status is SubjectStatus.ERASED:
            return None
        key = (hold.ground, state.subject.kind)
        allowed = self._held_purposes.get(key)
        if allowed is None:
            allowed = purposes_under_hold(self.register, *key)
        return None if purpose in allowed else DenialReason.ERASURE_HELD

    def _child_denial(self, state: SubjectState, at: datetime) -> DenialReason | None:
        """Check 10: under the minimum age on the UK date of `at` (unknown age: not a child)."""
        born = state.subject.birth_date
        if born is not None and age_on(born, uk_date(at)) < self.minimum_age:
            return DenialReason.SUBJECT_IS_CHILD
        return None


def _consent_denial(
    rule: _PurposeRule, state: SubjectState, channel: str | None
) -> DenialReason | None:
    """Check 11: the purpose's consent (on `channel`, or on any of its channels) is given."""
    consents = state.consents
    keys = ((rule.key, channel),) if channel is not None else rule.consent_keys
    withdrawn = False
    for key in keys:
        found = consents.get(key)
        if found is ConsentState.GIVEN:
            return None
        if found is ConsentState.WITHDRAWN:
            withdrawn = True
    return DenialReason.CONSENT_WITHDRAWN if withdrawn else DenialReason.NO_CONSENT


def tenant_in_scope(scope: StaffRoleScope, actor: Actor, tenant_id: str | None) -> bool:
    """May a role of this tenant scope touch a subject of `tenant_id` (None: our own)? An
    actor carries a tenant exactly when its role acts for one; any other pairing reaches
    nothing."""
    if scope is StaffRoleScope.OWN_TENANT:
        return actor.tenant_id is not None and actor.tenant_id == tenant_id
    if actor.tenant_id is not None:
        return False
    if scope is StaffRoleScope.NONE:
        return tenant_id is None
    return True


def _state_denial(
    rule: _PurposeRule, state: SubjectState, category: str, at: datetime
) -> DenialReason | None:
    """Checks 5 and 7-8: erased, restricted, objected to."""
    if state.subject.status is SubjectStatus.ERASED:
        return DenialReason.SUBJECT_ERASED
    if state.restrictions and not rule.allowed_under_restriction:
        for restriction in state.restrictions:
            if restriction.covers(category) and restriction.is_active(at):
                return DenialReason.PROCESSING_RESTRICTED
    for objection in state.objections:
        applies = (
            rule.marketing
            if objection.kind is ObjectionKind.DIRECT_MARKETING
            else objection.purpose == rule.key
        )
        if applies and objection.upheld_at(at):
            return DenialReason.OBJECTION_UPHELD
    return None


def _deny(reason: DenialReason, purpose: str, category: str, flag: str | None = None) -> Decision:
    return Decision(
        allowed=False,
        reason=reason,
        lawful_basis=None,
        purpose=purpose,
        category=category,
        flag_for_dco=flag,
    )
