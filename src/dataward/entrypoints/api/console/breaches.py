"""`/console/breaches`: the breach register (UK GDPR Art. 33, 34) for the DCO.

The list and a breach's page (its 72-hour clock in UTC and UK time, flags, reports, notices
and decision trail), the ICO's draft as a page, and forms to record a breach, judge its risk,
record a report to the ICO and close it. Everything goes through `services.breaches`, which
takes only a role with `manage_breaches` that reaches every tenant (the DCO): anyone else gets
the 403 page. Times are read as the API and the command line read them (`parse_time`: UK
wall-clock time or with an offset); a bad one is named, never repeated.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from dataward.domain.breaches.assessment import Likelihood, Nature, Severity
from dataward.domain.breaches.deadline import TIMES, parse_time, uk_time
from dataward.domain.breaches.model import MAX_FACTS, MAX_REFERENCE, Facts, Phase
from dataward.domain.errors import InvalidValue
from dataward.entrypoints.api.console import params
from dataward.entrypoints.api.console.web import (
    ConsoleFormDep,
    ConsoleReadingDep,
    ConsoleRoute,
    ConsoleUseCaseDep,
    ConsoleUserDep,
    Form,
    console_page,
    see_other,
)
from dataward.services.breaches import assess as assessing
from dataward.services.breaches import record, register, reporting
from dataward.services.breaches.common import breach_id as known_id
from dataward.services.breaches.common import may_manage
from dataward.services.context import UseCase

router = APIRouter(tags=["console"], route_class=ConsoleRoute, include_in_schema=False)

BREACHES = "/console/breaches"
MOST_TENANTS = 1000
DONE = {
    "recorded": "The breach is recorded. Its clock runs from the time you became aware.",
    "assessed": "The assessment is recorded.",
    "reported": "The report to the ICO is recorded.",
    "closed": "The breach is closed.",
}
"""The status line after each form, chosen by a closed word (never a value sent back)."""


def _flash(request: Request) -> str | None:
    return DONE.get(request.query_params.get("done", ""))


E = TypeVar("E", Likelihood, Severity, Phase)


def _choice(kind: type[E], field: str, text: str) -> E:
    for member in kind:
        if member.name.lower() == text:
            return member
    raise InvalidValue(field, ", ".join(m.name.lower() for m in kind))


def _moment(ctx: UseCase, field: str, text: str) -> datetime:
    """A time as the API reads it (`parse_time`), from a form's field."""
    if not text.strip() or len(text) > 40:
        raise InvalidValue(field, TIMES)
    return parse_time(field, text, now=ctx.clock.now())


@router.get(BREACHES, response_class=HTMLResponse)
def breaches_page(
    request: Request, user: ConsoleUserDep, reading: ConsoleReadingDep
) -> HTMLResponse:
    everything = params.flag(request.query_params.get("all"))
    views = register.list_breaches(reading, include_closed=everything)
    return console_page(
        request,
        user,
        "breaches.html.j2",
        views=views,
        everything=everything,
        natures=[n.value for n in Nature],
        uk=uk_time,
        flash=_flash(request),
    )


def _new_breach(ctx: UseCase, form: Form) -> record.NewBreach:
    may_manage(ctx)  # the form's words are read for the DCO only
    aware = _moment(ctx, "aware_at", form.get("aware_at"))
    natures: set[Nature] = set()
    for value in form.all("natures")[:3]:
        try:
            natures.add(Nature(value))
        except ValueError:
            raise InvalidValue("natures", ", ".join(n.value for n in Nature)) from None
    if not natures:
        raise InvalidValue("natures", "at least one of " + ", ".join(n.value for n in Nature))
    description = params.text("description", form.get("description"), most=MAX_FACTS, lines=True)
    if description is None:
        raise InvalidValue("description", "what happened, in a few words")
    facts = Facts(
        description,
        params.text("consequences", form.get("consequences"), most=MAX_FACTS, lines=True),
        params.text("measures", form.get("measures"), most=MAX_FACTS, lines=True),
    )
    tenants = tuple(dict.fromkeys(form.get("tenants")[: 65 * MOST_TENANTS].split()))
    if len(tenants) > MOST_TENANTS or any(len(t) > 64 for t in tenants):
        raise InvalidValue("tenants", f"tenant ids (at most {MOST_TENANTS}), space-separated")
    return record.NewBreach(aware, frozenset(natures), facts, tenants)


