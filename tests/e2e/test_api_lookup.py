"""Finding subjects through the API, and every way of not finding one answering alike."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from faker import Faker

from dataward.services.processing import lookup
from tests.e2e.conftest import Api


def drama_number(fake: Faker) -> str:
    return f"020 7946 0{fake.random_int(0, 999):03d}"


def a_caller(api: Api, number: str, tenant: str = "tenant-a") -> str:
    return api.create(
        "dco",
        {
            "kind": "caller",
            "tenant_id": tenant,
            "identifiers": [{"type": "phone", "value": number}],
        },
    )


def an_end_user(api: Api, email: str) -> str:
    return api.create(
        "dco", {"kind": "end_user", "identifiers": [{"type": "email", "value": email}]}
    )


def audit_count(api: Api) -> int:
    with api.container.uow(read_only=True) as uow:
        return uow.audit.count()


def test_lookup_is_a_post_and_the_identifier_is_never_in_the_url(api: Api, fake: Faker) -> None:
    email = fake.email()
    subject_id = an_end_user(api, email)
    found = api.lookup("dco", type="email", value=email.upper(), purpose="correspondence")
    assert found.status_code == 200, found.text
    assert found.json()["id"] == subject_id
    operation = api.client.get("/openapi.json").json()["paths"]["/api/v1/subjects/lookup"]
    assert set(operation) == {"post"}
    assert "parameters" not in operation["post"]
    old_style = api.client.get(
        "/api/v1/subjects/lookup",
        params={"type": "email", "value": email, "purpose": "correspondence"},
        headers=api.as_("dco"),
    )
    assert old_style.status_code != 200
    assert subject_id not in old_style.text


def test_every_miss_and_every_hidden_subject_has_the_same_404_body(api: Api, fake: Faker) -> None:
    number = drama_number(fake)
    caller = a_caller(api, number)
    end_user = an_end_user(api, fake.email())
    restriction = api.client.post(
        f"/api/v1/subjects/{end_user}/restrictions",
        json={"ground": "accuracy_contested"},
        headers=api.as_("dco"),
    ).json()["id"]
    objection = api.client.post(
        f"/api/v1/subjects/{end_user}/objections",
        json={"kind": "legitimate_interests", "purpose": "legal_claims"},
        headers=api.as_("dco"),
    ).json()["id"]
    unknown = str(uuid.uuid4())
    phone = {"type": "phone", "value": number, "purpose": "telephony_support"}
    own = {"type": "phone", "value": number, "purpose": "telephony_reporting"}
    client, h = api.client, api.as_
    assert api.lookup("support", **phone, tenant_id="tenant-a").status_code == 200
    answers: dict[str, Any] = {
        "unknown identifier": api.lookup(
            "support", **{**phone, "value": drama_number(fake)}, tenant_id="tenant-a"
        ),
        "another tenant's caller": api.lookup("support", **phone, tenant_id="tenant-b"),
        "another tenant's caller, asked by the other tenant's admin": api.lookup(
            "admin_b", **own, tenant_id="tenant-b"
        ),
        "tenant does not exist": api.lookup("support", **phone, tenant_id="tenant-zzz"),
        "tenant does not exist, region given": api.lookup(
            "support", **phone, tenant_id="tenant-zzz", region="GB"
        ),
        "unknown subject id": api.read("dco", unknown, "correspondence"),
        "another tenant's subject": api.read("admin_b", caller, "telephony_reporting"),
        "another tenant's subject, for a purpose the role lacks": api.read(
            "admin_b", caller, "correspondence"
        ),
        "a caller, to a role without tenant scope": api.read(
            "marketing", caller, "direct_marketing"
        ),
        "erase another tenant's subject": client.delete(
            f"/api/v1/subjects/{caller}",
            params={"reason": "erasure_request"},
            headers=h("admin_b"),
        ),
        "erase a caller, as a role without the action": client.delete(
            f"/api/v1/subjects/{caller}",
            params={"reason": "erasure_request"},
            headers=h("marketing"),
        ),
        "erase an unknown subject": client.delete(
            f"/api/v1/subjects/{unknown}",
            params={"reason": "erasure_request"},
            headers=h("dco"),
        ),
        "consents of another tenant's subject": client.get(
            f"/api/v1/subjects/{caller}/consents", headers=h("admin_b")
        ),
        "restrict another tenant's subject": client.post(
            f"/api/v1/subjects/{caller}/restrictions",
            json={"ground": "accuracy_contested"},
            headers=h("admin_b"),
        ),
        "restrict an unknown subject": client.post(
            f"/api/v1/subjects/{unknown}/restrictions",
            json={"ground": "accuracy_contested"},
            headers=h("dco"),
        ),
        "lift a restriction through another subject": client.post(
            f"/api/v1/subjects/{caller}/restrictions/{restriction}/lift",
            json={"subject_told_at": "2026-01-05T09:00:00+00:00"},
            headers=h("dco"),
        ),
        "lift an unknown restriction": client.post(
            f"/api/v1/subjects/{end_user}/restrictions/{unknown}/lift",
            json={"subject_told_at": "2026-01-05T09:00:00+00:00"},
            headers=h("dco"),
        ),
        "decide an objection through another subject": client.post(
            f"/api/v1/subjects/{caller}/objections/{objection}/decision",
            json={"outcome": "upheld"},
            headers=h("dco"),
        ),
        "a path under subjects that does not exist": client.get(
            f"/api/v1/subjects/{end_user}/nothing/here", headers=h("dco")
        ),
    }
    expected = {"error": {"code": "not_found", "message": "no such subject", "details": []}}
    for case, response in answers.items():
        assert (case, response.status_code) == (case, 404)
        assert (case, response.json()) == (case, expected)


def test_lift_and_decide_through_another_subject_change_nothing(api: Api, fake: Faker) -> None:
    first = an_end_user(api, fake.email())
    second = an_end_user(api, fake.email())
    restriction = api.client.post(
        f"/api/v1/subjects/{first}/restrictions",
        json={"ground": "accuracy_contested"},
        headers=api.as_("dco"),
    ).json()["id"]
    objection = api.client.post(
        f"/api/v1/subjects/{first}/objections",
        json={"kind": "legitimate_interests", "purpose": "legal_claims"},
        headers=api.as_("dco"),
    ).json()["id"]
    lifted = api.client.post(
        f"/api/v1/subjects/{second}/restrictions/{restriction}/lift",
        json={"subject_told_at": "2026-01-05T09:00:00+00:00"},
        headers=api.as_("dco"),
    )
    decided = api.client.post(
        f"/api/v1/subjects/{second}/objections/{objection}/decision",
        json={"outcome": "upheld"},
        headers=api.as_("dco"),
    )
    assert (lifted.status_code, decided.status_code) == (404, 404)
    with api.container.uow(read_only=True) as uow:
        assert uow.restrictions.get(restriction).lifted_at is None  # type: ignore[union-attr]
        assert uow.objections.get(objection).decided_at is None  # type: ignore[union-attr]
    # Through its own subject, the same request is taken.
    own = api.client.post(
        f"/api/v1/subjects/{first}/restrictions/{restriction}/lift",
        json={"subject_told_at": "2026-01-05T09:00:00+00:00"},
        headers=api.as_("dco"),
    )
    assert own.status_code == 200, own.text


@pytest.mark.parametrize(
    "refusal",
    [
        ("dco", {"purpose": "no_such_purpose"}, "unregistered_purpose"),
        ("dco", {"purpose": "analytics"}, "category_not_in_purpose"),
        ("operator", {"purpose": "telephony_reporting", "tenant_id": "tenant-a"}, "role_lacks"),
        ("auditor", {"purpose": "correspondence"}, "role_lacks_need_to_know"),
        ("marketing", {"purpose": "correspondence"}, "role_lacks_need_to_know"),
        ("admin_b", {"purpose": "telephony_reporting", "tenant_id": "tenant-a"}, "tenant_mismatch"),
        ("marketing", {"purpose": "telephony_reporting", "tenant_id": "tenant-a"}, "role_lacks"),
        ("support", {"purpose": "telephony_reporting", "tenant_id": "tenant-a"}, "role_lacks"),
    ],
)
def test_a_lookup_refused_before_looking_is_403_and_reads_nothing(
    api: Api, fake: Faker, monkeypatch: pytest.MonkeyPatch, refusal: tuple[str, dict[str, str], str]
) -> None:
    who, body, reason = refusal  # who asks, what for, and the gate's reason to refuse

    def must_not_look(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the blind index was consulted")

    monkeypatch.setattr(lookup, "find_subject", must_not_look)
    before = audit_count(api)
    kind = "phone" if "tenant_id" in body else "email"
    value = drama_number(fake) if kind == "phone" else fake.email()
    response = api.lookup(who, type=kind, value=value, **body)
    assert response.status_code == 403, response.text
    error = response.json()["error"]
    assert error["code"] == "access_denied"
    assert reason in error["message"]
    assert value not in response.text
    assert audit_count(api) == before


def test_the_gate_decides_on_the_subject_found_and_its_no_is_a_miss(api: Api, fake: Faker) -> None:
    email = fake.email()
    subject_id = an_end_user(api, email)
    restricted = api.client.post(
        f"/api/v1/subjects/{subject_id}/restrictions",
        json={"ground": "accuracy_contested"},
        headers=api.as_("dco"),
    )
    assert restricted.status_code == 201
    refused = api.lookup("dco", type="email", value=email, purpose="correspondence")
    missing = api.lookup("dco", type="email", value=fake.email(), purpose="correspondence")
    assert refused.status_code == missing.status_code == 404
    assert refused.json() == missing.json()
    allowed = api.lookup("dco", type="email", value=email, purpose="legal_claims")
    assert allowed.status_code == 200, allowed.text
    exported = api.client.get("/api/v1/audit/export", headers=api.as_("dco")).text
    assert '"decision":"processing_restricted"' in exported.replace(" ", "")
    assert email.lower() not in exported
