"""Lines quarantined before each line had a key of its own: re-sealed and indexed at upgrade.

Before revision 0015 a quarantined line was not indexed by whoever it names, so no erasure
could find it; before 0017 every line of an ingest was sealed under one key of the ingest,
with the file's first line kept beside as its "header", whatever the format. When `dataward
init` or `dataward db upgrade` runs, with the key store at hand, each such ingest is brought up
to date (`upgrade_legacy_quarantine`): its pending lines are opened with its key, sealed anew
under keys of their own and indexed as a line quarantined now is; its first line is kept, as a
header row, only if the format's parser calls it a header (for `generic-csv`, whose mapping is
not kept, as before: it was the header row); then the ingest's key is destroyed, so the lines
erased or resolved before cannot be opened from any copy either.

Idempotent and safe to interrupt: the new keys are named by a key batch and destroyed if their
transaction fails (the sweep destroys them if the process dies); an ingest is done once its
key is gone and forgotten, which happens only after its lines committed.

Before revision 0021 every line was indexed by whatever read as a number anywhere in it, its
times and ids included, so a caller's export could hold another person's line and their
erasure empty it. The same upgrade opens each pending line indexed so (`parties_from` NULL)
with its own key and indexes it again as a line quarantined now is
(`quarantine_writer.parties_read`), a batch a transaction (`reindex_quarantine`): from the
fields that can name someone where its format's parser knows its shape, from the whole line
where it does not, or where no parser can be made (a generic CSV, whose mapping is not kept:
its lines keep the over-approximation, and erasure still reaches them). Either upgrade also
erases each pending line that names a number the tenant's erased-number record remembers, as a
line quarantined now is stored erased: a file sent again after an erasure had put such lines
in the quarantine readable.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from dataward.domain.clock import Clock
from dataward.domain.errors import KeyUnavailable
from dataward.services.keys.batches import INGEST, enrolling
from dataward.services.ports import Parser, UnitOfWork, Vault
from dataward.services.quarantine.keys import release_line_keys
from dataward.services.quarantine.ports import (
    BY_LINE,
    DISCARDED,
    ERASED,
    NewQuarantineLine,
    QuarantinedLine,
)
from dataward.services.quarantine.writer import (
    HEADER_REASON,
    erased_among,
    line_parties,
    parties_read,
)

_BATCH = 200

ParserFor = Callable[[str], Parser | None]
"""A format's parser, or None when it cannot be made (a generic CSV's mapping is not kept)."""


def upgrade_legacy_quarantine(
    uow: UnitOfWork, vault: Vault, clock: Clock, parser_for: ParserFor
) -> int:
    """Bring every ingest whose lines share its key up to date; how many there were."""
    with uow:
        ingest_ids = uow.quarantine.legacy_ingests()
    for ingest_id in ingest_ids:
        _upgrade_ingest(uow, vault, clock, parser_for, ingest_id)
    if ingest_ids:
        release_line_keys(uow, vault)
    return len(ingest_ids)


def _opened(vault: Vault, key: str, lines: Sequence[QuarantinedLine]) -> list[str] | None:
    try:
        return [vault.open(key, line.raw_ciphertext) for line in lines]
    except KeyUnavailable:
        return None  # the key is gone: the lines were shredded already


def _upgrade_ingest(
    uow: UnitOfWork, vault: Vault, clock: Clock, parser_for: ParserFor, ingest_id: int
) -> None:
    with enrolling(vault, INGEST) as keys, uow:
        keys.join(uow)  # the key sweep decides nothing about these keys until this commits
        record = uow.calls.ingest(ingest_id)
        tenant = uow.tenants.get(record.tenant_id)
        old_key = record.quarantine_key
        lines = uow.quarantine.legacy_lines(ingest_id)
        texts = _opened(vault, old_key, lines) if lines else []
        if tenant is None or texts is None:  # nothing can be read or indexed: nothing is kept
            now = clock.now()
            uow.quarantine.resolve([line.id for line in lines], at=now, resolution=DISCARDED)
            lines, texts = [], []
        parser = parser_for(record.format)
        plain = {str(uuid.uuid4()): text for text in texts}
        header = _header(vault, record, parser) if lines else None
        header_key = str(uuid.uuid4())
        if header is not None:
            plain[header_key] = header
        sealed = keys.enrol({key: [text] for key, text in plain.items()}) if plain else {}
        indexed: list[tuple[int, frozenset[bytes]]] = []
        for line, (key, text) in zip(lines, plain.items(), strict=False):  # the header is last
            parties, where = (
                parties_read(vault, tenant, text, parser) if tenant else (frozenset(), BY_LINE)
            )
            uow.quarantine.reseal(line.id, key, sealed[key][0], parties, where)
            indexed.append((line.id, parties))
        if header is not None and tenant is not None:
            uow.quarantine.add(
                [
                    NewQuarantineLine(
                        ingest_id=ingest_id,
                        tenant_id=record.tenant_id,
                        line=1,
                        reason=HEADER_REASON,
                        key_id=header_key,
                        ciphertext=sealed[header_key][0],
                        parties=line_parties(vault, tenant, header, ()),
                        created_at=clock.now(),
                        header=True,
                    )
                ]
            )
        if tenant is not None:
            _erase_naming_erased(uow, vault, clock, tenant.id, indexed)
        uow.quarantine.drop_legacy_header(ingest_id)
        keys.commit(uow)  # refused if the key sweep claimed the batch meanwhile
    vault.destroy_key(old_key)
    with uow:
        uow.quarantine.forget_legacy_key(ingest_id)
        uow.commit()


def _header(vault: Vault, record: object, parser: Parser | None) -> str | None:
    """The ingest's first line, if its format calls it a header row."""
    sealed = getattr(record, "header_ciphertext", None)
    key = getattr(record, "quarantine_key", None)
    if sealed is None or key is None:
        return None
    try:
        first = vault.open(key, sealed)
    except KeyUnavailable:
        return None
    if parser is None:
        return first if getattr(record, "format", None) == "generic-csv" else None
    return first if parser.is_header(first) else None


