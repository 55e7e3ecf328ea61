"""Cross-checks of the register's marketing senders: each names marketing purposes that exist,
no purpose is sent by two senders, a third party's marketing relies on consent alone, and the
soft opt-in is claimed only by a sender of its own products on a channel that allows it."""

from __future__ import annotations

from collections.abc import Iterator

from dataward.domain.register.model import Register
from dataward.domain.register.problems import Problem


def marketing_senders(reg: Register) -> Iterator[Problem]:
    purposes = {p.key: p for p in reg.purposes}
    sent_by: dict[str, str] = {}
    seen: set[str] = set()
    soft_channels = [c.key for c in reg.marketing_channels if c.soft_opt_in]
    for index, sender in enumerate(reg.marketing_senders):
        here = ("marketing_senders", index)
        if sender.key in seen:
            yield Problem((*here, "key"), f"duplicate {sender.key!r}")
        seen.add(sender.key)
        for i, key in enumerate(sender.purposes):
            purpose = purposes.get(key)
            if purpose is None:
                yield Problem((*here, "purposes", i), f"unknown purpose {key!r}")
            elif not purpose.marketing:
                yield Problem((*here, "purposes", i), f"purpose {key!r} is not marketing")
            elif key in sent_by:
                yield Problem(
                    (*here, "purposes", i), f"purpose {key!r} is already sent by {sent_by[key]!r}"
                )
            else:
                sent_by[key] = sender.key
        if sender.soft_opt_in and sender.third_party:
            yield Problem(
                (*here, "soft_opt_in"),
                "the soft opt-in covers only the sender's own similar products (PECR reg "
                "22(3)): another company's marketing needs consent naming it",
            )
        if sender.soft_opt_in and not soft_channels:
            yield Problem((*here, "soft_opt_in"), "no marketing channel allows the soft opt-in")
        if sender.soft_opt_in and not sender.products:
            yield Problem(
                (*here, "products"), "name the products the soft opt-in covers (similar products)"
            )
