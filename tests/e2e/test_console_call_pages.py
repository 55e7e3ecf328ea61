"""The console's register, tenants, ingests and call reports, over HTTP: what each role may
open (403 otherwise, 404 for another tenant's), the forms refused without their CSRF token,
hostile query values answered with fixed words, and a tenant's hostile name escaped."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Api
from tests.e2e.console_client import Console, csrf_of
from tests.support.call_samples import ingest_samples

HOSTILE = '<b>x</b>"<script>alert(1)</script>'


@pytest.fixture
def quarantined(api: Api) -> int:
    """tenant-a's calls ingested, and the number of its ingest with a quarantined line."""
    return ingest_samples(api.container)


def test_every_role_reads_the_register_and_its_documents(console: Console) -> None:
    for who in ("auditor", "marketing", "admin_b"):
        client = console.signed_in(who)
        page = client.get("/console/register")
        assert page.status_code == 200
        assert "<h1>Register</h1>" in page.text
        assert "Recipients" in page.text
        assert "Processors" in page.text
        assert client.get("/console/register/notice").status_code == 200
        assert client.get("/console/register/ropa").status_code == 200
        ropa = client.get("/console/register/ropa?format=csv")
        assert ropa.status_code == 200
        assert ropa.headers["content-disposition"] == (
            'attachment; filename="record-of-processing.csv"'
        )
        assert client.get("/console/register/ropa?format=%3Cx%3E").status_code == 422


def test_the_diff_of_a_version_with_itself_is_empty_and_bad_ids_are_refused(
    console: Console,
) -> None:
    client = console.signed_in("auditor")
    same = client.get("/console/register/diff?from=1&to=1")
    assert same.status_code == 200
    assert "No changes." in same.text
    assert client.get("/console/register/diff?from=1&to=999").status_code == 404
    assert client.get("/console/register/diff?from=1").status_code == 422
    for hostile in ("%3Cscript%3E", "1e3", "%EF%BC%91", "-1", "99999999999999", "1%00"):
        answer = client.get(f"/console/register/diff?from={hostile}&to=1")
        assert answer.status_code == 422, hostile
        assert "<script>" not in answer.text
        assert "1e3" not in answer.text


def test_roles_without_the_action_are_refused(console: Console) -> None:
    marketing = console.signed_in("marketing")
    for path in ("/console/tenants", "/console/ingests", "/console/reports"):
        answer = marketing.get(path)
        assert answer.status_code == 403, path
        assert "Not allowed" in answer.text
    auditor = console.signed_in("auditor")
    for path in (
        "/console/reports?tenant=tenant-a",
        "/console/reports/acd.csv?tenant=tenant-a",
        "/console/ingests?tenant=tenant-a",
        "/console/ingests/1?tenant=tenant-a",
    ):
        assert auditor.get(path).status_code == 403, path
    support = console.signed_in("support")  # reads reports, ingests nothing
    assert support.get("/console/reports?tenant=tenant-a").status_code == 200
    assert support.get("/console/ingests?tenant=tenant-a").status_code == 403
    assert support.get("/console/tenants").status_code == 403


def test_a_tenant_admin_sees_its_own_tenant_only(console: Console, quarantined: int) -> None:
    client = console.signed_in("admin_b")
    listing = client.get("/console/tenants")
    assert listing.status_code == 200
    assert "tenant-b" in listing.text
    assert "tenant-a" not in listing.text
    assert "Onboard a tenant" not in listing.text
    assert client.get("/console/tenants/tenant-b").status_code == 200
    for path in (
        "/console/tenants/tenant-a",
        "/console/tenants/no-such-tenant",
        f"/console/ingests/{quarantined}?tenant=tenant-a",
        f"/console/ingests/{quarantined}?tenant=tenant-b",
        "/console/ingests?tenant=tenant-a",
        "/console/reports?tenant=tenant-a",
        "/console/reports/acd.csv?tenant=tenant-a",
    ):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert "Not found" in answer.text
    csrf = csrf_of(client.get("/console/tenants").text)
    for action in ("replay", "discard", "export"):
        for tenant in ("tenant-a", "tenant-b"):
            answer = client.post(
                f"/console/ingests/{quarantined}/{action}", data={"csrf": csrf, "tenant": tenant}
            )
            assert answer.status_code == 404, (action, tenant)
    own = console.signed_in("admin_a").get(f"/console/ingests/{quarantined}?tenant=tenant-a")
    assert "waiting" in own.text  # nothing was done to it


