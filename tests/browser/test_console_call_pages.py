"""The console's register, tenants, ingests and call reports in a real browser, on SQLite and
PostgreSQL: a tenant's administrator filters a report by queue and month, its charts are drawn
from the report's own figures, and the CSV it downloads is the report's; the quarantine's export
downloads under a name that names no one, and a discard empties it; the other tenant's pages
are 404; the register's versions are compared. axe-core finds nothing on any page, and
every page is kept as a screenshot under the test's temporary directory."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from faker import Faker

from dataward.adapters.documents.acd_report import report_csv
from dataward.adapters.register_file import (
    load_register_file,
    parse_register,
    shipped_register_text,
)
from dataward.domain.calls.acd import Period
from dataward.domain.calls.acd_report import ReportBy
from dataward.services.calls.reports import ReadAcdReport, acd_report
from dataward.services.register.store import store_register
from tests.browser.checks import AXE
from tests.browser.conftest import Live, checked_page, console_account, sign_in
from tests.support.call_samples import DCO, add_tenants, ingest_samples

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(AXE is None, reason="axe-playwright-python is not installed"),
]


def _check(page: Any, tmp_path: Path, name: str) -> None:
    """One heading, no script, a screenshot kept and no axe-core violation."""
    assert page.locator("h1").count() == 1, name
    assert page.evaluate("document.scripts.length") == 0, name
    checked_page(page, tmp_path / "shots", name)


def test_a_tenant_admin_filters_charts_and_downloads_the_report(
    live_db: Live, browser: Any, fake: Faker, tmp_path: Path
) -> None:
    add_tenants(live_db.container)
    quarantined = ingest_samples(live_db.container)
    admin = console_account(live_db, fake, "tenant_admin", "tenant-a")
    page = browser.new_context(accept_downloads=True).new_page()
    sign_in(page, live_db, admin)

    page.goto(f"{live_db.url}/console/reports")
    _check(page, tmp_path, "reports")
    page.get_by_label("Per", exact=True).select_option("month")
    page.get_by_role("button", name="Show the report").click()
    page.get_by_label("Only this queue").select_option("support")
    page.get_by_role("button", name="Show the report").press("Enter")
    page.wait_for_url("**group=support**")
    _check(page, tmp_path, "report-filtered")

    ctx = live_db.container.use_case(admin.actor)
    report = acd_report(ctx, ReadAcdReport("tenant-a", ReportBy.QUEUE, Period.MONTH))
    wanted = [c for c in report.cells if c.group == "support"]
    assert wanted, "the sample's support queue reaches k"
    charts = page.locator("svg[role=img]")
    assert charts.count() == 2
    drawn = charts.nth(0).locator("text.value").all_text_contents()
    assert drawn == [v for c in wanted for v in (str(c.metrics.offered), str(c.metrics.answered))]
    table = page.locator("table.figures tbody tr")
    assert table.count() == len(wanted)
    assert table.nth(0).locator("td").nth(1).inner_text() == str(wanted[0].metrics.offered)

    with page.expect_download() as started:
        page.get_by_role("link", name="Download these rows as CSV").click()
    download = started.value
    assert download.suggested_filename == "acd-tenant-a-by-queue-month.csv"
    got = Path(download.path()).read_text(encoding="utf-8")
    assert got == report_csv(replace(report, cells=wanted))

    _work_the_quarantine(page, live_db, quarantined, tmp_path)

    page.goto(f"{live_db.url}/console/tenants")
    _check(page, tmp_path, "tenants-own")
    page.goto(f"{live_db.url}/console/tenants/tenant-a")
    _check(page, tmp_path, "tenant")

    _the_other_tenant_is_not_found(page, live_db, quarantined)
    _check(page, tmp_path, "not-found")


def _work_the_quarantine(page: Any, live: Live, ingest_id: int, tmp_path: Path) -> None:
    """The history lists the ingest; its waiting line downloads under a neutral name, and a
    discard empties the quarantine."""
    page.goto(f"{live.url}/console/ingests")
    _check(page, tmp_path, "ingests")
    page.get_by_role("link", name=str(ingest_id), exact=True).click()
    _check(page, tmp_path, "ingest")
    with page.expect_download() as started:
        page.get_by_role("button", name="Download the waiting lines to correct them").click()
    exported = started.value
    assert exported.suggested_filename == f"quarantine-ingest-{ingest_id}.txt"
    assert "1764000000x" in Path(exported.path()).read_text(encoding="utf-8")
    page.get_by_role("button", name="Discard the lines").click()
    page.wait_for_url("**done=discarded**")
    assert "cannot be read" in page.locator("[role=status]").inner_text()
    assert page.get_by_role("button", name="Discard the lines").count() == 0
    _check(page, tmp_path, "ingest-discarded")


def _the_other_tenant_is_not_found(page: Any, live: Live, ingest_id: int) -> None:
    for path in (
        "/console/tenants/tenant-b",
        "/console/reports?tenant=tenant-b",
        "/console/ingests?tenant=tenant-b",
        f"/console/ingests/{ingest_id}?tenant=tenant-b",
    ):
        answer = page.goto(live.url + path)
        assert answer is not None
        assert answer.status == 404, path
        assert page.locator("h1").inner_text() == "Not found"


def test_the_register_its_versions_and_their_diff(
    live_db: Live, browser: Any, fake: Faker, tmp_path: Path
) -> None:
    container = live_db.container
    text = shipped_register_text().replace('version: "2026.1"', 'version: "2026.2"', 1)
    store_register(
        container.uow(),
        container.clock,
        parse_register(text, source="next"),
        DCO,
        container.active_register,
    )
    assert load_register_file(None).register.policy.version == "2026.1"
    auditor = console_account(live_db, fake, "auditor")
    page = browser.new_context().new_page()
    sign_in(page, live_db, auditor)
    page.goto(f"{live_db.url}/console/register")
    _check(page, tmp_path, "register")
    assert "version 2026.2" in page.locator("main").inner_text()
    assert page.locator("table").first.locator("tbody tr").count() == 2
    page.get_by_role("button", name="Show what changed").click()
    page.wait_for_url("**/console/register/diff**")
    _check(page, tmp_path, "register-diff")
    assert "2026.1" in page.locator("main").inner_text()
    assert "No changes." not in page.locator("main").inner_text()
    page.goto(f"{live_db.url}/console/register/notice")
    _check(page, tmp_path, "notice")
    page.goto(f"{live_db.url}/console/register/ropa")
    _check(page, tmp_path, "ropa")
