"""The desk's Management API token: client-credentials grant, cached, fetched once at a time.

Auth0 counts token requests against a quota of their own, so the token is reused until shortly
before ``expires_in``, refreshed in the background once it enters the last part of its life,
and however many requests arrive together while there is no usable token, only one exchange
runs; the others wait on it.

Served by several worker processes (``userdesk serve --workers N``), the desk shares the token
through a ``TokenFile`` in the data directory: one worker exchanges under a file lock, the
others wait on the lock and read its token. That covers one machine; replicas on several
machines share it through Redis (``REDIS_URL``, ``shared_token.py``), consulted only when a
process has no usable token of its own. While Redis is away each process keeps its token
and, when it needs a new one, goes back to the token file (or exchanges on its own).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from userdesk.desk.errors import UpstreamRateLimited, UpstreamUnavailable
from userdesk.private_files import replace_private

if TYPE_CHECKING:
    from userdesk.desk.directory.shared_token import SharedTokens

log = logging.getLogger("userdesk.desk.directory")

Clock = Callable[[], float]

# Stop using a token this long before it expires: clocks drift and requests take time.
EXPIRY_MARGIN = 30.0
# Start a background refresh once this share of the lifetime has passed.
REFRESH_AHEAD = 0.8
# After the provider rejects the credentials, answer from memory for this long instead of
# sending the same wrong secret again on every request.
REJECTION_COOLDOWN = 30.0
SHARED_TOKEN_FILE = "management-token.json"


@dataclass(frozen=True)
class ClientCredentials:
    token_url: str
    client_id: str
    client_secret: str
    audience: str

    def __repr__(self) -> str:
        return f"ClientCredentials(client_id={self.client_id!r}, audience={self.audience!r})"

    @property
    def identity(self) -> str:
        """What a shared token is stored under: where, for whom, for what; not the secret."""
        return f"{self.token_url} {self.client_id} {self.audience}"


@dataclass
class _Token:
    value: str
    refresh_at: float
    expires_at: float


class TokenFile:
    """A token shared by the processes of one machine: a JSON file (0600) and its lock file.

    Entries name the token URL, client and audience they were issued for (never the secret),
    so a data directory pointed at another tenant never hands out the wrong token. Times in
    the file are wall-clock seconds; each process turns them into its own clock's.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock_path = path.with_name(path.name + ".lock")

    def lock(self) -> int:
        """Block until this process holds the lock; returns the descriptor to ``unlock``."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        return fd

    @staticmethod
    def unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    def read(self, key: str) -> dict[str, Any] | None:
        try:
            entry = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return None
        return entry if isinstance(entry, dict) and entry.get("key") == key else None

    def write(self, entry: dict[str, Any]) -> None:
        replace_private(self.path, json.dumps(entry))


class TokenSource:
    def __init__(
        self,
        http: httpx.AsyncClient,
        credentials: ClientCredentials,
        clock: Clock = time.monotonic,
        shared: TokenFile | None = None,
        redis: SharedTokens | None = None,
    ) -> None:
        self._http = http
        self._credentials = credentials
        self._clock = clock
        self._shared = shared
        self._redis = redis
        self._discarding: set[asyncio.Task[None]] = set()
        # A token the Management API refused: never taken back from the shared file.
        self._refused: str | None = None
        self._token: _Token | None = None
        self._inflight: asyncio.Task[_Token] | None = None
        self._rejected: tuple[float, UpstreamUnavailable] | None = None

    async def token(self) -> str:
        now = self._clock()
        current = self._token
        if current is not None and now < current.expires_at:
            if now >= current.refresh_at and not self._recently_rejected(now):
                self._start_fetch()
            return current.value
        if self._recently_rejected(now) and self._rejected is not None:
            raise self._rejected[1]
        # shield: a caller that goes away must not cancel the exchange the others wait on.
        return (await asyncio.shield(self._start_fetch())).value

    def _recently_rejected(self, now: float) -> bool:
        return self._rejected is not None and now - self._rejected[0] < REJECTION_COOLDOWN

    def invalidate(self, value: str) -> None:
        """Forget ``value`` after the Management API refused it (revoked, key rotated...)."""
        self._refused = value
        if self._token is not None and self._token.value == value:
            self._token = None
        if self._redis is not None:
            task = asyncio.create_task(self._discard_shared(self._redis, value))
            self._discarding.add(task)
            task.add_done_callback(self._discarding.discard)

    async def _discard_shared(self, redis: SharedTokens, value: str) -> None:
        from userdesk.desk.shared import SharedUnavailable

        # Redis away: the other replicas find out from the Management API, as this one did.
        with contextlib.suppress(SharedUnavailable):
            await redis.discard(value)

    def _start_fetch(self) -> asyncio.Task[_Token]:
        # No await between the check and the assignment: one event loop, so one exchange.
        if self._inflight is None:
            self._inflight = asyncio.create_task(self._fetch())
            self._inflight.add_done_callback(self._fetched)
        return self._inflight

    def _fetched(self, task: asyncio.Task[_Token]) -> None:
        self._inflight = None
        if not task.cancelled() and task.exception() is None:
            self._token = task.result()
            self._rejected = None

    async def _fetch(self) -> _Token:
        if self._redis is not None:
            from userdesk.desk.shared import SharedUnavailable

            try:
                return await self._fetch_shared(self._redis)
            except SharedUnavailable:
                pass  # logged by the outage; this machine's own ways follow
        if self._shared is None:
            return await self._exchange()
        shared = self._shared
        creds = self._credentials
        key = creds.identity
        fd = await asyncio.to_thread(shared.lock)
        try:
            entry = await asyncio.to_thread(shared.read, key)
            # Wall-clock seconds in the file, this source's clock in memory.
            offset = self._clock() - time.time()
            if (
                entry is not None
                and entry.get("access_token") != self._refused
                and time.time() < float(entry["refresh_at"])
            ):
                return _Token(
                    value=str(entry["access_token"]),
                    refresh_at=float(entry["refresh_at"]) + offset,
                    expires_at=float(entry["expires_at"]) + offset,
                )
            token = await self._exchange()
            await asyncio.to_thread(
                shared.write,
                {
                    "key": key,
                    "access_token": token.value,
                    "refresh_at": token.refresh_at - offset,
                    "expires_at": token.expires_at - offset,
                },
            )
            return token
        finally:
            shared.unlock(fd)

    async def _fetch_shared(self, redis: SharedTokens) -> _Token:
        # Wall-clock seconds in Redis, this source's clock in memory.
        offset = self._clock() - time.time()

        def usable(entry: dict[str, Any]) -> bool:
            return entry.get("access_token") != self._refused and time.time() < float(
                entry.get("refresh_at", 0)
            )

        async def exchange() -> dict[str, Any]:
            token = await self._exchange()
            return {
                "access_token": token.value,
                "refresh_at": token.refresh_at - offset,
                "expires_at": token.expires_at - offset,
            }

        entry = await redis.get_or_exchange(usable, exchange)
        return _Token(
            value=str(entry["access_token"]),
            refresh_at=float(entry["refresh_at"]) + offset,
            expires_at=float(entry["expires_at"]) + offset,
        )

    async def _exchange(self) -> _Token:
        creds = self._credentials
        started = self._clock()
        try:
            response = await self._http.post(
                creds.token_url,
                data={
                    "grant_type": "client_credentials",
                    "client_id": creds.client_id,
                    "client_secret": creds.client_secret,
                    "audience": creds.audience,
                },
            )
        except httpx.TimeoutException as exc:
            raise UpstreamUnavailable(
                f"The identity provider's token endpoint timed out ({creds.token_url})"
            ) from exc
        except httpx.TransportError as exc:
            raise UpstreamUnavailable(
                f"Cannot reach the identity provider's token endpoint at {creds.token_url}: "
                f"{_reason(exc)}"
            ) from exc
        if response.status_code in (400, 401, 403):
            error = UpstreamUnavailable(
                "The identity provider refused the desk's machine credentials (CLIENT_ID "
                f"{creds.client_id}): {_describe(response)}. Check CLIENT_ID, CLIENT_SECRET "
                "and the client's grant for the Management API."
            )
            log.error("client-credentials exchange refused: %s", error.message)
            self._rejected = (self._clock(), error)
            raise error
        if response.status_code == 429:
            # Auth0 rate limits token requests too (per client and tenant): pass the wait on.
            retry_after = response.headers.get("retry-after", "")
            raise UpstreamRateLimited(int(retry_after) if retry_after.isdigit() else 1)
        if response.status_code >= 300:
            raise UpstreamUnavailable(
                f"The identity provider's token endpoint answered {response.status_code}: "
                f"{_describe(response)}"
            )
        try:
            body = response.json()
            value = str(body["access_token"])
            lifetime = float(body.get("expires_in", 86400))
        except (ValueError, KeyError, TypeError) as exc:
            raise UpstreamUnavailable(
                "The identity provider's token endpoint sent an answer without access_token"
            ) from exc
        usable = max(lifetime - min(EXPIRY_MARGIN, lifetime / 4), 0.0)
        return _Token(
            value=value,
            refresh_at=started + usable * REFRESH_AHEAD,
            expires_at=started + usable,
        )


def _describe(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(body, dict):
        error = body.get("error") or body.get("errorCode") or f"HTTP {response.status_code}"
        detail = body.get("error_description") or body.get("message")
        return f"{error}: {detail}" if detail else str(error)
    return f"HTTP {response.status_code}"


def _reason(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.ConnectError):
        return "connection refused or host unreachable"
    return type(exc).__name__
