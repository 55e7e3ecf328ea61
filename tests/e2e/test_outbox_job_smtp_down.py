"""The outbox as a job with the mail server down, then refusing, then back (aiosmtpd on the
port the settings name): letters stay queued, each failure waits longer before the next try,
nothing is marked sent that the server did not take, and once it takes them they go once."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from faker import Faker
from sqlalchemy import func, select

from dataward.adapters.sql.rights.requests import outbox
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


class Server:
    """Takes a message when `accepting`, else refuses it with a passing failure (451)."""

    def __init__(self) -> None:
        self.accepting = False
        self.taken = 0

    async def handle_DATA(self, _server: object, _session: object, _envelope: object) -> str:  # noqa: N802 - aiosmtpd's hook name
        if not self.accepting:
            return "451 try again later"
        self.taken += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def port() -> int:
    return _free_port()


@pytest.fixture
def api(tmp_path: Path, clock: FixedClock, port: int) -> Iterator[Api]:
    settings = Settings(data_dir=tmp_path / "var", smtp_port=port)
    yield from served(bootstrap(settings, clock=clock))


def _outbox(api: Api) -> dict[str, object]:
    job = submit_job(
        api.container.use_case(DCO), NewJob(JobKind.OUTBOX, DCO), api.container.dispatcher()
    )
    assert job.state is JobState.SUCCEEDED, job
    return dict(job.result)


def _unsent(api: Api) -> tuple[int, int]:
    with api.container.engine.connect() as connection:
        row = connection.execute(
            select(func.count(), func.max(outbox.c.attempts)).where(outbox.c.sent_at.is_(None))
        ).one()
    return int(row[0]), int(row[1] or 0)


def test_with_smtp_down_letters_wait_and_go_once_it_is_back(
    api: Api, clock: FixedClock, port: int, fake: Faker
) -> None:
    receive_request(
        api.container.use_case(DCO),
        NewRequest(
            type=RequestType.ACCESS,
            received=clock.now().date(),
            channel="email",
            contact_email=fake.email(),
        ),
    )
    down = _outbox(api)  # nothing listens on the port
    assert (down["letters_sent"], down["letters_failed"]) == (0, 1)
    assert _unsent(api) == (1, 1)
    assert _outbox(api)["letters_failed"] == 0  # not due again yet: it waits

    server = Server()
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        clock.advance(timedelta(minutes=3))
        refused = _outbox(api)  # the server answers, and refuses it for now
        assert (refused["letters_sent"], refused["letters_failed"]) == (0, 1)
        assert _unsent(api) == (1, 2)
        assert server.taken == 0
        clock.advance(timedelta(minutes=1))
        assert _outbox(api)["letters_failed"] == 0  # the second wait is longer than a minute

        server.accepting = True
        clock.advance(timedelta(hours=1))
        sent = _outbox(api)
        assert (sent["letters_sent"], sent["letters_failed"]) == (1, 0)
        assert server.taken == 1
        assert _unsent(api) == (0, 0)
        assert _outbox(api)["letters_sent"] == 0  # sent once
    finally:
        controller.stop()
