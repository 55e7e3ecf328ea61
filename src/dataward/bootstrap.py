"""The composition root: settings in, a wired container out. Nothing runs at import."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine

from dataward.adapters.clock import SystemClock
from dataward.adapters.sql.engine import make_engine
from dataward.adapters.sql.uow import SqlUnitOfWork
from dataward.config import Settings
from dataward.domain.clock import Clock
from dataward.services.register import ActiveRegister


@dataclass
class Container:
    settings: Settings
    engine: Engine
    clock: Clock
    active_register: ActiveRegister = field(default_factory=ActiveRegister)

    def uow(self, *, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, read_only=read_only)

    def close(self) -> None:
        self.engine.dispose()


def bootstrap(settings: Settings | None = None, *, clock: Clock | None = None) -> Container:
    settings = settings or Settings()
    return Container(
        settings=settings,
        engine=make_engine(settings.resolved_database_url(), echo=settings.sql_echo),
        clock=clock or SystemClock(),
    )
