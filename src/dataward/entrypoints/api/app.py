"""The FastAPI application, built around a wired container."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI
from starlette.types import ASGIApp

from dataward import __version__
from dataward.adapters.ratelimit import RateLimiter
from dataward.bootstrap import Container
from dataward.bootstrap_jobs import broker_check
from dataward.domain.subjects import Actor
from dataward.entrypoints.api import errors
from dataward.entrypoints.api.audit import router as audit_router
from dataward.entrypoints.api.breaches import router as breaches_router
from dataward.entrypoints.api.calls import CALLS_PATH
from dataward.entrypoints.api.calls import router as calls_router
from dataward.entrypoints.api.complaints import router as complaints_router
from dataward.entrypoints.api.console import router as console_router
from dataward.entrypoints.api.console.web import FORM_MAX_BYTES as CONSOLE_FORM_BYTES
from dataward.entrypoints.api.cookies import BODY_MAX_BYTES as COOKIES_BODY_BYTES
from dataward.entrypoints.api.cookies import COOKIES_PATH
from dataward.entrypoints.api.cookies import router as cookies_router
from dataward.entrypoints.api.docs import DOCS_PATH, install_docs
from dataward.entrypoints.api.downloads import router as downloads_router
from dataward.entrypoints.api.health import Metrics, MetricsMiddleware
from dataward.entrypoints.api.health import router as health_router
from dataward.entrypoints.api.holds import router as holds_router
from dataward.entrypoints.api.jobs import router as jobs_router
from dataward.entrypoints.api.limits import BodyDeadline, BodyLimit
from dataward.entrypoints.api.marketing import router as marketing_router
from dataward.entrypoints.api.operations import OperationsCollector
from dataward.entrypoints.api.portal import BODY_MAX_BYTES as VERIFY_BODY_BYTES
from dataward.entrypoints.api.portal import VERIFY_PATH, install_limiters
from dataward.entrypoints.api.portal import router as portal_router
from dataward.entrypoints.api.processing import router as processing_router
from dataward.entrypoints.api.public import FORM_MAX_BYTES, FORM_PATH
from dataward.entrypoints.api.public import router as public_router
from dataward.entrypoints.api.register import router as register_router
from dataward.entrypoints.api.request_context import RequestContext
from dataward.entrypoints.api.request_stats import router as request_stats_router
from dataward.entrypoints.api.request_work import router as request_work_router
from dataward.entrypoints.api.requests import router as requests_router
from dataward.entrypoints.api.retention import router as retention_router
from dataward.entrypoints.api.security import SecurityHeaders
from dataward.entrypoints.api.sharing import router as sharing_router
from dataward.entrypoints.api.subjects import router as subjects_router
from dataward.entrypoints.api.tenants import router as tenants_router
from dataward.entrypoints.api.transfers import processors_router
from dataward.entrypoints.api.transfers import router as transfers_router
from dataward.entrypoints.api.unsubscribe import BODY_MAX_BYTES as UNSUBSCRIBE_BODY_BYTES
from dataward.entrypoints.api.unsubscribe import PREFERENCES_PATH, UNSUBSCRIBE_PATH
from dataward.entrypoints.api.unsubscribe import router as unsubscribe_router
from dataward.entrypoints.api.uploads import remove_leftovers, upload_folder
from dataward.services.jobs.figures import OperationsFigures, operations_figures

logger = logging.getLogger(__name__)

DOWNLOADS_PER_HOUR = 30
"""Download attempts one client address may make in an hour: a person needs one or two; this
bounds guessing and the audit entries each attempt writes."""


class DatawardApi(FastAPI):
    """The API, with its security headers and the request's id put on outside everything
    else.

    Middleware added with `add_middleware` runs inside Starlette's `ServerErrorMiddleware`,
    which sends the 500 of an unforeseen exception itself: a header middleware added that way
    never sees that answer. Wrapping the whole stack here puts the headers on every answer,
    that 500 included, and times and logs every request once (`request_context`)."""

    header_policies: dict[str, str]

    def build_middleware_stack(self) -> ASGIApp:
        stack = super().build_middleware_stack()
        return RequestContext(SecurityHeaders(stack, policies=self.header_policies))


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """At the server's start: remove the named upload spools of servers that died with them
    (see `uploads`)."""
    removed = remove_leftovers(app.state.upload_folder)
    if removed:
        logger.warning("removed %d upload spool(s) left by a server that stopped", removed)
    yield


def create_app(container: Container) -> FastAPI:
    app = DatawardApi(
        title="dataward",
        version=__version__,
        description="Privacy operations for a telephony call-reporting service: the register "
        "(policy as code), its record of processing and notice.",
        docs_url=None,  # served by `install_docs`, under its own policy
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        lifespan=_lifespan,
    )
    app.state.container = container
    app.state.upload_folder = upload_folder(container.settings.data_dir)
    app.state.anonymous_uploads = True  # a file without a name where the system allows it
    app.state.form_limiter = RateLimiter(
        container.settings.public_form_per_hour, timedelta(hours=1), container.clock
    )
    app.state.download_limiter = RateLimiter(
        DOWNLOADS_PER_HOUR, timedelta(hours=1), container.clock
    )
    app.state.register_check_limiter = RateLimiter(
        container.settings.register_checks_per_hour, timedelta(hours=1), container.clock
    )
    for name, limiter in install_limiters(container).items():
        setattr(app.state, name, limiter)
    errors.install(app)
    app.state.broker_check = broker_check(container)  # one, so its answer is kept a while
    app.state.metrics = Metrics()
    app.state.metrics.registry.register(OperationsCollector(lambda: _figures(container)))
    app.add_middleware(
        BodyLimit,
        routes={
            CALLS_PATH: container.settings.max_batch_bytes,
            FORM_PATH: FORM_MAX_BYTES,
            UNSUBSCRIBE_PATH: UNSUBSCRIBE_BODY_BYTES,
            PREFERENCES_PATH: UNSUBSCRIBE_BODY_BYTES,
            COOKIES_PATH: COOKIES_BODY_BYTES,
            VERIFY_PATH: VERIFY_BODY_BYTES,
            "/console/{rest:path}": CONSOLE_FORM_BYTES,
            "/console": CONSOLE_FORM_BYTES,
        },
        deadline=BodyDeadline(
            grace=container.settings.body_grace_seconds,
            min_rate=container.settings.body_min_bytes_per_second,
        ),
    )
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    app.header_policies = {DOCS_PATH: install_docs(app)}  # outermost: see `DatawardApi`
    app.include_router(register_router)
    app.include_router(subjects_router)
    app.include_router(processing_router)
    app.include_router(tenants_router)
    app.include_router(calls_router)
    app.include_router(request_stats_router)  # before `/api/v1/requests/{request_id}`
    app.include_router(requests_router)
    app.include_router(request_work_router)
    app.include_router(complaints_router)
    app.include_router(public_router)
    app.include_router(portal_router)
    app.include_router(cookies_router)
    app.include_router(downloads_router)
    app.include_router(audit_router)
    app.include_router(breaches_router)
    app.include_router(holds_router)
    app.include_router(retention_router)
    app.include_router(marketing_router)
    app.include_router(unsubscribe_router)
    app.include_router(sharing_router)
    app.include_router(processors_router)
    app.include_router(transfers_router)
    app.include_router(console_router)
    app.include_router(health_router)
    app.include_router(jobs_router)

    return app


def _figures(container: Container) -> OperationsFigures:
    """The operations figures, read as the command line's role (one that may read every
    request's due date: the DCO's by default)."""
    actor = Actor(id="metrics", role=container.settings.actor_role)
    return operations_figures(container.use_case(actor, read_only=True))
