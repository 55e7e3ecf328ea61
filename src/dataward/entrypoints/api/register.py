"""`/api/v1/register`: the active register and what is derived from it."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from dataward.adapters.ratelimit import RateLimiter, client_key
from dataward.adapters.register_file import parse_register
from dataward.domain.processing.purpose_notice import MAX_FACTOR
from dataward.entrypoints.api.deps import (
    ActiveRegisterDep,
    ContainerDep,
    GateDep,
    ReadingDep,
    UseCaseDep,
)
from dataward.entrypoints.api.errors import error_body
from dataward.entrypoints.api.routing import TokenFirstRoute

router = APIRouter(prefix="/api/v1/register", tags=["register"], route_class=TokenFirstRoute)


class RegisterVersion(BaseModel):
    id: int
    version: str
    last_updated: date
    sha256: str
    source: str
    loaded_at: datetime
    active: bool


class CheckResult(BaseModel):
    valid: bool
    version: str
    warnings: list[dict[str, Any]]


@router.get("", summary="The active register")
def active(loaded: ActiveRegisterDep) -> dict[str, Any]:
    document: dict[str, Any] = loaded.register.model_dump(mode="json")
    document["sha256"] = loaded.sha256
    return document


@router.get("/versions", summary="Every register version loaded, oldest first")
def versions(container: ContainerDep) -> list[RegisterVersion]:
    with container.uow(read_only=True) as uow:
        history = uow.registers.history()
    return [
        RegisterVersion(
            id=s.id,
            version=s.version,
            last_updated=s.last_updated,
            sha256=s.sha256,
            source=s.source,
            loaded_at=s.loaded_at,
            active=s.active,
        )
        for s in history
    ]


@router.post(
    "/check",
    summary="Validate a register YAML document without loading it",
    response_model=CheckResult,
    responses={429: {"description": "Too many checks from this address; try again later"}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "Register YAML",
            "content": {"application/yaml": {"schema": {"type": "string"}}},
        }
    },
)
async def check(request: Request) -> CheckResult | JSONResponse:
    """Needs no token, so each client address may have `DATAWARD_REGISTER_CHECKS_PER_HOUR`
    registers checked an hour (429 after, before the body is read). A document's work is
    bounded by its size, and is done off the event loop."""
    limiter: RateLimiter = request.app.state.register_check_limiter
    wait = limiter.hit(client_key(request.client.host if request.client else None))
    if wait is not None:
        return JSONResponse(
            error_body("too_many_requests", "too many checks from this address; try later"),
            status_code=429,
            headers={"Retry-After": str(max(1, math.ceil(wait.total_seconds())))},
        )
    body = await request.body()  # at most DEFAULT_MAX_BYTES: `BodyLimit` saw to it
    try:
        document = body.decode("utf-8")
    except UnicodeDecodeError:
        raise RequestValidationError(
            [{"loc": ("body",), "msg": "the body must be UTF-8 text", "type": "string_unicode"}]
        ) from None
    loaded = await run_in_threadpool(parse_register, document, source="request body")
    return CheckResult(
        valid=True,
        version=loaded.register.policy.version,
        warnings=[
            {"path": w.location, "line": w.line, "message": w.message} for w in loaded.warnings
        ],
    )


@router.get(
    "/ropa",
    summary="Record of processing activities (Art. 30)",
    response_class=Response,
    responses={200: {"content": {"application/json": {}, "text/csv": {}, "text/html": {}}}},
)
def ropa(
    loaded: ActiveRegisterDep,
    ctx: UseCaseDep,
    gate: GateDep,
    fmt: Literal["json", "csv", "html"] = Query("json", alias="format"),
) -> Response:
    """Its processor part names every tenant as a controller, with its contact as far as the
    caller's role may read it (each read decided by the gate and audited)."""
    from dataward.adapters.documents.ropa import render_ropa
    from dataward.services.register.controllers import ropa_controllers

    controllers = ropa_controllers(ctx, gate)
    text = render_ropa(loaded.register, fmt, controllers=controllers.entries)
    media = {"json": "application/json", "csv": "text/csv", "html": "text/html"}[fmt]
    headers = {"Content-Disposition": 'attachment; filename="ropa.csv"'} if fmt == "csv" else None
    return Response(text, media_type=f"{media}; charset=utf-8", headers=headers)


