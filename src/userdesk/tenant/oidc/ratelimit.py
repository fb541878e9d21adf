"""Per-IP attempt limits for the token endpoint and the login form.

A fixed one-minute window per IP, in memory: the tenant is one process, and a restart
forgiving every counter is acceptable for a development identity server.
"""

from __future__ import annotations

import math
import threading

from userdesk.tenant import clock
from userdesk.tenant.oidc.errors import RateLimited


class RateLimiter:
    def __init__(self, per_minute: int | None, window: float = 60.0) -> None:
        self.per_minute = per_minute
        self.window = window
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}

    def hit(self, key: str) -> None:
        """Count one attempt for ``key``; raise ``RateLimited`` past the limit."""
        if self.per_minute is None:
            return
        now = clock.monotonic()
        with self._lock:
            start, count = self._windows.get(key, (now, 0))
            if now - start >= self.window:
                start, count = now, 0
            count += 1
            self._windows[key] = (start, count)
            if len(self._windows) > 10_000:
                self._forget_old(now)
        if count > self.per_minute:
            raise RateLimited(max(1, math.ceil(self.window - (now - start))))

    def _forget_old(self, now: float) -> None:
        for key in [k for k, (s, _) in self._windows.items() if now - s >= self.window]:
            del self._windows[key]
