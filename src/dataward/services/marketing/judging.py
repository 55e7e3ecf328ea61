"""Judging a whole audience fast: the same verdicts as asking the gate and PECR's rules person by
person (`Eligibility.judge`), from one streaming read.

Most people of a large audience differ in nothing the rules read: the same kind, no restriction,
no objection, consent given on the channel, an address not suppressed. So each person's facts are
reduced to a signature holding everything the gate and the rules read (kind, whether a child
today, an active restriction covering the category, an objection upheld that applies, the ground
of a hold keeping their erasure partial, the latest consent on the channel, a change of purpose
not yet told, suppression, soft opt-ins, a corporate record, an address on the channel), and the
rules are asked once per signature, of the first person who has it, with that person's real
records. A test holds the two ways equal on populations with every kind of record
(`tests/integration/test_marketing_audience.py`): a new check of the gate that reads something
the signature lacks fails it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from dataward.domain.marketing.campaign import CampaignTerms
from dataward.domain.marketing.eligibility import (
    CATEGORY,
    Eligibility,
    MarketingFacts,
    Verdict,
)
from dataward.domain.processing.consent import ConsentKey, ConsentState
from dataward.domain.processing.gate import Gate, Question, SubjectState
from dataward.domain.processing.purpose_notice import NoticeState
from dataward.domain.processing.restrictions import ObjectionKind
from dataward.domain.requests.workflow import uk_date
from dataward.domain.subjects import Subject, SubjectStatus, age_on
from dataward.services.context import UseCase
from dataward.services.marketing.ports import (
    CORPORATE_SUBSCRIBER,
    SOFT_OPT_IN,
    AudienceQuery,
    AudienceRow,
    FewRecords,
)
from dataward.services.processing.gate import pending_notices

PAGE = 5000
_LONG_AGO = datetime(1900, 1, 1, tzinfo=UTC)
Signature = tuple[object, ...]


class _Judge:
    def __init__(self, ctx: UseCase, terms: CampaignTerms, address: str) -> None:
        self.ctx, self.terms, self.address = ctx, terms, address
        self.rules = Eligibility(Gate(ctx.register), terms)
        self.question: Question = self.rules.question(ctx.clock.now())
        self.at = self.question.at
        self.today = uk_date(self.at)
        self.minimum_age = ctx.register.minimum_age
        self.purpose = terms.purpose
        self.memo: dict[Signature, Verdict] = {}

    def page(
        self, rows: list[AudienceRow], few: _Few, notices: NoticeState | None
    ) -> list[tuple[str, Verdict]]:
        """Each row's verdict. Someone with no record of the few kinds, no birth date and no
        change of purpose to be told of is reduced to a signature at once; anyone else through
        `_Facts`."""
        uow, memo = self.ctx.uow, self.memo
        told = uow.purpose_notices.told([r.subject_id for r in rows]) if notices else {}
        special, question, actor = few.subjects, self.question, self.ctx.actor
        judge = self.rules.judge
        judged: list[tuple[str, Verdict]] = []
        append = judged.append
        for row in rows:
            key = row.subject_id
            on_list, has_address = row.suppressed, row.has_address
            if key in special or row.birth_date is not None or notices is not None:
                facts = _Facts(self, row, few.records, notices)
                facts.told = told.get(key)
                signature = facts.signature()
            else:  # nothing but kind, consent, list and address: the short signature
                facts = None
                signature = (row.kind, row.consent, on_list, has_address)
            verdict = memo.get(signature)
            if verdict is None:
                if facts is None:
                    facts = _Facts(self, row, few.records, notices)
                verdict = judge(actor, facts.marketing(), question)
                memo[signature] = verdict
            append((key, verdict))
        return judged


@dataclass(frozen=True, slots=True)
class _Few:
    records: FewRecords
    subjects: frozenset[str]
    """Everyone with a record of the few kinds."""


class _Facts:
    """One person's facts, as the signature reads them and as the rules would."""

    def __init__(
        self, judge: _Judge, row: AudienceRow, few: FewRecords, notices: NoticeState | None
    ) -> None:
        self.judge, self.row, self.notices = judge, row, notices
        key = row.subject_id
        at = judge.at
        self.restrictions = tuple(
            r for r in few.restrictions.get(key, ()) if r.is_active(at) and r.covers(CATEGORY)
        )
        purpose = judge.purpose
        self.objections = tuple(
            o
            for o in few.objections.get(key, ())
            if o.upheld_at(at)
            and (
                purpose.marketing
                if o.kind is ObjectionKind.DIRECT_MARKETING
                else o.purpose == purpose.key
            )
        )
        self.hold = few.holds.get(key)
        bases = few.bases.get(key, ())
        self.soft = frozenset(b.sender for b in bases if b.kind == SOFT_OPT_IN and b.sender)
        self.corporate = any(b.kind == CORPORATE_SUBSCRIBER for b in bases)
        self.suppressed = row.suppressed
        self.told: int | None = None

    def child(self) -> bool:
        born = self.row.birth_date
        return born is not None and age_on(born, self.judge.today) < self.judge.minimum_age

    def unnoticed(self) -> frozenset[str]:
        if self.notices is None:
            return frozenset()
        return self.notices.unnoticed(self.row.created_at or _LONG_AGO, self.told)

    def signature(self) -> Signature:
        row = self.row
        return (
            row.kind,
            self.child(),
            bool(self.restrictions),
            bool(self.objections),
            self.hold.ground if self.hold else None,
            row.consent,
            self.judge.purpose.key in self.unnoticed(),
            self.suppressed,
            self.soft,
            self.corporate,
            row.has_address,
        )

    def marketing(self) -> MarketingFacts:
        row, judge = self.row, self.judge
        subject = Subject(
            UUID(row.subject_id),
            row.kind,
            None,
            SubjectStatus.ACTIVE,
            row.created_at or _LONG_AGO,
            birth_date=row.birth_date,
        )
        consents: dict[ConsentKey, ConsentState] = {}
        if row.consent:
            consents[(judge.purpose.key, judge.terms.consent_channel)] = ConsentState(row.consent)
        state = SubjectState(
            subject,
            self.restrictions,
            self.objections,
            consents,
            erasure_hold=self.hold,
            unnoticed=self.unnoticed(),
        )
        return MarketingFacts(
            state,
            suppressed=self.suppressed,
            soft_opt_in_senders=self.soft,
            corporate=self.corporate,
            has_address=row.has_address,
        )


def judge_audience(
    ctx: UseCase, terms: CampaignTerms, address: str
) -> Iterator[list[tuple[str, Verdict]]]:
    """Every candidate of the campaign's terms with its verdict, a page at a time (call inside
    the unit of work): our own live subjects of the purpose's kinds, in id order."""
    uow = ctx.uow
    judge = _Judge(ctx, terms, address)
    notices = pending_notices(uow, ctx.register)
    records = uow.marketing.few_records()
    keys = (records.restrictions, records.objections, records.holds, records.bases)
    few = _Few(records, frozenset(k for found in keys for k in found))
    query = AudienceQuery(
        kinds=frozenset(terms.purpose.subject_kinds),
        purpose=terms.purpose.key,
        channel=terms.consent_channel,
        at=judge.at,
        address=address,
        with_created=notices is not None,
    )
    for rows in uow.marketing.audience_pages(query, PAGE):
        yield judge.page(rows, few, notices)
