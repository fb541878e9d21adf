"""Bearer-token authentication and per-route scope checks of the Management API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

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


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        raise Unauthorized("Missing authentication", "missing_authentication")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Bad HTTP authentication header format", "invalid_token")
    return token.strip()


def authenticate(request: Request, tenant: Tenant) -> Caller:
    token = _bearer(request)
    try:
        claims = tenant.keys.verify_access_token(
            token, issuer=tenant.issuer, audiences=tenant.management_audiences
        )
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

    def __call__(self, caller: Authenticated) -> Caller:
        if not caller.scopes.intersection(self.scopes):
            raise InsufficientScope(self.scopes)
        return caller
