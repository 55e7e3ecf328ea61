"""Liveness, readiness and metrics: /healthz answers whatever the database does; /readyz is 503
while the database or the key store does not answer, naming which in fixed words and no host;
/metrics counts requests by route template (never a path as sent, which can carry a link's
token) and is served only with its token, or to loopback clients."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dataward.bootstrap import bootstrap
from dataward.config import Settings
from dataward.domain.clock import FixedClock
from dataward.entrypoints.api.app import create_app
from dataward.installation import initialise
from tests.builders import NOW

NOWHERE = "postgresql+psycopg://nobody@127.0.0.1:9/nowhere"
"""A database no one answers at (the discard port): refused at once."""
TOKEN = "metrics-token-for-the-test"  # noqa: S105 - a test's own


def _client(settings: Settings, *, initialised: bool = True) -> Iterator[TestClient]:
    container = bootstrap(settings, clock=FixedClock(NOW))
    if initialised:
        initialise(container)
    with TestClient(create_app(container)) as client:
        yield client
    container.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[TestClient]:
    yield from _client(Settings(data_dir=tmp_path / "var", metrics_token=TOKEN))


def test_a_ready_server_says_so(served: TestClient) -> None:
    assert served.get("/healthz").json() == {"status": "ok"}
    ready = served.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "key_store": "ok"}


@pytest.mark.parametrize("down", ["database_url", "keystore_url"])
def test_readiness_names_the_dependency_that_does_not_answer(tmp_path: Path, down: str) -> None:
    var = tmp_path / "var"
    var.mkdir()
    (var / "master.key").write_text("")  # never read: no key is asked for
    settings = Settings(data_dir=var, **{down: NOWHERE})
    for client in _client(settings, initialised=False):
        assert client.get("/healthz").status_code == 200  # alive all the same
        answer = client.get("/readyz")
        assert answer.status_code == 503
        checks = answer.json()["checks"]
        failed = "database" if down == "database_url" else "key_store"
        assert checks[failed] == "unreachable"
        assert checks["key_store" if failed == "database" else "database"] == "ok"
        assert "127.0.0.1" not in answer.text
        assert "nobody" not in answer.text


def test_metrics_count_routes_by_template_never_the_path_sent(served: TestClient) -> None:
    secret = "dl_" + "s3cr3t" * 8
    served.get("/api/v1/register")
    served.get(f"/api/v1/public/downloads/{secret}")
    served.get(f"/no/such/{secret}")
    refused = served.get("/metrics")
    assert refused.status_code == 401
    wrong = served.get("/metrics", headers={"Authorization": "Bearer wrong"})
    assert wrong.status_code == 401
    text = served.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).text
    assert (
        'dataward_http_requests_total{method="GET",route="/api/v1/register",status="200"}' in text
    )
    assert 'route="/api/v1/public/downloads/{token}"' in text
    assert 'route="unmatched"' in text
    assert "s3cr3t" not in text
    assert "dataward_http_request_duration_seconds_bucket" in text


def test_without_a_token_only_loopback_clients_read_the_metrics(tmp_path: Path) -> None:
    container = bootstrap(Settings(data_dir=tmp_path / "var"), clock=FixedClock(NOW))
    initialise(container)
    app = create_app(container)
    with TestClient(app, client=("127.0.0.1", 40000)) as local:
        assert local.get("/metrics").status_code == 200
    with TestClient(app, client=("192.0.2.7", 40000)) as remote:
        assert remote.get("/metrics").status_code == 401
        guessed = remote.get("/metrics", headers={"Authorization": "Bearer anything"})
        assert guessed.status_code == 401
    container.close()
