"""Token forgery for the authorization matrix: every way a Bearer token can be wrong, and right.

Valid tokens are signed with the tenant's real private key, read from its database, so they
are indistinguishable from what ``/oauth/token`` issues. The forgeries change one thing each,
which is what makes a failing matrix cell point at a single missing check.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import select

from tests.support.servers import RunningTenant


class Forgery(StrEnum):
    NO_TOKEN = "no-token"
    MALFORMED = "malformed"
    EXPIRED = "expired"
    NOT_YET_VALID = "nbf-in-future"
    WRONG_ISSUER = "wrong-issuer"
    WRONG_AUDIENCE = "wrong-audience"
    ALG_NONE = "alg-none"
    # The classic RS256/HS256 confusion: the public key, as PEM or as JWK JSON, as an HMAC secret.
    HS256_PUBLIC_PEM = "hs256-public-pem"
    HS256_PUBLIC_JWK = "hs256-public-jwk"
    UNKNOWN_KID = "unknown-kid"
    # A fresh RSA key that claims the tenant's real kid: only a signature check catches it.
    FOREIGN_KEY = "foreign-key"
    WITHOUT_PERMISSION = "valid-without-permission"
    WITH_PERMISSION = "valid-with-permission"


# Every forgery a correct verifier must refuse with 401.
BAD_TOKENS = [f for f in Forgery if f not in (Forgery.WITHOUT_PERMISSION, Forgery.WITH_PERMISSION)]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segment(value: dict[str, Any]) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def hs256(header: dict[str, Any], claims: dict[str, Any], secret: bytes) -> str:
    # Written out by hand on purpose: every JOSE library refuses to HMAC with a public key.
    signing_input = f"{_segment(header)}.{_segment(claims)}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"


def unsigned(claims: dict[str, Any]) -> str:
    return f"{_segment({'alg': 'none', 'typ': 'JWT'})}.{_segment(claims)}."


@dataclass
class Forge:
    """Tokens for one audience of one issuer; ``grant`` is the claim that carries the rights.

    For the desk, ``grant`` builds ``{"permissions": [...]}``; for the Management API,
    ``{"scope": "..."}``.
    """

    issuer: str
    audience: str
    key: RSAKey
    kid: str
    grant_claim: str = "permissions"
    subject: str = "auth0|forge0000000000000000001"
    azp: str = "forge-client"

    @classmethod
    def for_tenant(cls, tenant: RunningTenant, audience: str, **kwargs: Any) -> Forge:
        from userdesk.tenant.store.models import SigningKey

        context = tenant.app.state.tenant
        kid = context.keys.signing_kid
        with context.sessions() as session:
            row = session.scalar(select(SigningKey).where(SigningKey.kid == kid))
            assert row is not None
            key = RSAKey.import_key(row.private_pem)
        return cls(issuer=tenant.issuer, audience=audience, key=key, kid=kid, **kwargs)

    @classmethod
    def for_desk(cls, tenant: RunningTenant) -> Forge:
        """Tokens for the desk API, issued to a real user of the tenant.

        The desk refuses a token whose account does not exist, so the subject must be one; the
        rights are still whatever each forged token claims.
        """
        from tests.support.tokens import find_or_create_user

        subject = find_or_create_user(tenant, "forged.staff@userdesk.test")
        return cls.for_tenant(tenant, tenant.config["api_audience"], subject=subject)

    def claims(self, rights: list[str], **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": self.subject,
            "aud": self.audience,
            "azp": self.azp,
            "iat": now,
            "exp": now + 600,
            "scope": "openid profile email",
        }
        if self.grant_claim == "scope":
            claims["scope"] = " ".join(rights)
            claims["gty"] = "client-credentials"
        else:
            claims[self.grant_claim] = list(rights)
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def sign(
        self, claims: dict[str, Any], *, kid: str | None = None, key: RSAKey | None = None
    ) -> str:
        header = {"alg": "RS256", "typ": "JWT", "kid": kid or self.kid}
        return jwt.encode(header, claims, key or self.key, algorithms=["RS256"])

    def public_pem(self) -> bytes:
        return self.key.as_pem(private=False)

    def public_jwk_json(self) -> bytes:
        jwk = self.key.as_dict(private=False)
        jwk.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return json.dumps(jwk).encode()

    def token(self, forgery: Forgery, rights: list[str] | None = None) -> str | None:
        """The token for one matrix row; ``rights`` are what the route needs (granted or not)."""
        wanted = list(rights or [])
        good = self.claims(wanted)
        now = int(time.time())
        match forgery:
            case Forgery.NO_TOKEN:
                return None
            case Forgery.MALFORMED:
                return "not-a.jwt"
            case Forgery.EXPIRED:
                # Far enough in the past that no verifier's leeway can save it.
                return self.sign({**good, "iat": now - 7200, "exp": now - 3600})
            case Forgery.NOT_YET_VALID:
                return self.sign({**good, "nbf": now + 3600})
            case Forgery.WRONG_ISSUER:
                # The same host without the trailing slash: issuers compare as exact strings.
                return self.sign({**good, "iss": self.issuer.rstrip("/")})
            case Forgery.WRONG_AUDIENCE:
                return self.sign({**good, "aud": f"{self.audience.rstrip('/')}-other"})
            case Forgery.ALG_NONE:
                return unsigned(good)
            case Forgery.HS256_PUBLIC_PEM:
                header = {"alg": "HS256", "typ": "JWT", "kid": self.kid}
                return hs256(header, good, self.public_pem())
            case Forgery.HS256_PUBLIC_JWK:
                header = {"alg": "HS256", "typ": "JWT", "kid": self.kid}
                return hs256(header, good, self.public_jwk_json())
            case Forgery.UNKNOWN_KID:
                return self.sign(good, kid="forged-kid-not-in-the-jwks")
            case Forgery.FOREIGN_KEY:
                return self.sign(good, key=foreign_key())
            case Forgery.WITHOUT_PERMISSION:
                return self.sign(self.claims(unrelated_rights(wanted, self.grant_claim)))
            case Forgery.WITH_PERMISSION:
                return self.sign(good)
        raise AssertionError(forgery)


_FOREIGN: list[RSAKey] = []


def foreign_key() -> RSAKey:
    if not _FOREIGN:
        _FOREIGN.append(RSAKey.generate_key(2048))
    return _FOREIGN[0]


def unrelated_rights(wanted: list[str], grant_claim: str) -> list[str]:
    """Rights that look plausible but grant nothing the route asks for.

    A token with no rights at all would pass a check that only looks for "any permissions";
    this one carries real names of other rights, so only an exact check refuses it.
    """
    pool = (
        ["read:logs", "read:clients", "read:connections"]
        if grant_claim == "scope"
        else ["read:audit", "update:roles", "read:users"]
    )
    # manage:users implies every desk permission, so it must never appear here.
    return [r for r in pool if r not in wanted and r != "manage:users"]


def bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token is not None else {}
