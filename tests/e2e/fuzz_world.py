"""The installation the API schema fuzz test acts on: made once, copied for each operation.

Everything an operation's path, query or body can name exists in it, made through the API as
staff would make it: two tenants (the first with a controller contact), a call batch with a
quarantined line, a caller found by its number, two end users (one of them restricted by staff)
and a customer contact with an objection and consent, a transfer mechanism suspended, and
rights requests in each state an
operation acts on (just received, awaiting identity with a one-time code sent, started, forwarded
to the tenant's controller, a restriction carried out and its lifting letter sent, an access
request answered with its download link), and a complaint.

The finished data folder is the template: `fresh` copies it for each operation, so what one
operation destroys (a subject shredded, a request fulfilled, a link redeemed) is still there for
the next. The clock is fixed; tokens, ids and the link are the same in every copy.
"""

from __future__ import annotations

import re
import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from faker import Faker
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from dataward.adapters.mail.letters import render_letter
from dataward.adapters.mail.smtp import SmtpMailer, SmtpServer
from dataward.adapters.sql.rights.requests import outbox
from dataward.bootstrap import Container, bootstrap
from dataward.config import Settings
from dataward.domain.clock import FixedClock
from dataward.domain.subjects import Actor
from dataward.entrypoints.api.app import create_app
from dataward.installation import initialise
from dataward.services.organisation.staff import IssueToken, issue_token
from dataward.services.outreach.outbox import deliver_messages
from dataward.services.rights.outbox import deliver
from dataward.services.rights.public_status import status_token
from tests.builders import EVIDENCE, NOW, SAMPLE_RETENTION

SETUP = Actor(id="fuzz-setup", role="dco")
TENANT = "tenant-a"
OTHER_TENANT = "tenant-b"
ROLES = {"dco": ("dco", None), "admin": ("tenant_admin", TENANT)}
"""Who calls every operation: the DCO, and the first tenant's administrator."""

CALLS = "\n".join(
    [
        "1764000000|1764000000.1|sales|NONE|ENTERQUEUE||01632960001|1",
        "1764000010|1764000000.1|sales|SIP/2001|CONNECT|10|1764000000.2|3",
        "1764000070|1764000000.1|sales|SIP/2001|COMPLETECALLER|10|60|1",
        "1764000100x|1764000100.1|sales|NONE|ENTERQUEUE||01632960002|1",
    ]
)
"""One answered queue call (a drama-range number) and a bad line for the quarantine."""
CALLER_NUMBER = "01632 960001"


def _settings(folder: Path) -> Settings:
    """Limits per client address out of the way: every request of the run comes from one."""
    return Settings(data_dir=folder, public_form_per_hour=10_000, register_checks_per_hour=10_000)


@dataclass
class Installation:
    """One copy of the template, served."""

    container: Container
    app: FastAPI

    def close(self) -> None:
        self.container.close()


@dataclass
class World:
    """The template's folder and what it holds: tokens by role, and the ids of what exists."""

    template: Path
    tokens: dict[str, str]
    ids: dict[str, Any]
    """Each object by its part: `subject.end_user`, `request.working`, `restriction.direct`..."""

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def fresh(self, folder: Path) -> Installation:
        """A copy of the template, served by its own app (its own rate limiters too)."""
        shutil.copytree(self.template, folder)
        container = bootstrap(_settings(folder), clock=FixedClock(NOW))
        return Installation(container, create_app(container))


def build_world(folder: Path) -> World:
    container = bootstrap(_settings(folder), clock=FixedClock(NOW))
    try:
        initialise(container)
        with TestClient(create_app(container)) as client:
            seeding = _Seeding(container, client)
            ids = seeding.run()
        return World(template=folder, tokens=seeding.tokens, ids=ids)
    finally:
        container.close()


