"""`/api/v1/breaches` over HTTP: the DCO records, assesses, counts nothing it may not, drafts
and exports; every other role is refused; hostile bodies are refused by field, never echoed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dataward.domain.breaches.deadline import UK
from dataward.domain.clock import FixedClock
from tests.e2e.conftest import Api

BASE = "/api/v1/breaches"


def _body(clock: FixedClock, **extra: object) -> dict[str, object]:
    aware = (clock.now() - timedelta(hours=3)).astimezone(UK).strftime("%Y-%m-%dT%H:%M")
    return {
        "aware_at": aware,
        "natures": ["availability"],
        "description": "The reporting database was unreachable for four hours.",
        "tenants": ["tenant-a"],
        **extra,
    }


def test_the_dco_records_assesses_drafts_and_exports(api: Api, clock: FixedClock) -> None:
    made = api.client.post(BASE, json=_body(clock), headers=api.as_("dco"))
    assert made.status_code == 201, made.text
    breach = made.json()
    assert breach["ico_clock"] == "69 h 00 min left"
    assert [c["tenant"] for c in breach["controllers"]] == ["tenant-a"]
    url = f"{BASE}/{breach['id']}"
    assessed = api.client.post(
        f"{url}/assessment",
        json={
            "likelihood": "likely",
            "severity": "minimal",
            "reasoning": "No data lost; restored from replica.",
            "people": 5,
        },
        headers=api.as_("dco"),
    )
    assert assessed.status_code == 200, assessed.text
    assert assessed.json()["outcome"] == "report_ico"
    draft = api.client.get(f"{url}/draft", headers=api.as_("dco")).json()
    assert {s["key"] for s in draft["sections"]} >= {
        "nature", "numbers", "contact", "consequences", "measures", "timing"
    }  # fmt: skip
    exported = api.client.get(f"{BASE}/export?format=csv", headers=api.as_("dco"))
    assert exported.status_code == 200
    assert breach["id"] in exported.text
    trail = api.client.get(url, headers=api.as_("dco")).json()["trail"]
    assert [t["event"] for t in trail] == ["recorded", "assessed"]


@pytest.mark.parametrize("who", ["operator", "support", "marketing", "auditor", "admin_a"])
def test_no_other_role_reaches_the_register(api: Api, clock: FixedClock, who: str) -> None:
    made = api.client.post(BASE, json=_body(clock), headers=api.as_("dco")).json()
    for method, url in (("GET", BASE), ("GET", f"{BASE}/{made['id']}"), ("GET", f"{BASE}/export")):
        answer = api.client.request(method, url, headers=api.as_(who))
        assert answer.status_code == 403, (who, url)
    answer = api.client.post(BASE, json=_body(clock), headers=api.as_(who))
    assert answer.status_code == 403


@pytest.mark.parametrize(
    "bad",
    [
        {"aware_at": "2026-99-01T00:00"},
        {"aware_at": "<script>alert(1)</script>"},
        {"natures": ["leak"]},
        {"natures": []},
        {"description": "x" * 5000},
        {"tenants": ["no-such-tenant"]},
        {"unexpected": 1},
    ],
)
def test_hostile_bodies_are_refused_by_field_never_echoed(
    api: Api, clock: FixedClock, bad: dict[str, object]
) -> None:
    answer = api.client.post(BASE, json=_body(clock, **bad), headers=api.as_("dco"))
    assert answer.status_code in (404, 422), answer.text
    assert "<script>" not in answer.text
    assert "no-such-tenant" not in answer.text


def test_unknown_or_malformed_ids_are_404_or_422_and_no_token_is_401(api: Api) -> None:
    assert api.client.get(f"{BASE}/not-a-uuid", headers=api.as_("dco")).status_code == 422
    missing = api.client.get(f"{BASE}/00000000-0000-4000-8000-000000000000", headers=api.as_("dco"))
    assert missing.status_code == 404
    assert api.client.get(BASE).status_code == 401
