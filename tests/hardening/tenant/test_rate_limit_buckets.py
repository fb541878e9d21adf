"""Sign-in limits block the attacker's address, not every user and not the machine clients.

Failed sign-ins are counted per IP (the forwarded one, from a proxy the server was told to
trust), client-credentials requests per authenticated client. Before, one 300-a-minute bucket
per peer address covered every request: 300 wrong passwords locked everyone out, the desk's
own Management token included.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.servers import RunningTenant, start_tenant
from tests.support.tokens import CONNECTION, PASSWORD_GRANT, create_user_with_role, machine_token
from tests.tenant.oidc.flow import Browser

LIMIT = 300  # the default
ATTACKER = "203.0.113.66"
VISITOR = "198.51.100.7"
PASSWORD = "Bucket-password-for-tests-1"


def password_grant(
    http: httpx.Client, tenant: RunningTenant, email: str, password: str, ip: str
) -> httpx.Response:
    script = tenant.config["script_client"]
    return http.post(
        "/oauth/token",
        data={
            "grant_type": PASSWORD_GRANT,
            "realm": CONNECTION,
            "client_id": script["client_id"],
            "client_secret": script["client_secret"],
            "username": email,
            "password": password,
        },
        headers={"X-Forwarded-For": ip},
    )


def limited(tmp_path: Path, **options: object) -> RunningTenant:
    return start_tenant(
        tmp_path,
        demo_users=0,
        configure=lambda o: o.update(auth_rate_limit_per_minute=LIMIT),
        **options,  # type: ignore[arg-type]
    )


@pytest.fixture
def behind_proxy(tmp_path: Path) -> Iterator[RunningTenant]:
    running = limited(tmp_path, forwarded_allow_ips="127.0.0.1")
    yield running
    running.stop()


def test_failed_sign_ins_block_their_address_only(behind_proxy: RunningTenant) -> None:
    tenant = behind_proxy
    email = "victim@buckets.test"
    create_user_with_role(tenant, email, PASSWORD, "Viewer")
    with httpx.Client(base_url=tenant.url, timeout=30) as http:
        # 300 failed password grants for one account from one forwarded address (after ten,
        # brute-force protection blocks that account from that address).
        for _ in range(LIMIT):
            answer = password_grant(http, tenant, email, "wrong-password", ATTACKER)
            assert answer.status_code in (403, 429), answer.text
            assert answer.json()["error"] in ("invalid_grant", "too_many_attempts")
        blocked = password_grant(http, tenant, email, PASSWORD, ATTACKER)
        assert blocked.status_code == 429, blocked.text
        assert blocked.json()["error"] == "too_many_requests"
        assert 1 <= int(blocked.headers["retry-after"]) <= 60

        # The same user signs in from elsewhere, through the grant and through the login form.
        elsewhere = password_grant(http, tenant, email, PASSWORD, VISITOR)
        assert elsewhere.status_code == 200, elsewhere.text
    with httpx.Client(
        base_url=tenant.url, timeout=30, headers={"X-Forwarded-For": VISITOR}
    ) as visitor:
        assert "access_token" in Browser(tenant, visitor).tokens(email, PASSWORD)

    # Machine clients are counted per client, even from the attacker's address.
    assert machine_token(tenant)
    backend = tenant.config["backend"]
    answer = httpx.post(
        f"{tenant.url}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": backend["client_id"],
            "client_secret": backend["client_secret"],
            "audience": tenant.config["management_audience"],
        },
        headers={"X-Forwarded-For": ATTACKER},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text


def test_a_machine_client_has_its_own_bucket(tmp_path: Path) -> None:
    tenant = start_tenant(
        tmp_path, demo_users=0, configure=lambda o: o.update(auth_rate_limit_per_minute=3)
    )
    try:
        for _ in range(3):
            machine_token(tenant)
        backend = tenant.config["backend"]
        answer = httpx.post(
            f"{tenant.url}/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": backend["client_id"],
                "client_secret": backend["client_secret"],
                "audience": tenant.config["management_audience"],
            },
            timeout=30,
        )
        assert answer.status_code == 429
        # Its quota is not the address's: a sign-in from the same address is still tried.
        with httpx.Client(base_url=tenant.url, timeout=30) as http:
            wrong = password_grant(http, tenant, "nobody@buckets.test", "wrong", "ignored")
        assert wrong.status_code == 403, wrong.text
    finally:
        tenant.stop()


def test_without_trusted_proxies_a_forged_forwarded_for_is_ignored(tmp_path: Path) -> None:
    tenant = start_tenant(
        tmp_path, demo_users=0, configure=lambda o: o.update(auth_rate_limit_per_minute=3)
    )
    try:
        with httpx.Client(base_url=tenant.url, timeout=30) as http:
            for i in range(3):
                forged = f"203.0.113.{i + 1}"
                answer = password_grant(http, tenant, "nobody@buckets.test", "wrong", forged)
                assert answer.status_code == 403, answer.text
            # A fresh forged address does not buy a fresh bucket: the peer is what counts.
            answer = password_grant(http, tenant, "nobody@buckets.test", "wrong", "192.0.2.99")
            assert answer.status_code == 429, answer.text
        logged = httpx.get(
            f"{tenant.url}/api/v2/logs",
            params={"q": "type:fepft", "per_page": 10},
            headers={"Authorization": f"Bearer {machine_token(tenant)}"},
            timeout=30,
        )
        assert logged.status_code == 200, logged.text
        assert {event.get("ip") for event in logged.json()} == {"127.0.0.1"}
    finally:
        tenant.stop()


def test_userdesk_serve_trusts_forwarded_for_only_from_named_proxies() -> None:
    from userdesk.runner import Served, _config

    trusting = _config(Served(app=None, host="127.0.0.1", port=0, forwarded_allow_ips="10.0.0.5"))  # type: ignore[arg-type]
    assert trusting.proxy_headers is True
    assert trusting.forwarded_allow_ips == "10.0.0.5"
    default = _config(Served(app=None, host="127.0.0.1", port=0))  # type: ignore[arg-type]
    assert default.proxy_headers is False
