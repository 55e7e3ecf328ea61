"""The process's logs: one line per record, JSON (or text for a person at a terminal), with
the request's id, and nothing a log line could carry a person's data in.

`configure_logging` is called once at start-up by each entry point (the command line before
any command, each serving process in `app_from_settings`); calling it again replaces what it
installed. Every logger propagates to the one handler on the root logger:

- a JSON line holds `ts` (UTC, ISO 8601), `level`, `logger`, `message`, `request_id` while a
  request is under way (`REQUEST_ID`, set by the API's `RequestContext`), and the `extra`
  fields named in `FIELDS`; any other extra field is left out, so a value passed by mistake
  is not written;
- an exception is written as its type, the types it was raised from, and its frames (file,
  line, function): never its message or arguments, which can hold an SQL parameter, a line of
  an uploaded file, or the bytes of a request that could not be parsed. The frames name code,
  not data. A record's own message is written: our code logs fixed words and counts, and the
  libraries' lines that quote input are kept below INFO or switched off (`QUIETED`).
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Literal, TextIO

LogFormat = Literal["json", "text"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]

REQUEST_ID: ContextVar[str | None] = ContextVar("dataward_request_id", default=None)
"""The id of the request under way in this context (its task, and the threads it runs in)."""

FIELDS = frozenset({"method", "route", "status", "duration_ms"})
"""The `extra` fields a line carries: each holds a value our code chose (a method of HTTP's
own, a route's template, a status, a duration), never a value a request sent."""

QUIETED = {
    "sqlalchemy": logging.WARNING,  # INFO: each statement with its parameters; DEBUG: rows
    "httpx": logging.WARNING,  # INFO: every URL called, a link's token included
    "httpx2": logging.WARNING,
    "httpcore": logging.WARNING,
    "httpcore2": logging.WARNING,
    "alembic": logging.WARNING,  # INFO: each migration, which the command prints itself
}
"""Loggers held at WARNING whatever the level asked: their lower lines quote data."""

PROPAGATED = ("uvicorn", "uvicorn.error")
"""uvicorn's loggers, made to write through the root's handler at its level (uvicorn may have
given them handlers of their own, which print exceptions whole)."""

SILENCED = ("uvicorn.access",)
"""uvicorn's access log writes the path and query string as sent (a download link's token, a
careless client's identifier): the API writes its own line per request (`RequestContext`)."""

MAX_FRAMES = 40
"""The innermost frames of a traceback written; the outer ones are the server's own."""

_HANDLER_NAME = "dataward"
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message"}


class _Handler(logging.StreamHandler):  # type: ignore[type-arg]
    """A stream handler that, when a record cannot be written, says so in fixed words: the
    standard one prints the record's message and arguments."""

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        if logging.raiseExceptions:
            error = sys.exc_info()[1]
            kind = type(error).__name__ if error is not None else "unknown"
            sys.stderr.write(f"a log line of {record.name} could not be written ({kind})\n")


class _StderrHandler(_Handler):
    """A handler writing to whatever `sys.stderr` is when a record comes (a test runner may
    replace it, and close the one that was there)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


class _RequestIdFilter(logging.Filter):
    """Stamps each record with the id of the request under way, when it is made."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = REQUEST_ID.get()
        return True


def configure_logging(
    level: LogLevel = "INFO", log_format: LogFormat = "json", *, stream: TextIO | None = None
) -> logging.Handler:
    """Install the one handler on the root logger at `level`, in `log_format`, writing to
    `stream` (standard error by default); the handler installed."""
    handler: logging.Handler = _StderrHandler() if stream is None else _Handler(stream)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    handler.addFilter(_RequestIdFilter())
    handler.set_name(_HANDLER_NAME)
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in PROPAGATED:
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
        logger.setLevel(logging.NOTSET)  # the root's level
    for name in SILENCED:
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = False
        logger.disabled = True
    for name, floor in QUIETED.items():
        logging.getLogger(name).setLevel(max(floor, logging.getLevelName(level)))
    return handler


def line_fields(record: logging.LogRecord) -> dict[str, Any]:
    """What a line says of `record`, in the order written."""
    fields: dict[str, Any] = {
        "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
        "level": record.levelname,
        "logger": record.name,
        "message": record.getMessage(),
    }
    request_id = getattr(record, "request_id", None)
    if request_id is not None:
        fields["request_id"] = request_id
    for name in sorted(FIELDS & set(vars(record)) - _STANDARD):
        value = getattr(record, name)
        if value is None or isinstance(value, bool | int | float | str):
            fields[name] = value
    if record.exc_info and record.exc_info[1] is not None:
        fields["exception"] = exception_fields(record.exc_info[1])
    return fields


def exception_fields(error: BaseException) -> dict[str, Any]:
    """An exception by its type, what it was raised from, and where: never its message."""
    return {
        "type": _type_name(error),
        "chain": [_type_name(e) for e in _chain(error)],
        "frames": _frames(error.__traceback__),
    }


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(line_fields(record), ensure_ascii=True, default=str)


class TextFormatter(logging.Formatter):
    """The same fields for a person: `ts LEVEL logger [request id] message key=value ...`."""

    def format(self, record: logging.LogRecord) -> str:
        fields = line_fields(record)
        parts = [fields.pop("ts"), fields.pop("level"), fields.pop("logger")]
        request_id = fields.pop("request_id", None)
        if request_id is not None:
            parts.append(f"[{request_id}]")
        # one line per record: a message's own line breaks are shown, not obeyed
        parts.append(json.dumps(fields.pop("message"), ensure_ascii=True)[1:-1])
        exception = fields.pop("exception", None)
        parts += [f"{name}={value}" for name, value in fields.items()]
        if exception is not None:
            raised_from = "".join(f" from {name}" for name in exception["chain"])
            parts.append(f"exception={exception['type']}{raised_from}")
            parts.append("at " + " < ".join(reversed(exception["frames"])))
        return " ".join(str(part) for part in parts)


def _type_name(error: BaseException) -> str:
    kind = type(error)
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen = {id(error)}
    current = error.__cause__ or error.__context__
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _frames(tb: TracebackType | None) -> list[str]:
    frames = traceback.extract_tb(tb)[-MAX_FRAMES:]
    return [f"{_short_path(f.filename)}:{f.lineno} in {f.name}" for f in frames]


def _short_path(filename: str) -> str:
    """A module's file from its import root: no home folder, no installation's path."""
    roots = sorted((p for p in sys.path if p and filename.startswith(p)), key=len, reverse=True)
    return filename[len(roots[0]) :].lstrip("/\\") if roots else filename.rsplit("/", 1)[-1]
