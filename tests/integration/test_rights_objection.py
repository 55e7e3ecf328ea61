"""Objection requests (Art. 21) carried out end to end on both backends."""

from __future__ import annotations

from datetime import date

import pytest
from faker import Faker

from dataward.domain.calendar import bank_holidays
from dataward.domain.errors import ConsentRefused, InvalidValue
from dataward.domain.processing.consent import ConsentMethod, ConsentState
from dataward.domain.processing.gate import Gate
from dataward.domain.processing.restrictions import ObjectionKind, ObjectionOutcome
from dataward.domain.requests.workflow import RequestState, RequestType
from dataward.domain.subjects import Actor
from dataward.services.processing.consent import GiveConsent, consent_state_for, record_consent
from dataward.services.processing.gate import Authorize, authorize
from dataward.services.processing.objections import (
    DecideObjection,
    RecordObjection,
    decide_objection,
    record_objection,
)
from dataward.services.rights import objection as objection_module
from dataward.services.rights.intake import NewRequest
from dataward.services.rights.objection import CarryOutObjection, fulfil_objection
from dataward.services.rights.requests import request_timeline
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.builders import EVERYTHING, register_with_everything_role
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")
SUPPORT = Actor(id="staff-support", role="support")
HOLIDAYS = bank_holidays()


def _started(world: World, subject_id: object, email: str, scope: str) -> object:
    return world.working_request(
        DCO,
        NewRequest(
            type=RequestType.OBJECTION,
            received=date(2026, 11, 25),
            channel="email",
            subject_id=subject_id,
            contact_email=email,
            scope=scope,
        ),  # type: ignore[arg-type]
    )


def test_direct_marketing_objection_withdraws_suppresses_and_completes(
    world: World, fake: Faker
) -> None:
    email = fake.email()
    subject = create_subject(
        world.use_case(DCO), NewSubject(kind="marketing_contact", identifiers=[("email", email)])
    )
    for channel in ("email", "post"):
        record_consent(
            world.use_case(DCO),
            GiveConsent(subject.id, "direct_marketing", channel, ConsentMethod.WEB_FORM, "2026-11"),
        )
    request_id = _started(world, subject.id, email, "direct_marketing")
    result = fulfil_objection(
        world.use_case(DCO),
        request_id,
        CarryOutObjection("2026-11", target="direct_marketing"),
    )
    assert result.outcome is ObjectionOutcome.UPHELD
    assert result.suppressed == 1
    states = consent_state_for(world.use_case(DCO), subject.id)
    assert set(states.values()) == {ConsentState.WITHDRAWN}
    view, _events, letters = request_timeline(world.use_case(DCO), request_id)  # type: ignore[arg-type]
    assert view.request.state is RequestState.COMPLETED
    assert [x.letter for x in letters][-1] == "completion"
    with pytest.raises(ConsentRefused, match="suppression list") as refused:
        record_consent(
            world.use_case(DCO),
            GiveConsent(subject.id, "direct_marketing", "sms", ConsentMethod.IMPORT, "2026-11"),
        )
    assert email not in str(refused.value)


