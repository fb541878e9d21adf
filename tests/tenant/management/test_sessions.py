"""/api/v2/users/{id}/sessions and /refresh-tokens, over sessions made by real logins."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from auth0.management import Auth0

from tests.support.servers import RunningTenant
from tests.support.tokens import create_user_with_role
from tests.tenant.management.conftest import auth0_error, mint
from tests.tenant.oidc.conftest import count_logs
from tests.tenant.oidc.flow import SPA_CALLBACK, Browser, query_of

BROWSER_AGENT = "Mozilla/5.0 (sessions test)"


@pytest.fixture
def person(tenant: RunningTenant) -> tuple[str, str, str]:
    email = f"sessions-{secrets.token_hex(6)}@example.com"
    password = f"Pw-1{secrets.token_urlsafe(12)}"
    return email, password, create_user_with_role(tenant, email, password, "Viewer")


@pytest.fixture
def browser(tenant: RunningTenant) -> Iterator[Browser]:
    with httpx.Client(
        base_url=tenant.url, timeout=10, headers={"User-Agent": BROWSER_AGENT}
    ) as client:
        yield Browser(tenant, client)


def signed_in(
    tenant: RunningTenant, person: tuple[str, str, str]
) -> tuple[Browser, dict[str, Any]]:
    """A new browser signed in as ``person``, and its token answer (with a refresh token)."""
    client = httpx.Client(base_url=tenant.url, timeout=10, headers={"User-Agent": BROWSER_AGENT})
    browser = Browser(tenant, client)
    return browser, browser.tokens(person[0], person[1])


def test_a_login_session_in_auth0s_shape(
    api: httpx.Client, browser: Browser, person: tuple[str, str, str]
) -> None:
    email, password, user_id = person
    browser.tokens(email, password)
    answer = api.get(f"/users/{user_id}/sessions")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body) == {"sessions"}  # no next: the last page
    [session] = body["sessions"]
    assert set(session) == {
        "id",
        "user_id",
        "created_at",
        "updated_at",
        "authenticated_at",
        "last_interacted_at",
        "idle_expires_at",
        "expires_at",
        "device",
        "clients",
        "authentication",
    }
    assert session["user_id"] == user_id
    assert session["created_at"].endswith("Z") and session["expires_at"] > session["created_at"]
    assert session["device"] == {
        "initial_user_agent": BROWSER_AGENT,
        "initial_ip": "127.0.0.1",
        "last_user_agent": BROWSER_AGENT,
        "last_ip": "127.0.0.1",
    }
    assert session["clients"] == [{"client_id": browser.client_id}]
    assert session["authentication"] == {
        "methods": [{"name": "pwd", "timestamp": session["authenticated_at"]}]
    }


def test_the_session_id_is_the_sid_of_its_id_tokens(
    api: httpx.Client, browser: Browser, person: tuple[str, str, str]
) -> None:
    import jwt

    tokens = browser.tokens(person[0], person[1])
    sid = jwt.decode(tokens["id_token"], options={"verify_signature": False})["sid"]
    [session] = api.get(f"/users/{person[2]}/sessions").json()["sessions"]
    assert session["id"] == sid


def test_checkpoint_paging_walks_every_session(
    tenant: RunningTenant, api: httpx.Client, person: tuple[str, str, str]
) -> None:
    # Signed in within the same second, the browsers share a sid: paging still sees each.
    browsers = [signed_in(tenant, person)[0] for _ in range(3)]
    try:
        seen: list[str] = []
        cursor: str | None = None
        for _ in range(5):
            params: dict[str, Any] = {"take": 2}
            if cursor:
                params["from"] = cursor
            body = api.get(f"/users/{person[2]}/sessions", params=params).json()
            seen += [(s["id"], s["created_at"]) for s in body["sessions"]]
            cursor = body.get("next")
            if not cursor:
                break
        assert len(seen) == 3 and seen == sorted(seen)
        assert len(api.get(f"/users/{person[2]}/sessions").json()["sessions"]) == 3
        auth0_error(
            api.get(f"/users/{person[2]}/sessions", params={"take": 101}),
            400,
            "invalid_query_string",
        )
    finally:
        for b in browsers:
            b.http.close()


def test_deleting_sessions_makes_prompt_none_answer_login_required(
    tenant: RunningTenant, api: httpx.Client, browser: Browser, person: tuple[str, str, str]
) -> None:
    browser.tokens(person[0], person[1])
    silent = browser.authorize(prompt="none")
    assert "code" in query_of(silent.headers["location"])
    before = count_logs(tenant, "sapi", user_id=person[2])

    answer = api.delete(f"/users/{person[2]}/sessions")
    assert answer.status_code == 202, answer.text
    assert api.get(f"/users/{person[2]}/sessions").json() == {"sessions": []}
    assert count_logs(tenant, "sapi", user_id=person[2]) == before + 1

    silent = browser.authorize(prompt="none")
    assert silent.status_code == 302
    assert silent.headers["location"].startswith(SPA_CALLBACK)
    assert query_of(silent.headers["location"])["error"] == "login_required"


def test_a_silent_login_is_recorded_on_the_session(
    tenant: RunningTenant, api: httpx.Client, browser: Browser, person: tuple[str, str, str]
) -> None:
    browser.tokens(person[0], person[1])
    browser.http.headers["User-Agent"] = "Another agent"
    assert browser.authorize(prompt="none").status_code == 302
    [session] = api.get(f"/users/{person[2]}/sessions").json()["sessions"]
    assert session["device"]["initial_user_agent"] == BROWSER_AGENT
    assert session["device"]["last_user_agent"] == "Another agent"


def test_refresh_tokens_in_auth0s_shape_and_revoked_by_delete(
    tenant: RunningTenant, api: httpx.Client, browser: Browser, person: tuple[str, str, str]
) -> None:
    tokens = browser.tokens(person[0], person[1])
    rotated = browser.refresh(tokens["refresh_token"])
    assert rotated.status_code == 200, rotated.text
    answer = api.get(f"/users/{person[2]}/refresh-tokens")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body) == {"tokens"}
    [token] = body["tokens"]
    assert token["id"].startswith("rtf_")
    assert token["user_id"] == person[2]
    assert token["client_id"] == browser.client_id
    assert token["rotating"] is True
    assert token["last_exchanged_at"] >= token["created_at"]
    [session] = api.get(f"/users/{person[2]}/sessions").json()["sessions"]
    assert token["session_id"] == session["id"]
    assert token["device"]["initial_user_agent"] == BROWSER_AGENT
    assert token["device"]["last_ip"] == "127.0.0.1"
    assert token["resource_servers"] == [
        {"audience": tenant.config["api_audience"], "scopes": tokens["scope"]}
    ]
    before = count_logs(tenant, "sapi", user_id=person[2])

    deleted = api.delete(f"/users/{person[2]}/refresh-tokens")
    assert deleted.status_code == 202, deleted.text
    assert count_logs(tenant, "sapi", user_id=person[2]) == before + 1
    assert api.get(f"/users/{person[2]}/refresh-tokens").json() == {"tokens": []}
    refused = browser.refresh(rotated.json()["refresh_token"])
    assert refused.status_code in (400, 403)
    assert refused.json() == {
        "error": "invalid_grant",
        "error_description": "Unknown or invalid refresh token.",
    }


def test_refresh_tokens_page_by_checkpoint(
    tenant: RunningTenant, api: httpx.Client, person: tuple[str, str, str]
) -> None:
    browsers = [signed_in(tenant, person)[0] for _ in range(3)]
    try:
        first = api.get(f"/users/{person[2]}/refresh-tokens", params={"take": 2}).json()
        assert len(first["tokens"]) == 2 and first["next"]
        rest = api.get(
            f"/users/{person[2]}/refresh-tokens", params={"take": 2, "from": first["next"]}
        ).json()
        assert len(rest["tokens"]) == 1 and "next" not in rest
        ids = [t["id"] for t in first["tokens"] + rest["tokens"]]
        assert len(set(ids)) == 3
    finally:
        for b in browsers:
            b.http.close()


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("GET", "sessions", "read:sessions"),
        ("DELETE", "sessions", "delete:sessions"),
        ("GET", "refresh-tokens", "read:refresh_tokens"),
        ("DELETE", "refresh-tokens", "delete:refresh_tokens"),
    ],
)
def test_each_route_needs_its_scope(
    tenant: RunningTenant, person: tuple[str, str, str], method: str, path: str, scope: str
) -> None:
    others = "read:users update:users delete:users read:sessions read:refresh_tokens"
    token = mint(tenant, " ".join(s for s in others.split() if s != scope))
    url = f"{tenant.url}/api/v2/users/{person[2]}/{path}"
    headers = {"Authorization": f"Bearer {token}"}
    body = auth0_error(httpx.request(method, url, headers=headers), 403, "insufficient_scope")
    assert scope in body["message"]
    allowed = {"Authorization": f"Bearer {mint(tenant, scope)}"}
    assert httpx.request(method, url, headers=allowed).status_code in (200, 202)


@pytest.mark.parametrize("path", ["sessions", "refresh-tokens"])
def test_an_unknown_user(api: httpx.Client, path: str) -> None:
    auth0_error(api.get(f"/users/auth0|000000000000000000000000/{path}"), 404, "inexistent_user")
    auth0_error(api.delete(f"/users/auth0|000000000000000000000000/{path}"), 404, "inexistent_user")


def test_the_official_client_lists_and_deletes(
    tenant: RunningTenant, management_token: str, browser: Browser, person: tuple[str, str, str]
) -> None:
    browser.tokens(person[0], person[1])
    auth0 = Auth0(base_url=f"{tenant.url}/api/v2", token=management_token, max_retries=0)
    sessions = list(auth0.users.sessions.list(person[2]))
    assert len(sessions) == 1 and sessions[0].user_id == person[2]
    assert sessions[0].device is not None
    tokens = list(auth0.users.refresh_token.list(person[2]))
    assert len(tokens) == 1 and tokens[0].client_id == browser.client_id
    auth0.users.sessions.delete(person[2])
    auth0.users.refresh_token.delete(person[2])
    assert list(auth0.users.sessions.list(person[2])) == []
    assert list(auth0.users.refresh_token.list(person[2])) == []
