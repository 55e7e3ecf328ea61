"""Use cases of the register: store a checked register, and hand out the active one."""

from __future__ import annotations

from dataclasses import dataclass

from dataward.adapters.register_file import LoadedRegister, parse_register
from dataward.domain.audit import AuditAction
from dataward.domain.clock import Clock
from dataward.domain.errors import NotFound
from dataward.domain.subjects import Actor
from dataward.services.audit import record
from dataward.services.ports import StoredRegister, UnitOfWork


@dataclass(frozen=True, slots=True)
class RegisterLoaded:
    stored: StoredRegister
    new_version: bool
    previously_active: StoredRegister | None


def store_register(
    uow: UnitOfWork, clock: Clock, loaded: LoadedRegister, actor: Actor | str
) -> RegisterLoaded:
    """Keep `loaded` and make it the active register; loading the same text twice adds nothing."""
    with uow:
        previous = uow.registers.active()
        existing = uow.registers.by_sha256(loaded.sha256)
        stored = existing or uow.registers.add(
            version=loaded.register.policy.version,
            last_updated=loaded.register.policy.last_updated,
            sha256=loaded.sha256,
            source=loaded.source,
            document=loaded.text,
            loaded_at=clock.now(),
        )
        if previous is None or previous.id != stored.id:
            uow.registers.activate(stored.id)
            record(
                uow,
                clock,
                actor,
                AuditAction.REGISTER_LOADED,
                details={"version": stored.version, "sha256": stored.sha256},
            )
        uow.commit()
        return RegisterLoaded(
            stored=uow.registers.by_sha256(loaded.sha256) or stored,
            new_version=existing is None,
            previously_active=previous,
        )


class ActiveRegister:
    """The active register, parsed once per stored version."""

    def __init__(self) -> None:
        self._cache: dict[str, LoadedRegister] = {}

    def get(self, uow: UnitOfWork) -> LoadedRegister:
        with uow:
            stored = uow.registers.active()
        if stored is None:
            raise NotFound("register", "active (run `dataward init` or `dataward policy load`)")
        cached = self._cache.get(stored.sha256)
        if cached is None:
            cached = parse_register(stored.document, source=f"register {stored.version}")
            self._cache = {stored.sha256: cached}
        return cached
