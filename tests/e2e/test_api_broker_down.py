"""The broker down and back, with RabbitMQ behind a relay the test can cut: the API answers,
`/readyz` says the broker is unreachable, a staged batch waits in the database as a queued job
(counted on `/metrics`), and once the broker is back the relay sends its id, which is all the
message carries, and the job runs."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from kombu import Connection

from dataward.adapters.jobs.broker import CeleryDispatcher
from dataward.bootstrap import bootstrap
from dataward.bootstrap_jobs import job_env, relay_jobs
from dataward.config import Settings
from dataward.domain.clock import FixedClock
from dataward.domain.jobs import Queue
from dataward.services.jobs.run import Ran, run_job
from tests.e2e.conftest import Api, served
from tests.samples import sample
from tests.support.tcp_proxy import TcpProxy

BROKER = os.environ.get("DATAWARD_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
QUEUE_LOG = "asterisk_queue_log__assembled_from_public_examples.txt"
TOKEN = "metrics-token-for-the-test"  # noqa: S105 - a test's own


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    where = urlsplit(BROKER)
    with TcpProxy(where.hostname or "127.0.0.1", where.port or 5672) as relay:
        yield relay


@pytest.fixture
def api(tmp_path: Path, clock: FixedClock, proxy: TcpProxy) -> Iterator[Api]:
    where = urlsplit(BROKER)
    through = where._replace(netloc=f"{where.username}:{where.password}@127.0.0.1:{proxy.port}")
    prefix = f"t{uuid.uuid4().hex[:10]}."
    settings = Settings(
        data_dir=tmp_path / "var",
        broker_url=through.geturl(),
        broker_queue_prefix=prefix,
        metrics_token=TOKEN,
    )
    try:
        yield from served(bootstrap(settings, clock=clock))
    finally:
        with Connection(BROKER) as broker, broker.channel() as channel:
            for queue in Queue:
                channel.queue_delete(f"{prefix}{queue.value}")
                channel.exchange_delete(f"{prefix}{queue.value}")


def _ready(api: Api, expected: int, seconds: float = 20) -> dict[str, object]:
    deadline = time.monotonic() + seconds
    while True:
        answer = api.client.get("/readyz")
        if answer.status_code == expected or time.monotonic() > deadline:
            assert answer.status_code == expected, answer.text
            found: dict[str, object] = answer.json()
            return found
        time.sleep(0.5)


def test_with_the_broker_down_the_api_answers_and_jobs_wait_for_it(
    api: Api, proxy: TcpProxy
) -> None:
    assert _ready(api, 200)["checks"] == {"database": "ok", "key_store": "ok", "broker": "ok"}

    proxy.down()
    down = _ready(api, 503)
    assert down["checks"] == {"database": "ok", "key_store": "ok", "broker": "unreachable"}
    staged = api.client.post(
        "/api/v1/tenants/tenant-a/calls",
        content=sample(QUEUE_LOG).read_bytes(),
        params={"background": "true"},
        headers={**api.as_("operator"), "Content-Type": "text/plain"},
    )
    assert staged.status_code == 202, staged.text
    job_id = staged.json()["id"]
    assert staged.json()["state"] == "queued"
    assert api.client.get("/api/v1/register").status_code == 200  # the API answers
    figures = api.client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).text
    assert 'dataward_jobs{kind="ingest",state="queued"} 1.0' in figures
    assert "dataward_figures_up 1.0" in figures
    assert relay_jobs(api.container, api.container.dispatcher()).waiting == 1

    proxy.up()
    assert _ready(api, 200)["checks"] == {"database": "ok", "key_store": "ok", "broker": "ok"}
    sender = api.container.dispatcher()
    assert isinstance(sender, CeleryDispatcher)
    with Connection(BROKER) as broker, broker.channel() as channel:
        for declared in sender.app.amqp.queues.values():  # every queue, as a worker does
            declared.bind(channel).declare()
    assert relay_jobs(api.container, sender).sent == 1
    prefix = api.container.settings.broker_queue_prefix
    with Connection(BROKER) as broker, broker.channel() as channel:
        for queue in Queue:  # on the ingest queue alone
            name = f"{prefix}{queue.value}"
            waiting = channel.queue_declare(name, passive=True).message_count
            assert waiting == (1 if queue is Queue.INGEST else 0), name
        message = channel.basic_get(f"{prefix}{Queue.INGEST.value}", no_ack=True)
    assert message is not None
    body = message.body if isinstance(message.body, str) else message.body.decode()
    assert job_id in body
    assert "07" not in body.replace(job_id, "")  # the id, and no number
    assert run_job(job_env(api.container), job_id).ran is Ran.SUCCEEDED
    done = api.client.get(f"/api/v1/jobs/{job_id}", headers=api.as_("operator")).json()
    assert done["result"]["stored"] == 4
