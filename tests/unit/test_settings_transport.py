"""Letters leave this machine only encrypted: an SMTP host off the loopback needs STARTTLS."""

from __future__ import annotations

import ssl
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
    assert Settings(**{setting: f"{remote}?sslmode=verify-full"})
    for weaker in ("prefer", "require", "verify-ca"):  # clear text, or any server's certificate
        with pytest.raises(ValidationError, match="sslmode"):
            Settings(**{setting: f"{remote}?sslmode={weaker}"})
    for local in (
        "postgresql+psycopg://app@127.0.0.1/dataward",
        "postgresql+psycopg://app@localhost/dataward",
        "postgresql+psycopg://app@/dataward?host=/run/postgresql",
    ):
        assert Settings(**{setting: local})


def test_a_broker_on_another_machine_is_reached_over_amqps_checking_its_name() -> None:
    from dataward.adapters.jobs.broker import celery_app

    with pytest.raises(ValidationError, match="amqps"):
        Settings(broker_url="amqp://app:pw@rabbit.example.internal:5672//")
    assert Settings(broker_url="amqps://app:pw@rabbit.example.internal:5671//")
    assert Settings(broker_url="amqp://guest:guest@127.0.0.1:5672//")
    app = celery_app("amqps://app:pw@rabbit.example.internal:5671//", ca_file=Path("/ca.pem"))
    assert app.conf.broker_use_ssl == {
        "cert_reqs": ssl.CERT_REQUIRED,
        "server_hostname": "rabbit.example.internal",
        "ca_certs": "/ca.pem",
    }


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