@pytest.mark.parametrize(
    ("outcome", "state", "allowed_after"),
    [
        (ObjectionOutcome.UPHELD, RequestState.COMPLETED, False),
        (ObjectionOutcome.COMPELLING_GROUNDS, RequestState.PARTIALLY_COMPLETED, True),
    ],
)
def test_legitimate_interests_objection_follows_the_dco_assessment(
    world: World,
    fake: Faker,
    outcome: ObjectionOutcome,
    state: RequestState,
    allowed_after: bool,
) -> None:
    email = fake.email()
    subject = create_subject(
        world.use_case(DCO), NewSubject(kind="end_user", identifiers=[("email", email)])
    )
    target = "legitimate_interests:business_administration"
    request_id = _started(world, subject.id, email, target)
    pending = fulfil_objection(
        world.use_case(DCO),
        request_id,
        CarryOutObjection("2026-11", target=target),
    )
    assert pending.outcome is ObjectionOutcome.PENDING
    done = fulfil_objection(
        world.use_case(DCO),
        request_id,
        CarryOutObjection(
            "2026-11",
            target=target,
            outcome=outcome,
            reasoning="Fraud prevention on the account outweighs the objection.",
        ),
    )
    assert done.objection_id == pending.objection_id
    view, events, _letters = request_timeline(world.use_case(DCO), request_id)  # type: ignore[arg-type]
    assert view.request.state is state
    if outcome is ObjectionOutcome.COMPELLING_GROUNDS:
        assert "compelling legitimate grounds" in (events[-1].reason or "")
    everything = Actor(id="staff-all", role=EVERYTHING)  # past need-to-know, to the objection
    decision = authorize(
        world.use_case(everything),
        Gate(register_with_everything_role(world.register)),
        Authorize(subject.id, "identity", "business_administration"),
    )
    assert decision.allowed is allowed_after
    if not allowed_after:  # upheld: that purpose stops for this person
        assert decision.reason.value == "objection_upheld"


def test_a_decision_whose_reasoning_would_rewrite_a_terminal_changes_nothing(
    world: World,
) -> None:
    """Refused before anything is recorded: the objection stays pending and the request can
    still be carried out with a proper reasoning."""
    subject = create_subject(
        world.use_case(DCO),
        NewSubject(kind="customer_contact", identifiers=[("email", "someone@example.org")]),
    ).id
    objection = record_objection(
        world.use_case(DCO),
        RecordObjection(
            subject_id=subject, kind=ObjectionKind.LEGITIMATE_INTERESTS, purpose="debt_recovery"
        ),
    )
    with pytest.raises(InvalidValue, match="reasoning: text without control characters"):
        decide_objection(
            world.use_case(DCO),
            DecideObjection(objection.id, ObjectionOutcome.COMPELLING_GROUNDS, "x\x1b[31m"),
        )
    with world.uow() as uow:
        assert uow.objections.get(objection.id).outcome is ObjectionOutcome.PENDING  # type: ignore[union-attr]


def test_an_objection_lands_whole_or_not_at_all(
    world: World, fake: Faker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One transaction for the use case: the objection, the consents withdrawn, the
    suppression and its audit entry are rolled back when its last step (moving the request
    on) fails, and the request can be carried out again."""
    email = fake.email()
    subject = create_subject(
        world.use_case(DCO), NewSubject(kind="marketing_contact", identifiers=[("email", email)])
    )
    record_consent(
        world.use_case(DCO),
        GiveConsent(subject.id, "direct_marketing", "email", ConsentMethod.WEB_FORM, "2026-11"),
    )
    request_id = _started(world, subject.id, email, "direct_marketing")
    with world.uow() as uow:
        audit_before = uow.audit.count()

    def last_step_fails(*_args: object, **_kw: object) -> None:
        raise RuntimeError("the request could not be moved on")

    with monkeypatch.context() as patch:
        patch.setattr(objection_module, "advance", last_step_fails)
        with pytest.raises(RuntimeError, match="could not be moved on"):
            fulfil_objection(
                world.use_case(DCO),
                request_id,
                CarryOutObjection("2026-11", target="direct_marketing"),
            )
    with world.uow() as uow:
        assert list(uow.objections.for_subject(subject.id)) == []
        assert uow.audit.count() == audit_before
    states = consent_state_for(world.use_case(DCO), subject.id)
    assert set(states.values()) == {ConsentState.GIVEN}
    view, _, _ = request_timeline(world.use_case(DCO), request_id)  # type: ignore[arg-type]
    assert view.request.state is RequestState.IN_PROGRESS
    again = fulfil_objection(
        world.use_case(DCO),
        request_id,
        CarryOutObjection("2026-11", target="direct_marketing"),
    )
    assert (again.outcome, again.suppressed) == (ObjectionOutcome.UPHELD, 1)
