"""Per-client rate limiting of the Management API and the ``x-ratelimit-*`` headers.

The count happens in the authentication dependency, once the token is verified, so a forged
token cannot spend another client's quota. This middleware only writes the headers, from the
state the dependency left in the ASGI scope (or a full quota when no client was identified).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from userdesk.tenant import clock
from userdesk.tenant.management.errors import PREFIX

# With the limit off, clients still get headers; a high ceiling keeps their back-off idle.
UNLIMITED = 100_000
WINDOW = 60
SCOPE_KEY = "userdesk.management.ratelimit"


@dataclass
class Quota:
    limit: int
    remaining: int
    reset: int


class RateLimiter:
    """A fixed one-minute window per client id."""

    def __init__(self, per_minute: int | None) -> None:
        self.per_minute = per_minute
        self._windows: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    @property
    def limit(self) -> int:
        return self.per_minute if self.per_minute is not None else UNLIMITED

    def idle(self) -> Quota:
        window = int(clock.epoch()) // WINDOW
        return Quota(self.limit, self.limit, (window + 1) * WINDOW)

    def hit(self, client: str) -> tuple[Quota, bool]:
        """Count one request; the flag says whether it is within the limit."""
        window = int(clock.epoch()) // WINDOW
        with self._lock:
            start, count = self._windows.get(client, (window, 0))
            if start != window:
                count = 0
                if len(self._windows) > 10_000:
                    self._windows.clear()
            count += 1
            self._windows[client] = (window, count)
        allowed = self.per_minute is None or count <= self.per_minute
        return Quota(self.limit, max(self.limit - count, 0), (window + 1) * WINDOW), allowed


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
