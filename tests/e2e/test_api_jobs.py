"""Jobs over the API: a call batch staged as a job and followed to its end, jobs asked for and
read by who may, and every other tenant's and role's try refused as if the job did not exist.
(No broker is configured here: a job runs at once in the API's process, as in the embedded
default; the workers' own tests run them over RabbitMQ.)"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from tests.e2e.conftest import Api
from tests.samples import sample

QUEUE_LOG = "asterisk_queue_log__assembled_from_public_examples.txt"
CALLS = "/api/v1/tenants/{}/calls"
JOBS = "/api/v1/jobs"


def _stage(api: Api, who: str, body: str, tenant: str = "tenant-a", **params: Any) -> Any:
    return api.client.post(
        CALLS.format(tenant),
        content=body.encode(),
        params={"background": "true", **params},
        headers={**api.as_(who), "Content-Type": "text/plain"},
    )


def test_a_staged_batch_is_a_job_that_lands_once(api: Api) -> None:
    staged = _stage(api, "admin_a", sample(QUEUE_LOG).read_text())
    assert staged.status_code == 202, staged.text
    job = staged.json()
    assert job["kind"] == "ingest"
    assert job["tenant"] == "tenant-a"
    assert job["state"] == "succeeded"  # no broker: run at once
    shown = api.client.get(f"{JOBS}/{job['id']}", headers=api.as_("admin_a")).json()
    assert shown["result"]["stored"] == 4
    assert shown["attempts"] == 1
    again = _stage(api, "admin_a", sample(QUEUE_LOG).read_text()).json()
    assert again["result"]["duplicates"] == 4


def test_a_bad_staged_batch_fails_its_job_naming_places_only(api: Api) -> None:
    body = "1764000000x|1.1|sales|NONE|ENTERQUEUE||07700900123|1\n"
    staged = _stage(api, "operator", body, format="asterisk-queue-log")
    assert staged.status_code == 202
    job = staged.json()
    assert job["state"] == "failed"
    assert job["error"].startswith("rejected: 1 bad record")
    assert "07700" not in staged.text
    with_quarantine = _stage(api, "operator", body, format="asterisk-queue-log", quarantine="1")
    assert with_quarantine.json()["result"]["quarantined"] == 1


def test_jobs_are_seen_only_by_who_may(api: Api) -> None:
    body = sample(QUEUE_LOG).read_text()
    job_a = _stage(api, "admin_a", body).json()["id"]
    job_b = _stage(api, "admin_b", body, tenant="tenant-b").json()["id"]
    for who in ("admin_a", "operator", "dco"):
        found = api.client.get(f"{JOBS}/{job_a}", headers=api.as_(who))
        assert found.status_code == 200, who
    for who in ("admin_b", "auditor", "marketing"):
        hidden = api.client.get(f"{JOBS}/{job_a}", headers=api.as_(who))
        assert hidden.status_code == 404, who
        unknown = api.client.get(f"{JOBS}/{uuid4()}", headers=api.as_(who))
        assert hidden.json() == unknown.json() | {"error": hidden.json()["error"]}
        assert hidden.json()["error"]["code"] == unknown.json()["error"]["code"]
    listed_b = api.client.get(JOBS, headers=api.as_("admin_b")).json()
    assert [j["id"] for j in listed_b] == [job_b]
    assert (
        api.client.get(JOBS, params={"tenant": "tenant-a"}, headers=api.as_("admin_b")).json() == []
    )
    assert {j["id"] for j in api.client.get(JOBS, headers=api.as_("dco")).json()} >= {job_a, job_b}
    assert _stage(api, "admin_b", body).status_code in (403, 404)  # another tenant's calls
    assert _stage(api, "auditor", body).status_code == 403
    assert api.client.get(JOBS).status_code == 401


def test_maintenance_jobs_are_asked_for_by_who_may_run_them(api: Api) -> None:
    asked = api.client.post(JOBS, json={"kind": "key_sweep"}, headers=api.as_("dco"))
    assert asked.status_code == 202, asked.text
    assert asked.json()["state"] == "succeeded"
    assert "destroyed" in asked.json()["result"]
    for who in ("operator", "admin_a", "auditor"):
        refused = api.client.post(JOBS, json={"kind": "retention_sweep"}, headers=api.as_(who))
        assert refused.status_code == 403, who
    for body in ({"kind": "ingest"}, {"kind": "fulfil"}, {"kind": "x", "y": 1}, {"kind": "<b>"}):
        bad = api.client.post(JOBS, json=body, headers=api.as_("dco"))
        assert bad.status_code == 422, body
        assert "<b>" not in bad.text


def test_hostile_job_ids_and_filters_are_refused_without_an_echo(api: Api) -> None:
    for hostile in ("<script>", "1" * 300, "..%2f..%2fetc", "%00"):
        answer = api.client.get(f"{JOBS}/{hostile}", headers=api.as_("dco"))
        assert answer.status_code in (404, 422), hostile
        assert "<script>" not in answer.text
    for params in (
        {"state": "<b>"},
        {"limit": "0"},
        {"limit": "\u0661\u0660"},
        {"tenant": "x" * 100},
    ):
        answer = api.client.get(JOBS, params=params, headers=api.as_("dco"))
        assert answer.status_code == 422, params
        assert "<b>" not in answer.text