class _Seeding:
    def __init__(self, container: Container, client: TestClient) -> None:
        self.container = container
        self.client = client
        self.fake = Faker("en_GB")
        self.fake.seed_instance(7)
        self.tokens: dict[str, str] = {}

    def as_(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def post(self, path: str, body: Any, who: str = "dco", status: int = 201) -> Any:
        answer = self.client.post(path, json=body, headers=self.as_(who))
        assert answer.status_code == status, f"{path}: {answer.text}"
        return answer.json()

    def run(self) -> dict[str, Any]:
        self._staff()
        ids: dict[str, Any] = {"tenant": [TENANT, OTHER_TENANT]}
        ids["ingest"] = self._calls()
        ids["subject.caller"] = self.post(
            "/api/v1/subjects/lookup",
            {
                "type": "phone",
                "value": CALLER_NUMBER,
                "purpose": "telephony_reporting",
                "tenant_id": TENANT,
            },
            who="admin",
            status=200,
        )["id"]
        for part, kind in (
            ("end_user", "end_user"),
            ("customer_contact", "customer_contact"),
            ("restricted", "end_user"),
            ("held", "end_user"),
        ):
            ids[f"email.{part}"] = email = self.fake.email()
            ids[f"subject.{part}"] = self.post(
                "/api/v1/subjects",
                {"kind": kind, "identifiers": [{"type": "email", "value": email}]},
            )["id"]
        self._subject_records(ids)
        self._requests(ids)
        self._marketing(ids)
        self._breaches(ids)
        return ids

    def _breaches(self, ids: dict[str, Any]) -> None:
        """A breach of the tenant's data, open; and one judged not reportable, to close."""
        aware = (NOW - timedelta(hours=6)).isoformat()
        body = {"aware_at": aware, "natures": ["confidentiality"], "description": "A lost key."}
        ids["breach"] = self.post("/api/v1/breaches", {**body, "tenants": [TENANT]})["id"]
        facts = {"consequences": "None likely.", "measures": "Key revoked."}
        ids["breach.closable"] = closable = self.post("/api/v1/breaches", {**body, **facts})["id"]
        judged = {"likelihood": "remote", "severity": "minimal", "reasoning": "None.", "people": 1}
        self.post(f"/api/v1/breaches/{closable}/assessment", judged, status=200)

    def _staff(self) -> None:
        register = self.container.active_register.get(self.container.uow(read_only=True))
        self.tokens["dco"] = self._token(register.register, "dco", "dco", None)
        for tenant, contact in ((TENANT, True), (OTHER_TENANT, False)):
            body: dict[str, Any] = {
                "name": f"Tenant {tenant}",
                "id": tenant,
                "call_retention": SAMPLE_RETENTION,
            }
            if contact:  # the controller a request about its caller is forwarded to
                body["controller_contact"] = {"name": self.fake.name(), "email": self.fake.email()}
            self.post("/api/v1/tenants", body)
        self.tokens["admin"] = self._token(register.register, "admin", "tenant_admin", TENANT)
        self.tokens["marketing"] = self._token(register.register, "marketing", "marketing", None)

    def _token(self, register: Any, who: str, role: str, tenant: str | None) -> str:
        return issue_token(
            self.container.use_case(SETUP, register), IssueToken(who, role, tenant)
        ).token

    def _calls(self) -> list[int]:
        landed = self.client.post(
            f"/api/v1/tenants/{TENANT}/calls",
            params={"format": "asterisk-queue-log", "quarantine": "true"},
            content=CALLS.encode(),
            headers={**self.as_("admin"), "Content-Type": "text/plain"},
        )
        assert landed.status_code == 201, landed.text
        return [int(i) for i in landed.json()["ingests"]]

    def _subject_records(self, ids: dict[str, Any]) -> None:
        restricted, contact = ids["subject.restricted"], ids["subject.customer_contact"]
        ids["restriction.direct"] = self.post(
            f"/api/v1/subjects/{restricted}/restrictions", {"ground": "accuracy_contested"}
        )["id"]
        ids["hold"] = self.post(
            "/api/v1/holds",
            {
                "subject_id": ids["subject.held"],
                "ground": "legal_claims",
                "review_on": (NOW + timedelta(days=60)).date().isoformat(),
                "reason": "A claim under way",
            },
        )["id"]
        ids["objection"] = self.post(
            f"/api/v1/subjects/{contact}/objections",
            {"kind": "legitimate_interests", "purpose": "debt_recovery"},
        )["id"]
        ids["suspension"] = self.post(
            "/api/v1/transfers/suspensions",
            {"mechanism": "adequacy:US", "reason": "The UK-US data bridge regulations revoked"},
        )["mechanism"]
        self.post(
            f"/api/v1/subjects/{contact}/consents",
            {
                "purpose": "direct_marketing",
                "channel": "email",
                "given": True,
                "method": "web_form",
                "notice_version": "2026.1",
            },
        )

    def _request(self, kind: str, subject: str, **extra: Any) -> str:
        body = {
            "type": kind,
            "received": "2026-11-20",
            "subject_id": subject,
            "contact_email": self.fake.email(),
            **extra,
        }
        return str(self.post("/api/v1/requests", body)["id"])

    def _advance(self, request_id: str, *events: str) -> None:
        for event in events:
            self.post(
                f"/api/v1/requests/{request_id}/events",
                {"event": event, "reason": EVIDENCE.get(event)},
                status=200,
            )

    def _requests(self, ids: dict[str, Any]) -> None:
        end_user, contact = ids["subject.end_user"], ids["subject.customer_contact"]
        ids["request.received"] = self._request("erasure", end_user)
        awaiting = ids["request.awaiting"] = self._request("portability", contact)
        self._advance(awaiting, "ask_identity")
        self.post(f"/api/v1/requests/{awaiting}/verification-code", None, status=202)
        ids["code"] = self._payload(awaiting, "verification_code")
        ids["status"] = status_token(self.container.vault(), awaiting)
        working = ids["request.working"] = self._request("access", end_user)
        self._advance(working, "ask_identity", "identity_verified", "start")
        forwarded = ids["request.forwarded"] = self._request(
            "access", ids["subject.caller"], tenant_id=TENANT
        )
        self._advance(forwarded, "forward")
        answered = ids["request.answered"] = self._request("access", contact)
        self._advance(answered, "ask_identity", "identity_verified", "start")
        self.post(f"/api/v1/requests/{answered}/fulfilment", {}, status=200)
        link = re.search(r"/api/v1/public/downloads/(\S+)", self._payload(answered, "completion"))
        assert link is not None
        ids["download"] = link.group(1)
        ids["complaint"] = self._request("complaint", contact)  # no tenant: ours to hear
        restricting = ids["request.restriction"] = self._request(
            "restriction", contact, scope="objection_pending"
        )
        self._advance(restricting, "ask_identity", "identity_verified", "start")
        done = self.post(f"/api/v1/requests/{restricting}/fulfilment", {}, status=200)
        ids["restriction.requested"] = restriction = done["outcome"]["restriction"]
        self.post(f"/api/v1/restrictions/{restriction}/lifting-notice", None, status=202)
        self._send_letters()

    def _marketing(self, ids: dict[str, Any]) -> None:
        """Two campaigns (one sent, one not) and the unsubscribe link of the message sent to a
        marketing contact who consented to our e-mail marketing."""
        ids["email.keen"] = email = self.fake.email()
        keen = ids["subject.keen"] = self.post(
            "/api/v1/subjects",
            {"kind": "marketing_contact", "identifiers": [{"type": "email", "value": email}]},
        )["id"]
        self.post(
            f"/api/v1/subjects/{keen}/consents",
            {
                "purpose": "direct_marketing",
                "channel": "email",
                "given": True,
                "method": "web_form",
                "notice_version": "2026.1",
            },
        )
        body = {
            "name": "Winter news",
            "purpose": "direct_marketing",
            "channel": "email",
            "sender": "akixi",
            "template": "Subject: New reports\n\nHello,\nSee what is new.\n",
            "product": "call_reporting",
        }
        campaigns = "/api/v1/marketing/campaigns"
        ids["campaign.sent"] = sent = self.post(campaigns, body, who="marketing")["id"]
        ids["campaign.fresh"] = self.post(campaigns, body, who="marketing")["id"]
        self.post(f"{campaigns}/{sent}/send", None, who="marketing", status=200)
        inbox = _Inbox()
        with _smtp(inbox) as port:
            done = deliver_messages(
                self.container.use_case(SETUP),
                {"email": SmtpMailer(SmtpServer("127.0.0.1", port), "dco@example.org")},
                self.container.message_makers(),
            )
        assert done.sent == 1, done
        (message,) = inbox.messages
        link = str(message["List-Unsubscribe"]).split(",")[0].strip("<> ")  # type: ignore[index]
        ids["unsubscribe"] = link.rsplit("/u/", 1)[1]

    def _payload(self, request_id: str, letter: str) -> str:
        """A queued letter's sealed payload (a code, a completion letter), opened."""
        with self.container.engine.connect() as connection:
            sealed = connection.execute(
                select(outbox.c.payload_ciphertext).where(
                    outbox.c.request_id == request_id, outbox.c.letter == letter
                )
            ).scalar_one()
        return self.container.vault().open(request_id, sealed)

    def _send_letters(self) -> None:
        """Every queued letter sent through a real SMTP server, as the runner's job does."""
        register = self.container.active_register.get(self.container.uow(read_only=True))
        with _smtp() as port:
            sent = deliver(
                self.container.use_case(SETUP, register.register),
                SmtpMailer(SmtpServer("127.0.0.1", port), "dco@example.org"),
                render_letter,
            )
        assert sent.failed == 0, sent


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[object] = []

    async def handle_DATA(self, _server: object, _session: object, envelope: object) -> str:  # noqa: N802 - aiosmtpd's hook name
        content = envelope.content  # type: ignore[attr-defined]
        self.messages.append(message_from_bytes(content, policy=policy.default))
        return "250 OK"


@contextmanager
def _smtp(inbox: _Inbox | None = None) -> Iterator[int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(inbox or _Inbox(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()
