"""POST /api/v1/requests/{id}/fulfilment: an access request carried out over the API, its
link taken from the completion letter and downloaded once; an objection to legitimate
interests waits for the DCO's assessment; roles without manage_requests are refused."""

from __future__ import annotations

import io
import re
import zipfile

from faker import Faker
from sqlalchemy import select

from dataward.adapters.sql.rights.requests import outbox
from tests.builders import EVIDENCE
from tests.e2e.conftest import Api


def _working(api: Api, kind: str, subject: str, **extra: object) -> str:
    created = api.client.post(
        "/api/v1/requests",
        json={
            "type": kind,
            "received": "2026-11-20",
            "subject_id": subject,
            "contact_email": "requester@example.org",
            **extra,
        },
        headers=api.as_("dco"),
    )
    assert created.status_code == 201, created.text
    request_id = str(created.json()["id"])
    for event in ("ask_identity", "identity_verified", "start"):
        moved = api.client.post(
            f"/api/v1/requests/{request_id}/events",
            json={"event": event, "reason": EVIDENCE.get(event)},
            headers=api.as_("dco"),
        )
        assert moved.status_code == 200, moved.text
    return request_id


def _fulfil(api: Api, request_id: str, who: str = "dco", **body: object) -> object:
    return api.client.post(
        f"/api/v1/requests/{request_id}/fulfilment", json=body, headers=api.as_(who)
    )


def test_an_access_request_is_answered_with_a_link_that_works_once(api: Api, fake: Faker) -> None:
    email = fake.email()
    subject = api.create(
        "dco", {"kind": "end_user", "identifiers": [{"type": "email", "value": email}]}
    )
    request_id = _working(api, "access", subject)
    assert _fulfil(api, request_id, "operator").status_code == 403  # type: ignore[attr-defined]
    done = _fulfil(api, request_id)
    assert done.status_code == 200, done.text  # type: ignore[attr-defined]
    body = done.json()  # type: ignore[attr-defined]
    assert body["request"]["state"] == "completed"
    assert body["outcome"]["datasets"]["identifiers"] == 1
    assert "token" not in done.text  # type: ignore[attr-defined]
    with api.container.engine.connect() as connection:
        sealed = connection.execute(
            select(outbox.c.payload_ciphertext).where(
                outbox.c.request_id == request_id, outbox.c.letter == "completion"
            )
        ).scalar_one()
    letter = api.container.vault().open(request_id, sealed)
    match = re.search(r"/api/v1/public/downloads/(\S+)", letter)
    assert match is not None
    first = api.client.post(f"/api/v1/public/downloads/{match.group(1)}")
    assert first.status_code == 200
    with zipfile.ZipFile(io.BytesIO(first.content)) as package:
        assert {"data.json", "report.html"} <= set(package.namelist())
        assert email.lower() in package.read("data.json").decode()  # the subject's own data, opened
    assert api.client.post(f"/api/v1/public/downloads/{match.group(1)}").status_code == 410
    again = _fulfil(api, request_id)
    assert again.status_code == 409  # type: ignore[attr-defined]


def test_an_objection_to_legitimate_interests_waits_for_the_assessment(
    api: Api, fake: Faker
) -> None:
    subject = api.create(
        "dco",
        {"kind": "customer_contact", "identifiers": [{"type": "email", "value": fake.email()}]},
    )
    request_id = _working(api, "objection", subject, scope="legitimate_interests:debt_recovery")
    pending = _fulfil(api, request_id)
    assert pending.json()["request"]["state"] == "in_progress"  # type: ignore[attr-defined]
    assert pending.json()["outcome"]["outcome"] == "pending"  # type: ignore[attr-defined]
    bad = _fulfil(api, request_id, decision="maybe")
    assert bad.status_code == 422  # type: ignore[attr-defined]
    decided = _fulfil(
        api, request_id, decision="compelling_grounds", reasoning="a debt is being recovered"
    )
    body = decided.json()  # type: ignore[attr-defined]
    assert body["request"]["state"] == "partially_completed", body
    assert body["outcome"]["outcome"] == "compelling_grounds"
    shown = api.client.get(f"/api/v1/requests/{request_id}", headers=api.as_("dco")).json()
    assert shown["request"]["outcome"]["outcome"] == "compelling_grounds"
