"""Token claims, built in one place for every grant.

The ID token's profile claims, the access token's audience list and RBAC ``permissions``, and
the timestamps, each shaped as Auth0 shapes them.
"""

from __future__ import annotations

import hashlib
import secrets
from calendar import timegm
from datetime import datetime
from typing import Any

from userdesk.tenant.store.models import Client, User

OIDC_SCOPES = frozenset({"openid", "profile", "email", "address", "phone", "offline_access"})
PROFILE_CLAIMS = ("name", "nickname", "picture", "given_name", "family_name")
# Dialects that ask for the RBAC ``permissions`` claim in access tokens.
PERMISSION_DIALECTS = frozenset({"access_token_authz", "rfc9068_profile_authz"})


def epoch(value: datetime) -> int:
    """Seconds since the epoch of a naive UTC datetime."""
    return timegm(value.utctimetuple())


def iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def digest(secret: str) -> str:
    """How codes, refresh tokens and session ids are stored: never raw."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def session_id(user_id: str, auth_time: datetime) -> str:
    """The ``sid`` claim: stable for one browser login, and revealing nothing of the cookie."""
    return digest(f"sid:{user_id}:{epoch(auth_time)}")[:32]


def userinfo_audience(origin: str) -> str:
    return f"{origin}/userinfo"


def profile_claims(user: User, scopes: set[str]) -> dict[str, Any]:
    """The user's standard claims for ``scopes`` (ID token and /userinfo share these)."""
    claims: dict[str, Any] = {}
    if "profile" in scopes:
        for name in PROFILE_CLAIMS:
            value = getattr(user, name)
            if value is not None:
                claims[name] = value
        claims.setdefault("name", user.email or user.user_id)
        claims.setdefault("nickname", (user.email or user.user_id).split("@", 1)[0])
        claims.setdefault("picture", default_picture(user))
        claims["updated_at"] = iso(user.updated_at)
    if "email" in scopes and user.email is not None:
        claims["email"] = user.email
        claims["email_verified"] = bool(user.email_verified)
    return claims


def default_picture(user: User) -> str:
    # Auth0 serves a gravatar URL with an initials fallback; no network call is needed for it.
    email_hash = hashlib.md5((user.email or "").strip().lower().encode()).hexdigest()  # noqa: S324
    return f"https://s.gravatar.com/avatar/{email_hash}?s=480&r=pg&d=identicon"


def access_token_claims(
    *,
    issuer: str,
    subject: str,
    audience: str | list[str],
    client_id: str,
    scope: str,
    issued_at: int,
    lifetime: int,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "iss": issuer,
        "sub": subject,
        "aud": audience,
        "iat": issued_at,
        "exp": issued_at + lifetime,
        "scope": scope,
        "azp": client_id,
    }
    claims.update(extra or {})
    return claims


def id_token_claims(
    *,
    issuer: str,
    user: User,
    client: Client,
    scopes: set[str],
    issued_at: int,
    auth_time: datetime,
    nonce: str | None,
    sid: str | None,
) -> dict[str, Any]:
    claims = profile_claims(user, scopes)
    claims.update(
        {
            "iss": issuer,
            "sub": user.user_id,
            "aud": client.client_id,
            "azp": client.client_id,
            "iat": issued_at,
            "exp": issued_at + client.id_token_lifetime,
            "auth_time": epoch(auth_time),
        }
    )
    if sid:
        claims["sid"] = sid
    if nonce:
        claims["nonce"] = nonce
    return claims
