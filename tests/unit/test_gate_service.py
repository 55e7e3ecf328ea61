"""The gate as a use case: state gathered, each decision recorded, identifiers opened if allowed."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from dataward.domain.audit import AuditAction, AuditEntry
from dataward.domain.clock import FixedClock
from dataward.domain.errors import AccessDenied, NotFound
from dataward.domain.processing.consent import ConsentEvent, ConsentMethod, ConsentState
from dataward.domain.processing.gate import DenialReason, Gate, Question
from dataward.domain.processing.restrictions import Objection, Restriction, RestrictionGround
from dataward.domain.register.model import Register
from dataward.domain.subjects import Subject
from dataward.services.processing.disclosure import ReadIdentifiers, read_identifiers
from dataward.services.processing.gate import (
    Authorize,
    authorize,
    decide,
    decide_many,
    load_subject_state,
)
from tests.builders import (
    EVERYTHING,
    NOW,
    TENANT_A,
    a_caller,
    a_subject,
    an_actor,
    register_with_everything_role,
    shipped_register,
    years_before,
)
from tests.fakes import FakeUnitOfWork, FakeVault, use_case

HOUR = timedelta(hours=1)


@pytest.fixture(scope="module")
def register() -> Register:
    return register_with_everything_role(shipped_register())


@pytest.fixture(scope="module")
def gate(register: Register) -> Gate:
    return Gate(register)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def audited(uow: FakeUnitOfWork) -> list[AuditEntry]:
    """The gate's decisions as the audit log holds them (the fake log is the live list)."""
    return uow.audit.entries


def restriction_of(subject: Subject, scope: frozenset[str] | None = None) -> Restriction:
    return Restriction(
        uuid.uuid4(), subject.id, scope, RestrictionGround.ACCURACY_CONTESTED, NOW - HOUR
    )


def with_identifiers(uow: FakeUnitOfWork, vault: FakeVault, subject: Subject) -> None:
    uow.subjects.add(subject)
    vault.create_keys([str(subject.id)])
    uow.subjects.add_identifiers(
        [
            {
                "subject_id": str(subject.id),
                "type": kind,
                "ciphertext": vault.seal(str(subject.id), v),
            }
            for kind, v in (("phone", "+442079460123"), ("name", "Ada Example"))
        ]
    )


def test_every_decision_allowed_or_not_is_recorded(
    uow: FakeUnitOfWork,
    clock: FixedClock,
    gate: Gate,
    audited: list[AuditEntry],
) -> None:
    subject = a_subject()
    uow.subjects.add(subject)
    yes = authorize(
        use_case(uow, clock, gate.register, an_actor("dco")),
        gate,
        Authorize(subject.id, "contact", "correspondence"),
    )
    no = authorize(
        use_case(uow, clock, gate.register, an_actor("operator")),
        gate,
        Authorize(subject.id, "contact", "correspondence"),
    )
    decisions = [e for e in audited if e.action == AuditAction.GATE_DECISION]
    assert [e.decision for e in decisions] == [yes.reason.value, no.reason.value]
    assert yes.allowed
    assert not no.allowed
    assert [(e.actor, e.subject_ref) for e in decisions] == [
        ("staff-dco", str(subject.id)),
        ("staff-operator", str(subject.id)),
    ]
    assert uow.commits == 2


def test_a_child_refused_consent_based_processing_is_flagged_for_the_dco(
    uow: FakeUnitOfWork, clock: FixedClock, gate: Gate
) -> None:
    child = a_subject(birth_date=years_before(NOW.date(), 12))
    uow.subjects.add(child)
    decision = authorize(
        use_case(uow, clock, gate.register, an_actor("marketing")),
        gate,
        Authorize(child.id, "contact", "direct_marketing"),
    )
    assert decision.reason is DenialReason.SUBJECT_IS_CHILD
    flagged = uow.subjects.get(child.id)
    assert flagged is not None
    assert flagged.dco_flag == decision.flag_for_dco


def test_an_unknown_subject_is_not_found(
    uow: FakeUnitOfWork, clock: FixedClock, gate: Gate
) -> None:
    with pytest.raises(NotFound):
        authorize(
            use_case(uow, clock, gate.register, an_actor("dco")),
            gate,
            Authorize(uuid.uuid4(), "contact", "correspondence"),
        )


def test_the_state_holds_only_what_is_in_force_at_that_moment(uow: FakeUnitOfWork) -> None:
    subject = a_subject()
    uow.subjects.add(subject)
    active = restriction_of(subject)
    lifted = restriction_of(subject).lift(NOW - HOUR / 2, subject_told_at=NOW - HOUR)
    uow.restrictions.add(active)
    uow.restrictions.add(lifted)
    upheld = Objection.to_direct_marketing(uuid.uuid4(), subject.id, NOW - HOUR)
    waiting = Objection.to_legitimate_interests(uuid.uuid4(), subject.id, "analytics", NOW - HOUR)
    uow.objections.add(upheld)
    uow.objections.add(waiting)
    for at, given in ((NOW - HOUR, ConsentState.GIVEN), (NOW + HOUR, ConsentState.WITHDRAWN)):
        uow.consents.add(
            ConsentEvent(
                subject.id, "direct_marketing", "sms", given, ConsentMethod.PHONE, "v1", at
            )
        )
    state = load_subject_state(uow, subject.id, NOW)
    assert state.restrictions == (active,)
    assert state.objections == (upheld,)
    assert state.consents == {("direct_marketing", "sms"): ConsentState.GIVEN}


