"""Request-scoped access to the container wired at start-up."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from dataward.adapters.register_file import LoadedRegister
from dataward.bootstrap import Container
from dataward.domain.gate import Gate
from dataward.domain.register import Register
from dataward.domain.subjects import Actor, Subject
from dataward.services.lookup import visible_subject
from dataward.services.staff import authenticate


def get_container(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


ContainerDep = Annotated[Container, Depends(get_container)]


def get_active_register(container: ContainerDep) -> LoadedRegister:
    return container.active_register.get(container.uow(read_only=True))


ActiveRegisterDep = Annotated[LoadedRegister, Depends(get_active_register)]


_bearer = HTTPBearer(auto_error=False, description="A staff token from `dataward staff add`")


def get_actor(
    container: ContainerDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    token = credentials.credentials if credentials is not None else None
    return authenticate(container.uow(read_only=True), token)


ActorDep = Annotated[Actor, Depends(get_actor)]


def get_register(loaded: ActiveRegisterDep) -> Register:
    return loaded.register


RegisterDep = Annotated[Register, Depends(get_register)]


def get_gate(container: ContainerDep, loaded: ActiveRegisterDep) -> Gate:
    return container.gate_for(loaded)


GateDep = Annotated[Gate, Depends(get_gate)]


def get_visible_subject(
    subject_id: UUID, container: ContainerDep, register: RegisterDep, actor: ActorDep
) -> Subject:
    """The `{subject_id}` of the path, if the caller's role may know of it: else the one 404."""
    return visible_subject(container.uow(read_only=True), register, actor, subject_id)
