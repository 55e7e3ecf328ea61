"""`dataward outbox send`: the job that sends queued letters to requesters, and the messages to
our own subjects no request causes (notices of a changed register), run from cron or a timer."""

from __future__ import annotations

from typing import Annotated

import typer

from dataward.entrypoints.cli.common import container, fail_on_dataward_error, use_case

MAX_LETTERS = 100_000
"""More than any run needs; keeps the number one a query can take."""

app = typer.Typer(help="Letters and messages, queued with the changes that cause them.")


@app.command("send")
def send(
    limit: Annotated[
        int, typer.Option(min=1, max=MAX_LETTERS, help="At most this many letters.")
    ] = 100,
) -> None:
    """Send the letters and messages due now; failures are retried later, waiting longer
    each time. A message whose person objected, withdrew or was erased since it was queued is
    withheld; text messages and post wait until a carrier is configured."""
    from dataward.adapters.mail.letters import letter_renderer
    from dataward.services.outreach.outbox import deliver_messages
    from dataward.services.rights.outbox import deliver

    with fail_on_dataward_error(), container() as wired:
        render = letter_renderer(wired.settings.public_url)
        result = deliver(use_case(wired), wired.mailer(), render, limit=limit)
        messages = deliver_messages(
            use_case(wired),
            wired.transports(),
            wired.message_makers(),
            limit=limit,
            on_sent=wired.message_hooks(),
        )
    typer.echo(
        f"letters: sent {result.sent}, failed {result.failed} (to retry), "
        f"given up {result.abandoned}"
    )
    typer.echo(
        f"messages: sent {messages.sent}, withheld {messages.withheld}, failed {messages.failed} "
        f"(to retry), given up {messages.abandoned}, waiting for a carrier {messages.waiting}"
    )
