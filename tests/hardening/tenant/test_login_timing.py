"""A failed password check costs the same whether or not the account has a password.

Users imported or seeded without a hash used to be refused at once (about 10 ms) while an
unknown email paid for a bcrypt check (about 170 ms): the timing told which accounts exist and
have no password. This compares the two paths; it is not a speed target.
"""

from __future__ import annotations

import statistics
import time

import httpx
from sqlalchemy import update

from tests.hardening.conftest import create_user
from tests.support.servers import RunningTenant
from tests.support.tokens import CONNECTION, PASSWORD_GRANT

SAMPLES = 20


def failed_login(http: httpx.Client, tenant: RunningTenant, email: str) -> float:
    script = tenant.config["script_client"]
    started = time.perf_counter()
    response = http.post(
        "/oauth/token",
        data={
            "grant_type": PASSWORD_GRANT,
            "realm": CONNECTION,
            "client_id": script["client_id"],
            "client_secret": script["client_secret"],
            "username": email,
            "password": "Not-the-password-1",
        },
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 403, response.text
    assert response.json()["error"] == "invalid_grant"
    return elapsed


def test_no_password_and_unknown_email_fail_in_the_same_time(
    hard_tenant: RunningTenant, hard_machine_token: str
) -> None:
    from userdesk.tenant.store.models import User

    # One failure per account: brute-force protection would block a pair after ten.
    emails = [f"no-password-{i}@timing.test" for i in range(SAMPLES)]
    user_ids = [create_user(hard_tenant, hard_machine_token, email) for email in emails]
    with hard_tenant.app.state.tenant.sessions() as session, session.begin():
        session.execute(update(User).where(User.user_id.in_(user_ids)).values(password_hash=None))

    no_password: list[float] = []
    unknown: list[float] = []
    with httpx.Client(base_url=hard_tenant.url, timeout=30) as http:
        failed_login(http, hard_tenant, "warm-up@timing.test")
        # Interleaved, so a burst of load on the machine hits both series alike.
        for i, email in enumerate(emails):
            no_password.append(failed_login(http, hard_tenant, email))
            unknown.append(failed_login(http, hard_tenant, f"nobody-{i}@timing.test"))

    ratio = statistics.median(no_password) / statistics.median(unknown)
    assert 0.67 < ratio < 1.5, (
        f"no password: {statistics.median(no_password) * 1000:.1f} ms, "
        f"unknown email: {statistics.median(unknown) * 1000:.1f} ms"
    )
