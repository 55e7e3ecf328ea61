"""The API's interactive documentation at `/docs` (Swagger UI), served from our own origin.

Staff paste their tokens into this page, so nothing on it comes from anywhere else: Swagger UI
is a copy of the npm package `swagger-ui-dist` at one exact version (`static/swagger-ui`, its
origin and hashes in `SOURCE.md`), and the script that starts it is a file of ours
(`static/docs.js`), not an inline script. The page's Content-Security-Policy therefore allows
scripts and stylesheets from this origin only (Swagger UI styles what it draws through the
DOM, which a policy does not restrict), images from here or inline `data:` (its icons), and
requests to this origin only (the OpenAPI document, "Try it out"). No other documentation
page is served (no ReDoc, no OAuth2 redirect page: tokens are bearer tokens).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from fastapi import FastAPI, HTTPException
from fastapi.responses import HTMLResponse, Response

from dataward.entrypoints.api.pages import render_page

DOCS_PATH = "/docs"
ASSETS_PATH = "/docs/assets"
SWAGGER_UI_VERSION = "5.35.0"
"""The version of `swagger-ui-dist` copied into `static/swagger-ui`."""

ASSETS: dict[str, tuple[str, str]] = {
    "swagger-ui-bundle.js": ("swagger-ui/swagger-ui-bundle.js", "text/javascript"),
    "swagger-ui.css": ("swagger-ui/swagger-ui.css", "text/css"),
    "docs.js": ("docs.js", "text/javascript"),
}
"""What the page loads, by the name in its URL: (file under `static/`, media type). Only
these are served, so no path from a request reaches the file system."""

POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


@cache
def _asset(name: str) -> bytes:
    relative, _ = ASSETS[name]
    return files("dataward").joinpath("static", *relative.split("/")).read_bytes()


def install_docs(app: FastAPI) -> str:
    """Serve the docs page and what it loads on `app`; the page's Content-Security-Policy,
    for `SecurityHeaders`."""
    openapi_url = app.openapi_url or "/openapi.json"
    title = f"{app.title} - Swagger UI"

    @app.get(DOCS_PATH, include_in_schema=False, response_class=HTMLResponse)
    def docs() -> HTMLResponse:
        return render_page("docs.html.j2", title=title, openapi_url=openapi_url, assets=ASSETS_PATH)

    @app.get(f"{ASSETS_PATH}/{{name}}", include_in_schema=False, response_class=Response)
    def asset(name: str) -> Response:
        if name not in ASSETS:
            raise HTTPException(status_code=404)
        return Response(_asset(name), media_type=f"{ASSETS[name][1]}; charset=utf-8")

    return POLICY
