"""Handing a subject's package over: stored behind a single-use link, announced in the
completion letter of the request, which moves on in the same step (access and portability)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import UUID

from dataward.domain.requests.package import SubjectPackage
from dataward.domain.requests.workflow import UK, RequestEvent, RequestRefused, RightsRequest
from dataward.services.context import UseCase
from dataward.services.keys.batches import DOWNLOAD, enrolling
from dataward.services.ports import UnitOfWork
from dataward.services.rights.downloads import (
    DEFAULT_TTL,
    IssuedLink,
    NewLink,
    add_link,
    withdraw_link,
)
from dataward.services.rights.requests import Step, advance


@dataclass(frozen=True, slots=True)
class Delivery:
    """How a package reaches its person: rendered (the document adapter, bound by the entry
    point), stored behind a link to `base_url` that expires after `ttl`."""

    base_url: str
    render: Callable[[SubjectPackage], bytes] = field(repr=False)
    ttl: timedelta = DEFAULT_TTL


def require_delivery_address(uow: UnitOfWork, request_id: UUID) -> None:
    """Refuse, before anything is collected, a package that could reach nobody: the link goes
    only in the letter to the requester's address, so a request without one would be
    completed with nothing delivered."""
    if uow.requests.contact(request_id) is None:
        raise RequestRefused(
            "the requester gave no e-mail address: the download link could reach nobody. "
            "Record the request again with the address they give"
        )


@dataclass(frozen=True, slots=True)
class HandOver:
    """A package to hand over, how it reaches its person, and how its request moves on with
    it: by `event`, for `reason`, with `outcome` recorded as what carrying it out did."""

    request: RightsRequest
    package: SubjectPackage = field(repr=False)
    delivery: Delivery
    event: RequestEvent
    reason: str
    outcome: Mapping[str, Any] | None = None


def deliver_package(ctx: UseCase, handover: HandOver) -> IssuedLink:
    """Store the rendered package behind a new link, then move the request on by its event
    with the link in its completion letter (and its outcome recorded). If the request cannot
    be moved on, the link is withdrawn and the error raised: the link and the audit entry of
    its issue are committed first, and a failed move withdraws the link in a transaction of
    its own, and then its key, the audit log keeping its issue."""
    uow, request, package, delivery = ctx.uow, handover.request, handover.package, handover.delivery
    new = NewLink(
        request_id=request.id,
        subject_id=package.subject_id,
        kind=package.kind,
        filename=f"{package.kind}-{str(request.id)[:8]}.zip",
        content=delivery.render(package),
        base_url=delivery.base_url,
        ttl=delivery.ttl,
    )
    with enrolling(ctx.vault, DOWNLOAD) as keys, uow:
        keys.join(uow)  # the link's own key: the key sweep leaves it once the link landed
        link = add_link(ctx, new, keys)
        has_contact = uow.requests.contact(request.id) is not None
        keys.commit(uow)
    payload = ctx.vault.seal(str(request.id), letter_text(link)) if has_contact else None
    step = Step(
        handover.event,
        reason=handover.reason[:500],
        letter_payload=payload,
        outcome=handover.outcome,
    )
    try:
        advance(ctx, request.id, step)
    except BaseException:
        withdraw_link(uow, ctx.vault, ctx.clock, link.download_id)
        raise
    return link


def letter_text(link: IssuedLink) -> str:
    """What the completion letter says about the download (the letter's `payload`)."""
    until = link.expires_at.astimezone(UK)
    return (
        "Your data is ready to download as one ZIP file: data.json (all of it, "
        "machine-readable), a CSV file for each table, and report.html to read in a browser. "
        f"The link works once, until {until.day} {until:%B %Y at %H:%M} (UK time):\n\n"
        f"    {link.url}\n\n"
        "Keep it private: whoever has it can download your data. If it has expired or was "
        "used, ask us for a new one."
    )
