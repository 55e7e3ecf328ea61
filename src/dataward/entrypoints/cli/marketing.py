"""`dataward marketing ...`: campaigns, their audiences, sending, list imports, and the bases for
marketing without consent (`dataward consents soft-opt-in` records the soft opt-in)."""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer

from dataward.domain.marketing.eligibility import Channel, ObtainedIn
from dataward.entrypoints.cli.common import container, fail_on_dataward_error, reading, use_case
from dataward.entrypoints.cli.params import choice, day, input_file, uuid

app = typer.Typer(help="Marketing under PECR: campaigns, audiences, sending, imports.")
campaigns = typer.Typer(help="Marketing campaigns.", no_args_is_help=True)
app.add_typer(campaigns, name="campaigns")

CampaignArg = Annotated[UUID, typer.Argument(parser=uuid, metavar="ID", help="The campaign's id.")]
SubjectArg = Annotated[UUID, typer.Argument(parser=uuid, metavar="SUBJECT", help="Its id.")]
MOST_TEMPLATE_BYTES = 64 * 1024
MOST_LIST_BYTES = 16 * 1024 * 1024


class Listing(StrEnum):
    TABLE = "table"
    JSON = "json"


def _text(path: Path, most: int, option: str) -> str:
    """A file's UTF-8 text, at most `most` bytes; refused by what is wrong, never by its content."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(most + 1)
    except OSError as error:
        raise typer.BadParameter(f"cannot be read: {error.strerror}", param_hint=option) from None
    if len(raw) > most:
        raise typer.BadParameter(f"larger than {most:,} bytes", param_hint=option)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise typer.BadParameter("not UTF-8 text", param_hint=option) from None


@campaigns.command("create")
def create(
    name: Annotated[str, typer.Option(help="What staff call it.")],
    purpose: Annotated[str, typer.Option(help="A marketing purpose, e.g. direct_marketing.")],
    channel: Annotated[Channel, typer.Option(parser=choice(Channel), help="email, sms or post.")],
    sender: Annotated[str, typer.Option(help="Who it is from: akixi or mondago.")],
    template: Annotated[
        Path,
        typer.Option(
            parser=input_file,
            metavar="FILE",
            help="The message's text; a first line `Subject: ...` gives an e-mail's subject.",
        ),
    ],
    product: Annotated[
        str | None,
        typer.Option(help="The sender's product it markets (the soft opt-in needs one)."),
    ] = None,
) -> None:
    """Make a campaign; the sender's identity and the way to opt out are added to every message."""
    from dataward.domain.marketing.campaign import CampaignDraft
    from dataward.services.marketing.campaigns import create_campaign

    text = _text(template, MOST_TEMPLATE_BYTES, "--template")
    with fail_on_dataward_error(), container() as wired:
        made = create_campaign(
            use_case(wired), CampaignDraft(name, purpose, channel.value, sender, text, product)
        )
    typer.echo(f"campaign {made.id}: {made.purpose} by {made.channel} from {made.sender}")


@campaigns.command("list")
def list_campaigns() -> None:
    """The newest campaigns your role may run."""
    from dataward.services.marketing.campaigns import list_campaigns as listed

    with fail_on_dataward_error(), container() as wired:
        found = listed(reading(wired))
    for c in found:
        sent = c.sent_at.isoformat(timespec="seconds") if c.sent_at else "not sent"
        typer.echo(f"{c.id}\t{c.purpose}\t{c.channel}\t{c.sender}\t{sent}")


