"""Marketing benchmark: resolving a campaign's audience, against a per-contact query of the
consent ledger in the same run, on SQLite and PostgreSQL.

The issue's requirement: "audience resolution for 1M marketing contacts with mixed consents,
objections and suppressions; goal >= 200k contacts/s in process, baseline a per-contact query
of the ledger in the same run."

    python -m bench.bench_marketing [--contacts 1000000] [--sample 20000]
        [--backend sqlite|postgresql|both] [--pg-url URL]

Each backend gets a store holding `--contacts` of our own subjects: nine in ten marketing
contacts, one in ten customer contacts, each with an e-mail address (a random blind index and a
sealed placeholder: resolving decrypts nothing, so no key is made per person), and a mix drawn
with a fixed seed: consent to our e-mail marketing given (60%), given then withdrawn (8%), an
objection to direct marketing (3%), the address on the suppression list (2%), a restriction
(1%), a child's birth date (0.5%), a soft opt-in (a third of the customer contacts) or a
corporate subscriber's record (a tenth of them). The rows are written straight into the tables
(the benchmark's set-up, not what it measures).

1. The figure: `resolve_audience` of an e-mail campaign of our own (`services.marketing.audience`),
   from its call to its return (every candidate judged by the gate and PECR's rules, the audit
   entry committed): contacts per second.
2. The baseline, on the same store: for `--sample` contacts, the subject read, then its consent
   ledger, its objections and its restrictions, each by its own query (the repositories' per
   subject reads), and the gate asked: contacts per second.

The audience's counts are checked against the mix drawn, so a fast wrong answer fails.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bench.callstore import AT, DEFAULT_PG_URL, Store, ensure_database
from bench.timing import Row, faster, summary
from dataward.adapters.sql.outreach.marketing import marketing_bases
from dataward.adapters.sql.processing.consent import consent_events, objections, restrictions
from dataward.adapters.sql.processing.erasure_tables import marketing_suppressions
from dataward.adapters.sql.registry.tables import identifiers, subjects
from dataward.domain.marketing.campaign import CampaignDraft, terms_of
from dataward.domain.marketing.eligibility import Eligibility, MarketingFacts
from dataward.domain.processing.gate import Gate
from dataward.domain.processing.restrictions import ALL_MARKETING
from dataward.domain.processing.suppression import suppression_digest
from dataward.domain.subjects import Actor
from dataward.services.marketing.audience import resolve_audience
from dataward.services.marketing.campaigns import create_campaign
from dataward.services.processing.gate import load_subject_states

BACKENDS = ("sqlite", "postgresql")
MARKETING = Actor(id="bench-marketing", role="marketing")
GOAL = 200_000
_CHUNK = 20_000


@dataclass(frozen=True)
class Drawn:
    """What the set-up wrote, by the verdict each contact should get."""

    expected: Counter[str]


def populate(store: Store, contacts: int, seed: int = 15) -> Drawn:
    """Write the contacts and their records; the verdict each should get, counted."""
    rng = random.Random(seed)
    expected: Counter[str] = Counter()
    rows: dict[str, list[dict[str, Any]]] = {
        "subjects": [],
        "identifiers": [],
        "consent": [],
        "objections": [],
        "restrictions": [],
        "suppressions": [],
        "bases": [],
    }
    child = date(AT.year - 10, 6, 1)
    with store.engine.begin() as connection:
        for n in range(contacts):
            subject = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            kind = "customer_contact" if n % 10 == 0 else "marketing_contact"
            roll = rng.random()
            born = child if roll >= 0.995 else None
            rows["subjects"].append(
                {
                    "id": subject,
                    "kind": kind,
                    "tenant_id": None,
                    "status": "active",
                    "birth_date": born,
                    "created_at": AT - timedelta(days=400),
                }
            )
            index = rng.randbytes(32)
            rows["identifiers"].append(
                {
                    "subject_id": subject,
                    "scope": "",
                    "type": "email",
                    "blind_index": index,
                    "ciphertext": b"sealed",
                    "created_at": AT - timedelta(days=400),
                }
            )
            verdict = _draw(rows, _Contact(subject, index, roll, kind), rng)
            expected[verdict] += 1
            if len(rows["subjects"]) >= _CHUNK:
                _flush(connection, rows)
        _flush(connection, rows)
    if store.backend == "postgresql":  # as autovacuum would have, on a store in use
        with store.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    return Drawn(expected)


@dataclass(frozen=True)
class _Contact:
    subject: str
    index: bytes
    roll: float
    kind: str


def _draw(rows: dict[str, list[dict[str, Any]]], who: _Contact, rng: random.Random) -> str:
    """Write one contact's records for its roll; the verdict it should get."""
    at = AT - timedelta(days=30)

    def consent(state: str, when: Any) -> None:
        rows["consent"].append(
            {"subject_id": who.subject, "purpose": "direct_marketing", "channel": "email",
             "state": state, "method": "web_form", "notice_version": "2026.1", "at": when}
        )  # fmt: skip

    roll = who.roll
    if roll < 0.60 or 0.68 <= roll < 0.74 or roll >= 0.995:
        consent("given", at)
    verdict = "consent"
    if 0.60 <= roll < 0.68:
        consent("given", at - timedelta(days=60))
        consent("withdrawn", at)
        verdict = "excluded_consent_withdrawn"
    elif 0.68 <= roll < 0.71:
        rows["objections"].append(
            {"id": str(uuid.uuid4()), "subject_id": who.subject, "purpose": ALL_MARKETING,
             "kind": "direct_marketing", "outcome": "upheld", "received_at": at,
             "decided_at": at}
        )  # fmt: skip
        verdict = "excluded_objection"
    elif 0.71 <= roll < 0.73:
        rows["suppressions"].append(
            {"digest": suppression_digest("email", who.index), "kind": "email",
             "source": "objection", "created_at": at}
        )  # fmt: skip
        verdict = "excluded_suppressed"
    elif 0.73 <= roll < 0.74:
        rows["restrictions"].append(
            {"id": str(uuid.uuid4()), "subject_id": who.subject, "scope": None,
             "ground": "accuracy_contested", "starts_at": at}
        )  # fmt: skip
        verdict = "excluded_restricted"
    elif roll >= 0.995:
        verdict = "excluded_child"
    elif roll >= 0.74:
        verdict = _without_consent(rows, who, rng, at)
    return verdict


