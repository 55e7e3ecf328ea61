"""Calls for the console's pages: the real sample queue_log ingested for tenant-a through the
ingest service, made k times larger so the report's cells are shown, and a quarantined line."""

from __future__ import annotations

from tests.builders import a_tenant
from tests.samples import sample
from tests.support.copies import K, asterisk_copies

from dataward.adapters.ingest.files import text_source
from dataward.bootstrap import Container
from dataward.domain.subjects import Actor
from dataward.services.calls.ingest import IngestCalls, ingest

QUEUE_LOG = "asterisk_queue_log__assembled_from_public_examples.txt"
BAD_LINE = "1764000000x|1.1|sales|NONE|ENTERQUEUE||07700900123|1\n"
"""A queue_log line with a broken time (the number is of the range kept for drama)."""
GOOD_LINE = "1764000001|2.1|sales|NONE|ENTERQUEUE||07700900124|1\n"
DCO = Actor("dco", "dco")
OPERATOR = Actor("ingest-operator", "operator")


def add_tenants(container: Container) -> None:
    """tenant-a and tenant-b."""
    with container.uow() as uow:
        for tenant_id in ("tenant-a", "tenant-b"):
            uow.tenants.add(a_tenant(tenant_id))
        uow.commit()


def ingest_samples(container: Container) -> int:
    """The sample calls ingested for tenant-a k times over, then a batch with one bad line
    quarantined; the number of that batch's ingest."""
    calls = asterisk_copies(sample(QUEUE_LOG).read_text(encoding="utf-8"), K)
    ingest(
        container.use_case(OPERATOR), IngestCalls("tenant-a", [text_source(calls, name="batch")])
    )
    report = ingest(
        container.use_case(OPERATOR),
        IngestCalls(
            "tenant-a",
            [text_source(BAD_LINE + GOOD_LINE, name="batch", format_name="asterisk-queue-log")],
            quarantine=True,
        ),
    )
    return report.ingest_ids[-1]
