"""The log lines: JSON with the request's id and the fields named safe, or text; an exception
by its type and frames, never its message."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from faker import Faker

from dataward.adapters import logs
from dataward.config import LogSettings


@pytest.fixture
def fake() -> Faker:
    return Faker("en_GB")


@pytest.fixture
def restored() -> Iterator[None]:
    """The logging state as the test found it, after it."""
    root = logging.getLogger()
    names = [*logs.QUIETED, *logs.PROPAGATED, *logs.SILENCED]
    saved = [(n, logging.getLogger(n).level, logging.getLogger(n).propagate) for n in names]
    handlers, level = list(root.handlers), root.level
    silenced = {n: logging.getLogger(n).disabled for n in logs.SILENCED}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old_level, propagate in saved:
        logging.getLogger(name).setLevel(old_level)
        logging.getLogger(name).propagate = propagate
    for name, disabled in silenced.items():
        logging.getLogger(name).disabled = disabled


def _lines(stream: io.StringIO) -> list[str]:
    return stream.getvalue().splitlines()


def _raise_with(secret: str) -> None:
    try:
        int(secret)
    except ValueError as error:
        raise RuntimeError(f"could not read {secret}") from error


@pytest.mark.usefixtures("restored")
def test_a_json_line_has_its_fields_the_request_id_and_only_the_safe_extras(fake: Faker) -> None:
    stream = io.StringIO()
    logs.configure_logging("INFO", "json", stream=stream)
    email = fake.email()
    bound = logs.REQUEST_ID.set("req-1")
    try:
        logging.getLogger("dataward.test").info(
            "answered %d", 3, extra={"status": 200, "route": "/x/{id}", "email": email}
        )
    finally:
        logs.REQUEST_ID.reset(bound)
    logging.getLogger("dataward.test").info("outside")
    logging.getLogger("dataward.test").debug("below the level")
    inside, outside = (json.loads(line) for line in _lines(stream))
    assert set(inside) == {"ts", "level", "logger", "message", "request_id", "status", "route"}
    assert inside["ts"].endswith("+00:00")
    assert (inside["level"], inside["logger"], inside["message"]) == (
        "INFO",
        "dataward.test",
        "answered 3",
    )
    assert (inside["request_id"], inside["status"], inside["route"]) == ("req-1", 200, "/x/{id}")
    assert email not in stream.getvalue()
    assert "request_id" not in outside


@pytest.mark.parametrize("log_format", ["json", "text"])
@pytest.mark.usefixtures("restored")
def test_an_exception_is_its_type_and_frames_never_its_message(
    fake: Faker, log_format: logs.LogFormat
) -> None:
    stream = io.StringIO()
    logs.configure_logging("INFO", log_format, stream=stream)
    secret = fake.email()
    try:
        _raise_with(secret)
    except RuntimeError:
        logging.getLogger("dataward.test").exception("the step failed")
    written = stream.getvalue()
    assert secret not in written
    assert "RuntimeError" in written
    assert "ValueError" in written  # what it was raised from, by its type
    assert "_raise_with" in written  # where
    assert len(_lines(stream)) == 1
    if log_format == "json":
        exception: dict[str, Any] = json.loads(written)["exception"]
        assert exception["type"] == "RuntimeError"
        assert exception["chain"] == ["ValueError"]
        assert exception["frames"][-1].startswith("tests/unit/test_logs.py:")


@pytest.mark.usefixtures("restored")
def test_the_loggers_that_quote_data_stay_at_warning_and_uvicorns_access_log_is_off() -> None:
    stream = io.StringIO()
    logs.configure_logging("DEBUG", "json", stream=stream)
    logging.getLogger("sqlalchemy.engine.Engine").info("SELECT ... %s", "a parameter")
    logging.getLogger("httpx").info("HTTP Request: GET http://x/d/a-token")
    logging.getLogger("uvicorn.access").warning("GET /d/a-token?number=1 HTTP/1.1 200")
    logging.getLogger("uvicorn.error").info("Started server process")
    (line,) = _lines(stream)
    assert json.loads(line)["logger"] == "uvicorn.error"


@pytest.mark.usefixtures("restored")
def test_configuring_again_replaces_the_handler() -> None:
    first, second = io.StringIO(), io.StringIO()
    logs.configure_logging("INFO", "json", stream=first)
    logs.configure_logging("INFO", "text", stream=second)
    logging.getLogger("dataward.test").warning("once\nonly")
    assert first.getvalue() == ""
    assert _lines(second)[0].endswith("WARNING dataward.test once\\nonly")


@pytest.mark.usefixtures("restored")
def test_a_line_that_cannot_be_written_is_said_so_without_its_arguments(
    fake: Faker, capsys: pytest.CaptureFixture[str]
) -> None:
    handler = logs.configure_logging("INFO", "json", stream=io.StringIO())
    email = fake.email()
    record = logging.LogRecord(
        "dataward.test", logging.INFO, __file__, 1, "one placeholder %d", (email,), None
    )  # a bug of the caller: a text where a number goes
    handler.handle(record)
    said = capsys.readouterr().err
    assert "dataward.test could not be written (TypeError)" in said
    assert email not in said


def test_the_settings_take_either_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAWARD_LOG_FORMAT", "TEXT")
    monkeypatch.setenv("DATAWARD_LOG_LEVEL", "debug")
    settings = LogSettings()
    assert (settings.log_format, settings.log_level) == ("text", "DEBUG")
    monkeypatch.setenv("DATAWARD_LOG_LEVEL", "verbose")
    with pytest.raises(ValueError, match="log_level"):
        LogSettings()