def _without_consent(
    rows: dict[str, list[dict[str, Any]]], who: _Contact, rng: random.Random, at: Any
) -> str:
    """A contact who never consented: a soft opt-in or a corporate record, or nothing."""
    if who.kind != "customer_contact" or rng.random() >= 0.45:
        return "excluded_no_consent"
    soft = rng.random() < 0.75
    rows["bases"].append(
        {"subject_id": who.subject, "kind": "soft_opt_in" if soft else "corporate_subscriber",
         "sender": "akixi" if soft else None, "obtained_in": "sale" if soft else None,
         "obtained_on": date(AT.year - 1, 3, 1) if soft else None,
         "evidence_ref": "order", "recorded_at": at, "recorded_by": "bench"}
    )  # fmt: skip
    return "soft_opt_in" if soft else "corporate_subscriber"


def _flush(connection: Any, rows: dict[str, list[dict[str, Any]]]) -> None:
    tables = {
        "subjects": subjects,
        "identifiers": identifiers,
        "consent": consent_events,
        "objections": objections,
        "restrictions": restrictions,
        "suppressions": marketing_suppressions,
        "bases": marketing_bases,
    }
    for name, table in tables.items():
        if rows[name]:
            connection.execute(insert(table), rows[name])
            rows[name].clear()


def _campaign(store: Store) -> uuid.UUID:
    draft = CampaignDraft(
        "Benchmark news", "direct_marketing", "email", "akixi", "Hello.\n", "call_reporting"
    )
    return create_campaign(store.use_case(MARKETING), draft).id


def per_contact(store: Store, campaign: uuid.UUID, sample: int) -> float:
    """The baseline: `sample` contacts, each read and judged with its own queries; seconds."""
    with store.uow() as uow:
        found = uow.marketing.campaign(campaign)
        if found is None:
            raise SystemExit("the benchmark's campaign is gone")
        ids = [
            str(s.id)
            for s in uow.marketing.candidates(["marketing_contact", "customer_contact"], "", sample)
        ]
    rules = Eligibility(Gate(store.register), terms_of(store.register, found))
    start = time.perf_counter()
    with store.uow() as uow:
        question = rules.question(store.clock.now())
        for subject_id in ids:
            subject = uow.subjects.get(subject_id)
            if subject is None:
                raise SystemExit("a benchmark contact is gone")
            uow.consents.events_for(subject_id)
            uow.objections.for_subject(subject_id)
            uow.restrictions.for_subject(subject_id)
            (state,) = load_subject_states(uow, [subject], question.at)
            rules.judge(MARKETING, MarketingFacts(state), question)
    return time.perf_counter() - start


def run(backend: str, args: argparse.Namespace, folder: Path) -> list[Row]:
    store = Store.create(folder / backend, "marketing", backend=backend, pg_url=args.pg_url)
    try:
        started = time.perf_counter()
        drawn = populate(store, args.contacts)
        written = time.perf_counter() - started
        print(f"{backend}: {args.contacts:,} contacts written in {written:.1f} s", flush=True)
        campaign = _campaign(store)
        start = time.perf_counter()
        audience = resolve_audience(store.use_case(MARKETING), campaign)
        seconds = time.perf_counter() - start
        got = Counter(audience.counts())
        if got != drawn.expected:
            raise SystemExit(f"{backend}: the audience is wrong: {got} != {drawn.expected}")
        sample = min(args.sample, args.contacts)
        base = per_contact(store, campaign, sample)
    finally:
        store.close(keep=False)
    rate, base_rate = args.contacts / seconds, sample / base
    print(
        f"{backend}: resolved {args.contacts:,} in {seconds:.2f} s ({rate:,.0f}/s); "
        f"baseline {sample:,} in {base:.2f} s ({base_rate:,.0f}/s)",
        flush=True,
    )
    return [
        Row(
            backend,
            f"audience of {args.contacts:,} contacts",
            f"{rate:,.0f}/s",
            f"{base_rate:,.0f}/s",
            faster(1 / rate, 1 / base_rate),
            f">= {GOAL:,}/s",
            rate >= GOAL,
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--backend", choices=(*BACKENDS, "both"), default="both")
    parser.add_argument("--pg-url", default=os.environ.get("DATAWARD_BENCH_PG_URL", DEFAULT_PG_URL))
    args, _unknown = parser.parse_known_args()
    backends = BACKENDS if args.backend == "both" else (args.backend,)
    if "postgresql" in backends:
        ensure_database(args.pg_url)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="dataward-bench-marketing-") as folder:
        for backend in backends:
            rows += run(backend, args, Path(folder))
    summary("marketing audience", rows)


if __name__ == "__main__":
    main()
