"""A column mapping: how to read a CSV export that no dedicated parser knows.

A mapping is a YAML file (an example ships in `mappings/example.yaml`) naming, for each field of
`RawCall`, the column that holds it, by header name or by 1-based position, and how its values
translate into dataward's words (e.g. `MISSED` -> `no_answer`). Loading reports every problem
with its path and line, as the register does, and never echoes a row of call data: a mapping
holds only column names and vocabulary.
"""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, PlainValidator, field_validator
from pydantic_core import PydanticCustomError

# The register loader's YAML-node helpers (line per path, pydantic error wording), reused as is.
from dataward.adapters.yaml_document import DocumentKind, parse_document, read_document
from dataward.domain.calls.telephony import Direction, Disposition, Presentation
from dataward.domain.errors import DocumentInvalid
from dataward.domain.register.problems import Problem

_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _column_ref(value: object) -> int | str:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise PydanticCustomError("column", "give a column as its 1-based position or its name")
    if isinstance(value, int) and value < 1:
        raise PydanticCustomError("column", "column positions start at 1")
    if isinstance(value, str) and not value.strip():
        raise PydanticCustomError("column", "a column name cannot be empty")
    return value


ColumnRef = Annotated[int | str, PlainValidator(_column_ref)]
"""A column: its 1-based position (an integer) or its header name (text; needs `header: true`)."""

ISO = "iso"
EPOCH = "epoch"
EPOCH_MS = "epoch_ms"
SPECIAL_TIMESTAMP_FORMATS = (ISO, EPOCH, EPOCH_MS)

DEFAULT_WITHHELD_NUMBERS: dict[str, Presentation] = {
    "anonymous": Presentation.RESTRICTED,
    "restricted": Presentation.RESTRICTED,
    "withheld": Presentation.RESTRICTED,
    "private": Presentation.RESTRICTED,
    "unavailable": Presentation.UNAVAILABLE,
    "unknown": Presentation.UNAVAILABLE,
}


class MappingInvalid(DocumentInvalid):
    """A column mapping file failed validation; every problem is listed with its line."""

    code = "mapping_invalid"
    what = "column mapping"


class Columns(BaseModel):
    """Where each field of a call is; only `source_id` and `start` are required."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source_id: ColumnRef = Field(description="The call's identity within the source.")
    start: ColumnRef = Field(description="When the call started.")
    answer: ColumnRef | None = Field(None, description="When it was answered; empty if not.")
    end: ColumnRef | None = Field(None, description="When it ended.")
    direction: ColumnRef | None = Field(None, description="Inbound, outbound or internal.")
    disposition: ColumnRef | None = Field(None, description="How it ended (answered, busy...).")
    caller_number: ColumnRef | None = Field(None, description="The calling number (CLI).")
    caller_name: ColumnRef | None = Field(None, description="The calling party's name.")
    caller_presentation: ColumnRef | None = Field(
        None, description="Whether the caller allowed the number to be shown."
    )
    callee_number: ColumnRef | None = Field(None, description="The called (dialled) number.")
    callee_name: ColumnRef | None = Field(None, description="The called party's name.")
    agent_id: ColumnRef | None = Field(None, description="The agent who took or made the call.")
    queue: ColumnRef | None = Field(None, description="The queue (ACD group) it went through.")
    wait_s: ColumnRef | None = Field(None, description="Seconds in the queue before answer.")
    ring_s: ColumnRef | None = Field(None, description="Seconds ringing an agent.")
    talk_s: ColumnRef | None = Field(None, description="Seconds connected.")


class ValueMaps(BaseModel):
    """The source's words for directions, dispositions and presentation, matched ignoring case
    and surrounding spaces. A value that is neither here nor dataward's own word is a bad row."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    direction: dict[str, Direction] = Field(default_factory=dict)
    disposition: dict[str, Disposition] = Field(default_factory=dict)
    presentation: dict[str, Presentation] = Field(default_factory=dict)


class ColumnMapping(BaseModel):
    """How to read one CSV export layout (see `mappings/example.yaml`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    delimiter: str = Field(",", min_length=1, max_length=1, description="The field separator.")
    quotechar: str = Field('"', min_length=1, max_length=1, description="The quote character.")
    header: bool = Field(default=True, description="Whether the first line names the columns.")
    timestamp_formats: list[str] = Field(
        default_factory=lambda: [ISO],
        min_length=1,
        description=(
            "strptime formats tried in order, or `iso` (ISO 8601), `epoch` (seconds since "
            "1970 UTC), `epoch_ms` (milliseconds)."
        ),
    )
    timezone: str | None = Field(
        None,
        description="IANA zone of timestamps written without one; default: the zone given "
        "to the import.",
    )
    withheld_numbers: dict[str, Presentation] = Field(
        default_factory=lambda: dict(DEFAULT_WITHHELD_NUMBERS),
        description="Words written in a number column in place of a number.",
    )
    columns: Columns
    values: ValueMaps = Field(default_factory=ValueMaps)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise PydanticCustomError("timezone", "not an IANA time zone") from None
        return value

    @field_validator("timestamp_formats")
    @classmethod
    def _formats(cls, value: list[str]) -> list[str]:
        for text in value:
            if text not in SPECIAL_TIMESTAMP_FORMATS and "%" not in text:
                raise PydanticCustomError(
                    "timestamp_format",
                    "a format that is neither a strptime format nor one of {special}",
                    {"special": ", ".join(SPECIAL_TIMESTAMP_FORMATS)},
                )
        return value

    def zone(self, default: ZoneInfo) -> ZoneInfo:
        return ZoneInfo(self.timezone) if self.timezone else default


def load_mapping(path: FilePath | str) -> ColumnMapping:
    """Load a mapping file; raise `MappingInvalid` listing every problem with its line."""
    return parse_mapping(read_document(path, MappingInvalid), source=str(path))


def parse_mapping(text: str, *, source: str) -> ColumnMapping:
    mapping, _warnings = parse_document(text, source, MAPPING_DOCUMENT)
    return mapping


def check_mapping(mapping: ColumnMapping) -> list[Problem]:
    """What no single field can show: names without a header, one column read twice."""
    problems: list[Problem] = []
    seen: dict[int | str, str] = {}
    for field, ref in mapping.columns:
        if ref is None:
            continue
        if isinstance(ref, str) and not mapping.header:
            problems.append(
                Problem(
                    ("columns", field),
                    "a column named by header needs `header: true`; give its position instead",
                )
            )
        if ref in seen:
            problems.append(Problem(("columns", field), f"the same column as columns.{seen[ref]}"))
        seen.setdefault(ref, field)
    return problems


MAPPING_DOCUMENT = DocumentKind(ColumnMapping, "mapping", MappingInvalid, check_mapping)
