"""Request-scoped access to the container wired at start-up."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from dataward.adapters.register_file import LoadedRegister
from dataward.bootstrap import Container


def get_container(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


ContainerDep = Annotated[Container, Depends(get_container)]


def get_active_register(container: ContainerDep) -> LoadedRegister:
    return container.active_register.get(container.uow(read_only=True))


ActiveRegisterDep = Annotated[LoadedRegister, Depends(get_active_register)]
