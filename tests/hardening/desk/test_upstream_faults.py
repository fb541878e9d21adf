"""The desk when the tenant misbehaves: injected faults from the proxy between them.

These are the allowed fakes (a real tenant does not rate-limit, fail or stall on demand), so
every test name says "fault". What is asserted is real: the desk's answer over HTTP, what
reached the tenant (counted at the proxy), the tenant's own log, and the desk's audit log.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from tests.hardening.conftest import PAST_TIMEOUT, Proxied, create_user, user_exists
from tests.support.faultproxy import Fault
from tests.support.forge import Forgery, bearer

USERS = r"/api/v2/users"
ONE_USER = r"/api/v2/users/[^/]+"


def assert_clean_error(response: httpx.Response, *statuses: int) -> dict[str, Any]:
    assert response.status_code in statuses, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"error", "message"}
    assert body["message"]
    assert "Traceback" not in response.text and 'File "' not in response.text
    return body


def audit_entries(faults: Proxied, target: str) -> list[dict[str, Any]]:
    with faults.admin() as client:
        response = client.get("/api/audit", params={"target": target})
    response.raise_for_status()
    entries: list[dict[str, Any]] = response.json()["entries"]
    return entries


def deletions_at_tenant(faults: Proxied, user_id: str) -> int:
    """``du`` events in the tenant's own log: how many times the user was really deleted."""
    from userdesk.tenant.store.models import LogEvent

    with faults.tenant.app.state.tenant.sessions() as session:
        count = session.scalar(
            select(func.count())
            .select_from(LogEvent)
            .where(LogEvent.type == "du", LogEvent.user_id == user_id)
        )
    return int(count or 0)


def fresh_user(faults: Proxied, name: str) -> str:
    return create_user(faults.tenant, faults.machine_token, f"{name}@faults.test")


# -- reads ---------------------------------------------------------------------------------


def test_fault_rate_limit_past_the_budget_is_429_with_retry_after(faults: Proxied) -> None:
    faults.proxy.inject("GET", USERS, Fault.rate_limited(retry_after=30))
    with faults.admin() as client:
        response = client.get("/api/users")
    assert_clean_error(response, 429)
    assert int(response.headers["retry-after"]) >= 1
    # Waiting 30 s is past the retry budget: one call, no retry.
    assert len(faults.proxy.requests("GET", USERS)) == 1


def test_fault_short_rate_limit_is_retried_within_the_budget(faults: Proxied) -> None:
    faults.proxy.inject("GET", USERS, Fault.rate_limited(retry_after=1), times=1)
    with faults.admin() as client:
        response = client.get("/api/users")
    assert response.status_code == 200, response.text
    assert len(faults.proxy.requests("GET", USERS)) == 2


@pytest.mark.parametrize(("status", "answers"), [(500, {502}), (503, {503}), (502, {502, 503})])
def test_fault_upstream_error_is_a_clean_gateway_error(
    faults: Proxied, status: int, answers: set[int]
) -> None:
    faults.proxy.inject("GET", USERS, Fault.server_error(status))
    with faults.admin() as client:
        response = client.get("/api/users")
    assert_clean_error(response, *answers)
    tries = len(faults.proxy.requests("GET", USERS))
    assert 1 <= tries <= 3, f"{tries} calls: the retry budget is 3 attempts"


def test_fault_one_503_is_retried_for_a_read(faults: Proxied) -> None:
    faults.proxy.inject("GET", USERS, Fault.server_error(503), times=1)
    with faults.admin() as client:
        assert client.get("/api/users").status_code == 200
    assert len(faults.proxy.requests("GET", USERS)) == 2


def test_fault_500_every_time_is_502_after_three_attempts(faults: Proxied) -> None:
    faults.proxy.inject("GET", USERS, Fault.server_error(500))
    with faults.admin() as client:
        response = client.get("/api/users")
    assert assert_clean_error(response, 502)["message"].startswith(
        "The identity provider failed (500)"
    )
    assert len(faults.proxy.requests("GET", USERS)) == 3


