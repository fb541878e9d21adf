"""Users through the desk, against a real tenant: list, search, view, delete with its audit."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest

from tests.desk.conftest import AUDIT_ON_BOTH, STAFF_PASSWORD, as_role
from tests.support.desk import RunningDesk, start_desk
from tests.support.servers import RunningTenant, start_tenant
from tests.support.tokens import create_user_with_role, password_token

# The audit entries these tests read back are written to SQLite, then to PostgreSQL.
pytestmark = AUDIT_ON_BOTH


def _new_user(tenant: RunningTenant) -> tuple[str, str]:
    email = f"target-{uuid.uuid4().hex[:10]}@userdesk.test"
    return create_user_with_role(tenant, email, STAFF_PASSWORD, "Viewer"), email


def test_viewer_lists_users(desk: RunningDesk, staff_tokens: dict[str, str]) -> None:
    with as_role(desk, staff_tokens, "Viewer") as client:
        body = client.get("/api/users", params={"per_page": 5}).json()
    assert body["page"] == 1
    assert body["per_page"] == 5
    assert len(body["users"]) == 5
    assert body["total"] >= 9  # admin, five demo users, the staff of each role
    first = body["users"][0]
    assert first["user_id"].startswith("auth0|")
    assert first["identities"][0]["provider"] == "auth0"


def test_a_listed_user_is_written_as_the_users_own_answer_writes_it(
    desk: RunningDesk, staff_tokens: dict[str, str]
) -> None:
    # The list is written by UserRead's msgspec twin, the user's own answer by FastAPI from
    # UserRead itself: the same names (``isSocial``, the OpenAPI document's), nulls and dates.
    with as_role(desk, staff_tokens, "Viewer") as client:
        listed = client.get("/api/users", params={"per_page": 8}).json()["users"]
        own = [client.get(f"/api/users/{quote(u['user_id'], safe='')}").json() for u in listed]
    assert len(listed) == 8
    assert listed == own
    assert all("isSocial" in identity for user in listed for identity in user["identities"])


def test_search_passes_q_through(desk: RunningDesk, staff_tokens: dict[str, str]) -> None:
    with as_role(desk, staff_tokens, "Viewer") as client:
        body = client.get("/api/users", params={"q": 'email:"auditor.staff@userdesk.test"'}).json()
    assert [u["email"] for u in body["users"]] == ["auditor.staff@userdesk.test"]
    assert body["total"] == 1


def test_a_bad_query_is_a_400_naming_the_problem(
    desk: RunningDesk, staff_tokens: dict[str, str]
) -> None:
    with as_role(desk, staff_tokens, "Viewer") as client:
        response = client.get("/api/users", params={"q": 'email:"unterminated'})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "bad_request"
    assert body["message"].startswith("The identity provider rejected the request: ")
    assert len(body["message"]) > len("The identity provider rejected the request: ")


def test_paging_past_auth0s_cap_is_a_clear_400(
    desk: RunningDesk, staff_tokens: dict[str, str]
) -> None:
    with as_role(desk, staff_tokens, "Viewer") as client:
        response = client.get("/api/users", params={"page": 11, "per_page": 100})
    assert response.status_code == 400
    assert response.json()["error"] == "search_cap_reached"
    message = response.json()["message"]
    assert "1,000" in message and "Refine the search" in message
    assert " q" not in message  # staff never see the query parameter's name


def test_sort_is_passed_through(desk: RunningDesk, staff_tokens: dict[str, str]) -> None:
    with as_role(desk, staff_tokens, "Viewer") as client:
        up = client.get("/api/users", params={"sort": "email:1", "per_page": 100}).json()
        down = client.get("/api/users", params={"sort": "email:-1", "per_page": 100}).json()
        bad = client.get("/api/users", params={"sort": "email; drop"})
    emails = [u["email"] for u in up["users"]]
    assert emails == sorted(emails)
    assert [u["email"] for u in down["users"]] == emails[::-1]
    assert bad.status_code == 422


def test_get_one_user_and_404_for_none(
    desk: RunningDesk, desk_tenant: RunningTenant, staff_tokens: dict[str, str]
) -> None:
    user_id, email = _new_user(desk_tenant)
    with as_role(desk, staff_tokens, "Support") as client:
        found = client.get(f"/api/users/{user_id}")
        missing = client.get("/api/users/auth0|ffffffffffffffffffffffff")
    assert found.status_code == 200
    assert found.json()["email"] == email
    assert missing.status_code == 404
    assert missing.json() == {
        "error": "not_found",
        "message": "No user with id auth0|ffffffffffffffffffffffff",
    }


def test_viewer_cannot_delete(
    desk: RunningDesk, desk_tenant: RunningTenant, staff_tokens: dict[str, str]
) -> None:
    user_id, _ = _new_user(desk_tenant)
    with as_role(desk, staff_tokens, "Viewer") as client:
        response = client.delete(f"/api/users/{user_id}")
        assert response.status_code == 403
        assert client.get(f"/api/users/{user_id}").status_code == 200


def test_admin_deletes_and_the_audit_log_keeps_the_profile(
    desk: RunningDesk,
    desk_tenant: RunningTenant,
    staff_tokens: dict[str, str],
    management_token: str,
) -> None:
    user_id, email = _new_user(desk_tenant)
    with as_role(desk, staff_tokens, "Admin") as admin:
        response = admin.delete(f"/api/users/{user_id}", headers={"X-Request-ID": "del-1"})
        assert response.status_code == 204, response.text
        assert admin.get(f"/api/users/{user_id}").status_code == 404

    # Gone from the tenant itself, not just from the desk's view of it.
    upstream = httpx.get(
        f"{desk_tenant.url}/api/v2/users/{user_id}",
        headers={"Authorization": f"Bearer {management_token}"},
    )
    assert upstream.status_code == 404

    with as_role(desk, staff_tokens, "Auditor") as auditor:
        audit = auditor.get("/api/audit", params={"target": user_id}).json()
    assert audit["total"] == 1
    entry = audit["entries"][0]
    assert entry["action"] == "users.delete"
    assert entry["outcome"] == "succeeded"
    assert entry["upstream_status"] == 204
    assert entry["request_id"] == "del-1"
    assert entry["actor_email"] == "admin.staff@userdesk.test"
    assert entry["actor_sub"].startswith("auth0|")
    assert entry["snapshot"]["email"] == email
    assert entry["snapshot"]["user_id"] == user_id
    assert entry["attempted_at"] <= entry["completed_at"]


def test_deleting_a_missing_user_is_404_and_audited_as_failed(
    desk: RunningDesk, staff_tokens: dict[str, str]
) -> None:
    target = f"auth0|{uuid.uuid4().hex[:24]}"
    with as_role(desk, staff_tokens, "Admin") as admin:
        assert admin.delete(f"/api/users/{target}").status_code == 404
        entries = admin.get("/api/audit", params={"target": target}).json()["entries"]
    assert [(e["outcome"], e["upstream_status"]) for e in entries] == [("failed", 404)]


def test_audit_filters_by_actor_and_action(
    desk: RunningDesk, desk_tenant: RunningTenant, staff_tokens: dict[str, str]
) -> None:
    user_id, _ = _new_user(desk_tenant)
    with as_role(desk, staff_tokens, "Admin") as admin:
        assert admin.delete(f"/api/users/{user_id}").status_code == 204
        mine = admin.get("/api/audit", params={"action": "users.delete", "per_page": 100}).json()
        sub = next(e["actor_sub"] for e in mine["entries"] if e["target"] == user_id)
        by_actor = admin.get("/api/audit", params={"actor": sub, "per_page": 100}).json()
        nobody = admin.get("/api/audit", params={"actor": "auth0|nobody"}).json()
        paged = admin.get("/api/audit", params={"per_page": 1, "page": 1}).json()
    assert all(e["actor_sub"] == sub for e in by_actor["entries"])
    assert user_id in {e["target"] for e in by_actor["entries"]}
    assert nobody == {"entries": [], "total": 0, "page": 1, "per_page": 50}
    assert len(paged["entries"]) == 1
    assert paged["total"] >= 1


@pytest.fixture(scope="module")
def crowded(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[RunningTenant, RunningDesk]]:
    tenant = start_tenant(tmp_path_factory.mktemp("crowded"), demo_users=120)
    desk = start_desk(tenant)
    yield tenant, desk
    desk.stop()
    tenant.stop()


@pytest.mark.parametrize("per_page", [50, 7])
def test_120_users_across_pages_without_duplicates_or_gaps(
    crowded: tuple[RunningTenant, RunningDesk], per_page: int
) -> None:
    tenant, desk = crowded
    admin = tenant.config["admin"]
    token = password_token(
        tenant, admin["email"], admin["password"], audience=tenant.config["api_audience"]
    )["access_token"]
    seen: list[str] = []
    total = None
    with desk.client(token) as client:
        for page in range(1, 100):
            body = client.get(
                "/api/users", params={"page": page, "per_page": per_page, "sort": "created_at:1"}
            ).json()
            total = body["total"]
            if not body["users"]:
                break
            seen.extend(u["user_id"] for u in body["users"])
    assert total == 121  # the 120 demo users and the admin
    assert len(seen) == len(set(seen)) == 121
