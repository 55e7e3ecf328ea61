"""Settings, read from the environment (prefix `DATAWARD_`) or a `.env` file when asked for.

Nothing is read at import: call `Settings()` (the composition root does) and pass it on.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal, Self
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from dataward.domain.errors import ConfigurationError

_CRON_FIELD = re.compile(r"[0-9*/,\-]{1,40}", re.ASCII)
_DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306, "mariadb": 3306}


LEVELS = frozenset({"DEBUG", "INFO", "WARNING", "ERROR"})


class LogSettings(BaseSettings):
    """What the logs look like: read on their own by the command line before any command, so
    a command whose other settings are wrong still logs as asked."""

    model_config = SettingsConfigDict(env_prefix="DATAWARD_", extra="ignore")

    log_format: Literal["json", "text"] = Field(
        "json",
        description="Log lines as JSON objects (`json`, one a line, for a collector) or as "
        "text for a person (`text`); either way on standard error.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="The least severe log lines written: DEBUG, INFO, WARNING or ERROR."
    )

    @field_validator("log_format", "log_level", mode="before")
    @classmethod
    def _any_case(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        return value.strip().upper() if value.strip().upper() in LEVELS else value.strip().lower()


class Settings(LogSettings):
    model_config = SettingsConfigDict(env_prefix="DATAWARD_", extra="ignore")

    data_dir: Path = Field(
        Path("var"),
        description="Folder for the embedded database, the key store and the master key file.",
    )
    database_url: str | None = Field(
        None,
        description=(
            "SQLAlchemy URL of the main database, e.g. "
            "postgresql+psycopg://user@127.0.0.1/dataward. Default: SQLite at "
            "DATA_DIR/dataward.db."
        ),
    )
    keystore_url: str | None = Field(
        None,
        description=(
            "SQLAlchemy URL of the key store, kept apart from the data so a data backup holds "
            "no usable key. Default: SQLite at DATA_DIR/keys.db."
        ),
    )
    master_key_file: Path | None = Field(
        None,
        description="File holding the master key (created by `dataward init`, mode 0600). "
        "Default: DATA_DIR/master.key.",
    )
    master_key: SecretStr | None = Field(
        None,
        description="The master key itself, base64 (32 bytes); overrides MASTER_KEY_FILE.",
    )
    register_file: Path | None = Field(
        None,
        description="Register YAML to load at `dataward init`; default: the shipped register.",
    )
    api_host: str = Field("127.0.0.1", description="Address `dataward serve` listens on.")
    api_port: int = Field(8000, ge=1, le=65535, description="Port `dataward serve` listens on.")
    actor: str | None = Field(
        None,
        description="Who the command line acts as, recorded in the audit log "
        "(default: cli:<login name>).",
    )
    actor_role: str = Field(
        "dco", description="Register staff role the command line acts in (need-to-know)."
    )
    actor_tenant: str | None = Field(
        None, description="Tenant the command line acts for, with the tenant_admin role."
    )
    bank_holidays: Literal["england-and-wales", "scotland", "northern-ireland"] = Field(
        "england-and-wales",
        description="Whose bank holidays move a rights request's deadline to the next working "
        "day: england-and-wales, scotland or northern-ireland.",
    )
    repeat_window_days: int = Field(
        90,
        ge=1,
        le=3650,
        description="A request of the same type from the same subject within this many days "
        "of an earlier one is flagged for the DCO (possibly manifestly excessive).",
    )
    forward_working_days: int = Field(
        2,
        ge=0,
        le=30,
        description="Working days within which a request about a tenant's call data is "
        "forwarded to the tenant's controller contact (the processing agreement's figure).",
    )
    identity_within_working_days: int = Field(
        5,
        ge=1,
        le=30,
        description="Identity asked of a requester more than this many working days after "
        "the request was received is flagged for the DCO (it is due without undue delay).",
    )
    public_form_per_hour: int = Field(
        10,
        ge=1,
        le=10000,
        description="Requests one client address may submit through the public form in an "
        "hour; more get 429 with Retry-After.",
    )
    register_checks_per_hour: int = Field(
        60,
        ge=1,
        le=100000,
        description="Registers one client address may have checked through the public "
        "`POST /api/v1/register/check` in an hour; more get 429 with Retry-After.",
    )
    metrics_token: SecretStr | None = Field(
        None,
        description="Bearer token for `GET /metrics` from other machines; without it only "
        "loopback clients read the metrics.",
    )
    public_url: str = Field(
        "http://127.0.0.1:8000",
        description="Public base URL of the API as requesters reach it; download links in "
        "letters start with it, e.g. https://privacy.example.com.",
    )
    download_ttl_days: int = Field(
        7,
        ge=1,
        le=30,
        description="Days a download link of an access or portability "
        "package works (once) before it expires.",
    )
    max_batch_bytes: int = Field(
        64 * 1024 * 1024,
        ge=1024,
        le=1024 * 1024 * 1024,
        description="The largest call batch one request to the ingest endpoint may carry, in "
        "bytes (default 64 MiB); a larger one is refused with 413 as soon as it passes the "
        "limit. Larger files go through `dataward ingest`.",
    )
    body_grace_seconds: float = Field(
        10.0,
        gt=0,
        le=3600,
        description="Seconds a request's body has, from its headers, before it must keep up "
        "`body_min_bytes_per_second`: a body still arriving after this grace plus one second "
        "per that many bytes received is answered 408 and its connection closed.",
    )
    body_min_bytes_per_second: int = Field(
        16 * 1024,
        ge=1,
        le=1024 * 1024 * 1024,
        description="The slowest rate, in bytes a second after the grace period, at which a "
        "request's body is taken (default 16 KiB/s: a 64 MiB batch has about 68 minutes).",
    )
    header_seconds: float = Field(
        10.0,
        gt=0,
        le=600,
        description="Seconds a request's head (its request line and headers) has to arrive, "
        "from the connection's opening or from the first byte of a later request on it; a "
        "connection still sending its head then is answered 408 and closed, and one that sent "
        "nothing is closed.",
    )
    max_concurrency: int = Field(
        100,
        ge=1,
        le=100_000,
        description="The most connections open, or requests under way, that `dataward serve` "
        "takes at once; a request past either is answered 503 `service_unavailable`.",
    )
    db_pool_size: int = Field(
        10,
        ge=1,
        le=200,
        description="Connections one process keeps to a PostgreSQL database at most (the data "
        "and the key store each); `dataward serve --workers N` takes at most 2 x N x this, "
        "which must stay under the server's max_connections. A request past it waits.",
    )
    broker_url: SecretStr | None = Field(
        None,
        description="The message broker background jobs go through, e.g. "
        "amqp://user:password@rabbit.example:5672//. Unset (the embedded default), a job runs "
        "at once in the process that asks for it, and no worker or scheduler is needed.",
    )
    broker_ca_file: Path | None = Field(
        None,
        description="The certificate authorities (PEM) an amqps:// broker's certificate is "
        "checked against (default: the system's).",
    )
    broker_queue_prefix: str = Field(
        "",
        pattern=r"^[a-z0-9_.-]{0,40}$",
        description="Put before the name of each queue on the broker (ingest, rights, "
        "outreach, maintenance), so that installations can share one broker.",
    )
    schedule_zone: str = Field(
        "Europe/London", description="The time zone the schedules below are read in."
    )
    schedule_outbox: str = Field(
        "* * * * *",
        description="When `dataward scheduler` sends the letters and messages due (cron: "
        "minute hour day month weekday; empty: never).",
    )
    schedule_retention: str = Field(
        "30 2 * * *", description="When the retention sweep runs (cron; empty: never)."
    )
    schedule_keys: str = Field(
        "0 3 * * *", description="When the key sweep runs (cron; empty: never)."
    )
    schedule_alerts: str = Field(
        "0 * * * *",
        description="When the DCO is told of overdue rights requests and breaches near their "
        "72 hours (cron; empty: never).",
    )
    smtp_host: str = Field("127.0.0.1", description="SMTP server the outbox sends letters to.")
    smtp_port: int = Field(25, ge=1, le=65535, description="Port of the SMTP server.")
    smtp_starttls: bool = Field(default=False, description="Upgrade SMTP with STARTTLS.")
    smtp_username: str | None = Field(None, description="SMTP login, if the server needs one.")
    smtp_password: SecretStr | None = Field(None, description="SMTP password for the login.")
    mail_from: str = Field(
        "dco@akixi.com", description="The From address of letters to requesters."
    )
    sql_echo: bool = Field(
        default=False, description="Log every SQL statement (never in production)."
    )

    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'dataward.db'}"

    def resolved_keystore_url(self) -> str:
        return self.keystore_url or f"sqlite:///{self.data_dir / 'keys.db'}"

    def resolved_master_key_file(self) -> Path:
        return self.master_key_file or self.data_dir / "master.key"

    @field_validator("schedule_outbox", "schedule_retention", "schedule_keys", "schedule_alerts")
    @classmethod
    def _cron(cls, value: str) -> str:
        fields = value.split()
        if fields and (len(fields) != 5 or not all(_CRON_FIELD.fullmatch(f) for f in fields)):
            raise ValueError("a schedule is five cron fields of ASCII digits and * / , -")
        return " ".join(fields)

    @field_validator("schedule_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ValueError, KeyError, OSError):
            raise ValueError("not a time zone this machine knows") from None
        return value

    @model_validator(mode="after")
    def _key_store_apart(self) -> Self:
        self.check_key_store_apart()
        return self

    @model_validator(mode="after")
    def _mail_encrypted_off_this_machine(self) -> Self:
        """Letters carry personal data: to an SMTP server on another machine they go only
        encrypted (STARTTLS); on the loopback they never leave this machine."""
        if self.smtp_host.lower() not in LOOPBACK_HOSTS and not self.smtp_starttls:
            raise ValueError(
                "DATAWARD_SMTP_HOST is not on this machine: set DATAWARD_SMTP_STARTTLS=true, "
                "so that letters are encrypted in transit"
            )
        return self

    @model_validator(mode="after")
    def _stores_encrypted_off_this_machine(self) -> Self:
        """The register says personal data is encrypted in transit: a database on another
        machine is reached only over TLS that checks the server's certificate and name
        (`sslmode=verify-full` in its URL), a broker on another machine only over `amqps://`
        (its certificate and name checked: `adapters.jobs.broker`)."""
        for setting, url in (
            ("DATAWARD_DATABASE_URL", self.database_url),
            ("DATAWARD_KEYSTORE_URL", self.keystore_url),
        ):
            if url is not None and not _database_encrypted_or_local(url):
                raise ValueError(
                    f"{setting} names a PostgreSQL server on another machine: add "
                    "sslmode=verify-full to it, so that data goes encrypted to that server alone"
                )
        if self.broker_url is not None:
            where = urlsplit(self.broker_url.get_secret_value())
            host = (where.hostname or "localhost").lower()
            if host not in LOOPBACK_HOSTS and where.scheme != "amqps":
                raise ValueError(
                    "DATAWARD_BROKER_URL names a broker on another machine: use amqps://, so "
                    "that it is reached encrypted"
                )
        return self

    def check_key_store_apart(self) -> None:
        """Refuse a key store in the data's own database: a backup of one would hold both."""
        data = _database_identity(self.resolved_database_url(), "DATAWARD_DATABASE_URL")
        keys = _database_identity(self.resolved_keystore_url(), "DATAWARD_KEYSTORE_URL")
        if data is not None and data == keys:
            shown = make_url(self.resolved_keystore_url()).render_as_string(hide_password=True)
            raise ConfigurationError(
                f"the key store and the data are the same database ({shown}): a backup of the "
                "data would carry every subject's key, and erasure would not hold against it; "
                "give DATAWARD_KEYSTORE_URL a database (or SQLite file) of its own"
            )


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
_TLS_MODES = frozenset({"verify-full"})
"""The one mode that checks the server is the one named: `require` encrypts, but to anyone."""


