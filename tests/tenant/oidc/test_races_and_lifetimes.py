"""Single use under concurrency, code expiry, max_age, and the refresh-token reuse window."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update

from tests.support.servers import RunningTenant
from tests.tenant.oidc.flow import SPA_CALLBACK, Browser, query_of
from userdesk.tenant import ids
from userdesk.tenant.clock import utcnow
from userdesk.tenant.oidc.claims import digest
from userdesk.tenant.store.models import AuthorizationCode, Client, LoginSession

# Concurrency is where PostgreSQL (row locks, READ COMMITTED) differs most from SQLite.
pytestmark = pytest.mark.both_stores

MakeUser = Callable[..., tuple[str, str, str]]


def in_parallel(*calls: Callable[[], httpx.Response]) -> list[int]:
    with ThreadPoolExecutor(len(calls)) as pool:
        return sorted(f.result().status_code for f in [pool.submit(c) for c in calls])


def test_a_code_exchanged_twice_at_once_succeeds_once(
    tenant: RunningTenant, browser: Browser, make_user: MakeUser
) -> None:
    email, password, _ = make_user()
    code = browser.login_for_code(email, password)
    with httpx.Client(base_url=tenant.url) as a, httpx.Client(base_url=tenant.url) as b:
        first = Browser(tenant, a, verifier=browser.verifier)
        second = Browser(tenant, b, verifier=browser.verifier)
        assert in_parallel(lambda: first.exchange(code), lambda: second.exchange(code)) == [
            200,
            403,
        ]


def test_a_refresh_token_used_twice_at_once_succeeds_once(
    tenant: RunningTenant, browser: Browser, make_user: MakeUser
) -> None:
    email, password, _ = make_user()
    refresh = browser.tokens(email, password)["refresh_token"]
    with httpx.Client(base_url=tenant.url) as a, httpx.Client(base_url=tenant.url) as b:
        first, second = Browser(tenant, a), Browser(tenant, b)
        assert in_parallel(lambda: first.refresh(refresh), lambda: second.refresh(refresh)) == [
            200,
            403,
        ]


def test_an_expired_code_is_refused(
    tenant: RunningTenant, browser: Browser, make_user: MakeUser
) -> None:
    email, password, _ = make_user()
    code = browser.login_for_code(email, password)
    with tenant.app.state.tenant.sessions() as session, session.begin():
        session.execute(
            update(AuthorizationCode)
            .where(AuthorizationCode.code_hash == digest(code))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    answer = browser.exchange(code)
    assert (answer.status_code, answer.json()["error"]) == (403, "invalid_grant")


def test_max_age_older_than_the_session_needs_a_new_login(
    tenant: RunningTenant, browser: Browser, make_user: MakeUser
) -> None:
    email, password, user_id = make_user()
    browser.tokens(email, password)
    with tenant.app.state.tenant.sessions() as session, session.begin():
        session.execute(
            update(LoginSession)
            .where(LoginSession.user_id == user_id)
            .values(auth_time=utcnow() - timedelta(minutes=10))
        )
    fresh_enough = browser.authorize(prompt="none", max_age="3600")
    assert "code" in query_of(fresh_enough.headers["location"])
    too_old = browser.authorize(prompt="none", max_age="60")
    assert query_of(too_old.headers["location"])["error"] == "login_required"


@pytest.fixture
def lenient_spa(tenant: RunningTenant) -> Iterator[str]:
    """An SPA client with a 60-second refresh-token reuse window."""
    client_id = ids.client_id()
    with tenant.app.state.tenant.sessions() as session, session.begin():
        session.add(
            Client(
                client_id=client_id,
                name="Lenient SPA",
                app_type="spa",
                token_endpoint_auth_method="none",
                grant_types=["authorization_code", "refresh_token"],
                callbacks=[SPA_CALLBACK],
                allowed_logout_urls=[SPA_CALLBACK],
                web_origins=[SPA_CALLBACK],
                refresh_reuse_interval=60,
                created_at=utcnow(),
            )
        )
    yield client_id


def test_a_reuse_window_lets_a_just_rotated_token_be_used_again(
    tenant: RunningTenant, make_user: MakeUser, lenient_spa: str
) -> None:
    email, password, _ = make_user()
    with httpx.Client(base_url=tenant.url) as http:
        browser = Browser(tenant, http, client_id=lenient_spa)
        first = browser.tokens(email, password)["refresh_token"]
        assert browser.refresh(first).status_code == 200
        again = browser.refresh(first)
        assert again.status_code == 200, again.text
        assert again.json()["id_token"] and again.json()["refresh_token"]
