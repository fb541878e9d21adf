"""The tenant's signing keys: RSA-2048, persisted, published in the JWKS.

Several keys may be published at once so that rotation stays possible: tokens are signed by
the newest active key, and retired keys stay in the JWKS until their tokens have expired.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey
from sqlalchemy.orm import Session

from userdesk.tenant import clock
from userdesk.tenant.oidc.repository import SigningKeyRepository
from userdesk.tenant.store.models import SigningKey


class TokenRejected(ValueError):
    """An access token that does not verify; the message (Auth0's wording) is safe to show."""


@dataclass(frozen=True)
class LoadedKey:
    kid: str
    key: RSAKey
    cert_der: bytes

    def public_jwk(self) -> dict[str, Any]:
        jwk = self.key.as_dict(private=False)
        jwk.update(
            {
                "kid": self.kid,
                "use": "sig",
                "alg": "RS256",
                "x5c": [base64.b64encode(self.cert_der).decode()],
                "x5t": base64.urlsafe_b64encode(hashlib.sha1(self.cert_der).digest())  # noqa: S324
                .rstrip(b"=")
                .decode(),
            }
        )
        return jwk


def _self_signed_cert(private_pem: bytes, common_name: str) -> bytes:
    key = serialization.load_pem_private_key(private_pem, password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = clock.aware_now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


def create_signing_key(session: Session, common_name: str = "userdesk-tenant") -> SigningKey:
    rsa_key = RSAKey.generate_key(2048, auto_kid=True)
    private_pem = rsa_key.as_pem(private=True)
    row = SigningKey(
        kid=rsa_key.thumbprint(),
        private_pem=private_pem.decode(),
        cert_pem=_self_signed_cert(private_pem, common_name).decode(),
        active=True,
        created_at=clock.utcnow(),
    )
    return SigningKeyRepository(session).add(row)


class KeyRing:
    """The published keys, loaded from the database, and the one that signs."""

    def __init__(self, keys: list[LoadedKey], signing_kid: str) -> None:
        self._keys = keys
        self._signing = next(k for k in keys if k.kid == signing_kid)

    @classmethod
    def load(cls, session: Session) -> KeyRing:
        rows = SigningKeyRepository(session).oldest_first()
        if not rows:
            raise RuntimeError("the tenant has no signing key; run the first-start bootstrap")
        loaded = []
        for row in rows:
            cert = x509.load_pem_x509_certificate(row.cert_pem.encode())
            loaded.append(
                LoadedKey(
                    kid=row.kid,
                    key=RSAKey.import_key(row.private_pem),
                    cert_der=cert.public_bytes(serialization.Encoding.DER),
                )
            )
        active = [r for r in rows if r.active]
        return cls(loaded, (active or rows)[-1].kid)

    @property
    def signing_kid(self) -> str:
        return self._signing.kid

    def jwks(self) -> dict[str, Any]:
        return {"keys": [k.public_jwk() for k in self._keys]}

    def sign(self, claims: dict[str, Any]) -> str:
        header = {"alg": "RS256", "typ": "JWT", "kid": self._signing.kid}
        return jwt.encode(header, claims, self._signing.key, algorithms=["RS256"])

    def verify(self, token: str) -> dict[str, Any]:
        """Verify a token signed by any published key (RS256 only) and return its claims.

        Claim checks (``iss``, ``aud``, ``exp``) are the caller's: they differ per endpoint.
        """
        token_obj = jwt.decode(token, self._key_for(token), algorithms=["RS256"])
        return dict(token_obj.claims)

    def verify_access_token(
        self, token: str, *, issuer: str, audiences: Collection[str]
    ) -> dict[str, Any]:
        """Signature, exact issuer, one of ``audiences``, and a numeric, unexpired ``exp``."""
        try:
            claims = self.verify(token)
        except (JoseError, ValueError) as exc:
            raise TokenRejected("Invalid token") from exc
        if claims.get("iss") != issuer:
            raise TokenRejected("Invalid token")
        aud = claims.get("aud")
        aud_list = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
        if not any(isinstance(a, str) and a in audiences for a in aud_list):
            raise TokenRejected(f"Bad audience: {' '.join(str(a) for a in aud_list)}")
        now = clock.epoch()
        exp = claims.get("exp")
        # RFC 7519 NumericDate: a JSON number, never a numeric string or a boolean.
        if not isinstance(exp, int | float) or isinstance(exp, bool):
            raise TokenRejected("Invalid token")
        if exp <= now:
            raise TokenRejected("Expired token received for JSON Web Token validation")
        nbf = claims.get("nbf")
        if nbf is not None and (
            not isinstance(nbf, int | float) or isinstance(nbf, bool) or nbf > now
        ):
            raise TokenRejected("Invalid token")
        return claims

    def _key_for(self, token: str) -> RSAKey:
        try:
            header_b64 = token.split(".", 1)[0]
            header = json.loads(base64.urlsafe_b64decode(header_b64 + "=" * (-len(header_b64) % 4)))
        except (ValueError, IndexError) as exc:
            raise ValueError("malformed token") from exc
        if header.get("alg") != "RS256":
            raise ValueError("unsupported algorithm")
        kid = header.get("kid")
        for k in self._keys:
            if k.kid == kid:
                return k.key
        raise ValueError("unknown key id")
