"""The gate, part one: who may know what (purpose, category, role, tenant), and erased subjects.

Each reason comes with the attempt that should break it; `test_gate_subject.py` covers what
depends on the subject's state (restriction, objection, age, consent).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from dataward.domain.processing.gate import DenialReason, Gate, Question, SubjectState
from dataward.domain.processing.legal_hold import TAX_GROUND, ErasureHold
from dataward.domain.register.model import LawfulBasis, Register, Role
from dataward.domain.subjects import SubjectStatus
from tests.builders import (
    EVERYTHING,
    NOW,
    TENANT_A,
    TENANT_B,
    a_caller,
    a_subject,
    an_actor,
    register_with_everything_role,
    shipped_register,
    state_of,
)

R = DenialReason


@pytest.fixture(scope="module")
def register() -> Register:
    return register_with_everything_role(shipped_register())


@pytest.fixture(scope="module")
def gate(register: Register) -> Gate:
    return Gate(register)


def test_the_reasons_are_exactly_the_closed_set() -> None:
    assert {r.value for r in DenialReason} == {
        "permitted",
        "unregistered_purpose",
        "category_not_in_purpose",
        "no_consent",
        "consent_withdrawn",
        "objection_upheld",
        "processing_restricted",
        "tenant_mismatch",
        "role_lacks_need_to_know",
        "subject_is_child",
        "subject_erased",
        "erasure_held",
        "notice_pending",
    }


# -- unregistered purpose, category not in purpose ---------------------------------------------


def test_a_purpose_not_in_the_register_is_refused_even_to_the_dco(gate: Gate) -> None:
    decision = gate.authorize(
        an_actor("dco"), state_of(a_subject()), Question("contact", "profiling", NOW)
    )
    assert not decision.allowed
    assert decision.reason is R.UNREGISTERED_PURPOSE
    assert decision.lawful_basis is None


def test_a_category_the_purpose_does_not_cover_is_refused(gate: Gate) -> None:
    decision = gate.authorize(
        an_actor("dco"),
        state_of(a_subject()),
        Question("telephony_activity", "correspondence", NOW),
    )
    assert decision.reason is R.CATEGORY_NOT_IN_PURPOSE


def test_an_unknown_category_is_refused_as_not_in_purpose(gate: Gate) -> None:
    decision = gate.authorize(
        an_actor("dco"), state_of(a_subject()), Question("health", "legal_claims", NOW)
    )
    assert decision.reason is R.CATEGORY_NOT_IN_PURPOSE


# -- need-to-know ------------------------------------------------------------------------------


def test_marketing_staff_cannot_see_telephony_activity(gate: Gate) -> None:
    caller = state_of(a_caller())
    for purpose in ("telephony_reporting", "telephony_support"):
        decision = gate.authorize(
            an_actor("marketing"), caller, Question("telephony_activity", purpose, NOW)
        )
        assert decision.reason is R.ROLE_LACKS_NEED_TO_KNOW


def test_operator_cannot_read_identity_data(gate: Gate) -> None:
    decision = gate.authorize(
        an_actor("operator"),
        state_of(a_subject()),
        Question("identity", "correspondence", NOW, decrypt=True),
    )
    assert decision.reason is R.ROLE_LACKS_NEED_TO_KNOW


def test_operator_works_on_call_data_but_may_not_decrypt_a_callers_identifiers(gate: Gate) -> None:
    caller = state_of(a_caller())
    operator = an_actor("operator")
    plain = gate.authorize(
        operator, caller, Question("telephony_activity", "telephony_reporting", NOW)
    )
    assert plain.allowed
    decrypted = gate.authorize(
        operator, caller, Question("telephony_activity", "telephony_reporting", NOW, decrypt=True)
    )
    assert decrypted.reason is R.ROLE_LACKS_NEED_TO_KNOW


def test_a_role_needs_both_the_purpose_and_the_category(gate: Gate) -> None:
    # support knows relationship_management, but not the marketing_communications it covers
    support = an_actor("support")
    subject = state_of(a_subject())
    assert gate.authorize(
        support, subject, Question("contact", "relationship_management", NOW)
    ).allowed
    decision = gate.authorize(
        support, subject, Question("marketing_communications", "relationship_management", NOW)
    )
    assert decision.reason is R.ROLE_LACKS_NEED_TO_KNOW


def test_an_unknown_role_knows_nothing(gate: Gate) -> None:
    decision = gate.authorize(
        an_actor("intern"), state_of(a_subject()), Question("contact", "correspondence", NOW)
    )
    assert decision.reason is R.ROLE_LACKS_NEED_TO_KNOW


def test_the_auditor_sees_no_personal_data_for_any_purpose(gate: Gate, register: Register) -> None:
    auditor = an_actor("auditor")
    for purpose in register.purposes:
        subject = a_caller() if purpose.role is Role.PROCESSOR else a_subject()
        for category in purpose.categories:
            decision = gate.authorize(
                auditor, state_of(subject), Question(category, purpose.key, NOW)
            )
            assert decision.reason is R.ROLE_LACKS_NEED_TO_KNOW, (purpose.key, category)


def test_need_to_know_is_decided_before_anything_about_the_subject(gate: Gate) -> None:
    erased = a_subject(status=SubjectStatus.ERASED)
    decision = gate.authorize(
        an_actor("marketing"), state_of(erased), Question("contact", "correspondence", NOW)
    )
    assert decision.reason is R.ROLE_LACKS_NEED_TO_KNOW


# -- tenant ------------------------------------------------------------------------------------


def test_a_tenant_admin_cannot_see_another_tenants_caller(gate: Gate) -> None:
    admin_of_a = an_actor("tenant_admin", TENANT_A)
    decision = gate.authorize(
        admin_of_a,
        state_of(a_caller(TENANT_B)),
        Question("telephony_activity", "telephony_reporting", NOW),
    )
    assert decision.reason is R.TENANT_MISMATCH


def test_a_tenant_admin_sees_its_own_callers_under_the_tenants_basis(gate: Gate) -> None:
    admin_of_a = an_actor("tenant_admin", TENANT_A)
    decision = gate.authorize(
        admin_of_a,
        state_of(a_caller(TENANT_A)),
        Question("telephony_activity", "telephony_reporting", NOW),
    )
    assert decision.allowed
    assert decision.reason is R.PERMITTED
    assert decision.lawful_basis is None  # processor purpose: the tenant sets the basis


def test_a_tenant_admin_without_a_tenant_sees_no_caller(gate: Gate) -> None:
    decision = gate.authorize(
        an_actor("tenant_admin"),
        state_of(a_caller()),
        Question("telephony_activity", "telephony_reporting", NOW),
    )
    assert decision.reason is R.TENANT_MISMATCH


def test_a_tenant_admin_cannot_reach_the_organisations_own_subjects(gate: Gate) -> None:
    end_user = state_of(a_subject("end_user"))
    decision = gate.authorize(
        an_actor("tenant_admin", TENANT_A),
        end_user,
        Question("telephony_activity", "telephony_reporting", NOW),
    )
    assert decision.reason is R.TENANT_MISMATCH


def test_a_role_without_tenant_scope_cannot_reach_processor_data(gate: Gate) -> None:
    caller = state_of(a_caller())
    decision = gate.authorize(
        an_actor("marketing"), caller, Question("contact", "direct_marketing", NOW)
    )
    assert decision.reason is R.TENANT_MISMATCH


def test_an_all_tenants_role_reaches_every_tenant(gate: Gate) -> None:
    for tenant in (TENANT_A, TENANT_B):
        decision = gate.authorize(
            an_actor("operator"),
            state_of(a_caller(tenant)),
            Question("telephony_activity", "telephony_reporting", NOW),
        )
        assert decision.allowed


# -- erased ------------------------------------------------------------------------------------


def test_an_erased_subject_is_refused_even_for_storage(gate: Gate) -> None:
    erased = state_of(a_subject(status=SubjectStatus.ERASED))
    for purpose in ("secure_storage", "legal_claims", "correspondence"):
        decision = gate.authorize(an_actor("dco"), erased, Question("contact", purpose, NOW))
        assert decision.reason is R.SUBJECT_ERASED


def _held(status: SubjectStatus = SubjectStatus.ACTIVE) -> SubjectState:
    subject = a_subject("customer_contact", status=status)
    hold = ErasureHold(
        subject_id=str(subject.id),
        request_id=None,
        ground=TAX_GROUND,
        categories=("identity",),
        delete_on=None,
        waiting_for=(),
        created_at=NOW,
    )
    return replace(state_of(subject), erasure_hold=hold)


def test_a_held_subject_serves_the_tax_purpose_and_storage_only(gate: Gate) -> None:
    held = _held()
    for purpose in ("business_compliance", "secure_storage"):
        assert gate.authorize(an_actor("dco"), held, Question("identity", purpose, NOW)).allowed
    for purpose in ("correspondence", "legal_claims", "relationship_management"):
        decision = gate.authorize(an_actor(EVERYTHING), held, Question("identity", purpose, NOW))
        assert decision.reason is R.ERASURE_HELD, purpose
        assert decision.lawful_basis is None


def test_need_to_know_is_decided_before_a_hold_and_erasure_after_it(gate: Gate) -> None:
    decision = gate.authorize(
        an_actor("operator"), _held(), Question("identity", "correspondence", NOW)
    )
    assert decision.reason is R.ROLE_LACKS_NEED_TO_KNOW
    erased = _held(SubjectStatus.ERASED)
    decision = gate.authorize(
        an_actor("dco"), erased, Question("identity", "business_compliance", NOW)
    )
    assert decision.reason is R.SUBJECT_ERASED


def test_a_tenant_mismatch_is_reported_before_erasure(gate: Gate) -> None:
    erased = state_of(a_subject("caller", tenant_id=TENANT_B, status=SubjectStatus.ERASED))
    decision = gate.authorize(
        an_actor("tenant_admin", TENANT_A),
        erased,
        Question("telephony_activity", "telephony_reporting", NOW),
    )
    assert decision.reason is R.TENANT_MISMATCH


def test_a_decision_names_its_purpose_and_category(gate: Gate) -> None:
    decision = gate.authorize(
        an_actor("dco"), state_of(a_subject()), Question("contact", "legal_claims", NOW)
    )
    assert (decision.purpose, decision.category) == ("legal_claims", "contact")
    assert decision.lawful_basis is LawfulBasis.LEGITIMATE_INTERESTS
