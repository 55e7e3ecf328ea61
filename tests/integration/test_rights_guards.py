"""What must not happen when a right is carried out, tried on real databases: our staff
carrying out a tenant's request (the tenant is the controller), a package that could reach
nobody, a request's restriction lifted on a date staff assert, another tenant's request
confirmed to exist. Each refusal happens before anything is changed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from faker import Faker

from dataward.adapters.documents.subject_export import render_export
from dataward.adapters.ingest.files import file_source
from dataward.adapters.mail.letters import render_letter
from dataward.adapters.mail.smtp import SmtpMailer, SmtpServer
from dataward.domain.calendar import bank_holidays
from dataward.domain.errors import NotFound, RestrictionRefused
from dataward.domain.requests.workflow import RequestRefused, RequestState, RequestType
from dataward.domain.subjects import Actor
from dataward.services.calls.ingest import IngestCalls, ingest
from dataward.services.organisation.tenants import ControllerContact, NewTenant, create_tenant
from dataward.services.processing.restrictions import LiftRestriction, lift_restriction
from dataward.services.rights.access import fulfil_access
from dataward.services.rights.delivery import Delivery
from dataward.services.rights.erasure import fulfil_erasure
from dataward.services.rights.intake import NewRequest
from dataward.services.rights.outbox import deliver
from dataward.services.rights.processor import (
    Instruction,
    carry_out_instruction,
    forward_to_controller,
)
from dataward.services.rights.requests import request_timeline
from dataward.services.rights.restriction import fulfil_restriction, tell_before_lifting
from dataward.services.subjects.registry import (
    FindSubject,
    NewSubject,
    create_subject,
    find_subject,
)
from tests.builders import SAMPLE_RETENTION, TENANT_A
from tests.integration.test_letters import Inbox, smtp  # noqa: F401 - the SMTP fixture
from tests.integration.world import World
from tests.samples import sample

DCO = Actor(id="staff-dco", role="dco")
OPERATOR = Actor(id="staff-operator", role="operator")
ADMIN_A = Actor(id="admin-a", role="tenant_admin", tenant_id=TENANT_A)
HOLIDAYS = bank_holidays()
QUEUE_LOG = "asterisk_queue_log__assembled_from_public_examples.txt"


def _caller_of_a(world: World) -> str:
    ingest(world.use_case(OPERATOR), IngestCalls(TENANT_A, [file_source(sample(QUEUE_LOG))]))
    found = find_subject(
        world.uow(), world.vault, FindSubject("phone", "01632 960001", tenant_id=TENANT_A)
    )
    assert found is not None
    return str(found.id)


def test_our_staff_cannot_carry_out_a_tenants_request(world: World, fake: Faker) -> None:
    caller = _caller_of_a(world)
    request_id = world.working_request(
        ADMIN_A,
        NewRequest(
            type=RequestType.ERASURE,
            received=date(2026, 11, 25),
            channel="email",
            tenant_id=TENANT_A,
            subject_id=caller,
            contact_email=fake.email(),
        ),  # type: ignore[arg-type]
    )
    with pytest.raises(RequestRefused, match="answered by the tenant"):
        fulfil_erasure(world.use_case(DCO), request_id)
    with world.uow() as uow:
        subject = uow.subjects.get(caller)
    assert subject is not None
    assert not subject.erased  # refused before anything was done
    view, _, _ = request_timeline(world.use_case(ADMIN_A), request_id)
    assert view.request.state is RequestState.IN_PROGRESS
    assert view.request.subject_id is not None
    done = fulfil_erasure(world.use_case(ADMIN_A), request_id)
    assert done.key_destroyed  # the tenant, its controller, may


def test_another_tenants_request_is_not_found_for_forwarding_or_instructions(
    world: World, fake: Faker
) -> None:
    create_tenant(
        world.use_case(DCO),
        NewTenant(
            name="Tenant C",
            id="tenant-c",
            call_retention=SAMPLE_RETENTION,
            contact=ControllerContact(name=fake.name(), email=fake.email()),
        ),
    )
    theirs = world.working_request(
        DCO,
        NewRequest(
            type=RequestType.ACCESS,
            received=date(2026, 11, 25),
            channel="email",
            contact_email=fake.email(),
        ),
    )
    for attempt in (
        lambda: forward_to_controller(world.use_case(ADMIN_A), str(theirs)),
        lambda: carry_out_instruction(world.use_case(ADMIN_A), str(theirs), Instruction.ERASE),
    ):
        with pytest.raises(NotFound):  # the same answer as for a request that does not exist
            attempt()


def test_a_package_that_could_reach_nobody_is_refused_before_it_is_made(
    world: World, fake: Faker
) -> None:
    subject = create_subject(
        world.use_case(DCO), NewSubject(kind="end_user", identifiers=[("email", fake.email())])
    )
    request_id = world.working_request(
        DCO,
        NewRequest(
            type=RequestType.ACCESS,
            received=date(2026, 11, 25),
            channel="post",
            subject_id=subject.id,
        ),
    )
    with pytest.raises(RequestRefused, match="no e-mail address"):
        fulfil_access(
            world.use_case(DCO), request_id, Delivery("https://privacy.example.test", render_export)
        )
    view, _, _ = request_timeline(world.use_case(DCO), request_id)
    assert view.request.state is RequestState.IN_PROGRESS
    with world.uow() as uow:
        assert list(uow.downloads.for_request(str(request_id))) == []


def test_a_requests_restriction_is_lifted_only_after_its_letter(world: World, fake: Faker) -> None:
    subject = create_subject(
        world.use_case(DCO),
        NewSubject(kind="customer_contact", identifiers=[("email", fake.email())]),
    )

    def restricted(**contact: str) -> object:
        request_id = world.working_request(
            DCO,
            NewRequest(
                type=RequestType.RESTRICTION,
                received=date(2026, 11, 25),
                channel="email",
                subject_id=subject.id,
                scope="accuracy_contested",
                **contact,
            ),  # type: ignore[arg-type]
        )
        return fulfil_restriction(world.use_case(DCO), request_id)

    with_address = restricted(contact_email=fake.email())
    asserted = LiftRestriction(with_address.id, world.clock.now() - timedelta(days=1))  # type: ignore[attr-defined]
    with pytest.raises(RestrictionRefused, match="tell-lifting"):
        lift_restriction(world.use_case(DCO), asserted)
    without = restricted()
    with pytest.raises(RestrictionRefused, match="no address"):
        tell_before_lifting(world.use_case(DCO), without.id)  # type: ignore[attr-defined]
    told = world.clock.now() - timedelta(hours=1)  # told by phone, say: staff record when
    lifted = lift_restriction(
        world.use_case(DCO),
        LiftRestriction(without.id, told),  # type: ignore[attr-defined]
    )
    assert lifted.subject_told_at == told


def test_the_controller_is_written_to_when_the_requester_gave_no_address(
    world: World,
    fake: Faker,
    smtp: tuple[Inbox, int],  # noqa: F811 - the fixture imported above
) -> None:
    inbox, port = smtp
    controller = fake.email()
    create_tenant(
        world.use_case(DCO),
        NewTenant(
            name="Tenant C",
            id="tenant-c",
            call_retention=SAMPLE_RETENTION,
            contact=ControllerContact(name=fake.name(), email=controller),
        ),
    )
    from dataward.services.rights.intake import receive_request

    view = receive_request(
        world.use_case(DCO),
        NewRequest(
            type=RequestType.ACCESS,
            received=date(2026, 11, 25),
            channel="phone",
            tenant_id="tenant-c",
        ),
    )
    forward_to_controller(world.use_case(DCO), str(view.request.id))
    sent = deliver(
        world.use_case(DCO),
        SmtpMailer(SmtpServer("127.0.0.1", port), "dco@example.org"),
        render_letter,
    )
    assert sent.sent == 1
    assert [m["To"] for m in inbox.messages] == [controller]


def test_an_erasure_whose_completion_failed_is_completed_on_the_retry(
    world: World, fake: Faker, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataward.services.rights.erasure as erasure_module
    from dataward.domain.errors import WriteConflict

    email = fake.email()
    subject = create_subject(
        world.use_case(DCO), NewSubject(kind="marketing_contact", identifiers=[("email", email)])
    )
    request_id = world.working_request(
        DCO,
        NewRequest(
            type=RequestType.ERASURE,
            received=date(2026, 11, 25),
            channel="email",
            subject_id=subject.id,
            contact_email=email,
        ),
    )
    real = erasure_module.advance

    def conflict(*_args: object, **_kw: object) -> object:
        raise WriteConflict("the request was changed meanwhile: read it again")

    monkeypatch.setattr(erasure_module, "advance", conflict)
    with pytest.raises(WriteConflict):
        fulfil_erasure(world.use_case(DCO), request_id)
    with world.uow() as uow:
        erased = uow.subjects.get(subject.id)
    assert erased is not None
    assert erased.erased  # the shred went through; the completion did not
    monkeypatch.setattr(erasure_module, "advance", real)
    again = fulfil_erasure(world.use_case(DCO), request_id)
    assert again.notes == ["erased earlier; the request is completed now"]
    view, _, _ = request_timeline(world.use_case(DCO), request_id)
    assert view.request.state is RequestState.COMPLETED
    assert view.outcome is not None
    assert view.outcome["key_destroyed"] is True


def test_a_partial_erasure_completed_on_the_retry_dates_each_term_as_it_was_dated(
    world: World, fake: Faker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last transaction given with the request (not recorded for the subject) still dates
    the law's term when the completion is retried: the letter states what the hold was."""
    import dataward.services.rights.erasure as erasure_module
    from dataward.domain.errors import WriteConflict

    values = {"name": fake.name(), "postal_address": fake.address(), "email": fake.email()}
    subject = create_subject(
        world.use_case(DCO),
        NewSubject(
            kind="end_user", identifiers=list(values.items()), relationship_end=date(2026, 3, 31)
        ),
    )
    request_id = world.working_request(
        DCO,
        NewRequest(
            type=RequestType.ERASURE,
            received=date(2026, 11, 25),
            channel="email",
            subject_id=subject.id,
            contact_email=values["email"],
        ),
    )
    real = erasure_module.advance

    def conflict(*_args: object, **_kw: object) -> object:
        raise WriteConflict("the request was changed meanwhile: read it again")

    monkeypatch.setattr(erasure_module, "advance", conflict)
    with pytest.raises(WriteConflict):
        fulfil_erasure(world.use_case(DCO), request_id, last_transaction=date(2026, 3, 15))
    monkeypatch.setattr(erasure_module, "advance", real)
    again = fulfil_erasure(world.use_case(DCO), request_id)
    assert again.notes == ["erased earlier; the request is completed now"]
    assert again.kept is not None
    assert again.kept.until == date(2033, 3, 31)
    # the financial year (to 31 December) of 15 March 2026 ends 31 December 2026
    grounds = {item.ground for item in again.not_done}
    assert len(grounds) == 1
    (ground,) = grounds
    assert "last transaction, until 31 December 2032;" in ground
    assert "end of the relationship, until 31 March 2033;" in ground
