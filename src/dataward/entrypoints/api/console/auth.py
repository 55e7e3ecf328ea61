"""Signing in and out of the console, and setting a password by its one-time link.

The sign-in form and the password form are shown before any session exists: their CSRF token
is the `dw_csrf` cookie's value, repeated in the form (and checked against the browser's
`Sec-Fetch-Site`/`Origin`), so no other site can sign someone in as an account of its own.
A sign-in always starts a new session with a new cookie value: a value planted before it
(session fixation) is never the one that works after it. Failures say the same whatever
failed; five in a row lock the account for a while, and a client address has its own limit.
"""

from __future__ import annotations

import math
import secrets
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from dataward.adapters.ratelimit import RateLimiter, client_key
from dataward.domain.accounts import LoginRefused, PasswordRefused
from dataward.domain.errors import Unauthenticated
from dataward.entrypoints.api.console.web import (
    CONSOLE,
    CSRF_COOKIE,
    CSRF_FIELD,
    LOGIN_PATH,
    SESSION_COOKIE,
    ConsoleFormDep,
    ConsoleRoute,
    read_form,
    same_site,
    see_other,
    tokens_match,
)
from dataward.entrypoints.api.deps import ContainerDep
from dataward.entrypoints.api.pages import render_page
from dataward.services.organisation.accounts import (
    Credentials,
    SetPassword,
    link_valid,
    login,
    logout,
    set_password,
)

router = APIRouter(tags=["console"], route_class=ConsoleRoute, include_in_schema=False)
PASSWORD_PATH = "/console/password/{token}"  # noqa: S105 - a path
SIGN_INS_PER_HOUR = 30
"""Sign-in attempts one client address may make in an hour, beside each account's lockout."""
_COOKIE = {"secure": True, "httponly": True, "samesite": "strict", "path": "/"}


def sign_in_limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter | None = getattr(request.app.state, "sign_in_limiter", None)
    if limiter is None:
        container = request.app.state.container
        limiter = RateLimiter(SIGN_INS_PER_HOUR, timedelta(hours=1), container.clock)
        request.app.state.sign_in_limiter = limiter
    return limiter


def _form_token(request: Request) -> str:
    """The `dw_csrf` cookie's value, or a new one (set by `_with_token`)."""
    token = request.cookies.get(CSRF_COOKIE, "")
    return token if _usable(token) else secrets.token_urlsafe(32)


def _with_token(response: Response, token: str) -> Response:
    response.set_cookie(CSRF_COOKIE, token, **_COOKIE)  # type: ignore[arg-type]
    return response


def _login_page(request: Request, *, status: int = 200, **values: Any) -> Response:
    token = _form_token(request)
    page = render_page(
        "console/login.html.j2",
        request=request,
        status=status,
        csrf=token,
        csrf_field=CSRF_FIELD,
        **values,
    )
    return _with_token(page, token)


@router.get(LOGIN_PATH, response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    done = request.query_params.get("done")
    return _login_page(request, notice="Your password is set. Sign in with it." if done else None)


async def _checked_form(request: Request) -> dict[str, str] | None:
    """The pre-session form's fields, or None if it did not carry the cookie's token."""
    if not same_site(request):
        return None
    try:
        form = await read_form(request)
    except ValueError:
        return None
    if not tokens_match(form.get(CSRF_FIELD), request.cookies.get(CSRF_COOKIE, "")):
        return None
    return {name: values[0] for name, values in form.fields.items() if values}


_REFUSED_FORM = "The form could not be checked. Reload the page and try again."


@router.post(LOGIN_PATH, response_class=HTMLResponse)
async def sign_in(request: Request, container: ContainerDep) -> Response:
    wait = sign_in_limiter(request).hit(client_key(request.client.host if request.client else None))
    if wait is not None:
        return _login_page(
            request,
            status=429,
            error="Too many attempts from your connection. Try again later.",
            retry=max(1, math.ceil(wait.total_seconds())),
        )
    fields = await _checked_form(request)
    if fields is None:
        return _login_page(request, status=403, error=_REFUSED_FORM)
    credentials = Credentials(fields.get("email", "")[:320], fields.get("password", "")[:512])
    try:
        signed = await run_in_threadpool(
            login, container.uow(), container.clock, container.passwords, credentials
        )
    except LoginRefused as refused:
        return _login_page(request, status=401, error=str(refused).capitalize() + ".")
    answer = see_other(CONSOLE)
    answer.set_cookie(SESSION_COOKIE, signed.token, **_COOKIE)  # type: ignore[arg-type]
    answer.delete_cookie(CSRF_COOKIE, path="/", secure=True, httponly=True, samesite="strict")
    return answer


@router.post("/console/logout", response_class=HTMLResponse)
def sign_out(request: Request, container: ContainerDep, form: ConsoleFormDep) -> Response:
    del form  # checked: the session's own token
    logout(container.uow(), container.clock, request.cookies.get(SESSION_COOKIE, ""))
    answer = see_other(LOGIN_PATH)
    answer.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="strict")
    return answer


def _password_page(request: Request, token: str, *, status: int = 200, **values: Any) -> Response:
    form_token = _form_token(request)
    page = render_page(
        "console/password.html.j2",
        request=request,
        status=status,
        csrf=form_token,
        csrf_field=CSRF_FIELD,
        action=PASSWORD_PATH.format(token=token),
        **values,
    )
    return _with_token(page, form_token)


def _usable(token: str) -> bool:
    """Whether a token sent to us is the shape of one we make (a link's, a form's)."""
    return 20 <= len(token) <= 64 and token.isascii()


@router.get(PASSWORD_PATH, response_class=HTMLResponse)
def password_form(request: Request, token: str, container: ContainerDep) -> Response:
    if not _usable(token) or not link_valid(container.uow(read_only=True), container.clock, token):
        return _password_page(request, "", status=410, gone=True)
    return _password_page(request, token)


@router.post(PASSWORD_PATH, response_class=HTMLResponse)
async def password_set(request: Request, token: str, container: ContainerDep) -> Response:
    if not _usable(token):
        return _password_page(request, "", status=410, gone=True)
    fields = await _checked_form(request)
    if fields is None:
        return _password_page(request, token, status=403, error=_REFUSED_FORM)
    password = fields.get("password", "")[:512]
    if password != fields.get("confirm", "")[:512]:
        return _password_page(request, token, status=422, error="The two passwords differ.")
    try:
        await run_in_threadpool(
            set_password,
            container.uow(),
            container.clock,
            container.passwords,
            SetPassword(token, password),
        )
    except PasswordRefused as refused:
        return _password_page(request, token, status=422, error=str(refused).capitalize() + ".")
    except Unauthenticated:
        return _password_page(request, "", status=410, gone=True)
    return see_other(f"{LOGIN_PATH}?done=1")
