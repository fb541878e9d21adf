"""Issuing user tokens: scope resolution, access token, ID token, refresh-token families.

Every user-facing grant (password, authorization code, refresh) ends here, so all of them
answer the same shape and carry the same claims.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from userdesk.tenant import clock
from userdesk.tenant.clock import utcnow
from userdesk.tenant.context import TenantContext
from userdesk.tenant.ids import prefixed
from userdesk.tenant.management.roles.repository import RoleRepository
from userdesk.tenant.oidc import claims
from userdesk.tenant.oidc.errors import AccessDenied
from userdesk.tenant.oidc.repository import (
    RefreshTokenRepository,
    ResourceServerRepository,
)
from userdesk.tenant.store.models import Client, RefreshToken, ResourceServer, User


@dataclass
class Grant:
    """What a user granted a client: bound to codes and refresh tokens, used to issue tokens."""

    user: User
    client: Client
    audience: str | None
    scope: str
    auth_time: datetime
    nonce: str | None = None
    sid: str | None = None
    # Recorded on refresh tokens for the Management API: the login session they came from
    # (none for the password grant) and the request that obtained them.
    login_session: str | None = None
    ip: str | None = None
    user_agent: str | None = None

    @property
    def scopes(self) -> set[str]:
        return set(self.scope.split())


def resource_server(session: Session, audience: str | None) -> ResourceServer | None:
    if not audience:
        return None
    apis = ResourceServerRepository(session)
    api = apis.by_identifier(audience) or apis.system_api_for(audience)
    if api is None:
        raise AccessDenied(f"Service not found: {audience}")
    return api


def resolve_scope(
    session: Session, client: Client, api: ResourceServer | None, requested: str, user: User
) -> str:
    """The scope a user token gets: OIDC scopes asked for, plus the API scopes allowed.

    With RBAC (``enforce_policies``) an API scope is granted only if the user holds it as a
    permission; ``offline_access`` only where refresh tokens may be issued.
    """
    wanted = list(dict.fromkeys(requested.split()))
    allowed_api: set[str] = set()
    if api is not None:
        allowed_api = {s.get("value", "") for s in api.scopes or []}
        if api.is_system:
            # As at Auth0, a user's own token for the Management API reaches only that user's
            # account (the *:current_user* scopes); administration needs a machine client.
            allowed_api = {s for s in allowed_api if "current_user" in s}
        elif api.enforce_policies:
            allowed_api &= set(RoleRepository(session).permissions_of(user.user_id, api.identifier))
    offline_ok = "refresh_token" in (client.grant_types or []) and (
        api is None or api.allow_offline_access
    )
    granted = []
    for scope in wanted:
        if scope == "offline_access":
            if offline_ok:
                granted.append(scope)
        elif scope in claims.OIDC_SCOPES or scope in allowed_api:
            granted.append(scope)
    return " ".join(granted)


def issue(
    session: Session,
    tenant: TenantContext,
    grant: Grant,
    *,
    gty: str | None = None,
    family_id: str | None = None,
) -> tuple[dict[str, Any], str | None]:
    """The token answer for ``grant``, and the refresh-token family it belongs to (if any)."""
    api = resource_server(session, grant.audience)
    issued_at = int(clock.epoch())
    scopes = grant.scopes
    userinfo = claims.userinfo_audience(tenant.settings.origin)
    if api is None:
        audience: str | list[str] = userinfo
        lifetime = tenant.settings.access_token_lifetime
    else:
        # The audience as asked: the Management API answers to both its http and https forms.
        requested = grant.audience or api.identifier
        audience = [requested, userinfo] if "openid" in scopes else requested
        lifetime = api.token_lifetime
    extra: dict[str, Any] = {}
    if gty:
        extra["gty"] = gty
    if api is not None and api.enforce_policies and api.token_dialect in claims.PERMISSION_DIALECTS:
        extra["permissions"] = RoleRepository(session).permissions_of(
            grant.user.user_id, api.identifier
        )
    access = claims.access_token_claims(
        issuer=tenant.issuer,
        subject=grant.user.user_id,
        audience=audience,
        client_id=grant.client.client_id,
        scope=grant.scope,
        issued_at=issued_at,
        lifetime=lifetime,
        extra=extra,
    )
    answer: dict[str, Any] = {
        "access_token": tenant.keys.sign(access),
        "scope": grant.scope,
        "expires_in": lifetime,
        "token_type": "Bearer",
    }
    if "openid" in scopes:
        answer["id_token"] = tenant.keys.sign(
            claims.id_token_claims(
                issuer=tenant.issuer,
                user=grant.user,
                client=grant.client,
                scopes=scopes,
                issued_at=issued_at,
                auth_time=grant.auth_time,
                nonce=grant.nonce,
                sid=grant.sid,
            )
        )
    if "offline_access" in scopes:
        family_id = family_id or prefixed("rtf_", 24)
        answer["refresh_token"] = new_refresh_token(session, grant, family_id)
    return answer, family_id if "offline_access" in scopes else None


def new_refresh_token(session: Session, grant: Grant, family_id: str) -> str:
    secret = claims.new_secret()
    now = utcnow()
    RefreshTokenRepository(session).add(
        RefreshToken(
            token_hash=claims.digest(secret),
            family_id=family_id,
            client_id=grant.client.client_id,
            user_id=grant.user.user_id,
            audience=grant.audience,
            scope=grant.scope,
            auth_time=grant.auth_time,
            created_at=now,
            expires_at=now + timedelta(seconds=grant.client.refresh_token_lifetime),
            session_id=grant.login_session,
            ip=grant.ip,
            user_agent=grant.user_agent,
        )
    )
    return secret
