"""`dataward requests ...`: rights requests recorded by staff, moved on, and the DCO's queue."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated
from uuid import UUID

import typer

from dataward.bootstrap import Container
from dataward.domain.errors import ActionNotAllowed, DatawardError, InvalidValue
from dataward.domain.requests.fees import parse_pounds, pounds
from dataward.domain.requests.workflow import (
    DueFor,
    RequestEvent,
    RequestState,
    RequestType,
    RightsRequest,
    Urgency,
)
from dataward.entrypoints.cli.common import (
    container,
    fail_on_dataward_error,
    reading,
    use_case,
)
from dataward.entrypoints.cli.params import choice, day, one_of, uuid
from dataward.services.rights.intake import CHANNELS
from dataward.services.rights.requests import RequestView

app = typer.Typer(help="Rights requests: intake, transitions, the queue.", no_args_is_help=True)


@app.command("create")
def create(
    kind: Annotated[
        RequestType,
        typer.Option("--type", parser=choice(RequestType), help="The right asked for."),
    ],
    received: Annotated[
        date,
        typer.Option(parser=day, metavar="DATE", help="The day it was received (YYYY-MM-DD)."),
    ],
    channel: Annotated[
        str, typer.Option(parser=one_of(*CHANNELS), help="How it came in: " + ", ".join(CHANNELS))
    ] = "email",
    tenant: Annotated[
        str | None, typer.Option(help="The tenant, when it is about a tenant's call data.")
    ] = None,
    subject: Annotated[
        UUID | None, typer.Option(parser=uuid, metavar="ID", help="The subject's id, if known.")
    ] = None,
    email: Annotated[
        str | None, typer.Option(help="Where the requester's letters go (kept encrypted).")
    ] = None,
    name: Annotated[str | None, typer.Option(help="The requester's name, for the letters.")] = None,
    representative: Annotated[
        bool,
        typer.Option(
            "--representative",
            help="Made by someone acting for the subject: their authority must be proved.",
        ),
    ] = False,
    scope: Annotated[
        str | None,
        typer.Option(
            help="A restriction's ground (accuracy_contested, "
            "unlawful_processing_erasure_opposed, needed_for_legal_claims, objection_pending), "
            "or an objection's target (direct_marketing, legitimate_interests:<purpose>)."
        ),
    ] = None,
) -> None:
    """Record a request received by e-mail, post or phone; prints its id and due date."""
    from dataward.services.rights.intake import NewRequest, receive_request

    command = NewRequest(
        type=kind,
        received=received,
        channel=channel,
        tenant_id=tenant,
        subject_id=subject,
        contact_email=email,
        contact_name=name,
        representative=representative,
        scope=scope,
    )
    with fail_on_dataward_error(), container() as wired:
        view = receive_request(
            use_case(wired),
            command,
            repeat_window_days=wired.settings.repeat_window_days,
            forward_within=wired.settings.forward_working_days,
        )
    typer.echo(f"{view.request.id}\tdue {view.due.isoformat()} ({view.due:%A})")
    if view.flag:
        typer.echo(f"flagged for the DCO: {view.flag}", err=True)


def _pence(value: str | int) -> int:
    """A fee typed in pounds and pence, as whole pence."""
    if isinstance(value, int):
        return value
    try:
        return parse_pounds(value)
    except InvalidValue as error:
        raise typer.BadParameter(error.expected) from None


@app.command("advance")
def advance(
    request_id: Annotated[str, typer.Argument(help="The request's id.")],
    event: Annotated[
        RequestEvent,
        typer.Argument(parser=choice(RequestEvent), help="The event of the state machine."),
    ],
    ground: Annotated[
        str | None,
        typer.Option(
            help="For ask_fee: manifestly_unfounded, manifestly_excessive, or further_copy "
            "(an access request only, once an earlier access request of the same subject was "
            "completed). For refuse: manifestly_unfounded or "
            "manifestly_excessive. For authority_received, the proof: written_authority, "
            "power_of_attorney, parental_responsibility, court_deputyship, solicitor."
        ),
    ] = None,
    reason: Annotated[
        str | None,
        typer.Option(help="Why, for the timeline; needed for refuse, extend and ask_fee."),
    ] = None,
    on: Annotated[
        date | None,
        typer.Option(
            parser=day,
            metavar="DATE",
            help="For identity_verified, fee_paid, clarified, authority_received: the day it "
            "arrived (YYYY-MM-DD).",
        ),
    ] = None,
    amount: Annotated[
        int | None,
        typer.Option(
            parser=_pence,
            metavar="POUNDS",
            help="For ask_fee: the fee (like 12.50), instead of the register's for the ground.",
        ),
    ] = None,
    found: Annotated[
        str | None, typer.Option(help="Completing a complaint: what looking into it found.")
    ] = None,
    done: Annotated[
        str | None, typer.Option(help="Completing a complaint: what was done about it.")
    ] = None,
) -> None:
    """Move a request on by one event; prints its new state and due date. A complaint is
    completed with its outcome: `complete --found ... --done ...`."""
    from dataward.domain.requests.workflow import parse_ground
    from dataward.services.rights.requests import Step
    from dataward.services.rights.requests import advance as advance_request

    if (found is not None or done is not None) and event is not RequestEvent.COMPLETE:
        given = "--found" if found is not None else "--done"
        raise typer.BadParameter("only with complete, for a complaint", param_hint=given)
    with fail_on_dataward_error(), container() as wired:
        parsed = parse_ground(event, ground)
        if found is not None or done is not None:
            from dataward.services.rights.complaints import ComplaintOutcome, complete_complaint

            outcome = ComplaintOutcome(found=found or "", done=done or "")
            view = complete_complaint(use_case(wired), request_id, outcome)
            _moved(view)
            return
        if event is RequestEvent.FORWARD:  # with its letter to the tenant's controller
            from dataward.services.rights.processor import forward_to_controller

            view = forward_to_controller(use_case(wired), request_id)
            typer.echo(f"{view.request.state.value}\tdue {view.due.isoformat()}")
            return
        step = Step(
            event,
            ground=parsed,
            reason=reason,
            on=on,
            fee_pence=amount,
            identity_within=wired.settings.identity_within_working_days,
        )
        view = advance_request(use_case(wired), request_id, step)
    _moved(view)


def _moved(view: RequestView) -> None:
    r = view.request
    waiting = r.fee_pence is not None and r.state is RequestState.AWAITING_FEE
    fee = f"\tfee {pounds(r.fee_pence)}" if waiting and r.fee_pence else ""
    typer.echo(f"{r.state.value}\tdue {view.due.isoformat()}{_late(r)}{fee}")
    for line in (view.flag or "").splitlines():
        typer.echo(f"flagged for the DCO: {line}", err=True)


def _late(r: RightsRequest) -> str:
    return f"\tlate {r.days_late} day(s)" if r.days_late else ""


@app.command("queue")
def queue(
    closed: Annotated[bool, typer.Option("--all", help="Include closed requests.")] = False,
    only: Annotated[
        Urgency | None,
        typer.Option("--due", parser=choice(Urgency), help="Only those overdue, or due this week."),
    ] = None,
) -> None:
    """The requests to work, the soonest due first, overdue and due this week marked."""
    from dataward.domain.requests.workflow import UK, due_for, urgency
    from dataward.services.rights.requests import request_queue

    with fail_on_dataward_error(), container() as wired:
        views = request_queue(reading(wired), include_closed=closed)
        today = wired.clock.now().astimezone(UK).date()
        breaches = _overdue_breaches(wired)
    for view in views:
        r = view.request
        mark = urgency(r, view.due, today)
        if only is not None and mark is not only:
            continue
        label = {Urgency.OVERDUE: "OVERDUE", Urgency.THIS_WEEK: "this week", None: "-"}[mark]
        if r.days_late:
            label = f"LATE {r.days_late}d"
        target = f"\t({_DUE_WORDS[due_for(r)]})" if due_for(r) is not DueFor.ANSWER else ""
        flags = "; ".join((view.flag or "").splitlines())
        typer.echo(
            f"{view.due.isoformat()}\t{label}\t{r.type.value}\t{r.state.value}\t"
            f"{r.tenant_id or '-'}\t{r.id}" + target + (f"\tFLAG: {flags}" if flags else "")
        )
    for line in breaches:
        typer.echo(line)


def _overdue_breaches(wired: Container) -> list[str]:
    """The DCO's queue also shows each breach with something overdue (none for a role that
    does not keep the breach register)."""
    from dataward.services.breaches.register import overdue_breaches

    try:
        views = overdue_breaches(reading(wired))
    except ActionNotAllowed:
        return []
    except DatawardError as error:  # a damaged record: said, the requests still listed
        return [f"BREACH\t-\tFLAG: {error}"]
    return [f"BREACH\t{v.breach.id}\tFLAG: {'; '.join(v.flags)}" for v in views]


_DUE_WORDS = {
    DueFor.ANSWER: "answer",
    DueFor.FORWARDING: "to forward",
    DueFor.ACKNOWLEDGEMENT: "to acknowledge",
    DueFor.OUTCOME_TARGET: "outcome target",
}


@app.command("show")
def show(request_id: Annotated[str, typer.Argument(help="The request's id.")]) -> None:
    """A request and its timeline: every transition, when, by whom."""
    from dataward.domain.requests.workflow import due_for
    from dataward.services.rights.complaints import complaint_outcome
    from dataward.services.rights.requests import request_timeline

    with fail_on_dataward_error(), container() as wired:
        view, events, letters = request_timeline(reading(wired), request_id)
        answered = None
        if view.request.type is RequestType.COMPLAINT:
            answered = complaint_outcome(use_case(wired), request_id)
    r = view.request
    typer.echo(
        f"{r.id}  {r.type.value}  {r.state.value}  received {r.received}  due {view.due}"
        f" ({_DUE_WORDS[due_for(r)]})" + (f"  LATE by {r.days_late} day(s)" if r.days_late else "")
    )
    if r.fixed_due is not None:
        typer.echo(f"  due date fixed at {r.fixed_due}: it was already late")
    if r.fee_ground is not None and r.fee_pence is not None:
        typer.echo(f"  fee asked: {pounds(r.fee_pence)} ({r.fee_ground.value})")
    for line in (view.flag or "").splitlines():
        typer.echo(f"  flagged for the DCO: {line}")
    if view.outcome is not None:
        typer.echo(f"  outcome: {json.dumps(view.outcome, sort_keys=True)}")
    if answered is not None:
        typer.echo(f"  found: {answered.found}\n  done: {answered.done}")
    for e in events:
        why = f"  ({e.reason})" if e.reason else ""
        late = f"  LATE by {e.days_late} day(s)" if e.days_late else ""
        typer.echo(
            f"  {e.at.isoformat()}  {e.event.value}: {e.from_state.value} -> "
            f"{e.to_state.value}  by {e.actor}{why}{late}"
        )
    for letter in letters:
        sent = f"sent {letter.sent_at.isoformat()}" if letter.sent_at else "not sent yet"
        typer.echo(f"  letter {letter.letter}: queued {letter.queued_at.isoformat()}, {sent}")


@app.command("stats")
def stats(
    since: Annotated[
        date | None,
        typer.Option(
            parser=day,
            metavar="DATE",
            help="The first day of receipt counted (default: the first of the month, eleven "
            "months before --until's).",
        ),
    ] = None,
    until: Annotated[
        date | None,
        typer.Option(
            parser=day, metavar="DATE", help="The last day of receipt counted (default: today)."
        ),
    ] = None,
    output_format: Annotated[
        str,
        typer.Option("--format", parser=one_of("table", "json", "csv"), help="table, json or csv."),
    ] = "table",
) -> None:
    """Per right and month of receipt: received, completed (on time, late, days late),
    extended, refused, withdrawn, forwarded, open, and the median days to complete; then the
    totals. Needs manage_requests; a tenant administrator counts its own tenant's only."""
    from dataward.entrypoints.views.request_stats import RequestStatsOut, stats_csv, stats_table
    from dataward.services.rights.request_stats import read_request_stats

    with fail_on_dataward_error(), container() as wired:
        found = read_request_stats(reading(wired), since, until)
    if output_format == "json":
        typer.echo(RequestStatsOut.of(found).model_dump_json(indent=2))
    else:
        typer.echo(stats_csv(found) if output_format == "csv" else stats_table(found), nl=False)
