"""Signed, expiring, single-use download links for the packages of access and portability
requests.

A token is 32 random bytes and an HMAC of them, both base64url, joined by a dot: a token
altered in transit fails its signature and is refused before the database is asked. Only a
keyed hash of the whole token is stored (`access_downloads.token_hash`), so the table cannot
be used to download anything. The package is sealed under a data key of the link's own,
named by the link's id and made in the transaction that stores the link (through a key batch,
so a key whose link never committed is destroyed by `dataward keys sweep`; the link's row owns
it meanwhile). The key is destroyed as soon as the package is no longer needed, once the
transaction that ends it has committed: the link used, its package cleared as expired, the link
withdrawn, swept by retention or deleted by its subject's erasure. That transaction lists the key
for destruction (`services.keys.doomed`), so a process that dies before destroying it leaves
it to `dataward keys sweep`. Deleting a row does not
remove every copy of it (a dead row version until vacuum, a write-ahead log, a backup); with
its key gone none of them opens. A link made before links had keys has its package under the
subject's key, and is opened with it until it expires and is swept. Redeeming marks the link
used and clears the sealed package in one transaction, through one conditional UPDATE: of two
racing redemptions exactly one succeeds. Every attempt, served or refused, is audited; a
refusal says only that the link is not valid (404) or no longer works (410), never which
request it belonged to.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from dataward.domain.audit import AuditAction
from dataward.domain.clock import Clock
from dataward.domain.errors import DatawardError, KeyUnavailable
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.keys.batches import KeyBatch
from dataward.services.keys.doomed import destroy_doomed, doom
from dataward.services.ports import UnitOfWork, Vault
from dataward.services.rights.download_ports import NewDownload, StoredDownloadLike

DEFAULT_TTL = timedelta(days=7)
DOWNLOAD_PATH = "/api/v1/public/downloads/"
PUBLIC_ACTOR = "public-download"
"""Who the audit log names for a download: the bearer of a link, not a known person."""


class DownloadNotFound(DatawardError):
    """No such link: unknown, or altered (its signature fails)."""

    code = "download_not_found"

    def __init__(self) -> None:
        super().__init__("this download link is not valid")


class DownloadGone(DatawardError):
    """The link existed but no longer works: used once already, or expired."""

    code = "download_gone"

    def __init__(self) -> None:
        super().__init__(
            "this download link no longer works: it works once and for a limited time; "
            "ask us for a new one"
        )


@dataclass(frozen=True, slots=True)
class IssuedLink:
    download_id: str
    expires_at: datetime
    url: str = field(repr=False)
    token: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class Download:
    filename: str
    kind: str
    content: bytes = field(repr=False)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(vault: Vault, nonce: bytes) -> bytes:
    return hmac.new(vault.record_key("downloads", "signature"), nonce, hashlib.sha256).digest()[:16]


def new_token(vault: Vault) -> str:
    nonce = secrets.token_bytes(32)
    return f"{_b64(nonce)}.{_b64(_signature(vault, nonce))}"


def token_hash(vault: Vault, token: str) -> bytes | None:
    """The keyed hash stored for `token`, or None when the token is malformed or altered."""
    if len(token) > 200 or token.count(".") != 1:
        return None
    nonce_text, signature_text = token.split(".")
    try:
        nonce, signature = _unb64(nonce_text), _unb64(signature_text)
    except (ValueError, TypeError):
        return None
    if len(nonce) != 32 or not hmac.compare_digest(signature, _signature(vault, nonce)):
        return None
    key = vault.record_key("downloads", "token_hash")
    return hmac.new(key, token.encode("ascii"), hashlib.sha256).digest()


def link_url(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + DOWNLOAD_PATH + token


@dataclass(frozen=True, slots=True)
class NewLink:
    """A package to put behind a new link: whose it is, of which request, what it is called,
    its content, where the link points and how long it works."""

    request_id: UUID | str
    subject_id: UUID | str
    kind: str
    filename: str
    content: bytes = field(repr=False)
    base_url: str
    ttl: timedelta = DEFAULT_TTL


def add_link(ctx: UseCase, link: NewLink, keys: KeyBatch) -> IssuedLink:
    """Store the link's content sealed under a new key of the link's own (made in `keys`) behind
    a new link, inside the caller's unit of work (`ctx.uow`, which has joined `keys`; the caller
    commits through `keys`), and audit the issue by `ctx.actor`."""
    uow, vault, clock = ctx.uow, ctx.vault, ctx.clock
    if link.ttl <= timedelta(0):
        raise ValueError("a download link needs a positive lifetime")
    now = clock.now()
    request_id, kind, subject = link.request_id, link.kind, str(link.subject_id)
    token = new_token(vault)
    digest = token_hash(vault, token)
    assert digest is not None  # noqa: S101 - a token just made always verifies
    download_id = str(uuid.uuid4())
    expires_at = now + link.ttl
    keys.create_keys([download_id])
    package = vault.seal(download_id, base64.b64encode(link.content).decode("ascii"))
    uow.downloads.add(
        NewDownload(
            download_id=download_id,
            request_id=str(request_id),
            subject_id=subject,
            kind=kind,
            token_hash=digest,
            filename=link.filename,
            created_at=now,
            expires_at=expires_at,
            package=package,
        )
    )
    record(
        uow,
        clock,
        ctx.actor,
        Audited(
            AuditAction.DOWNLOAD_ISSUED,
            subject_ref=subject,
            details={
                "download": download_id,
                "request": str(request_id),
                "kind": kind,
                "expires_at": expires_at.isoformat(),
            },
        ),
    )
    return IssuedLink(download_id, expires_at, link_url(link.base_url, token), token)


def redeem_download(uow: UnitOfWork, vault: Vault, clock: Clock, token: str) -> Download:
    """The package behind `token`, once. `DownloadNotFound` (unknown or altered) or
    `DownloadGone` (used or expired) otherwise; every attempt is audited. Whatever key the
    attempt leaves unneeded (the link's once served, those of the links it cleared) is listed
    in its transaction and destroyed after the commit."""
    now = clock.now()
    digest = token_hash(vault, token)
    with uow:
        found = uow.downloads.by_hash(digest) if digest is not None else None
        if digest is None or found is None:
            _refused(uow, clock, "tampered" if digest is None else "unknown")
            uow.commit()
            raise DownloadNotFound
        sealed = uow.downloads.claim(digest, now)
        served: Download | None = None
        if sealed is None:
            expired = found.used_at is None and found.expires_at <= now
            cleared = list(uow.downloads.clear_expired(now)) if expired else []
            _refused(uow, clock, "expired" if expired else "used", found.id, found.subject_id)
            doomed = doom(uow, cleared, now)  # their packages are gone: so are their keys
        else:
            served = _serve(uow, vault, clock, found, sealed)
            doomed = doom(uow, [found.id], now)  # used up: its package cleared, its key goes
        uow.commit()
    destroy_doomed(uow, vault, doomed)
    if served is None:
        raise DownloadGone
    return served


def _serve(
    uow: UnitOfWork, vault: Vault, clock: Clock, found: StoredDownloadLike, sealed: bytes
) -> Download | None:
    """The claimed package opened and its serving audited; None (refusal audited) when its
    subject was erased meanwhile and nothing is left to give."""
    try:
        content = base64.b64decode(_open(vault, found.id, found.subject_id, sealed))
    except KeyUnavailable:
        _refused(uow, clock, "erased", found.id, found.subject_id)
        return None
    record(
        uow,
        clock,
        PUBLIC_ACTOR,
        Audited(
            AuditAction.DOWNLOAD_SERVED,
            subject_ref=found.subject_id,
            decision="served",
            details={"download": found.id, "request": found.request_id, "kind": found.kind},
        ),
    )
    return Download(found.filename, found.kind, content)


def _open(vault: Vault, download_id: str, subject_id: str | None, sealed: bytes) -> str:
    """The package, opened with the link's own key; a package sealed before links had keys
    (no key of the link's) with its subject's. `KeyUnavailable` when neither key is left."""
    try:
        return vault.open(download_id, sealed)
    except KeyUnavailable:
        if subject_id is None:
            raise
        return vault.open(subject_id, sealed)


def clear_expired_downloads(uow: UnitOfWork, vault: Vault, clock: Clock) -> int:
    """Drop the sealed packages of every expired link and destroy their keys once that has
    committed (a job may run it daily); how many were cleared."""
    now = clock.now()
    with uow:
        cleared = list(uow.downloads.clear_expired(now))
        doomed = doom(uow, cleared, now)
        uow.commit()
    destroy_doomed(uow, vault, doomed)
    return len(cleared)


def withdraw_link(uow: UnitOfWork, vault: Vault, clock: Clock, download_id: str) -> None:
    """Delete a link that must not be used (its request could not move on), then its key
    (listed with the deletion, so a process that dies first leaves it to the key sweep)."""
    with uow:
        uow.downloads.discard(download_id)
        doomed = doom(uow, [download_id], clock.now())
        uow.commit()
    destroy_doomed(uow, vault, doomed)


def _refused(
    uow: UnitOfWork,
    clock: Clock,
    outcome: str,
    download_id: str | None = None,
    subject_id: str | None = None,
) -> None:
    details = {"outcome": outcome}
    if download_id is not None:
        details["download"] = download_id
    record(
        uow,
        clock,
        PUBLIC_ACTOR,
        Audited(
            AuditAction.DOWNLOAD_REFUSED, subject_ref=subject_id, decision=outcome, details=details
        ),
    )
