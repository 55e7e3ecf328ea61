"""The breach register on each backend: the 72-hour clock across a clock change, the ICO
draft with every Art. 33(3) element, the processor's notice reaching each tenant's controller
contact through a real SMTP server, late reports needing their reasons, and the roles kept out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from faker import Faker

from dataward.adapters.mail.smtp import SmtpMailer, SmtpServer
from dataward.domain.breaches.affected import AffectedScope
from dataward.domain.breaches.assessment import Likelihood, Nature, Outcome, Severity
from dataward.domain.breaches.deadline import UK, parse_time, uk_time
from dataward.domain.breaches.model import Breach, BreachRefused, Facts, Phase
from dataward.domain.errors import ActionNotAllowed, InvalidValue
from dataward.domain.outreach import MessageKind
from dataward.domain.subjects import Actor
from dataward.entrypoints.views.breaches import render_export
from dataward.services.breaches.assess import Judgement, assess_breach, count_affected
from dataward.services.breaches.notices import (
    BreachNoticeMaker,
    notify_controllers,
    notify_people,
    record_told,
)
from dataward.services.breaches.record import (
    FactsChange,
    NewBreach,
    close_breach,
    record_breach,
    update_breach,
)
from dataward.services.breaches.register import (
    draft_for_ico,
    export_row,
    list_breaches,
    overdue_breaches,
    show_breach,
)
from dataward.services.breaches.reporting import IcoReport, report_to_ico
from dataward.services.organisation.tenants import ControllerContact, NewTenant, create_tenant
from dataward.services.outreach.outbox import deliver_messages
from dataward.services.processing.erasure import Shred, shred
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.integration.world import World
from tests.support.smtp_inbox import Inbox, body, smtp_server

DCO = Actor(id="staff-dco", role="dco")


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    yield from smtp_server()


def saturday_before_the_clocks_go_back(year: int) -> date:
    """The day before the last Sunday of October (the last Saturday of summer time)."""
    day = date(year, 10, 31)
    return day - timedelta(days=(day.weekday() - 6) % 7) - timedelta(days=1)


def _autumn_awareness(world: World) -> datetime:
    """01:30 UK time on the Saturday before the clocks go back (the next morning), in the
    clock's year, or the year before if that is still ahead."""
    year = world.clock.now().year
    saturday = saturday_before_the_clocks_go_back(year)
    if datetime(year, 11, 1, tzinfo=UTC) > world.clock.now():
        saturday = saturday_before_the_clocks_go_back(year - 1)
    return datetime(saturday.year, saturday.month, saturday.day, 1, 30, tzinfo=UK)


def _record(world: World, aware: datetime, *tenants: str, **facts: str) -> Breach:
    text = Facts(facts.pop("description", "A misdirected export of a call report."), **facts)
    command = NewBreach(aware, frozenset({Nature.CONFIDENTIALITY}), text, tenants)
    return record_breach(world.use_case(DCO), command)


def test_the_deadline_is_exactly_72_hours_across_the_clock_change_and_flags_after(
    world: World,
) -> None:
    aware = _autumn_awareness(world)
    assert aware.utcoffset() == timedelta(hours=1)  # still summer time at 01:30 on Saturday
    world.clock.current = aware.astimezone(UTC) + timedelta(hours=1)
    breach = _record(world, aware)
    deadline = breach.ico_due
    assert deadline - aware == timedelta(hours=72)
    assert deadline == aware.astimezone(UTC) + timedelta(hours=72)
    # the clocks went back on Sunday: 72 hours on is 00:30 on Tuesday, UK time (GMT)
    local = deadline.astimezone(UK)
    assert (local.weekday(), local.hour, local.minute) == (1, 0, 30)
    assert uk_time(deadline).endswith("00:30 GMT")
    # parsed from text as UK time, the same moment
    text = aware.strftime("%Y-%m-%dT%H:%M")
    assert parse_time("aware_at", text, now=world.clock.now()) == aware.astimezone(UTC)

    world.clock.current = deadline - timedelta(minutes=1)
    view = show_breach(world.use_case(DCO), breach.id)
    assert view.flags == ()
    assert not view.clock.late
    assert view.clock.describe() == "0 h 01 min left"
    assert overdue_breaches(world.use_case(DCO)) == []

    world.clock.current = deadline + timedelta(minutes=1)
    view = show_breach(world.use_case(DCO), breach.id)
    assert view.clock.late
    assert view.clock.describe() == "0 h 01 min late"
    assert view.flags == ("72 hours passed 0 h 01 min late: not assessed",)
    assert [v.breach.id for v in overdue_breaches(world.use_case(DCO))] == [breach.id]


