"""Checklist: /userinfo, /oauth/revoke, /v2/logout and /oidc/logout."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.support.servers import RunningTenant
from tests.support.tokens import machine_token, password_token
from tests.tenant.oidc.flow import SPA_CALLBACK, Browser, query_of

MakeUser = Callable[..., tuple[str, str, str]]


def test_checklist_userinfo_returns_the_profile_by_scope(
    tenant: RunningTenant, http: httpx.Client, make_user: MakeUser
) -> None:
    email, password, user_id = make_user()
    token = password_token(tenant, email, password)["access_token"]
    answer = http.get("/userinfo", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["sub"] == user_id and body["email"] == email
    assert {"name", "nickname", "picture", "updated_at", "email_verified"} <= set(body)
    narrow = password_token(tenant, email, password, scope="openid")["access_token"]
    assert set(http.get("/userinfo", headers={"Authorization": f"Bearer {narrow}"}).json()) == {
        "sub"
    }


def test_userinfo_refuses_missing_forged_and_foreign_tokens(
    tenant: RunningTenant, http: httpx.Client
) -> None:
    assert http.get("/userinfo").status_code == 401
    bad = http.get("/userinfo", headers={"Authorization": "Bearer not.a.token"})
    assert bad.status_code == 401 and bad.headers["www-authenticate"].startswith("Bearer")
    # A Management API token was not issued for /userinfo.
    management = machine_token(tenant)
    answer = http.get("/userinfo", headers={"Authorization": f"Bearer {management}"})
    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_token"


def test_checklist_revoke_kills_the_whole_refresh_family(
    tenant: RunningTenant, browser: Browser, make_user: MakeUser, log_count: Callable[..., int]
) -> None:
    email, password, user_id = make_user()
    first = browser.tokens(email, password)["refresh_token"]
    second = browser.refresh(first).json()["refresh_token"]
    answer = browser.http.post(
        "/oauth/revoke", data={"client_id": tenant.config["spa_client_id"], "token": second}
    )
    assert answer.status_code == 200
    assert browser.refresh(second).status_code == 403
    assert log_count("srrt", user_id=user_id) == 1


def test_revoke_of_an_unknown_token_is_a_quiet_success(
    tenant: RunningTenant, http: httpx.Client
) -> None:
    answer = http.post(
        "/oauth/revoke", json={"client_id": tenant.config["spa_client_id"], "token": "unknown"}
    )
    assert answer.status_code == 200


def test_checklist_v2_logout_clears_the_session_and_follows_an_allowed_return_to(
    tenant: RunningTenant, browser: Browser, make_user: MakeUser, log_count: Callable[..., int]
) -> None:
    email, password, user_id = make_user()
    browser.tokens(email, password)
    answer = browser.http.get(
        "/v2/logout",
        params={
            "client_id": tenant.config["spa_client_id"],
            "returnTo": SPA_CALLBACK,
            "federated": "",
        },
    )
    assert answer.status_code == 302
    assert answer.headers["location"] == SPA_CALLBACK
    assert 'userdesk_session=""' in answer.headers["set-cookie"]
    assert log_count("slo", user_id=user_id) == 1
    # The session is gone: a silent login now needs a login.
    silent = browser.authorize(prompt="none")
    assert query_of(silent.headers["location"])["error"] == "login_required"


def test_v2_logout_refuses_a_return_to_that_is_not_allowed(
    tenant: RunningTenant, http: httpx.Client
) -> None:
    answer = http.get(
        "/v2/logout",
        params={"client_id": tenant.config["spa_client_id"], "returnTo": "http://evil.example/"},
    )
    assert answer.status_code == 400
    assert "location" not in answer.headers


def test_v2_logout_without_return_to_signs_out(http: httpx.Client) -> None:
    answer = http.get("/v2/logout")
    assert answer.status_code == 200
    assert "signed out" in answer.text


def test_checklist_oidc_logout_with_id_token_hint_redirects_with_state(
    tenant: RunningTenant, browser: Browser, make_user: MakeUser
) -> None:
    email, password, _ = make_user()
    id_token = browser.tokens(email, password)["id_token"]
    answer = browser.http.get(
        "/oidc/logout",
        params={
            "id_token_hint": id_token,
            "post_logout_redirect_uri": SPA_CALLBACK,
            "state": "s+1=",
        },
    )
    assert answer.status_code == 302
    assert answer.headers["location"] == f"{SPA_CALLBACK}?state=s%2B1%3D"
    silent = browser.authorize(prompt="none")
    assert query_of(silent.headers["location"])["error"] == "login_required"


def test_oidc_logout_refuses_an_unlisted_redirect(
    tenant: RunningTenant, http: httpx.Client
) -> None:
    answer = http.get(
        "/oidc/logout",
        params={
            "client_id": tenant.config["spa_client_id"],
            "post_logout_redirect_uri": "http://evil.example/",
        },
    )
    assert answer.status_code == 400


def test_oidc_logout_needs_a_client_to_follow_a_redirect(http: httpx.Client) -> None:
    answer = http.get("/oidc/logout", params={"post_logout_redirect_uri": SPA_CALLBACK})
    assert answer.status_code == 400
    assert "location" not in answer.headers
