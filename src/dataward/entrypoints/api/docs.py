"""The API's interactive documentation at `/docs` (Swagger UI), under a policy of its own.

Swagger UI is a script, loaded from its CDN and started by a short inline script. The page is
built once here, so its inline script is known and allowed by its hash; nothing else inline
runs. Its stylesheet comes from the same CDN, and it styles what it draws inline. No other
documentation page is served (no ReDoc, no OAuth2 redirect page: tokens are bearer tokens).
"""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

DOCS_PATH = "/docs"
CDN = "https://cdn.jsdelivr.net"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def install_docs(app: FastAPI) -> str:
    """Serve the docs page on `app`; its Content-Security-Policy, for `SecurityHeaders`."""
    openapi_url = app.openapi_url or "/openapi.json"
    page = get_swagger_ui_html(openapi_url=openapi_url, title=f"{app.title} - Swagger UI")
    html = bytes(page.body).decode("utf-8")
    scripts = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
        for s in _INLINE_SCRIPT.findall(html)
    )

    @app.get(DOCS_PATH, include_in_schema=False, response_class=HTMLResponse)
    def docs() -> HTMLResponse:
        return HTMLResponse(html)

    return (
        f"default-src 'none'; script-src {CDN} {scripts}; style-src {CDN} 'unsafe-inline'; "
        f"img-src 'self' data: https://fastapi.tiangolo.com; connect-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
