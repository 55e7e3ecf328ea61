"""Nothing that names a person reaches a log line, whatever passes through the API.

Every logger is at DEBUG (ours, SQLAlchemy's statements, parameters and rows, uvicorn's, the
HTTP client's), written through the handler `dataward serve` installs, while callers are
ingested, one is looked up and erased, a person's access request is recorded, verified and
answered with a download link that is used, and requests are refused in every way a client can
provoke (JSON cut short, a hostile value, a 404 whose path and query hold identifiers, a 413
batch). Then no line holds any identifier used, in any of its usual forms, nor the link's
token; every line parses as JSON; and every line written while a request ran carries that
request's id, the one its answer gave. On SQLite and PostgreSQL.

The test client's own lines (the HTTP client's, on the test's thread) are the client's, not
the server's: they are left out of the search, and only them.
"""

from __future__ import annotations

import io
import json
import logging
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import phonenumbers
import pytest
from faker import Faker
from sqlalchemy import select

from dataward.adapters import logs
from dataward.adapters.sql.rights.requests import outbox
from dataward.bootstrap import bootstrap
from dataward.config import Settings
from dataward.domain.clock import FixedClock
from tests.builders import EVIDENCE
from tests.e2e.conftest import Api, served

CLIENT_LOGGERS = ("httpx", "httpx2", "httpcore", "httpcore2")
"""The test client's loggers: each line they write on the test's thread is the client's."""
EVERY_LOGGER = ("", "dataward", "uvicorn", "uvicorn.error", "uvicorn.asgi", "sqlalchemy")
BATCH_LIMIT = 2048
CALLS = "/api/v1/tenants/tenant-a/calls"


@dataclass
class Line:
    thread: int
    text: str

    def parsed(self) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self.text)
        return document


class Written(io.TextIOBase):
    """The server's log stream: each line with the thread that wrote it."""

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.lock = threading.Lock()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        with self.lock:
            self.lines.extend(Line(threading.get_ident(), t) for t in text.splitlines())
        return len(text)


@dataclass
class Scenario:
    api: Api
    written: Written
    windows: list[tuple[int, int, str]] = field(default_factory=list)
    """For each request: the lines written while it ran, by index, and the id it was given."""

    def send(self, method: str, url: str, **options: Any) -> Any:
        first = len(self.written.lines)
        answer = self.api.client.request(method, url, **options)
        self.windows.append((first, len(self.written.lines), answer.headers["x-request-id"]))
        return answer

    def as_(self, who: str) -> dict[str, str]:
        return self.api.as_(who)


