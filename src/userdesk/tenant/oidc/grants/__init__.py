"""The token endpoint's grants, one small module each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from userdesk.tenant.oidc.errors import InvalidRequest, OAuthError, RateLimited
from userdesk.tenant.oidc.grants import (
    authorization_code,
    client_credentials,
    password,
    refresh_token,
)
from userdesk.tenant.oidc.grants.base import TokenRequest

Handler = Callable[[TokenRequest], dict[str, Any]]

HANDLERS: dict[str, Handler] = {
    client_credentials.GRANT_TYPE: client_credentials.exchange,
    password.PASSWORD: password.exchange,
    password.PASSWORD_REALM: password.exchange,
    authorization_code.GRANT_TYPE: authorization_code.exchange,
    refresh_token.GRANT_TYPE: refresh_token.exchange,
}


def exchange(request: TokenRequest) -> dict[str, Any]:
    if request.grant_type == client_credentials.GRANT_TYPE:
        # Counted per client once it authenticated (see ratelimit.py), never per IP.
        return client_credentials.exchange(request)
    request.limits.before_attempt(request.ip)
    try:
        return _dispatch(request)
    except RateLimited:
        raise
    except OAuthError:
        request.limits.failed_attempt(request.ip)
        raise


def _dispatch(request: TokenRequest) -> dict[str, Any]:
    grant_type = request.grant_type
    if not grant_type:
        raise InvalidRequest("Missing required parameter: grant_type")
    handler = HANDLERS.get(grant_type)
    if handler is None:
        raise OAuthError("unsupported_grant_type", f"Unsupported grant type: {grant_type}")
    return handler(request)


__all__ = ["TokenRequest", "exchange"]
