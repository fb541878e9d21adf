"""Per-client rate limiting of the Management API and the ``x-ratelimit-*`` headers.

With ``REDIS_URL`` the buckets live in Redis (``tenant/shared.py``), so a client's quota is
the same however many replicas serve it; while Redis is away each process keeps its own.
A replica takes a few tokens at a time (a lease of a tenth of the burst, at most 16, kept
for a second at most), so a busy client costs one Redis round
trip every few requests rather than one per request; small quotas lease one at a time and
stay exact. Tokens a replica leased and did not spend within the second are lost to the
client: the shared limit errs on the strict side.

On by default (a burst of 50, then 20 requests a second per client: generous for any script
or desk, and a bound on one client's share of the tenant); ``TenantSettings`` and
``userdesk tenant serve --management-rate-limit`` change or disable it.

The count happens in the authentication dependency, once the token is verified, so a forged
token cannot spend another client's quota. This middleware only writes the headers, from the
state the dependency left in the ASGI scope (or a full quota when no client was identified).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from userdesk.tenant import clock
from userdesk.tenant.management.errors import PREFIX
from userdesk.tenant.shared import SharedUnavailable, TenantShared

# With the limit off, clients still get headers; a high ceiling keeps their back-off idle.
UNLIMITED = 100_000
SCOPE_KEY = "userdesk.management.ratelimit"
# The most tokens one lease takes, and how long they may wait to be spent.
LEASE_MAX = 16
LEASE_SECONDS = 1.0


@dataclass
class Lease:
    tokens: int  # taken from the shared bucket and not spent yet
    left: float  # what the shared bucket still held when they were taken
    until: float  # monotonic time after which the unspent tokens are dropped


@dataclass
class Quota:
    limit: int
    remaining: int
    reset: int  # epoch seconds when the bucket is full again
    retry_after: int = 0  # seconds until the next request is allowed, once refused


class RateLimiter:
    """A token bucket per client id, as Auth0 limits its Management API.

    Each client may spend ``burst`` requests at once, and gets ``per_second`` back every
    second up to ``burst``. ``burst=None`` turns the limit off (headers are still sent).
    """

    def __init__(
        self, burst: int | None, per_second: float = 20.0, shared: TenantShared | None = None
    ) -> None:
        self.burst = burst
        self.per_second = per_second
        self.shared = shared
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, at)
        self._leases: dict[str, Lease] = {}
        self._lock = threading.Lock()
        self.lease_size = 1 if burst is None else max(1, min(LEASE_MAX, burst // 10))

    @classmethod
    def per_minute(cls, per_minute: int | None, shared: TenantShared | None = None) -> RateLimiter:
        """``per_minute`` requests at once, refilled over a minute."""
        if per_minute is None:
            return cls(None)
        return cls(per_minute, per_minute / 60, shared)

    @property
    def limit(self) -> int:
        return self.burst if self.burst is not None else UNLIMITED

    def idle(self) -> Quota:
        return Quota(self.limit, self.limit, math.ceil(clock.epoch()))

    def hit(self, client: str) -> tuple[Quota, bool]:
        """Count one request; the flag says whether it is within the limit."""
        if self.burst is None:
            return self.idle(), True
        if self.shared is not None:
            try:
                return self._hit_shared(client)
            except SharedUnavailable:
                pass  # this process's own bucket until Redis is back
        now = clock.monotonic()
        with self._lock:
            tokens, at = self._buckets.get(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - at) * self.per_second)
            allowed = tokens >= 1
            if allowed:
                tokens -= 1
            self._buckets[client] = (tokens, now)
            if len(self._buckets) > 10_000:
                self._forget_full(now)
        return self._quota(tokens, allowed), allowed

    def _hit_shared(self, client: str) -> tuple[Quota, bool]:
        assert self.shared is not None and self.burst is not None
        now = clock.monotonic()
        with self._lock:
            lease = self._leases.get(client)
            if lease is not None and lease.tokens > 0 and now < lease.until:
                lease.tokens -= 1
                return self._quota(lease.left + lease.tokens, True), True
        granted, left = self.shared.bucket_take(
            f"management:{client}", self.burst, self.per_second, self.lease_size
        )
        if granted == 0:
            return self._quota(left, False), False
        with self._lock:
            self._leases[client] = Lease(granted - 1, left, now + LEASE_SECONDS)
            if len(self._leases) > 10_000:
                self._leases = {k: v for k, v in self._leases.items() if v.until > now}
        return self._quota(left + granted - 1, True), True

    def _quota(self, tokens: float, allowed: bool) -> Quota:
        assert self.burst is not None
        wall = clock.epoch()
        full_in = (self.burst - tokens) / self.per_second
        retry = 0 if allowed else max(1, math.ceil((1 - tokens) / self.per_second))
        return Quota(self.burst, int(tokens), math.ceil(wall + full_in), retry)

    def _forget_full(self, now: float) -> None:
        assert self.burst is not None
        for client, (tokens, at) in list(self._buckets.items()):
            if tokens + (now - at) * self.per_second >= self.burst:
                del self._buckets[client]


class Slot:
    """Mutable holder placed in the scope, so a copied scope still reaches the same quota."""

    def __init__(self, quota: Quota) -> None:
        self.quota = quota


class RateLimitHeaders:
    def __init__(self, app: ASGIApp, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        slot = Slot(self.limiter.idle())
        scope[SCOPE_KEY] = slot

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                quota = slot.quota
                headers = list(message.get("headers", []))
                headers += [
                    (b"x-ratelimit-limit", str(quota.limit).encode()),
                    (b"x-ratelimit-remaining", str(quota.remaining).encode()),
                    (b"x-ratelimit-reset", str(quota.reset).encode()),
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
