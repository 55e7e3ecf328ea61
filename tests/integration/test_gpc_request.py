"""Global Privacy Control recorded for a requester once their identity is verified, on each
backend: every third-party marketing purpose of theirs gets a withdrawal in the ledger (the
signal its evidence), audited, the consent they had given to Mondago's marketing ends with it
and our own marketing stays as it was; a request whose identity is not verified, or which names
no subject, records nothing; and a second signal adds nothing."""

from __future__ import annotations

from faker import Faker

from dataward.domain.processing.consent import ConsentMethod, ConsentState
from dataward.domain.requests.workflow import RequestEvent, RequestType
from dataward.domain.subjects import Actor
from dataward.services.processing.consent import GiveConsent, consent_state_for, record_consent
from dataward.services.rights.gpc import GPC_EVIDENCE, refuse_third_party_marketing
from dataward.services.rights.intake import NewRequest, receive_request
from dataward.services.rights.requests import Step, advance
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.builders import EVIDENCE
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")
MONDAGO = ("mondago_marketing", "third_party")
OURS = ("direct_marketing", "email")


def _subject_with_consents(world: World, fake: Faker) -> object:
    made = create_subject(
        world.use_case(DCO),
        NewSubject(kind="marketing_contact", identifiers=[("email", fake.email())]),
    )
    for purpose, channel in (MONDAGO, OURS):
        record_consent(
            world.use_case(DCO),
            GiveConsent(made.id, purpose, channel, ConsentMethod.WEB_FORM, "2026.1", "form-1"),
        )
    return made.id


def _request(world: World, subject_id: object, fake: Faker, *, verified: bool) -> str:
    view = receive_request(
        world.use_case(DCO),
        NewRequest(
            type=RequestType.ACCESS,
            received=world.clock.now().date(),
            channel="portal",
            subject_id=subject_id,  # type: ignore[arg-type]
            contact_email=fake.email(),
        ),
    )
    events = [RequestEvent.ASK_IDENTITY] + ([RequestEvent.IDENTITY_VERIFIED] if verified else [])
    for event in events:
        advance(world.use_case(DCO), view.request.id, Step(event, reason=EVIDENCE.get(event)))
    return str(view.request.id)


def _audited(world: World, subject_id: object) -> list[tuple[str | None, str | None]]:
    with world.uow() as uow:
        return [
            (e.purpose, e.details.get("channel"))
            for e in uow.audit.iter_entries()
            if e.subject_ref == str(subject_id) and e.details.get("signal") == "gpc"
        ]


def test_a_verified_requesters_signal_withdraws_third_party_marketing(
    world: World, fake: Faker
) -> None:
    subject_id = _subject_with_consents(world, fake)
    request_id = _request(world, subject_id, fake, verified=True)
    recorded = refuse_third_party_marketing(world.use_case(DCO), request_id)
    assert recorded == 1  # mondago_marketing: Mondago's, and disclosed to Mondago
    states = consent_state_for(world.use_case(DCO), subject_id)  # type: ignore[arg-type]
    assert states[MONDAGO] is ConsentState.WITHDRAWN
    assert states[OURS] is ConsentState.GIVEN
    with world.uow() as uow:
        latest = list(uow.consents.events_for(subject_id))[-1:]  # type: ignore[arg-type]
    assert {(e.method, e.evidence_ref) for e in latest} == {(ConsentMethod.PORTAL, GPC_EVIDENCE)}
    assert _audited(world, subject_id) == [("mondago_marketing", "third_party")]
    assert refuse_third_party_marketing(world.use_case(DCO), request_id) == 0  # it stands


def test_nothing_is_recorded_before_identity_is_verified(world: World, fake: Faker) -> None:
    subject_id = _subject_with_consents(world, fake)
    request_id = _request(world, subject_id, fake, verified=False)
    assert refuse_third_party_marketing(world.use_case(DCO), request_id) == 0
    states = consent_state_for(world.use_case(DCO), subject_id)  # type: ignore[arg-type]
    assert states[MONDAGO] is ConsentState.GIVEN
    assert _audited(world, subject_id) == []
    nobody = _request(world, None, fake, verified=True)
    assert refuse_third_party_marketing(world.use_case(DCO), nobody) == 0
