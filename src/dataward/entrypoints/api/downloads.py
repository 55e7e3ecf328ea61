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
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from dataward.adapters.ratelimit import RateLimiter, client_key
from dataward.entrypoints.api.deps import ContainerDep
from dataward.entrypoints.api.errors import error_body
from dataward.entrypoints.api.pages import render_page
from dataward.entrypoints.api.routing import TokenFirstRoute
from dataward.services.rights.downloads import redeem_download

router = APIRouter(tags=["public"], route_class=TokenFirstRoute)

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@router.get(
    "/api/v1/public/downloads/{token}",
    summary="The page of a download link: a button that downloads the data once",
    response_class=HTMLResponse,
)
def download_page(token: str, request: Request) -> HTMLResponse:
    return render_page(
        "download.html.j2", token=quote(token, safe=""), headers=NO_STORE, request=request
    )


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
