"""Jobs in the embedded default (no broker), where nothing relays: a job answered `queued` must
still come to an end, or its staged call file (callers' numbers) stays in the database for ever."""

from __future__ import annotations

from datetime import timedelta

from dataward.domain.jobs import RESEND_AFTER
from tests.e2e.conftest import Api
from tests.samples import sample

QUEUE_LOG = "asterisk_queue_log__assembled_from_public_examples.txt"
CALLS = "/api/v1/tenants/{}/calls"
JOBS = "/api/v1/jobs"


def _still_staged(api: Api, job_id: str) -> bool:
    with api.container.uow() as uow:
        return job_id in uow.jobs.staged([job_id])


def test_a_background_ingest_met_while_another_runs_still_ends_without_a_broker(
    api: Api,
) -> None:
    body = sample(QUEUE_LOG).read_bytes()
    # another ingest of the same tenant is running (it holds the tenant's serial lease)
    with api.container.uow().lease("serial:ingest:tenant-a") as held:
        assert held.had
        staged = api.client.post(
            CALLS.format("tenant-a"),
            content=body,
            params={"background": "true"},
            headers={**api.as_("admin_a"), "Content-Type": "text/plain"},
        )
    assert staged.status_code == 202, staged.text
    job_id = staged.json()["id"]
    # the other ingest has ended; time passes; the timers of the embedded guide run
    api.container.clock.advance(RESEND_AFTER + timedelta(hours=1))  # type: ignore[attr-defined]
    for kind in ("outbox", "retention_sweep", "key_sweep", "alerts"):
        ran = api.client.post(JOBS, json={"kind": kind}, headers=api.as_("dco"))
        assert ran.status_code == 202, ran.text
    shown = api.client.get(f"{JOBS}/{job_id}", headers=api.as_("admin_a")).json()
    assert shown["state"] in ("succeeded", "failed"), shown
    assert not _still_staged(api, job_id)


def test_an_empty_staged_batch_leaves_no_key_behind(api: Api) -> None:
    """A job's key is made when its file is staged and destroyed with the file's chunks; a
    file of no bytes has no chunk, so its key must not outlive the job either."""
    staged = api.client.post(
        CALLS.format("tenant-a"),
        content=b"",
        params={"background": "true"},
        headers={**api.as_("admin_a"), "Content-Type": "text/plain"},
    )
    assert staged.status_code == 202, staged.text
    job = staged.json()
    assert job["state"] == "failed"
    for kind in ("key_sweep",):
        assert api.client.post(JOBS, json={"kind": kind}, headers=api.as_("dco")).status_code == 202
    assert not api.container.vault().has_key(job["id"])
