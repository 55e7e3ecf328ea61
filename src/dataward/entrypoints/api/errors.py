"""One JSON error shape for every failure, mapped from the error tree in one place.

{"error": {"code": "register_invalid", "message": "...", "details": [...]}}

Under `/api/v1/subjects` every miss, and every refusal because the subject is outside the
caller's tenant scope, is the same 404 body: which of them it was would say whether a person
is a subject. Anything unexpected is a 500 `internal_error` whose message is fixed: an
exception's text can hold a value (an SQL parameter, a file line) and never reaches a client.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from dataward.adapters.ingest.detect import FormatUnknown
from dataward.adapters.ingest.generic_csv import HeaderMismatch
from dataward.adapters.ingest.mapping import MappingInvalid
from dataward.adapters.sql.faults import STORE_UNAVAILABLE
from dataward.domain.accounts import LoginRefused, PasswordRefused
from dataward.domain.audit import AuditRefused
from dataward.domain.breaches.model import BreachChanged, BreachRefused, BreachUnreadable
from dataward.domain.calls.dp_release import ReleaseRefused
from dataward.domain.errors import (
    AccessDenied,
    ActionNotAllowed,
    ConfigurationError,
    ConsentRefused,
    DatawardError,
    DocumentInvalid,
    InvalidIdentifier,
    InvalidValue,
    KeyBatchLost,
    KeyUnavailable,
    NoSuchSubject,
    NotFound,
    ObjectionRefused,
    ProhibitedData,
    RegisterInvalid,
    RegisterRefused,
    RestrictionRefused,
    Unauthenticated,
    WriteConflict,
)
from dataward.domain.processing.litigation_holds import HoldRefused, SubjectHeld
from dataward.domain.register.problems import format_path
from dataward.domain.register.required import RequiredDataMissing
from dataward.domain.requests.workflow import RequestRefused
from dataward.domain.retention.sweeps import RetentionRefused, SweepLeaseLost, SweepRunning
from dataward.domain.sharing.records import ShareRefused
from dataward.domain.tenants import TenantRefused
from dataward.services.calls.ingest import IngestRejected
from dataward.services.calls.reports import ReportRefused
from dataward.services.marketing.sending import CampaignAlreadySent
from dataward.services.organisation.staff import StaffRefused
from dataward.services.processing.erasure import ErasureRefused
from dataward.services.quarantine.lines import QuarantineRefused
from dataward.services.rights.downloads import DownloadGone, DownloadNotFound
from dataward.services.subjects.registry import DuplicateIdentifier, SubjectRefused

SUBJECTS_PATH = "/api/v1/subjects"
INTERNAL_ERROR = "internal error"


STATUS: dict[type[DatawardError], int] = {
    DownloadNotFound: 404,
    DownloadGone: 410,
    RegisterInvalid: 422,
    LoginRefused: 401,
    PasswordRefused: 422,
    MappingInvalid: 422,
    FormatUnknown: 422,
    HeaderMismatch: 422,
    InvalidIdentifier: 422,
    InvalidValue: 422,
    ProhibitedData: 422,
    SubjectRefused: 422,
    RequiredDataMissing: 422,  # the service cannot be provided without it: the fields named
    ConsentRefused: 422,
    RestrictionRefused: 409,
    ObjectionRefused: 409,
    ErasureRefused: 409,
    RetentionRefused: 422,
    SweepRunning: 409,
    SweepLeaseLost: 503,
    ReleaseRefused: 422,
    SubjectHeld: 409,
    HoldRefused: 409,
    ShareRefused: 409,  # the register or a transfer check refuses the export whole (recorded)
    StaffRefused: 422,
    TenantRefused: 422,
    DuplicateIdentifier: 409,
    WriteConflict: 409,
    IngestRejected: 422,
    QuarantineRefused: 409,
    ReportRefused: 422,
    RequestRefused: 409,
    BreachRefused: 409,
    BreachChanged: 409,
    BreachUnreadable: 409,
    CampaignAlreadySent: 409,
    RegisterRefused: 409,
    Unauthenticated: 401,
    AccessDenied: 403,
    ActionNotAllowed: 403,
    NotFound: 404,
    KeyUnavailable: 410,
    KeyBatchLost: 503,  # the writer stalled past the key sweep's grace: nothing stored, retry
    ConfigurationError: 500,
    AuditRefused: 500,  # a caller passed details the log refuses: a bug, not the client's
}


def error_body(code: str, message: str, details: list[Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or []}}


def status_for(error: DatawardError) -> int:
    for kind in type(error).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    return 400


def _hides_existence(request: Request, error: DatawardError) -> bool:
    """A subject out of the caller's tenant scope, or none at all, under `/api/v1/subjects`:
    answered alike, so the answer does not confirm that a subject exists."""
    if isinstance(error, ActionNotAllowed) and "tenant scope" in error.why:
        return True
    return isinstance(error, NotFound) and _under_subjects(request)


def _under_subjects(request: Request) -> bool:
    path = request.url.path
    return path == SUBJECTS_PATH or path.startswith(SUBJECTS_PATH + "/")


def _no_such_subject() -> JSONResponse:
    return JSONResponse(error_body("not_found", NoSuchSubject.MESSAGE), status_code=404)


async def _dataward_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DatawardError)  # noqa: S101 - registered for this type only
    if _hides_existence(request, error):
        return _no_such_subject()
    details: list[Any] = []
    if isinstance(error, DocumentInvalid):
        details = [
            {
                "path": _document_place(problem.path),
                "line": problem.line,
                "message": problem.message,
                "severity": str(problem.severity),
            }
            for problem in error.problems
        ]
    if isinstance(error, RequiredDataMissing):
        details = [{"field": field} for field in error.needed.missing]
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(error, Unauthenticated) else None
    return JSONResponse(
        error_body(error.code, str(error), details),
        status_code=status_for(error),
        headers=headers,
    )


@cache
def _document_names() -> frozenset[str]:
    """The field names of the documents the API checks (a register; a column mapping)."""
    from dataward.adapters.ingest.mapping import ColumnMapping
    from dataward.domain.register.model import Register

    found: set[str] = set()
    for model in (Register, ColumnMapping):
        _collect_names(model.model_json_schema(), found)
    return frozenset(found)


def _document_place(path: Sequence[str | int]) -> str:
    """A problem's place in a document by the schema's own names and list positions: a key
    the document chose (an unknown field, a key written twice) is left out; its line says
    where it is."""
    names = _document_names()
    return format_path([p for p in path if isinstance(p, int) or p in names])


PLAIN_MESSAGES = {
    "uuid_parsing": "Input should be a valid UUID",
    "extra_forbidden": "an unknown field (not named here): send only the fields documented",
}
"""Validation messages that quote part of the input, or would be read with a name the request
chose, said without it."""
UNQUOTED = "the value is not valid here"
"""Said instead of a validation message that quotes the value it refuses."""
QUOTE_MIN = 4
"""A value this long found in a message is quoted there; a shorter one may be a coincidence."""


def _api_names(app: FastAPI) -> frozenset[str]:
    """Every name the API itself gives a place: the fields of its bodies and the names of its
    parameters, from its OpenAPI document (built once, then kept)."""
    names = getattr(app.state, "api_names", None)
    if names is None:
        found: set[str] = {"body", "query", "path", "header", "cookie"}
        _collect_names(app.openapi(), found)
        names = app.state.api_names = frozenset(found)
    return frozenset(names)


def _collect_names(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict):
            found.update(str(name) for name in properties)
        if node.get("in") in {"query", "path", "header", "cookie"} and "name" in node:
            found.add(str(node["name"]))
        for value in node.values():
            _collect_names(value, found)
    elif isinstance(node, list):
        for value in node:
            _collect_names(value, found)


def _place(loc: Sequence[Any], kind: str, names: frozenset[str]) -> str:
    """Where a problem is, by the API's own names and list positions only: a key the request
    chose (an unknown field, a mapping's key) is left out, as is pydantic's own wording for a
    branch of a type."""
    parts = list(loc[:-1]) if kind == "extra_forbidden" else list(loc)
    return ".".join(str(p) for p in parts if isinstance(p, int) or p in names)


def _message(problem: Mapping[str, Any]) -> str:
    kind = problem["type"]
    if kind in PLAIN_MESSAGES:
        return PLAIN_MESSAGES[kind]
    message = str(problem["msg"])
    value = problem.get("input")
    quoted = str(value) if isinstance(value, str | int | float) else ""
    return UNQUOTED if len(quoted.strip()) >= QUOTE_MIN and quoted.strip() in message else message


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    """Each problem by its place and pydantic's message: never the input itself, and never a
    name the request chose (an unknown field is said to be one, not named)."""
    assert isinstance(error, RequestValidationError)  # noqa: S101
    names = _api_names(request.app)
    details = [
        {"path": _place(e["loc"], e["type"], names), "message": _message(e)} for e in error.errors()
    ]
    return JSONResponse(
        error_body("invalid_request", "the request is not valid", details), status_code=422
    )


BODY_UNREADABLE = "the body cannot be read as its Content-Type says (JSON is UTF-8 text)"


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)  # noqa: S101
    if error.status_code == 404 and _under_subjects(request):
        return _no_such_subject()
    if error.status_code == 400 and error.__cause__ is not None:
        # FastAPI's own 400 for a body it could not read (JSON that is not UTF-8): the same
        # 422 as a body that is not valid JSON, not a code the API documents nowhere.
        details = [{"path": "body", "message": BODY_UNREADABLE}]
        return JSONResponse(
            error_body("invalid_request", "the request is not valid", details), status_code=422
        )
    code = {401: "unauthenticated", 404: "not_found", 405: "method_not_allowed"}.get(
        error.status_code, "http_error"
    )
    return JSONResponse(error_body(code, str(error.detail)), status_code=error.status_code)


UNAVAILABLE = "the database did not answer, or could not be written; nothing was kept; try again"


async def _store_unavailable(_request: Request, _error: Exception) -> JSONResponse:
    """The database away, or full: a 503 with a fixed message (a driver's can name a host or
    a file), and when to try again."""
    return JSONResponse(
        error_body("service_unavailable", UNAVAILABLE),
        status_code=503,
        headers={"Retry-After": "30"},
    )


async def _internal_error(_request: Request, _error: Exception) -> JSONResponse:
    """Anything not foreseen: the one shape, a fixed message, never the exception's text."""
    return JSONResponse(error_body("internal_error", INTERNAL_ERROR), status_code=500)


ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "description": "Every error the API gives, in one shape",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {"type": "string", "examples": ["invalid_request"]},
                "message": {"type": "string"},
                "details": {"type": "array", "items": {}},
            },
        }
    },
}


def _document_errors(app: FastAPI) -> None:
    """The OpenAPI document's 422 answers in the shape the API gives, not FastAPI's own
    (`{"detail": [...]}`), which `_validation_error` replaces."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schemas = generate().get("components", {}).get("schemas", {})
            if "HTTPValidationError" in schemas:
                schemas["HTTPValidationError"] = ERROR_SCHEMA
                schemas.pop("ValidationError", None)
        return app.openapi_schema or generate()

    app.openapi = openapi  # type: ignore[method-assign]


def install(app: FastAPI) -> None:
    app.add_exception_handler(DatawardError, _dataward_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    for unavailable in STORE_UNAVAILABLE:
        app.add_exception_handler(unavailable, _store_unavailable)
    app.add_exception_handler(Exception, _internal_error)
    _document_errors(app)
