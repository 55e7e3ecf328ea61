"""`dataward init`: make a fresh installation usable, and do nothing twice. Part of the
composition root, beside `bootstrap`: it wires the adapters (key file, migrations, register
file, parsers) to the services that take them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dataward.adapters.keyfile import create_master_key_file
from dataward.adapters.register_file import load_register_file
from dataward.adapters.sql.migrate import NameDigest, current_revision, has_column, upgrade
from dataward.bootstrap import Container
from dataward.domain.calls import ingest_names
from dataward.domain.errors import DatawardError
from dataward.domain.register.model import StaffAction
from dataward.domain.register.terms import StaffRoleScope
from dataward.domain.subjects import Actor
from dataward.services.organisation.accounts import CreatedAccount, NewAccount, create_account
from dataward.services.ports import Parser
from dataward.services.quarantine.upgrade import reindex_quarantine, upgrade_legacy_quarantine
from dataward.services.register.store import RegisterLoaded, store_register


@dataclass(frozen=True, slots=True)
class InitResult:
    schema_revision: str | None
    master_key_file: Path | None
    master_key_created: bool
    register: RegisterLoaded | None
    first_account: CreatedAccount | None = None
    """The first console account, made when none existed: its link is printed once."""


def initialise(container: Container, *, load_register: bool = True) -> InitResult:
    """The key store first: a data migration may need its keys (`name_digest`)."""
    settings = container.settings
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    key_file: Path | None = None
    created = False
    if settings.master_key is None:
        key_file = settings.resolved_master_key_file()
        created = create_master_key_file(key_file)
    upgrade(container.keystore_engine, store="keystore")
    container.vault().ensure_index_key()
    upgrade(container.engine, name_digest=name_digest(container))
    upgrade_quarantine(container)
    loaded: RegisterLoaded | None = None
    if load_register:
        with container.uow() as uow:
            has_active = uow.registers.active() is not None
        if not has_active or settings.register_file is not None:
            loaded = store_register(
                container.uow(),
                container.clock,
                load_register_file(settings.register_file),
                "system:init",
                container.active_register,
            )
    first = first_console_account(container) if load_register else None
    return InitResult(current_revision(container.engine), key_file, created, loaded, first)


INIT = "system:init"


def first_console_account(container: Container) -> CreatedAccount | None:
    """The first console account, when there is none: the data compliance officer's, at the
    register's DCO contact address, in the first role that may manage staff across every
    tenant, with a one-time link to set its password. Nothing when an account exists."""
    with container.uow(read_only=True) as uow:
        if uow.accounts.count() > 0:
            return None
    loaded = container.active_register.get(container.uow(read_only=True))
    register = loaded.register
    role = next(
        (
            r
            for r in register.staff_roles
            if StaffAction.MANAGE_STAFF in r.actions
            and r.tenant_scope is StaffRoleScope.ALL_TENANTS
        ),
        None,
    )
    email = register.contacts.data_compliance_officer.email
    if role is None or email is None:
        return None
    ctx = container.use_case(Actor(INIT, role.key), register)
    return create_account(
        ctx, NewAccount(email=email, role=role.key, actor_id="dco"), container.passwords
    )


def name_digest(container: Container) -> NameDigest:
    """Digests of file names for the data migrations, keyed from the key store when first
    used (a database with no ingest to migrate never opens it)."""

    def digest(tenant_id: str, file_name: str) -> bytes:
        return ingest_names.name_digest(
            container.vault().record_key(tenant_id, ingest_names.NAME_DIGEST), file_name
        )

    return digest


def upgrade_quarantine(container: Container) -> int:
    """Re-seal under keys of their own, and index, the lines quarantined before each line had
    a key (revision 0017), and index again the lines indexed before a line's fields were told
    apart (revision 0021; `services.quarantine.upgrade`); how many ingests were re-sealed.
    Nothing on a schema short of 0021, whose quarantine this code does not read."""
    if not has_column(container.engine, "call_quarantine", "parties_from"):
        return 0
    uow, vault, clock = container.uow(), container.vault(), container.clock
    ingests = upgrade_legacy_quarantine(uow, vault, clock, parser_for)
    reindex_quarantine(uow, vault, clock, parser_for)
    return ingests


def parser_for(format_name: str) -> Parser | None:
    """The format's parser; None for one that needs what is not kept (a column mapping)."""
    from dataward.adapters.ingest.detect import open_parser

    try:
        return open_parser(format_name)
    except DatawardError:
        return None
