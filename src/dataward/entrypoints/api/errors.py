"""One JSON error shape for every failure, mapped from the error tree in one place.

{"error": {"code": "register_invalid", "message": "...", "details": [...]}}
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from dataward.domain.audit import AuditRefused
from dataward.domain.errors import (
    AccessDenied,
    ActionNotAllowed,
    ConfigurationError,
    ConsentRefused,
    DatawardError,
    InvalidIdentifier,
    KeyUnavailable,
    NotFound,
    ObjectionRefused,
    ProhibitedData,
    RegisterInvalid,
    RestrictionRefused,
    Unauthenticated,
)
from dataward.domain.tenants import TenantRefused
from dataward.services.staff import StaffRefused
from dataward.services.subjects import DuplicateIdentifier, SubjectRefused

STATUS: dict[type[DatawardError], int] = {
    RegisterInvalid: 422,
    InvalidIdentifier: 422,
    ProhibitedData: 422,
    SubjectRefused: 422,
    ConsentRefused: 422,
    RestrictionRefused: 409,
    ObjectionRefused: 409,
    StaffRefused: 422,
    TenantRefused: 422,
    DuplicateIdentifier: 409,
    Unauthenticated: 401,
    AccessDenied: 403,
    ActionNotAllowed: 403,
    NotFound: 404,
    KeyUnavailable: 410,
    ConfigurationError: 500,
    AuditRefused: 500,  # a caller passed details the log refuses: a bug, not the client's
}


def error_body(code: str, message: str, details: list[Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or []}}


def _status_for(error: DatawardError) -> int:
    for kind in type(error).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    return 400


def _hides_existence(error: DatawardError) -> bool:
    """A refusal because the subject is another tenant's must not confirm the subject exists."""
    if isinstance(error, AccessDenied):
        return error.reason == "tenant_mismatch"
    return isinstance(error, ActionNotAllowed) and "tenant scope" in error.why


async def _dataward_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DatawardError)  # noqa: S101 - registered for this type only
    if _hides_existence(error):
        return JSONResponse(error_body("not_found", "no such subject"), status_code=404)
    details: list[Any] = []
    if isinstance(error, RegisterInvalid):
        details = [
            {
                "path": problem.location,
                "line": problem.line,
                "message": problem.message,
                "severity": str(problem.severity),
            }
            for problem in error.problems
        ]
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(error, Unauthenticated) else None
    return JSONResponse(
        error_body(error.code, str(error), details),
        status_code=_status_for(error),
        headers=headers,
    )


async def _validation_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)  # noqa: S101
    details = [
        {"path": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in error.errors()
    ]
    return JSONResponse(
        error_body("invalid_request", "the request is not valid", details), status_code=422
    )


async def _http_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)  # noqa: S101
    code = {401: "unauthenticated", 404: "not_found", 405: "method_not_allowed"}.get(
        error.status_code, "http_error"
    )
    return JSONResponse(error_body(code, str(error.detail)), status_code=error.status_code)


def install(app: FastAPI) -> None:
    app.add_exception_handler(DatawardError, _dataward_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
