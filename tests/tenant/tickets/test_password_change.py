"""Password-change tickets: issued by /api/v2/tickets/password-change, mailed to the outbox,
redeemed once on the tenant's page, over real HTTP."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import select

from tests.support.servers import RunningTenant
from tests.support.tokens import PASSWORD_GRANT, password_token, token_request
from tests.tenant.management.conftest import auth0_error, mint
from tests.tenant.oidc.conftest import count_logs
from tests.tenant.tickets.conftest import Account, outbox, submit_password
from userdesk.tenant.store.mail import Ticket
from userdesk.tenant.store.models import Connection

NEW_PASSWORD = "New-password-2"


def login(tenant: RunningTenant, email: str, password: str) -> httpx.Response:
    script = tenant.config["script_client"]
    return token_request(
        tenant,
        {
            "grant_type": PASSWORD_GRANT,
            "realm": "Username-Password-Authentication",
            "client_id": script["client_id"],
            "client_secret": script["client_secret"],
            "username": email,
            "password": password,
            "scope": "openid",
        },
    )


def ticket_for(api: httpx.Client, **body: object) -> str:
    answer = api.post("/tickets/password-change", json=body)
    assert answer.status_code == 201, answer.text
    assert set(answer.json()) == {"ticket"}
    link: str = answer.json()["ticket"]
    return link


def test_a_ticket_sets_the_password_once(
    tenant: RunningTenant,
    api: httpx.Client,
    management_token: str,
    browser: httpx.Client,
    account: Account,
) -> None:
    link = ticket_for(api, user_id=account.user_id)
    [mail] = outbox(tenant, management_token, account.email)
    assert mail["template"] == "reset_email"
    assert mail["links"] == [link]
    assert link in mail["text"] and "Change your password" in mail["html"]

    done = submit_password(browser, mail["links"][0], NEW_PASSWORD)
    assert done.status_code == 200, done.text
    assert "Password changed" in done.text
    assert password_token(tenant, account.email, NEW_PASSWORD)["access_token"]
    assert login(tenant, account.email, account.password).status_code in (401, 403)
    assert count_logs(tenant, "scp", user_id=account.user_id) == 1

    again = browser.get(link)
    assert again.status_code == 400
    assert "already been used" in again.text and "<form" not in again.text
    assert password_token(tenant, account.email, NEW_PASSWORD)["access_token"]


def test_the_database_keeps_only_a_digest_of_the_secret(
    tenant: RunningTenant, api: httpx.Client, account: Account
) -> None:
    link = ticket_for(api, user_id=account.user_id)
    secret = parse_qs(urlsplit(link).query)["ticket"][0]
    with tenant.app.state.tenant.sessions() as session:
        rows = session.scalars(select(Ticket).where(Ticket.user_id == account.user_id)).all()
    [row] = rows
    assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr([getattr(row, c.key) for c in Ticket.__table__.columns])
    # No ttl_sec: Auth0's five days.
    assert (row.expires_at - row.created_at).total_seconds() == 432_000


def test_a_used_ticket_refuses_a_second_form_and_logs_it(
    tenant: RunningTenant, api: httpx.Client, browser: httpx.Client, account: Account
) -> None:
    link = ticket_for(api, user_id=account.user_id)
    page = browser.get(link)
    fields = dict(
        ticket=parse_qs(urlsplit(link).query)["ticket"][0],
        csrf_token=page.text.split('name="csrf_token" value="')[1].split('"')[0],
    )
    form = {**fields, "password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD}
    assert browser.post("/u/reset-password", data=form).status_code == 200
    second = {**form, "password": "Third-password-3", "password_confirmation": "Third-password-3"}
    refused = browser.post("/u/reset-password", data=second)
    assert refused.status_code == 400 and "already been used" in refused.text
    assert count_logs(tenant, "fcp", user_id=account.user_id) == 1
    assert password_token(tenant, account.email, NEW_PASSWORD)["access_token"]


def test_an_expired_ticket_shows_a_page_without_a_form(
    api: httpx.Client, browser: httpx.Client, account: Account
) -> None:
    link = ticket_for(api, user_id=account.user_id, ttl_sec=1)
    time.sleep(1.2)
    page = browser.get(link)
    assert page.status_code == 400
    assert "Link expired" in page.text and "<form" not in page.text


def test_only_the_newest_ticket_works(
    tenant: RunningTenant, api: httpx.Client, browser: httpx.Client, account: Account
) -> None:
    older = ticket_for(api, user_id=account.user_id)
    newer = ticket_for(api, user_id=account.user_id)
    page = browser.get(older)
    assert "Link replaced" in page.text and "<form" not in page.text
    assert submit_password(browser, newer, NEW_PASSWORD).status_code == 200
    assert password_token(tenant, account.email, NEW_PASSWORD)["access_token"]


def test_a_weak_password_is_refused_with_the_reason(
    tenant: RunningTenant, api: httpx.Client, browser: httpx.Client, account: Account
) -> None:
    link = ticket_for(api, user_id=account.user_id)
    refused = submit_password(browser, link, "weakpass")
    assert refused.status_code == 400
    assert "Password is too weak" in refused.text
    assert "Upper case letters (A-Z)" in refused.text and "Numbers (i.e. 0-9)" in refused.text
    assert "<form" in refused.text
    assert count_logs(tenant, "fcp", user_id=account.user_id) == 1
    mismatch = submit_password(browser, link, NEW_PASSWORD, "Another-password-3")
    assert "The passwords do not match." in mismatch.text
    # The ticket is still good after a refusal.
    assert submit_password(browser, link, NEW_PASSWORD).status_code == 200
    assert password_token(tenant, account.email, NEW_PASSWORD)["access_token"]


def test_a_form_posted_without_its_csrf_cookie_is_refused(
    tenant: RunningTenant, api: httpx.Client, browser: httpx.Client, account: Account
) -> None:
    link = ticket_for(api, user_id=account.user_id)
    page = browser.get(link)
    ticket = parse_qs(urlsplit(link).query)["ticket"][0]
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    forged = httpx.post(
        f"{tenant.url}/u/reset-password",
        data={
            "ticket": ticket,
            "csrf_token": csrf,
            "password": NEW_PASSWORD,
            "password_confirmation": NEW_PASSWORD,
        },
        timeout=10,
    )
    assert forged.status_code == 403
    assert login(tenant, account.email, account.password).status_code == 200


def test_the_page_is_served_like_the_login_page(
    api: httpx.Client, browser: httpx.Client, account: Account
) -> None:
    page = browser.get(ticket_for(api, user_id=account.user_id))
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"
    assert "httponly" in page.headers["set-cookie"].lower()


def test_a_changed_password_lifts_a_brute_force_block_and_revokes_refresh_tokens(
    tenant: RunningTenant, api: httpx.Client, browser: httpx.Client, account: Account
) -> None:
    audience = tenant.config["api_audience"]
    tokens = password_token(
        tenant, account.email, account.password, audience, "openid offline_access"
    )
    for _ in range(10):
        assert login(tenant, account.email, "Wrong-password-9").status_code in (401, 403)
    assert login(tenant, account.email, account.password).status_code == 429

    changed = submit_password(browser, ticket_for(api, user_id=account.user_id), NEW_PASSWORD)
    assert changed.status_code == 200, changed.text
    assert login(tenant, account.email, NEW_PASSWORD).status_code == 200
    assert api.get(f"/user-blocks/{account.user_id}").json() == {"blocked_for": []}
    script = tenant.config["script_client"]
    refreshed = token_request(
        tenant,
        {
            "grant_type": "refresh_token",
            "client_id": script["client_id"],
            "client_secret": script["client_secret"],
            "refresh_token": tokens["refresh_token"],
        },
    )
    assert refreshed.status_code in (400, 403), refreshed.text
    assert refreshed.json()["error"] == "invalid_grant"


def test_redirects_to_the_result_url_and_marks_the_email_verified(
    api: httpx.Client, browser: httpx.Client, account: Account
) -> None:
    link = ticket_for(
        api,
        user_id=account.user_id,
        result_url="https://app.example.com/done?from=reset",
        mark_email_as_verified=True,
        includeEmailInRedirect=True,
    )
    done = submit_password(browser, link, NEW_PASSWORD)
    assert done.status_code == 302
    target = urlsplit(done.headers["location"])
    assert target.netloc == "app.example.com" and target.path == "/done"
    query = {k: v[0] for k, v in parse_qs(target.query).items()}
    assert query["from"] == "reset" and query["success"] == "true"
    assert query["email"] == account.email and query["message"]
    assert api.get(f"/users/{account.user_id}").json()["email_verified"] is True


def test_a_ticket_by_email_and_connection(
    tenant: RunningTenant, api: httpx.Client, account: Account
) -> None:
    with tenant.app.state.tenant.sessions() as session:
        connection_id = session.scalar(
            select(Connection.id).where(Connection.name == "Username-Password-Authentication")
        )
    link = ticket_for(api, email=account.email.upper(), connection_id=connection_id)
    assert "/u/reset-password?ticket=" in link
    missing = api.post(
        "/tickets/password-change",
        json={"email": account.email, "connection_id": "con_0000000000000000"},
    )
    body = auth0_error(missing, 400, "inexistent_connection")
    assert body["message"] == "The connection with id con_0000000000000000 does not exist."


def test_refusals_in_auth0s_words(api: httpx.Client, make_account: Callable[..., Account]) -> None:
    unknown = api.post("/tickets/password-change", json={"user_id": "auth0|" + "0" * 24})
    assert auth0_error(unknown, 404, "inexistent_user")["message"] == "User not found."
    no_email = make_account()
    assert api.patch(f"/users/{no_email.user_id}", json={"email": None}).status_code == 200
    answer = api.post("/tickets/password-change", json={"user_id": no_email.user_id})
    body = auth0_error(answer, 400, "invalid_body")
    assert body["message"] == "The user does not have an email address."
    someone = make_account()
    for result_url in ("javascript:alert(1)", "http://[", "https://"):
        bad_url = api.post(
            "/tickets/password-change",
            json={"user_id": someone.user_id, "result_url": result_url},
        )
        assert "result_url" in auth0_error(bad_url, 400, "invalid_body")["message"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/tickets/password-change", {"user_id": "auth0|" + "0" * 24}),
        ("/tickets/email-verification", {"user_id": "auth0|" + "0" * 24}),
        ("/jobs/verification-email", {"user_id": "auth0|" + "0" * 24}),
    ],
)
def test_scopes_are_enforced(tenant: RunningTenant, path: str, body: dict[str, str]) -> None:
    token = mint(tenant, "read:users create:users delete:users")
    answer = httpx.post(
        f"{tenant.url}/api/v2{path}",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    auth0_error(answer, 403, "insufficient_scope")
