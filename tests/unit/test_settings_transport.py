"""Letters leave this machine only encrypted: an SMTP host off the loopback needs STARTTLS."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from dataward.config import Settings


@pytest.mark.parametrize("host", ["mail.example.com", "192.0.2.25", "127.0.0.2.example"])
def test_an_smtp_host_on_another_machine_needs_starttls(host: str) -> None:
    with pytest.raises(ValidationError, match="STARTTLS"):
        Settings(smtp_host=host)
    assert Settings(smtp_host=host, smtp_starttls=True).smtp_host == host


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost", "LOCALHOST"])
def test_the_loopback_needs_no_starttls(host: str) -> None:
    assert Settings(smtp_host=host).smtp_host == host


@pytest.mark.parametrize("setting", ["database_url", "keystore_url"])
def test_a_database_on_another_machine_is_reached_over_tls(setting: str) -> None:
    remote = "postgresql+psycopg://app@db.example.internal/dataward"
    with pytest.raises(ValidationError, match="sslmode"):
        Settings(**{setting: remote})
    for mode in ("require", "verify-ca", "verify-full"):
        assert Settings(**{setting: f"{remote}?sslmode={mode}"})
    with pytest.raises(ValidationError, match="sslmode"):
        Settings(**{setting: f"{remote}?sslmode=prefer"})  # may fall back to clear text
    for local in (
        "postgresql+psycopg://app@127.0.0.1/dataward",
        "postgresql+psycopg://app@localhost/dataward",
        "postgresql+psycopg://app@/dataward?host=/run/postgresql",
    ):
        assert Settings(**{setting: local})


def test_a_broker_on_another_machine_is_reached_over_amqps() -> None:
    with pytest.raises(ValidationError, match="amqps"):
        Settings(broker_url="amqp://app:pw@rabbit.example.internal:5672//")
    assert Settings(broker_url="amqps://app:pw@rabbit.example.internal:5671//")
    assert Settings(broker_url="amqp://guest:guest@127.0.0.1:5672//")


def test_settings_refused_at_the_command_line_name_the_setting_never_its_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from dataward.entrypoints.cli.main import app

    password = "s3cret-" + "x" * 12
    monkeypatch.setenv("DATAWARD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DATAWARD_BROKER_URL", f"amqp://app:{password}@rabbit.example.internal//")
    refused = CliRunner().invoke(app, ["jobs", "list"])
    assert refused.exit_code == 4
    assert "DATAWARD_BROKER_URL" in refused.output
    assert password not in refused.output
    assert "rabbit.example" not in refused.output
