"""What a use case reaches outside itself, bound once at start-up and handed in whole.

A use case takes a `UseCase` and its command: the unit of work it runs in (one transaction
for the use case, which the steps it composes join), the vault, the clock, the bank-holiday
calendar, the register in force and who is acting. The entry points get one from the
composition root (`bootstrap.Container.use_case`) for the person or token at the door, and
pass nothing else; tests build one over their own fakes or databases.

The services move to this shape concept by concept (`services/processing/holds.py` first);
until each has, its functions still take these one by one.
"""

from __future__ import annotations

from dataclasses import dataclass

from dataward.domain.calendar import HolidayCalendar
from dataward.domain.clock import Clock
from dataward.domain.register.model import Register
from dataward.domain.subjects import Actor
from dataward.services.calls.ports import Noise
from dataward.services.ports import UnitOfWork, Vault


@dataclass(frozen=True, slots=True)
class UseCase:
    uow: UnitOfWork
    vault: Vault
    clock: Clock
    holidays: HolidayCalendar
    register: Register
    actor: Actor
    noise: Noise | None = None
    """Differentially private noise, for a report released with it (None: not available)."""
