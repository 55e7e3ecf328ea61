"""`dataward holds ...`: litigation holds, which keep a subject from erasure until lifted."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import typer

from dataward.domain.processing.litigation_holds import MAX_REASON, HoldGround
from dataward.entrypoints.cli.common import container, fail_on_dataward_error, use_case
from dataward.entrypoints.cli.params import choice, day, uuid

if TYPE_CHECKING:
    from dataward.services.processing.holds import HoldView

app = typer.Typer(
    help="Litigation holds: keep a subject from erasure while a claim or an enquiry needs it.",
    no_args_is_help=True,
)

HoldArg = Annotated[UUID, typer.Argument(parser=uuid, metavar="HOLD", help="The hold's id.")]


def _review_date(option: str) -> object:
    return typer.Option(option, parser=day, metavar="DATE", help="When to review it, after today.")


def _line(view: HoldView) -> str:
    hold = view.hold
    state = "active" if hold.active else f"lifted {hold.lifted_at:%Y-%m-%d}"
    flag = f"\t{view.flag.value.upper().replace('_', ' ')}" if view.flag else ""
    ours = "\tours (as the law requires)" if hold.ours else ""
    return (
        f"{hold.id}\t{hold.subject_id}\t{hold.tenant_id or '-'}\t{hold.ground.value}\t"
        f"review {hold.review_on}\t{state}{flag}{ours}"
    )


@app.command()
def place(
    subject: Annotated[
        UUID, typer.Option(parser=uuid, metavar="ID", help="The subject to keep from erasure.")
    ],
    ground: Annotated[
        HoldGround, typer.Option(parser=choice(HoldGround), help="Why the data must be kept.")
    ],
    review: Annotated[date, _review_date("--review")],
    reason: Annotated[
        str,
        typer.Option(
            help=f"The claim or enquiry, up to {MAX_REASON} characters; sealed, never logged."
        ),
    ],
) -> None:
    """Place a litigation hold: no erasure of the subject (request, shred, tenant's instruction,
    retention sweep) until it is lifted. Prints the hold's id. Needs manage_holds."""
    from dataward.services.processing.holds import PlaceHold, place_hold

    with fail_on_dataward_error(), container() as wired:
        hold = place_hold(use_case(wired), PlaceHold(subject, ground, review, reason))
    typer.echo(str(hold.id))


@app.command()
def review(hold_id: HoldArg, next_review: Annotated[date, _review_date("--next")]) -> None:
    """Record that a hold was reviewed and stands: its next review date."""
    from dataward.services.processing.holds import review_hold

    with fail_on_dataward_error(), container() as wired:
        hold = review_hold(use_case(wired), hold_id, next_review)
    typer.echo(f"hold {hold.id}: next review {hold.review_on}")


@app.command()
def lift(hold_id: HoldArg) -> None:
    """Lift a hold: the subject may be erased again (a due erasure goes at the next sweep)."""
    from dataward.services.processing.holds import lift_hold

    with fail_on_dataward_error(), container() as wired:
        hold = lift_hold(use_case(wired), hold_id)
    typer.echo(f"hold {hold.id} lifted")


@app.command("list")
def list_(
    lifted: Annotated[bool, typer.Option("--lifted", help="Lifted holds too.")] = False,
) -> None:
    """The holds, soonest review first: id, subject, tenant, ground, review date, state, and
    REVIEW TODAY or REVIEW OVERDUE once the review date has come. Never the reasons."""
    from dataward.services.processing.holds import list_holds

    with fail_on_dataward_error(), container() as wired:
        views = list_holds(use_case(wired), include_lifted=lifted)
    for view in views:
        typer.echo(_line(view))
    overdue = sum(1 for v in views if v.flag is not None)
    typer.echo(f"{len(views)} hold(s), {overdue} due for review", err=True)


@app.command()
def show(hold_id: HoldArg) -> None:
    """A hold with its reason, opened (the read is audited)."""
    from dataward.services.processing.holds import read_hold

    with fail_on_dataward_error(), container() as wired:
        view, reason = read_hold(use_case(wired), hold_id)
    typer.echo(_line(view))
    typer.echo(f"placed {view.hold.placed_at:%Y-%m-%d %H:%M} UTC by {view.hold.placed_by}")
    if view.hold.tenant_id is not None:  # whose to lift: ours, or the customer's (controller)
        typer.echo("held by us, as the law requires" if view.hold.ours else "held by the customer")
    typer.echo(f"reason: {reason if reason is not None else '(erased)'}")
