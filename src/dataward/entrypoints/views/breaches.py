"""A breach and the register as text and JSON, alike at the command line and in the API. The
export's CSV cells are safe from a spreadsheet's formulas: the facts are typed by people."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from dataward.domain.breaches.deadline import uk_time
from dataward.domain.breaches.drafts import Draft
from dataward.domain.sharing.exports import safe_cell
from dataward.services.breaches.register import EXPORT_FIELDS, BreachView, export_row


def view_json(view: BreachView) -> dict[str, Any]:
    """The breach as the export gives it, with its clock, counts, notices and trail."""
    b = view.breach
    clock = view.clock
    return {
        **export_row(view),
        "ico_deadline_passed": clock.late,
        "ico_clock": clock.describe(),
        "reports": [
            {
                "phase": r.phase.value,
                "at": r.at.isoformat(),
                "reference": r.reference,
                "late": r.late,
                "recorded_at": None if r.recorded_at is None else r.recorded_at.isoformat(),
            }
            for r in b.reports
        ],
        "scopes": [
            {
                "tenant": s.scope.tenant_id,
                "from": s.scope.start.isoformat(),
                "to": s.scope.end.isoformat(),
                "categories": sorted(s.scope.categories),
                "people": s.count.people,
                "records": s.count.records,
                "records_by_store": dict(s.count.by_store),
                "unidentified": s.count.unidentified,
            }
            for s in b.scopes
        ],
        "controllers": [
            {
                "tenant": c.tenant_id,
                "due_at": c.due_at.isoformat(),
                "queued_at": None if c.queued_at is None else c.queued_at.isoformat(),
                "sent_at": None if c.sent_at is None else c.sent_at.isoformat(),
                "told_another_way": c.another_way,
            }
            for c in b.controllers
        ],
        "reasons": [] if b.assessment is None else list(b.assessment.decision.reasons),
        "earlier_assessments": [
            {
                "at": a.at.isoformat(),
                "by": a.by,
                "outcome": a.decision.outcome.value,
                "risk": a.decision.risk,
                "reasoning": a.factors.reasoning,
            }
            for a in b.earlier_assessments
        ],
        "earlier_facts": [
            {
                "until": v.until.isoformat(),
                "by": v.by,
                "description": v.facts.description,
                "consequences": v.facts.consequences,
                "measures": v.facts.measures,
                "delay_reason": v.facts.delay_reason,
            }
            for v in b.earlier_facts
        ],
        "people_sent": b.people_sent,
        "trail": [
            {"at": t.at.isoformat(), "actor": t.actor, "event": t.event, "details": t.details}
            for t in view.trail
        ],
        "flags": list(view.flags),
    }


def describe(view: BreachView) -> str:
    """The breach for a person at a terminal."""
    b = view.breach
    lines = [
        f"breach {b.id}" + (" (closed)" if b.closed_at else ""),
        f"aware at      {b.aware_at.isoformat()}  ({uk_time(b.aware_at)})",
        f"ICO deadline  {b.ico_due.isoformat()}  ({uk_time(b.ico_due)})",
        f"clock         {view.clock.describe()}" + (" (stopped)" if b.clock_stopped else ""),
        "nature        " + ", ".join(sorted(n.value for n in b.natures)),
        "whose data    "
        + ("ours (we report it)" if b.own_data else "tenants' only (we tell each controller)"),
        f"what happened {b.facts.description}",
        f"consequences  {b.facts.consequences or '(to follow)'}",
        f"measures      {b.facts.measures or '(to follow)'}",
    ]
    if b.assessment is not None:
        d = b.assessment.decision
        lines.append(f"assessment    {d.outcome.value}, risk {d.risk} of 9")
        lines += [f"              {reason}" for reason in d.reasons]
        if b.earlier_assessments:
            lines.append(f"              ({len(b.earlier_assessments)} earlier, kept)")
    else:
        lines.append("assessment    (none yet)")
    for s in b.scopes:
        whose = s.scope.tenant_id or "our own data"
        lines.append(
            f"affected      {whose}: {s.count.people} people, {s.count.records} records "
            f"({uk_time(s.scope.start)} to {uk_time(s.scope.end)})"
        )
    for r in b.reports:
        late = ", late" if r.late else ""
        lines.append(f"reported      {r.phase.value} {uk_time(r.at)}{late} {r.reference or ''}")
    if b.facts.delay_reason:
        lines.append(f"delay reason  {b.facts.delay_reason}")
    for c in b.controllers:
        how = " (another way)" if c.another_way else ""
        told = f"told {uk_time(c.sent_at)}{how}" if c.sent_at else None
        state = told or ("queued" if c.queued_at else "not told")
        lines.append(f"tenant        {c.tenant_id}: due {uk_time(c.due_at)}, {state}")
    if b.people_queued is not None:
        lines.append(f"people told   {b.people_sent} of {b.people_queued} sent")
    lines += [f"FLAG          {flag}" for flag in view.flags]
    lines.append("trail")
    lines += [
        f"  {t.at.isoformat()}  {t.event}  {t.actor}  {json.dumps(dict(t.details), sort_keys=True)}"
        for t in view.trail
    ]
    return "\n".join(lines)


def draft_json(draft: Draft) -> dict[str, Any]:
    return {
        "phase": draft.phase.value,
        "sections": [
            {"key": s.key, "heading": s.heading, "lines": list(s.lines)} for s in draft.sections
        ],
        "to_follow": list(draft.to_follow),
        "text": draft.text(),
    }


def render_export(rows: Sequence[dict[str, Any]], format_: str) -> str:
    if format_ == "json":
        return json.dumps(list(rows), indent=2) + "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(EXPORT_FIELDS), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: safe_cell(v) if isinstance(v, str) else v for k, v in row.items()})
    return out.getvalue()
