"""Request-scoped access to the container wired at start-up."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from dataward.bootstrap import Container
from dataward.domain.processing.gate import Gate
from dataward.domain.register.document import LoadedRegister
from dataward.domain.register.model import Register
from dataward.domain.subjects import Actor, Subject
from dataward.services.context import UseCase
from dataward.services.organisation.staff import authenticate
from dataward.services.processing.lookup import visible_subject


def get_container(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


ContainerDep = Annotated[Container, Depends(get_container)]


def get_active_register(container: ContainerDep) -> LoadedRegister:
    return container.active_register.get(container.uow(read_only=True))


ActiveRegisterDep = Annotated[LoadedRegister, Depends(get_active_register)]


bearer = HTTPBearer(auto_error=False, description="A staff token from `dataward staff add`")


async def authenticate_request(request: Request) -> Actor:
    """The actor of the request's bearer token (`Unauthenticated` without a valid one), kept
    on the request for `get_actor`. Reads headers only, never the body."""
    credentials = await bearer(request)
    token = credentials.credentials if credentials is not None else None
    container = get_container(request)
    actor = await run_in_threadpool(authenticate, container.uow(read_only=True), token)
    request.state.actor = actor
    return actor


def get_actor(
    request: Request,
    container: ContainerDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    """The caller: found already by a `TokenFirstRoute`, else from the token now."""
    checked = getattr(request.state, "actor", None)
    if isinstance(checked, Actor):
        return checked
    token = credentials.credentials if credentials is not None else None
    return authenticate(container.uow(read_only=True), token)


ActorDep = Annotated[Actor, Depends(get_actor)]


def get_register(loaded: ActiveRegisterDep) -> Register:
    return loaded.register


RegisterDep = Annotated[Register, Depends(get_register)]


def get_gate(container: ContainerDep, loaded: ActiveRegisterDep) -> Gate:
    return container.gate_for(loaded)


GateDep = Annotated[Gate, Depends(get_gate)]


def get_use_case(container: ContainerDep, register: RegisterDep, actor: ActorDep) -> UseCase:
    """What a use case reaches outside itself, for the token's actor (after it was checked)."""
    return container.use_case(actor, register)


UseCaseDep = Annotated[UseCase, Depends(get_use_case)]


def get_reading(container: ContainerDep, register: RegisterDep, actor: ActorDep) -> UseCase:
    """A use case that only reads, for the token's actor: its unit of work takes no write
    lock, so a read does not wait behind an ingest under way."""
    return container.use_case(actor, register, read_only=True)


ReadingDep = Annotated[UseCase, Depends(get_reading)]


def get_visible_subject(
    subject_id: UUID, container: ContainerDep, register: RegisterDep, actor: ActorDep
) -> Subject:
    """The `{subject_id}` of the path, if the caller's role may know of it: else the one 404."""
    return visible_subject(container.uow(read_only=True), register, actor, subject_id)