def test_fault_unknown_kids_cannot_make_the_desk_hammer_the_jwks_endpoint(
    faults: Proxied,
) -> None:
    with faults.admin() as client:
        assert client.get("/api/users").status_code == 200  # keys fetched, cached
        faults.proxy.clear()
        for _ in range(10):
            response = client.get(
                "/api/users",
                headers=bearer(faults.forge.token(Forgery.UNKNOWN_KID, ["read:users"])),
            )
            assert response.status_code == 401
    # The first unknown kid may refetch (a key may have rotated); the next ones may not.
    assert len(faults.proxy.requests("GET", r"/\.well-known/jwks\.json")) <= 1


def test_fault_reset_connection_is_503(faults: Proxied) -> None:
    faults.proxy.inject("GET", USERS, Fault.reset())
    with faults.admin() as client:
        response = client.get("/api/users")
    assert_clean_error(response, 502, 503)
    assert 1 <= len(faults.proxy.requests("GET", USERS)) <= 3


def test_fault_one_reset_is_retried(faults: Proxied) -> None:
    faults.proxy.inject("GET", USERS, Fault.reset(), times=1)
    with faults.admin() as client:
        assert client.get("/api/users").status_code == 200


@pytest.mark.slow
def test_fault_slow_answer_past_the_timeout_is_503(faults: Proxied) -> None:
    faults.proxy.inject("GET", USERS, Fault.slow(PAST_TIMEOUT))
    with faults.admin() as client:
        response = client.get("/api/users")
    assert_clean_error(response, 503, 504)


def test_fault_malformed_json_is_502_not_500(faults: Proxied) -> None:
    faults.proxy.inject("GET", USERS, Fault.malformed_json())
    with faults.admin() as client:
        response = client.get("/api/users")
    assert_clean_error(response, 502)


# -- deletes -------------------------------------------------------------------------------


def test_fault_delete_refused_upstream_is_audited_as_failed(faults: Proxied) -> None:
    user_id = fresh_user(faults, "refused")
    faults.proxy.inject("DELETE", ONE_USER, Fault.server_error(503))
    with faults.admin() as client:
        response = client.delete(f"/api/users/{user_id}")
    assert_clean_error(response, 503)
    assert faults.proxy.reached_tenant("DELETE", ONE_USER) == 0
    assert user_exists(faults.tenant, faults.machine_token, user_id)
    [entry] = audit_entries(faults, user_id)
    assert (entry["action"], entry["outcome"], entry["upstream_status"]) == (
        "users.delete",
        "failed",
        503,
    )


def test_fault_delete_rate_limited_is_not_retried_past_the_budget(faults: Proxied) -> None:
    user_id = fresh_user(faults, "limited")
    faults.proxy.inject("DELETE", ONE_USER, Fault.rate_limited(retry_after=30))
    with faults.admin() as client:
        response = client.delete(f"/api/users/{user_id}")
    assert_clean_error(response, 429)
    assert "retry-after" in response.headers
    assert len(faults.proxy.requests("DELETE", ONE_USER)) == 1
    assert user_exists(faults.tenant, faults.machine_token, user_id)
    [entry] = audit_entries(faults, user_id)
    assert (entry["outcome"], entry["upstream_status"]) == ("failed", 429)


@pytest.mark.slow
@pytest.mark.parametrize(
    "fault",
    [
        Fault.reset(after_forward=True),
        Fault.slow(PAST_TIMEOUT, after_forward=True),
        Fault.server_error(503, after_forward=True),
    ],
    ids=["reset-after-delete", "timeout-after-delete", "503-after-delete"],
)
def test_fault_after_the_tenant_deleted_deletes_once_and_audits_it(
    faults: Proxied, fault: Fault
) -> None:
    user_id = fresh_user(faults, f"lost-answer-{fault.kind}")
    faults.proxy.inject("DELETE", ONE_USER, fault, times=1)
    with faults.admin() as client:
        response = client.delete(f"/api/users/{user_id}")
    # The tenant acted, the answer was lost. Retrying an idempotent delete is allowed and
    # yields 204; what must never happen is a second real deletion or a missing audit entry.
    assert response.status_code in (204, 502, 503), response.text
    assert not user_exists(faults.tenant, faults.machine_token, user_id)
    assert deletions_at_tenant(faults, user_id) == 1
    assert 1 <= faults.proxy.reached_tenant("DELETE", ONE_USER) <= 3
    [entry] = audit_entries(faults, user_id)
    assert entry["outcome"] == ("succeeded" if response.status_code == 204 else "failed")
    assert entry["snapshot"] and entry["snapshot"]["user_id"] == user_id


