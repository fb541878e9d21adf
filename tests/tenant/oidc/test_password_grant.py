"""The password and password-realm grants: RBAC permissions, ID and refresh tokens, refusals."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import jwt
import pytest

from tests.support.servers import RunningTenant
from tests.support.tokens import PASSWORD_GRANT, password_token

MakeUser = Callable[..., tuple[str, str, str]]


def jwks_client(tenant: RunningTenant) -> jwt.PyJWKClient:
    return jwt.PyJWKClient(f"{tenant.url}/.well-known/jwks.json")


def decode(tenant: RunningTenant, token: str, audience: str) -> dict[str, object]:
    key = jwks_client(tenant).get_signing_key_from_jwt(token).key
    return jwt.decode(token, key, algorithms=["RS256"], audience=audience, issuer=tenant.issuer)


def script_form(tenant: RunningTenant, **extra: str) -> dict[str, str]:
    script = tenant.config["script_client"]
    return {
        "grant_type": PASSWORD_GRANT,
        "realm": "Username-Password-Authentication",
        "client_id": script["client_id"],
        "client_secret": script["client_secret"],
        **extra,
    }


@pytest.mark.both_stores  # sign-in on PostgreSQL too
def test_checklist_rbac_permissions_claim_from_roles_verified_by_pyjwkclient(
    tenant: RunningTenant, make_user: MakeUser
) -> None:
    email, password, user_id = make_user("Support")
    api = tenant.config["api_audience"]
    answer = password_token(tenant, email, password, audience=api, scope="openid read:users")
    claims = decode(tenant, answer["access_token"], api)
    assert claims["sub"] == user_id
    assert claims["aud"] == [api, f"{tenant.url}/userinfo"]
    assert claims["permissions"] == ["read:users", "update:users"]
    assert claims["azp"] == tenant.config["script_client"]["client_id"]
    assert claims["scope"] == "openid read:users"
    assert answer["expires_in"] > 0 and answer["token_type"] == "Bearer"


def test_rbac_api_scopes_the_user_does_not_hold_are_dropped(
    tenant: RunningTenant, make_user: MakeUser
) -> None:
    email, password, _ = make_user("Viewer")
    api = tenant.config["api_audience"]
    answer = password_token(tenant, email, password, audience=api, scope="delete:users read:users")
    assert answer["scope"] == "read:users"
    claims = decode(tenant, answer["access_token"], api)
    assert claims["aud"] == api  # no openid: a plain string
    assert claims["permissions"] == ["read:users"]


def test_direct_user_permissions_join_role_permissions(
    tenant: RunningTenant, make_user: MakeUser
) -> None:
    from userdesk.tenant.store.models import UserPermission

    email, password, user_id = make_user("Viewer")
    api = tenant.config["api_audience"]
    with tenant.app.state.tenant.sessions() as session, session.begin():
        session.add(
            UserPermission(
                user_id=user_id, resource_server_identifier=api, permission_name="read:audit"
            )
        )
    answer = password_token(tenant, email, password, audience=api, scope="")
    assert decode(tenant, answer["access_token"], api)["permissions"] == [
        "read:audit",
        "read:users",
    ]


def test_id_token_profile_claims_verified_by_pyjwkclient(
    tenant: RunningTenant, make_user: MakeUser
) -> None:
    email, password, user_id = make_user()
    answer = password_token(tenant, email, password)
    client_id = tenant.config["script_client"]["client_id"]
    claims = decode(tenant, answer["id_token"], client_id)
    assert claims["sub"] == user_id
    assert claims["email"] == email and claims["email_verified"] is True
    for name in ("name", "nickname", "picture", "updated_at", "auth_time", "iat", "exp"):
        assert name in claims
    assert "refresh_token" not in answer


def test_no_audience_gives_a_userinfo_token(tenant: RunningTenant, make_user: MakeUser) -> None:
    email, password, _ = make_user()
    answer = password_token(tenant, email, password)
    userinfo = f"{tenant.url}/userinfo"
    assert decode(tenant, answer["access_token"], userinfo)["aud"] == userinfo


@pytest.mark.both_stores  # sign-in on PostgreSQL too
def test_offline_access_gives_a_refresh_token_when_the_api_allows_it(
    tenant: RunningTenant, make_user: MakeUser
) -> None:
    email, password, _ = make_user()
    api = tenant.config["api_audience"]
    answer = password_token(tenant, email, password, api, "openid offline_access")
    assert answer["refresh_token"]
    assert "offline_access" in answer["scope"].split()
    management = password_token(
        tenant, email, password, tenant.config["management_audience"], "openid offline_access"
    )
    assert "refresh_token" not in management


def test_plain_password_grant_json_body(
    tenant: RunningTenant, http: httpx.Client, make_user: MakeUser
) -> None:
    email, password, _ = make_user()
    form = script_form(tenant, username=email, password=password, scope="openid")
    form["grant_type"] = "password"
    del form["realm"]
    answer = http.post("/oauth/token", json=form)
    assert answer.status_code == 200, answer.text
    assert answer.json()["id_token"]


@pytest.mark.both_stores  # sign-in on PostgreSQL too
def test_refusal_wrong_password(
    tenant: RunningTenant, http: httpx.Client, make_user: MakeUser, log_count: Callable[..., int]
) -> None:
    email, _, user_id = make_user()
    answer = http.post("/oauth/token", data=script_form(tenant, username=email, password="nope"))
    assert answer.status_code == 403
    assert answer.json() == {
        "error": "invalid_grant",
        "error_description": "Wrong email or password.",
    }
    assert log_count("fepft", user_id=user_id) == 1


def test_refusal_unknown_user_looks_like_wrong_password(
    tenant: RunningTenant, http: httpx.Client
) -> None:
    answer = http.post(
        "/oauth/token", data=script_form(tenant, username="nobody@example.com", password="x")
    )
    assert answer.status_code == 403
    assert answer.json()["error_description"] == "Wrong email or password."


@pytest.mark.both_stores  # sign-in on PostgreSQL too
def test_refusal_blocked_user(
    tenant: RunningTenant, http: httpx.Client, make_user: MakeUser
) -> None:
    from sqlalchemy import update

    from userdesk.tenant.store.models import User

    email, password, user_id = make_user()
    with tenant.app.state.tenant.sessions() as session, session.begin():
        session.execute(update(User).where(User.user_id == user_id).values(blocked=True))
    answer = http.post("/oauth/token", data=script_form(tenant, username=email, password=password))
    assert answer.status_code == 401
    assert answer.json() == {"error": "unauthorized", "error_description": "user is blocked"}


def test_refusal_client_without_the_password_grant(
    tenant: RunningTenant, http: httpx.Client, make_user: MakeUser
) -> None:
    email, password, _ = make_user()
    form = script_form(tenant, username=email, password=password)
    form.update(tenant.config["backend"])
    answer = http.post("/oauth/token", data=form)
    assert answer.status_code == 403
    assert answer.json()["error"] == "unauthorized_client"


def test_refusal_script_client_wrong_secret(
    tenant: RunningTenant, http: httpx.Client, make_user: MakeUser
) -> None:
    email, password, _ = make_user()
    form = script_form(tenant, username=email, password=password, client_secret="wrong")
    answer = http.post("/oauth/token", data=form)
    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_client"


@pytest.mark.both_stores  # sign-in on PostgreSQL too
def test_success_logs_sepft(
    tenant: RunningTenant, make_user: MakeUser, log_count: Callable[..., int]
) -> None:
    email, password, user_id = make_user()
    password_token(tenant, email, password)
    assert log_count("sepft", user_id=user_id) == 1


@pytest.mark.parametrize("realm", ["No-Such-Connection"])
def test_refusal_unknown_realm(
    tenant: RunningTenant, http: httpx.Client, make_user: MakeUser, realm: str
) -> None:
    email, password, _ = make_user()
    form = script_form(tenant, username=email, password=password, realm=realm)
    answer = http.post("/oauth/token", data=form)
    assert answer.status_code == 403


def test_user_tokens_for_the_management_api_carry_no_administration_scopes(
    tenant: RunningTenant, make_user: MakeUser
) -> None:
    email, password, _ = make_user("Admin")
    host = tenant.url.split("://", 1)[1]
    for audience in (tenant.config["management_audience"], f"https://{host}/api/v2/"):
        answer = password_token(
            tenant, email, password, audience=audience, scope="openid read:users delete:users"
        )
        assert answer["scope"] == "openid"
        claims = decode(tenant, answer["access_token"], audience)
        assert claims["scope"] == "openid"
        assert "permissions" not in claims