@router.get("/notice", summary="The public privacy notice", response_class=HTMLResponse)
def notice(
    loaded: ActiveRegisterDep,
    fmt: Literal["html", "md"] = Query("html", alias="format"),
) -> Response:
    from dataward.adapters.documents.notice import render_notice

    text = render_notice(loaded.register, fmt)
    if fmt == "md":
        return PlainTextResponse(text, media_type="text/markdown; charset=utf-8")
    return HTMLResponse(text)


@router.get("/export/fides", summary="The register as a fideslang System document")
def export_fides(loaded: ActiveRegisterDep) -> dict[str, Any]:
    from dataward.adapters.documents.fides import export_fides as build

    return build(loaded.register)


@router.get("/export/dpv", summary="The register as W3C DPV JSON-LD")
def export_dpv(loaded: ActiveRegisterDep) -> Response:
    import json

    from dataward.adapters.documents.dpv import export_dpv as build

    return Response(json.dumps(build(loaded.register)), media_type="application/ld+json")


class AssessmentIn(BaseModel):
    """An Art. 6(4) compatibility assessment: the conclusion and each factor, in words."""

    model_config = ConfigDict(extra="forbid")

    purpose: str = Field(min_length=1, max_length=64, description="The changed purpose's key")
    compatible: bool
    reasons: str = Field(min_length=1, max_length=MAX_FACTOR, repr=False)
    link: str = Field(min_length=1, max_length=MAX_FACTOR, repr=False, description="6(4)(a)")
    context: str = Field(min_length=1, max_length=MAX_FACTOR, repr=False, description="6(4)(b)")
    nature: str = Field(min_length=1, max_length=MAX_FACTOR, repr=False, description="6(4)(c)")
    consequences: str = Field(
        min_length=1, max_length=MAX_FACTOR, repr=False, description="6(4)(d)"
    )
    safeguards: str = Field(min_length=1, max_length=MAX_FACTOR, repr=False, description="6(4)(e)")


class AssessmentOut(BaseModel):
    purpose: str
    compatible: bool
    assessed_by: str
    assessed_at: datetime


class NoticesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: str = Field(min_length=1, max_length=64, description="The register version")


class NoticesOut(BaseModel):
    version: str
    queued: int


class PendingOut(BaseModel):
    purpose: str
    version: str
    added: bool
    what: list[str]
    assessed: bool | None = Field(description="The latest assessment: compatible, not, or none")
    concerned: int
    told: int


@router.post("/assessments", status_code=201, summary="Assess a changed purpose's compatibility")
def assess(body: AssessmentIn, ctx: UseCaseDep) -> AssessmentOut:
    """Needs manage_register. Compatible lets the purpose through the gate for the people not yet
    told of it; not compatible keeps it refused until they are sent the notice. Audited by
    purpose, version and outcome; the words are kept, never logged."""
    from dataward.domain.processing.purpose_notice import CompatibilityFactors
    from dataward.services.register import purpose_notices as service

    factors = CompatibilityFactors(
        body.link, body.context, body.nature, body.consequences, body.safeguards
    )
    done = service.assess(
        ctx, service.AssessPurpose(body.purpose, body.compatible, body.reasons, factors)
    )
    return AssessmentOut(
        purpose=done.purpose,
        compatible=done.compatible,
        assessed_by=done.assessed_by,
        assessed_at=done.assessed_at,
    )


@router.post("/notices", status_code=202, summary="Queue the notice of a register version")
def notices(body: NoticesIn, ctx: UseCaseDep) -> NoticesOut:
    """Needs manage_register: one message to each of our own people the version's changed
    purposes concern who has not been sent it; the outbox sends them."""
    from dataward.services.register.purpose_notices import notify

    queued = notify(ctx, body.version)
    return NoticesOut(version=queued.version, queued=queued.queued)


@router.get("/pending", summary="The changed purposes awaiting notice, and how far it has gone")
def pending(reading: ReadingDep) -> list[PendingOut]:
    from dataward.services.register.purpose_notices import pending as waiting

    return [
        PendingOut(
            purpose=p.purpose,
            version=p.version,
            added=p.added,
            what=list(p.what),
            assessed=p.assessed,
            concerned=p.concerned,
            told=p.told,
        )
        for p in waiting(reading)
    ]
