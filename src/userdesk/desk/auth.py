"""Staff access tokens: strict verification and the permission dependencies routes declare.

Only RS256 is accepted, whatever the token's header says; the key comes from the issuer's JWKS
(cached, refetched once for an unknown ``kid``, and not more often than every few seconds so a
stream of forged ``kid`` values cannot make the desk hammer the provider); ``iss`` must match
byte for byte, ``aud`` must hold the desk API identifier, ``exp``/``nbf`` get a small leeway.

A token that verified is remembered by its SHA-256 until it expires (a bounded cache): the SPA
sends the same token with every call for an hour, and the signature check and claim parsing
cost more than the rest of a cached request.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Annotated, Any

import httpx
import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from userdesk.desk.errors import InvalidToken, MissingPermission, UpstreamUnavailable
from userdesk.desk.news import CacheNews
from userdesk.permissions import Permission, effective

LEEWAY_SECONDS = 30
JWKS_TTL = 600.0
JWKS_MIN_REFETCH = 10.0
VERIFIED_TOKENS = 10_000
# Cache news (news.py): a replica saw the issuer withdraw a signing key. The key of the news
# is the set of key ids now published, so a replica that has that set already keeps it.
KEYS_NEWS = "signing-keys"


@dataclass(frozen=True)
class Staff:
    sub: str
    email: str | None
    permissions: frozenset[str]
    claims: dict[str, Any] = field(repr=False, compare=False)

    def can(self, permission: str) -> bool:
        return permission in self.permissions


class JwksCache:
    def __init__(
        self, http: httpx.AsyncClient, jwks_url: str, news: CacheNews | None = None
    ) -> None:
        self._http = http
        self._url = jwks_url
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()
        self._news = news
        if news is not None:
            news.on(KEYS_NEWS, self._heard)

    def _heard(self, key_ids: str) -> None:
        if key_ids != _key_ids(self._keys):
            self._fetched_at = None  # read the set again before the next verification

    async def key_for(self, kid: str | None) -> jwt.PyJWK:
        now = time.monotonic()
        if self._fetched_at is None or now - self._fetched_at > JWKS_TTL:
            await self._refresh()
        key = self._find(kid)
        if key is None and self._may_refetch():
            await self._refresh()
            key = self._find(kid)
        if key is None:
            raise InvalidToken("The token is signed with a key the issuer does not publish")
        return key

    def _find(self, kid: str | None) -> jwt.PyJWK | None:
        if kid is None:
            # As jwks-rsa and PyJWKClient do: without a kid, only an unambiguous set matches.
            return next(iter(self._keys.values())) if len(self._keys) == 1 else None
        return self._keys.get(kid)

    def _may_refetch(self) -> bool:
        return self._fetched_at is None or time.monotonic() - self._fetched_at > JWKS_MIN_REFETCH

    async def _refresh(self) -> None:
        seen = self._fetched_at
        async with self._lock:
            if self._fetched_at != seen:
                return  # refreshed by another request while this one waited for the lock
            try:
                response = await self._http.get(self._url)
                response.raise_for_status()
                keys = _signing_keys(response.json())
            except (httpx.HTTPError, ValueError) as exc:
                if self._keys:
                    # Keep verifying with the keys we have, and try again in a little while
                    # rather than on every request while the provider is away.
                    self._fetched_at = time.monotonic() - JWKS_TTL + JWKS_MIN_REFETCH
                    return
                raise UpstreamUnavailable(
                    f"Cannot fetch the identity provider's signing keys from {self._url}"
                ) from exc
            withdrawn = bool(self._keys.keys() - keys.keys())
            self._keys = keys
            self._fetched_at = time.monotonic()
            if withdrawn and self._news is not None:
                # Tokens signed with a withdrawn key must stop verifying on every replica.
                self._news.announce(KEYS_NEWS, _key_ids(keys))


def _key_ids(keys: dict[str, jwt.PyJWK]) -> str:
    return " ".join(sorted(keys))


def _signing_keys(document: Any) -> dict[str, jwt.PyJWK]:
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("not a JWK set")
    keys: dict[str, jwt.PyJWK] = {}
    for jwk in document["keys"]:
        if not isinstance(jwk, dict) or jwk.get("use") not in (None, "sig"):
            continue
        if jwk.get("kty") != "RSA":
            continue
        try:
            keys[str(jwk.get("kid", ""))] = jwt.PyJWK(jwk, algorithm="RS256")
        except jwt.PyJWTError:
            continue
    return keys


class TokenVerifier:
    def __init__(
        self,
        jwks: JwksCache,
        issuer: str,
        audience: str,
        clock: Any = time.time,
        news: CacheNews | None = None,
    ) -> None:
        self._jwks = jwks
        self._issuer = issuer
        self._audience = audience
        self._clock = clock
        # SHA-256 of a verified token -> (the end of its life, leeway included; the staff).
        self._verified: OrderedDict[bytes, tuple[float, Staff]] = OrderedDict()
        if news is not None:
            # Signing keys withdrawn: what verified with them must be checked again.
            news.on(KEYS_NEWS, lambda _key_ids: self._verified.clear())

    async def verify(self, token: str) -> Staff:
        key = hashlib.sha256(token.encode()).digest()
        hit = self._verified.get(key)
        if hit is not None and self._clock() < hit[0]:
            return hit[1]
        staff = await self._verify(token)
        # exp is required and numeric: _staff refused the token otherwise.
        self._verified[key] = (float(staff.claims["exp"]) + LEEWAY_SECONDS, staff)
        if len(self._verified) > VERIFIED_TOKENS:
            self._verified.popitem(last=False)
        return staff

    async def _verify(self, token: str) -> Staff:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken("The access token is malformed") from exc
        if header.get("alg") != "RS256":
            raise InvalidToken("Only RS256-signed access tokens are accepted")
        key = await self._jwks.key_for(header.get("kid"))
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key.key,
                algorithms=["RS256"],
                audience=self._audience,
                issuer=self._issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidToken("The access token has expired") from exc
        except jwt.ImmatureSignatureError as exc:
            raise InvalidToken("The access token is not valid yet") from exc
        except jwt.InvalidAudienceError as exc:
            raise InvalidToken("The access token is not meant for this API") from exc
        except jwt.InvalidIssuerError as exc:
            raise InvalidToken("The access token comes from another issuer") from exc
        except jwt.InvalidSignatureError as exc:
            raise InvalidToken("The access token's signature does not verify") from exc
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"The access token is invalid: {exc}") from exc
        return _staff(claims)


# RFC 7519 NumericDate is a JSON number; PyJWT would also take a numeric string.
_TIME_CLAIMS = ("exp", "nbf", "iat")


def _staff(claims: dict[str, Any]) -> Staff:
    for name in _TIME_CLAIMS:
        value = claims.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise InvalidToken(f"The access token's {name} claim is not a number")
    raw = claims.get("permissions") or []
    if not isinstance(raw, list) or not all(isinstance(p, str) for p in raw):
        raise InvalidToken("The access token's permissions claim is not a list of strings")
    permissions = effective(raw)
    email = claims.get("email")
    if not isinstance(email, str):
        # Auth0 puts profile data in access tokens only through namespaced custom claims.
        email = next(
            (v for k, v in claims.items() if k.endswith("/email") and isinstance(v, str)), None
        )
    return Staff(sub=str(claims["sub"]), email=email, permissions=permissions, claims=claims)


_bearer = HTTPBearer(auto_error=False)


async def current_staff(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Staff:
    if credentials is None:
        header = request.headers.get("authorization")
        if header:
            raise InvalidToken("The Authorization header must be 'Bearer <token>'")
        raise InvalidToken("This request needs a Bearer access token", missing=True)
    desk = request.app.state.desk
    verifier: TokenVerifier = desk.verifier
    staff = await verifier.verify(credentials.credentials)
    # A valid signature is not enough: the account behind it may have been removed since.
    await desk.accounts.ensure_active(staff.sub)
    request.state.staff = staff
    return staff


CurrentStaff = Annotated[Staff, Depends(current_staff)]


class _Permission:
    def __init__(self, permission: Permission, audit_as: str | None) -> None:
        self.permission = permission
        self.audit_as = audit_as

    async def __call__(self, request: Request, staff: CurrentStaff) -> Staff:
        if not staff.can(self.permission):
            error = MissingPermission(self.permission)
            if self.audit_as is not None:
                # A refused write is on record too: who tried what, on which target.
                desk = request.app.state.desk
                await desk.audit.denied(
                    await desk.actors.complete(staff),
                    self.audit_as,
                    str(request.path_params.get("user_id", "")),
                    request.state.request_id,
                    error.message,
                )
            raise error
        return staff


def RequirePermission(permission: Permission, *, audit_as: str | None = None) -> Any:
    """``Annotated[Staff, RequirePermission(Permission.DELETE_USERS)]``: verified and allowed.

    ``audit_as`` names the write a route performs; a refusal is then audited as ``denied``.
    """
    return Depends(_Permission(permission, audit_as))
