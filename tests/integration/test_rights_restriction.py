"""A restriction request carried out on real databases: the gate then allows storage only;
the restriction is lifted only after the letter telling the person has gone (Art. 18(3))."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from faker import Faker

from dataward.adapters.mail.letters import render_letter
from dataward.adapters.mail.smtp import SmtpMailer, SmtpServer
from dataward.domain.calendar import bank_holidays
from dataward.domain.errors import AccessDenied, ActionNotAllowed, RestrictionRefused
from dataward.domain.processing.gate import Gate
from dataward.domain.requests.workflow import (
    RequestEvent,
    RequestRefused,
    RequestState,
    RequestType,
)
from dataward.domain.subjects import Actor
from dataward.services.processing.disclosure import ReadIdentifiers, read_identifiers
from dataward.services.processing.gate import Authorize, authorize
from dataward.services.rights import restriction as restriction_module
from dataward.services.rights.intake import NewRequest, receive_request
from dataward.services.rights.outbox import deliver
from dataward.services.rights.requests import Step, advance, request_timeline
from dataward.services.rights.restriction import (
    fulfil_restriction,
    lift_after_telling,
    tell_before_lifting,
)
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.builders import EVIDENCE
from tests.integration.test_letters import Inbox, smtp  # noqa: F401 - the SMTP fixture
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")
SUPPORT = Actor(id="staff-support", role="support")
HOLIDAYS = bank_holidays()


def test_a_restriction_holds_until_the_person_is_told_it_will_be_lifted(
    world: World,
    fake: Faker,
    smtp: tuple[Inbox, int],  # noqa: F811 - the fixture imported above
) -> None:
    inbox, port = smtp
    email = fake.email()
    subject = create_subject(
        world.use_case(DCO), NewSubject(kind="customer_contact", identifiers=[("email", email)])
    )
    view = receive_request(
        world.use_case(DCO),
        NewRequest(
            type=RequestType.RESTRICTION,
            received=date(2026, 11, 25),
            channel="email",
            contact_email=email,
            scope="accuracy_contested",
        ),
    )
    request_id = view.request.id
    gate = Gate(world.register)

    def read() -> object:
        return read_identifiers(
            world.uow(),
            world.vault,
            gate,
            DCO,
            ReadIdentifiers(subject.id, "correspondence", world.clock.now()),
        )

    def fulfil() -> object:
        return fulfil_restriction(world.use_case(DCO), request_id)

    read()  # before: correspondence may read the address
    with pytest.raises(RequestRefused, match="start the request"):
        fulfil()
    for event in (RequestEvent.ASK_IDENTITY, RequestEvent.IDENTITY_VERIFIED, RequestEvent.START):
        advance(world.use_case(DCO), request_id, Step(event, reason=EVIDENCE.get(event)))
    world.clock.advance(timedelta(minutes=1))
    restriction = fulfil()
    assert restriction.ground.value == "accuracy_contested"  # type: ignore[attr-defined]
    with pytest.raises(AccessDenied):
        read()  # restricted: storage only
    done, _, _ = request_timeline(world.use_case(DCO), request_id)
    assert done.request.state is RequestState.COMPLETED
    rid = restriction.id  # type: ignore[attr-defined]
    with pytest.raises(RestrictionRefused, match="tell them first"):
        lift_after_telling(world.use_case(DCO), rid)
    with pytest.raises(ActionNotAllowed):
        tell_before_lifting(world.use_case(SUPPORT), rid)
    tell_before_lifting(world.use_case(DCO), rid)
    with pytest.raises(RestrictionRefused, match="tell them first"):  # queued is not told
        lift_after_telling(world.use_case(DCO), rid)
    world.clock.advance(timedelta(hours=1))
    deliver(
        world.use_case(DCO),
        SmtpMailer(SmtpServer("127.0.0.1", port), "dco@example.org"),
        render_letter,
    )
    lifting = [m for m in inbox.messages if "will be lifted" in str(m["Subject"])]
    assert [m["To"] for m in lifting] == [email]
    world.clock.advance(timedelta(days=7))
    lifted = lift_after_telling(world.use_case(DCO), rid)
    assert lifted.subject_told_at is not None
    assert lifted.lifted_at is not None
    assert lifted.subject_told_at < lifted.lifted_at
    read()  # lifted: correspondence reads again
    with pytest.raises(RestrictionRefused, match="already lifted"):
        lift_after_telling(world.use_case(DCO), rid)


def test_our_staff_do_not_tell_a_tenants_caller_their_restriction_will_be_lifted(
    world: World, fake: Faker
) -> None:
    """The tenant restricted its caller on the request it recorded; telling the caller the
    restriction will be lifted is the tenant's too, not our DCO's (Art. 28(3)(a))."""
    tenant = "tenant-a"
    admin = Actor(id="admin-a", role="tenant_admin", tenant_id=tenant)
    caller = create_subject(
        world.use_case(admin),
        NewSubject(kind="caller", tenant_id=tenant, identifiers=[("phone", "07700 900456")]),
    )
    request_id = world.working_request(
        admin,
        NewRequest(
            type=RequestType.RESTRICTION,
            received=date(2026, 11, 25),
            channel="email",
            tenant_id=tenant,
            subject_id=caller.id,
            contact_email=fake.email(),
            scope="accuracy_contested",
        ),
    )
    fulfil_restriction(world.use_case(admin), request_id)
    with world.uow() as uow:
        (restriction,) = uow.restrictions.for_subject(caller.id)
        letters_before = list(uow.requests.letters_of(request_id))
    with pytest.raises(ActionNotAllowed, match="restricted, and its restriction lifted"):
        tell_before_lifting(world.use_case(DCO), restriction.id)
    with world.uow() as uow:
        assert list(uow.requests.letters_of(request_id)) == letters_before


def test_a_restriction_lands_whole_or_not_at_all(
    world: World, fake: Faker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One transaction for the restriction: it, its notices to the recipients and its audit
    entry are rolled back when its last step (completing the request) fails, and the request
    can be carried out again, restricting once."""
    email = fake.email()
    subject = create_subject(
        world.use_case(DCO),
        NewSubject(kind="end_user", identifiers=[("email", email)]),
    )
    gate = Gate(world.register)
    assert authorize(  # a disclosure: its recipients are told of the restriction
        world.use_case(SUPPORT), gate, Authorize(subject.id, "contact", "correspondence")
    ).allowed
    request_id = world.working_request(
        DCO,
        NewRequest(
            type=RequestType.RESTRICTION,
            received=date(2026, 11, 25),
            channel="email",
            subject_id=subject.id,
            contact_email=email,
            scope="accuracy_contested",
        ),
    )

    def last_step_fails(*_args: object, **_kw: object) -> None:
        raise RuntimeError("the request could not be completed")

    with monkeypatch.context() as patch:
        patch.setattr(restriction_module, "advance", last_step_fails)
        with pytest.raises(RuntimeError, match="could not be completed"):
            fulfil_restriction(world.use_case(DCO), request_id)
    with world.uow() as uow:
        assert list(uow.restrictions.for_subject(subject.id)) == []
        assert [e for e in uow.audit.iter_entries() if e.action == "restriction_applied"] == []
    assert authorize(  # not restricted
        world.use_case(SUPPORT), gate, Authorize(subject.id, "contact", "correspondence")
    ).allowed
    view, _, letters = request_timeline(world.use_case(DCO), request_id)
    assert view.request.state is RequestState.IN_PROGRESS
    assert "recipient_notice" not in {x.letter for x in letters}

    restriction = fulfil_restriction(world.use_case(DCO), request_id)
    with world.uow() as uow:
        assert list(uow.restrictions.for_subject(subject.id)) == [restriction]
    view, _, letters = request_timeline(world.use_case(DCO), request_id)
    assert view.request.state is RequestState.COMPLETED
    assert view.outcome is not None
    assert view.outcome["recipients_told"] == ["group_companies", "service_providers"]
    assert [x.letter for x in letters].count("recipient_notice") == 2
