"""Email verification: tickets, verification-email jobs and the mail sent on creation, each
followed from the outbox to the tenant's page, over real HTTP."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.support.servers import RunningTenant
from tests.tenant.management.conftest import auth0_error, mint
from tests.tenant.oidc.conftest import count_logs
from tests.tenant.tickets.conftest import Account, outbox

VERIFIED = "Your email was verified. You can continue using the application."


def verified(api: httpx.Client, account: Account) -> bool:
    return bool(api.get(f"/users/{account.user_id}").json()["email_verified"])


def test_a_ticket_verifies_the_email_once(
    tenant: RunningTenant,
    api: httpx.Client,
    management_token: str,
    browser: httpx.Client,
    account: Account,
) -> None:
    answer = api.post("/tickets/email-verification", json={"user_id": account.user_id})
    assert answer.status_code == 201, answer.text
    [mail] = outbox(tenant, management_token, account.email)
    assert mail["template"] == "verify_email" and mail["links"] == [answer.json()["ticket"]]
    assert not verified(api, account)

    first = browser.get(mail["links"][0])
    assert first.status_code == 200 and "Email verified" in first.text
    assert verified(api, account)
    second = browser.get(mail["links"][0])
    assert second.status_code == 200 and "already verified" in second.text
    assert count_logs(tenant, "sv", user_id=account.user_id) == 1


def test_the_result_url_gets_auth0s_classic_query(
    api: httpx.Client, browser: httpx.Client, account: Account
) -> None:
    link = api.post(
        "/tickets/email-verification",
        json={"user_id": account.user_id, "result_url": "http://localhost:3000/verified"},
    ).json()["ticket"]
    first = browser.get(link)
    assert first.status_code == 302
    target = urlsplit(first.headers["location"])
    assert target.netloc == "localhost:3000"
    query = {k: v[0] for k, v in parse_qs(target.query).items()}
    assert query == {"email": account.email, "message": VERIFIED, "success": "true"}
    again = {
        k: v[0] for k, v in parse_qs(urlsplit(browser.get(link).headers["location"]).query).items()
    }
    assert again["success"] == "false" and again["code"] == "already-verified"


def test_an_unknown_link_shows_a_clear_page(browser: httpx.Client) -> None:
    page = browser.get("/u/email-verification", params={"ticket": "not-a-ticket"})
    assert page.status_code == 404 and "not valid" in page.text


def test_a_verification_email_job(
    tenant: RunningTenant,
    api: httpx.Client,
    management_token: str,
    browser: httpx.Client,
    account: Account,
) -> None:
    answer = api.post("/jobs/verification-email", json={"user_id": account.user_id})
    assert answer.status_code == 201, answer.text
    job = answer.json()
    assert job["status"] == "pending" and job["type"] == "verification_email"
    assert job["id"].startswith("job_") and job["created_at"].endswith("Z")
    read = api.get(f"/jobs/{job['id']}")
    assert read.json() == {**job, "status": "completed"}
    assert count_logs(tenant, "svr", user_id=account.user_id) == 1

    [mail] = outbox(tenant, management_token, account.email)
    assert browser.get(mail["links"][0]).status_code == 200
    assert verified(api, account)


def test_job_refusals(
    tenant: RunningTenant, api: httpx.Client, make_account: Callable[..., Account]
) -> None:
    no_email = make_account()
    api.patch(f"/users/{no_email.user_id}", json={"email": None}).raise_for_status()
    answer = api.post("/jobs/verification-email", json={"user_id": no_email.user_id})
    assert auth0_error(answer, 400, "invalid_body")["message"] == (
        "User does not have an email address."
    )
    auth0_error(api.get("/jobs/job_0000000000000000"), 404, "inexistent_job")
    reader = mint(tenant, "read:users")
    headers = {"Authorization": f"Bearer {reader}"}
    job = api.post("/jobs/verification-email", json={"user_id": make_account().user_id}).json()
    assert httpx.get(f"{tenant.url}/api/v2/jobs/{job['id']}", headers=headers).status_code == 200
    writer = mint(tenant, "update:users")
    headers = {"Authorization": f"Bearer {writer}"}
    refused = httpx.get(f"{tenant.url}/api/v2/jobs/{job['id']}", headers=headers)
    auth0_error(refused, 403, "insufficient_scope")


def test_a_user_created_with_verify_email_gets_the_mail(
    tenant: RunningTenant,
    management_token: str,
    browser: httpx.Client,
    make_account: Callable[..., Account],
    api: httpx.Client,
) -> None:
    quiet = make_account()
    assert outbox(tenant, management_token, quiet.email) == []
    welcomed = make_account(verify_email=True)
    [mail] = outbox(tenant, management_token, welcomed.email)
    assert mail["template"] == "verify_email"
    assert browser.get(mail["links"][0]).status_code == 200
    assert verified(api, welcomed)
