"""Every page escapes what it shows and carries the headers that keep a page inert: a policy
with no script and only our stylesheets, no framing, no referrer, no sniffing. Markup typed
into any field of the public form never comes back, on any path (taken, refused, limited), and
a download link's token is shown only quoted."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any
from uuid import UUID

import pytest
from faker import Faker

from dataward.domain.marketing.tokens import Unsubscriber, make_token
from dataward.domain.subjects import Actor
from dataward.services.marketing.messages import unsubscribe_key
from dataward.services.rights.public_status import status_token
from tests.e2e.conftest import Api

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
MARK = "zq9"
"""In every payload, and never in a page that did not carry it before."""
PAYLOADS = [
    f"<script>alert('{MARK}')</script>",
    f'"><img src=x onerror=alert("{MARK}")>',
    f"<style>body{{display:none}}</style>{MARK}",
    f"javascript:alert('{MARK}')",
]
FIELDS = ("type", "ground", "objection", "name", "email", "representative")


def _pages(api: Api, link: str = "a-token", status: str = "a-token") -> list[str]:
    """Every GET route that answers HTML, with a value for its path and its `format`; the
    links of a marketing message get `link`, a request's status page `status`."""
    document = api.client.app.openapi()  # type: ignore[attr-defined]
    found = ["/docs"]
    for path, operations in document["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        answers = operation.get("responses", {}).values()
        if not any("text/html" in (a.get("content") or {}) for a in answers):
            continue
        query = (
            "?format=html"
            if any(p["name"] == "format" for p in operation.get("parameters", []))
            else ""
        )
        value = link if path.startswith("/u/") else "a-token"
        value = status if path.startswith("/requests/status/") else value
        found.append(re.sub(r"\{\w+\}", value, path) + query)
    return found


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _policy(headers: Any) -> dict[str, list[str]]:
    directives = (d.split() for d in headers["content-security-policy"].split(";") if d.strip())
    return {name: sources for name, *sources in directives}


def _assert_inert_page_headers(response: Any) -> None:
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"
    policy = _policy(response.headers)
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["default-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert "'unsafe-inline'" not in policy.get("script-src", [])
    assert "'unsafe-eval'" not in policy.get("script-src", [])


def test_every_html_route_is_found(api: Api) -> None:
    assert sorted(_pages(api)) == sorted(
        [
            "/docs",
            "/",
            "/cookies",
            "/requests/verify",
            "/requests/status/a-token",
            "/api/v1/register/ropa?format=html",
            "/api/v1/register/notice?format=html",
            "/requests/new",
            "/api/v1/public/downloads/a-token",
            "/u/a-token",
            "/u/a-token/preferences",
        ]
    )


def _marketing_link(api: Api, fake: Faker) -> str:
    """The token of a real unsubscribe link, for a person to whom Akixi markets."""
    subject_id = api.create(
        "marketing",
        {"kind": "marketing_contact", "identifiers": [{"type": "email", "value": fake.email()}]},
    )
    key = unsubscribe_key(api.container.use_case(Actor(id="dco", role="dco")))
    return make_token(key, Unsubscriber(UUID(subject_id), "akixi"))


def _status_link(api: Api, fake: Faker) -> str:
    """The token of a real status link, for a request made on the public form (its receipt
    never carries the link: the letter to the address given does)."""
    answer = _form(api, type="access", email=fake.email())
    assert "/requests/status/" not in answer.text
    found = re.search(r"Your reference is <strong>([0-9a-f-]{36})</strong>", answer.text)
    assert found is not None
    return status_token(api.container.vault(), UUID(found.group(1)))


def test_every_page_allows_no_script_and_only_its_own_stylesheet(api: Api, fake: Faker) -> None:
    for page in _pages(api, _marketing_link(api, fake), _status_link(api, fake)):
        response = api.client.get(page, headers=api.as_("dco"))  # the ropa needs a token
        assert response.status_code == 200, page
        _assert_inert_page_headers(response)
        policy = _policy(response.headers)
        if page == "/docs":
            _assert_docs_come_from_here(response, policy)
            continue
        assert "script-src" not in policy, page  # default-src 'none': no script at all
        assert "<script" not in response.text
        assert " style=" not in response.text
        styles = re.findall(r"<style>(.*?)</style>", response.text, re.DOTALL)
        assert styles, page
        assert "'unsafe-inline'" not in policy["style-src"]
        for style in styles:
            assert _sha256(style) in policy["style-src"], page
        assert policy["form-action"] == ["'self'"]


def _assert_docs_come_from_here(response: Any, policy: dict[str, list[str]]) -> None:
    """Swagger UI and its starter are files of this origin: no inline script or style, no
    other host, and a policy that allows nothing else."""
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert not any("http" in source for sources in policy.values() for source in sources)
    assert re.findall(r"<script[^>]*>", response.text) == [
        '<script src="/docs/assets/swagger-ui-bundle.js">',
        '<script src="/docs/assets/docs.js">',
    ]
    assert "<style" not in response.text
    assert " style=" not in response.text
    assert "https://" not in response.text


def test_the_docs_assets_are_the_pinned_swagger_ui_and_nothing_else(api: Api) -> None:
    pinned = {
        "swagger-ui-bundle.js": (
            "e6a898692f2d768e807c3ba4626068a69a2c5dd960dd6c76f3e4d3a3de180af2",
            "text/javascript",
        ),
        "swagger-ui.css": (
            "5ed08757e53da3e026d6cbecc61fe5d43585c9560b302d534ad56692519a273d",
            "text/css",
        ),
    }
    for name, (digest, media) in pinned.items():
        answer = api.client.get(f"/docs/assets/{name}")
        assert answer.status_code == 200
        assert hashlib.sha256(answer.content).hexdigest() == digest, name
        assert answer.headers["content-type"].startswith(media)
        assert answer.headers["x-content-type-options"] == "nosniff"
    starter = api.client.get("/docs/assets/docs.js")
    assert starter.headers["content-type"].startswith("text/javascript")
    assert "SwaggerUIBundle(" in starter.text
    for name in ("LICENSE", "SOURCE.md", "../docs.js", "..%2Fpolicies%2Fregister.yaml", "x.js"):
        assert api.client.get(f"/docs/assets/{name}").status_code == 404, name


def test_json_answers_and_errors_carry_the_headers_too(api: Api) -> None:
    answers = [
        api.client.get("/healthz"),
        api.client.get("/api/v1/register"),
        api.client.get("/api/v1/requests"),  # 401
        api.client.get("/api/v1/nowhere"),  # 404
        api.client.get("/api/v1/requests", headers=api.as_("dco")),
    ]
    for answer in answers:
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert answer.headers["cache-control"] == "no-store"
        assert _policy(answer.headers)["default-src"] == ["'none'"]
        assert _policy(answer.headers)["frame-ancestors"] == ["'none'"]


def test_an_unforeseen_500_carries_the_headers_too(api: Api) -> None:
    """Starlette answers an unforeseen exception from outside every added middleware; the
    headers must be on that answer as well, whether the route was JSON or a page."""
    from fastapi.responses import HTMLResponse
    from fastapi.testclient import TestClient

    from dataward.entrypoints.api.app import create_app

    app = create_app(api.container)

    def broken() -> dict[str, str]:
        raise RuntimeError("a value that must not be sent")

    def broken_page() -> HTMLResponse:
        raise RuntimeError("a value that must not be sent")

    app.add_api_route("/broken", broken)
    app.add_api_route("/broken-page", broken_page, response_class=HTMLResponse)
    client = TestClient(app, raise_server_exceptions=False)
    for path in ("/broken", "/broken-page"):
        answer = client.get(path)
        assert answer.status_code == 500
        assert answer.json()["error"]["code"] == "internal_error"
        assert "must not be sent" not in answer.text
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["cache-control"] == "no-store"
        assert _policy(answer.headers)["default-src"] == ["'none'"]
        assert _policy(answer.headers)["frame-ancestors"] == ["'none'"]


def _form(api: Api, **fields: str) -> Any:
    from urllib.parse import urlencode

    return api.client.post("/requests/new", content=urlencode(fields).encode(), headers=FORM)


def _assert_not_echoed(response: Any) -> None:
    assert MARK not in response.text
    assert "<script" not in response.text
    assert "onerror" not in response.text
    assert response.text.count("<style>") == 1
    _assert_inert_page_headers(response)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markup_in_any_field_of_the_form_never_comes_back(
    api: Api, fake: Faker, payload: str
) -> None:
    good = {
        "type": "restriction",
        "ground": "accuracy_contested",
        "objection": "",
        "name": fake.name(),
        "email": fake.email(),
        "representative": "yes",
    }
    statuses = set()
    for field in FIELDS:
        response = _form(api, **{**good, field: payload})
        statuses.add(response.status_code)
        _assert_not_echoed(response)
    for kind, scope in (("objection", "objection"), ("restriction", "ground")):
        response = _form(
            api, type=kind, email=fake.email(), **{scope: f"legitimate_interests:{payload}"}
        )
        assert response.status_code == 422
        _assert_not_echoed(response)
    response = _form(api, type="access", email=payload + "@example.org")
    assert "does not look right" in response.text
    _assert_not_echoed(response)
    assert statuses == {201, 422}  # taken with markup in the name and the unused fields


def test_the_rate_limited_page_echoes_nothing_either(api: Api, fake: Faker) -> None:
    for _ in range(api.container.settings.public_form_per_hour):
        assert _form(api, type="access", email=fake.email()).status_code == 201
    limited = _form(api, type=PAYLOADS[0], name=PAYLOADS[1], email=PAYLOADS[2])
    assert limited.status_code == 429
    _assert_not_echoed(limited)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_download_links_token_is_shown_only_quoted(api: Api, payload: str) -> None:
    from urllib.parse import quote

    token = payload.replace("/", "")  # a slash, even quoted, is a path of its own
    page = api.client.get("/api/v1/public/downloads/" + quote(token, safe=""))
    assert page.status_code == 200
    assert "<script" not in page.text
    assert "onerror=" not in page.text.replace("onerror%3D", "")
    actions = re.findall(r'<form method="post" action="([^"]*)">', page.text)
    own = [a for a in actions if a != "/cookies"]  # the cookie banner's forms aside
    assert len(own) == 1
    assert re.fullmatch(r"/api/v1/public/downloads/[A-Za-z0-9%._~-]+", own[0])
    backs = re.findall(r'name="back" value="([^"]*)"', page.text)
    assert backs
    assert all(re.fullmatch(r"/api/v1/public/downloads/[A-Za-z0-9%._~-]+", b) for b in backs)
    _assert_inert_page_headers(page)
