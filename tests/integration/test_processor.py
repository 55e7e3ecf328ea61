"""Requests about a tenant's call data on real databases: forwarded to the tenant's controller
contact with a letter to it (through a real SMTP server) and one to the requester; then the
tenant's administrator instructs an export or an erasure of the caller, carried out and
recorded; nobody else may."""

from __future__ import annotations

from datetime import date
from email.message import EmailMessage

import pytest
from faker import Faker

from dataward.adapters.ingest.files import file_source
from dataward.adapters.mail.letters import render_letter
from dataward.adapters.mail.smtp import SmtpMailer, SmtpServer
from dataward.domain.errors import ActionNotAllowed, NotFound
from dataward.domain.requests.workflow import (
    RequestEvent,
    RequestRefused,
    RequestState,
    RequestType,
)
from dataward.domain.subjects import Actor
from dataward.services.calls.ingest import IngestCalls, ingest
from dataward.services.organisation.tenants import ControllerContact, NewTenant, create_tenant
from dataward.services.rights.intake import NewRequest, receive_request
from dataward.services.rights.outbox import deliver
from dataward.services.rights.processor import (
    Instruction,
    carry_out_instruction,
    forward_to_controller,
)
from dataward.services.rights.requests import Step, advance, request_timeline
from dataward.services.subjects.registry import FindSubject, find_subject
from tests.builders import SAMPLE_RETENTION
from tests.integration.test_letters import Inbox, smtp  # noqa: F401 - the SMTP fixture
from tests.integration.world import World
from tests.samples import sample

DCO = Actor(id="staff-dco", role="dco")
OPERATOR = Actor(id="staff-operator", role="operator")
TENANT = "tenant-c"
ADMIN = Actor(id="admin-c", role="tenant_admin", tenant_id=TENANT)
OTHER_ADMIN = Actor(id="admin-a", role="tenant_admin", tenant_id="tenant-a")
QUEUE_LOG = "asterisk_queue_log__assembled_from_public_examples.txt"


def _tenant(world: World, fake: Faker, *, contact: bool = True) -> str:
    controller = ControllerContact(name=fake.name(), email=fake.email()) if contact else None
    create_tenant(
        world.use_case(DCO),
        NewTenant(name="Tenant C", id=TENANT, contact=controller, call_retention=SAMPLE_RETENTION),
    )
    return controller.email if controller else ""


def _caller(world: World) -> str:
    ingest(world.use_case(OPERATOR), IngestCalls(TENANT, [file_source(sample(QUEUE_LOG))]))
    found = find_subject(
        world.uow(), world.vault, FindSubject("phone", "01632 960001", tenant_id=TENANT)
    )
    assert found is not None
    return str(found.id)


def _receive(world: World, fake: Faker, subject: str | None = None, **kw: object):  # type: ignore[no-untyped-def]
    return receive_request(
        world.use_case(DCO),
        NewRequest(
            type=RequestType.ERASURE,
            received=date(2026, 11, 25),
            channel="email",
            tenant_id=TENANT,
            subject_id=subject,  # type: ignore[arg-type]
            contact_email=fake.email(),
            contact_name=fake.name(),
        ),
        **kw,  # type: ignore[arg-type]
    )


def _forward(world: World, request_id: object, actor: Actor = DCO):  # type: ignore[no-untyped-def]
    return forward_to_controller(world.use_case(actor), str(request_id))


def test_a_forward_writes_to_the_controller_and_tells_the_requester(
    world: World,
    fake: Faker,
    smtp: tuple[Inbox, int],  # noqa: F811 - the fixture imported above
) -> None:
    inbox, port = smtp
    controller_email = _tenant(world, fake)
    view = _receive(world, fake, forward_within=3)
    assert view.due == date(2026, 11, 30)  # Wed 25 Nov + 3 working days (Thu, Fri, Mon)
    forwarded = _forward(world, view.request.id)
    assert forwarded.request.state is RequestState.FORWARDED_TO_CONTROLLER
    deliver(
        world.use_case(DCO),
        SmtpMailer(SmtpServer("127.0.0.1", port), "dco@example.org"),
        render_letter,
    )
    to = {m["To"]: m for m in inbox.messages}
    assert controller_email in to
    notice = to[controller_email]
    assert isinstance(notice, EmailMessage)
    body = str(notice.get_content())
    assert str(view.request.id) in body
    assert "erasure" in body
    requesters = [m for m in inbox.messages if m["To"] != controller_email]
    subjects = sorted(str(m["Subject"]).split(" (")[0] for m in requesters)
    assert subjects == [
        "We have received your request",
        "Your request has gone to the organisation responsible",
    ]
    _, events, letters = request_timeline(world.use_case(DCO), view.request.id)
    assert [e.event for e in events] == [RequestEvent.RECEIVE, RequestEvent.FORWARD]
    assert {x.letter for x in letters} == {
        "acknowledgement",
        "forwarded_to_controller",
        "controller_notice",
    }


def test_a_forward_needs_a_controller_contact_and_the_processor_route(
    world: World, fake: Faker
) -> None:
    _tenant(world, fake, contact=False)
    view = _receive(world, fake)
    with pytest.raises(RequestRefused, match="no controller contact"):
        _forward(world, view.request.id)
    with pytest.raises(RequestRefused, match="forward_to_controller"):
        advance(world.use_case(DCO), str(view.request.id), Step(RequestEvent.FORWARD))
    found = request_timeline(world.use_case(DCO), view.request.id)[0]
    assert found.request.state is RequestState.RECEIVED


def test_the_tenant_admin_instructs_an_export_then_an_erasure(world: World, fake: Faker) -> None:
    _tenant(world, fake)
    caller = _caller(world)
    view = _receive(world, fake, subject=caller)

    def instruct(kind: Instruction, actor: Actor = ADMIN):  # type: ignore[no-untyped-def]
        return carry_out_instruction(world.use_case(actor), str(view.request.id), kind)

    with pytest.raises(RequestRefused, match="forwarded"):
        instruct(Instruction.EXPORT)
    _forward(world, view.request.id)
    with pytest.raises((NotFound, ActionNotAllowed)):
        instruct(Instruction.ERASE, OTHER_ADMIN)  # another tenant's administrator
    exported = instruct(Instruction.EXPORT)
    assert exported.outcome == {"calls": 1, "quarantined_lines": 0}
    (call,) = exported.calls
    assert call.caller.number == "+441632960001"
    erased = instruct(Instruction.ERASE)
    assert erased.outcome["key_destroyed"] is True
    assert erased.outcome["removed"]["calls"] == 1
    with world.uow() as uow:
        subject = uow.subjects.get(caller)
        assert subject is not None
        assert subject.erased
        kinds = [kind for kind, *_ in uow.requests.instructions_of(view.request.id)]
        audited = [e for e in uow.audit.iter_entries() if e.action == "controller_instruction"]
    assert kinds == ["export", "erase"]
    assert [e.decision for e in audited] == ["export", "erase"]
    assert all("+44" not in str(e.details) for e in audited)
