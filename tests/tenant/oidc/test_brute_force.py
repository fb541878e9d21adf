"""Checklist: brute-force protection (10 failures per user and IP) and per-IP rate limits."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, select

from tests.support.servers import RunningTenant, start_tenant
from tests.support.tokens import PASSWORD_GRANT, machine_token
from tests.tenant.oidc.flow import Browser
from userdesk.tenant.store.models import FailedLogin

MakeUser = Callable[..., tuple[str, str, str]]


@pytest.fixture(scope="module")
def tenant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningTenant]:
    """A tenant of this module's own: its many failing attempts stay off the shared tenant's
    per-IP limit, and its brute-force counters off everyone else's tests."""

    def no_ip_limit(options: dict[str, Any]) -> None:
        options["auth_rate_limit_per_minute"] = None

    running = start_tenant(
        tmp_path_factory.mktemp("brute-force"), demo_users=0, configure=no_ip_limit
    )
    yield running
    running.stop()


def password_form(tenant: RunningTenant, email: str, password: str) -> dict[str, str]:
    script = tenant.config["script_client"]
    return {
        "grant_type": PASSWORD_GRANT,
        "realm": "Username-Password-Authentication",
        "username": email,
        "password": password,
        **script,
    }


def failed_pair(tenant: RunningTenant, user_id: str) -> FailedLogin | None:
    with tenant.app.state.tenant.sessions() as session:
        return session.scalars(select(FailedLogin).where(FailedLogin.user_id == user_id)).first()


def test_refusal_the_11th_failed_login_on_the_login_page_even_with_the_right_password(
    tenant: RunningTenant, browser: Browser, make_user: MakeUser, log_count: Callable[..., int]
) -> None:
    email, password, user_id = make_user()
    page = browser.authorize()
    for _ in range(10):
        answer = browser.submit(page, email, "wrong-password")
        assert "Wrong email or password." in answer.text
    pair = failed_pair(tenant, user_id)
    assert pair is not None and pair.count == 10 and pair.blocked_at is not None
    assert log_count("limit_wc", user_id=user_id) == 1
    eleventh = browser.submit(page, email, password)
    assert eleventh.status_code == 401
    assert "blocked after multiple consecutive login attempts" in eleventh.text
    assert "userdesk_session" not in eleventh.headers.get("set-cookie", "")


def test_refusal_the_11th_password_grant_is_too_many_attempts(
    tenant: RunningTenant, http: httpx.Client, make_user: MakeUser
) -> None:
    email, password, _user_id = make_user()
    for _ in range(10):
        answer = http.post("/oauth/token", data=password_form(tenant, email, "nope"))
        assert answer.json()["error"] == "invalid_grant"
    eleventh = http.post("/oauth/token", data=password_form(tenant, email, password))
    assert eleventh.status_code == 429
    assert eleventh.json()["error"] == "too_many_attempts"


def test_the_login_form_and_the_password_grant_share_the_counter(
    tenant: RunningTenant, browser: Browser, make_user: MakeUser
) -> None:
    email, password, _user_id = make_user()
    page = browser.authorize()
    for _ in range(5):
        browser.submit(page, email, "wrong")
    for _ in range(5):
        browser.http.post("/oauth/token", data=password_form(tenant, email, "wrong"))
    answer = browser.http.post("/oauth/token", data=password_form(tenant, email, password))
    assert answer.status_code == 429


def test_a_success_resets_the_counter(
    tenant: RunningTenant, http: httpx.Client, make_user: MakeUser
) -> None:
    email, password, user_id = make_user()
    # 6 + 6 failures would pass the limit of 10 if the success did not reset the counter.
    for _ in range(6):
        http.post("/oauth/token", data=password_form(tenant, email, "wrong"))
    assert http.post("/oauth/token", data=password_form(tenant, email, password)).status_code == 200
    assert failed_pair(tenant, user_id) is None
    for _ in range(6):
        http.post("/oauth/token", data=password_form(tenant, email, "wrong"))
    assert http.post("/oauth/token", data=password_form(tenant, email, password)).status_code == 200


def test_deleting_the_failed_login_rows_unblocks_the_pair(
    tenant: RunningTenant, http: httpx.Client, make_user: MakeUser
) -> None:
    """The contract with the Management API: an unblock or a password change deletes the rows."""
    email, password, user_id = make_user()
    for _ in range(10):
        http.post("/oauth/token", data=password_form(tenant, email, "wrong"))
    assert http.post("/oauth/token", data=password_form(tenant, email, password)).status_code == 429
    with tenant.app.state.tenant.sessions() as session, session.begin():
        session.execute(delete(FailedLogin).where(FailedLogin.user_id == user_id))
    assert http.post("/oauth/token", data=password_form(tenant, email, password)).status_code == 200


def test_admin_unblock_through_the_management_api(
    tenant: RunningTenant, http: httpx.Client, make_user: MakeUser
) -> None:
    email, password, user_id = make_user()
    for _ in range(10):
        http.post("/oauth/token", data=password_form(tenant, email, "wrong"))
    token = machine_token(tenant)
    unblock = http.delete(
        f"/api/v2/user-blocks/{user_id}", headers={"Authorization": f"Bearer {token}"}
    )
    assert unblock.status_code == 204, unblock.text
    assert http.post("/oauth/token", data=password_form(tenant, email, password)).status_code == 200


@pytest.fixture
def limited_tenant(tmp_path: Path) -> Iterator[RunningTenant]:
    def configure(options: dict[str, Any]) -> None:
        options["auth_rate_limit_per_minute"] = 3

    running = start_tenant(tmp_path, demo_users=0, configure=configure)
    yield running
    running.stop()


def test_token_endpoint_rate_limit_per_ip_answers_429_with_retry_after(
    limited_tenant: RunningTenant,
) -> None:
    with httpx.Client(base_url=limited_tenant.url) as http:
        statuses = [
            http.post("/oauth/token", data={"grant_type": "client_credentials"}).status_code
            for _ in range(3)
        ]
        assert 429 not in statuses
        limited = http.post("/oauth/token", data={"grant_type": "client_credentials"})
        assert limited.status_code == 429
        assert 1 <= int(limited.headers["retry-after"]) <= 60
        # The login form counts toward the same per-IP limit.
        assert http.post("/login", data={}).status_code == 429


def test_a_password_change_through_the_management_api_unblocks(
    tenant: RunningTenant, http: httpx.Client, make_user: MakeUser
) -> None:
    email, _, user_id = make_user()
    for _ in range(10):
        http.post("/oauth/token", data=password_form(tenant, email, "wrong"))
    new_password = "A-new-password-for-tests-9"
    assert (
        http.post("/oauth/token", data=password_form(tenant, email, new_password)).status_code
        == 429
    )
    token = machine_token(tenant)
    changed = http.patch(
        f"/api/v2/users/{user_id}",
        json={"password": new_password},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert changed.status_code == 200, changed.text
    assert (
        http.post("/oauth/token", data=password_form(tenant, email, new_password)).status_code
        == 200
    )
