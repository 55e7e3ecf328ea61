"""The console's ACD reports: a tenant's report by queue, agent or caller, per period, between
two dates, with charts drawn on the server and the figures as a table, and its CSV.

The report is the service's (`acd_report`): the role must read call reports for the tenant,
cells under k are pooled or left out, and the labels of a report by agent or caller are put to
the gate for the reporting purpose, refused ones left out. Choosing one queue or agent narrows
the released report to its rows; it never reaches past the release.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import QueryParams

from dataward.domain.calls.acd import Period
from dataward.domain.calls.acd_report import AcdReport, ReportBy
from dataward.domain.errors import InvalidValue
from dataward.domain.register.model import StaffAction
from dataward.entrypoints.api.console import params
from dataward.entrypoints.api.console.web import (
    ConsoleRoute,
    ConsoleUseCaseDep,
    ConsoleUserDep,
    console_page,
)
from dataward.entrypoints.views.report_charts import (
    TABLE_ROWS,
    chosen_cells,
    report_charts,
    report_rows,
)
from dataward.services.calls.reports import ReadAcdReport, acd_report
from dataward.services.context import UseCase
from dataward.services.organisation.tenants import tenants_for

router = APIRouter(tags=["console"], route_class=ConsoleRoute, include_in_schema=False)

REPORTS = "/console/reports"
GROUP_CHARS = 200


@dataclass(frozen=True, slots=True)
class ReportQuery:
    tenant: str | None
    by: ReportBy
    period: Period
    first: date | None
    last: date | None
    group: str | None

    @classmethod
    def of(cls, query: QueryParams) -> ReportQuery:
        first, last = params.day("from", query.get("from")), params.day("to", query.get("to"))
        if first is not None and last is not None and first > last:
            raise InvalidValue("from", "a date on or before the 'to' date")
        return cls(
            tenant=params.tenant_id("tenant", query.get("tenant")),
            by=params.choice("by", query.get("by"), ReportBy, ReportBy.QUEUE),
            period=params.choice("period", query.get("period"), Period, Period.DAY),
            first=first,
            last=last,
            group=params.text("group", query.get("group"), most=GROUP_CHARS),
        )

    def csv_link(self) -> str:
        from urllib.parse import urlencode

        values = {
            "tenant": self.tenant or "",
            "by": self.by.value,
            "period": self.period.value,
            "from": self.first.isoformat() if self.first else "",
            "to": self.last.isoformat() if self.last else "",
            "group": self.group or "",
        }
        return f"{REPORTS}/acd.csv?" + urlencode({k: v for k, v in values.items() if v})


def _report(ctx: UseCase, query: ReportQuery, tenant: str) -> AcdReport:
    return acd_report(ctx, ReadAcdReport(tenant, query.by, query.period, query.first, query.last))


@router.get(REPORTS, response_class=HTMLResponse)
def reports_page(request: Request, user: ConsoleUserDep, ctx: ConsoleUseCaseDep) -> HTMLResponse:
    from dataward.adapters.documents.acd_report import summary

    tenants = tenants_for(ctx, StaffAction.READ_CALL_REPORTS)
    query = ReportQuery.of(request.query_params)
    tenant = query.tenant or (tenants[0].id if len(tenants) == 1 else None)
    values: dict[str, Any] = {}
    if tenant is not None:
        report = _report(ctx, query, tenant)
        cells = chosen_cells(report, query.group)
        values = {
            "report": report,
            "summary": summary(report),
            "groups": sorted({c.group for c in report.cells}),
            "rows": report_rows(cells[:TABLE_ROWS]),
            "more_rows": max(0, len(cells) - TABLE_ROWS),
            "charts": report_charts(report, cells) if cells else [],
            "unmatched": query.group is not None and not cells,
            "csv_link": replace(
                query, tenant=tenant, group=query.group if cells else None
            ).csv_link(),
        }
    return console_page(
        request,
        user,
        "reports.html.j2",
        tenants=tenants,
        tenant=tenant,
        query=query,
        bys=list(ReportBy),
        periods=list(Period),
        **values,
    )


@router.get(REPORTS + "/acd.csv")
def report_csv_download(request: Request, user: ConsoleUserDep, ctx: ConsoleUseCaseDep) -> Response:
    from dataward.adapters.documents.acd_report import report_csv, summary_headers

    del user
    query = ReportQuery.of(request.query_params)
    if query.tenant is None:
        raise InvalidValue("tenant", "the tenant whose report it is")
    report = _report(ctx, query, query.tenant)
    narrowed = replace(report, cells=chosen_cells(report, query.group))
    name = f"acd-{query.tenant}-by-{query.by.value}-{query.period.value}.csv"
    return Response(
        report_csv(narrowed),
        media_type="text/csv; charset=utf-8",
        headers={
            **summary_headers(report),
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