def reindex_quarantine(uow: UnitOfWork, vault: Vault, clock: Clock, parser_for: ParserFor) -> int:
    """Index again every pending line indexed before revision 0021 (and erase those naming a
    number the tenant's record remembers as erased); how many lines were indexed."""
    done = 0
    while True:
        with uow:
            lines = uow.quarantine.unindexed(_BATCH)
            if not lines:
                break
            by_ingest: dict[int, list[QuarantinedLine]] = {}
            for line in lines:
                by_ingest.setdefault(line.ingest_id, []).append(line)
            for its_lines in by_ingest.values():
                _reindex_ingest(uow, vault, clock, parser_for, its_lines)
            uow.commit()
        done += len(lines)
    if done:
        release_line_keys(uow, vault)  # the keys of the lines erased or discarded meanwhile
    return done


def _reindex_ingest(
    uow: UnitOfWork,
    vault: Vault,
    clock: Clock,
    parser_for: ParserFor,
    lines: Sequence[QuarantinedLine],
) -> None:
    """Index again `lines`, pending lines of one ingest (at least one)."""
    record = uow.calls.ingest(lines[0].ingest_id)
    tenant = uow.tenants.get(record.tenant_id)
    parser = parser_for(record.format)
    unreadable: list[int] = []
    indexed: list[tuple[int, frozenset[bytes]]] = []
    for line in lines:
        try:
            text = vault.open(str(line.key_id), line.raw_ciphertext)
        except KeyUnavailable:
            unreadable.append(line.id)  # its key is gone: nothing of it can be read
            continue
        if tenant is None:
            unreadable.append(line.id)
            continue
        if line.header:
            parties, where = line_parties(vault, tenant, text, ()), BY_LINE
        else:
            parties, where = parties_read(vault, tenant, text, parser)
        uow.quarantine.reindex(line.id, parties, where)
        indexed.append((line.id, parties))
    if unreadable:
        uow.quarantine.resolve(unreadable, at=clock.now(), resolution=DISCARDED)
    if tenant is not None:
        _erase_naming_erased(uow, vault, clock, tenant.id, indexed)


def _erase_naming_erased(
    uow: UnitOfWork,
    vault: Vault,
    clock: Clock,
    tenant_id: str,
    indexed: Sequence[tuple[int, frozenset[bytes]]],
) -> int:
    """Erase the lines among these that name a number the tenant's record remembers."""
    if not indexed or not uow.erased_numbers.any(tenant_id):
        return 0
    erased = erased_among(uow, vault, tenant_id, (i for _, parties in indexed for i in parties))
    naming = [line_id for line_id, parties in indexed if not parties.isdisjoint(erased)]
    return uow.quarantine.resolve(naming, at=clock.now(), resolution=ERASED) if naming else 0
