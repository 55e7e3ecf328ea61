"""At the doors: a tenant's call retention out of bounds is refused by its field (API 422,
command line exit 2) instead of failing every later erasure in the tenant with a 500; and a
request whose key batch the sweep claimed is answered 503, retryable, in the one error shape,
naming no batch."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from dataward.adapters.sql.uow import SqlUnitOfWork
from dataward.adapters.vault.keystore import SqlVault
from dataward.domain.clock import FixedClock
from dataward.entrypoints.api.app import create_app
from dataward.entrypoints.cli.main import app
from dataward.services.keys.orphans import GRACE, destroy_orphan_keys
from dataward.services.organisation.staff import IssueToken, issue_token
from dataward.services.subjects.registry import FindSubject, find_subject
from tests.e2e.conftest import SETUP, Api

runner = CliRunner()
CALLS = (
    "1764000000|1764000000.1|sales|NONE|ENTERQUEUE||01632960001|1\n"
    "1764000010|1764000000.1|sales|NONE|ABANDON|1|1|10\n"
)


@pytest.mark.parametrize("retention", ["P8000Y", "P101Y", "P0D", "P99999999999999999999Y"])
def test_the_api_refuses_a_call_retention_out_of_bounds(api: Api, retention: str) -> None:
    answer = api.client.post(
        "/api/v1/tenants",
        json={"name": "Long", "id": "tenant-long", "call_retention": retention},
        headers=api.as_("dco"),
    )
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "invalid_value"
    assert error["message"].startswith("call_retention: ")
    assert retention not in answer.text
    listed = api.client.get("/api/v1/tenants", headers=api.as_("dco")).json()
    assert "tenant-long" not in [t["id"] for t in listed]


def test_a_tenant_with_the_longest_retention_can_erase_its_caller(api: Api) -> None:
    made = api.client.post(
        "/api/v1/tenants",
        json={"name": "Long", "id": "tenant-long", "call_retention": "P100Y"},
        headers=api.as_("dco"),
    )
    assert made.status_code == 201, made.text
    landed = api.client.post(
        "/api/v1/tenants/tenant-long/calls",
        params={"format": "asterisk-queue-log"},
        content=CALLS,
        headers={**api.as_("operator"), "Content-Type": "text/plain"},
    )
    assert landed.status_code == 201, landed.text
    found = find_subject(
        api.container.uow(),
        api.container.vault(),
        FindSubject("phone", "01632 960001", tenant_id="tenant-long"),
    )
    assert found is not None
    register = api.container.active_register.get(api.container.uow(read_only=True)).register
    admin = issue_token(
        api.container.use_case(SETUP, register),
        IssueToken("admin-long", "tenant_admin", "tenant-long"),
    ).token
    erased = api.client.delete(  # by the tenant, the controller: we may not on our own
        f"/api/v1/subjects/{found.id}",
        params={"reason": "erasure_request"},
        headers={"Authorization": f"Bearer {admin}"},
    )
    assert erased.status_code == 200, erased.text
    assert (
        find_subject(
            api.container.uow(),
            api.container.vault(),
            FindSubject("phone", "01632 960001", tenant_id="tenant-long"),
        )
        is None
    )


@pytest.mark.usefixtures("data_dir")
@pytest.mark.parametrize("retention", ["P8000Y", "P0D", "P1201M"])
def test_the_command_line_refuses_a_call_retention_out_of_bounds(retention: str) -> None:
    result = runner.invoke(
        app, ["tenants", "create", "Long", "--id", "tenant-long", "--retention", retention]
    )
    assert result.exit_code == 2, result.output
    assert "call_retention: a duration like P13M" in result.output
    assert retention not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_registration_whose_batch_was_claimed_is_answered_503_to_retry(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key is stored, then the process stalls past the grace period and the sweep claims
    its batch before the registration's transaction commits: it is refused, nothing stored."""
    real_enrol = SqlVault.enrol
    container = api.container
    late = FixedClock(container.clock.now() + GRACE + timedelta(seconds=1))

    def enrol_then_stall(
        self: SqlVault, plaintexts: Mapping[str, Sequence[str]], **kw: Any
    ) -> dict[str, list[bytes]]:
        sealed = real_enrol(self, plaintexts, **kw)
        sweeper = SqlUnitOfWork(container.engine, read_only=True)
        destroy_orphan_keys(sweeper, container.vault(), late)
        return sealed

    monkeypatch.setattr(SqlVault, "enrol", enrol_then_stall)
    client = TestClient(create_app(container), raise_server_exceptions=False)
    answer = client.post(
        "/api/v1/subjects",
        json={
            "kind": "caller",
            "tenant_id": "tenant-a",
            "identifiers": [{"type": "phone", "value": "07700 900777"}],
        },
        headers=api.as_("dco"),
    )
    assert answer.status_code == 503, answer.text
    body = answer.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == "try_again"
    assert "subjects-" not in answer.text
    assert "7700" not in answer.text
    monkeypatch.undo()
    again = client.post(
        "/api/v1/subjects",
        json={
            "kind": "caller",
            "tenant_id": "tenant-a",
            "identifiers": [{"type": "phone", "value": "07700 900777"}],
        },
        headers=api.as_("dco"),
    )
    assert again.status_code == 201, again.text
