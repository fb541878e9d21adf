"""``authorization_code``: the code from /authorize, single use, PKCE-checked.

spa-js sends no audience or scope here: everything comes from what the code was bound to.
A replayed code means it leaked, so the refresh-token family it produced is revoked.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
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
    UserBlocked,
)
from userdesk.tenant.oidc.grants.base import TokenRequest
from userdesk.tenant.oidc.repository import (
    AuthorizationCodeRepository,
    RefreshTokenRepository,
)
from userdesk.tenant.store.models import AuthorizationCode, Client, User

GRANT_TYPE = "authorization_code"
INVALID_CODE = "Invalid authorization code"


def exchange(request: TokenRequest) -> dict[str, Any]:
    client: Client | None = None
    user: User | None = None
    code: AuthorizationCode | None = None
    try:
        client = authenticate(request.session, request.params, request.basic)
        if GRANT_TYPE not in (client.grant_types or []):
            raise UnauthorizedClient(f"Grant type '{GRANT_TYPE}' not allowed for the client.")
        code = _find(request)
        user = UserRepository(request.session).by_user_id(code.user_id) if code else None
        code = _redeem(request, client, code)
        if user is None:
            raise InvalidGrant(INVALID_CODE)
        if user.blocked:
            raise UserBlocked()
        grant = issuance.Grant(
            user=user,
            client=client,
            audience=code.audience,
            scope=code.scope,
            auth_time=code.auth_time,
            nonce=code.nonce,
            sid=claims.session_id(user.user_id, code.auth_time),
            login_session=claims.session_id(user.user_id, code.auth_time),
            ip=request.ip,
            user_agent=request.user_agent,
        )
        answer, family_id = issuance.issue(request.session, request.tenant, grant)
        code.family_id = family_id
    except OAuthError as exc:
        user_id = code.user_id if code else None
        request.log(
            "feacft", client=client, user=user, user_id=user_id, description=exc.description
        )
        raise
    request.log("seacft", client=client, user=user, audience=code.audience, scope=code.scope)
    return answer


def _find(request: TokenRequest) -> AuthorizationCode | None:
    value = request.params.get("code")
    if not value:
        raise InvalidRequest("Missing required parameter: code")
    return AuthorizationCodeRepository(request.session).get(claims.digest(value))


def _redeem(
    request: TokenRequest, client: Client, code: AuthorizationCode | None
) -> AuthorizationCode:
    codes = AuthorizationCodeRepository(request.session)
    now = utcnow()
    if code is None or code.client_id != client.client_id:
        raise InvalidGrant(INVALID_CODE)
    if code.used_at is not None or not codes.claim(code.code_hash, now):
        if code.family_id:
            RefreshTokenRepository(request.session).revoke_family(code.family_id, now)
        raise InvalidGrant(INVALID_CODE)
    if code.expires_at <= now:
        raise InvalidGrant(INVALID_CODE)
    if request.params.get("redirect_uri", "") != code.redirect_uri:
        raise InvalidGrant("The redirect_uri does not match the one sent to /authorize.")
    if code.code_challenge is not None:
        verifier = request.params.get("code_verifier", "")
        computed = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        if not verifier or not hmac.compare_digest(
            computed.rstrip(b"="), code.code_challenge.encode()
        ):
            raise InvalidGrant("Failed to verify code verifier")
    return code
