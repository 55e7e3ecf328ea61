"""The complaints register as the entry points show it: JSON models (the API, and `--format
json`), CSV (every cell safe from a spreadsheet's formulas) and plain tables (the command
line). Complaint ids and dates only: no identifier of a complainant, and no outcome's text but
in one complaint's own view."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import date, datetime

from pydantic import BaseModel, Field

from dataward.domain.requests.complaints import (
    ComplaintRow,
    IcoCase,
    RegisterFigures,
    Timeliness,
)
from dataward.domain.requests.workflow import Transition
from dataward.domain.sharing.exports import safe_cell
from dataward.services.rights.complaint_register import ComplaintDetail, ComplaintRegister


class IcoOut(BaseModel):
    reference: str = Field(description="The ICO's case reference")
    notified: date = Field(description="The day the ICO told us of the case")
    outcome: str | None = Field(
        None,
        description="How the ICO closed it: no_further_action, informal_resolution, "
        "advice_given, upheld, not_upheld or withdrawn; null while it is open",
    )
    closed: date | None = Field(None, description="The day the ICO closed it")

    @classmethod
    def of(cls, case: IcoCase) -> IcoOut:
        outcome = case.outcome.value if case.outcome else None
        return cls(
            reference=case.reference, notified=case.notified, outcome=outcome, closed=case.closed
        )


class ComplaintOut(BaseModel):
    id: str
    received: date
    channel: str = Field(description="How it came: api, portal, email, post, phone, in_person")
    received_by: str = Field(description="form (the person, on the public form) or staff")
    state: str
    acknowledge_by: date = Field(description="The last day to acknowledge it")
    acknowledged: date | None
    acknowledgement: str = Field(
        description="on_time, late, pending (not yet, in time), overdue, or never (closed "
        "without it)"
    )
    outcome_target: date = Field(description="The target for its outcome")
    completed: date | None = Field(description="The day it was completed with its outcome")
    outcome: str = Field(description="The outcome against its target, as acknowledgement")
    days_late: int | None = Field(description="Completed this many days after its target")
    outcome_recorded: bool = Field(description="Whether an outcome is recorded (never its text)")
    ico: IcoOut | None = Field(description="The ICO's involvement, if it was taken to the ICO")

    @classmethod
    def of(cls, row: ComplaintRow) -> ComplaintOut:
        return cls(
            id=str(row.id),
            received=row.received,
            channel=row.channel,
            received_by=row.received_by.value,
            state=row.state.value,
            acknowledge_by=row.acknowledge_by,
            acknowledged=row.acknowledged,
            acknowledgement=row.acknowledgement.value,
            outcome_target=row.outcome_target,
            completed=row.completed,
            outcome=row.outcome.value,
            days_late=row.days_late,
            outcome_recorded=row.outcome_recorded,
            ico=IcoOut.of(row.ico) if row.ico else None,
        )


class FiguresOut(BaseModel):
    complaints: int
    open: int
    acknowledgement: dict[str, int] = Field(description="Complaints by acknowledgement")
    outcome: dict[str, int] = Field(description="Complaints by outcome against its target")
    outcomes_recorded: int
    taken_to_ico: int
    ico_outcomes: dict[str, int] = Field(description="ICO cases by outcome; open: not closed")

    @classmethod
    def of(cls, figures: RegisterFigures) -> FiguresOut:
        return cls(
            complaints=figures.complaints,
            open=figures.open,
            acknowledgement=dict(figures.acknowledgement),
            outcome=dict(figures.outcome),
            outcomes_recorded=figures.outcomes_recorded,
            taken_to_ico=figures.taken_to_ico,
            ico_outcomes=dict(figures.ico_outcomes),
        )


class RegisterOut(BaseModel):
    """The register: as of which UK day, for which complaints, its figures and its rows."""

    as_of: date
    open_only: bool
    since: date | None
    until: date | None
    figures: FiguresOut
    complaints: list[ComplaintOut]

    @classmethod
    def of(cls, register: ComplaintRegister) -> RegisterOut:
        query = register.query
        return cls(
            as_of=register.as_of,
            open_only=query.open_only,
            since=query.since,
            until=query.until,
            figures=FiguresOut.of(register.figures),
            complaints=[ComplaintOut.of(row) for row in register.rows],
        )


class TransitionOut(BaseModel):
    """One step of a request's (or a complaint's) timeline, as the API shows it."""

    event: str
    from_state: str
    to_state: str
    at: datetime
    actor: str
    reason: str | None
    days_late: int | None = Field(None, description="An answer this many days late")

    @classmethod
    def of(cls, t: Transition) -> TransitionOut:
        return cls(
            event=t.event.value,
            from_state=t.from_state.value,
            to_state=t.to_state.value,
            at=t.at,
            actor=t.actor,
            reason=t.reason,
            days_late=t.days_late,
        )


class OutcomeOut(BaseModel):
    found: str
    done: str


class DetailOut(BaseModel):
    """One complaint: its row, its timeline, and its outcome (its opening audited)."""

    complaint: ComplaintOut
    timeline: list[TransitionOut]
    outcome_text: OutcomeOut | None = Field(
        description="What was found and what was done, once completed"
    )

    @classmethod
    def of(cls, detail: ComplaintDetail) -> DetailOut:
        told = detail.outcome
        return cls(
            complaint=ComplaintOut.of(detail.row),
            timeline=[TransitionOut.of(t) for t in detail.timeline],
            outcome_text=OutcomeOut(found=told.found, done=told.done) if told else None,
        )


CSV_COLUMNS = (
    "id",
    "received",
    "channel",
    "received_by",
    "state",
    "acknowledge_by",
    "acknowledged",
    "acknowledgement",
    "outcome_target",
    "completed",
    "outcome",
    "days_late",
    "outcome_recorded",
    "ico_reference",
    "ico_notified",
    "ico_outcome",
    "ico_closed",
)


def register_csv(register: ComplaintRegister) -> str:
    """The register's rows as CSV, a header first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in register.rows:
        shown = ComplaintOut.of(row).model_dump(mode="json")
        ico = shown.pop("ico") or {}
        cells = {**shown, **{f"ico_{k}": v for k, v in ico.items()}}
        writer.writerow([safe_cell(_cell(cells.get(column))) for column in CSV_COLUMNS])
    return out.getvalue()


