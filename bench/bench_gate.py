"""Gate benchmark: decisions per second in process; register, states and questions built once.

A batch of 10,000 mixed requests (permitted, need-to-know refusals, tenant mismatches,
restricted, consent by channel, a child) against the baseline of building the same number of
`Decision` objects and nothing else: the floor any gate pays to answer. Goal: at least 100,000
decisions a second.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from bench.timing import measure, report
from dataward.adapters.register_file import load_register_file
from dataward.domain.processing.consent import ConsentKey, ConsentState
from dataward.domain.processing.gate import Decision, DenialReason, Gate, Question, SubjectState
from dataward.domain.processing.restrictions import Restriction, RestrictionGround
from dataward.domain.subjects import Actor, Subject, SubjectStatus

BATCH = 10_000
AT = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def _subject(kind: str, tenant: str | None = None, born: date | None = None) -> Subject:
    return Subject(uuid.uuid4(), kind, tenant, SubjectStatus.ACTIVE, AT, birth_date=born)


def _requests() -> list[tuple[Actor, SubjectState, Question]]:
    contact = _subject("customer_contact")
    caller = _subject("caller", "tenant-a")
    child = _subject("end_user", born=date(2015, 6, 1))
    restricted = _subject("end_user")
    consents: dict[ConsentKey, ConsentState] = {
        ("direct_marketing", "email"): ConsentState.WITHDRAWN,
        ("direct_marketing", "post"): ConsentState.GIVEN,
    }
    restriction = Restriction(
        uuid.uuid4(), restricted.id, None, RestrictionGround.ACCURACY_CONTESTED, AT - timedelta(1)
    )
    mix = [
        (Actor("s", "support"), SubjectState(contact), "contact", "correspondence", None),
        (
            Actor("m", "marketing"),
            SubjectState(contact, consents=consents),
            "contact",
            "direct_marketing",
            "email",
        ),
        (
            Actor("m", "marketing"),
            SubjectState(contact, consents=consents),
            "contact",
            "direct_marketing",
            None,
        ),
        (
            Actor("o", "operator"),
            SubjectState(caller),
            "telephony_activity",
            "telephony_reporting",
            None,
        ),
        (
            Actor("t", "tenant_admin", "tenant-b"),
            SubjectState(caller),
            "telephony_activity",
            "telephony_reporting",
            None,
        ),
        (
            Actor("m", "marketing"),
            SubjectState(caller),
            "telephony_activity",
            "telephony_reporting",
            None,
        ),
        (
            Actor("d", "dco"),
            SubjectState(restricted, (restriction,)),
            "contact",
            "correspondence",
            None,
        ),
        (
            Actor("m", "marketing"),
            SubjectState(child, consents=consents),
            "contact",
            "direct_marketing",
            None,
        ),
    ]
    questions = [
        (actor, state, Question(category, purpose, AT, channel=channel))
        for actor, state, category, purpose, channel in mix
    ]
    return [questions[i % len(questions)] for i in range(BATCH)]


def main() -> None:
    gate = Gate(load_register_file().register)
    requests = _requests()

    def decide_all() -> None:
        authorize = gate.authorize
        for actor, state, question in requests:
            authorize(actor, state, question)

    def build_all() -> None:
        for _actor, _state, question in requests:
            Decision(
                allowed=True,
                reason=DenialReason.PERMITTED,
                lawful_basis=None,
                purpose=question.purpose,
                category=question.category,
            )

    decided = measure(f"gate, {BATCH:,} mixed decisions", decide_all, repeat=30)
    built = measure(f"build {BATCH:,} Decision objects", build_all, repeat=30)
    report(decided, built, goal="a small multiple; >= 100,000 decisions/s")
    print(f"  decisions per second: {BATCH / decided.median:,.0f}")


if __name__ == "__main__":
    main()