def _database_encrypted_or_local(url: str) -> bool:
    """A URL that is not PostgreSQL's, or on this machine (loopback, a socket), or asks for
    TLS. One that cannot be read is left to the checks that read it."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return True
    if parsed.get_backend_name() != "postgresql":
        return True
    host = (parsed.host or "").lower()
    if not host or host in LOOPBACK_HOSTS or host.startswith("/"):
        return True
    return str(parsed.query.get("sslmode", "")) in _TLS_MODES


"""SMTP hosts on this machine, reached without leaving it."""


def _database_identity(url: str, setting: str) -> tuple[object, ...] | None:
    """What names the database of `url`, without password or driver; None for a private one.

    SQLite files compare by resolved path; an in-memory SQLite database is never shared.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigurationError(f"{setting} is not a valid database URL") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = (parsed.database or "").removeprefix("file:")  # URI filenames too
        if database in {"", ":memory:"} or parsed.query.get("mode") == "memory":
            return None
        return (backend, str(Path(database).expanduser().resolve()))
    return (
        backend,
        parsed.username or "",
        (parsed.host or "").lower(),
        parsed.port or _DEFAULT_PORTS.get(backend),
        parsed.database or "",
        tuple(sorted((key, str(value)) for key, value in parsed.query.items())),
    )
