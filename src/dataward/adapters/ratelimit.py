"""A sliding-window limit on how often one client may do something (the public form).

Kept in the process's memory: each worker counts on its own, so the effective limit is the
figure times the workers, which is enough to stop a script filling the DCO's queue. Client
addresses are personal data, so only a keyed digest of each is held (the key is random per
process and never stored), and only for as long as its window lasts.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import threading
from collections import OrderedDict, deque
from datetime import datetime, timedelta

from dataward.domain.clock import Clock

MAX_CLIENTS = 100_000
"""Beyond this many distinct clients the longest quiet is forgotten first."""


def client_key(address: str | None) -> str:
    """Whom a limit counts: an IPv4 address, or an IPv6 address's /64 (one household or host
    is given a whole /64 and can rotate through it); anything unparsable counts as one."""
    if not address:
        return "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return "unparsable"
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


class RateLimiter:
    def __init__(self, limit: int, window: timedelta, clock: Clock) -> None:
        if limit < 1:
            raise ValueError("a rate limit allows at least one")
        self._limit = limit
        self._window = window
        self._clock = clock
        self._salt = os.urandom(16)
        self._hits: OrderedDict[bytes, deque[datetime]] = OrderedDict()  # quietest first
        self._lock = threading.Lock()

    def hit(self, client: str) -> timedelta | None:
        """Count one attempt by `client`; None when allowed, else how long until it would be."""
        now = self._clock.now()
        key = hashlib.blake2b(client.encode(), key=self._salt, digest_size=16).digest()
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                while len(self._hits) >= MAX_CLIENTS:
                    self._hits.popitem(last=False)
                hits = self._hits[key] = deque()
            self._hits.move_to_end(key)
            while hits and hits[0] <= now - self._window:
                hits.popleft()
            if len(hits) >= self._limit:
                return hits[0] + self._window - now
            hits.append(now)
            return None
