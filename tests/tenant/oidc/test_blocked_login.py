"""A user blocked by an administrator (PATCH blocked:true) signing in: refused and logged."""

from __future__ import annotations

import httpx

from tests.support.servers import RunningTenant
from tests.support.tokens import machine_token
from tests.tenant.oidc.conftest import count_logs
from tests.tenant.oidc.flow import SPA_CALLBACK, Browser, query_of
from tests.tenant.oidc.test_password_grant import MakeUser, script_form


def set_blocked(tenant: RunningTenant, user_id: str, blocked: bool) -> None:
    answer = httpx.patch(
        f"{tenant.url}/api/v2/users/{user_id}",
        json={"blocked": blocked},
        headers={"Authorization": f"Bearer {machine_token(tenant)}"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["blocked"] is blocked


def test_the_login_form_redirects_unauthorized_and_logs_f(
    tenant: RunningTenant, browser: Browser, make_user: MakeUser
) -> None:
    email, password, user_id = make_user()
    set_blocked(tenant, user_id, True)
    page = browser.authorize()
    answer = browser.submit(page, email, password)
    assert answer.status_code == 302, answer.text
    assert answer.headers["location"].startswith(SPA_CALLBACK)
    assert query_of(answer.headers["location"]) == {
        "error": "unauthorized",
        "error_description": "user is blocked",
        "state": browser.state,
    }
    assert "userdesk_session=" not in answer.headers.get("set-cookie", "")
    assert count_logs(tenant, "f", user_id=user_id, description="user is blocked") == 1
    assert count_logs(tenant, "s", user_id=user_id) == 0
    # Unblocked, the same person signs in again.
    set_blocked(tenant, user_id, False)
    assert browser.tokens(email, password)["access_token"]


def test_the_password_grant_refuses_and_logs_f(
    tenant: RunningTenant, http: httpx.Client, make_user: MakeUser
) -> None:
    email, password, user_id = make_user()
    set_blocked(tenant, user_id, True)
    answer = http.post("/oauth/token", data=script_form(tenant, username=email, password=password))
    assert answer.status_code == 401
    assert answer.json() == {"error": "unauthorized", "error_description": "user is blocked"}
    assert "access_token" not in answer.json()
    assert count_logs(tenant, "f", user_id=user_id, description="user is blocked") == 1
    set_blocked(tenant, user_id, False)
    again = http.post("/oauth/token", data=script_form(tenant, username=email, password=password))
    assert again.status_code == 200, again.text


def test_a_blocked_users_refresh_is_an_invalid_grant(
    tenant: RunningTenant, browser: Browser, make_user: MakeUser
) -> None:
    email, password, user_id = make_user()
    refresh = browser.tokens(email, password)["refresh_token"]
    set_blocked(tenant, user_id, True)
    answer = browser.refresh(refresh)
    assert answer.status_code == 403
    assert answer.json() == {"error": "invalid_grant", "error_description": "user is blocked"}
