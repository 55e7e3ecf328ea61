"""Which errors met while running a job are passing faults, to retry after a delay: a database
that went away or refused a connection, a mail server or a broker that did not answer, a disk
that could not be written, a key batch claimed while a slow run waited. Anything else is a
refusal (the job fails for good) or a fault of ours."""

from __future__ import annotations

import smtplib

from sqlalchemy.exc import DBAPIError

from dataward.adapters.sql.faults import STORE_UNAVAILABLE
from dataward.domain.errors import KeyBatchLost, WriteConflict

_PASSING = (*STORE_UNAVAILABLE, OSError, smtplib.SMTPException, KeyBatchLost, WriteConflict)


def is_passing(error: BaseException) -> bool:
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, _PASSING)