@pytest.fixture
def api(database_url: str, keystore_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[Api]:
    settings = Settings(
        data_dir=tmp_path / "var",
        database_url=database_url,
        keystore_url=keystore_url,
        max_batch_bytes=BATCH_LIMIT,
    )
    yield from served(bootstrap(settings, clock=clock))


@pytest.fixture
def written(api: Api) -> Iterator[Written]:
    """Every logger at DEBUG into the handler of `dataward serve`, for the test's length."""
    del api  # served first
    stream = Written()
    names = [*EVERY_LOGGER, *CLIENT_LOGGERS, *logs.QUIETED]
    saved = {name: logging.getLogger(name).level for name in names}
    handlers = list(logging.getLogger().handlers)
    logs.configure_logging("DEBUG", "json", stream=stream)
    for name in names:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield stream
    logging.getLogger().handlers[:] = handlers
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


def _forms_of(number: str) -> set[str]:
    """A UK number as it may be written: E.164, national with and without spaces, its digits,
    and its national significant number."""
    parsed = phonenumbers.parse(number, "GB")
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return {
        e164,
        e164[1:],
        national,
        national.replace(" ", ""),
        phonenumbers.national_significant_number(parsed),
    }


def _numbers(fake: Faker) -> list[str]:
    """Three callers' numbers, written three ways, in Ofcom's ranges kept for drama."""
    return [
        fake.numerify("07700 900###"),
        "+44" + fake.numerify("7700900###"),
        fake.numerify("02079460###"),
    ]


def _batch(numbers: list[str], clock: FixedClock) -> str:
    """A queue_log of one answered call from each number, two days ago."""
    began = int((clock.now() - timedelta(days=2)).timestamp())
    lines = []
    for i, number in enumerate(numbers):
        t, call = began + 600 * i, f"{began + 600 * i}.{i + 1}"
        lines += [
            f"{t}|{call}|9000|NONE|ENTERQUEUE||{number}|1",
            f"{t + 5}|{call}|9000|Local/2004@from-internal/n|CONNECT|5|{call}9|1",
            f"{t + 65}|{call}|9000|Local/2004@from-internal/n|COMPLETEAGENT|5|60|1",
        ]
    return "\n".join(lines) + "\n"


def _callers(run: Scenario, numbers: list[str], clock: FixedClock) -> str:
    """The batch ingested; the first caller looked up by number and its calls read; its id."""
    batch = _batch(numbers, clock)
    posted = run.send(
        "POST",
        CALLS,
        content=batch.encode(),
        params={"format": "asterisk-queue-log"},
        headers={**run.as_("operator"), "Content-Type": "text/plain"},
    )
    assert posted.status_code == 201, posted.text
    assert posted.json()["stored"] == len(numbers)
    found = run.send(
        "POST",
        "/api/v1/subjects/lookup",
        json={
            "type": "phone",
            "value": numbers[0],
            "purpose": "telephony_reporting",
            "tenant_id": "tenant-a",
        },
        headers=run.as_("admin_a"),
    )
    assert found.status_code == 200, found.text
    caller = str(found.json()["id"])
    calls = run.send(
        "GET", f"/api/v1/tenants/tenant-a/subjects/{caller}/calls", headers=run.as_("admin_a")
    )
    assert calls.status_code == 200, calls.text
    return caller


def _access_request(run: Scenario, name: str, email: str) -> str:
    """A person's access request, identity verified and carried out; its link's token."""
    subject = run.send(
        "POST",
        "/api/v1/subjects",
        json={"kind": "end_user", "identifiers": [{"type": "email", "value": email}]},
        headers=run.as_("dco"),
    )
    assert subject.status_code == 201, subject.text
    created = run.send(
        "POST",
        "/api/v1/requests",
        json={
            "type": "access",
            "received": run.api.container.clock.now().date().isoformat(),
            "channel": "email",
            "subject_id": subject.json()["id"],
            "contact_email": email,
            "contact_name": name,
        },
        headers=run.as_("dco"),
    )
    assert created.status_code == 201, created.text
    request_id = str(created.json()["id"])
    wrong = run.send(
        "POST", f"/api/v1/public/requests/{request_id}/verify", json={"code": "000000"}
    )
    assert wrong.status_code == 404, wrong.text  # no code was sent: nothing to verify
    for event in ("ask_identity", "identity_verified", "start"):
        moved = run.send(
            "POST",
            f"/api/v1/requests/{request_id}/events",
            json={"event": event, "reason": EVIDENCE.get(event)},
            headers=run.as_("dco"),
        )
        assert moved.status_code == 200, moved.text
    done = run.send(
        "POST", f"/api/v1/requests/{request_id}/fulfilment", json={}, headers=run.as_("dco")
    )
    assert done.status_code == 200, done.text
    with run.api.container.engine.connect() as connection:
        sealed = connection.execute(
            select(outbox.c.payload_ciphertext).where(
                outbox.c.request_id == request_id, outbox.c.letter == "completion"
            )
        ).scalar_one()
    letter = run.api.container.vault().open(request_id, sealed)
    match = re.search(r"/api/v1/public/downloads/(\S+)", letter)
    assert match is not None
    return match.group(1)


def _download(run: Scenario, token: str) -> None:
    path = f"/api/v1/public/downloads/{token}"
    assert run.send("GET", path).status_code == 200
    assert run.send("POST", path).status_code == 200
    assert run.send("POST", path).status_code == 410
    nonce, signature = token.split(".")
    altered = nonce + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    assert run.send("POST", f"/api/v1/public/downloads/{altered}").status_code == 404


def _public_form(run: Scenario, name: str, email: str) -> None:
    sent = run.send(
        "POST",
        "/requests/new",
        data={"type": "erasure", "name": name, "email": email},
    )
    assert sent.status_code == 201, sent.text


def _erase(run: Scenario, caller: str, number: str) -> None:
    erased = run.send(
        "DELETE",
        f"/api/v1/subjects/{caller}",
        params={"reason": "erasure_request"},
        headers=run.as_("admin_a"),  # the tenant's caller: the tenant erases it
    )
    assert erased.status_code == 200, erased.text
    gone = run.send(
        "POST",
        "/api/v1/subjects/lookup",
        json={
            "type": "phone",
            "value": number,
            "purpose": "telephony_reporting",
            "tenant_id": "tenant-a",
        },
        headers=run.as_("admin_a"),
    )
    assert gone.status_code == 404


def _refusals(run: Scenario, numbers: list[str], email: str, name: str) -> None:
    """Every way of being refused, each carrying identifiers."""
    cut_short = (
        b'{"kind": "end_user", "identifiers": [{"type": "email", "value": "' + email.encode()
    )
    answers = {
        "JSON cut short": run.send(
            "POST",
            "/api/v1/subjects",
            content=cut_short,
            headers={**run.as_("dco"), "Content-Type": "application/json"},
        ),
        "a hostile value": run.send(
            "POST",
            "/api/v1/subjects/lookup",
            json={
                "type": "phone",
                "value": f"{numbers[1]}<script>{email}</script>",
                "purpose": "telephony_reporting",
                "tenant_id": "tenant-a",
            },
            headers=run.as_("admin_a"),
        ),
        "a name where an e-mail goes": run.send(
            "POST",
            "/api/v1/subjects",
            json={"kind": "end_user", "identifiers": [{"type": "email", "value": name}]},
            headers=run.as_("dco"),
        ),
        "a 404 with identifiers in its path and query": run.send(
            "GET", f"/no/such/{numbers[2]}/{email}", params={"name": name, "number": numbers[0]}
        ),
        "identifiers in a real route's query": run.send(
            "GET", "/api/v1/requests", params={"contact_email": email}, headers=run.as_("dco")
        ),
        "a batch past its limit": run.send(
            "POST",
            CALLS,
            content=("|".join(numbers) + "\n").encode() * (BATCH_LIMIT // 30),
            headers={**run.as_("operator"), "Content-Type": "text/plain"},
        ),
        "an unknown subject": run.send(
            "GET",
            "/api/v1/subjects/00000000-0000-4000-8000-000000000000",
            params={"purpose": "correspondence"},
            headers=run.as_("dco"),
        ),
        "a request id carrying an address": run.send(
            "GET", "/api/v1/register", headers={"X-Request-ID": email}
        ),
    }
    statuses = {what: answer.status_code for what, answer in answers.items()}
    assert statuses == {
        "JSON cut short": 422,
        "a hostile value": 422,
        "a name where an e-mail goes": 422,
        "a 404 with identifiers in its path and query": 404,
        "identifiers in a real route's query": 200,
        "a batch past its limit": 413,
        "an unknown subject": 404,
        "a request id carrying an address": 200,
    }


def test_no_identifier_reaches_a_log_line(
    api: Api, written: Written, fake: Faker, clock: FixedClock
) -> None:
    run = Scenario(api, written)
    numbers = _numbers(fake)
    name, email = fake.name(), fake.email()
    caller = _callers(run, numbers, clock)
    token = _access_request(run, name, email)
    _download(run, token)
    _public_form(run, fake.name(), fake.email())
    _refusals(run, numbers, email, name)
    _erase(run, caller, numbers[0])

    identifiers = {form for number in numbers for form in _forms_of(number)}
    identifiers |= {email, email.lower(), email.upper(), name, *token.split("."), token}
    identifiers |= {part for part in name.split() if len(part) >= 5}
    test_thread = threading.get_ident()
    documents = [line.parsed() for line in written.lines]  # every line is JSON
    servers = [
        (i, line, document)
        for i, (line, document) in enumerate(zip(written.lines, documents, strict=True))
        if not (line.thread == test_thread and document["logger"].startswith(CLIENT_LOGGERS))
    ]
    for _, line, _ in servers:
        found = [identifier for identifier in identifiers if identifier in line.text]
        assert not found, f"{found} in {line.text}"
    _each_line_carries_its_requests_id(run, servers)
    loggers = {document["logger"] for _, _, document in servers}
    assert {"dataward.access", "sqlalchemy.engine.Engine"} <= loggers  # libraries' lines too


def _each_line_carries_its_requests_id(
    run: Scenario, servers: list[tuple[int, Line, dict[str, Any]]]
) -> None:
    window_of = {i: request_id for first, end, request_id in run.windows for i in range(first, end)}
    for i, line, document in servers:
        if i in window_of:
            assert document.get("request_id") == window_of[i], line.text
        else:
            assert "request_id" not in document, line.text
    access = [d for _, _, d in servers if d["logger"] == "dataward.access"]
    assert [d["request_id"] for d in access] == [request_id for _, _, request_id in run.windows]
