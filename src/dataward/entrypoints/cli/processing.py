"""`dataward consents|restrictions|objections ...`: what the gate needs to know, for staff."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import typer

from dataward.domain.bounds import AFTER_LAST_DAY, FIRST_INSTANT, INSTANTS
from dataward.domain.processing.consent import ConsentMethod
from dataward.domain.processing.restrictions import (
    ObjectionKind,
    ObjectionOutcome,
    RestrictionGround,
)
from dataward.entrypoints.cli.common import container, fail_on_dataward_error, reading, use_case
from dataward.entrypoints.cli.params import choice, uuid

consents = typer.Typer(help="The consent ledger (append-only).", no_args_is_help=True)
restrictions = typer.Typer(help="Restrictions of processing (Art. 18).", no_args_is_help=True)
objections = typer.Typer(help="Objections to processing (Art. 21).", no_args_is_help=True)

SubjectArg = Annotated[UUID, typer.Argument(parser=uuid, metavar="ID", help="The subject's id.")]


@consents.command("give")
def give(
    subject_id: SubjectArg,
    purpose: Annotated[str, typer.Option(help="A consent-based purpose, e.g. direct_marketing.")],
    method: Annotated[
        ConsentMethod, typer.Option(parser=choice(ConsentMethod), help="How it was given.")
    ],
    notice_version: Annotated[str, typer.Option(help="Notice version the person was shown.")],
    channel: Annotated[str | None, typer.Option(help="email, sms, post or third_party.")] = None,
    evidence: Annotated[str | None, typer.Option(help="Reference to the evidence kept.")] = None,
) -> None:
    """Record consent given."""
    from dataward.services.processing.consent import GiveConsent, record_consent

    with fail_on_dataward_error(), container() as wired:
        event = record_consent(
            use_case(wired),
            GiveConsent(subject_id, purpose, channel, method, notice_version, evidence),
        )
    typer.echo(f"consent given: {event.purpose} {event.channel or '(all channels)'} {event.at}")


@consents.command("withdraw")
def withdraw(
    subject_id: SubjectArg,
    purpose: Annotated[str, typer.Option(help="The purpose consent is withdrawn from.")],
    method: Annotated[
        ConsentMethod, typer.Option(parser=choice(ConsentMethod), help="How it came in.")
    ],
    notice_version: Annotated[str, typer.Option(help="Notice version in force.")],
    channel: Annotated[str | None, typer.Option(help="One channel; every channel if none.")] = None,
) -> None:
    """Record consent withdrawn, effective at once (every channel unless one is named)."""
    from dataward.services.processing.consent import WithdrawConsent, withdraw_consent

    with fail_on_dataward_error(), container() as wired:
        events = withdraw_consent(
            use_case(wired), WithdrawConsent(subject_id, purpose, method, notice_version, channel)
        )
    for event in events:
        typer.echo(f"consent withdrawn: {event.purpose} {event.channel or '-'} {event.at}")


@consents.command("show")
def show_consents(subject_id: SubjectArg) -> None:
    """Where each of the subject's consents stands now."""
    from dataward.services.processing.consent import consent_state_for

    with fail_on_dataward_error(), container() as wired:
        state = consent_state_for(reading(wired), subject_id)
    for (purpose, channel), value in sorted(state.items(), key=lambda kv: str(kv[0])):
        typer.echo(f"{purpose}\t{channel or '-'}\t{value.value}")


@restrictions.command("apply")
def apply(
    subject_id: SubjectArg,
    ground: Annotated[
        RestrictionGround,
        typer.Option(parser=choice(RestrictionGround), help="The Art. 18(1) ground."),
    ],
    category: Annotated[
        list[str] | None, typer.Option(help="Restrict only this category (repeatable).")
    ] = None,
    request: Annotated[str | None, typer.Option(help="The rights request it answers.")] = None,
) -> None:
    """Restrict processing: from now only storage and legal claims."""
    from dataward.services.processing.restrictions import ApplyRestriction, apply_restriction

    with fail_on_dataward_error(), container() as wired:
        applied = apply_restriction(
            use_case(wired), ApplyRestriction(subject_id, ground, category or None, None, request)
        )
    typer.echo(f"restriction {applied.id} applied ({applied.ground.value})")


@restrictions.command("lift")
def lift(
    restriction_id: Annotated[
        UUID, typer.Argument(parser=uuid, metavar="ID", help="The restriction's id.")
    ],
    told: Annotated[
        str | None,
        typer.Option(
            help="When the subject was told it would be lifted: ISO 8601 with its zone, "
            "e.g. 2026-11-25T10:00:00+00:00."
        ),
    ] = None,
) -> None:
    """Lift a restriction; refused unless the subject was told first (Art. 18(3))."""
    from dataward.services.processing.restrictions import LiftRestriction, lift_restriction

    told_at = _aware(told, "--told") if told is not None else None
    with fail_on_dataward_error(), container() as wired:
        lifted = lift_restriction(use_case(wired), LiftRestriction(restriction_id, told_at))
    typer.echo(f"restriction {lifted.id} lifted at {lifted.lifted_at}")


def _aware(text: str, option: str) -> datetime:
    """An ISO 8601 time with its zone; a time without one could be anywhere, so is refused."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter("not an ISO 8601 time", param_hint=option) from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise typer.BadParameter("give the time zone, e.g. +00:00 or Z", param_hint=option)
    if not FIRST_INSTANT <= parsed < AFTER_LAST_DAY:
        raise typer.BadParameter(INSTANTS, param_hint=option)
    return parsed


@objections.command("record")
def record(
    subject_id: SubjectArg,
    kind: Annotated[
        ObjectionKind, typer.Option(parser=choice(ObjectionKind), help="What is objected to.")
    ],
    purpose: Annotated[str | None, typer.Option(help="The purpose objected to.")] = None,
    request: Annotated[str | None, typer.Option(help="The rights request it answers.")] = None,
) -> None:
    """Record an objection; one to direct marketing is upheld at once."""
    from dataward.services.processing.objections import RecordObjection, record_objection

    with fail_on_dataward_error(), container() as wired:
        recorded = record_objection(
            use_case(wired), RecordObjection(subject_id, kind, purpose, request)
        )
    typer.echo(f"objection {recorded.id}: {recorded.purpose} {recorded.outcome.value}")


@objections.command("decide")
def decide(
    objection_id: Annotated[
        UUID, typer.Argument(parser=uuid, metavar="ID", help="The objection's id.")
    ],
    outcome: Annotated[
        ObjectionOutcome, typer.Option(parser=choice(ObjectionOutcome), help="The decision.")
    ],
    reasoning: Annotated[
        str | None, typer.Option(help="The assessment; required for compelling grounds.")
    ] = None,
) -> None:
    """Decide an objection to legitimate interests, with the DCO's reasoning."""
    from dataward.services.processing.objections import DecideObjection, decide_objection

    with fail_on_dataward_error(), container() as wired:
        decided = decide_objection(
            use_case(wired), DecideObjection(objection_id, outcome, reasoning)
        )
    typer.echo(f"objection {decided.id}: {decided.outcome.value}")
