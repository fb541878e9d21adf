"""The whole code flow without a browser: /authorize, login form, code, PKCE exchange, refresh."""

from __future__ import annotations

from collections.abc import Callable

import jwt
import pytest

from tests.support.servers import RunningTenant
from tests.tenant.oidc.flow import SPA_CALLBACK, Browser

MakeUser = Callable[..., tuple[str, str, str]]


def verify(tenant: RunningTenant, token: str, audience: str) -> dict[str, object]:
    key = jwt.PyJWKClient(f"{tenant.url}/.well-known/jwks.json").get_signing_key_from_jwt(token)
    return jwt.decode(token, key.key, algorithms=["RS256"], audience=audience, issuer=tenant.issuer)


@pytest.mark.both_stores  # sign-in on PostgreSQL too
def test_checklist_whole_code_flow_with_pkce_refresh_and_rotation(
    tenant: RunningTenant, browser: Browser, make_user: MakeUser, log_count: Callable[..., int]
) -> None:
    email, password, user_id = make_user("Support")
    tokens = browser.tokens(email, password)
    api = tenant.config["api_audience"]
    spa = tenant.config["spa_client_id"]

    access = verify(tenant, tokens["access_token"], api)
    assert access["sub"] == user_id and access["azp"] == spa
    assert access["permissions"] == ["read:users", "update:users"]
    assert access["aud"] == [api, f"{tenant.url}/userinfo"]

    id_claims = verify(tenant, tokens["id_token"], spa)
    assert id_claims["iss"] == f"{tenant.url}/"
    assert id_claims["nonce"] == browser.nonce
    assert id_claims["azp"] == spa and id_claims["sub"] == user_id
    for name in ("auth_time", "name", "email", "email_verified", "picture", "nickname"):
        assert name in id_claims
    assert id_claims["updated_at"] and id_claims["sid"]
    assert tokens["scope"] == "openid profile email offline_access"
    assert tokens["expires_in"] > 0 and tokens["token_type"] == "Bearer"
    assert log_count("s", user_id=user_id) == 1
    assert log_count("seacft", user_id=user_id) == 1

    refreshed = browser.refresh(tokens["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    body = refreshed.json()
    assert body["refresh_token"] != tokens["refresh_token"]
    refreshed_id = verify(tenant, body["id_token"], spa)
    assert refreshed_id["sub"] == user_id and refreshed_id["sid"] == id_claims["sid"]
    assert verify(tenant, body["access_token"], api)["permissions"] == [
        "read:users",
        "update:users",
    ]
    again = browser.refresh(body["refresh_token"])
    assert again.status_code == 200 and again.json()["id_token"]
    assert log_count("sertft", user_id=user_id) == 2


@pytest.mark.both_stores  # sign-in on PostgreSQL too
def test_login_updates_the_users_login_counters(
    tenant: RunningTenant, browser: Browser, make_user: MakeUser
) -> None:
    from sqlalchemy import select

    from userdesk.tenant.store.models import User

    email, password, user_id = make_user()
    browser.tokens(email, password)
    with tenant.app.state.tenant.sessions() as session:
        user = session.scalars(select(User).where(User.user_id == user_id)).one()
        assert user.logins_count == 1
        assert user.last_login is not None
        assert user.last_ip == "127.0.0.1"


def test_session_cookie_is_httponly_and_lax_and_gives_sso(
    browser: Browser, make_user: MakeUser
) -> None:
    email, password, _ = make_user()
    page = browser.authorize()
    answer = browser.submit(page, email, password)
    cookie = answer.headers["set-cookie"]
    assert "userdesk_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http tenant
    # A second /authorize with the session answers at once, without the login page.
    second = browser.authorize()
    assert second.status_code == 302 and "code=" in second.headers["location"]


def test_checklist_prompt_none_with_session_answers_a_code_by_web_message(
    tenant: RunningTenant, browser: Browser, make_user: MakeUser
) -> None:
    from tests.tenant.oidc.flow import web_message_of

    email, password, _ = make_user()
    browser.tokens(email, password)
    silent = browser.authorize(prompt="none", response_mode="web_message")
    assert silent.status_code == 200
    message, origin = web_message_of(silent.text)
    assert origin == SPA_CALLBACK
    assert message["type"] == "authorization_response"
    assert message["response"]["state"] == browser.state
    assert browser.exchange(message["response"]["code"]).status_code == 200


def test_checklist_code_exchange_without_audience_or_scope_keeps_the_bound_ones(
    tenant: RunningTenant, browser: Browser, make_user: MakeUser
) -> None:
    email, password, _ = make_user("Viewer")
    code = browser.login_for_code(email, password, scope="openid read:users delete:users")
    body = browser.exchange(code).json()
    assert body["scope"] == "openid read:users"
    access = verify(tenant, body["access_token"], tenant.config["api_audience"])
    assert access["permissions"] == ["read:users"]
    assert "refresh_token" not in body


def test_refusal_wrong_pkce_verifier(browser: Browser, make_user: MakeUser) -> None:
    email, password, _ = make_user()
    code = browser.login_for_code(email, password)
    answer = browser.exchange(code, code_verifier="x" * 50)
    assert answer.status_code == 403
    assert answer.json() == {
        "error": "invalid_grant",
        "error_description": "Failed to verify code verifier",
    }


def test_refusal_missing_pkce_verifier(browser: Browser, make_user: MakeUser) -> None:
    email, password, _ = make_user()
    code = browser.login_for_code(email, password)
    answer = browser.exchange(code, code_verifier="")
    assert (answer.status_code, answer.json()["error"]) == (403, "invalid_grant")


def test_refusal_reused_code_revokes_the_refresh_family_it_produced(
    browser: Browser, make_user: MakeUser
) -> None:
    email, password, _ = make_user()
    code = browser.login_for_code(email, password)
    first = browser.exchange(code)
    assert first.status_code == 200
    replay = browser.exchange(code)
    assert replay.status_code == 403
    assert replay.json() == {
        "error": "invalid_grant",
        "error_description": "Invalid authorization code",
    }
    revoked = browser.refresh(first.json()["refresh_token"])
    assert revoked.status_code == 403
    assert revoked.json()["error_description"] == "Unknown or invalid refresh token."


def test_refusal_wrong_redirect_uri_at_exchange(browser: Browser, make_user: MakeUser) -> None:
    email, password, _ = make_user()
    code = browser.login_for_code(email, password)
    answer = browser.exchange(code, redirect_uri="http://localhost:8000/other")
    assert (answer.status_code, answer.json()["error"]) == (403, "invalid_grant")


def test_refusal_code_of_another_client(
    tenant: RunningTenant, browser: Browser, make_user: MakeUser
) -> None:
    email, password, _ = make_user()
    code = browser.login_for_code(email, password)
    script = tenant.config["script_client"]
    answer = browser.exchange(code, **script)
    assert answer.status_code in (403, 401)


def test_refusal_unknown_code(browser: Browser) -> None:
    browser.authorize_params()
    answer = browser.exchange("made-up-code")
    assert (answer.status_code, answer.json()["error"]) == (403, "invalid_grant")


def test_refusal_reused_refresh_token_revokes_the_family(
    browser: Browser, make_user: MakeUser, log_count: Callable[..., int]
) -> None:
    email, password, user_id = make_user()
    first = browser.tokens(email, password)["refresh_token"]
    second = browser.refresh(first).json()["refresh_token"]
    reuse = browser.refresh(first)
    assert reuse.status_code == 403
    assert reuse.json() == {
        "error": "invalid_grant",
        "error_description": "Unknown or invalid refresh token.",
    }
    # The legitimate holder's newer token died with the family.
    assert browser.refresh(second).status_code == 403
    assert log_count("fertft", user_id=user_id) == 2


def test_refresh_of_a_blocked_user_says_user_is_blocked(
    tenant: RunningTenant, browser: Browser, make_user: MakeUser
) -> None:
    from sqlalchemy import update

    from userdesk.tenant.store.models import User

    email, password, user_id = make_user()
    refresh = browser.tokens(email, password)["refresh_token"]
    with tenant.app.state.tenant.sessions() as session, session.begin():
        session.execute(update(User).where(User.user_id == user_id).values(blocked=True))
    answer = browser.refresh(refresh)
    assert answer.status_code == 403
    assert answer.json() == {"error": "invalid_grant", "error_description": "user is blocked"}


@pytest.mark.parametrize("grant", ["refresh_token"])
def test_refusal_unknown_refresh_token(browser: Browser, grant: str) -> None:
    answer = browser.refresh("never-issued")
    assert answer.status_code == 403
    assert "invalid refresh token" in answer.json()["error_description"]
