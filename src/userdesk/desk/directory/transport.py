"""How the Management API client puts a request on the wire: aiohttp in the desk, or httpx.

The desk sends the Management API one call for nearly every request it answers, so the HTTP
client's own cost per call is paid on the hot path. Measured against the embedded tenant
(GET /users, 50 a page, 10 at a time): httpx about 0.8 ms of CPU a call, most of it in
httpcore's pool bookkeeping, which walks and polls every pooled connection twice a request;
aiohttp about 0.16 ms (C parser, a keyed pool). The desk therefore sends Management API calls
through aiohttp; ``HttpxTransport`` keeps an ``httpx.AsyncClient`` usable for callers that
hold one (tests, scripts). Both turn their library's failures into the three that the retry
rules tell apart: nothing was sent, no answer in time, the connection broke.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit
from urllib.request import getproxies_environment, proxy_bypass

import aiohttp
import httpx
import orjson

Params = Mapping[str, Any]


@dataclass(frozen=True)
class Answer:
    method: str
    path: str
    status: int
    reason: str
    # Case-insensitive, as both libraries' header maps are.
    headers: Mapping[str, str]
    content: bytes


class TransportError(Exception):
    """The exchange failed below HTTP; ``what`` names the library's error, never its text."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class NotSent(TransportError):
    """The connection could not be made: the provider cannot have seen the request."""


class TimedOut(TransportError):
    """No answer in time: the provider may have acted on the request."""


class Broken(TransportError):
    """The connection failed during the exchange: the provider may have acted on it."""


class Transport(Protocol):
    async def send(
        self,
        method: str,
        url: str,
        *,
        params: Params | None,
        json: Any,
        headers: Mapping[str, str],
    ) -> Answer: ...


def _query(params: Params | None) -> dict[str, str] | None:
    if not params:
        return None
    # As httpx writes them: booleans in lower case, None as an empty value.
    return {
        name: ("true" if value else "false")
        if isinstance(value, bool)
        else ("" if value is None else str(value))
        for name, value in params.items()
    }


def new_session(
    *, timeout: float, connect_timeout: float, user_agent: str
) -> aiohttp.ClientSession:
    """The desk's session for the Management API."""
    connector = aiohttp.TCPConnector(
        # The certificates httpx trusts (certifi's, or SSL_CERT_FILE / SSL_CERT_DIR), so the
        # Management API is trusted as the token exchange beside it is, whatever the system
        # store holds.
        ssl=httpx.create_ssl_context(),
        limit=100,
        limit_per_host=100,
        # Under the 5 s uvicorn (the embedded tenant) keeps an idle connection: a connection
        # the server is about to close is not handed to a request.
        keepalive_timeout=4.0,
    )
    session = aiohttp.ClientSession(
        connector=connector,
        timeout=aiohttp.ClientTimeout(total=timeout, connect=connect_timeout),
        headers={"User-Agent": user_agent},
        # trust_env would read the proxy variables and ~/.netrc again for every request (the
        # file in a worker thread): AiohttpTransport reads the proxy once instead.
        trust_env=False,
        raise_for_status=False,
    )
    # aiohttp sends an idempotent request a second time when its connection breaks; the
    # ManagementClient's retry policy alone decides how often a call is repeated (and a
    # provider in trouble sees at most its attempts). aiohttp's own test client turns its
    # retry off the same way: there is no public option.
    session._retry_connection = False
    return session


def environment_proxy(url: str) -> str | None:
    """The proxy ``HTTP(S)_PROXY`` names for ``url``, unless ``NO_PROXY`` exempts its host.

    The variables httpx reads (and the desk's token exchange, through httpx, follows).
    """
    parts = urlsplit(url)
    proxies = getproxies_environment()
    proxy = proxies.get(parts.scheme)
    if not proxy or proxy_bypass(parts.hostname or ""):
        return None
    return proxy


class AiohttpTransport:
    """Requests to one provider's Management API (``base_url``) through an aiohttp session."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        self._session = session
        self._proxy = environment_proxy(base_url)

    async def send(
        self,
        method: str,
        url: str,
        *,
        params: Params | None,
        json: Any,
        headers: Mapping[str, str],
    ) -> Answer:
        body = None
        if json is not None:
            body = orjson.dumps(json)
            headers = {**headers, "Content-Type": "application/json"}
        try:
            async with self._session.request(
                method,
                url,
                params=_query(params),
                data=body,
                headers=headers,
                # Redirects are the provider's business, never followed on an API call.
                allow_redirects=False,
                proxy=self._proxy,
            ) as response:
                content = await response.read()
                return Answer(
                    method=method,
                    path=response.url.path,
                    status=response.status,
                    reason=response.reason or "",
                    headers=response.headers,
                    content=content,
                )
        except aiohttp.ClientConnectorError as exc:
            raise NotSent(type(exc).__name__) from exc
        except TimeoutError as exc:  # aiohttp's timeouts are asyncio.TimeoutError's kind
            raise TimedOut(type(exc).__name__) from exc
        except aiohttp.ClientError as exc:
            raise Broken(type(exc).__name__) from exc


class HttpxTransport:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def send(
        self,
        method: str,
        url: str,
        *,
        params: Params | None,
        json: Any,
        headers: Mapping[str, str],
    ) -> Answer:
        try:
            response = await self._client.request(
                method, url, params=_query(params), json=json, headers=dict(headers)
            )
        except httpx.ConnectError as exc:
            raise NotSent(type(exc).__name__) from exc
        except httpx.TimeoutException as exc:
            raise TimedOut(type(exc).__name__) from exc
        except httpx.TransportError as exc:
            raise Broken(type(exc).__name__) from exc
        return Answer(
            method=method,
            path=response.request.url.path,
            status=response.status_code,
            reason=response.reason_phrase,
            headers=response.headers,
            content=response.content,
        )