# -- reading identifiers --------------------------------------------------------------------------


def test_a_restricted_subjects_identifiers_are_read_only_for_storage_and_legal_claims(
    uow: FakeUnitOfWork, clock: FixedClock, gate: Gate, register: Register
) -> None:
    vault = FakeVault()
    subject = a_subject("customer_contact")
    with_identifiers(uow, vault, subject)
    uow.restrictions.add(restriction_of(subject))
    readable: set[str] = set()
    for purpose in register.purposes:
        try:
            disclosed = read_identifiers(
                uow,
                vault,
                gate,
                an_actor(EVERYTHING),
                ReadIdentifiers(subject.id, purpose.key, clock.now()),
            )
        except AccessDenied:
            continue
        assert not disclosed.refused
        assert sorted(i.value for i in disclosed.identifiers) == ["+442079460123", "Ada Example"]
        readable.add(purpose.key)
    assert readable == {"secure_storage", "legal_claims", "rights_and_complaints"}
    assert len(vault.opened) == 6  # two identifiers, three purposes: nothing else was opened


def test_a_refused_read_opens_nothing_and_says_why(
    uow: FakeUnitOfWork, clock: FixedClock, gate: Gate
) -> None:
    vault = FakeVault()
    caller = a_caller(TENANT_A)
    with_identifiers(uow, vault, caller)
    with pytest.raises(AccessDenied) as denied:
        read_identifiers(
            uow,
            vault,
            gate,
            an_actor("operator"),
            ReadIdentifiers(caller.id, "telephony_reporting", clock.now()),
        )
    assert denied.value.reason == DenialReason.ROLE_LACKS_NEED_TO_KNOW
    assert vault.opened == []


def test_a_tenant_admin_reads_its_own_callers_number(
    uow: FakeUnitOfWork, clock: FixedClock, gate: Gate
) -> None:
    vault = FakeVault()
    caller = a_caller(TENANT_A)
    with_identifiers(uow, vault, caller)
    disclosed = read_identifiers(
        uow,
        vault,
        gate,
        an_actor("tenant_admin", TENANT_A),
        ReadIdentifiers(caller.id, "telephony_reporting", clock.now(), ["phone"]),
    )
    assert [i.value for i in disclosed.identifiers] == ["+442079460123"]
    assert "+44" not in repr(disclosed)


def test_a_category_restricted_alone_is_withheld_and_the_rest_disclosed(
    uow: FakeUnitOfWork, clock: FixedClock, gate: Gate
) -> None:
    vault = FakeVault()
    subject = a_subject("customer_contact")
    with_identifiers(uow, vault, subject)
    uow.restrictions.add(restriction_of(subject, frozenset({"contact"})))
    disclosed = read_identifiers(
        uow,
        vault,
        gate,
        an_actor("support"),
        ReadIdentifiers(subject.id, "correspondence", clock.now()),
    )
    assert [(i.type, i.value) for i in disclosed.identifiers] == [("name", "Ada Example")]
    assert disclosed.refused["contact"].reason is DenialReason.PROCESSING_RESTRICTED


def test_a_decision_is_in_the_audit_log_but_an_unregistered_purpose_is_not(
    uow: FakeUnitOfWork, clock: FixedClock, gate: Gate
) -> None:
    subject = a_subject()
    uow.subjects.add(subject)
    actor = an_actor("dco")
    authorize(
        use_case(uow, clock, gate.register, actor),
        gate,
        Authorize(subject.id, "contact", "correspondence"),
    )
    authorize(
        use_case(uow, clock, gate.register, actor),
        gate,
        Authorize(subject.id, "contact", "call 020 7946 0123 back"),
    )
    allowed, typo = list(uow.audit.iter_entries())[-2:]
    assert (allowed.action, allowed.purpose, allowed.decision) == (
        "gate_decision",
        "correspondence",
        "permitted",
    )
    assert typo.decision == "unregistered_purpose"
    assert typo.purpose is None
    assert "7946 0123" not in str(typo)  # with its space: no random id can spell it


def test_deciding_for_many_subjects_at_once_decides_each_as_alone(
    uow: FakeUnitOfWork, gate: Gate
) -> None:
    plain, restricted, objecting = a_subject(), a_subject(), a_subject()
    subjects = [plain, restricted, objecting]
    for subject in subjects:
        uow.subjects.add(subject)
    uow.restrictions.add(restriction_of(restricted))
    dco = an_actor("dco")
    question = Question("contact", "correspondence", NOW, decrypt=True)
    many = decide_many(uow, gate, dco, [(subject, question) for subject in subjects])
    alone = [decide(uow, gate, dco, subject.id, question) for subject in subjects]
    assert many == alone
    assert [d.allowed for d in many] == [True, False, True]
    recorded = [e.subject_ref for e in uow.audit.entries if e.action == AuditAction.GATE_DECISION]
    assert recorded == [str(s.id) for s in subjects] * 2  # every decision, in order
    later = Question("contact", "correspondence", NOW + HOUR, decrypt=True)
    with pytest.raises(ValueError, match="one time"):
        decide_many(uow, gate, dco, [(plain, question), (restricted, later)])
