"""The forge against an independent strict verifier (PyJWT with the tenant's JWKS).

If a forgery were accidentally valid, or a "valid" token accidentally broken, every matrix
cell built on it would pass for the wrong reason; this pins each one to the single flaw it names.
"""

from __future__ import annotations

import jwt
import pytest

from tests.support.forge import BAD_TOKENS, Forge, Forgery
from tests.support.servers import RunningTenant


@pytest.fixture(scope="module")
def forge(tenant: RunningTenant) -> Forge:
    return Forge.for_desk(tenant)


def strict_verify(tenant: RunningTenant, token: str) -> dict[str, object]:
    jwks = jwt.PyJWKSet.from_dict(tenant.app.state.tenant.keys.jwks())
    kid = jwt.get_unverified_header(token).get("kid")
    matching = [k for k in jwks.keys if k.key_id == kid]
    if not matching:
        raise jwt.InvalidKeyError("unknown kid")
    return jwt.decode(
        token,
        matching[0].key,
        algorithms=["RS256"],
        audience=tenant.config["api_audience"],
        issuer=tenant.issuer,
        options={"require": ["exp", "iat", "iss", "aud", "sub"]},
    )


@pytest.mark.parametrize("forgery", [Forgery.WITH_PERMISSION, Forgery.WITHOUT_PERMISSION])
def test_valid_tokens_verify(tenant: RunningTenant, forge: Forge, forgery: Forgery) -> None:
    token = forge.token(forgery, ["delete:users"])
    assert token is not None
    claims = strict_verify(tenant, token)
    has_it = "delete:users" in claims["permissions"]  # type: ignore[operator]
    assert has_it is (forgery is Forgery.WITH_PERMISSION)


def test_tenant_keyring_accepts_the_forged_valid_token(tenant: RunningTenant, forge: Forge) -> None:
    token = forge.token(Forgery.WITH_PERMISSION, ["read:users"])
    assert tenant.app.state.tenant.keys.verify(token)["sub"] == forge.subject


@pytest.mark.parametrize("forgery", [f for f in BAD_TOKENS if f is not Forgery.NO_TOKEN])
def test_each_forgery_fails_strict_verification(
    tenant: RunningTenant, forge: Forge, forgery: Forgery
) -> None:
    token = forge.token(forgery, ["read:users"])
    assert token is not None
    with pytest.raises((jwt.PyJWTError, ValueError)):
        strict_verify(tenant, token)


def test_scope_forge_puts_rights_in_scope(tenant: RunningTenant) -> None:
    forge = Forge.for_tenant(tenant, tenant.config["management_audience"], grant_claim="scope")
    claims = forge.claims(["read:users", "delete:users"])
    assert claims["scope"] == "read:users delete:users"
    assert "permissions" not in claims
