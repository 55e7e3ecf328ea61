"""Register benchmarks: what validation costs, and what serving the active register costs.

1. Checking the shipped register (compose with line numbers, schema, cross-checks) against the
   baseline of a bare YAML load of the same text with the same (safe) parser.
2. Fetching the active register for a request (one indexed row read, parsed once per version)
   against the baseline of parsing the stored text on every request.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

import yaml

from bench.timing import measure, report
from dataward.adapters.register_file import parse_register, shipped_register_text
from dataward.adapters.sql import migrate
from dataward.adapters.sql.engine import make_engine
from dataward.adapters.sql.uow import SqlUnitOfWork
from dataward.bootstrap import parse_stored
from dataward.domain.clock import FixedClock
from dataward.services.register.store import ActiveRegister, store_register


def main() -> None:
    text = shipped_register_text()
    checked = measure("check register", lambda: parse_register(text, source="bench"), repeat=50)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    bare = measure("bare YAML load, same parser", lambda: yaml.load(text, loader), repeat=50)  # noqa: S506 - a safe loader
    report(checked, bare, goal="validation costs a small multiple of parsing")

    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        migrate.upgrade(engine)
        clock = FixedClock(datetime(2026, 11, 25, tzinfo=UTC))
        active = ActiveRegister(parse_stored)
        loaded = parse_register(text, source="bench")
        store_register(SqlUnitOfWork(engine), clock, loaded, "bench", active)

        def cached() -> object:
            return active.get(SqlUnitOfWork(engine, read_only=True))

        def reparse() -> object:
            with SqlUnitOfWork(engine, read_only=True) as uow:
                stored = uow.registers.active()
            if stored is None:
                raise SystemExit("no active register")
            return parse_register(stored.document, source="bench")

        report(
            measure("active register (cached)", cached, repeat=500),
            measure("re-parse per request", reparse, repeat=50),
            goal="well under 1x",
        )
        engine.dispose()


if __name__ == "__main__":
    main()
