"""Auth0's own Python SDK (auth0-python's Authentication API classes) against the tenant.

A client no one here wrote: it sends JSON bodies, builds URLs from ``protocol`` and
``domain``, and its TokenVerifier checks ID tokens the way Auth0 documents.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from auth0.authentication import GetToken, RevokeToken, Users
from auth0.authentication.exceptions import Auth0Error
from auth0.authentication.token_verifier import AsymmetricSignatureVerifier, TokenVerifier

from tests.support.servers import RunningTenant
from tests.tenant.oidc.flow import Browser

MakeUser = Callable[..., tuple[str, str, str]]
REALM = "Username-Password-Authentication"


def domain(tenant: RunningTenant) -> str:
    return tenant.url.split("://", 1)[1]


def script_get_token(tenant: RunningTenant) -> GetToken:
    script = tenant.config["script_client"]
    return GetToken(
        domain(tenant), script["client_id"], client_secret=script["client_secret"], protocol="http"
    )


def id_token_verifier(tenant: RunningTenant, client_id: str) -> TokenVerifier:
    keys = AsymmetricSignatureVerifier(f"{tenant.url}/.well-known/jwks.json")
    return TokenVerifier(signature_verifier=keys, issuer=tenant.issuer, audience=client_id)


def test_sdk_client_credentials_with_the_https_management_audience(tenant: RunningTenant) -> None:
    backend = tenant.config["backend"]
    get_token = GetToken(
        domain(tenant),
        backend["client_id"],
        client_secret=backend["client_secret"],
        protocol="http",
    )
    answer = get_token.client_credentials(f"https://{domain(tenant)}/api/v2/")
    assert answer["token_type"] == "Bearer" and answer["expires_in"] > 0


def test_sdk_login_refresh_userinfo_and_revoke(tenant: RunningTenant, make_user: MakeUser) -> None:
    email, password, user_id = make_user("Support")
    get_token = script_get_token(tenant)
    answer = get_token.login(
        email,
        password,
        scope="openid profile email offline_access",
        realm=REALM,
        audience=tenant.config["api_audience"],
    )
    verifier = id_token_verifier(tenant, tenant.config["script_client"]["client_id"])
    assert verifier.verify(answer["id_token"])["sub"] == user_id

    refreshed = get_token.refresh_token(answer["refresh_token"])
    assert verifier.verify(refreshed["id_token"])["email"] == email

    profile = Users(domain(tenant), protocol="http").userinfo(refreshed["access_token"])
    assert profile["sub"] == user_id and profile["email"] == email

    script = tenant.config["script_client"]
    RevokeToken(
        domain(tenant), script["client_id"], client_secret=script["client_secret"], protocol="http"
    ).revoke_refresh_token(refreshed["refresh_token"])
    with pytest.raises(Auth0Error) as refused:
        get_token.refresh_token(refreshed["refresh_token"])
    assert refused.value.status_code == 403
    assert refused.value.error_code == "invalid_grant"


def test_sdk_sees_auth0_errors_for_a_wrong_password(
    tenant: RunningTenant, make_user: MakeUser
) -> None:
    email, _, _ = make_user()
    with pytest.raises(Auth0Error) as refused:
        script_get_token(tenant).login(email, "wrong", realm=REALM)
    assert refused.value.status_code == 403
    assert refused.value.error_code == "invalid_grant"
    assert refused.value.message == "Wrong email or password."


def test_sdk_token_verifier_accepts_the_code_flow_id_token_with_nonce_and_max_age(
    tenant: RunningTenant, browser: Browser, make_user: MakeUser
) -> None:
    email, password, user_id = make_user()
    code = browser.login_for_code(email, password, max_age="300")
    tokens = browser.exchange(code).json()
    verifier = id_token_verifier(tenant, tenant.config["spa_client_id"])
    claims = verifier.verify(tokens["id_token"], nonce=browser.nonce, max_age=300)
    assert claims["sub"] == user_id
