"""The words a breach's record gives: the ICO notification (Art. 33(3)), the notice to each
person at high risk (Art. 34(2)) and the notice to each controller (Art. 33(2)). Pure.

The ICO draft holds every element of Art. 33(3): (a) the nature, with the categories and
approximate numbers of people and of records; (b) the DCO's contact; (c) the likely
consequences; (d) the measures taken or proposed. A fact not yet known is said to follow, and
the draft is for the next phase (initial, then further), as Art. 33(4) allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from dataward.domain.breaches.affected import uncounted
from dataward.domain.breaches.assessment import Nature, Outcome
from dataward.domain.breaches.deadline import uk_time
from dataward.domain.breaches.model import Breach, Phase
from dataward.domain.register.model import Register

TO_FOLLOW = "To follow: not yet known (Art. 33(4))."
RECORDED_LATER = timedelta(hours=24)
"""A report recorded more than this after the time it gives shows when it was recorded."""

NATURE_WORDS = {
    Nature.CONFIDENTIALITY: (
        "confidentiality (personal data disclosed or accessed without authority)"
    ),
    Nature.INTEGRITY: "integrity (personal data altered without authority)",
    Nature.AVAILABILITY: "availability (personal data lost, destroyed or unreachable)",
}
PLAIN_NATURE = {
    Nature.CONFIDENTIALITY: "someone who should not have had it could see it",
    Nature.INTEGRITY: "it may have been changed",
    Nature.AVAILABILITY: "it was lost or could not be reached for a time",
}


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    heading: str
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Draft:
    phase: Phase
    sections: tuple[Section, ...]
    to_follow: tuple[str, ...]
    """The Art. 33(3) elements not yet known: they follow in a later phase."""

    def text(self) -> str:
        parts = [f"Personal data breach report to the ICO: {self.phase.value} phase"]
        for section in self.sections:
            parts.append(f"\n{section.heading}\n" + "\n".join(section.lines))
        return "\n".join(parts) + "\n"


def ico_draft(breach: Breach, register: Register) -> Draft:
    """The notification to the ICO, from the record, for its next phase."""
    phase = Phase.FURTHER if breach.reports else Phase.INITIAL
    org, dco = register.organisation, register.contacts.data_compliance_officer
    people, records = breach.people(), breach.records()
    categories = sorted(breach.categories())
    to_follow: list[str] = []

    def known(element: str, value: str | None) -> str:
        if value is None:
            to_follow.append(element)
            return TO_FOLLOW
        return value

    role = (
        "We are the controller of the data concerned (ours to report)."
        if breach.own_data
        else (
            "We are the processor of the data concerned: each controller (our customer) "
            "reports it; this account is for them and for the ICO on request (Art. 33(2))."
        )
    )
    sections = (
        Section(
            "organisation",
            "Organisation",
            (
                f"{org.legal_name}"
                + (f", ICO registration {org.ico_registration}" if org.ico_registration else ""),
                role,
            ),
        ),
        Section(
            "contact",
            "Contact point (Art. 33(3)(b))",
            (known("contact", f"{dco.name}, {dco.email}" if dco.email else None),),
        ),
        Section("timing", "When", _timing(breach)),
        Section(
            "nature",
            "Nature of the breach (Art. 33(3)(a))",
            (
                "Lost: " + "; ".join(NATURE_WORDS[n] for n in sorted(breach.natures)),
                f"What happened: {breach.facts.description}",
                "Categories of data: " + known("categories", _categories(categories, register)),
                "Categories of people: " + _people_kinds(breach),
            ),
        ),
        Section(
            "numbers",
            "People and records concerned, approximately (Art. 33(3)(a))",
            (
                "People: " + known("people", _about(people, breach.counted_people())),
                "Records: " + known("records", _about(records, breach.counted_records())),
                *_scopes(breach),
                *_uncounted(breach),
            ),
        ),
        Section(
            "consequences",
            "Likely consequences (Art. 33(3)(c))",
            (known("consequences", breach.facts.consequences),),
        ),
        Section(
            "measures",
            "Measures taken or proposed, including to mitigate its effects (Art. 33(3)(d))",
            (known("measures", breach.facts.measures),),
        ),
        Section("assessment", "Our assessment of the risk", _assessment(breach)),
    )
    return Draft(phase, sections, tuple(to_follow))


def _about(figure: int | None, counted: int | None) -> str | None:
    if figure is None:
        return None
    if counted is None:
        return f"about {figure} (our estimate)"
    if counted == figure:
        return f"about {figure} (counted from our records)"
    return f"about {figure} (our estimate; {counted} counted from our records)"


def _categories(keys: list[str], register: Register) -> str | None:
    names = {c.key: c.name for c in register.categories}
    return ", ".join(names.get(k, k) for k in keys) or None


def _people_kinds(breach: Breach) -> str:
    kinds = []
    if any(s.scope.tenant_id for s in breach.scopes) or breach.controllers:
        kinds.append("our customers' callers and their call agents (the customers' data)")
    if breach.own_data:
        kinds.append("our own customers' and partners' people and contacts")
    return "; ".join(kinds)


def _uncounted(breach: Breach) -> tuple[str, ...]:
    """Categories no store counts: said, so that a count of none is not read as nobody."""
    lines = []
    for counted in breach.scopes:
        s = counted.scope
        missing = sorted(uncounted(s.categories, ours=s.tenant_id is None))
        if missing:
            lines.append(f"- not counted from our records ({', '.join(missing)}): see our estimate")
    return tuple(lines)


def _timing(breach: Breach) -> tuple[str, ...]:
    lines = [
        f"Aware since: {breach.aware_at.isoformat()} ({uk_time(breach.aware_at)})",
        f"72 hours end: {breach.ico_due.isoformat()} ({uk_time(breach.ico_due)})",
    ]
    for report in breach.reports:
        late = " (after the 72 hours)" if report.late else ""
        ref = f", reference {report.reference}" if report.reference else ""
        lines.append(f"Reported ({report.phase.value}): {report.at.isoformat()}{late}{ref}")
        if report.recorded_at is not None and report.recorded_at - report.at > RECORDED_LATER:
            lines.append(f"  (recorded here on {report.recorded_at.isoformat()})")
    if breach.facts.delay_reason:
        lines.append(f"Reasons for the delay (Art. 33(1)): {breach.facts.delay_reason}")
    return tuple(lines)


def _scopes(breach: Breach) -> tuple[str, ...]:
    lines = []
    for counted in breach.scopes:
        s, c = counted.scope, counted.count
        whose = f"tenant {s.tenant_id} (we are its processor)" if s.tenant_id else "our own data"
        when = (
            f"held up to {s.end.isoformat()}"
            if s.held
            else (f"dated {s.start.isoformat()} to {s.end.isoformat()}")
        )
        lines.append(
            f"- {whose}, {when}: "
            f"{c.people} people, {c.records} records"
            + (f" ({c.unidentified} with no identifiable person)" if c.unidentified else "")
        )
    return tuple(lines)


def _assessment(breach: Breach) -> tuple[str, ...]:
    if breach.assessment is None:
        return ("Not yet assessed.",)
    decision = breach.assessment.decision
    if decision.outcome is not Outcome.TELL_PEOPLE:
        told = {
            Outcome.REPORT_ICO: "The risk is not high: the people are not told individually.",
            Outcome.NOT_REPORTABLE: "Judged unlikely to result in a risk.",
        }[decision.outcome]
    elif not breach.own_data:
        told = "The risk is high: each controller decides how its people are told (Art. 34)."
    elif breach.people_queued is None:
        told = "The risk is high: the people concerned are to be told (Art. 34); not yet done."
    else:
        told = (
            f"The risk is high: {breach.people_queued} people were sent a notice "
            f"(Art. 34), {breach.people_sent} delivered so far."
        )
    return (*decision.reasons, told, f"Reasoning: {breach.assessment.factors.reasoning}")


def people_notice(breach: Breach, register: Register) -> tuple[str, str]:
    """The plain-language notice to a person at high risk (Art. 34(2)): subject and body."""
    org, dco = register.organisation, register.contacts.data_compliance_officer
    what = "; ".join(PLAIN_NATURE[n] for n in sorted(breach.natures))
    lines = [
        "Hello,",
        "",
        (
            "We are writing to tell you about a problem with the security of personal data "
            f"{org.name} holds about you: {what}."
        ),
        "",
        "What happened:",
        breach.facts.description,
        "",
        "What this may mean for you:",
        breach.facts.consequences or "We are still finding out and will tell you more.",
        "",
        "What we have done, and are doing:",
        breach.facts.measures or "We are still working on it and will tell you more.",
        "",
        "If you have questions, or want to know more, contact our "
        f"{dco.name}" + (f" at {dco.email}" if dco.email else "") + ".",
        (
            "You can also complain to the Information Commissioner's Office "
            "(https://ico.org.uk/make-a-complaint/)."
        ),
        "",
        org.legal_name,
    ]
    return f"{org.name}: a problem with the security of your personal data", "\n".join(lines)


def controller_notice(breach: Breach, tenants: list[str], register: Register) -> tuple[str, str]:
    """The processor's notice to a controller (Art. 33(2)): subject and body, with what we
    know of the tenant's own data, for its own report to the ICO and to its callers."""
    org, dco = register.organisation, register.contacts.data_compliance_officer
    lines = [
        (
            f"As your processor, {org.legal_name} tells you of a personal data breach that "
            "reached your data (UK GDPR Art. 33(2))."
        ),
        "",
        f"Our reference: {breach.id}",
        "Your account(s) with us: " + ", ".join(tenants),
        f"We became aware: {uk_time(breach.aware_at)}",
        "Lost: " + "; ".join(NATURE_WORDS[n] for n in sorted(breach.natures)),
        "",
        "What happened:",
        breach.facts.description,
        "",
    ]
    for counted in breach.scopes:
        if counted.scope.tenant_id in tenants:
            s, c = counted.scope, counted.count
            lines.append(
                f"Your data ({s.tenant_id}), {uk_time(s.start)} to {uk_time(s.end)}: about "
                f"{c.people} people and {c.records} records."
            )
    lines += [
        "",
        "Likely consequences: " + (breach.facts.consequences or TO_FOLLOW),
        "Measures taken or proposed: " + (breach.facts.measures or TO_FOLLOW),
        "",
        (
            "As controller you decide whether to report it to the ICO (within 72 hours of "
            "becoming aware) and to tell the people concerned. We will help, and tell you more "
            "as we learn it."
        ),
        "",
        f"Contact: {dco.name}" + (f", {dco.email}" if dco.email else ""),
    ]
    return f"{org.name}: notice of a personal data breach (our ref. {breach.id})", "\n".join(lines)
