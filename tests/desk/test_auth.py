"""Staff token verification and permissions, over real HTTP against a real tenant."""

from __future__ import annotations

import httpx
import pytest

from tests.desk.conftest import as_role
from tests.support.desk import RunningDesk
from tests.support.forge import BAD_TOKENS, Forge, Forgery, bearer
from tests.support.servers import RunningTenant


@pytest.fixture(scope="module")
def forge(desk_tenant: RunningTenant) -> Forge:
    return Forge.for_desk(desk_tenant)


def test_no_token_is_401_with_a_bearer_challenge(desk_http: httpx.Client) -> None:
    response = desk_http.get("/api/users")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["error"] == "invalid_token"


@pytest.mark.parametrize("forgery", BAD_TOKENS, ids=str)
def test_every_bad_token_is_401(desk_http: httpx.Client, forge: Forge, forgery: Forgery) -> None:
    response = desk_http.get("/api/users", headers=bearer(forge.token(forgery, ["read:users"])))
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith("Bearer")
    body = response.json()
    assert set(body) == {"error", "message"}
    if forgery is not Forgery.NO_TOKEN:
        assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_expired_and_other_audience_say_why(desk_http: httpx.Client, forge: Forge) -> None:
    expired = desk_http.get("/api/users", headers=bearer(forge.token(Forgery.EXPIRED)))
    assert "expired" in expired.json()["message"]
    assert "expired" in expired.headers["www-authenticate"]
    other = desk_http.get("/api/users", headers=bearer(forge.token(Forgery.WRONG_AUDIENCE)))
    assert "not meant for this API" in other.json()["message"]


def test_a_real_token_for_the_management_api_is_refused(
    desk_http: httpx.Client, management_token: str
) -> None:
    response = desk_http.get("/api/users", headers=bearer(management_token))
    assert response.status_code == 401
    assert "not meant for this API" in response.json()["message"]


def test_not_a_bearer_header_is_401(desk_http: httpx.Client) -> None:
    response = desk_http.get("/api/users", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert response.status_code == 401


def test_manage_users_implies_the_user_permissions(desk_http: httpx.Client, forge: Forge) -> None:
    token = forge.sign(forge.claims(["manage:users"]))
    assert desk_http.get("/api/users", headers=bearer(token)).status_code == 200
    assert desk_http.get("/api/audit", headers=bearer(token)).status_code == 200


def test_a_valid_token_without_the_permission_is_403(desk_http: httpx.Client, forge: Forge) -> None:
    token = forge.token(Forgery.WITHOUT_PERMISSION, ["delete:users"])
    response = desk_http.delete("/api/users/auth0|nobody", headers=bearer(token))
    assert response.status_code == 403
    assert response.json() == {
        "error": "insufficient_permissions",
        "message": "This action needs the delete:users permission",
    }


@pytest.mark.parametrize(
    ("role", "reads_users", "reads_audit", "deletes"),
    [
        ("Admin", True, True, True),
        ("Support", True, False, False),
        ("Auditor", True, True, False),
        ("Viewer", True, False, False),
    ],
)
def test_seeded_roles_get_what_their_permissions_say(
    desk: RunningDesk,
    staff_tokens: dict[str, str],
    role: str,
    reads_users: bool,
    reads_audit: bool,
    deletes: bool,
) -> None:
    with as_role(desk, staff_tokens, role) as client:
        assert (client.get("/api/users").status_code == 200) is reads_users
        assert (client.get("/api/audit").status_code == 200) is reads_audit
        # An id that does not exist: allowed roles get 404, the others 403 before any lookup.
        answer = client.delete("/api/users/auth0|000000000000000000000000")
        assert answer.status_code == (404 if deletes else 403)
