"""What the desk and the tenant share with Redis: keys, and how an outage is noticed.

Redis holds what several replicas must agree on (a Management token, rate-limit counters,
news that a cache is stale). It is never the only copy of anything that matters: each
process keeps working from its own memory while Redis is away, and says so.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit

log = logging.getLogger("userdesk.redis")

# After a failed Redis call, local state is used for this long before Redis is tried again,
# so an unreachable server costs one timeout now and then, not one per request.
RETRY_AFTER = 5.0
# Short: a call to Redis sits on a request's path, and a slow Redis must not become a
# slow desk. Loopback or LAN round trips take well under a millisecond.
SOCKET_TIMEOUT = 0.5


class SharedUnavailable(Exception):
    """Redis did not answer (or is being left alone for a moment after it did not)."""


def describe(url: str) -> str:
    """The server a Redis URL names, without its password (fit for logs and health)."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return f"unix:{parts.path}"
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path or ''}"


class Outage:
    """Whether Redis is to be used now; remembers the last failure and when to try again."""

    def __init__(self, server: str) -> None:
        self.server = server
        self._down_until = 0.0
        self.reason: str | None = None

    def usable(self) -> bool:
        return self.reason is None or time.monotonic() >= self._down_until

    def failed(self, exc: BaseException, doing: str) -> None:
        # The exception's type only: its text may quote a command's arguments.
        reason = f"Redis at {self.server} is unreachable ({type(exc).__name__} while {doing})"
        if self.reason is None:
            log.warning("%s; using this process's own state until it is back", reason)
        self.reason = reason
        self._down_until = time.monotonic() + RETRY_AFTER

    def succeeded(self) -> None:
        if self.reason is not None:
            log.warning("Redis at %s is back; shared state resumes", self.server)
        self.reason = None
        self._down_until = 0.0
