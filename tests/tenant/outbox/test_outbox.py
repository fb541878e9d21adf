"""The outbox read three ways: JSON with a Management token, the local page, the CLI."""

from __future__ import annotations

import secrets

import httpx
import pytest
from typer.testing import CliRunner

from tests.support.servers import RunningTenant
from tests.support.tokens import CONNECTION
from tests.tenant.management.conftest import api, management_token, mint  # noqa: F401
from userdesk.cli import app

SPA_ORIGIN = "http://localhost:8000"


@pytest.fixture
def recipient(api: httpx.Client) -> str:  # noqa: F811
    """A user who got two mails: a password-change link, then a verification link."""
    email = f"Outbox-{secrets.token_hex(5)}@Example.com"
    created = api.post(
        "/users", json={"connection": CONNECTION, "email": email, "password": "Outbox-pass-1"}
    )
    user_id = created.json()["user_id"]
    assert api.post("/tickets/password-change", json={"user_id": user_id}).status_code == 201
    assert api.post("/jobs/verification-email", json={"user_id": user_id}).status_code == 201
    return email


def test_json_needs_a_management_token(tenant: RunningTenant) -> None:
    assert httpx.get(f"{tenant.url}/outbox.json").status_code == 401
    bad = httpx.get(f"{tenant.url}/outbox.json", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    # Any Management API token will do: no particular scope.
    token = mint(tenant, "read:logs")
    answer = httpx.get(f"{tenant.url}/outbox.json", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200


def test_json_lists_one_recipients_mail_newest_first(
    tenant: RunningTenant,
    recipient: str,
    management_token: str,  # noqa: F811
) -> None:
    answer = httpx.get(
        f"{tenant.url}/outbox.json",
        params={"to": recipient.lower()},
        headers={"Authorization": f"Bearer {management_token}"},
    )
    mails = answer.json()
    assert [m["template"] for m in mails] == ["verify_email", "reset_email"]
    newest = mails[0]
    assert newest["to"] == recipient and newest["subject"] == "Verify your email"
    assert newest["links"][0] in newest["text"] and newest["links"][0] in newest["html"]
    assert newest["id"].startswith("msg_") and newest["created_at"].endswith("Z")


def test_the_page_lists_mail_with_clickable_links(tenant: RunningTenant, recipient: str) -> None:
    page = httpx.get(f"{tenant.url}/outbox", params={"to": recipient})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.text.index("Verify your email") < page.text.index("Reset your password")
    assert page.text.count('<a href="http') == 2
    assert "script-src" not in page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    empty = httpx.get(f"{tenant.url}/outbox", params={"to": "nobody@example.com"})
    assert "No mail to nobody@example.com yet." in empty.text


@pytest.mark.parametrize("path", ["/outbox", "/outbox.json"])
def test_no_other_origin_may_read_the_outbox(
    tenant: RunningTenant,
    path: str,
    management_token: str,  # noqa: F811
) -> None:
    # Not even an origin the tenant trusts for /oauth/token.
    headers = {"Origin": SPA_ORIGIN, "Authorization": f"Bearer {management_token}"}
    answer = httpx.get(f"{tenant.url}{path}", headers=headers)
    assert answer.status_code == 200
    assert "access-control-allow-origin" not in answer.headers
    preflight = httpx.options(
        f"{tenant.url}{path}",
        headers={"Origin": SPA_ORIGIN, "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in preflight.headers


def test_the_cli_prints_the_mail(tenant: RunningTenant, recipient: str) -> None:
    result = CliRunner().invoke(
        app, ["tenant", "outbox", "--to", recipient, "--data-dir", str(tenant.data_dir)]
    )
    assert result.exit_code == 0, result.output
    assert "Verify your email" in result.output and "Reset your password" in result.output
    assert f"{tenant.url}/u/reset-password?ticket=" in result.output
    nobody = CliRunner().invoke(
        app, ["tenant", "outbox", "--to", "nobody@example.com", "--data-dir", str(tenant.data_dir)]
    )
    assert "No mail to nobody@example.com yet." in nobody.output


def test_the_page_answers_only_on_the_tenants_own_machine(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    from tests.support.servers import start_tenant

    # Behind a trusted proxy the forwarded client's address counts: a remote one is refused.
    proxied = start_tenant(
        tmp_path_factory.mktemp("outbox-proxy"), demo_users=0, forwarded_allow_ips="127.0.0.1"
    )
    try:
        local = httpx.get(f"{proxied.url}/outbox", timeout=10)
        remote = httpx.get(
            f"{proxied.url}/outbox", headers={"X-Forwarded-For": "203.0.113.5"}, timeout=10
        )
    finally:
        proxied.stop()
    assert local.status_code == 200
    assert remote.status_code == 403
    assert "reset-password" not in remote.text
    assert "own machine" in remote.text
