"""The Management API transport: token, retries and error mapping, nothing about resources.

The resource modules beside it (``users``, ``roles``) own the paths, parameters and answer
shapes; this module only sends what they build and turns the provider's failures into the
desk's errors. It is a thin HTTP client (``transport``: aiohttp in the desk) rather than
auth0-python: that SDK's ``ManagementClient`` fetches tokens with a blocking call and
hard-codes ``https://``, and the desk needs its own retry and error rules anyway. Idempotent
calls (GET, PATCH, DELETE) are retried within a small time budget, honouring ``Retry-After``
and ``x-ratelimit-reset``; a create is retried only when the request never left (connection
refused), never after the provider may have acted on it.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import IO, Any

import httpx
import orjson

from userdesk.desk.directory.tokens import TokenSource
from userdesk.desk.directory.transport import (
    Answer,
    Broken,
    HttpxTransport,
    NotSent,
    TimedOut,
    Transport,
)
from userdesk.desk.errors import (
    BadQuery,
    DeskError,
    NotFound,
    UpstreamConflict,
    UpstreamFailed,
    UpstreamRateLimited,
    UpstreamUnavailable,
)

log = logging.getLogger("userdesk.desk.directory")

Sleep = Callable[[float], Awaitable[None]]

_RETRYABLE_STATUS = {429, 500, 502, 503, 504}


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    # Total seconds a request may spend waiting between attempts; past it, answer now.
    budget: float = 2.0
    backoff: float = 0.2


class LinkRefused(DeskError):
    """A download link that no longer works (expired): read its job again for a new one."""

    status_code = 502
    code = "upstream_error"


class _Retry(Exception):
    """An attempt failed in a way worth another try; ``error`` is what to raise if not."""

    def __init__(self, error: DeskError, wait: float) -> None:
        self.error = error
        self.wait = wait


class ManagementClient:
    def __init__(
        self,
        http: Transport | httpx.AsyncClient,
        base_url: str,
        tokens: TokenSource,
        policy: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        files: httpx.AsyncClient | None = None,
    ) -> None:
        self._http = HttpxTransport(http) if isinstance(http, httpx.AsyncClient) else http
        # Downloads of the files the provider links to (streamed; never the desk's token).
        self._files = (
            files if files is not None else (http if isinstance(http, httpx.AsyncClient) else None)
        )
        self._base = base_url.rstrip("/")
        self._tokens = tokens
        self._policy = policy or RetryPolicy()
        self._sleep = sleep

    async def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        response = await self._send("GET", path, params=params, idempotent=True)
        return _json(response)

    async def get_bytes(self, path: str, params: dict[str, Any] | None = None) -> bytes:
        """The answer's body as sent, for callers that validate it straight from JSON."""
        response = await self._send("GET", path, params=params, idempotent=True)
        return response.content

    async def delete(self, path: str, body: Any = None) -> int:
        response = await self._send("DELETE", path, json=body, idempotent=True)
        return response.status

    async def post(self, path: str, body: Any) -> Any:
        response = await self._send("POST", path, json=body, idempotent=False)
        return _json(response) if response.content else None

    async def patch(self, path: str, body: Any) -> Any:
        # A PATCH sets fields to given values, so sending it twice lands in the same state.
        response = await self._send("PATCH", path, json=body, idempotent=True)
        return _json(response) if response.content else None

    async def download(self, url: str, out: IO[bytes]) -> int:
        """Stream a file the provider links to (an export job's ``location``) into ``out``.

        The link is its own credential (a signed S3 URL on Auth0): the desk's token is never
        sent with it, whatever host it names. Returns the bytes written.
        """
        if self._files is None:
            raise UpstreamUnavailable("The desk has no client to download the export file with")
        written = 0
        try:
            async with self._files.stream("GET", url) as response:
                if response.status_code in (401, 403, 404):
                    status = response.status_code
                    raise LinkRefused(f"The export file's link was refused ({status})")
                if response.status_code >= 400:
                    raise UpstreamFailed(
                        f"The export file could not be downloaded (HTTP {response.status_code})"
                    )
                async for chunk in response.aiter_raw():
                    out.write(chunk)
                    written += len(chunk)
        except httpx.TransportError as exc:
            raise UpstreamUnavailable(
                f"The export file's download failed ({type(exc).__name__})"
            ) from exc
        return written

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        idempotent: bool,
    ) -> Answer:
        policy = self._policy
        waited = 0.0
        attempt = 0
        refreshed = False
        while True:
            attempt += 1
            token = await self._tokens.token()
            try:
                response = await self._attempt(method, path, token, params, json, idempotent)
            except _Retry as retry:
                wait = retry.wait if retry.wait > 0 else policy.backoff * 2 ** (attempt - 1)
                if attempt >= policy.attempts or waited + wait > policy.budget:
                    raise retry.error from None
                log.info("retrying %s %s in %.2fs: %s", method, path, wait, retry.error.message)
                waited += wait
                await self._sleep(wait)
                continue
            if response.status == 401 and not refreshed:
                # A token the provider no longer accepts (revoked, signing key rotated):
                # forget it and try once with a fresh one.
                self._tokens.invalidate(token)
                refreshed = True
                attempt -= 1
                continue
            return self._checked(response)

    async def _attempt(
        self,
        method: str,
        path: str,
        token: str,
        params: dict[str, Any] | None,
        json: Any,
        idempotent: bool,
    ) -> Answer:
        url = f"{self._base}{path}"
        try:
            response = await self._http.send(
                method,
                url,
                params=params,
                json=json,
                headers={"Authorization": f"Bearer {token}"},
            )
        except NotSent as exc:
            # Nothing was sent, so even a create may try again.
            raise _Retry(
                UpstreamUnavailable(f"Cannot reach the identity provider at {self._base}"), 0
            ) from exc
        except TimedOut as exc:
            error = UpstreamUnavailable(f"The identity provider timed out ({method} {path})")
            if idempotent:
                raise _Retry(error, 0) from exc
            raise error from exc
        except Broken as exc:
            error = UpstreamUnavailable(
                f"The connection to the identity provider failed ({exc.what})"
            )
            if idempotent:
                raise _Retry(error, 0) from exc
            raise error from exc
        if idempotent and response.status in _RETRYABLE_STATUS:
            raise _Retry(_status_error(response), _wait_hint(response))
        return response

    def _checked(self, response: Answer) -> Answer:
        if response.status < 400:
            return response
        raise _status_error(response)


