"""Changes of purpose, pure: which purposes a new version changes in a way needing notice, which
the gate holds for whom, and where that check stands in the gate's order."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from dataward.domain.errors import InvalidValue
from dataward.domain.processing.gate import DenialReason, Gate, Question, SubjectState
from dataward.domain.processing.purpose_notice import (
    Assessment,
    CompatibilityFactors,
    PendingChange,
    notice_state,
    purpose_changes,
)
from dataward.domain.processing.restrictions import ObjectionOutcome
from dataward.domain.register.diff import diff_registers
from dataward.domain.register.model import Register, Role
from tests.builders import (
    NOW,
    a_subject,
    an_actor,
    register_with_everything_role,
    shipped_register,
    years_before,
)
from tests.unit.test_gate_subject import li_objection

HOUR = timedelta(hours=1)
FACTORS = CompatibilityFactors("link", "context", "nature", "consequences", "safeguards")


@pytest.fixture(scope="module")
def register() -> Register:
    return register_with_everything_role(shipped_register())


def _with_purposes(register: Register, *changed: tuple[str, dict[str, object]]) -> Register:
    purposes = list(register.purposes)
    for key, update in changed:
        purposes = [p.model_copy(update=update) if p.key == key else p for p in purposes]
    return register.model_copy(update={"purposes": purposes})


def test_a_new_purpose_and_a_material_change_need_notice_an_editorial_one_does_not(
    register: Register,
) -> None:
    feedback = register.purpose("relationship_feedback")
    new = feedback.model_copy(update={"key": "product_research", "policy_row": None})
    changed = _with_purposes(
        register,
        ("correspondence", {"recipients": ["service_providers", "mondago"]}),
        ("analytics", {"activity": "Reworded, nothing more."}),
    )
    changed = changed.model_copy(update={"purposes": [*changed.purposes, new]})

    found = {c.purpose: c for c in purpose_changes(diff_registers(register, changed), changed)}

    assert set(found) == {"correspondence", "product_research"}
    assert found["product_research"].added
    assert not found["correspondence"].added
    assert found["correspondence"].what == ("a purpose now discloses data to another recipient",)


def test_a_processor_purpose_is_the_tenants_to_notify(register: Register) -> None:
    changed = _with_purposes(
        register, ("telephony_reporting", {"categories": ["telephony_activity", "identity"]})
    )
    assert changed.purpose("telephony_reporting").role is Role.PROCESSOR
    assert purpose_changes(diff_registers(register, changed), changed) == []


def _change(purpose: str, register_id: int = 2) -> PendingChange:
    return PendingChange(purpose, register_id, f"v{register_id}", NOW)


def test_who_the_gate_holds_a_changed_purpose_for(register: Register) -> None:
    state = notice_state(
        register,
        [
            _change("relationship_feedback"),
            _change("secure_storage"),
            _change("rights_and_complaints"),
        ],
        [],
    )
    # what the law requires, or keeps a claim, is never held for a letter
    assert set(state.waiting) == {"relationship_feedback"}
    assert state.unnoticed(NOW - HOUR, None) == {"relationship_feedback"}
    assert state.unnoticed(NOW - HOUR, 1) == {"relationship_feedback"}  # told an older one
    assert state.unnoticed(NOW - HOUR, 2) == frozenset()  # told this version
    assert state.unnoticed(NOW - HOUR, 3) == frozenset()  # told a later one
    assert state.unnoticed(NOW, None) == frozenset()  # came after it: told at collection


def test_the_latest_assessment_of_the_version_counts(register: Register) -> None:
    def assessed(*, compatible: bool, at_hours: int, register_id: int = 2) -> Assessment:
        return Assessment(
            "relationship_feedback",
            register_id,
            compatible,
            "reasons",
            FACTORS,
            "dco",
            NOW + at_hours * HOUR,
        )

    changes = [_change("relationship_feedback")]
    assert not notice_state(register, changes, [assessed(compatible=True, at_hours=0)]).waiting
    assert notice_state(
        register,
        changes,
        [assessed(compatible=True, at_hours=0), assessed(compatible=False, at_hours=1)],
    ).waiting
    assert notice_state(
        register, changes, [assessed(compatible=True, at_hours=0, register_id=1)]
    ).waiting


def test_every_factor_is_required_and_bounded() -> None:
    with pytest.raises(InvalidValue, match="nature"):
        CompatibilityFactors("link", "context", "", "consequences", "safeguards")
    with pytest.raises(InvalidValue, match="reasons"):
        Assessment(
            "p",
            1,
            compatible=True,
            reasons=" ",
            factors=FACTORS,
            assessed_by="dco",
            assessed_at=NOW,
        )


def test_notice_pending_comes_after_an_objection_and_before_a_childs_age(
    register: Register,
) -> None:
    gate = Gate(register)
    actor = an_actor("everything")
    subject = a_subject()
    question = Question("contact", "relationship_feedback", NOW)
    held = SubjectState(subject, unnoticed=frozenset({"relationship_feedback"}))
    assert gate.authorize(actor, held, question).reason is DenialReason.NOTICE_PENDING
    objected = replace(
        held,
        objections=(li_objection(subject, "relationship_feedback", ObjectionOutcome.UPHELD),),
    )
    assert gate.authorize(actor, objected, question).reason is DenialReason.OBJECTION_UPHELD
    other = Question("contact", "relationship_management", NOW)
    assert gate.authorize(actor, held, other).allowed
    child = SubjectState(
        a_subject(birth_date=years_before(NOW.date(), 10)),
        unnoticed=frozenset({"direct_marketing"}),
    )
    marketing = Question("contact", "direct_marketing", NOW)
    assert gate.authorize(actor, child, marketing).reason is DenialReason.NOTICE_PENDING