def test_a_uk_time_the_clocks_show_twice_or_skip_is_refused(world: World) -> None:
    aware = _autumn_awareness(world)
    sunday = (aware + timedelta(days=1)).strftime("%Y-%m-%dT01:30")
    with pytest.raises(InvalidValue, match="twice"):
        parse_time("aware_at", sunday, now=world.clock.now())
    spring = date(aware.year, 3, 31)
    spring -= timedelta(days=(spring.weekday() - 6) % 7)
    with pytest.raises(InvalidValue, match="skip"):
        parse_time("aware_at", f"{spring.isoformat()}T01:30", now=world.clock.now())
    later = (world.clock.now() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%MZ")
    with pytest.raises(InvalidValue):
        parse_time("aware_at", later, now=world.clock.now())


def test_the_ico_draft_has_every_article_33_3_element_once_known(world: World) -> None:
    aware = world.clock.now() - timedelta(hours=5)
    breach = _record(world, aware)
    ctx = world.use_case(DCO)
    first = draft_for_ico(ctx, breach.id)
    assert first.phase is Phase.INITIAL
    assert set(first.to_follow) == {"categories", "people", "records", "consequences", "measures"}

    update_breach(
        ctx,
        breach.id,
        FactsChange(consequences="Callers may receive nuisance calls.", measures="Link revoked."),
    )
    judgement = Judgement(
        Likelihood.POSSIBLE,
        Severity.SIGNIFICANT,
        "Report shows call times and queues, no numbers.",
        people=120,
        categories=frozenset({"telephony_activity"}),
    )
    assessed = assess_breach(ctx, breach.id, judgement)
    assert assessed.outcome is Outcome.REPORT_ICO
    draft = draft_for_ico(ctx, breach.id)
    sections = {s.key: "\n".join(s.lines) for s in draft.sections}
    assert draft.to_follow == ("records",)  # only counting from the data gives records
    assert "confidentiality" in sections["nature"]
    assert world.register.category("telephony_activity").name in sections["nature"]
    assert "Categories of people:" in sections["nature"]
    assert "about 120" in sections["numbers"]
    assert str(world.register.contacts.data_compliance_officer.email) in sections["contact"]
    assert "nuisance calls" in sections["consequences"]
    assert "Link revoked" in sections["measures"]
    assert uk_time(assessed.ico_due) in sections["timing"]

    report_to_ico(ctx, breach.id, IcoReport(Phase.INITIAL, world.clock.now(), "IC-12345-A1B2"))
    assert draft_for_ico(ctx, breach.id).phase is Phase.FURTHER
    assert show_breach(ctx, breach.id).flags == ()


def test_a_report_after_72_hours_needs_its_reasons_and_phases_run_in_order(world: World) -> None:
    aware = world.clock.now() - timedelta(hours=80)
    breach = _record(world, aware)
    ctx = world.use_case(DCO)
    with pytest.raises(BreachRefused, match="first"):
        report_to_ico(ctx, breach.id, IcoReport(Phase.FURTHER, world.clock.now()))
    with pytest.raises(BreachRefused, match="reasons for the delay"):
        report_to_ico(ctx, breach.id, IcoReport(Phase.INITIAL, world.clock.now()))
    made = report_to_ico(
        ctx,
        breach.id,
        IcoReport(Phase.INITIAL, world.clock.now(), None, "Found over a bank holiday weekend."),
    )
    assert made.reports[0].late
    assert made.facts.delay_reason
    assert show_breach(ctx, made.id).flags == ()
    report_to_ico(ctx, made.id, IcoReport(Phase.FINAL, world.clock.now()))
    with pytest.raises(BreachRefused, match="final"):
        report_to_ico(ctx, made.id, IcoReport(Phase.FURTHER, world.clock.now()))


def test_each_tenant_controller_is_told_through_smtp_and_marked_told(
    world: World, fake: Faker, inbox: tuple[Inbox, int]
) -> None:
    received, port = inbox
    ctx = world.use_case(DCO)
    emails = {}
    for tenant_id, hours in (("acme-calls", 24), ("bravo-calls", 12)):
        email = fake.unique.email()
        contact = ControllerContact(fake.name(), email)
        create_tenant(
            ctx, NewTenant(tenant_id, id=tenant_id, breach_notice_hours=hours, contact=contact)
        )
        emails[tenant_id] = email
    create_tenant(ctx, NewTenant("quiet-calls", id="quiet-calls"))
    aware = world.clock.now() - timedelta(hours=2)
    breach = _record(world, aware, "acme-calls", "bravo-calls", "quiet-calls")
    dues = {c.tenant_id: c.due_at for c in breach.controllers}
    assert dues["acme-calls"] - aware == timedelta(hours=24)
    assert dues["bravo-calls"] - aware == timedelta(hours=12)

    done = notify_controllers(ctx, breach.id)
    assert done.queued == ("acme-calls", "bravo-calls")
    assert done.no_contact == ("quiet-calls",)
    mailer = SmtpMailer(SmtpServer("127.0.0.1", port), "dco@akixi.com")
    maker = BreachNoticeMaker()
    sent = deliver_messages(
        ctx,
        {"email": mailer},
        {MessageKind.BREACH_CONTROLLER: maker},
        on_sent={MessageKind.BREACH_CONTROLLER: record_told},
    )
    assert sent.sent == 2
    for tenant_id, email in emails.items():
        (message,) = received.to(email)
        text = body(message)
        assert str(breach.id) in text
        assert "Art. 33(2)" in text
        assert tenant_id in text
    told = {c.tenant_id: c.sent_at for c in show_breach(ctx, breach.id).breach.controllers}
    assert told["acme-calls"] == told["bravo-calls"] == world.clock.now()
    assert told["quiet-calls"] is None
    world.clock.advance(timedelta(hours=23))
    assert show_breach(ctx, breach.id).flags == ("tenant quiet-calls not told, 1 h 00 min late",)
    assess_breach(
        ctx,
        breach.id,
        Judgement(Likelihood.REMOTE, Severity.MINIMAL, "Encrypted copy.", people=3),
    )
    with pytest.raises(BreachRefused, match="consequences"):
        close_breach(ctx, breach.id)
    facts = FactsChange(consequences="Call times seen.", measures="Export revoked.")
    update_breach(ctx, breach.id, facts)
    with pytest.raises(BreachRefused, match="tell every tenant"):
        close_breach(ctx, breach.id)
    update_breach(ctx, breach.id, FactsChange(told_another_way=("quiet-calls",)))
    closed = close_breach(ctx, breach.id)  # tenants' data only: theirs to report to the ICO
    assert not closed.own_data
    assert closed.closed_at == world.clock.now()
    quiet = next(c for c in closed.controllers if c.tenant_id == "quiet-calls")
    assert quiet.another_way


def test_not_reportable_keeps_its_reasoning_and_stops_the_clock(world: World) -> None:
    breach = _record(world, world.clock.now() - timedelta(hours=1))
    ctx = world.use_case(DCO)
    judgement = Judgement(
        Likelihood.LIKELY,
        Severity.SEVERE,
        "Laptop lost; disk encrypted, key held elsewhere.",
        unintelligible=True,
        people=40,
    )
    assessed = assess_breach(ctx, breach.id, judgement)
    decision = assessed.assessment.decision  # type: ignore[union-attr]
    assert decision.outcome is Outcome.REPORT_ICO
    assert decision.risk == 3
    mild = Judgement(
        Likelihood.LIKELY,
        Severity.MINIMAL,
        "Encrypted; no key lost.",
        unintelligible=True,
        people=40,
    )
    assessed = assess_breach(ctx, breach.id, mild)
    assert assessed.outcome is Outcome.NOT_REPORTABLE
    world.clock.advance(timedelta(hours=100))
    view = show_breach(ctx, assessed.id)
    assert view.flags == ()
    assert not view.clock.late  # stopped by the judgement, within the 72 hours
    assert len(view.breach.earlier_assessments) == 1
    update_breach(ctx, assessed.id, FactsChange(consequences="None.", measures="None."))
    closed = close_breach(ctx, assessed.id)
    assert closed.closed_at == world.clock.now()
    (row,) = [export_row(v) for v in list_breaches(ctx, include_closed=True)]
    assert row["outcome"] == "not_reportable"
    assert row["reasoning"] == "Encrypted; no key lost."


def test_the_export_is_the_whole_register_with_formula_cells_made_text(world: World) -> None:
    _record(world, world.clock.now() - timedelta(hours=3), description="=HYPERLINK(1) opened")
    ctx = world.use_case(DCO)
    rows = [export_row(v) for v in list_breaches(ctx, include_closed=True)]
    (parsed,) = csv.DictReader(io.StringIO(render_export(rows, "csv")))
    assert parsed["description"] == "'=HYPERLINK(1) opened"
    assert parsed["natures"] == "confidentiality"


@pytest.mark.parametrize(
    "actor",
    [
        Actor(id="op", role="operator"),
        Actor(id="sup", role="support"),
        Actor(id="mkt", role="marketing"),
        Actor(id="aud", role="auditor"),
        Actor(id="adm", role="tenant_admin", tenant_id="tenant-a"),
    ],
)
def test_no_role_but_the_dcos_reads_or_writes_the_register(world: World, actor: Actor) -> None:
    breach = _record(world, world.clock.now() - timedelta(hours=1))
    ctx = world.use_case(actor)
    with pytest.raises(ActionNotAllowed):
        show_breach(ctx, breach.id)
    with pytest.raises(ActionNotAllowed):
        list_breaches(ctx)
    with pytest.raises(ActionNotAllowed):
        record_breach(
            ctx, NewBreach(world.clock.now(), frozenset({Nature.INTEGRITY}), Facts("Altered."))
        )


def test_people_at_high_risk_in_our_own_data_are_told_through_smtp_an_erased_one_not(
    world: World, fake: Faker, inbox: tuple[Inbox, int]
) -> None:
    received, port = inbox
    ctx = world.use_case(DCO)
    start = world.clock.now()
    people = []
    for _ in range(4):
        email = fake.unique.email()
        made = create_subject(ctx, NewSubject("end_user", [("email", email)]))
        people.append((made.id, email))
        world.clock.advance(timedelta(minutes=5))
    create_subject(ctx, NewSubject("end_user", [("phone", "07700 900461")]))  # no address
    world.clock.advance(timedelta(minutes=5))
    end = world.clock.now()
    world.clock.advance(timedelta(minutes=5))
    outside = fake.unique.email()
    create_subject(ctx, NewSubject("end_user", [("email", outside)]))  # after the window
    world.clock.advance(timedelta(hours=1))
    breach = _record(
        world, end, consequences="Phishing e-mails are possible.", measures="Reset access."
    )
    counted = count_affected(ctx, breach.id, AffectedScope(None, start, end))
    assert counted.count.people == 5
    with pytest.raises(BreachRefused, match="high risk"):
        notify_people(ctx, breach.id)
    judgement = Judgement(Likelihood.LIKELY, Severity.SIGNIFICANT, "Addresses exposed.")
    assert assess_breach(ctx, breach.id, judgement).outcome is Outcome.TELL_PEOPLE
    shred(ctx, Shred(str(people[0][0]), "erasure_request"))  # erased since: not told

    assert notify_people(ctx, breach.id) == 4
    with pytest.raises(BreachRefused, match="told already"):
        notify_people(ctx, breach.id)
    mailer = SmtpMailer(SmtpServer("127.0.0.1", port), "dco@akixi.com")
    maker = BreachNoticeMaker()
    sent = deliver_messages(
        ctx,
        {"email": mailer},
        {MessageKind.BREACH_NOTICE: maker},
        on_sent={MessageKind.BREACH_NOTICE: record_told},
    )
    assert sent.sent == 3
    assert received.to(people[0][1]) == []
    assert received.to(outside) == []
    for _, email in people[1:]:
        (message,) = received.to(email)
        text = body(message)
        assert "Phishing e-mails are possible." in text
        assert "https://ico.org.uk/make-a-complaint/" in text
    view = show_breach(ctx, breach.id)
    assert (view.breach.people_queued, view.breach.people_sent) == (4, 3)
    withheld = "1 people's notices could not be sent: tell them another way"
    assert view.flags == (f"{withheld} (a public notice, Art. 34(3)(c))",)


def test_a_later_phase_is_never_late_and_tenant_only_breaches_run_no_ico_clock(
    world: World,
) -> None:
    ctx = world.use_case(DCO)
    create_tenant(ctx, NewTenant("late-calls", id="late-calls"))
    ours = _record(world, world.clock.now() - timedelta(hours=10))
    report_to_ico(ctx, ours.id, IcoReport(Phase.INITIAL, world.clock.now()))
    world.clock.advance(timedelta(days=5))
    further = report_to_ico(ctx, ours.id, IcoReport(Phase.FURTHER, world.clock.now()))
    assert [r.late for r in further.reports] == [False, False]

    theirs = _record(world, world.clock.now() - timedelta(hours=1), "late-calls")
    assert not theirs.own_data
    world.clock.advance(timedelta(hours=80))
    flags = show_breach(ctx, theirs.id).flags
    assert flags == ("tenant late-calls not told, 57 h 00 min late",)
    draft = draft_for_ico(ctx, theirs.id)
    assert "processor" in "\n".join(draft.sections[0].lines)


def test_a_store_exposed_for_a_window_counts_everything_it_held(world: World, fake: Faker) -> None:
    ctx = world.use_case(DCO)
    for _ in range(3):
        create_subject(ctx, NewSubject("end_user", [("email", fake.unique.email())]))
    world.clock.advance(timedelta(days=2))
    start, end = world.clock.now() - timedelta(hours=1), world.clock.now()
    breach = _record(world, end)
    dated = count_affected(ctx, breach.id, AffectedScope(None, start, end))
    held = count_affected(ctx, breach.id, AffectedScope(None, start, end, held=True))
    assert (dated.count.people, held.count.people) == (0, 3)
    lines = "\n".join(draft_for_ico(ctx, breach.id).sections[4].lines)
    assert f"held up to {end.isoformat()}: 3 people" in lines
