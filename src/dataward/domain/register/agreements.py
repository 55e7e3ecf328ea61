"""The register's agreements with those who receive data: where it goes and on what terms.

`Transfer` is one destination of a recipient's or processor's data with its Chapter V
mechanism (`domain.register.transfers` says when it is valid); `ProcessorTerms` the Art. 28(3)
contract on record with a processor. Re-exported by `model`. Nothing here does I/O.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from dataward.domain.register.terms import (
    MODEL_CONFIG,
    CountryCode,
    Derogation,
    NonEmpty,
    TransferMechanism,
)


class Transfer(BaseModel):
    """Where a recipient's or processor's data goes, and what makes it lawful (Chapter V)."""

    model_config = MODEL_CONFIG

    country: CountryCode
    mechanism: TransferMechanism | None = None
    derogation: Derogation | None = None
    derogation_record: NonEmpty | None = Field(
        default=None,
        description="Art. 49: where the record of the derogation's use is kept, and why it "
        "applies (for compelling legitimate interests, that the ICO and the person were told)",
    )
    dpf_uk_extension: bool = Field(
        default=False,
        description="US recipient certified to the Data Privacy Framework UK Extension",
    )
    dpf_certified_on: date | None = Field(
        default=None,
        description="The day the recipient's DPF certification (with the UK Extension) was "
        "last checked as active on the Data Privacy Framework List; re-checked every year",
    )
    note: str | None = None


class ProcessorTerms(BaseModel):
    """The Art. 28(3) contract on record with a processor or sub-processor."""

    model_config = MODEL_CONFIG

    contract_date: date = Field(description="When the data processing terms were signed")
    instructions: NonEmpty = Field(
        description="The documented instructions it acts on (Art. 28(3)(a)), transfers included"
    )
    sub_processors: list[NonEmpty] = Field(
        default=[],
        description="Sub-processors it may engage with our authorisation (Art. 28(2), (3)(d))",
    )
    reference: NonEmpty | None = Field(default=None, description="Where the contract is kept")
