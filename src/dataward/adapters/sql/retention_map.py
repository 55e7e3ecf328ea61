"""Every table, and what ends the personal data in it: a retention sweep's store, or why none.

The register gives every category of personal data a retention rule (its check demands one);
this map makes each rule executable table by table. A table is either swept (`Swept`: the
stores of `dataward retention sweep` that delete its rows, or empty them, once their rule lets
them go) or needs no sweep of its own (`Unswept`, with the reason: it goes with its subject's
erasure, another job ends it, or it holds no personal data). A new table fails
`tests/test_retention_map.py` until it is named here, and one that can hold personal data (a
subject reference, a sealed value, an identifier's digest) may not be marked as holding none.
The unlink plan beside it (`unlink_plan.py`) answers the other question: what erasure removes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from dataward.domain.retention.sweeps import SweepStore


@dataclass(frozen=True, slots=True)
class Swept:
    """The table's rows go by these stores' sweeps (a table may be emptied by several)."""

    stores: tuple[SweepStore, ...]
    how: str


@dataclass(frozen=True, slots=True)
class Unswept:
    """No sweep of its own: `why`. `personal`: whether it can hold personal data at all."""

    why: str
    personal: bool = True


_RIGHTS = (SweepStore.RIGHTS_REQUESTS,)
_HUNG_ON_A_REQUEST = "hung on a rights request: deleted with it under the rights-records rule"
_SUBJECTS = (SweepStore.CALL_PARTIES, SweepStore.CUSTOMER_RECORDS, SweepStore.CONTACTS)
_WITH_ITS_SUBJECT = "kept with its subject and deleted by the subject's erasure (unlink step)"
_STAFF_ID = "staff member's actor id (who acted)"
_STAFF_KEPT = (
    "A staff member's actor id is their personal data, but of our own staff, whom the "
    "register's subject kinds do not cover (their records are the employer's): kept as the "
    "evidence of who acted (UK GDPR Art. 5(2)), as the audit log keeps it, with no rule here"
)

RETENTION_MAP: Final[Mapping[str, Swept | Unswept]] = MappingProxyType(
    {
        # the call store (a tenant's, under its call retention)
        "calls": Swept((SweepStore.CALLS,), "past the tenant's call retention"),
        "call_links": Swept((SweepStore.CALLS,), "a call's PBX ids (keyed): go with the call"),
        "call_quarantine": Swept(
            (SweepStore.QUARANTINED_LINES,), "emptied as expired, its key destroyed"
        ),
        "quarantine_parties": Swept(
            (SweepStore.QUARANTINED_LINES,), "a line's index of parties: goes as it is emptied"
        ),
        "call_rollups": Unswept(
            "anonymous counts and histograms per queue and period", personal=False
        ),
        "ingests": Unswept(
            "the record of each file ingested (a neutral label, a keyed digest of its name, who, "
            "when, counts): no party; a header sealed before lines had keys goes with its "
            "ingest's key once no line of it is pending (`services.quarantine`)"
        ),
        "erased_numbers": Unswept(
            "keyed digests of erased callers' numbers: deleted by `dataward keys sweep` once "
            "`keep_until` (the tenant's call retention since the erasure) has passed"
        ),
        "doomed_keys": Unswept(
            "the ids of data keys (a subject's, a rights request's or a download link's random "
            "id) whose records are gone, each listed only until its key is destroyed: right "
            "after the commit that listed it, or by `dataward keys sweep`"
        ),
        "dp_releases": Unswept(
            "the privacy-loss budget of released reports: tenant, range, epsilon, and the "
            f"{_STAFF_ID}; nothing of a caller. {_STAFF_KEPT}"
        ),
        # subjects: a tenant's callers, our own customer records and our contacts are swept
        "subjects": Swept(
            _SUBJECTS,
            "crypto-shredded (a tenant's callers left without a call; our customer records; "
            "our marketing contacts and website visitors once no store holds a record of them "
            "and their kind's last-interaction term has run from the day we came to hold them)",
        ),
        "identifiers": Swept(_SUBJECTS, "sealed identifiers and blind indexes: go with it"),
        "tombstones": Unswept(
            "what remains of an erased subject (its random id, kind, when and why): no "
            "identifier, kept so that no re-sent record undoes the erasure"
        ),
        # rights requests and what hangs on them
        "rights_requests": Swept(_RIGHTS, "closed ones past the rights-records rule, with keys"),
        "request_events": Swept(_RIGHTS, _HUNG_ON_A_REQUEST),
        "request_pauses": Swept(_RIGHTS, _HUNG_ON_A_REQUEST),
        "outbox": Swept(
            _RIGHTS,
            "a request's letters (every letter names its request: no correspondence is kept "
            "apart from one)",
        ),
        "verification_codes": Swept(_RIGHTS, _HUNG_ON_A_REQUEST),
        "controller_instructions": Swept(_RIGHTS, _HUNG_ON_A_REQUEST),
        "complaint_ico": Swept(_RIGHTS, _HUNG_ON_A_REQUEST),
        "access_downloads": Swept(
            (SweepStore.DOWNLOADS, SweepStore.RIGHTS_REQUESTS),
            "expired links with their sealed packages; the rest with their request",
        ),
        # marketing
        "consent_events": Swept(
            (SweepStore.CONSENT_RECORDS,), "withdrawn ledgers past the marketing rule"
        ),
        "marketing_suppressions": Swept(
            (SweepStore.SUPPRESSION_DIGESTS,), "kept while the objection stands: swept, none go"
        ),
        "outbound_messages": Unswept(
            "a message to one of our own subjects (its kind, channel, campaign or register "
            "version, status; no address or text): deleted by `dataward outbox send` 30 days "
            f"after it was sent or withheld, and before that {_WITH_ITS_SUBJECT}"
        ),
        "marketing_campaigns": Unswept(
            f"a campaign's words and register terms, and the {_STAFF_ID} who made it: no one it "
            f"went to. {_STAFF_KEPT}",
            personal=True,
        ),
        "campaign_sends": Swept(
            (SweepStore.CAMPAIGN_SENDS,),
            "what each campaign was sent to whom, on which basis (the evidence of a lawful send, "
            "Art. 5(2)): past the marketing rule from the send, or from the withdrawal of the "
            "consent it was made on",
        ),
        "marketing_bases": Swept(
            (SweepStore.MARKETING_BASES,),
            "a soft opt-in or a corporate subscriber's address, with its evidence: past the "
            "marketing rule from its last interaction (obtained, recorded, or the latest send "
            "made on it), when the marketing relationship it allows has ended",
        ),
        "marketing_imports": Unswept(
            f"a list import's source, consent evidence and counts, and the {_STAFF_ID}: no "
            f"one imported. {_STAFF_KEPT}",
            personal=True,
        ),
        "purpose_notices": Unswept(
            "who was sent the notice of which register version, queued and sent (no address "
            "or text): the record that lets a changed purpose through for that subject, so "
            f"{_WITH_ITS_SUBJECT}; it is our act, not a record of the person, and keeps no "
            "contact past its rule (`retention/references.NOT_RECORDS`)"
        ),
        # what keeps a subject, or what the subject said: theirs while they are ours
        "restrictions": Unswept(
            f"a restriction (a hold while it keeps the data): {_WITH_ITS_SUBJECT}"
        ),
        "objections": Unswept(
            f"an objection, honoured as long as its subject is known: {_WITH_ITS_SUBJECT} "
            "(a direct-marketing one leaves its suppression entries)"
        ),
        "litigation_holds": Unswept(
            f"a hold keeps its subject from every sweep until lifted: {_WITH_ITS_SUBJECT}"
        ),
        "disclosures": Swept(
            (SweepStore.DISCLOSURES,),
            "the disclosure log, which the person's access answer and every Art. 19 notice "
            "read (who did receive their data): past the disclosure-log rule from the disclosure",
        ),
        "erasure_holds": Unswept(
            "an erasure a legal hold kept partial: removed by the full shred on its "
            "`delete_on` (`finish_held_erasures`, run with `dataward keys sweep`)"
        ),
        "supplementary_statements": Unswept(
            f"the subject's own statement (Art. 16), sealed under its key: {_WITH_ITS_SUBJECT}"
        ),
        "tenants": Unswept(
            "our customers (controllers): a tenant names its controller contact, one of our "
            "own subjects kept under the customer-records rule; its erasure clears the name"
        ),
        # accountability and the system's own records
        "audit_log": Unswept(
            "the tamper-evident record of accountability: a subject's random id and no "
            "identifier (ADR 0005); deleting entries would break its chain"
        ),
        "retention_sweeps": Unswept(
            f"the sweeps' evidence: counts, dates, digests, and the {_STAFF_ID}. {_STAFF_KEPT}"
        ),
        "disclosure_batches": Unswept(
            "each export's evidence: recipient, purpose, fields, a count and the "
            f"{_STAFF_ID}, no subject. {_STAFF_KEPT}"
        ),
        "transfer_suspensions": Unswept(
            f"the Chapter V decisions: a mechanism, its reason and the {_STAFF_ID}. {_STAFF_KEPT}"
        ),
        "refused_exports": Unswept(
            "the exports refused, for the DCO: recipient, purpose, reason and the "
            f"{_STAFF_ID}. {_STAFF_KEPT}"
        ),
        "breaches": Unswept(
            "the breach register (Art. 33(5)): every breach's facts, assessment, counts of the "
            "people and records affected, reports and notices, and the "
            f"{_STAFF_ID} who recorded it; no subject. The ICO may ask for it at any time. "
            f"{_STAFF_KEPT}"
        ),
        "breach_events": Unswept(
            f"a breach's decision trail: counts, closed words and the {_STAFF_ID}; no "
            f"subject. {_STAFF_KEPT}"
        ),
        "registers": Unswept("the register's versions: the company's policy", personal=False),
        "purpose_changes": Unswept(
            "the purposes each register version added or changed: the company's policy",
            personal=False,
        ),
        "purpose_assessments": Unswept(
            "the DCO's compatibility assessments of changed purposes (Art. 6(4)): the "
            f"company's accountability record, naming no subject, and the {_STAFF_ID}. "
            f"{_STAFF_KEPT}"
        ),
        "console_accounts": Unswept(
            "people's console logins (an e-mail address at work, an argon2id hash, the role and "
            f"the {_STAFF_ID}): disabled by `dataward staff disable`, and kept as the record "
            f"of who could act when. {_STAFF_KEPT}"
        ),
        "console_sessions": Unswept(
            "console sessions (a hash of the cookie, the CSRF token, when, the "
            f"{_STAFF_ID}): deleted 30 days after they ended or expired, at the next sign-in"
        ),
        "password_links": Unswept(
            "one-time links to set a console password (a hash of the token, the "
            f"{_STAFF_ID}, its expiry): deleted 30 days after they expired, at the next sign-in"
        ),
        "cookie_choices": Unswept(
            "cookie choices by a random id (yes or no per cookie, the notice version, whether "
            "Global Privacy Control was sent, when): names no one, but the id in a browser's "
            "cookie is an online identifier (UK GDPR Recital 30), so it is kept no longer "
            "than the cookie lives: each recorded choice deletes those older than the "
            "`cookie_choices` cookie's lifetime in the register (`services/cookies/choices.py`)"
        ),
        "jobs": Unswept(
            "background jobs: kind, state, times, counts and ids, who asked (the "
            f"{_STAFF_ID}); no subject and no content. Deleted 90 days after they ended by the "
            "key-sweep job, and failed, their file dropped, if not ended 7 days after they were "
            "made (`services/jobs/staging.py`)"
        ),
        "job_chunks": Unswept(
            "a call file staged for a background ingest, sealed under the job's own key: "
            "deleted, and the key destroyed, in the transaction that ends the job; a job not "
            "ended 7 days after it was made is failed so by the key-sweep job "
            "(`services/jobs/staging.py`)"
        ),
        "staff_tokens": Unswept(
            "staff and tenant administrators' credentials (a hash of the token, the role and "
            f"the {_STAFF_ID}): revoked by `dataward staff revoke`, and a revoked one kept as "
            f"the record of who could act when. {_STAFF_KEPT}"
        ),
        # the key store (its own database)
        "data_keys": Unswept(
            "one key per subject, request or quarantined line, not data: destroyed with what "
            "it seals (by each sweep and erasure that removes it; orphans by "
            "`dataward keys sweep`)"
        ),
        "key_batches": Unswept(
            "the batches of keys being made: names and heartbeats", personal=False
        ),
        "index_keys": Unswept("the keys of the blind indexes", personal=False),
        "key_rotations": Unswept("master key rotations: fingerprints and counts", personal=False),
    }
)
"""Each table (of the main database and of the key store) and what ends its personal data."""
