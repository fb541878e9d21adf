"""The tenant against the OAuth 2.0 Security BCP (RFC 9700): the attacks the checklist tests in
tests/tenant/oidc do not already cover (near-miss redirect URIs, races on single-use codes and
refresh tokens, cross-session CSRF tokens, audience confusion, frameability of every page).

The properties those tests prove (PKCE required and S256 only, reused codes revoking their
refresh family, refresh reuse detection, brute-force lockout, the token endpoint's rate limit,
HttpOnly/SameSite cookies, the login page's frame-ancestors) are not repeated here.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.servers import RunningTenant, start_tenant
from tests.support.tokens import create_user_with_role, password_token
from tests.tenant.oidc.flow import SPA_CALLBACK, Browser, form_fields, query_of

PASSWORD = "Rfc9700-password-1"


@pytest.fixture(scope="module")
def bcp_tenant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningTenant]:
    running = start_tenant(
        tmp_path_factory.mktemp("rfc9700"),
        demo_users=0,
        configure=lambda o: o.update(auth_rate_limit_per_minute=None),
    )
    yield running
    running.stop()


@pytest.fixture
def browser(bcp_tenant: RunningTenant) -> Iterator[Browser]:
    with httpx.Client(base_url=bcp_tenant.url, timeout=10) as http:
        yield Browser(bcp_tenant, http)


@pytest.fixture
def user(bcp_tenant: RunningTenant) -> tuple[str, str]:
    email = f"bcp-{secrets.token_hex(5)}@rfc9700.test"
    create_user_with_role(bcp_tenant, email, PASSWORD, "Viewer")
    return email, PASSWORD


# RFC 9700 4.1.3: each of these has let an attacker steer codes at some server that compared
# redirect URIs loosely (prefix, host suffix, userinfo, parser differences, scheme, port).
NEAR_MISSES = [
    "http://localhost:8000.evil.example",
    "http://localhost:8000@evil.example",
    "http://localhost:8000\\@evil.example",
    "http://evil.example#@localhost:8000",
    "http://localhost:8000/..//evil.example",
    "http://localhost:8000/%2e%2e/",
    "http://localhost:8000/?next=http://evil.example",
    "http://localhost:8000/#",
    "http://localhost:8001",
    "http://localhost",
    "https://localhost:8000",
    "HTTP://LOCALHOST:8000",
    "http://127.0.0.1:8000",
    "//localhost:8000",
    "http://localhost:8000 ",
    "http://localhost:8000\n",
    "javascript://localhost:8000/%0aalert(1)",
]


@pytest.mark.parametrize("redirect_uri", NEAR_MISSES)
def test_near_miss_redirect_uri_is_refused_and_never_followed(
    browser: Browser, redirect_uri: str
) -> None:
    answer = browser.authorize(redirect_uri=redirect_uri)
    assert answer.status_code == 400, (redirect_uri, answer.status_code)
    assert "location" not in answer.headers


@pytest.mark.parametrize("redirect_uri", NEAR_MISSES[:6])
def test_near_miss_redirect_uri_with_prompt_none_web_message_posts_nowhere(
    browser: Browser, redirect_uri: str
) -> None:
    # Silent auth answers in a page, not a redirect: it must not post a code to a bad origin.
    answer = browser.authorize(
        redirect_uri=redirect_uri, prompt="none", response_mode="web_message"
    )
    assert answer.status_code == 400
    assert "postMessage" not in answer.text


def test_racing_redemptions_of_one_code_give_one_token(
    browser: Browser, user: tuple[str, str], bcp_tenant: RunningTenant
) -> None:
    code = browser.login_for_code(*user)
    form = {
        "grant_type": "authorization_code",
        "client_id": browser.client_id,
        "code": code,
        "code_verifier": browser.verifier,
        "redirect_uri": SPA_CALLBACK,
    }

    def redeem(_: int) -> int:
        return httpx.post(f"{bcp_tenant.url}/oauth/token", data=form, timeout=10).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(redeem, range(6)))
    assert statuses.count(200) <= 1, f"a single-use code redeemed {statuses.count(200)} times"
    assert all(s in (200, 403) for s in statuses), statuses


def test_racing_refreshes_of_one_token_rotate_once(
    browser: Browser, user: tuple[str, str], bcp_tenant: RunningTenant
) -> None:
    refresh_token = browser.tokens(*user)["refresh_token"]
    form = {
        "grant_type": "refresh_token",
        "client_id": browser.client_id,
        "refresh_token": refresh_token,
        "redirect_uri": SPA_CALLBACK,
    }

    def refresh(_: int) -> dict[str, Any]:
        answer = httpx.post(f"{bcp_tenant.url}/oauth/token", data=form, timeout=10)
        return {"status": answer.status_code, **answer.json()}

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(refresh, range(6)))
    winners = [a for a in answers if a["status"] == 200]
    assert len(winners) <= 1, f"one refresh token rotated {len(winners)} times"


def test_login_csrf_token_of_another_session_is_refused(
    bcp_tenant: RunningTenant, user: tuple[str, str]
) -> None:
    # Login CSRF: the attacker starts a login in their own browser and gets the victim's
    # browser to post the attacker's form. The form's token must be bound to the session.
    with (
        httpx.Client(base_url=bcp_tenant.url, timeout=10) as attacker_http,
        httpx.Client(base_url=bcp_tenant.url, timeout=10) as victim_http,
    ):
        attacker, victim = Browser(bcp_tenant, attacker_http), Browser(bcp_tenant, victim_http)
        attacker_form = form_fields(attacker.authorize().text)
        assert victim.authorize().status_code == 200  # the victim has a cookie of their own
        email, password = user
        posted = victim_http.post(
            "/login", data={**attacker_form, "email": email, "password": password}
        )
        assert posted.status_code in (400, 403), posted.status_code
        assert "code=" not in posted.headers.get("location", "")


def test_user_token_for_the_desk_api_is_refused_by_the_management_api(
    bcp_tenant: RunningTenant, user: tuple[str, str]
) -> None:
    # RFC 9700 2.3: an access token is good for its audience only.
    token = password_token(bcp_tenant, *user, audience=bcp_tenant.config["api_audience"])
    answer = httpx.get(
        f"{bcp_tenant.url}/api/v2/users",
        headers={"Authorization": f"Bearer {token['access_token']}"},
        timeout=10,
    )
    assert answer.status_code == 401


def html_pages(bcp_tenant: RunningTenant, user: tuple[str, str]) -> dict[str, httpx.Response]:
    with httpx.Client(base_url=bcp_tenant.url, timeout=10) as http:
        browser = Browser(bcp_tenant, http)
        login = browser.authorize()
        wrong = browser.submit(login, user[0], "not-the-password")
        return {
            "login page": login,
            "login page after a wrong password": wrong,
            "unknown client error": browser.authorize(client_id="no-such-client"),
            "redirect mismatch error": browser.authorize(redirect_uri="http://evil.example"),
            "web_message answer": browser.authorize(prompt="none", response_mode="web_message"),
        }


def test_no_tenant_page_is_frameable_but_the_web_message_answer(
    bcp_tenant: RunningTenant, user: tuple[str, str]
) -> None:
    for name, page in html_pages(bcp_tenant, user).items():
        assert "text/html" in page.headers["content-type"], name
        policy = page.headers.get("content-security-policy", "")
        if name == "web_message answer":
            assert "x-frame-options" not in page.headers
            assert "frame-ancestors" not in policy
            continue
        assert "frame-ancestors 'none'" in policy, name
        assert page.headers.get("x-frame-options") == "DENY", name


@pytest.fixture
def limited_tenant(tmp_path: Path) -> Iterator[RunningTenant]:
    running = start_tenant(
        tmp_path, demo_users=0, configure=lambda o: o.update(auth_rate_limit_per_minute=3)
    )
    yield running
    running.stop()


def test_login_form_alone_is_rate_limited(limited_tenant: RunningTenant) -> None:
    with httpx.Client(base_url=limited_tenant.url, timeout=10) as http:
        browser = Browser(limited_tenant, http)
        page = browser.authorize()
        statuses = [
            browser.submit(page, "nobody@rfc9700.test", "wrong").status_code for _ in range(4)
        ]
        assert 429 not in statuses[:3], statuses
        assert statuses[3] == 429, statuses
        limited = browser.submit(page, "nobody@rfc9700.test", "wrong")
        assert 1 <= int(limited.headers["retry-after"]) <= 60
        # The limit is per IP: the token endpoint is closed to it as well.
        token = http.post("/oauth/token", data={"grant_type": "client_credentials"})
        assert token.status_code == 429
        assert query_of(limited.headers.get("location", "")) == {}


@pytest.mark.parametrize("return_to", NEAR_MISSES[:8])
def test_near_miss_logout_return_to_is_not_an_open_redirect(
    browser: Browser, return_to: str
) -> None:
    answer = browser.http.get(
        "/v2/logout", params={"client_id": browser.client_id, "returnTo": return_to}
    )
    assert answer.status_code == 400, (return_to, answer.status_code)
    assert "location" not in answer.headers


def test_refresh_token_of_a_confidential_client_is_useless_to_a_public_one(
    bcp_tenant: RunningTenant, user: tuple[str, str]
) -> None:
    # RFC 9700 4.14: a refresh token is bound to the client it was issued to.
    issued = password_token(
        bcp_tenant,
        *user,
        audience=bcp_tenant.config["api_audience"],
        scope="openid offline_access",
    )
    assert issued.get("refresh_token"), issued
    stolen = httpx.post(
        f"{bcp_tenant.url}/oauth/token",
        data={
            "grant_type": "refresh_token",
            "client_id": bcp_tenant.config["spa_client_id"],
            "refresh_token": issued["refresh_token"],
        },
        timeout=10,
    )
    assert stolen.status_code in (400, 401, 403), stolen.text
    assert "access_token" not in stolen.json()


SCRIPT = "<script>alert(document.domain)</script>"


@pytest.mark.parametrize(
    "params",
    [
        {"client_id": SCRIPT},
        {"redirect_uri": f"http://evil.example/{SCRIPT}"},
        {"audience": SCRIPT},
        {"state": f'"></form>{SCRIPT}'},
        {"login_hint": SCRIPT},
    ],
    ids=["client_id", "redirect_uri", "audience", "state", "login_hint"],
)
def test_authorize_never_reflects_markup(browser: Browser, params: dict[str, str]) -> None:
    answer = browser.authorize(**params)
    assert answer.status_code in (200, 302, 400), answer.status_code
    assert SCRIPT not in answer.text
