"""The console's register, tenants, ingests and call reports, over HTTP: what each role may
open (403 otherwise, 404 for another tenant's), the forms refused without their CSRF token,
hostile query values answered with fixed words, and a tenant's hostile name escaped."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from faker import Faker
from fastapi.testclient import TestClient

from dataward.bootstrap import bootstrap
from dataward.config import Settings
from dataward.domain.clock import FixedClock
from tests.builders import NOW
from tests.support.console_signin import (
    World,
    account,
    build_world,
    client_of,
    csrf_of,
    sign_in,
)

HOSTILE = '<b>x</b>"<script>alert(1)</script>'


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    container = bootstrap(Settings(data_dir=tmp_path / "var"), clock=FixedClock(NOW))
    yield build_world(container, hostile_name=HOSTILE)
    container.close()


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    yield from client_of(world.container)


@pytest.fixture
def fake() -> Faker:
    faker = Faker("en_GB")
    faker.seed_instance(31)
    return faker


def _as(
    client: TestClient, world: World, fake: Faker, role: str, tenant: str | None = None
) -> None:
    sign_in(client, account(world.container, fake, role, tenant))


def test_every_role_reads_the_register_and_its_documents(
    client: TestClient, world: World, fake: Faker
) -> None:
    for role in ("auditor", "marketing"):
        _as(client, world, fake, role)
        page = client.get("/console/register")
        assert page.status_code == 200
        assert "<h1>Register</h1>" in page.text
        assert "Recipients" in page.text
        assert "Processors" in page.text
        assert client.get("/console/register/notice").status_code == 200
        ropa = client.get("/console/register/ropa?format=csv")
        assert ropa.status_code == 200
        assert ropa.headers["content-disposition"] == (
            'attachment; filename="record-of-processing.csv"'
        )


def test_the_diff_of_a_version_with_itself_is_empty_and_bad_ids_are_refused(
    client: TestClient, world: World, fake: Faker
) -> None:
    _as(client, world, fake, "auditor")
    same = client.get("/console/register/diff?from=1&to=1")
    assert same.status_code == 200
    assert "No changes." in same.text
    assert client.get("/console/register/diff?from=1&to=999").status_code == 404
    for hostile in ("%3Cscript%3E", "1e3", "%EF%BC%91", "-1", "99999999999999"):
        answer = client.get(f"/console/register/diff?from={hostile}&to=1")
        assert answer.status_code == 422, hostile
        assert "<script>" not in answer.text


def test_roles_without_the_action_are_refused(
    client: TestClient, world: World, fake: Faker
) -> None:
    _as(client, world, fake, "marketing")
    for path in ("/console/tenants", "/console/ingests", "/console/reports"):
        answer = client.get(path)
        assert answer.status_code == 403, path
        assert "Not allowed" in answer.text
    _as(client, world, fake, "auditor")
    assert client.get("/console/reports?tenant=tenant-a").status_code == 403
    assert client.get("/console/ingests?tenant=tenant-a").status_code == 403


def test_a_tenant_admin_sees_its_own_tenant_only(
    client: TestClient, world: World, fake: Faker
) -> None:
    _as(client, world, fake, "tenant_admin", "tenant-b")
    listing = client.get("/console/tenants")
    assert listing.status_code == 200
    assert "tenant-b" in listing.text
    assert "tenant-a" not in listing.text
    assert "Onboard a tenant" not in listing.text
    assert client.get("/console/tenants/tenant-b").status_code == 200
    for path in (
        "/console/tenants/tenant-a",
        "/console/tenants/no-such-tenant",
        f"/console/ingests/{world.quarantined_ingest}?tenant=tenant-a",
        f"/console/ingests/{world.quarantined_ingest}?tenant=tenant-b",
        "/console/ingests?tenant=tenant-a",
        "/console/reports?tenant=tenant-a",
        "/console/reports/acd.csv?tenant=tenant-a",
    ):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert "Not found" in answer.text
    # nor can it act on the other tenant's quarantine
    csrf = csrf_of(client.get("/console/tenants").text)
    for action in ("replay", "discard", "export"):
        answer = client.post(
            f"/console/ingests/{world.quarantined_ingest}/{action}",
            data={"csrf": csrf, "tenant": "tenant-a"},
            follow_redirects=False,
        )
        assert answer.status_code == 404, action


def test_a_tenant_name_is_escaped_everywhere_it_shows(
    client: TestClient, world: World, fake: Faker
) -> None:
    _as(client, world, fake, "operator")
    for path in (
        "/console/tenants",
        "/console/tenants/tenant-a",
        "/console/ingests",
        "/console/reports",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        assert HOSTILE not in page.text
        assert "&lt;b&gt;x&lt;/b&gt;" in page.text
        assert "<script>" not in page.text


def test_hostile_query_values_get_fixed_words(
    client: TestClient, world: World, fake: Faker
) -> None:
    _as(client, world, fake, "operator")
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
        answer = client.get("/console/reports?" + query)
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
        "/console/tenants/%3Cb%3E",
    ):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert "<script>" not in answer.text


def test_replay_and_discard_need_the_sessions_csrf_token(
    client: TestClient, world: World, fake: Faker
) -> None:
    _as(client, world, fake, "tenant_admin", "tenant-a")
    page = client.get(f"/console/ingests/{world.quarantined_ingest}?tenant=tenant-a")
    assert page.status_code == 200
    csrf = csrf_of(page.text)
    for action in ("replay", "discard", "export"):
        url = f"/console/ingests/{world.quarantined_ingest}/{action}"
        missing = client.post(url, data={"tenant": "tenant-a"}, follow_redirects=False)
        wrong = client.post(
            url, data={"tenant": "tenant-a", "csrf": csrf[:-2] + "xx"}, follow_redirects=False
        )
        cross = client.post(
            url,
            data={"tenant": "tenant-a", "csrf": csrf},
            headers={"Sec-Fetch-Site": "cross-site"},
            follow_redirects=False,
        )
        for answer in (missing, wrong, cross):
            assert answer.status_code == 403, action
            assert "Form refused" in answer.text
    still = client.get(f"/console/ingests/{world.quarantined_ingest}?tenant=tenant-a")
    assert "waiting" in still.text  # nothing was done


def test_export_is_for_a_role_that_may_see_identifiers_and_discard_empties(
    client: TestClient, world: World, fake: Faker
) -> None:
    url = f"/console/ingests/{world.quarantined_ingest}"
    _as(client, world, fake, "operator")
    page = client.get(url + "?tenant=tenant-a")
    assert "Download the waiting lines" not in page.text
    refused = client.post(url + "/export", data={"csrf": csrf_of(page.text), "tenant": "tenant-a"})
    assert refused.status_code == 403
    _as(client, world, fake, "tenant_admin", "tenant-a")
    page = client.get(url + "?tenant=tenant-a")
    assert "Download the waiting lines" in page.text
    csrf = csrf_of(page.text)
    export = client.post(url + "/export", data={"csrf": csrf, "tenant": "tenant-a"})
    assert export.status_code == 200
    assert export.headers["content-disposition"] == (
        f'attachment; filename="quarantine-ingest-{world.quarantined_ingest}.txt"'
    )
    assert "1764000000x" in export.text
    done = client.post(url + "/discard", data={"csrf": csrf, "tenant": "tenant-a", "line": "1"})
    assert done.status_code == 200
    assert "The lines were discarded" in done.text
    assert "discarded" in done.text
    assert "Download the waiting lines" not in done.text


def test_an_operator_onboards_a_tenant_by_the_form(
    client: TestClient, world: World, fake: Faker
) -> None:
    _as(client, world, fake, "operator")
    csrf = csrf_of(client.get("/console/tenants").text)
    form = {
        "csrf": csrf,
        "name": "Northwind <i>Calls</i>",
        "id": "",
        "region": "GB",
        "timezone": "Europe/London",
        "call_retention": "",
        "service_level_seconds": "30",
        "short_abandon_seconds": "0",
        "breach_notice_hours": "48",
    }
    made = client.post("/console/tenants", data=form)
    assert made.status_code == 200
    assert str(made.url).endswith("/console/tenants/northwind-i-calls-i?created=1")
    assert "The tenant was created." in made.text
    assert "Northwind &lt;i&gt;Calls&lt;/i&gt;" in made.text
    assert "30 s" in made.text
    assert "48 hours" in made.text
    for field, value in (
        ("service_level_seconds", "\uff13\uff10"),
        ("breach_notice_hours", "99"),
        ("name", ""),
        ("id", "<script>"),
    ):
        bad = client.post("/console/tenants", data={**form, field: value})
        assert bad.status_code == 422, field
        assert "<script>" not in bad.text
        assert "\uff13\uff10" not in bad.text
    _as(client, world, fake, "tenant_admin", "tenant-a")
    refused = client.post(
        "/console/tenants",
        data={**form, "csrf": csrf_of(client.get("/console/tenants").text), "name": "Other"},
    )
    assert refused.status_code == 403
