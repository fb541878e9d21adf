"""Dependencies shared by the Authentication API routes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from userdesk.tenant.context import Tenant
from userdesk.tenant.oidc.errors import InvalidRequest, OAuthError
from userdesk.tenant.oidc.ratelimit import AuthLimits


def get_oidc_db(tenant: Tenant) -> Iterator[Session]:
    """A transaction that also commits when the route answers with an OAuth error.

    Refusals must leave their traces: the failure log event, the brute-force counter, the
    refresh-token family revoked after a replay. Any other exception rolls back.
    """
    with tenant.sessions() as session:
        try:
            yield session
        except OAuthError:
            session.commit()
            raise
        except Exception:
            session.rollback()
            raise
        session.commit()


OidcDb = Annotated[Session, Depends(get_oidc_db, scope="function")]


def _flatten(data: Any) -> dict[str, str]:
    if not isinstance(data, dict):
        raise InvalidRequest("The request body must be a form or a JSON object.")
    # Unknown parameters are ignored, and non-string values (numbers from JSON) are kept as text.
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items() if v is not None}


async def request_params(request: Request) -> dict[str, str]:
    """The body of a token-style request: form-encoded (spa-js, node-auth0 v4) or JSON (v2)."""
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type == "application/json":
        try:
            return _flatten(json.loads(await request.body() or b"{}"))
        except ValueError as exc:  # JSONDecodeError, or bytes that are not UTF-8
            raise InvalidRequest("The request body is not valid JSON.") from exc
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


Params = Annotated[dict[str, str], Depends(request_params)]


def client_ip(request: Request) -> str:
    # The peer, or the X-Forwarded-For address uvicorn took from a proxy named in
    # --forwarded-allow-ips (never from anyone else).
    return request.client.host if request.client else "unknown"


ClientIp = Annotated[str, Depends(client_ip)]


def get_auth_limits(request: Request) -> AuthLimits:
    limits: AuthLimits = request.app.state.oidc_limits
    return limits


Limits = Annotated[AuthLimits, Depends(get_auth_limits)]


def check_sign_in_attempts(request: Request) -> None:
    """Refuse a sign-in from an address that spent its failed attempts, before any check."""
    get_auth_limits(request).before_attempt(client_ip(request))


SignInAttempt = Depends(check_sign_in_attempts)