def register_json(register: ComplaintRegister) -> str:
    return RegisterOut.of(register).model_dump_json(indent=2) + "\n"


def register_table(register: ComplaintRegister) -> str:
    """A line per complaint, then the figures."""
    lines = ["received\tid\tvia\tstate\tacknowledged\ttarget\tcompleted\toutcome\tICO"]
    lines += [_line(row) for row in register.rows]
    f = register.figures
    lines.append(
        f"{f.complaints} complaint(s), {f.open} open; acknowledged: {_counts(f.acknowledgement)}"
        f"; outcome: {_counts(f.outcome)}; {f.outcomes_recorded} outcome(s) recorded; "
        f"taken to the ICO: {f.taken_to_ico} ({_counts(f.ico_outcomes)})"
    )
    return "\n".join(lines) + "\n"


def detail_text(detail: ComplaintDetail) -> str:
    """One complaint as lines of text: its facts, the ICO's involvement, its outcome, its
    timeline."""
    row = detail.row
    lines = [
        (
            f"{row.id}  complaint  {row.state.value}  received {row.received} "
            f"by {row.channel} ({row.received_by.value})"
        ),
        f"  acknowledge by {row.acknowledge_by}: {_done(row.acknowledged, row.acknowledgement)}",
        f"  outcome target {row.outcome_target}: {_done(row.completed, row.outcome)}"
        + (f", {row.days_late} day(s) late" if row.days_late else ""),
        f"  ICO: {_ico(row.ico, full=True)}",
    ]
    if detail.outcome is not None:
        lines += [f"  found: {detail.outcome.found}", f"  done: {detail.outcome.done}"]
    elif not row.outcome_recorded:
        lines.append("  no outcome recorded")
    for e in detail.timeline:
        why = f"  ({e.reason})" if e.reason else ""
        late = f"  LATE by {e.days_late} day(s)" if e.days_late else ""
        lines.append(
            f"  {e.at.isoformat()}  {e.event.value}: {e.from_state.value} -> "
            f"{e.to_state.value}  by {e.actor}{why}{late}"
        )
    return "\n".join(lines) + "\n"


def _line(row: ComplaintRow) -> str:
    acknowledged = _done(row.acknowledged, row.acknowledgement)
    completed = row.completed.isoformat() if row.completed else "-"
    recorded = "recorded" if row.outcome_recorded else "none recorded"
    return "\t".join(
        [
            row.received.isoformat(),
            str(row.id),
            f"{row.channel}/{row.received_by.value}",
            row.state.value,
            acknowledged,
            row.outcome_target.isoformat(),
            completed,
            f"{row.outcome.value} ({recorded})",
            _ico(row.ico, full=False),
        ]
    )


def _done(day: date | None, how: Timeliness) -> str:
    return f"{day.isoformat()} {how.value}" if day is not None else how.value


def _ico(case: IcoCase | None, *, full: bool) -> str:
    if case is None:
        return "-" if not full else "not involved"
    outcome = case.outcome.value if case.outcome else "open"
    closed = f" closed {case.closed}" if case.closed else ""
    told = f" told us {case.notified}" if full else f" {case.notified}"
    return f"{case.reference}{told} {outcome}{closed}"


def _counts(counts: Mapping[str, int]) -> str:
    shown = [f"{name} {n}" for name, n in counts.items() if n]
    return ", ".join(shown) or "none"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
