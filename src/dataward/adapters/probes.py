"""Whether what the service depends on answers now: a database, the key store.

Each probe runs one trivial statement on a connection of its own and reports what failed in
fixed words (a driver's message can name a host, a user or a file, and is only logged by its
class): readiness is public enough to be asked by a load balancer.
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

logger = logging.getLogger(__name__)


def database_answers(engine: Engine) -> bool:
    """Whether `engine`'s database runs `SELECT 1` now."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1")).scalar_one()
    except (SQLAlchemyError, OSError) as error:
        logger.warning("readiness: a database did not answer (%s)", type(error).__name__)
        return False
    return True
