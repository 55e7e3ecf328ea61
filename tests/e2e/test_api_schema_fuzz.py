"""Every operation of the API's own OpenAPI document, fed generated input (schemathesis).

Each generated request goes in twice: as the DCO, and as a tenant administrator with the
path's tenant, subject and request ids swapped for real ones, so the use cases are reached and
not only the 404 of an unknown id. The installation is a throwaway one, so erasure and the
rest are hit with random data. Whatever comes in: never a 5xx; an answer in the document's
shape where it documents one; an error of the JSON API in the one shape, not echoing what was
sent; an HTML page never a 5xx either.

Bounded so it runs in seconds: a few examples per operation (`DATAWARD_FUZZ_EXAMPLES`, 6 by
default; more for a deeper run by hand), derandomised, no shrinking, no example database.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from faker import Faker
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, settings
from schemathesis import Case
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import response_schema_conformance

from dataward.bootstrap import Container, bootstrap
from dataward.config import Settings
from dataward.domain.clock import FixedClock
from dataward.domain.subjects import Actor
from dataward.entrypoints.api.app import create_app
from dataward.services.setup import initialise
from dataward.services.staff import issue_token
from tests.builders import a_tenant

SETUP = Actor(id="fuzz-setup", role="dco")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
TENANT = "tenant-a"
EXAMPLES = int(os.environ.get("DATAWARD_FUZZ_EXAMPLES", "6"))
ECHO_MIN = 8
"""A string sent this long and found in an error is an echo, not a coincidence."""
CALLS = "\n".join(
    [
        "1764000000|1764000000.1|sales|NONE|ENTERQUEUE||01632960001|1",
        "1764000010|1764000000.1|sales|SIP/2001|CONNECT|10|1764000000.2|3",
        "1764000070|1764000000.1|sales|SIP/2001|COMPLETECALLER|10|60|1",
        "1764000100x|1764000100.1|sales|NONE|ENTERQUEUE||01632960002|1",
    ]
)
"""One answered queue call (a drama-range number) and a bad line for the quarantine."""


class Installation:
    """A real embedded installation: two tenants, a DCO's and a tenant administrator's
    tokens, a caller with a call and a quarantined line, a request about the caller."""

    def __init__(self, folder: Path) -> None:
        self.container: Container = bootstrap(Settings(data_dir=folder), clock=FixedClock(NOW))
        initialise(self.container)
        with self.container.uow() as uow:
            for tenant_id in (TENANT, "tenant-b"):
                uow.tenants.add(a_tenant(tenant_id))
            uow.commit()
        register = self.container.active_register.get(self.container.uow(read_only=True))
        self.tokens = {
            who: issue_token(
                self.container.uow(),
                self.container.clock,
                register.register,
                SETUP,
                actor_id=who,
                role=role,
                tenant_id=tenant,
            ).token
            for who, role, tenant in (("dco", "dco", None), ("admin", "tenant_admin", TENANT))
        }
        self.app = create_app(self.container)
        self.ids = {"tenant_id": TENANT, **self._seed()}

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def _seed(self) -> dict[str, str]:
        fake = Faker("en_GB")
        fake.seed_instance(7)
        admin = self.headers("admin")
        with TestClient(self.app) as client:
            landed = client.post(
                f"/api/v1/tenants/{TENANT}/calls",
                params={"format": "asterisk-queue-log", "quarantine": "true"},
                content=CALLS.encode(),
                headers={**admin, "Content-Type": "text/plain"},
            )
            assert landed.status_code == 201, landed.text
            caller = client.post(
                "/api/v1/subjects/lookup",
                json={
                    "type": "phone",
                    "value": "01632 960001",
                    "purpose": "telephony_reporting",
                    "tenant_id": TENANT,
                },
                headers=admin,
            )
            assert caller.status_code == 200, caller.text
            request = client.post(
                "/api/v1/requests",
                json={
                    "type": "access",
                    "received": "2026-11-20",
                    "tenant_id": TENANT,
                    "subject_id": caller.json()["id"],
                    "contact_email": fake.email(),
                },
                headers=admin,
            )
            assert request.status_code == 201, request.text
        return {"subject_id": caller.json()["id"], "request_id": request.json()["id"]}


@pytest.fixture(scope="module")
def installation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installation]:
    made = Installation(tmp_path_factory.mktemp("fuzz") / "var")
    yield made
    made.container.close()


def _document() -> dict[str, Any]:
    """The API's OpenAPI document, from an app whose database is never opened."""
    container = bootstrap(Settings(database_url="sqlite://"), clock=FixedClock(NOW))
    try:
        document: dict[str, Any] = create_app(container).openapi()
    finally:
        container.close()
    return document


DOCUMENT = _document()
schema = schemathesis.openapi.from_dict(DOCUMENT)


def _strings(value: Any, found: set[str], keys: set[str]) -> None:
    if isinstance(value, str):
        found.add(value)
    elif isinstance(value, dict):
        keys.update(str(k) for k in value)
        for item in value.values():
            _strings(item, found, keys)
    elif isinstance(value, list | tuple):
        for item in value:
            _strings(item, found, keys)


def _words_of_the_api() -> set[str]:
    """Every string the OpenAPI document holds (enum values, defaults, names): an error may
    say those, as it names a field."""
    found: set[str] = set()
    keys: set[str] = set()
    _strings(DOCUMENT, found, keys)
    return found | keys


API_WORDS = _words_of_the_api()


def _sent(case: Case, ours: set[str]) -> set[str]:
    """Every string value the request carried that could be anything: not a key (naming a
    field is allowed), not one of the API's own words, not one of the ids seeded."""
    found: set[str] = set()
    keys: set[str] = set()
    for part in (case.path_parameters, case.query, case.body):
        _strings(part, found, keys)
    return {s for s in found if len(s.strip()) >= ECHO_MIN and s not in keys | API_WORDS | ours}


def _check(case: Case, response: Response, sent: set[str]) -> None:
    where = f"{case.method} {case.formatted_path} -> {response.status_code}"
    assert response.status_code < 500, f"{where}: {response.text[:500]}"
    if not case.operation.path.startswith("/api/"):
        return  # an HTML page: no 5xx is all it promises
    case.validate_response(response, checks=[response_schema_conformance])
    if response.status_code < 400:
        return
    body = json.loads(response.content)
    assert set(body) == {"error"}, where
    error = body["error"]
    assert set(error) == {"code", "message", "details"}, where
    assert isinstance(error["code"], str), where
    assert isinstance(error["message"], str), where
    assert isinstance(error["details"], list), where
    echoed = [s for s in sent if s in response.text]
    assert not echoed, f"{where}: echoes what was sent: {response.text[:500]}"


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_input_gives_a_5xx_or_an_error_outside_the_one_shape(
    case: Case, installation: Installation
) -> None:
    ours = set(installation.ids.values())
    dco = case.call(headers=installation.headers("dco"), app=installation.app)
    _check(case, dco, _sent(case, ours))
    for name in ("tenant_id", "subject_id", "request_id"):
        if name in (case.path_parameters or {}):
            case.path_parameters[name] = installation.ids[name]
    admin = case.call(headers=installation.headers("admin"), app=installation.app)
    _check(case, admin, _sent(case, ours))
