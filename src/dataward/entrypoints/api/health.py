"""What operations ask of a running server: is it alive, is it ready, and its figures.

- `GET /healthz`: liveness. The process answers; nothing else is asked, so a database outage
  never makes an orchestrator restart a healthy process.
- `GET /readyz`: readiness. The database and the key store each answer `SELECT 1`, and the
  broker takes a connection (each within `PROBE_SECONDS`); 200 when all do, else 503, with each
  dependency's state in fixed words. With the embedded default there is no broker (jobs run in
  process): it is not asked, and `"broker": "none"` says so.
- `GET /metrics`: Prometheus's text format (prometheus-client): requests by route template (never
  the path as sent, which can carry a link's token), method and status, and their duration.
  Figures of a service are no one's business outside it: served to loopback clients, or to one
  sending `DATAWARD_METRICS_TOKEN` as a bearer token.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable

import anyio
from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dataward.adapters.probes import database_answers
from dataward.entrypoints.api.deps import ContainerDep
from dataward.entrypoints.api.errors import error_body

router = APIRouter(tags=["health"])
PROBE_SECONDS = 3.0
LOOPBACK = {"127.0.0.1", "::1"}


@router.get("/healthz", summary="Liveness: the process answers")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


async def _probe(check: Callable[[], bool]) -> str:
    try:
        with anyio.fail_after(PROBE_SECONDS):
            answered = await run_in_threadpool(check)
    except TimeoutError:
        return "timed out"
    return "ok" if answered else "unreachable"


@router.get(
    "/readyz",
    summary="Readiness: the database and the key store answer",
    responses={503: {"description": "A dependency does not answer"}},
)
async def readyz(request: Request, container: ContainerDep) -> JSONResponse:
    checks = {
        "database": await _probe(lambda: database_answers(container.engine)),
        "key_store": await _probe(lambda: database_answers(container.keystore_engine)),
    }
    broker: Callable[[], bool] | None = request.app.state.broker_check
    if broker is not None:
        checks["broker"] = await _probe(broker)
    ready = all(state == "ok" for state in checks.values())
    body: dict[str, object] = {"status": "ready" if ready else "not ready", "checks": checks}
    if broker is None:
        body["broker"] = "none"
    return JSONResponse(body, status_code=200 if ready else 503)


class Metrics:
    """The figures of one application, in a registry of its own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "dataward_http_requests",
            "HTTP requests answered, by route template, method and status",
            ("route", "method", "status"),
            registry=self.registry,
        )
        self.duration = Histogram(
            "dataward_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template and method",
            ("route", "method"),
            registry=self.registry,
        )


METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
"""Methods named as sent; any other is `OTHER` (a method is any token a client likes)."""


def route_template(scope: Scope) -> str:
    """The template of the route that answered (`/api/v1/subjects/{subject_id}`), never the
    path sent, which can carry a link's token; `unmatched` when no route did."""
    return getattr(scope.get("route"), "path", None) or "unmatched"


def request_method(scope: Scope) -> str:
    method = str(scope.get("method", ""))
    return method if method in METHODS else "OTHER"


class MetricsMiddleware:
    """ASGI middleware counting every HTTP answer by its route's template."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()
        status = 500

        async def counted(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, counted)
        finally:
            route, method = route_template(scope), request_method(scope)
            self.metrics.requests.labels(route, method, str(status)).inc()
            self.metrics.duration.labels(route, method).observe(time.perf_counter() - began)


@router.get("/metrics", summary="Prometheus metrics (loopback, or the metrics token)")
def metrics(request: Request, container: ContainerDep) -> Response:
    token = container.settings.metrics_token
    sent = request.headers.get("authorization", "")
    if token is not None:
        expected = f"Bearer {token.get_secret_value()}"
        allowed = hmac.compare_digest(sent.encode(), expected.encode())
    else:
        allowed = request.client is not None and request.client.host in LOOPBACK
    if not allowed:
        return JSONResponse(error_body("unauthenticated", "metrics need their token"), 401)
    figures: Metrics = request.app.state.metrics
    return Response(generate_latest(figures.registry), media_type=CONTENT_TYPE_LATEST)
