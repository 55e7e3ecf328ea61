"""What every console page shares: who is signed in, the forms' CSRF check, the page frame.

A console page is a thin entry point like an API route: it finds the session's actor
(`ConsoleUserDep`: a page without a live session sends the browser to the sign-in page), takes
a bounded form (`ConsoleFormDep`: read only after the session was found, and refused unless it
carries the session's CSRF token and came from this site), calls one use case bound for that
actor (`ConsoleUseCaseDep`, `ConsoleReadingDep`) and renders its result (`console_page`). The
services decide what a role may do, as for the API: a refusal is the page's 403, and whatever
the actor may not know of (another tenant's request, subject or ingest) is the page's 404,
the same as what does not exist.

Cookies: `dw_session` (the session, kept server-side by its hash) and `dw_csrf` (the sign-in
form's token, before any session exists), both Secure, HttpOnly and SameSite=Strict, as the
register lists them: strictly necessary.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import parse_qs, urlsplit

from fastapi import Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute

from dataward.domain.errors import (
    ActionNotAllowed,
    DatawardError,
    NotFound,
    Unauthenticated,
)
from dataward.domain.permissions import SUBJECT_OUT_OF_SCOPE
from dataward.domain.register.model import Register, StaffAction
from dataward.domain.subjects import Actor
from dataward.entrypoints.api.deps import ContainerDep, RegisterDep
from dataward.entrypoints.api.errors import status_for
from dataward.entrypoints.api.pages import render_page
from dataward.services.context import UseCase
from dataward.services.organisation.accounts import session_actor, touch

SESSION_COOKIE = "dw_session"
CSRF_COOKIE = "dw_csrf"
CSRF_FIELD = "csrf"
CONSOLE = "/console"
LOGIN_PATH = "/console/login"
FORM_MAX_BYTES = 64 * 1024
"""The largest console form taken: `BodyLimit` refuses more before it is read."""


@dataclass(frozen=True, slots=True)
class NavItem:
    path: str
    label: str
    needs: StaffAction | None = None
    """The register action a role needs to see the item; None: every role."""
    own_tenant_too: bool = False
    """Shown also to a role of one tenant (its own tenant's page), whatever `needs` says."""


NAV: tuple[NavItem, ...] = (
    NavItem("/console", "Dashboard"),
    NavItem("/console/requests", "Requests", StaffAction.MANAGE_REQUESTS),
    NavItem("/console/subjects", "Subjects", StaffAction.REGISTER_SUBJECTS),
    NavItem("/console/register", "Register"),
    NavItem("/console/tenants", "Tenants", StaffAction.MANAGE_TENANTS, own_tenant_too=True),
    NavItem("/console/ingests", "Ingests", StaffAction.INGEST_CALLS),
    NavItem("/console/reports", "Call reports", StaffAction.READ_CALL_REPORTS),
    NavItem("/console/marketing", "Marketing", StaffAction.DISCLOSE_TO_RECIPIENTS),
    NavItem("/console/breaches", "Breaches", StaffAction.MANAGE_BREACHES),
    NavItem("/console/complaints", "Complaints", StaffAction.MANAGE_REQUESTS),
    NavItem("/console/retention", "Retention", StaffAction.READ_AUDIT_LOG),
    NavItem("/console/audit", "Audit log", StaffAction.READ_AUDIT_LOG),
)
"""The console's sections, in the order of the navigation."""


def actions_of(register: Register, actor: Actor) -> frozenset[StaffAction]:
    role = next((r for r in register.staff_roles if r.key == actor.role), None)
    return frozenset(role.actions) if role is not None else frozenset()


def nav_for(register: Register, actor: Actor) -> list[NavItem]:
    """The sections this actor's role may open (the services check again on each)."""
    actions = actions_of(register, actor)
    return [
        item
        for item in NAV
        if item.needs is None
        or item.needs in actions
        or (item.own_tenant_too and actor.tenant_id is not None)
    ]


@dataclass(frozen=True, slots=True)
class ConsoleUser:
    actor: Actor
    csrf_token: str


def console_user(request: Request, container: ContainerDep) -> ConsoleUser:
    """The signed-in actor of the request's session cookie; `Unauthenticated` without one
    (the console's routes answer it by sending the browser to sign in)."""
    token = request.cookies.get(SESSION_COOKIE)
    live = session_actor(container.uow(read_only=True), container.clock, token)
    if live.stale and token is not None:
        touch(container.uow(), container.clock, token)
    return ConsoleUser(live.actor, live.csrf_token)


ConsoleUserDep = Annotated[ConsoleUser, Depends(console_user)]


class CsrfRefused(DatawardError):
    code = "csrf_refused"

    def __init__(self) -> None:
        super().__init__(
            "the form could not be checked as sent from this console: reload the page and try again"
        )


def same_site(request: Request) -> bool:
    """Whether a form came from a page of this site, by the browser's own word: Fetch
    Metadata's `Sec-Fetch-Site`, else `Origin`. A client sending neither is no browser acting
    for someone else, and is held to the token alone."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site in {"same-origin", "none"}
    origin = request.headers.get("origin")
    if origin is None:
        return True
    own = urlsplit(str(request.base_url))
    return origin == f"{own.scheme}://{own.netloc}"


@dataclass(frozen=True, slots=True)
class Form:
    """A form's fields, each a list of its values as sent."""

    fields: dict[str, list[str]]

    def get(self, name: str, default: str = "") -> str:
        values = self.fields.get(name)
        return values[0] if values else default

    def all(self, name: str) -> list[str]:
        return list(self.fields.get(name, []))


async def read_form(request: Request) -> Form:
    """The request's urlencoded body (at most `FORM_MAX_BYTES`: `BodyLimit` saw to it)."""
    body = await request.body()
    text = body.decode("utf-8", "replace")
    return Form(parse_qs(text, keep_blank_values=True, max_num_fields=200))


def tokens_match(sent: str, expected: str) -> bool:
    return bool(sent) and hmac.compare_digest(sent.encode("utf-8"), expected.encode("utf-8"))


async def console_form(request: Request, user: ConsoleUserDep) -> Form:
    """The form of a signed-in user, once its session was found: refused (403) unless it
    came from this site and carries the session's CSRF token."""
    if not same_site(request):
        raise CsrfRefused()
    try:
        form = await read_form(request)
    except ValueError:  # more fields than any console form has
        raise CsrfRefused() from None
    if not tokens_match(form.get(CSRF_FIELD), user.csrf_token):
        raise CsrfRefused()
    return form


ConsoleFormDep = Annotated[Form, Depends(console_form)]


def get_console_use_case(
    container: ContainerDep, register: RegisterDep, user: ConsoleUserDep
) -> UseCase:
    return container.use_case(user.actor, register)


def get_console_reading(
    container: ContainerDep, register: RegisterDep, user: ConsoleUserDep
) -> UseCase:
    return container.use_case(user.actor, register, read_only=True)


ConsoleUseCaseDep = Annotated[UseCase, Depends(get_console_use_case)]
ConsoleReadingDep = Annotated[UseCase, Depends(get_console_reading)]


def console_page(
    request: Request,
    user: ConsoleUser,
    template: str,
    *,
    status: int = 200,
    **values: Any,
) -> HTMLResponse:
    """Console page `template` (under `templates/web/console`) in the console's frame: the
    sections the user's role may open, who is signed in, the CSRF token for its forms."""
    container = request.app.state.container
    register = container.active_register.get(container.uow(read_only=True)).register
    return render_page(
        f"console/{template}",
        request=request,
        status=status,
        user=user.actor,
        nav=nav_for(register, user.actor),
        here=request.url.path,
        csrf=user.csrf_token,
        csrf_field=CSRF_FIELD,
        **values,
    )


def see_other(path: str) -> RedirectResponse:
    """After a form: to the page that shows its result (POST-redirect-GET)."""
    return RedirectResponse(path, status_code=303)


def _hidden(error: DatawardError) -> bool:
    """What the actor may not know of: answered as the same 404 as what does not exist."""
    if isinstance(error, ActionNotAllowed) and SUBJECT_OUT_OF_SCOPE in error.why:
        return True
    return isinstance(error, NotFound)


def error_page(request: Request, error: DatawardError) -> Response:
    if isinstance(error, Unauthenticated):
        answer = see_other(LOGIN_PATH)
        answer.delete_cookie(
            SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="strict"
        )
        return answer
    if _hidden(error):
        status, heading, message = (
            404,
            "Not found",
            "There is nothing here, or nothing you may see.",
        )
    elif isinstance(error, ActionNotAllowed):
        status, heading = 403, "Not allowed"
        message = "Your role does not have this action."
    elif isinstance(error, CsrfRefused):
        status, heading, message = 403, "Form refused", str(error)
    else:
        status, heading, message = status_for(error), "Not done", str(error)
    return render_page(
        "console/error.html.j2",
        request=request,
        status=status,
        heading=heading,
        message=message,
    )


class ConsoleRoute(APIRoute):
    """A console route: a refusal of the services becomes the page above, and a missing or
    ended session a trip to the sign-in page. The session is found before the body is read,
    since no console route declares a body FastAPI would read first (`console_form` reads it)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answered(request: Request) -> Response:
            try:
                return await handler(request)
            except DatawardError as error:
                return error_page(request, error)

        return answered
