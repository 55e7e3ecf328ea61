"""`dataward breaches ...`: the breach register (UK GDPR Art. 33, 34), for the DCO.

Times are taken with their offset or as UK time (`2026-10-24T01:30`); a UK time the clocks
skip or show twice is refused. The free texts describe the incident for the ICO: do not put
anyone's name, number or address in them.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from dataward.domain.breaches.assessment import Likelihood, Nature, Severity
from dataward.domain.breaches.model import Facts, Phase
from dataward.entrypoints.cli.common import (
    container,
    fail_on_dataward_error,
    reading,
    use_case,
    write_output,
)
from dataward.entrypoints.cli.params import choice, one_of
from dataward.entrypoints.views.breaches import describe, draft_json, render_export, view_json

app = typer.Typer(help="The breach register: record, assess, report, notify.", no_args_is_help=True)

TEXT = "Do not name anyone in it."


@app.command()
def record(
    aware_at: Annotated[str, typer.Option(help="When we became aware (UK time or with offset).")],
    nature: Annotated[
        list[Nature],
        typer.Option(parser=choice(Nature), help="confidentiality, integrity or availability."),
    ],
    description: Annotated[str, typer.Option(help=f"What happened. {TEXT}")],
    tenant: Annotated[
        list[str] | None, typer.Option(help="A tenant whose data it reached (repeatable).")
    ] = None,
    consequences: Annotated[str | None, typer.Option(help="Likely consequences.")] = None,
    measures: Annotated[str | None, typer.Option(help="Measures taken or proposed.")] = None,
    own_data: Annotated[
        bool | None,
        typer.Option(
            "--own-data/--tenants-only",
            help="Whether it reached data we control (default: when no --tenant is named).",
        ),
    ] = None,
) -> None:
    """Record a breach, reported or not; prints its id and its 72-hour deadline."""
    from dataward.domain.breaches.deadline import parse_time, uk_time
    from dataward.services.breaches.record import NewBreach, record_breach

    with fail_on_dataward_error(), container() as wired:
        at = parse_time("--aware-at", aware_at, now=wired.clock.now())
        facts = Facts(description, consequences, measures)
        command = NewBreach(at, frozenset(nature), facts, tuple(tenant or ()), own_data)
        breach = record_breach(use_case(wired), command)
    typer.echo(str(breach.id))
    typer.echo(f"ICO deadline: {breach.ico_due.isoformat()} ({uk_time(breach.ico_due)})", err=True)


@app.command()
def show(
    breach_id: Annotated[str, typer.Argument(help="The breach's id.")],
    format_: Annotated[str, typer.Option("--format", parser=one_of("text", "json"))] = "text",
) -> None:
    """A breach: its facts, deadline (UTC and UK), time left or how late, each phase of
    reporting, the notices, and the decision trail."""
    from dataward.services.breaches.register import show_breach

    with fail_on_dataward_error(), container() as wired:
        view = show_breach(reading(wired), breach_id)
    if format_ == "json":
        typer.echo(json.dumps(view_json(view), indent=2))
    else:
        typer.echo(describe(view))


@app.command("list")
def list_breaches(
    closed: Annotated[bool, typer.Option("--all", help="Include closed breaches.")] = False,
) -> None:
    """The register, the most recently found first, with what is overdue."""
    from dataward.domain.breaches.deadline import uk_time
    from dataward.services.breaches.register import list_breaches as listed

    with fail_on_dataward_error(), container() as wired:
        views = listed(reading(wired), include_closed=closed)
    for view in views:
        b = view.breach
        outcome = b.outcome.value if b.outcome else "unassessed"
        state = "closed" if b.closed_at else view.clock.describe()
        flags = "; ".join(view.flags)
        typer.echo(
            f"{b.id}\taware {uk_time(b.aware_at)}\t{outcome}\t{state}"
            + (f"\tFLAG: {flags}" if flags else "")
        )


@app.command()
def assess(
    breach_id: Annotated[str, typer.Argument(help="The breach's id.")],
    likelihood: Annotated[
        str,
        typer.Option(parser=one_of("remote", "possible", "likely"), help="Of harm to people."),
    ],
    severity: Annotated[
        str,
        typer.Option(parser=one_of("minimal", "significant", "severe"), help="Of that harm."),
    ],
    reasoning: Annotated[str, typer.Option(help=f"Why (kept, Art. 33(5)). {TEXT}")],
    category: Annotated[
        list[str] | None,
        typer.Option(help="A register data category (default: those counted).", max=50),
    ] = None,
    people: Annotated[
        int | None,
        typer.Option(min=0, max=10**9, help="About how many people (default: those counted)."),
    ] = None,
    unintelligible: Annotated[
        bool,
        typer.Option(help="Encrypted under keys that were not compromised."),
    ] = False,
    records: Annotated[
        int | None,
        typer.Option(min=0, max=10**12, help="About how many records no store counts."),
    ] = None,
) -> None:
    """Judge the risk to people; prints the outcome and the reasons."""
    from dataward.services.breaches.assess import Judgement, assess_breach

    judgement = Judgement(
        Likelihood[likelihood.upper()],
        Severity[severity.upper()],
        reasoning,
        unintelligible,
        people,
        frozenset(category or ()),
        records,
    )
    with fail_on_dataward_error(), container() as wired:
        breach = assess_breach(use_case(wired), breach_id, judgement)
    assert breach.assessment is not None  # noqa: S101 - just made
    decision = breach.assessment.decision
    typer.echo(f"{decision.outcome.value}\trisk {decision.risk} of 9")
    for reason in decision.reasons:
        typer.echo(f"  {reason}")


@app.command()
def affected(
    breach_id: Annotated[str, typer.Argument(help="The breach's id.")],
    start: Annotated[str, typer.Option("--from", help="From this time (UK time or offset).")],
    end: Annotated[str, typer.Option("--to", help="Up to this time (not included).")],
    tenant: Annotated[
        str | None, typer.Option(help="The tenant (its callers' data); without: our own data.")
    ] = None,
    category: Annotated[
        list[str] | None, typer.Option(help="Only this register data category (repeatable).")
    ] = None,
    held: Annotated[
        bool,
        typer.Option(
            "--held",
            help="Everything held during the window (a store exposed), not only what is "
            "dated in it.",
        ),
    ] = False,
) -> None:
    """Count who and how many the breach reached in a tenant's data (or, without --tenant,
    our own) in a window,
    from the data; prints numbers only, and keeps them on the breach."""
    from dataward.domain.breaches.affected import AffectedScope, parse_window
    from dataward.services.breaches.assess import count_affected

    with fail_on_dataward_error(), container() as wired:
        begins, ends = parse_window(start, end, now=wired.clock.now())
        scope = AffectedScope(tenant, begins, ends, frozenset(category or ()), held)
        counted = count_affected(use_case(wired), breach_id, scope)
    c = counted.count
    typer.echo(f"people\t{c.people}")
    typer.echo(f"records\t{c.records}")
    for store, records in sorted(c.by_store.items()):
        typer.echo(f"  {store}\t{records} records\t{c.people_by_store.get(store, 0)} people")
    if c.unidentified:
        typer.echo(f"records with no identifiable person\t{c.unidentified}")


@app.command()
def update(
    breach_id: Annotated[str, typer.Argument(help="The breach's id.")],
    description: Annotated[str | None, typer.Option(help=f"What happened. {TEXT}")] = None,
    consequences: Annotated[str | None, typer.Option(help="Likely consequences.")] = None,
    measures: Annotated[str | None, typer.Option(help="Measures taken or proposed.")] = None,
    delay_reason: Annotated[str | None, typer.Option(help="Why a report is late.")] = None,
    tenant: Annotated[
        list[str] | None, typer.Option(help="Another tenant it reached (repeatable).")
    ] = None,
    told_tenant: Annotated[
        list[str] | None,
        typer.Option(help="A tenant told by other means (a call, its portal), now."),
    ] = None,
    own_data: Annotated[
        bool | None,
        typer.Option("--own-data/--tenants-only", help="Whether it reached data we control."),
    ] = None,
) -> None:
    """Complete or correct the facts as they come to light (Art. 33(4)); each earlier
    version is kept."""
    from dataward.services.breaches.record import FactsChange, update_breach

    change = FactsChange(
        description,
        consequences,
        measures,
        delay_reason,
        tuple(tenant or ()),
        tuple(told_tenant or ()),
        own_data,
    )
    with fail_on_dataward_error(), container() as wired:
        update_breach(use_case(wired), breach_id, change)
    typer.echo("updated")


@app.command()
def report(
    breach_id: Annotated[str, typer.Argument(help="The breach's id.")],
    phase: Annotated[Phase, typer.Option(parser=choice(Phase), help="initial, further, final.")],
    at: Annotated[str, typer.Option(help="When the ICO was told (UK time or offset).")],
    reference: Annotated[str | None, typer.Option(help="The ICO's case reference.")] = None,
    delay_reason: Annotated[
        str | None, typer.Option(help="Why it is after the 72 hours (Art. 33(1)).")
    ] = None,
) -> None:
    """Record one phase of the report to the ICO."""
    from dataward.domain.breaches.deadline import parse_time
    from dataward.services.breaches.reporting import IcoReport, report_to_ico

    with fail_on_dataward_error(), container() as wired:
        when = parse_time("--at", at, now=wired.clock.now())
        breach = report_to_ico(
            use_case(wired), breach_id, IcoReport(phase, when, reference, delay_reason)
        )
    made = breach.reports[-1]
    typer.echo(f"{made.phase.value}\t{'late' if made.late else 'within 72 hours'}")


@app.command()
def draft(
    breach_id: Annotated[str, typer.Argument(help="The breach's id.")],
    format_: Annotated[str, typer.Option("--format", parser=one_of("text", "json"))] = "text",
) -> None:
    """The notification to the ICO, from the record, for its next phase (Art. 33(3))."""
    from dataward.services.breaches.register import draft_for_ico

    with fail_on_dataward_error(), container() as wired:
        made = draft_for_ico(reading(wired), breach_id)
    if format_ == "json":
        typer.echo(json.dumps(draft_json(made), indent=2))
    else:
        typer.echo(made.text(), nl=False)


class Audience(StrEnum):
    PEOPLE = "people"
    CONTROLLERS = "controllers"


@app.command()
def notify(
    breach_id: Annotated[str, typer.Argument(help="The breach's id.")],
    to: Annotated[
        Audience,
        typer.Option(
            parser=choice(Audience),
            help="people (at high risk, in our own data) or controllers (each tenant's).",
        ),
    ],
) -> None:
    """Queue the notices (sent by `dataward outbox send`)."""
    from dataward.services.breaches.notices import notify_controllers, notify_people

    with fail_on_dataward_error(), container() as wired:
        if to is Audience.PEOPLE:
            typer.echo(f"queued {notify_people(use_case(wired), breach_id)} notice(s)")
            return
        done = notify_controllers(use_case(wired), breach_id)
    typer.echo(f"queued for {len(done.queued)} tenant(s)")
    for tenant_id in done.no_contact:
        typer.echo(f"tenant {tenant_id} has no controller contact: tell it another way", err=True)


@app.command()
def close(breach_id: Annotated[str, typer.Argument(help="The breach's id.")]) -> None:
    """Close a breach once it was assessed, reported if it had to be, and tenants told."""
    from dataward.services.breaches.record import close_breach

    with fail_on_dataward_error(), container() as wired:
        close_breach(use_case(wired), breach_id)
    typer.echo("closed")


@app.command()
def export(
    format_: Annotated[str, typer.Option("--format", parser=one_of("csv", "json"))] = "csv",
    output: Annotated[Path | None, typer.Option(help="File to write (default: stdout).")] = None,
) -> None:
    """The whole register, for the regulator (Art. 33(5)), as CSV or JSON."""
    from dataward.services.breaches.register import export_row, list_breaches

    with fail_on_dataward_error(), container() as wired:
        rows = [export_row(v) for v in list_breaches(reading(wired), include_closed=True)]
    write_output(render_export(rows, format_), output)
