"""Calls over the API: batches in, duplicates and bad lines reported, a caller's calls opened
through the gate, ACD reports out, and every tenant boundary tried."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import Api
from tests.samples import sample
from tests.support.copies import K, asterisk_copies

QUEUE_LOG = "asterisk_queue_log__assembled_from_public_examples.txt"
CALLS = "/api/v1/tenants/{}/calls"


def _post(api: Api, who: str, body: str, tenant: str = "tenant-a", **params: Any) -> Any:
    return api.client.post(
        CALLS.format(tenant),
        content=body.encode(),
        params=params,
        headers={**api.as_(who), "Content-Type": "text/plain"},
    )


def test_a_batch_lands_once_and_a_repeat_reports_duplicates(api: Api) -> None:
    body = sample(QUEUE_LOG).read_text()
    first = _post(api, "operator", body)
    assert first.status_code == 201, first.text
    assert (first.json()["stored"], first.json()["formats"]) == (4, {"batch": "asterisk-queue-log"})
    again = _post(api, "operator", body)
    assert (again.json()["stored"], again.json()["duplicates"]) == (0, 4)


def test_a_bad_batch_is_refused_whole_with_its_lines_and_no_numbers(api: Api) -> None:
    body = "1764000000x|1.1|sales|NONE|ENTERQUEUE||07700900123|1\n"
    body += "1764000001|2.1|sales|NONE|ENTERQUEUE||07700900124|1\n"
    refused = _post(api, "operator", body, format="asterisk-queue-log")
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "ingest_rejected"
    assert [d.split(":")[:2] for d in error["details"]] == [["batch", "1"]]
    assert "07700" not in refused.text
    report = api.client.get(
        "/api/v1/tenants/tenant-a/reports/acd", headers=api.as_("operator")
    ).json()
    assert report["cells"] == []
    landed = _post(api, "operator", body, format="asterisk-queue-log", quarantine="true")
    assert (landed.json()["stored"], landed.json()["quarantined"]) == (1, 1)
    listed = api.client.get(CALLS.format("tenant-a") + "/quarantine", headers=api.as_("operator"))
    (ingest_id,) = landed.json()["ingests"]
    assert landed.json()["labels"] == [f"batch-{ingest_id}"]
    assert [(q["line"], q["source"]) for q in listed.json()] == [(1, f"batch-{ingest_id}")]
    assert "07700" not in listed.text


def test_another_tenants_admin_can_neither_post_nor_read(api: Api) -> None:
    body = sample(QUEUE_LOG).read_text()
    assert _post(api, "admin_b", body).status_code in (403, 404)
    assert _post(api, "marketing", body).status_code == 403
    for path in ("/calls/quarantine", "/reports/acd"):
        response = api.client.get(f"/api/v1/tenants/tenant-a{path}", headers=api.as_("admin_b"))
        assert response.status_code in (403, 404), path
    assert _post(api, "admin_a", body).json()["stored"] == 4
    own = api.client.get("/api/v1/tenants/tenant-b/reports/acd", headers=api.as_("admin_b"))
    assert own.json()["cells"] == []


def test_a_callers_calls_and_the_reports(api: Api) -> None:
    assert _post(api, "operator", sample(QUEUE_LOG).read_text()).status_code == 201
    found = api.lookup(
        "admin_a",
        type="phone",
        value="01632 960001",
        purpose="telephony_reporting",
        tenant_id="tenant-a",
    )
    assert found.status_code == 200, found.text
    subject_id = found.json()["id"]
    calls = api.client.get(
        f"/api/v1/tenants/tenant-a/subjects/{subject_id}/calls", headers=api.as_("admin_a")
    )
    assert calls.status_code == 200, calls.text
    (call,) = calls.json()
    assert (call["queue"], call["caller"]["number"]) == ("9000", "+441632960001")
    hidden = api.client.get(
        f"/api/v1/tenants/tenant-b/subjects/{subject_id}/calls", headers=api.as_("admin_b")
    )
    assert hidden.status_code == 404

    def monthly() -> Any:
        return api.client.get(
            "/api/v1/tenants/tenant-a/reports/acd",
            params={"by": "queue", "period": "month"},
            headers=api.as_("admin_a"),
        ).json()

    alone = monthly()  # one call in each queue's month: every cell under k
    assert (alone["cells"], alone["suppressed_cells"], alone["k_anonymity_threshold"]) == ([], 4, K)
    csv_reply = api.client.get(
        "/api/v1/tenants/tenant-a/reports/acd",
        params={"format": "csv", "by": "caller"},
        headers=api.as_("admin_a"),
    )
    rows = csv_reply.text.splitlines()
    assert rows[0].startswith("caller,period,offered")
    assert rows[1:] == []  # one call per caller: every cell under k, and no pool reaches k
    assert csv_reply.headers["X-K-Anonymity-Threshold"] == str(K)
    assert csv_reply.headers["X-Suppressed-Cells"] == "3"
    # no label would be shown, so none was put to the gate: none withheld
    assert csv_reply.headers["X-Withheld-Labels"] == "0"

    def by_caller() -> Any:
        return api.client.get(
            "/api/v1/tenants/tenant-a/reports/acd",
            params={"by": "caller"},
            headers=api.as_("admin_a"),
        ).json()

    alone_by_caller = by_caller()
    assert (alone_by_caller["cells"], alone_by_caller["suppressed_cells"]) == ([], 3)
    assert (alone_by_caller["purpose"], alone_by_caller["withheld_labels"]) == (
        "telephony_reporting",
        0,
    )
    # the calls K times over (each with ids of its own): the queue's figures show
    more = _post(api, "operator", asterisk_copies(sample(QUEUE_LOG).read_text(), K - 1))
    assert more.json()["stored"] == 4 * (K - 1)
    support = next(c for c in monthly()["cells"] if c["queue"] == "support")
    assert (support["period"], support["abandoned"], support["avg_wait_s"]) == ("2020-08", K, 68)
    # and every caller's cell reaches k: 7000 and 7145 are extensions, our own subjects, out
    # of a tenant administrator's reach, so they are left out, calls and all
    grown = by_caller()
    assert grown["withheld_labels"] == 2
    assert "their calls left out of this view" in grown["summary"]
    assert {c["caller"] for c in grown["cells"]} == {subject_id}
    assert sum(c["offered"] for c in grown["cells"]) == K


def test_a_report_naming_subjects_is_decided_for_its_purpose(api: Api) -> None:
    assert _post(api, "operator", sample(QUEUE_LOG).read_text()).status_code == 201
    cases = [
        ("support", {"by": "caller"}, 403),  # support reads reports for telephony_support
        ("support", {"by": "agent"}, 403),
        ("support", {"by": "caller", "purpose": "telephony_support"}, 200),
        ("support", {"by": "queue"}, 200),  # names nobody: no purpose asked
        ("operator", {"by": "caller", "purpose": "telephony_support"}, 403),
        ("operator", {"by": "agent"}, 200),
    ]
    for who, params, status in cases:
        reply = api.client.get(
            "/api/v1/tenants/tenant-a/reports/acd", params=params, headers=api.as_(who)
        )
        assert reply.status_code == status, (who, params, reply.text)
        if status == 403:
            assert reply.json()["error"]["code"] == "access_denied"
            assert "role_lacks_need_to_know" in reply.json()["error"]["message"]
    pasted = api.client.get(
        "/api/v1/tenants/tenant-a/reports/acd",
        params={"by": "caller", "purpose": "07700 900123"},
        headers=api.as_("operator"),
    )
    assert pasted.status_code == 422
    assert "07700" not in pasted.text
    for by in ("agent", "caller"):
        other = api.client.get(
            "/api/v1/tenants/tenant-a/reports/acd", params={"by": by}, headers=api.as_("admin_b")
        )
        assert other.status_code in (403, 404), other.text
