"""Bearer-token authentication and per-route scope checks of the Management API.

The dependencies are ``async``: they do no I/O, and a sync dependency costs every request a
trip to the thread pool. Verified tokens are remembered by their SHA-256 until they expire,
so a client that sends the same token all day pays for one signature check.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request

from userdesk.tenant import clock
from userdesk.tenant.context import Tenant
from userdesk.tenant.keys import TokenRejected
from userdesk.tenant.management.errors import InsufficientScope, RateLimited, Unauthorized
from userdesk.tenant.management.ratelimit import SCOPE_KEY, RateLimiter, Slot


@dataclass(frozen=True)
class Caller:
    """Who called: the client behind a verified Management API token."""

    client_id: str
    subject: str
    scopes: frozenset[str]


class VerifiedTokens:
    """Claims of verified Management tokens by the token's SHA-256, until ``exp``; bounded.

    The signing keys are loaded once per process and the issuer and audiences are fixed, so
    a token that verified once verifies again until it expires; expiry is checked on every
    hit, and an expired token goes through full verification again for the exact refusal.
    """

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._entries: OrderedDict[bytes, tuple[float, dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def verify(self, tenant: Tenant, token: str) -> dict[str, Any]:
        key = hashlib.sha256(token.encode()).digest()
        now = clock.epoch()
        with self._lock:
            hit = self._entries.get(key)
        if hit is not None and now < hit[0]:
            return hit[1]
        claims = tenant.keys.verify_access_token(
            token, issuer=tenant.issuer, audiences=tenant.management_audiences
        )
        # Verified means ``exp`` is a number in the future and ``nbf``, if any, has passed.
        with self._lock:
            self._entries[key] = (float(claims["exp"]), claims)
            if len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return claims


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        raise Unauthorized("Missing authentication", "missing_authentication")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Bad HTTP authentication header format", "invalid_token")
    return token.strip()


async def authenticate(request: Request, tenant: Tenant) -> Caller:
    token = _bearer(request)
    verified: VerifiedTokens = request.app.state.management_tokens
    try:
        claims = verified.verify(tenant, token)
    except TokenRejected as exc:
        raise Unauthorized(str(exc)) from exc
    scope = claims.get("scope", "")
    scopes = frozenset(scope.split()) if isinstance(scope, str) else frozenset()
    subject = str(claims.get("sub", ""))
    client_id = str(claims.get("azp") or claims.get("client_id") or subject.split("@")[0])
    limiter: RateLimiter = request.app.state.management_rate_limiter
    quota, allowed = limiter.hit(client_id)
    slot = request.scope.get(SCOPE_KEY)
    if isinstance(slot, Slot):
        slot.quota = quota
    if not allowed:
        raise RateLimited(quota.retry_after)
    return Caller(client_id=client_id, subject=subject, scopes=scopes)


Authenticated = Annotated[Caller, Depends(authenticate)]


class RequireScope:
    """A route dependency: the token must carry any one of the named scopes."""

    def __init__(self, *scopes: str) -> None:
        self.scopes = list(scopes)

    async def __call__(self, caller: Authenticated) -> Caller:
        if not caller.scopes.intersection(self.scopes):
            raise InsufficientScope(self.scopes)
        return caller
