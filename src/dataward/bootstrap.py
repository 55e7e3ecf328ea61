"""The composition root: settings in, a wired container out. Nothing runs at import."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine

from dataward.adapters.clock import SystemClock
from dataward.adapters.documents.subject_export import render_export
from dataward.adapters.keyfile import decode_master_key, read_master_key_file
from dataward.adapters.mail.smtp import SmtpLogin, SmtpMailer, SmtpServer
from dataward.adapters.passwords import Argon2Passwords
from dataward.adapters.register_file import parse_register
from dataward.adapters.sql.engine import make_engine
from dataward.adapters.sql.unlink import UnlinkPlan
from dataward.adapters.sql.unlink_plan import unlink_plan
from dataward.adapters.sql.uow import SqlUnitOfWork
from dataward.adapters.stats.dp import OpenDpNoise
from dataward.adapters.vault.keystore import MasterKeys, SqlVault
from dataward.config import Settings
from dataward.domain.calendar import Division, UkBankHolidays, bank_holidays
from dataward.domain.clock import Clock
from dataward.domain.outreach import MessageKind
from dataward.domain.processing.gate import Gate
from dataward.domain.register.document import LoadedRegister
from dataward.domain.register.model import Register
from dataward.domain.subjects import Actor
from dataward.services.context import UseCase
from dataward.services.jobs.ports import Dispatcher
from dataward.services.marketing.messages import marketing_maker
from dataward.services.organisation.account_ports import PasswordHasher
from dataward.services.outreach.ports import Makers, SentHooks, Transports
from dataward.services.register.store import ActiveRegister
from dataward.services.rights.delivery import Delivery


def parse_stored(document: str, source: str) -> LoadedRegister:
    """A stored register's text, parsed and checked (the register port's parser)."""
    return parse_register(document, source=source)


@dataclass
class Container:
    settings: Settings
    engine: Engine
    clock: Clock
    active_register: ActiveRegister = field(default_factory=lambda: ActiveRegister(parse_stored))
    unlink: UnlinkPlan = field(default_factory=unlink_plan)
    passwords: PasswordHasher = field(default_factory=Argon2Passwords)
    """How console passwords are hashed and checked (argon2id)."""
    """Every store's erasure step, bound here once: shredding reaches each store listed."""
    _gates: dict[str, Gate] = field(default_factory=dict)
    _keystore_engine: Engine | None = None
    _vault: SqlVault | None = None
    _dispatcher: Dispatcher | None = None

    def dispatcher(self) -> Dispatcher:
        """Where a job goes once recorded: its queue on the broker (DATAWARD_BROKER_URL), or,
        in the embedded default, a run at once in this process (`bootstrap_jobs`)."""
        if self._dispatcher is None:
            from dataward.bootstrap_jobs import dispatcher

            self._dispatcher = dispatcher(self)
        return self._dispatcher

    @property
    def keystore_engine(self) -> Engine:
        if self._keystore_engine is None:
            self._keystore_engine = make_engine(
                self.settings.resolved_keystore_url(),
                echo=self.settings.sql_echo,
                pool_size=self.settings.db_pool_size,
            )
        return self._keystore_engine

    def master_keys(self) -> MasterKeys:
        """The master key from the environment or the key file, plus a rotation's next key."""
        if self.settings.master_key is not None:
            current = decode_master_key(
                self.settings.master_key.get_secret_value(), "DATAWARD_MASTER_KEY"
            )
            return MasterKeys(current)
        key_file = self.settings.resolved_master_key_file()
        next_file = next_key_file(key_file)
        return MasterKeys(
            read_master_key_file(key_file),
            read_master_key_file(next_file) if next_file.exists() else None,
        )

    def gate_for(self, loaded: LoadedRegister) -> Gate:
        """The gate of a register version, built once (it precomputes every lookup)."""
        gate = self._gates.get(loaded.sha256)
        if gate is None:
            gate = Gate(loaded.register)
            self._gates = {loaded.sha256: gate}
        return gate

    def holidays(self) -> UkBankHolidays:
        """The bank holidays that move rights-request deadlines (DATAWARD_BANK_HOLIDAYS)."""
        return bank_holidays(Division(self.settings.bank_holidays))

    def mailer(self) -> SmtpMailer:
        """The SMTP mailer letters go out through (DATAWARD_SMTP_*, DATAWARD_MAIL_FROM)."""
        settings = self.settings
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        server = SmtpServer(settings.smtp_host, settings.smtp_port, starttls=settings.smtp_starttls)
        login = None
        if settings.smtp_username is not None:
            login = SmtpLogin(settings.smtp_username, password or "")
        return SmtpMailer(server, settings.mail_from, login)

    def message_makers(self) -> Makers:
        """How each kind of outreach message is made as it goes (`dataward outbox send`); a
        marketing message's links start with DATAWARD_PUBLIC_URL."""
        from dataward.adapters.mail.notices import render_policy_notice
        from dataward.services.breaches.notices import BreachNoticeMaker
        from dataward.services.outreach.policy_notice import PolicyNoticeMaker

        breach_notices = BreachNoticeMaker()
        return {
            MessageKind.MARKETING: marketing_maker(self.settings.public_url),
            MessageKind.POLICY_NOTICE: PolicyNoticeMaker(render_policy_notice),
            MessageKind.BREACH_NOTICE: breach_notices,
            MessageKind.BREACH_CONTROLLER: breach_notices,
        }

    def message_hooks(self) -> SentHooks:
        """What each kind of outreach message records once it was handed over."""
        from dataward.services.breaches.notices import record_told as breach_told
        from dataward.services.outreach.policy_notice import record_told

        return {
            MessageKind.POLICY_NOTICE: record_told,
            MessageKind.BREACH_NOTICE: breach_told,
            MessageKind.BREACH_CONTROLLER: breach_told,
        }

    def transports(self) -> Transports:
        """The carrier of each outreach channel: e-mail by SMTP; text messages and post wait
        in the outbox until a carrier is configured."""
        return {"email": self.mailer()}

    def vault(self) -> SqlVault:
        if self._vault is None:
            self._vault = SqlVault(
                self.keystore_engine, self.master_keys(), self.clock, reload=self.master_keys
            )
        return self._vault

    def use_case(
        self, actor: Actor, register: Register | None = None, *, read_only: bool = False
    ) -> UseCase:
        """Everything a use case reaches outside itself, for `actor`, under `register` (the
        one in force unless given): one unit of work, so a use case is one transaction. A
        `read_only` one only reads (on SQLite it takes no write lock, so a read does not wait
        behind an ingest under way)."""
        if register is None:
            register = self.active_register.get(self.uow(read_only=True)).register
        uow = self.uow(read_only=read_only)
        return UseCase(
            uow, self.vault(), self.clock, self.holidays(), register, actor, OpenDpNoise()
        )

    def delivery(self) -> Delivery:
        """How a subject's package reaches them: rendered as a ZIP (`subject_export`), behind a
        link to DATAWARD_PUBLIC_URL lasting DATAWARD_DOWNLOAD_TTL_DAYS."""
        settings = self.settings
        ttl = timedelta(days=settings.download_ttl_days)
        return Delivery(settings.public_url, render_export, ttl)

    def uow(self, *, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, read_only=read_only, unlink=self.unlink)

    def close(self) -> None:
        self.engine.dispose()
        if self._keystore_engine is not None:
            self._keystore_engine.dispose()


def next_key_file(key_file: Path) -> Path:
    """Where a rotation keeps the new master key until every data key is re-wrapped."""
    return key_file.with_name(key_file.name + ".next")


def bootstrap(settings: Settings | None = None, *, clock: Clock | None = None) -> Container:
    settings = settings or Settings()
    # Checked again here: settings may have been changed since they were validated.
    settings.check_key_store_apart()
    return Container(
        settings=settings,
        engine=make_engine(
            settings.resolved_database_url(),
            echo=settings.sql_echo,
            pool_size=settings.db_pool_size,
        ),
        clock=clock or SystemClock(),
    )
