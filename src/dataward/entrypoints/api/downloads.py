"""The public download of an access or portability package, by its single-use link.

No staff token: the link itself is the credential (signed, expiring, single use). A link
that is unknown or altered answers 404, one used or expired 410; neither says which request
it was. Every attempt is audited by the service. The ZIP is never cached.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from dataward.entrypoints.api.deps import ContainerDep
from dataward.services.download_links import redeem_download

router = APIRouter(tags=["public"])

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache", "X-Content-Type-Options": "nosniff"}


@router.get(
    "/api/v1/public/downloads/{token}",
    summary="Download your data once, by the link in your letter",
    response_class=Response,
    responses={
        200: {"content": {"application/zip": {}}, "description": "The ZIP of your data"},
        404: {"description": "The link is not valid"},
        410: {"description": "The link was used already or has expired"},
    },
)
def download(token: str, container: ContainerDep) -> Response:
    found = redeem_download(container.uow(), container.vault(), container.clock, token)
    return Response(
        content=found.content,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{found.filename}"', **NO_STORE},
    )
