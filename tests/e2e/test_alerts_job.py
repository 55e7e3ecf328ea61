"""The alerts job: the DCO e-mailed (aiosmtpd) the rights requests past their deadline, by id and
never by who made them; the same list not again within a day, a changed one at once."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from faker import Faker

from dataward.bootstrap import bootstrap
from dataward.config import Settings
from dataward.domain.clock import FixedClock
from dataward.domain.jobs import JobKind, JobState, NewJob
from dataward.domain.requests.workflow import RequestType
from dataward.domain.subjects import Actor
from dataward.services.jobs.submit import submit_job
from dataward.services.rights.intake import NewRequest, receive_request
from tests.e2e.conftest import Api, served

DCO = Actor(id="staff-dco", role="dco")


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, _server: object, _session: object, envelope: object) -> str:  # noqa: N802 - aiosmtpd's hook name
        content = envelope.content  # type: ignore[attr-defined]
        self.messages.append(message_from_bytes(content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


@pytest.fixture
def api(tmp_path: Path, clock: FixedClock, inbox: tuple[Inbox, int]) -> Iterator[Api]:
    settings = Settings(data_dir=tmp_path / "var", smtp_port=inbox[1])
    yield from served(bootstrap(settings, clock=clock))


def _alerts(api: Api) -> dict[str, object]:
    job = submit_job(
        api.container.use_case(DCO), NewJob(JobKind.ALERTS, DCO), api.container.dispatcher()
    )
    assert job.state is JobState.SUCCEEDED, job
    return dict(job.result)


def _overdue(api: Api, clock: FixedClock, name: str) -> str:
    view = receive_request(
        api.container.use_case(DCO),
        NewRequest(
            type=RequestType.ACCESS,
            received=clock.now().date() - timedelta(days=45),
            channel="post",
            contact_name=name,
        ),
    )
    return str(view.request.id)


def test_the_dco_is_told_what_is_overdue_once_a_day_and_at_once_when_it_changes(
    api: Api, clock: FixedClock, inbox: tuple[Inbox, int], fake: Faker
) -> None:
    box, _ = inbox
    assert _alerts(api)["sent"] is False  # nothing overdue, nothing sent
    name = fake.name()
    first = _overdue(api, clock, name)
    told = _alerts(api)
    assert (told["sent"], told["items"]) == (True, 1)
    (message,) = box.messages
    register = api.container.active_register.get(api.container.uow(read_only=True)).register
    assert message["To"] == register.contacts.data_compliance_officer.email
    body = str(message.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    assert first in body
    assert "overdue" in body
    assert name not in body
    assert all(part not in body for part in name.split() if len(part) > 3)

    assert _alerts(api)["sent"] is False  # the same list: not again today
    clock.advance(timedelta(hours=25))
    assert _alerts(api)["sent"] is True  # a day on, once more
    second = _overdue(api, clock, fake.name())
    again = _alerts(api)
    assert (again["sent"], again["items"]) == (True, 2)  # changed: at once
    assert second in str(box.messages[-1].get_body(("plain",)).get_content())  # type: ignore[union-attr]