@app.command("audience")
def audience(
    campaign_id: CampaignArg,
    output_format: Annotated[
        Listing, typer.Option("--format", parser=choice(Listing), help="table or json.")
    ] = Listing.TABLE,
) -> None:
    """Who may receive the campaign and on which basis, and everyone left out with the reason:
    subject ids and reasons only."""
    from dataward.domain.marketing.eligibility import EXCLUSION_WORDS
    from dataward.services.marketing.audience import resolve_audience

    with fail_on_dataward_error(), container() as wired:
        found = resolve_audience(use_case(wired), campaign_id)
    if output_format is Listing.JSON:
        document = {
            "campaign": str(found.campaign.id),
            "counts": found.counts(),
            "included": [{"subject": str(s), "basis": b.value} for s, b in found.included],
            "excluded": [{"subject": str(s), "reason": r.value} for s, r in found.excluded],
        }
        typer.echo(json.dumps(document, indent=2))
        return
    for subject, basis in found.included:
        typer.echo(f"{subject}\tincluded\t{basis.value}")
    for subject, reason in found.excluded:
        typer.echo(f"{subject}\texcluded\t{reason.value}: {EXCLUSION_WORDS[reason]}")
    counts = ", ".join(f"{k} {v}" for k, v in found.counts().items())
    typer.echo(f"{len(found.included)} included, {len(found.excluded)} excluded ({counts})")


@app.command("send")
def send(campaign_id: CampaignArg) -> None:
    """Queue the campaign to everyone it may reach, once; `dataward outbox send` sends them,
    judging each person again as their message goes."""
    from dataward.services.marketing.sending import send_campaign

    with fail_on_dataward_error(), container() as wired:
        sent = send_campaign(use_case(wired), campaign_id)
    left = ", ".join(f"{k} {v}" for k, v in sent.excluded.items()) or "none"
    typer.echo(f"campaign {sent.campaign_id}: {sent.queued} queued; left out: {left}")


@app.command("import")
def import_list(
    file: Annotated[
        Path, typer.Argument(parser=input_file, metavar="FILE", help="CSV: email, phone, name.")
    ],
    source: Annotated[str, typer.Option(help="Where the list came from.")],
    consent_evidence: Annotated[str, typer.Option(help="Where the proof of consent is kept.")],
    purpose: Annotated[str, typer.Option(help="The purpose consented to.")] = "direct_marketing",
) -> None:
    """Add a list's people as marketing contacts with their consent, whole or not at all;
    suppressed addresses and people already known are skipped and counted, never named."""
    from dataward.services.marketing.imports import ImportList
    from dataward.services.marketing.imports import import_list as imported

    text = _text(file, MOST_LIST_BYTES, "FILE")
    with fail_on_dataward_error(), container() as wired:
        done = imported(use_case(wired), ImportList(text, source, consent_evidence, purpose))
    typer.echo(
        f"import {done.id}: {done.added} added, {done.suppressed} skipped as suppressed, "
        f"{done.known} skipped as already known"
    )


@app.command("corporate")
def corporate(
    subject_id: SubjectArg,
    evidence: Annotated[str, typer.Option(help="What shows the address is the company's.")],
) -> None:
    """Record that a customer contact's address is their company's (a corporate subscriber)."""
    from dataward.services.marketing.bases import RecordCorporate, record_corporate

    with fail_on_dataward_error(), container() as wired:
        record_corporate(use_case(wired), RecordCorporate(subject_id, evidence))
    typer.echo(f"subject {subject_id}: corporate subscriber recorded")


def soft_opt_in(
    subject_id: SubjectArg,
    obtained_in: Annotated[
        ObtainedIn, typer.Option(parser=choice(ObtainedIn), help="sale or negotiation.")
    ],
    on: Annotated[date, typer.Option(parser=day, metavar="DATE", help="When, YYYY-MM-DD.")],
    evidence: Annotated[
        str, typer.Option(help="The order or quotation, where the refusal was offered.")
    ],
    sender: Annotated[str, typer.Option(help="Whose customer they are.")] = "akixi",
) -> None:
    """Record the soft opt-in (PECR reg 22(3)): details obtained in a sale or negotiation, with
    the chance to refuse given then."""
    from dataward.services.marketing.bases import RecordSoftOptIn, record_soft_opt_in

    command = RecordSoftOptIn(subject_id, obtained_in, on, evidence, sender)
    with fail_on_dataward_error(), container() as wired:
        record_soft_opt_in(use_case(wired), command)
    typer.echo(f"subject {subject_id}: soft opt-in recorded ({obtained_in.value} on {on})")
