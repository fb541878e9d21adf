"""``refresh_token``: always rotated; a reused token revokes its whole family.

spa-js verifies an ID token on every token answer and drops its stored refresh token when
an answer has none, so each refresh returns both a new refresh token and an ID token.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from userdesk.tenant.clock import utcnow
from userdesk.tenant.management.users.repository import UserRepository
from userdesk.tenant.oidc import claims, issuance
from userdesk.tenant.oidc.clients import authenticate
from userdesk.tenant.oidc.errors import (
    InvalidGrant,
    InvalidRequest,
    OAuthError,
    UnauthorizedClient,
)
from userdesk.tenant.oidc.grants.base import TokenRequest
from userdesk.tenant.oidc.repository import RefreshTokenRepository
from userdesk.tenant.store.models import Client, RefreshToken, User

GRANT_TYPE = "refresh_token"
# spa-js matches "invalid refresh token" in this text to fall back to the iframe.
INVALID = "Unknown or invalid refresh token."
# spa-js matches "user is blocked" to sign the user out.
USER_BLOCKED = "user is blocked"


def exchange(request: TokenRequest) -> dict[str, Any]:
    client: Client | None = None
    user: User | None = None
    token: RefreshToken | None = None
    try:
        client = authenticate(request.session, request.params, request.basic)
        if GRANT_TYPE not in (client.grant_types or []):
            raise UnauthorizedClient(f"Grant type '{GRANT_TYPE}' not allowed for the client.")
        token = _find(request)
        user = UserRepository(request.session).by_user_id(token.user_id) if token else None
        token = _rotate(request, client, token)
        if user is None:
            raise InvalidGrant(INVALID)
        if user.blocked:
            # Auth0 refuses the refresh of a blocked user as a grant error, not "unauthorized".
            raise InvalidGrant(USER_BLOCKED)
        grant = issuance.Grant(
            user=user,
            client=client,
            audience=token.audience,
            scope=token.scope,
            auth_time=token.auth_time,
            sid=claims.session_id(user.user_id, token.auth_time),
            login_session=token.session_id,
            ip=request.ip,
            user_agent=request.user_agent,
        )
        answer, _ = issuance.issue(
            request.session, request.tenant, grant, family_id=token.family_id
        )
    except OAuthError as exc:
        user_id = token.user_id if token else None
        request.log(
            "fertft", client=client, user=user, user_id=user_id, description=exc.description
        )
        raise
    request.log("sertft", client=client, user=user, audience=token.audience, scope=token.scope)
    return answer


def _find(request: TokenRequest) -> RefreshToken | None:
    value = request.params.get("refresh_token")
    if not value:
        raise InvalidRequest("Missing required parameter: refresh_token")
    return RefreshTokenRepository(request.session).get(claims.digest(value))


def _rotate(request: TokenRequest, client: Client, token: RefreshToken | None) -> RefreshToken:
    tokens = RefreshTokenRepository(request.session)
    now = utcnow()
    if token is None or token.client_id != client.client_id:
        raise InvalidGrant(INVALID)
    if token.revoked_at is not None or token.expires_at <= now:
        raise InvalidGrant(INVALID)
    if token.rotated_at is not None or not tokens.rotate(token.token_hash, now):
        reuse_window = timedelta(seconds=client.refresh_reuse_interval or 0)
        rotated_at = token.rotated_at or now
        if now - rotated_at > reuse_window or not reuse_window:
            # A rotated token came back: someone holds a copy. Nobody keeps the family.
            tokens.revoke_family(token.family_id, now)
            raise InvalidGrant(INVALID)
    return token
