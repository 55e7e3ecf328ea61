"""Use cases of the register: store a checked register, and hand out the active one.

A new version is compared with the one it replaces, and the purposes it adds or changes in a
way needing notice are noted with it: the gate holds them until the people concerned are told.

Loading a register changes every rule the gate applies, so a member of staff needs the action
`manage_register` to do it, in the register in force (a register cannot grant its own loader
the right to load it). Only on a database with no register yet does the one being loaded
decide. A system process, named by a plain string (`dataward init` loading the first register
acts as `system:init`), is not a member of staff and is not checked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dataward.domain.audit import AuditAction
from dataward.domain.clock import Clock
from dataward.domain.errors import NotFound, RegisterInvalid, RegisterRefused
from dataward.domain.permissions import require
from dataward.domain.processing.purpose_notice import purpose_changes
from dataward.domain.register.diff import diff_registers
from dataward.domain.register.document import LoadedRegister
from dataward.domain.register.model import Register, StaffAction
from dataward.domain.subjects import Actor
from dataward.services.audit import Audited, record
from dataward.services.ports import NewStoredRegister, StoredRegister, UnitOfWork


@dataclass(frozen=True, slots=True)
class RegisterLoaded:
    stored: StoredRegister
    new_version: bool
    previously_active: StoredRegister | None


RegisterParser = Callable[[str, str], LoadedRegister]
"""A stored register's text and a name for it (its version) -> the register it holds, checked
(`adapters.register_file.parse_register`, bound in bootstrap); `RegisterInvalid` if it fails."""


def store_register(
    uow: UnitOfWork,
    clock: Clock,
    loaded: LoadedRegister,
    actor: Actor | str,
    active: ActiveRegister,
) -> RegisterLoaded:
    """Keep `loaded` and make it the active register; loading the same text twice adds nothing.

    A staff `actor` needs `manage_register` (see the module docstring); when it lacks it nothing
    is stored or recorded.
    """
    with uow:
        previous = uow.registers.active()
        if isinstance(actor, Actor):
            require(_governing(active, previous, loaded), actor, StaffAction.MANAGE_REGISTER)
        existing = uow.registers.by_sha256(loaded.sha256)
        version = loaded.register.policy.version
        if existing is None and any(r.version == version for r in uow.registers.history()):
            # a version names one text: the notice and every record of processing cite it
            raise RegisterRefused(
                f"version {version} is stored with other text: give the changed register a "
                "version of its own"
            )
        stored = existing or uow.registers.add(
            NewStoredRegister(
                version=loaded.register.policy.version,
                last_updated=loaded.register.policy.last_updated,
                sha256=loaded.sha256,
                source=loaded.source,
                document=loaded.text,
                loaded_at=clock.now(),
            )
        )
        if existing is None and previous is not None:
            _record_purpose_changes(uow, active, previous, (stored, loaded))
        if previous is None or previous.id != stored.id:
            uow.registers.activate(stored.id)
            record(
                uow,
                clock,
                actor,
                Audited(
                    AuditAction.REGISTER_LOADED,
                    details={"version": stored.version, "sha256": stored.sha256},
                ),
            )
        uow.commit()
        return RegisterLoaded(
            stored=uow.registers.by_sha256(loaded.sha256) or stored,
            new_version=existing is None,
            previously_active=previous,
        )


def _record_purpose_changes(
    uow: UnitOfWork,
    active: ActiveRegister,
    previous: StoredRegister,
    new: tuple[StoredRegister, LoadedRegister],
) -> None:
    """Note which of our purposes the new version adds, or changes in a way needing notice,
    against the version it replaces: the gate holds each until the people it concerns are told
    (`domain.processing.purpose_notice`). A version in force that no longer parses (written for
    an older dataward) cannot be compared, and nothing is noted."""
    stored, loaded = new
    try:
        before = active.parsed(previous).register
    except RegisterInvalid:
        return
    changes = purpose_changes(diff_registers(before, loaded.register), loaded.register)
    uow.purpose_notices.record_changes(stored.id, changes)


def require_may_replace(
    uow: UnitOfWork, actor: Actor, loaded: LoadedRegister, active: ActiveRegister
) -> None:
    """Raise `ActionNotAllowed` unless `actor` may put `loaded` in place of the register in
    force; with none in force there is nothing to replace (`dataward init`'s first load)."""
    with uow:
        previous = uow.registers.active()
    if previous is not None:
        require(_governing(active, previous, loaded), actor, StaffAction.MANAGE_REGISTER)


def _governing(
    active: ActiveRegister, in_force: StoredRegister | None, loaded: LoadedRegister
) -> Register:
    """The register whose staff roles say who may load `loaded`: the one in force, if any.

    A stored register that no longer passes the checks (written for an older dataward) cannot
    speak for its roles; then, as on a fresh database, the loaded one does.
    """
    if in_force is None:
        return loaded.register
    try:
        return active.parsed(in_force).register
    except RegisterInvalid:
        return loaded.register


class ActiveRegister:
    """The active register, parsed once per stored version by the parser bound at start-up."""

    def __init__(self, parse: RegisterParser) -> None:
        self._parse = parse
        self._cache: dict[str, LoadedRegister] = {}

    def parsed(self, stored: StoredRegister) -> LoadedRegister:
        """`stored`, parsed (the last one parsed is kept)."""
        cached = self._cache.get(stored.sha256)
        if cached is None:
            cached = self._parse(stored.document, f"register {stored.version}")
            self._cache = {stored.sha256: cached}
        return cached

    def get(self, uow: UnitOfWork) -> LoadedRegister:
        with uow:
            stored = uow.registers.active()
        if stored is None:
            raise NotFound("register", "active (run `dataward init` or `dataward policy load`)")
        return self.parsed(stored)
