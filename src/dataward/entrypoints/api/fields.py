"""Field types the API's bodies and parameters share, bounded at the edge.

A value outside them is a 422 `invalid_request` naming the field, before any use case runs;
the use cases check the same bounds again (`domain.bounds`) for callers other than the API.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AwareDatetime, Field

from dataward.domain.bounds import AFTER_LAST_DAY, FIRST_DAY, FIRST_INSTANT, LAST_DAY, MAX_INGEST_ID

Day = Annotated[
    date, Field(ge=FIRST_DAY, le=LAST_DAY, json_schema_extra={"examples": ["2026-11-25"]})
]
"""A date from 1900-01-01 to 2999-12-31."""

Instant = Annotated[AwareDatetime, Field(ge=FIRST_INSTANT, lt=AFTER_LAST_DAY)]
"""A time with its zone (`2026-11-25T10:00:00+00:00`), on those days in UTC."""

IngestId = Annotated[int, Field(ge=1, le=MAX_INGEST_ID)]
"""An ingest's number, as the call batch's answer gave it."""

RegisterKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
"""A key of the register (a subject kind, a purpose): lower-case letters, digits and _."""
