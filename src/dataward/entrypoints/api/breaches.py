"""`/api/v1/breaches`: the breach register (UK GDPR Art. 33, 34), for the DCO.

Every route needs `manage_breaches` (the DCO). Times are given with their offset or as UK
time (`2026-10-24T01:30`); a UK time the clocks skip or show twice is refused. The free texts
describe the incident for the ICO and are not meant to name anyone.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field

from dataward.domain.breaches.affected import AffectedScope, parse_window
from dataward.domain.breaches.assessment import Likelihood, Nature, Severity
from dataward.domain.breaches.deadline import parse_time
from dataward.domain.breaches.model import MAX_FACTS, MAX_REFERENCE, Facts, Phase
from dataward.entrypoints.api.deps import ReadingDep, UseCaseDep
from dataward.entrypoints.api.routing import TokenFirstRoute
from dataward.entrypoints.views.breaches import draft_json, render_export, view_json
from dataward.services.breaches import assess as assessing
from dataward.services.breaches import notices, record, register, reporting
from dataward.services.breaches.common import may_manage

router = APIRouter(prefix="/api/v1/breaches", tags=["breaches"], route_class=TokenFirstRoute)

Time = Annotated[str, Field(min_length=1, max_length=40, description="UK time or with offset")]
Text = Annotated[str, Field(min_length=1, max_length=MAX_FACTS)]
TenantId = Annotated[str, Field(min_length=1, max_length=64)]
Level = Literal["remote", "possible", "likely"]
Harm = Literal["minimal", "significant", "severe"]


class BreachIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    aware_at: Time
    natures: list[Nature] = Field(min_length=1, max_length=3)
    description: Text
    consequences: Text | None = None
    measures: Text | None = None
    tenants: list[TenantId] = Field(default_factory=list, max_length=1000)
    own_data: bool | None = Field(None, description="Default: when no tenant is named")


class FactsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: Text | None = None
    consequences: Text | None = None
    measures: Text | None = None
    delay_reason: Text | None = None
    tenants: list[TenantId] = Field(default_factory=list, max_length=1000)
    told_another_way: list[TenantId] = Field(default_factory=list, max_length=1000)
    own_data: bool | None = None


class AssessIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    likelihood: Level
    severity: Harm
    reasoning: Text
    unintelligible: bool = False
    people: int | None = Field(None, ge=0, le=10**9)
    records: int | None = Field(None, ge=0, le=10**12)
    categories: list[Annotated[str, Field(max_length=64)]] = Field(
        default_factory=list, max_length=50
    )


class AffectedIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tenant: TenantId | None = Field(None, description="The tenant; none: our own data")
    start: Time = Field(alias="from")
    end: Time = Field(alias="to")
    held: bool = Field(default=False, description="Everything held, not only dated in it")
    categories: list[Annotated[str, Field(max_length=64)]] = Field(
        default_factory=list, max_length=50
    )


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phase: Phase
    at: Time
    reference: str | None = Field(None, max_length=MAX_REFERENCE)
    delay_reason: Text | None = None


class NoticeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: Literal["people", "controllers"]


def _shown(ctx: Any, breach_id: UUID) -> dict[str, Any]:
    return view_json(register.show_breach(ctx, breach_id))


@router.get("", summary="The register (open breaches, or all), most recent first, flagged")
def listed(reading: ReadingDep, include_closed: bool = Query(default=False, alias="all")) -> Any:
    views = register.list_breaches(reading, include_closed=include_closed)
    return [register.export_row(v) for v in views]


@router.post("", status_code=201, summary="Record a breach, reported or not (Art. 33(5))")
def create(body: BreachIn, ctx: UseCaseDep) -> Any:
    may_manage(ctx)
    facts = Facts(body.description, body.consequences, body.measures)
    aware = parse_time("aware_at", body.aware_at, now=ctx.clock.now())
    command = record.NewBreach(
        aware, frozenset(body.natures), facts, tuple(body.tenants), body.own_data
    )
    return _shown(ctx, record.record_breach(ctx, command).id)


@router.get(
    "/export",
    summary="The whole register for the regulator, CSV or JSON",
    response_class=PlainTextResponse,
)
def export(
    reading: ReadingDep, format_: Literal["csv", "json"] = Query("csv", alias="format")
) -> PlainTextResponse:
    rows = [register.export_row(v) for v in register.list_breaches(reading, include_closed=True)]
    media = "text/csv" if format_ == "csv" else "application/json"
    return PlainTextResponse(render_export(rows, format_), media_type=media)


@router.get("/{breach_id}", summary="A breach: facts, clock, reports, notices, decision trail")
def show(breach_id: UUID, reading: ReadingDep) -> Any:
    return _shown(reading, breach_id)


@router.post("/{breach_id}/facts", summary="Complete or correct the facts (Art. 33(4))")
def facts(breach_id: UUID, body: FactsIn, ctx: UseCaseDep) -> Any:
    change = record.FactsChange(
        body.description,
        body.consequences,
        body.measures,
        body.delay_reason,
        tuple(body.tenants),
        tuple(body.told_another_way),
        body.own_data,
    )
    record.update_breach(ctx, breach_id, change)
    return _shown(ctx, breach_id)


@router.post("/{breach_id}/assessment", summary="Judge the risk; the outcome and its reasons")
def assess(breach_id: UUID, body: AssessIn, ctx: UseCaseDep) -> Any:
    judgement = assessing.Judgement(
        Likelihood[body.likelihood.upper()],
        Severity[body.severity.upper()],
        body.reasoning,
        body.unintelligible,
        body.people,
        frozenset(body.categories),
        body.records,
    )
    assessing.assess_breach(ctx, breach_id, judgement)
    return _shown(ctx, breach_id)


@router.post("/{breach_id}/affected", summary="Count the people and records reached, by number")
def affected(breach_id: UUID, body: AffectedIn, ctx: UseCaseDep) -> Any:
    may_manage(ctx)  # the window's words are checked for the DCO only
    begins, ends = parse_window(body.start, body.end, now=ctx.clock.now())
    scope = AffectedScope(body.tenant, begins, ends, frozenset(body.categories), body.held)
    counted = assessing.count_affected(ctx, breach_id, scope).count
    return {
        "people": counted.people,
        "records": counted.records,
        "records_by_store": dict(counted.by_store),
        "people_by_store": dict(counted.people_by_store),
        "unidentified": counted.unidentified,
    }


@router.post("/{breach_id}/reports", summary="Record one phase of the report to the ICO")
def report(breach_id: UUID, body: ReportIn, ctx: UseCaseDep) -> Any:
    may_manage(ctx)
    at = parse_time("at", body.at, now=ctx.clock.now())
    made = reporting.IcoReport(body.phase, at, body.reference, body.delay_reason)
    reporting.report_to_ico(ctx, breach_id, made)
    return _shown(ctx, breach_id)


@router.get("/{breach_id}/draft", summary="The ICO notification drafted from the record")
def draft(breach_id: UUID, reading: ReadingDep) -> Any:
    return draft_json(register.draft_for_ico(reading, breach_id))


@router.post("/{breach_id}/notices", summary="Queue the notices to people or to controllers")
def notify(breach_id: UUID, body: NoticeIn, ctx: UseCaseDep) -> Any:
    if body.to == "people":
        return {"queued": notices.notify_people(ctx, breach_id)}
    done = notices.notify_controllers(ctx, breach_id)
    return {"queued": list(done.queued), "no_contact": list(done.no_contact)}


@router.post("/{breach_id}/close", summary="Close a breach once nothing about it is owed")
def close(breach_id: UUID, ctx: UseCaseDep) -> Any:
    record.close_breach(ctx, breach_id)
    return _shown(ctx, breach_id)