def test_a_tenant_name_is_escaped_everywhere_it_shows(console: Console) -> None:
    client = console.signed_in("operator")
    csrf = csrf_of(client.get("/console/tenants").text)
    made = client.post(
        "/console/tenants", data={"csrf": csrf, "name": HOSTILE, "id": "hostile-name"}
    )
    assert made.status_code == 303
    assert made.headers["location"] == "/console/tenants/hostile-name?created=1"
    for path in (
        "/console/tenants",
        "/console/tenants/hostile-name",
        "/console/ingests",
        "/console/reports",
        "/console/reports?tenant=hostile-name",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        assert HOSTILE not in page.text
        assert "&lt;b&gt;x&lt;/b&gt;" in page.text, path
        assert "<script>" not in page.text


def test_hostile_query_values_get_fixed_words(console: Console, quarantined: int) -> None:
    client = console.signed_in("operator")
    for query in (
        "tenant=%3Cscript%3E",
        "tenant=tenant-a&by=%3Cscript%3E",
        "tenant=tenant-a&period=year%22%3E",
        "tenant=tenant-a&from=2026-02-30",
        "tenant=tenant-a&from=%EF%BC%92026-01-01",
        "tenant=tenant-a&from=2026-03-01&to=2026-02-01",
        "tenant=tenant-a&from=0001-01-01",
        "tenant=tenant-a&group=" + "x" * 300,
        "tenant=tenant-a&group=%00",
    ):
        for path in ("/console/reports?", "/console/reports/acd.csv?"):
            answer = client.get(path + query)
            assert answer.status_code == 422, query
            assert "<script>" not in answer.text
            assert 'year"' not in answer.text
            assert "x" * 300 not in answer.text
    unmatched = client.get("/console/reports?tenant=tenant-a&group=%3Cu%3Eneedle")
    assert unmatched.status_code == 200
    assert "No row of this report" in unmatched.text
    assert "needle" not in unmatched.text  # neither in the page nor in its CSV link
    for path in (
        "/console/ingests/%3Cscript%3E?tenant=tenant-a",
        "/console/ingests/0?tenant=tenant-a",
        "/console/ingests/%EF%BC%91?tenant=tenant-a",
        "/console/tenants/%3Cb%3E",
    ):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert "<script>" not in answer.text
    no_tenant = client.get(f"/console/ingests/{quarantined}?tenant=%3Cscript%3E")
    assert no_tenant.status_code == 422
    assert "<script>" not in no_tenant.text


def test_replay_and_discard_need_the_sessions_csrf_token(
    console: Console, quarantined: int
) -> None:
    client = console.signed_in("admin_a")
    page = client.get(f"/console/ingests/{quarantined}?tenant=tenant-a")
    assert page.status_code == 200
    csrf = csrf_of(page.text)
    other = csrf_of(console.signed_in("admin_a").get("/console/tenants").text)
    for action in ("replay", "discard", "export"):
        url = f"/console/ingests/{quarantined}/{action}"
        missing = client.post(url, data={"tenant": "tenant-a"})
        wrong = client.post(url, data={"tenant": "tenant-a", "csrf": other})
        cross = client.post(
            url,
            data={"tenant": "tenant-a", "csrf": csrf},
            headers={"Sec-Fetch-Site": "cross-site"},
        )
        for answer in (missing, wrong, cross):
            assert answer.status_code == 403, action
            assert "Form refused" in answer.text
    still = client.get(f"/console/ingests/{quarantined}?tenant=tenant-a")
    assert "waiting" in still.text  # nothing was done


def test_export_is_for_a_role_that_may_see_identifiers(console: Console, quarantined: int) -> None:
    url = f"/console/ingests/{quarantined}"
    operator = console.signed_in("operator")
    page = operator.get(url + "?tenant=tenant-a")
    assert "Download the waiting lines" not in page.text
    refused = operator.post(
        url + "/export", data={"csrf": csrf_of(page.text), "tenant": "tenant-a"}
    )
    assert refused.status_code == 403
    admin = console.signed_in("admin_a")
    page = admin.get(url + "?tenant=tenant-a")
    assert "Download the waiting lines" in page.text
    export = admin.post(url + "/export", data={"csrf": csrf_of(page.text), "tenant": "tenant-a"})
    assert export.status_code == 200
    assert export.headers["content-disposition"] == (
        f'attachment; filename="quarantine-ingest-{quarantined}.txt"'
    )
    assert export.headers["cache-control"] == "no-store"
    assert "1764000000x" in export.text


def test_a_replay_with_the_line_still_bad_changes_nothing_and_a_discard_empties(
    console: Console, quarantined: int
) -> None:
    url = f"/console/ingests/{quarantined}"
    client = console.signed_in("operator")
    csrf = csrf_of(client.get(url + "?tenant=tenant-a").text)
    replayed = client.post(url + "/replay", data={"csrf": csrf, "tenant": "tenant-a"})
    assert replayed.status_code == 422  # the line is still bad: rejected whole
    assert "07700" not in replayed.text
    assert "waiting" in client.get(url + "?tenant=tenant-a").text
    for bad in ("x", "\uff11", "0", "2"):
        refused = client.post(
            url + "/discard", data={"csrf": csrf, "tenant": "tenant-a", "line": bad}
        )
        assert refused.status_code in (409, 422), bad
        assert "\uff11" not in refused.text
    done = client.post(url + "/discard", data={"csrf": csrf, "tenant": "tenant-a", "line": "1"})
    assert done.status_code == 303
    assert done.headers["location"] == f"{url}?tenant=tenant-a&done=discarded"
    after = client.get(done.headers["location"])
    assert "The lines were discarded" in after.text
    assert "Discard the lines" not in after.text
    history = client.get("/console/ingests?tenant=tenant-a")
    assert f">{quarantined}</a>" in history.text


def test_an_operator_onboards_a_tenant_by_the_form(console: Console) -> None:
    client = console.signed_in("operator")
    csrf = csrf_of(client.get("/console/tenants").text)
    form = {
        "csrf": csrf,
        "name": "Northwind Calls",
        "id": "",
        "region": "GB",
        "timezone": "Europe/London",
        "call_retention": "",
        "service_level_seconds": "30",
        "short_abandon_seconds": "0",
        "breach_notice_hours": "48",
    }
    for field, value in (
        ("service_level_seconds", "\uff13\uff10"),
        ("breach_notice_hours", "99"),
        ("name", ""),
        ("id", "<script>"),
        ("timezone", "../../etc/passwd"),
        ("region", "<s"),
    ):
        bad = client.post("/console/tenants", data={**form, field: value})
        assert bad.status_code == 422, field
        assert "<script>" not in bad.text
        assert "\uff13\uff10" not in bad.text
        assert "passwd" not in bad.text
    made = client.post("/console/tenants", data=form)
    assert made.status_code == 303
    page = client.get(made.headers["location"])
    assert "The tenant was created." in page.text
    assert "<h1>Tenant: Northwind Calls</h1>" in page.text
    assert "30 s" in page.text
    assert "48 hours" in page.text
    assert client.post("/console/tenants", data=form).status_code == 422  # the id exists
    admin = console.signed_in("admin_a")
    refused = admin.post(
        "/console/tenants",
        data={**form, "csrf": csrf_of(admin.get("/console/tenants").text), "name": "Other"},
    )
    assert refused.status_code == 403
