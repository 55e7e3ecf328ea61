"""Every store holding personal data has a rule that runs: each table of the main database and
of the key store is in the retention map (`adapters/sql/retention_map.py`), swept by a store of
`dataward retention sweep` or named with the reason it needs no sweep; a table that can hold
personal data may not be called free of it; every store sweeps some table; and every retention
rule of the shipped register is applied by a sweep's target or said to have no store.

A table can hold personal data when it is the subjects' own, or when a column refers to a
subject (a foreign key to `subjects`, or a name that holds a subject's id, as
`tests/test_unlink_plan.py` finds them), holds a sealed value (binary, named `*ciphertext` or
said to be sealed), or an identifier's digest (a binary `blind_index` or `digest`). A new
table fails here until it is in the map.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from sqlalchemy import Column, LargeBinary, Table

import dataward.adapters.sql.uow  # noqa: F401 - every table of the main database, registered
from dataward.adapters.register_file import load_register_file
from dataward.adapters.sql.retention_map import RETENTION_MAP, Swept, Unswept
from dataward.adapters.sql.rights.downloads import access_downloads
from dataward.adapters.sql.rights.requests import outbox
from dataward.adapters.sql.tables import metadata
from dataward.adapters.vault.keystore_tables import keystore_metadata
from dataward.domain.retention.sweeps import SweepStore
from dataward.services.retention import (
    consents,
    contacts,
    customers,
    downloads,
    records,
    requests,
    suppressions,
)
from dataward.services.retention.targets import tenant_targets
from tests.builders import a_tenant

REFERENCE = re.compile(
    r"^(subject_id|subject_ref|caller_ref|callee_ref|agent_ref|controller_contact)$"
)
DIGESTS = {"blind_index", "digest"}
TABLES: Mapping[str, Table] = {
    table.name: table for md in (metadata, keystore_metadata) for table in md.sorted_tables
}

NO_STORE = {
    "technical_logs": "no store keeps technical or security logs of people: the audit log is "
    "the accountability record, holding no identifier",
    "correspondence": "no store keeps correspondence apart from a rights request: every "
    "letter in the outbox names its request and goes with it under the rights-records rule",
}
"""The shipped register's rules no store holds data under, each with why."""


def _personal(column: Column[object]) -> bool:
    if any(fk.column.table.name == "subjects" for fk in column.foreign_keys):
        return True
    if REFERENCE.match(column.name):
        return True
    if not isinstance(column.type, LargeBinary):
        return False
    sealed = column.name.endswith("ciphertext") or "sealed" in (column.comment or "").lower()
    return sealed or column.name in DIGESTS


def _personal_tables() -> set[str]:
    referring = {name for name, table in TABLES.items() if any(_personal(c) for c in table.columns)}
    return referring | {"subjects"}  # the subjects themselves


def _unaccounted(classified: Mapping[str, Swept | Unswept]) -> set[str]:
    """The tables that can hold personal data but are neither swept nor given a reason."""
    return {
        name
        for name in _personal_tables()
        if not isinstance(classified.get(name), Swept)
        and not (isinstance(entry := classified.get(name), Unswept) and entry.personal)
    }


def test_every_table_is_in_the_map_and_every_entry_is_a_table() -> None:
    assert set(TABLES) - set(RETENTION_MAP) == set(), "name these tables in the retention map"
    assert set(RETENTION_MAP) - set(TABLES) == set(), "the map names tables that do not exist"


def test_every_table_that_can_hold_personal_data_is_swept_or_has_a_reason() -> None:
    assert _unaccounted(RETENTION_MAP) == set()
    for name in _personal_tables():
        entry = RETENTION_MAP[name]
        reason = entry.how if isinstance(entry, Swept) else entry.why
        assert len(reason.split()) >= 3, name  # a reason in words, not a placeholder


def test_a_table_said_to_hold_no_personal_data_has_no_column_that_could() -> None:
    free = {n for n, e in RETENTION_MAP.items() if isinstance(e, Unswept) and not e.personal}
    assert free
    assert free.isdisjoint(_personal_tables())


def test_every_store_sweeps_a_table() -> None:
    swept = {s for e in RETENTION_MAP.values() if isinstance(e, Swept) for s in e.stores}
    assert swept == set(SweepStore)


def test_the_finder_finds_what_it_should() -> None:
    expected = {
        "calls",
        "subjects",
        "identifiers",
        "consent_events",
        "access_downloads",
        "marketing_suppressions",
        "erased_numbers",
        "quarantine_parties",
        "call_quarantine",
        "rights_requests",
        "outbox",
        "litigation_holds",
        "supplementary_statements",
        "ingests",
        "data_keys",
    }
    assert expected <= _personal_tables()


def test_a_table_left_out_is_caught() -> None:
    for name in _personal_tables():
        trimmed = {k: v for k, v in RETENTION_MAP.items() if k != name}
        assert _unaccounted(trimmed) == {name}
        marked_free = {**RETENTION_MAP, name: Unswept("said to hold nothing", personal=False)}
        assert _unaccounted(marked_free) == {name}


def test_no_correspondence_or_package_is_kept_apart_from_a_rights_request() -> None:
    """The correspondence rule has no store of its own: a letter always names its request."""
    assert not outbox.c.request_id.nullable
    assert not access_downloads.c.request_id.nullable


def test_every_rule_of_the_shipped_register_runs_or_has_no_store() -> None:
    register = load_register_file().register
    day = date(2026, 6, 1)
    tenant = tenant_targets(register, a_tenant(), day)
    targets = [
        tenant.calls,
        tenant.parties,
        tenant.quarantine,
        requests.rights_records(register, day).target,
        customers.customer_records(register, day).target,
        consents.consent_records(register, day).target,
        downloads.download_links(register, day),
        suppressions.suppression_digests(register, day),
        contacts.contact_records(register, day).target,
        *(store.target for store in records.record_stores(register, day)),
    ]
    assert {target.store for target in targets} == set(SweepStore)
    applied = {target.rule for target in targets}
    rules = {rule.key for rule in register.retention_rules}
    assert applied.isdisjoint(NO_STORE)
    assert applied | set(NO_STORE) == rules