def test_fault_free_delete_reaches_the_tenant_exactly_once(faults: Proxied) -> None:
    user_id = fresh_user(faults, "plain")
    with faults.admin() as client:
        assert client.delete(f"/api/users/{user_id}").status_code == 204
        again = client.delete(f"/api/users/{user_id}")
    assert again.status_code == 404, "an already deleted user is reported, not deleted again"
    assert faults.proxy.reached_tenant("DELETE", ONE_USER) == 1
    assert deletions_at_tenant(faults, user_id) == 1
    outcomes = sorted(e["outcome"] for e in audit_entries(faults, user_id))
    assert outcomes == ["failed", "succeeded"]


def test_fault_token_endpoint_down_is_503_and_nothing_deleted(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # A desk of its own: the shared one already holds a cached Management API token.
    from tests.hardening.conftest import start_proxied, stop_proxied

    own = start_proxied(tmp_path_factory.mktemp("token-down"))
    try:
        user_id = fresh_user(own, "token-down")
        own.proxy.inject("POST", "/oauth/token", Fault.server_error(503))
        with own.admin() as client:
            response = client.delete(f"/api/users/{user_id}")
        assert_clean_error(response, 502, 503)
        assert own.proxy.reached_tenant("DELETE", ONE_USER) == 0
        assert user_exists(own.tenant, own.machine_token, user_id)
        [entry] = audit_entries(own, user_id)
        assert entry["outcome"] == "failed"
    finally:
        stop_proxied(own)


def test_fault_rate_limit_with_only_a_reset_header_gives_retry_after(faults: Proxied) -> None:
    faults.proxy.inject("GET", USERS, Fault.rate_limited(retry_after=40, send_retry_after=False))
    with faults.admin() as client:
        response = client.get("/api/users")
    assert_clean_error(response, 429)
    # Derived from x-ratelimit-reset (epoch seconds), not a made-up default.
    assert 30 <= int(response.headers["retry-after"]) <= 41
    assert len(faults.proxy.requests("GET", USERS)) == 1


def test_fault_jwks_down_before_any_key_is_cached_is_503_not_401_or_500(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    from tests.hardening.conftest import start_proxied, stop_proxied

    own = start_proxied(tmp_path_factory.mktemp("jwks-down"))
    try:
        own.proxy.inject("GET", r"/\.well-known/jwks\.json", Fault.server_error(503))
        with own.admin() as client:
            response = client.get("/api/users")
        assert_clean_error(response, 503)
        own.proxy.clear()
        with own.admin() as client:
            assert client.get("/api/users").status_code == 200, "the desk did not recover"
    finally:
        stop_proxied(own)


def test_fault_before_the_delete_is_sent_audits_a_failure_and_sends_no_delete(
    faults: Proxied,
) -> None:
    user_id = fresh_user(faults, "snapshot-fails")
    # The desk reads the profile for the audit snapshot first; that read fails.
    faults.proxy.inject("GET", ONE_USER, Fault.server_error(503))
    with faults.admin() as client:
        response = client.delete(f"/api/users/{user_id}")
    assert_clean_error(response, 503)
    assert not faults.proxy.requests("DELETE", ONE_USER)
    faults.proxy.clear()
    assert user_exists(faults.tenant, faults.machine_token, user_id)
    [entry] = audit_entries(faults, user_id)
    assert (entry["outcome"], entry["upstream_status"]) == ("failed", 503)
