"""The console's subjects: a look-up by one identifier through the gate, and a subject's page.

The look-up is `services.processing.lookup.look_up`, as `dataward subjects find` and the API's
`POST /api/v1/subjects/lookup` call it: the user chooses the purpose it serves (among the
register's purposes the role may use), the gate decides on whoever is found and its decision is
recorded. The identifier travels only in the form's body, never in an address; a miss, another
tenant's subject and one the gate keeps back are the same answer, "no such subject". The page
of a subject is `services.subjects.overview.subject_overview`, opened for a purpose the user
chooses (a link from elsewhere, a request's page, first asks for it), its reading recorded:
another tenant's is a 404.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from dataward.domain.errors import InvalidValue, NoSuchSubject
from dataward.domain.identifiers import IdentifierType
from dataward.domain.register.model import Register
from dataward.domain.subjects import Actor
from dataward.entrypoints.api.console.fields import a_key, a_tenant, an_id, one_of, some_text
from dataward.entrypoints.api.console.web import (
    ConsoleFormDep,
    ConsoleRoute,
    ConsoleUseCaseDep,
    ConsoleUser,
    ConsoleUserDep,
    console_page,
    see_other,
)
from dataward.entrypoints.api.deps import GateDep, RegisterDep
from dataward.entrypoints.views.request_page import words
from dataward.services.processing.lookup import LookUp, look_up, visible_subject
from dataward.services.subjects.overview import subject_overview

router = APIRouter(tags=["console"], route_class=ConsoleRoute, include_in_schema=False)

SUBJECTS = "/console/subjects"
LOOKUP_TYPES = (
    IdentifierType.PHONE,
    IdentifierType.EMAIL,
    IdentifierType.ACCOUNT_ID,
    IdentifierType.USERNAME,
)


def purposes_for(register: Register, actor: Actor) -> list[tuple[str, str]]:
    """(key, activity) of the register's purposes the actor's role may use, in register order."""
    role = next((r for r in register.staff_roles if r.key == actor.role), None)
    allowed = set(role.purposes) if role is not None else set()
    return [(p.key, p.activity) for p in register.purposes if p.key in allowed]


def _search(
    request: Request, user: ConsoleUser, register: Register, *, missed: bool = False
) -> HTMLResponse:
    return console_page(
        request,
        user,
        "subjects.html.j2",
        status=404 if missed else 200,
        purposes=purposes_for(register, user.actor),
        types=LOOKUP_TYPES,
        missed=missed,
        words=words,
    )


@router.get(SUBJECTS, response_class=HTMLResponse)
def search_page(request: Request, user: ConsoleUserDep, register: RegisterDep) -> HTMLResponse:
    return _search(request, user, register)


@router.post(SUBJECTS + "/lookup", response_model=None)
def lookup_post(
    request: Request,
    form: ConsoleFormDep,
    ctx: ConsoleUseCaseDep,
    gate: GateDep,
    user: ConsoleUserDep,
) -> Response:
    value = some_text(form.get("value"), "value", 500)
    if value is None:
        raise InvalidValue("value", "the identifier to look up")
    purpose = a_key(form.get("purpose"), "purpose")
    if purpose is None:
        raise InvalidValue("purpose", "the purpose the look-up serves")
    actor = user.actor
    command = LookUp(
        type=one_of(form.get("type"), IdentifierType, "type"),
        value=value,
        purpose=purpose,
        tenant_id=actor.tenant_id if actor.tenant_id else a_tenant(form.get("tenant"), "tenant"),
    )
    try:
        subject = look_up(ctx, gate, command)
    except NoSuchSubject:
        return _search(request, user, ctx.register, missed=True)
    return see_other(f"{SUBJECTS}/{subject.id}?purpose={purpose}")


@router.get(SUBJECTS + "/{subject_id}", response_class=HTMLResponse)
def subject_page(
    request: Request, subject_id: str, user: ConsoleUserDep, ctx: ConsoleUseCaseDep
) -> HTMLResponse:
    wanted = an_id(subject_id, "subject")
    purpose = a_key(request.query_params.get("purpose", ""), "purpose")
    if purpose is None:  # nothing of the subject is read before a purpose is chosen
        visible_subject(ctx.uow, ctx.register, user.actor, wanted)  # another tenant's: 404
        return console_page(
            request,
            user,
            "subject_purpose.html.j2",
            subject_id=str(wanted),
            purposes=purposes_for(ctx.register, user.actor),
        )
    seen = subject_overview(ctx, wanted, purpose)
    return console_page(request, user, "subject.html.j2", seen=seen, words=words, purpose=purpose)
