"""/userinfo: the profile of the user an access token was issued for."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from userdesk.tenant.context import TenantContext
from userdesk.tenant.keys import TokenRejected
from userdesk.tenant.management.users.repository import UserRepository
from userdesk.tenant.oidc import claims
from userdesk.tenant.oidc.errors import OAuthError


class InvalidToken(OAuthError):
    def __init__(self, description: str) -> None:
        challenge = f'Bearer error="invalid_token", error_description="{description}"'
        super().__init__("invalid_token", description, 401, {"WWW-Authenticate": challenge})


def bearer(authorization: str | None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise OAuthError(
            "invalid_request", "Missing Bearer token", 401, {"WWW-Authenticate": "Bearer"}
        )
    return token.strip()


def verify_access_token(tenant: TenantContext, token: str) -> dict[str, Any]:
    """Strict checks: RS256 by a published key, exact issuer, /userinfo audience, not expired."""
    try:
        return tenant.keys.verify_access_token(
            token,
            issuer=tenant.issuer,
            audiences={claims.userinfo_audience(tenant.settings.origin)},
        )
    except TokenRejected as exc:
        raise InvalidToken(f"The access token is not valid for /userinfo: {exc}") from exc


def profile(session: Session, tenant: TenantContext, authorization: str | None) -> dict[str, Any]:
    payload = verify_access_token(tenant, bearer(authorization))
    user = UserRepository(session).by_user_id(str(payload.get("sub", "")))
    if user is None:
        raise InvalidToken("The user no longer exists.")
    scopes = set(str(payload.get("scope", "")).split())
    return {"sub": user.user_id, **claims.profile_claims(user, scopes)}