def _json(response: Answer) -> Any:
    # orjson: a page of users parses several times faster than with the standard library.
    try:
        return orjson.loads(response.content)
    except ValueError as exc:
        error = UpstreamFailed(
            f"The identity provider sent an answer that is not JSON ({response.method} "
            f"{response.path}, HTTP {response.status})"
        )
        error.upstream_status = response.status
        raise error from exc


def _status_error(response: Answer) -> DeskError:
    error = _error_for(response)
    error.upstream_status = response.status
    return error


def _error_for(response: Answer) -> DeskError:
    status = response.status
    message = _message(response)
    if status == 400:
        return BadQuery(f"The identity provider rejected the request: {message}", reason=message)
    if status == 401:
        return UpstreamUnavailable(
            f"The Management API refused the desk's token after a fresh exchange: {message}"
        )
    if status == 403:
        return UpstreamFailed(
            f"The desk's machine client is not allowed to do this: {message}. "
            "Grant it the Management API scope named above."
        )
    if status == 404:
        return NotFound(message)
    if status == 409:
        return UpstreamConflict(
            f"The identity provider refused the change: {message}", reason=message
        )
    if status == 429:
        return UpstreamRateLimited(max(1, math.ceil(_wait_hint(response) or 1)))
    if status == 503:
        return UpstreamUnavailable(f"The identity provider is unavailable (503): {message}")
    if status >= 500:
        return UpstreamFailed(f"The identity provider failed ({status}): {message}")
    return UpstreamFailed(f"The identity provider answered {status}: {message}")


def _message(response: Answer) -> str:
    try:
        body = orjson.loads(response.content)
    except ValueError:
        return response.reason or f"HTTP {response.status}"
    if isinstance(body, dict):
        return str(body.get("message") or body.get("error") or response.reason)
    return response.reason


def _wait_hint(response: Answer) -> float:
    """Seconds the provider asks us to wait: Retry-After first, then x-ratelimit-reset."""
    retry_after = response.headers.get("retry-after")
    if retry_after:
        try:
            return max(0.0, float(retry_after))
        except ValueError:
            try:
                return max(0.0, parsedate_to_datetime(retry_after).timestamp() - time.time())
            except (TypeError, ValueError):
                pass
    reset = response.headers.get("x-ratelimit-reset")
    if reset and response.status == 429:
        try:
            return max(0.0, float(reset) - time.time())
        except ValueError:
            pass
    return 0.0
