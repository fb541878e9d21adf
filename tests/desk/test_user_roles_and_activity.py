"""Roles, log events, sessions and mail for one user through the desk, against a real tenant."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.desk.conftest import AUDIT_ON_BOTH, STAFF_PASSWORD, as_role
from tests.desk.test_user_actions import last_entry, new_user, sign_in
from tests.support.desk import RunningDesk, start_desk
from tests.support.servers import RunningTenant, start_tenant
from tests.support.tokens import create_user_with_role, password_token, token_request

# The audit entries these tests read back are written to SQLite, then to PostgreSQL.
pytestmark = AUDIT_ON_BOTH


def role_id(client: httpx.Client, name: str) -> str:
    roles = client.get("/api/roles").json()["roles"]
    return next(r["id"] for r in roles if r["name"] == name)


def test_the_tenants_roles_are_listed_by_name(
    desk: RunningDesk, staff_tokens: dict[str, str]
) -> None:
    with as_role(desk, staff_tokens, "Viewer") as client:
        roles = client.get("/api/roles").json()["roles"]
    names = [r["name"] for r in roles]
    assert {"Admin", "Support", "Auditor", "Viewer"} <= set(names)
    assert names == sorted(names)
    assert all(r["id"].startswith("rol_") for r in roles)


def test_admin_assigns_and_removes_a_role_audited_with_before_and_after(
    desk: RunningDesk, desk_tenant: RunningTenant, staff_tokens: dict[str, str]
) -> None:
    user_id, _ = new_user(desk_tenant)
    with as_role(desk, staff_tokens, "Admin") as client:
        support = role_id(client, "Support")
        assert (
            client.post(f"/api/users/{user_id}/roles", json={"roles": [support]}).status_code == 204
        )
        held = [r["name"] for r in client.get(f"/api/users/{user_id}/roles").json()["roles"]]
        assert held == ["Support", "Viewer"]
        assigned = last_entry(client, user_id)
        answer = client.request("DELETE", f"/api/users/{user_id}/roles", json={"roles": [support]})
        assert answer.status_code == 204
        held = [r["name"] for r in client.get(f"/api/users/{user_id}/roles").json()["roles"]]
        removed = last_entry(client, user_id)
    assert held == ["Viewer"]
    assert assigned["action"] == "roles.assign"
    assert assigned["before"] == {"roles": ["Viewer"]}
    assert assigned["after"] == {"roles": ["Support", "Viewer"]}
    assert removed["action"] == "roles.remove"
    assert removed["after"] == {"roles": ["Viewer"]}


def test_unknown_role_ids_and_bodies_are_400_and_unknown_users_404(
    desk: RunningDesk, desk_tenant: RunningTenant, staff_tokens: dict[str, str]
) -> None:
    user_id, _ = new_user(desk_tenant)
    with as_role(desk, staff_tokens, "Admin") as client:
        unknown = client.post(f"/api/users/{user_id}/roles", json={"roles": ["rol_nosuchrole"]})
        assert unknown.status_code == 400
        assert "rol_nosuchrole" in unknown.json()["message"]
        assert client.post(f"/api/users/{user_id}/roles", json={"roles": []}).status_code == 400
        assert client.post(f"/api/users/{user_id}/roles", json={"role": "x"}).status_code == 400
        assert client.get("/api/users/auth0|nosuchuser000000000/roles").status_code == 404
        held = client.get(f"/api/users/{user_id}/roles").json()["roles"]
    assert [r["name"] for r in held] == ["Viewer"]


def test_support_and_viewers_cannot_change_roles(
    desk: RunningDesk, desk_tenant: RunningTenant, staff_tokens: dict[str, str]
) -> None:
    user_id, _ = new_user(desk_tenant)
    for role in ("Support", "Viewer", "Auditor"):
        with as_role(desk, staff_tokens, role) as client:
            admin = role_id(client, "Admin")
            answer = client.post(f"/api/users/{user_id}/roles", json={"roles": [admin]})
            assert answer.status_code == 403, role
    with as_role(desk, staff_tokens, "Admin") as client:
        held = client.get(f"/api/users/{user_id}/roles").json()["roles"]
        entries = client.get("/api/audit", params={"target": user_id, "outcome": "denied"}).json()[
            "entries"
        ]
    assert [r["name"] for r in held] == ["Viewer"]
    assert len(entries) == 3


def test_the_last_admin_cannot_be_demoted(tmp_path_factory: pytest.TempPathFactory) -> None:
    tenant = start_tenant(tmp_path_factory.mktemp("last-admin-roles"), demo_users=0)
    desk = start_desk(tenant)
    try:
        admin = tenant.config["admin"]
        token = password_token(
            tenant, admin["email"], admin["password"], audience=tenant.config["api_audience"]
        )["access_token"]
        with desk.client(token) as client:
            me = client.get("/api/me").json()
            admin_role = role_id(client, "Admin")
            refused = client.request(
                "DELETE", f"/api/users/{me['sub']}/roles", json={"roles": [admin_role]}
            )
            assert refused.status_code == 409
            assert "manage:users" in refused.json()["message"]
            held = [r["name"] for r in client.get(f"/api/users/{me['sub']}/roles").json()["roles"]]
            assert held == ["Admin"]
            # With a second admin, the first may step down.
            second = create_user_with_role(tenant, "second@userdesk.test", STAFF_PASSWORD, "Admin")
            assert second
            stepped = client.request(
                "DELETE", f"/api/users/{me['sub']}/roles", json={"roles": [admin_role]}
            )
            assert stepped.status_code == 204, stepped.text
    finally:
        desk.stop()
        tenant.stop()


def test_a_users_log_events_newest_first_with_their_type_in_words(
    desk: RunningDesk, desk_tenant: RunningTenant, staff_tokens: dict[str, str]
) -> None:
    user_id, email = new_user(desk_tenant)
    sign_in(desk_tenant, email, "Wrong-password-1")
    sign_in(desk_tenant, email)
    with as_role(desk, staff_tokens, "Viewer") as client:
        body = client.get(f"/api/users/{user_id}/logs", params={"per_page": 10}).json()
        one = client.get(f"/api/users/{user_id}/logs", params={"per_page": 1, "page": 2}).json()
        past = client.get(f"/api/users/{user_id}/logs", params={"per_page": 100, "page": 11})
    dates = [e["date"] for e in body["logs"]]
    assert dates == sorted(dates, reverse=True)
    types = [e["type"] for e in body["logs"]]
    assert types[:2] == ["sepft", "fepft"], types
    assert body["logs"][1]["type_label"] == "Failed exchange of a password for a token"
    assert (body["page"], body["per_page"]) == (1, 10)
    assert one["logs"][0]["log_id"] == body["logs"][1]["log_id"]
    assert past.status_code == 400


def test_sessions_are_listed_and_sign_out_everywhere_revokes_refresh_tokens(
    desk: RunningDesk, desk_tenant: RunningTenant, staff_tokens: dict[str, str]
) -> None:
    user_id, email = new_user(desk_tenant)
    answer = password_token(desk_tenant, email, STAFF_PASSWORD, scope="openid offline_access")
    refresh = answer["refresh_token"]
    with as_role(desk, staff_tokens, "Viewer") as client:
        listed = client.get(f"/api/users/{user_id}/sessions")
        assert listed.status_code == 200, listed.text
        assert client.delete(f"/api/users/{user_id}/sessions").status_code == 403
    with as_role(desk, staff_tokens, "Support") as client:
        assert client.delete(f"/api/users/{user_id}/sessions").status_code == 204
        entry = last_entry_as(desk, staff_tokens, user_id)
    script = desk_tenant.config["script_client"]
    refused = token_request(
        desk_tenant,
        {
            "grant_type": "refresh_token",
            "client_id": script["client_id"],
            "client_secret": script["client_secret"],
            "refresh_token": refresh,
        },
    )
    assert refused.status_code in (400, 403), refused.text
    assert refused.json()["error"] == "invalid_grant"
    assert (entry["action"], entry["outcome"]) == ("sessions.revoke", "succeeded")


def last_entry_as(desk: RunningDesk, tokens: dict[str, str], target: str) -> dict[str, Any]:
    with as_role(desk, tokens, "Admin") as client:
        return last_entry(client, target)


def test_a_password_change_link_is_made_and_audited(
    desk: RunningDesk, desk_tenant: RunningTenant, staff_tokens: dict[str, str]
) -> None:
    user_id, _ = new_user(desk_tenant)
    with as_role(desk, staff_tokens, "Support") as client:
        answer = client.post(f"/api/users/{user_id}/password-change-ticket")
    assert answer.status_code == 201, answer.text
    ticket = answer.json()["ticket"]
    assert urlsplit(ticket).netloc == urlsplit(desk_tenant.url).netloc
    entry = last_entry_as(desk, staff_tokens, user_id)
    assert (entry["action"], entry["outcome"]) == ("users.password_change_ticket", "succeeded")
    assert ticket not in str(entry)  # a link that sets a password is a credential


def test_verification_email_is_sent_once_and_refused_when_verified(
    desk: RunningDesk, desk_tenant: RunningTenant, staff_tokens: dict[str, str]
) -> None:
    user_id, _ = new_user(desk_tenant)  # created with email_verified true
    with as_role(desk, staff_tokens, "Support") as client:
        verified = client.post(f"/api/users/{user_id}/verification-email")
        assert verified.status_code == 409
        client.patch(f"/api/users/{user_id}", json={"email_verified": False})
        sent = client.post(f"/api/users/{user_id}/verification-email")
    assert sent.status_code == 202, sent.text
    assert sent.json()["job_id"].startswith("job_")


def test_audit_filters_by_outcome_time_and_text(
    desk: RunningDesk, desk_tenant: RunningTenant, staff_tokens: dict[str, str]
) -> None:
    user_id, email = new_user(desk_tenant)
    marker = uuid.uuid4().hex[:8]
    with as_role(desk, staff_tokens, "Support") as client:
        client.patch(f"/api/users/{user_id}", json={"nickname": marker})
    with as_role(desk, staff_tokens, "Viewer") as client:
        client.delete(f"/api/users/{user_id}")
    now = datetime.now(UTC)
    with as_role(desk, staff_tokens, "Auditor") as client:
        both = client.get("/api/audit", params={"q": user_id[-10:]}).json()["entries"]
        denied = client.get("/api/audit", params={"q": user_id, "outcome": "denied"}).json()
        recent = client.get(
            "/api/audit",
            params={"target": user_id, "since": (now - timedelta(minutes=5)).isoformat()},
        ).json()["entries"]
        future = client.get(
            "/api/audit",
            params={"target": user_id, "since": (now + timedelta(minutes=5)).isoformat()},
        ).json()["entries"]
        older = client.get(
            "/api/audit",
            params={"target": user_id, "until": (now - timedelta(minutes=5)).isoformat()},
        ).json()["entries"]
        bad = client.get("/api/audit", params={"outcome": "maybe"})
    assert [e["action"] for e in both] == ["users.delete", "users.update"]
    assert [e["outcome"] for e in denied["entries"]] == ["denied"]
    assert len(recent) == 2 and future == [] and older == []
    assert bad.status_code == 422
    assert email
