"""Restriction (Art. 18) and objection (Art. 21): the rules that cannot be skipped."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

from dataward.domain.clock import FixedClock
from dataward.domain.errors import ObjectionRefused, RestrictionRefused
from dataward.domain.processing.restrictions import (
    ALL_MARKETING,
    Objection,
    ObjectionKind,
    ObjectionOutcome,
    Restriction,
    RestrictionGround,
)
from dataward.domain.register.model import Register
from dataward.services.processing.objections import (
    DecideObjection,
    RecordObjection,
    decide_objection,
    record_objection,
)
from dataward.services.processing.restrictions import (
    ApplyRestriction,
    LiftRestriction,
    apply_restriction,
    lift_restriction,
)
from tests.builders import NOW, a_subject, an_actor, shipped_register
from tests.fakes import FakeUnitOfWork, use_case

DCO = an_actor("dco")

HOUR = timedelta(hours=1)


@pytest.fixture(scope="module")
def register() -> Register:
    return shipped_register()


def a_restriction(
    *,
    scope: frozenset[str] | None = None,
    ends_at: datetime | None = None,
    subject_told_at: datetime | None = None,
) -> Restriction:
    return Restriction(
        id=uuid.uuid4(),
        subject_id=uuid.uuid4(),
        scope=scope,
        ground=RestrictionGround.ACCURACY_CONTESTED,
        starts_at=NOW,
        ends_at=ends_at,
        subject_told_at=subject_told_at,
    )


# -- restriction --------------------------------------------------------------------------------


def test_lifting_without_telling_the_subject_is_refused() -> None:
    with pytest.raises(RestrictionRefused, match=r"Art\. 18\(3\)"):
        a_restriction().lift(NOW + HOUR, subject_told_at=None)


def test_lifting_before_the_subject_is_told_is_refused() -> None:
    with pytest.raises(RestrictionRefused, match="before"):
        a_restriction().lift(NOW + HOUR, subject_told_at=NOW + 2 * HOUR)


def test_a_restriction_lifted_after_telling_ends_then() -> None:
    lifted = a_restriction().lift(NOW + 2 * HOUR, subject_told_at=NOW + HOUR)
    assert lifted.is_active(NOW + HOUR)
    assert not lifted.is_active(NOW + 2 * HOUR)


def test_a_restriction_is_lifted_only_once() -> None:
    lifted = a_restriction().lift(NOW + 2 * HOUR, subject_told_at=NOW + HOUR)
    with pytest.raises(RestrictionRefused, match="already"):
        lifted.lift(NOW + 3 * HOUR, subject_told_at=NOW + HOUR)


def test_a_restriction_is_not_active_before_it_starts() -> None:
    assert not a_restriction().is_active(NOW - HOUR)
    assert a_restriction().is_active(NOW)


def test_a_planned_end_lifts_only_a_restriction_the_subject_was_told_of() -> None:
    untold = a_restriction(ends_at=NOW + HOUR)
    told = a_restriction(ends_at=NOW + HOUR, subject_told_at=NOW)
    assert untold.is_active(NOW + 2 * HOUR)
    assert not told.is_active(NOW + 2 * HOUR)


def test_a_restriction_of_no_category_is_refused() -> None:
    with pytest.raises(RestrictionRefused, match="every category or names some"):
        a_restriction(scope=frozenset())


def test_a_restriction_scoped_to_categories_covers_only_those() -> None:
    restriction = a_restriction(scope=frozenset({"contact", "identity"}))
    assert restriction.covers("contact")
    assert not restriction.covers("technical")
    assert a_restriction().covers("technical")


def test_every_ground_names_its_paragraph_of_article_18() -> None:
    assert [g.article for g in RestrictionGround] == [
        "Art. 18(1)(a)",
        "Art. 18(1)(b)",
        "Art. 18(1)(c)",
        "Art. 18(1)(d)",
    ]


def test_the_lift_service_refuses_without_telling_and_changes_nothing(register: Register) -> None:
    uow, clock = FakeUnitOfWork(), FixedClock(NOW)
    subject = a_subject()
    uow.subjects.add(subject)
    applied = apply_restriction(
        use_case(uow, clock, register, DCO),
        ApplyRestriction(subject.id, RestrictionGround.OBJECTION_PENDING),
    )
    clock.advance(HOUR)
    with pytest.raises(RestrictionRefused):
        lift_restriction(
            use_case(uow, clock, register, DCO), LiftRestriction(applied.id, subject_told_at=None)
        )
    stored = uow.restrictions.get(applied.id)
    assert stored is not None
    assert stored.lifted_at is None
    assert uow.commits == 1


def test_the_lift_service_lifts_after_telling(register: Register) -> None:
    uow, clock = FakeUnitOfWork(), FixedClock(NOW)
    subject = a_subject()
    uow.subjects.add(subject)
    applied = apply_restriction(
        use_case(uow, clock, register, DCO),
        ApplyRestriction(subject.id, RestrictionGround.ACCURACY_CONTESTED, ["contact"]),
    )
    told = NOW + HOUR
    clock.advance(2 * HOUR)
    lifted = lift_restriction(
        use_case(uow, clock, register, DCO), LiftRestriction(applied.id, subject_told_at=told)
    )
    assert (lifted.lifted_at, lifted.subject_told_at) == (NOW + 2 * HOUR, told)
    assert uow.restrictions.get(applied.id) == lifted


def test_a_restriction_of_an_unknown_category_is_refused_naming_the_field(
    register: Register,
) -> None:
    uow = FakeUnitOfWork()
    subject = a_subject()
    uow.subjects.add(subject)
    command = ApplyRestriction(subject.id, RestrictionGround.ACCURACY_CONTESTED, ["shoe_size"])
    with pytest.raises(RestrictionRefused, match=r"^categories: ") as refused:
        apply_restriction(use_case(uow, FixedClock(NOW), register, DCO), command)
    assert "shoe_size" not in str(refused.value)


# -- objection ----------------------------------------------------------------------------------


def pending(purpose: str = "business_administration") -> Objection:
    return Objection.to_legitimate_interests(uuid.uuid4(), uuid.uuid4(), purpose, NOW)


def test_a_direct_marketing_objection_is_upheld_as_it_is_made() -> None:
    objection = Objection.to_direct_marketing(uuid.uuid4(), uuid.uuid4(), NOW)
    assert objection.outcome is ObjectionOutcome.UPHELD
    assert objection.purpose == ALL_MARKETING
    assert objection.upheld_at(NOW)


def test_a_direct_marketing_objection_cannot_be_overridden() -> None:
    objection = Objection.to_direct_marketing(uuid.uuid4(), uuid.uuid4(), NOW)
    with pytest.raises(ObjectionRefused, match=r"Art\. 21\(3\)"):
        objection.decide(ObjectionOutcome.COMPELLING_GROUNDS, "We really want to", NOW + HOUR)


def test_a_direct_marketing_objection_cannot_be_made_pending() -> None:
    with pytest.raises(ObjectionRefused):
        Objection(
            uuid.uuid4(),
            uuid.uuid4(),
            ALL_MARKETING,
            ObjectionKind.DIRECT_MARKETING,
            ObjectionOutcome.PENDING,
            NOW,
        )


def test_compelling_grounds_need_their_reasoning() -> None:
    for reasoning in (None, "", "   "):
        with pytest.raises(ObjectionRefused, match="reasoning"):
            pending().decide(ObjectionOutcome.COMPELLING_GROUNDS, reasoning, NOW + HOUR)


def test_compelling_grounds_with_reasoning_override_the_objection() -> None:
    decided = pending().decide(
        ObjectionOutcome.COMPELLING_GROUNDS, "Needed to detect fraud on the account", NOW + HOUR
    )
    assert decided.outcome is ObjectionOutcome.COMPELLING_GROUNDS
    assert not decided.upheld_at(NOW + 2 * HOUR)


def test_an_upheld_objection_stops_processing_from_its_decision() -> None:
    decided = pending().decide(ObjectionOutcome.UPHELD, None, NOW + HOUR)
    assert not decided.upheld_at(NOW)
    assert decided.upheld_at(NOW + HOUR)


def test_an_objection_is_decided_once() -> None:
    decided = pending().decide(ObjectionOutcome.UPHELD, None, NOW + HOUR)
    with pytest.raises(ObjectionRefused, match="already decided"):
        decided.decide(ObjectionOutcome.COMPELLING_GROUNDS, "Changed our mind", NOW + 2 * HOUR)


def test_the_objection_services_record_and_decide(register: Register) -> None:
    uow, clock = FakeUnitOfWork(), FixedClock(NOW)
    subject = a_subject()
    uow.subjects.add(subject)
    recorded = record_objection(
        use_case(uow, clock, register, DCO),
        RecordObjection(subject.id, ObjectionKind.LEGITIMATE_INTERESTS, "relationship_feedback"),
    )
    clock.advance(HOUR)
    decided = decide_objection(
        use_case(uow, clock, register, DCO),
        DecideObjection(recorded.id, ObjectionOutcome.UPHELD, "No overriding grounds"),
    )
    assert uow.objections.get(recorded.id) == decided
    assert uow.commits == 2


@pytest.mark.parametrize(
    ("purpose", "message"),
    [
        ("correspondence", "rests on contract"),
        ("mondago_marketing", "direct marketing"),
        ("no_such_purpose", "purpose: not a purpose of the register"),
        (None, "names its purpose"),
    ],
)
def test_an_objection_on_legitimate_interests_needs_such_a_purpose(
    register: Register, purpose: str | None, message: str
) -> None:
    uow = FakeUnitOfWork()
    subject = a_subject()
    uow.subjects.add(subject)
    command = RecordObjection(subject.id, ObjectionKind.LEGITIMATE_INTERESTS, purpose)
    with pytest.raises(ObjectionRefused, match=message):
        record_objection(use_case(uow, FixedClock(NOW), register, DCO), command)
