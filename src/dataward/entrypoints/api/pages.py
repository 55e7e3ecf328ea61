"""The HTML pages people open without a token: the request form and a download link's page.

Templates in `templates/web`, every value escaped (autoescape on for every template, whatever
its name), the page's stylesheet inline and allowed by its hash in the Content-Security-Policy
that `security` puts on every response. The pages carry no script.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader

from dataward.adapters.documents.styles import with_stylesheets


@cache
def _environment() -> Environment:
    return with_stylesheets(
        Environment(loader=PackageLoader("dataward", "templates/web"), autoescape=True)
    )


def render_page(
    template: str,
    *,
    request: Request | None = None,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    **values: Any,
) -> HTMLResponse:
    """Page `template` filled with `values`, each escaped. `request`: the request the page
    answers (its cookies and headers decide the cookie banner)."""
    del request
    html = _environment().get_template(template).render(**values)
    return HTMLResponse(html, status_code=status, headers=headers)
