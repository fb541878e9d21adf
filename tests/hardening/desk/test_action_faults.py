"""The user page's writes when the provider fails: a clean 503 and an audit entry marked
failed, and nothing changed at the tenant that the desk did not report.

The 503s are injected by the fault proxy (a real tenant does not fail on demand).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from tests.hardening.conftest import Proxied
from tests.hardening.desk.test_upstream_faults import (
    assert_clean_error,
    audit_entries,
    fresh_user,
)
from tests.support.faultproxy import Fault
from tests.support.tokens import CONNECTION


def at_tenant(faults: Proxied, path: str) -> Any:
    answer = httpx.get(
        f"{faults.tenant.url}/api/v2{path}",
        headers={"Authorization": f"Bearer {faults.machine_token}"},
        timeout=10,
    )
    answer.raise_for_status()
    return answer.json()


def outcomes(faults: Proxied, target: str) -> list[str]:
    return [e["outcome"] for e in audit_entries(faults, target)]


def test_fault_an_edit_the_provider_refuses_with_503_changes_nothing(faults: Proxied) -> None:
    user_id = fresh_user(faults, "edit-503")
    faults.proxy.inject("PATCH", r"/api/v2/users/[^/]+$", Fault.server_error(503))
    with faults.admin() as client:
        response = client.patch(f"/api/users/{user_id}", json={"name": "Never Applied"})
    assert_clean_error(response, 503)
    assert at_tenant(faults, f"/users/{quote(user_id, safe='')}")["name"] != "Never Applied"
    [entry] = audit_entries(faults, user_id)
    assert (entry["action"], entry["outcome"]) == ("users.update", "failed")
    assert entry["after"] is None


def test_fault_a_role_assignment_is_sent_once_and_audited_as_failed(faults: Proxied) -> None:
    user_id = fresh_user(faults, "roles-503")
    with faults.admin() as client:
        viewer = next(
            r["id"] for r in client.get("/api/roles").json()["roles"] if r["name"] == "Viewer"
        )
    faults.proxy.inject("POST", r"/api/v2/users/[^/]+/roles$", Fault.server_error(503))
    with faults.admin() as client:
        response = client.post(f"/api/users/{user_id}/roles", json={"roles": [viewer]})
    assert_clean_error(response, 502, 503)
    # A create-like write is never retried after it may have landed.
    assert len(faults.proxy.requests("POST", r"/api/v2/users/[^/]+/roles$")) == 1
    assert at_tenant(faults, f"/users/{quote(user_id, safe='')}/roles") == []
    assert outcomes(faults, user_id) == ["failed"]


def test_fault_sign_out_everywhere_failing_is_503_and_audited(faults: Proxied) -> None:
    user_id = fresh_user(faults, "sessions-503")
    faults.proxy.inject("DELETE", r"/api/v2/users/[^/]+/sessions$", Fault.server_error(503))
    with faults.admin() as client:
        response = client.delete(f"/api/users/{user_id}/sessions")
    assert_clean_error(response, 503)
    assert outcomes(faults, user_id) == ["failed"]


def test_fault_a_reset_link_lost_on_the_way_back_is_not_made_twice(faults: Proxied) -> None:
    user_id = fresh_user(faults, "ticket-lost")
    faults.proxy.inject(
        "POST", r"/api/v2/tickets/password-change$", Fault.server_error(503, after_forward=True)
    )
    with faults.admin() as client:
        response = client.post(f"/api/users/{user_id}/password-change-ticket")
    assert_clean_error(response, 502, 503)
    assert len(faults.proxy.requests("POST", r"/api/v2/tickets/password-change$")) == 1
    [entry] = audit_entries(faults, user_id)
    assert entry["outcome"] == "failed"


def test_fault_a_create_refused_before_it_reached_the_tenant_creates_nobody(
    faults: Proxied,
) -> None:
    email = "create-503@faults.test"
    faults.proxy.inject("POST", r"/api/v2/users$", Fault.server_error(503))
    with faults.admin() as client:
        response = client.post(
            "/api/users",
            json={"email": email, "password": "Faults-password-1", "connection": CONNECTION},
        )
    assert_clean_error(response, 502, 503)
    assert at_tenant(faults, f"/users-by-email?email={quote(email)}") == []
    assert outcomes(faults, email) == ["failed"]