@router.post(BREACHES, response_class=HTMLResponse)
def record_page(form: ConsoleFormDep, ctx: ConsoleUseCaseDep) -> RedirectResponse:
    made = record.record_breach(ctx, _new_breach(ctx, form))
    return see_other(f"{BREACHES}/{made.id}?done=recorded")


@router.get(BREACHES + "/{breach_id}", response_class=HTMLResponse)
def breach_page(
    request: Request, breach_id: str, user: ConsoleUserDep, reading: ConsoleReadingDep
) -> HTMLResponse:
    view = register.show_breach(reading, breach_id[:64])
    return console_page(
        request,
        user,
        "breach.html.j2",
        view=view,
        uk=uk_time,
        likelihoods=[m.name.lower() for m in Likelihood],
        severities=[m.name.lower() for m in Severity],
        phases=[p.value for p in Phase],
        categories=[c.key for c in reading.register.categories],
        flash=_flash(request),
    )


@router.get(BREACHES + "/{breach_id}/draft", response_class=HTMLResponse)
def draft_page(
    request: Request, breach_id: str, user: ConsoleUserDep, reading: ConsoleReadingDep
) -> HTMLResponse:
    draft = register.draft_for_ico(reading, breach_id[:64])
    found = str(known_id(breach_id))  # found: the id as the register writes it
    return console_page(request, user, "breach_draft.html.j2", draft=draft, breach_id=found)


@router.post(BREACHES + "/{breach_id}/assessment", response_class=HTMLResponse)
def assess_page(breach_id: str, form: ConsoleFormDep, ctx: ConsoleUseCaseDep) -> RedirectResponse:
    may_manage(ctx)
    reasoning = params.text("reasoning", form.get("reasoning"), most=MAX_FACTS, lines=True)
    known = {c.key for c in ctx.register.categories}
    categories = form.all("categories")[:50]
    if any(c not in known for c in categories):
        raise InvalidValue("categories", "the register's data categories")
    judgement = assessing.Judgement(
        _choice(Likelihood, "likelihood", form.get("likelihood")),
        _choice(Severity, "severity", form.get("severity")),
        reasoning or "",
        params.flag(form.get("unintelligible")),
        params.number("people", form.get("people"), most=10**9, least=0),
        frozenset(categories),
        params.number("records", form.get("records"), most=10**12, least=0),
    )
    done = assessing.assess_breach(ctx, breach_id[:64], judgement)
    return see_other(f"{BREACHES}/{done.id}?done=assessed")


@router.post(BREACHES + "/{breach_id}/reports", response_class=HTMLResponse)
def report_page(breach_id: str, form: ConsoleFormDep, ctx: ConsoleUseCaseDep) -> RedirectResponse:
    may_manage(ctx)
    at = _moment(ctx, "at", form.get("at"))
    made = reporting.IcoReport(
        _choice(Phase, "phase", form.get("phase")),
        at,
        params.text("reference", form.get("reference"), most=MAX_REFERENCE, lines=True),
        params.text("delay_reason", form.get("delay_reason"), most=MAX_FACTS, lines=True),
    )
    done = reporting.report_to_ico(ctx, breach_id[:64], made)
    return see_other(f"{BREACHES}/{done.id}?done=reported")


@router.post(BREACHES + "/{breach_id}/close", response_class=HTMLResponse)
def close_page(breach_id: str, form: ConsoleFormDep, ctx: ConsoleUseCaseDep) -> RedirectResponse:
    del form  # checked: the session's own token
    done = record.close_breach(ctx, breach_id[:64])
    return see_other(f"{BREACHES}/{done.id}?done=closed")
