"""The command line configures the logs before any command: a log setting it cannot read is
refused by name (exit 4), without repeating the value; a good one is the root's one handler."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from dataward.adapters import logs
from dataward.entrypoints.cli.main import app
from tests.e2e.conftest import runner


@pytest.fixture(autouse=True)
def restored() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.parametrize(
    ("setting", "value"), [("DATAWARD_LOG_LEVEL", "chatty9Z"), ("DATAWARD_LOG_FORMAT", "xml9Z")]
)
def test_a_log_setting_it_cannot_read_is_refused_by_name(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, setting: str, value: str
) -> None:
    del data_dir
    monkeypatch.setenv(setting, value)
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 4
    assert setting in result.output
    assert "9Z" not in result.output


def test_a_command_runs_with_the_logs_asked_for(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    del data_dir
    monkeypatch.setenv("DATAWARD_LOG_FORMAT", "text")
    monkeypatch.setenv("DATAWARD_LOG_LEVEL", "warning")
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    ours = [h for h in logging.getLogger().handlers if h.get_name() == "dataward"]
    assert len(ours) == 1
    assert isinstance(ours[0].formatter, logs.TextFormatter)
    assert logging.getLogger().level == logging.WARNING
