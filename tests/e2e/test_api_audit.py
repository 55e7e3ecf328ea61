"""`/api/v1/audit` as an auditor uses it, and as roles without `read_audit_log` are refused."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from dataward.bootstrap import Container, bootstrap
from dataward.config import Settings
from dataward.domain.audit import AuditAction, from_json_line, verify_chain
from dataward.domain.clock import FixedClock
from dataward.entrypoints.api.app import create_app
from dataward.installation import initialise
from dataward.services.audit import Audited, record
from dataward.services.organisation.staff import IssueToken, issue_token
from tests.e2e.conftest import SETUP


@dataclass
class Api:
    client: TestClient
    container: Container
    tokens: dict[str, str]

    def get(self, path: str, who: str | None) -> Any:
        headers = {} if who is None else {"Authorization": f"Bearer {self.tokens[who]}"}
        return self.client.get(f"/api/v1/audit/{path}", headers=headers)

    def use(self, entries: int) -> None:
        for n in range(entries):
            with self.container.uow() as uow:
                record(
                    uow,
                    self.container.clock,
                    "svc",
                    Audited(AuditAction.SUBJECT_READ, details={"n": n}),
                )
                uow.commit()

    def count(self) -> int:
        with self.container.uow(read_only=True) as uow:
            return uow.audit.count()


@pytest.fixture
def api(tmp_path: Path, clock: FixedClock) -> Iterator[Api]:
    container = bootstrap(Settings(data_dir=tmp_path / "var"), clock=clock)
    initialise(container)
    register = container.active_register.get(container.uow(read_only=True)).register
    tokens = {
        role: issue_token(container.use_case(SETUP, register), IssueToken(role, role)).token
        for role in ("dco", "auditor", "operator")
    }
    with TestClient(create_app(container)) as client:
        yield Api(client, container, tokens)
    container.close()


def assert_error_shape(body: dict[str, object], code: str) -> None:
    assert set(body) == {"error"}
    error = body["error"]
    assert isinstance(error, dict)
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code


def test_an_auditor_verifies_an_intact_log(api: Api) -> None:
    base = api.count()  # setting up (loading the register, issuing tokens) is audited too
    assert base > 0
    api.use(5)
    response = api.get("verify", "auditor")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["checked"] == base + 5
    assert len(body["head"]) == 64
    assert body["first_broken_seq"] is None
    assert body["reason"] is None


def test_verify_names_the_first_broken_entry(api: Api) -> None:
    target = api.count() + 3
    api.use(5)
    connection = sqlite3.connect(api.container.settings.data_dir / "dataward.db")
    with connection:
        connection.execute("DROP TRIGGER audit_log_no_update")
        connection.execute("UPDATE audit_log SET actor = 'someone' WHERE seq = ?", (target,))
    connection.close()
    body = api.get("verify", "dco").json()
    assert body["ok"] is False
    assert body["first_broken_seq"] == target
    assert body["reason"] == "hash_mismatch"
    assert body["checked"] == target - 1
    assert body["message"].startswith(f"entry #{target}: hash mismatch")


def test_an_export_streams_json_lines_that_verify_and_is_itself_recorded(api: Api) -> None:
    base = api.count()
    api.use(3)
    response = api.get("export", "auditor")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-ndjson"
    assert response.headers["x-audit-export-seq"] == str(base + 4)
    entries = [from_json_line(line) for line in response.text.splitlines()]
    assert verify_chain(entries).ok
    assert [e.seq for e in entries] == list(range(1, base + 5))
    assert (entries[-1].action, entries[-1].actor) == ("audit_exported", "auditor")


def test_no_token_is_401_in_the_one_error_shape(api: Api) -> None:
    for path in ("verify", "export"):
        response = api.get(path, None)
        assert response.status_code == 401
        assert_error_shape(response.json(), "unauthenticated")


def test_a_role_without_read_audit_log_is_403_and_leaves_no_trace(api: Api) -> None:
    before = api.count()
    for path in ("verify", "export"):
        response = api.get(path, "operator")
        assert response.status_code == 403
        assert_error_shape(response.json(), "action_not_allowed")
    assert api.count() == before
