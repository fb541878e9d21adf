"""The Management token in Redis: one client-credentials exchange per lifetime for every
replica of the desk, on however many machines.

The entry names the token URL, client and audience it was issued for (its key is their
hash; never the secret). A replica that finds no usable token takes a short lock
(``SET NX PX``); the one that gets it exchanges and stores the token, the others poll for
it briefly. A cold burst across replicas therefore costs one exchange. The token value is
stored (Redis is the shared cache) and never logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from userdesk.desk.shared import SharedState, SharedUnavailable

# How long a replica may hold the exchange lock: more than a slow token endpoint takes.
LOCK_MS = 15_000
# How often the replicas that did not get the lock look for the token.
POLL_SECONDS = 0.05

# Delete the key only if it still holds the value given (a lock, or a refused token).
_DELETE_IF = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class SharedTokens:
    def __init__(self, shared: SharedState, identity: str) -> None:
        self._shared = shared
        digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
        self._key = shared.key("management-token", digest)
        self._lock = shared.key("management-token", digest, "lock")

    async def get_or_exchange(
        self,
        usable: Callable[[dict[str, Any]], bool],
        exchange: Callable[[], Awaitable[dict[str, Any]]],
    ) -> dict[str, Any]:
        """The stored entry if ``usable``, else the one ``exchange`` makes (once for all).

        Entries hold wall-clock ``refresh_at`` and ``expires_at``. ``SharedUnavailable``
        when Redis is away (the caller then exchanges on its own); errors of ``exchange``
        pass through.
        """
        call = self._shared.call
        deadline = time.monotonic() + 2 * LOCK_MS / 1000
        while True:
            entry = await self._read()
            if entry is not None and usable(entry):
                return entry
            holder = secrets.token_hex(16)
            taken = await call("taking the token lock", self._take(holder))
            if taken:
                try:
                    entry = await self._read()
                    if entry is not None and usable(entry):
                        return entry
                    entry = await exchange()
                    # Not stored: this replica has its token, the others exchange on their own.
                    with contextlib.suppress(SharedUnavailable):
                        await self._store(entry)
                    return entry
                finally:
                    await self._release(holder)
            if time.monotonic() > deadline:
                # A holder that never stored a token and never let go: exchange anyway.
                return await exchange()
            await asyncio.sleep(POLL_SECONDS)

    async def discard(self, value: str) -> None:
        """Drop the stored token if it is ``value`` (the Management API refused it)."""
        script = self._shared.client.register_script(_DELETE_IF)
        stored = await self._read_raw()
        if stored is None or json.loads(stored).get("access_token") != value:
            return
        await self._shared.call("discarding a refused token", lambda: script([self._key], [stored]))

    async def _read_raw(self) -> str | None:
        client = self._shared.client
        raw = await self._shared.call("reading the token", lambda: client.get(self._key))
        return raw if isinstance(raw, str) else None  # decode_responses: text or nothing

    def _take(self, holder: str) -> Callable[[], Awaitable[Any]]:
        client = self._shared.client
        return lambda: client.set(self._lock, holder, nx=True, px=LOCK_MS)

    async def _read(self) -> dict[str, Any] | None:
        raw = await self._read_raw()
        if raw is None:
            return None
        try:
            entry = json.loads(raw)
        except ValueError:
            return None
        return entry if isinstance(entry, dict) and "access_token" in entry else None

    async def _store(self, entry: dict[str, Any]) -> None:
        ttl_ms = int((float(entry["expires_at"]) - time.time()) * 1000)
        if ttl_ms <= 0:
            return
        client = self._shared.client
        await self._shared.call(
            "storing the token", lambda: client.set(self._key, json.dumps(entry), px=ttl_ms)
        )

    async def _release(self, holder: str) -> None:
        script = self._shared.client.register_script(_DELETE_IF)
        # Unreleased, the lock expires by itself.
        with contextlib.suppress(SharedUnavailable):
            await self._shared.call(
                "releasing the token lock", lambda: script([self._lock], [holder])
            )
