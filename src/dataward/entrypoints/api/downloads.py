"""The public download of an access or portability package, by its single-use link.

No staff token: the link itself is the credential (signed, expiring, single use). Opening the
link (GET) shows a page with a download button and uses nothing up, so a mail scanner that
follows links before the person does cannot spend it; the button (POST) redeems it once. A link
that is unknown or altered answers 404, one used or expired 410; neither says which request it
was. Every redemption attempt is audited by the service, and each client address may try only
so many an hour. Nothing is cached.
"""

from __future__ import annotations

import math
from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from dataward.adapters.ratelimit import RateLimiter, client_key
from dataward.entrypoints.api.deps import ContainerDep
from dataward.entrypoints.api.errors import error_body
from dataward.services.download_links import redeem_download

router = APIRouter(tags=["public"])

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache", "X-Content-Type-Options": "nosniff"}
_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex">
<title>Download your data</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto">
<main><h1>Download your data</h1>
<p>The button below downloads your data as one ZIP file. It works once: keep the file safe.</p>
<form method="post" action="/api/v1/public/downloads/{token}">
<button type="submit">Download the ZIP file</button></form></main></body></html>
"""


@router.get(
    "/api/v1/public/downloads/{token}",
    summary="The page of a download link: a button that downloads the data once",
    response_class=HTMLResponse,
)
def download_page(token: str) -> HTMLResponse:
    return HTMLResponse(_PAGE.format(token=escape(token, quote=True)), headers=NO_STORE)


@router.post(
    "/api/v1/public/downloads/{token}",
    summary="Download your data once, by the link in your letter",
    response_class=Response,
    responses={
        200: {"content": {"application/zip": {}}, "description": "The ZIP of your data"},
        404: {"description": "The link is not valid"},
        410: {"description": "The link was used already or has expired"},
        429: {"description": "Too many attempts from this address; try again later"},
    },
)
def download(token: str, request: Request, container: ContainerDep) -> Response:
    limiter: RateLimiter = request.app.state.download_limiter
    wait = limiter.hit(client_key(request.client.host if request.client else None))
    if wait is not None:
        retry = str(max(1, math.ceil(wait.total_seconds())))
        return JSONResponse(
            error_body("too_many_requests", "too many attempts from this address; try later"),
            status_code=429,
            headers={"Retry-After": retry, **NO_STORE},
        )
    found = redeem_download(container.uow(), container.vault(), container.clock, token)
    return Response(
        content=found.content,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{found.filename}"', **NO_STORE},
    )
