"""The access package's account of who did receive the person's data (Art. 15(1)(c), 15(2)).

From the disclosure log: each time an export sent their data to a recipient, when, to whom
(its role, and where it is, with the safeguard for a country outside the UK), for which purpose
and which categories. The register's list of recipients that may receive it is in the
supplementary information; this is what actually went.
"""

from __future__ import annotations

from collections.abc import Sequence

from dataward.domain.register.model import Register
from dataward.domain.register.transfers import HOME
from dataward.domain.register.wording import describe_mechanism
from dataward.domain.requests.package import Dataset
from dataward.domain.sharing.records import Disclosure


def disclosures_dataset(register: Register, entries: Sequence[Disclosure]) -> Dataset:
    known = {r.key: r for r in register.recipients}
    rows = []
    for entry in sorted(entries, key=lambda e: (e.at, e.recipient)):
        recipient = known.get(entry.recipient)
        where = (
            ""
            if recipient is None
            else "; ".join(
                t.country if t.country == HOME else f"{t.country} ({describe_mechanism(t)})"
                for t in recipient.transfers
            )
        )
        rows.append(
            (
                entry.at.isoformat(),
                recipient.name if recipient else entry.recipient,
                recipient.role.value.replace("_", " ") if recipient else "",
                where,
                entry.purpose,
                " ".join(entry.categories),
                str(entry.batch_id),
            )
        )
    return Dataset(
        "disclosures",
        "Those we disclosed your data to, when, for what and which kinds of data (from our "
        "disclosure log), with where they are and the safeguard for a transfer abroad",
        ("at", "recipient", "role", "where", "purpose", "categories", "batch"),
        tuple(rows),
    )
