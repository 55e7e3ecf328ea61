"""The SMTP mailer: one message per call, over a fresh connection (the outbox batches)."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr

from dataward.domain.outreach import Email


@dataclass(frozen=True, slots=True)
class SmtpServer:
    """Where letters are handed over, and how: STARTTLS before anything is sent, or not."""

    host: str
    port: int
    starttls: bool = False
    timeout: float = 30.0


@dataclass(frozen=True, slots=True)
class SmtpLogin:
    username: str
    password: str = field(repr=False)


class SmtpMailer:
    def __init__(self, server: SmtpServer, sender: str, login: SmtpLogin | None = None) -> None:
        self._server, self._sender, self._login = server, sender, login

    def send(self, to: str, subject: str, body: str) -> None:
        self.send_email(Email(to, self._sender, subject, body))

    def send_email(self, email: Email) -> None:
        """Send one made message from its own sender, with its own headers (RFC 8058's
        List-Unsubscribe pair on marketing)."""
        message = EmailMessage()
        message["From"] = email.sender
        message["To"] = email.to
        message["Subject"] = email.subject
        address = parseaddr(email.sender)[1]
        message["Message-ID"] = make_msgid(domain=address.rpartition("@")[2] or None)
        for name, value in email.headers:
            message[name] = value
        message.set_content(email.body)
        server, login = self._server, self._login
        with smtplib.SMTP(server.host, server.port, timeout=server.timeout) as smtp:
            if server.starttls:
                smtp.starttls()
            if login is not None:
                smtp.login(login.username, login.password)
            smtp.send_message(message)
