"""Settings, read from the environment (prefix `DATAWARD_`) or a `.env` file when asked for.

Nothing is read at import: call `Settings()` (the composition root does) and pass it on.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
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
    sql_echo: bool = Field(
        default=False, description="Log every SQL statement (never in production)."
    )

    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'dataward.db'}"

    def resolved_keystore_url(self) -> str:
        return self.keystore_url or f"sqlite:///{self.data_dir / 'keys.db'}"

    def resolved_master_key_file(self) -> Path:
        return self.master_key_file or self.data_dir / "master.key"
