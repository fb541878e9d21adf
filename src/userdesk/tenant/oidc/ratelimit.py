"""Attempt limits for the token endpoint and the login form, kept apart by kind of request.

Anonymous attempts are counted per IP: failed sign-ins on the login form and through the
password grants, and any other refused token request (a client that failed to authenticate,
a bad code). Once an address has spent its attempts, its sign-ins are refused before any
password is checked. Client-credentials requests are counted per client id, and only once the
client has authenticated, so no amount of failed sign-ins from anywhere stops a machine client
(the desk's own Management token among them) from getting its token.

The IP is the connection's peer, or the address a trusted proxy put in ``X-Forwarded-For``
when the server is started with ``--forwarded-allow-ips``: behind a proxy without it, every
user shares the proxy's address.

A fixed one-minute window per key: in memory, or with ``REDIS_URL`` in Redis, so that
every replica counts toward the same limit (``tenant/shared.py``). While Redis is away each
process counts on its own again (attempts stay limited, per process; the outage is logged).
A restart forgiving in-memory counters is acceptable for a development identity server.
"""

from __future__ import annotations

import math
import threading

from userdesk.tenant import clock
from userdesk.tenant.oidc.errors import RateLimited
from userdesk.tenant.shared import SharedUnavailable, TenantShared


class RateLimiter:
    def __init__(
        self, per_minute: int | None, window: float = 60.0, shared: TenantShared | None = None
    ) -> None:
        self.per_minute = per_minute
        self.window = window
        self._shared = shared
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}

    def hit(self, key: str) -> None:
        """Count one attempt for ``key``; raise ``RateLimited`` past the limit."""
        count, retry = self._add(key, 1)
        if self.per_minute is not None and count > self.per_minute:
            raise RateLimited(retry)

    def record(self, key: str) -> None:
        """Count one attempt for ``key`` without refusing it (it failed already)."""
        self._add(key, 1)

    def check(self, key: str) -> None:
        """Refuse the next attempt for ``key`` if its window is spent, without counting it."""
        count, retry = self._add(key, 0)
        if self.per_minute is not None and count >= self.per_minute:
            raise RateLimited(retry)

    def _add(self, key: str, amount: int) -> tuple[int, int]:
        if self.per_minute is None:
            return 0, 0
        if self._shared is not None:
            try:
                count, left = self._shared.window_add(f"auth:{key}", amount, self.window)
            except SharedUnavailable:
                pass  # counted here until Redis is back
            else:
                return count, max(1, math.ceil(left))
        now = clock.monotonic()
        with self._lock:
            start, count = self._windows.get(key, (now, 0))
            if now - start >= self.window:
                start, count = now, 0
            count += amount
            if amount:
                self._windows[key] = (start, count)
                if len(self._windows) > 10_000:
                    self._forget_old(now)
        return count, max(1, math.ceil(self.window - (now - start)))

    def _forget_old(self, now: float) -> None:
        for key in [k for k, (s, _) in self._windows.items() if now - s >= self.window]:
            del self._windows[key]


class AuthLimits:
    """The token endpoint's and the login form's limits, one bucket per kind and key."""

    def __init__(self, per_minute: int | None, shared: TenantShared | None = None) -> None:
        self.limiter = RateLimiter(per_minute, shared=shared)

    def before_attempt(self, ip: str) -> None:
        """An anonymous attempt (sign-in, code exchange...) from ``ip`` is about to be tried."""
        self.limiter.check(f"ip:{ip}")

    def failed_attempt(self, ip: str) -> None:
        self.limiter.record(f"ip:{ip}")

    def failed_client_authentication(self, ip: str) -> None:
        """A client-credentials request whose client did not authenticate: anonymous, per IP."""
        self.limiter.hit(f"ip:{ip}")

    def client_request(self, client_id: str) -> None:
        """An authenticated client's client-credentials request."""
        self.limiter.hit(f"client:{client_id}")
