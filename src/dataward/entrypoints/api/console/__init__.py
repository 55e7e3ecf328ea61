"""The staff console (`/console`): server-rendered pages over the same services as the API.

`web` holds what every page shares (the session's actor, the CSRF check of forms, the page
frame); each section is a module of its own with its router, included by `router` below.
"""

from __future__ import annotations

from fastapi import APIRouter

from dataward.entrypoints.api.console.audit import router as audit_router
from dataward.entrypoints.api.console.auth import router as auth_router
from dataward.entrypoints.api.console.breaches import router as breaches_router
from dataward.entrypoints.api.console.complaints import router as complaints_router
from dataward.entrypoints.api.console.dashboard import router as dashboard_router
from dataward.entrypoints.api.console.ingests import router as ingests_router
from dataward.entrypoints.api.console.marketing import router as marketing_router
from dataward.entrypoints.api.console.register import router as register_router
from dataward.entrypoints.api.console.reports import router as reports_router
from dataward.entrypoints.api.console.request_actions import router as request_actions_router
from dataward.entrypoints.api.console.requests import router as requests_router
from dataward.entrypoints.api.console.retention import router as retention_router
from dataward.entrypoints.api.console.subjects import router as subjects_router
from dataward.entrypoints.api.console.tenants import router as tenants_router

router = APIRouter(include_in_schema=False)
router.include_router(auth_router)
router.include_router(dashboard_router)
router.include_router(register_router)
router.include_router(tenants_router)
router.include_router(ingests_router)
router.include_router(reports_router)
router.include_router(breaches_router)
router.include_router(complaints_router)
router.include_router(retention_router)
router.include_router(audit_router)
router.include_router(marketing_router)
router.include_router(requests_router)
router.include_router(request_actions_router)
router.include_router(subjects_router)
