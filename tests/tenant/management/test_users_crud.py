"""Get, create, patch and delete one user; users-by-email; ids raw or %7C-encoded."""

from __future__ import annotations

import re
import uuid
from functools import partial
from typing import Any

import httpx
import pytest

from tests.support.management import new_user as new_database_user
from tests.tenant.management.conftest import auth0_error

pytestmark = pytest.mark.both_stores

CONNECTION = "Username-Password-Authentication"
# Emails with capitals in the domain: the tenant keeps them as given.
new_user = partial(new_database_user, prefix="crud", domain="Example.COM")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def test_a_created_user_has_auth0s_shape(api: httpx.Client) -> None:
    user = new_user(api, user_metadata={"locale": "de"}, app_metadata={"plan": "pro"})
    assert re.match(r"^auth0\|[0-9a-f]{24}$", user["user_id"])
    assert user["identities"] == [
        {
            "connection": CONNECTION,
            "user_id": user["user_id"].split("|", 1)[1],
            "provider": "auth0",
            "isSocial": False,
        }
    ]
    assert DATE.match(user["created_at"]) and DATE.match(user["updated_at"])
    assert user["multifactor"] == [] and user["logins_count"] == 0 and user["blocked"] is False
    assert user["email_verified"] is False
    assert (user["app_metadata"], user["user_metadata"]) == ({"plan": "pro"}, {"locale": "de"})
    assert not any("password" in key or "hash" in key for key in user)


def test_get_accepts_the_id_raw_and_percent_encoded(api: httpx.Client) -> None:
    user = new_user(api)
    raw = api.get(f"/users/{user['user_id']}")
    encoded = api.get(f"/users/{user['user_id'].replace('|', '%7C')}")
    assert raw.status_code == encoded.status_code == 200
    assert raw.json() == encoded.json() == user
    assert "%7C" in str(encoded.request.url) or "%7c" in str(encoded.request.url)


def test_get_with_fields(api: httpx.Client) -> None:
    user = new_user(api)
    answer = api.get(f"/users/{user['user_id']}", params={"fields": "email,user_id"})
    assert answer.json() == {"user_id": user["user_id"], "email": user["email"]}


def test_an_unknown_user_is_404_inexistent_user(api: httpx.Client) -> None:
    body = auth0_error(api.get("/users/auth0|0123456789abcdef01234567"), 404, "inexistent_user")
    assert body == {
        "statusCode": 404,
        "error": "Not Found",
        "message": "The user does not exist.",
        "errorCode": "inexistent_user",
    }


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_a_malformed_user_id_is_400(api: httpx.Client, method: str) -> None:
    body = auth0_error(api.request(method, "/users/not-a-user-id"), 400, "invalid_uri")
    assert "Object didn't pass validation for format user-id: not-a-user-id" in body["message"]


def test_delete_is_204_and_idempotent_and_logged_as_du(api: httpx.Client) -> None:
    user = new_user(api)
    first = api.delete(f"/users/{user['user_id'].replace('|', '%7C')}")
    again = api.delete(f"/users/{user['user_id']}")
    assert (first.status_code, first.content) == (204, b"")
    assert (again.status_code, again.content) == (204, b"")
    auth0_error(api.get(f"/users/{user['user_id']}"), 404, "inexistent_user")
    logs = api.get("/logs", params={"q": f'type:du AND user_id:"{user["user_id"]}"'}).json()
    assert len(logs) == 1
    assert logs[0]["user_name"] == user["email"]


def test_create_refuses_a_duplicate_with_409(api: httpx.Client) -> None:
    user = new_user(api)
    again = api.post(
        "/users",
        json={"connection": CONNECTION, "email": user["email"].upper(), "password": "Other-pass-1"},
    )
    body = auth0_error(again, 409, "auth0_idp_error")
    assert body["message"] == "The user already exists."


def test_create_with_a_given_user_id(api: httpx.Client) -> None:
    local = uuid.uuid4().hex[:24]
    user = new_user(api, user_id=local)
    assert user["user_id"] == f"auth0|{local}"
    auth0_error(
        api.post(
            "/users",
            json={
                "connection": CONNECTION,
                "email": "someone-else@example.com",
                "password": "x-Password-1",
                "user_id": local,
            },
        ),
        409,
        "auth0_idp_error",
    )


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"email": "a@b.c", "password": "p-Assword-1"}, "connection"),
        ({"connection": CONNECTION, "email": "a@b.c", "password": "x", "shoe": 1}, "shoe"),
        ({"connection": CONNECTION, "email": "a@b.c", "password": "x", "blocked": "no"}, "boolean"),
        ({"connection": CONNECTION, "password": "x-Password-1"}, "email"),
    ],
)
def test_create_refuses_invalid_bodies(
    api: httpx.Client, body: dict[str, Any], needle: str
) -> None:
    answer = auth0_error(api.post("/users", json=body), 400, "invalid_body")
    assert needle in answer["message"]


def test_create_refuses_an_unknown_connection(api: httpx.Client) -> None:
    answer = api.post(
        "/users", json={"connection": "nope", "email": "n@example.com", "password": "Pw-12345678"}
    )
    auth0_error(answer, 400, "inexistent_connection")


def test_malformed_json_is_400(api: httpx.Client) -> None:
    answer = api.post("/users", content=b"{not json", headers={"Content-Type": "application/json"})
    auth0_error(answer, 400, "invalid_body")


def test_patch_merges_metadata_at_the_root(api: httpx.Client) -> None:
    user = new_user(
        api,
        user_metadata={"a": 1, "nested": {"x": 1, "y": 2}, "gone": True},
        app_metadata={"plan": "free", "flags": ["a"]},
    )
    answer = api.patch(
        f"/users/{user['user_id']}",
        json={"user_metadata": {"b": 2, "nested": {"x": 9}, "gone": None}, "app_metadata": {}},
    )
    assert answer.status_code == 200, answer.text
    patched = answer.json()
    assert patched["user_metadata"] == {"a": 1, "b": 2, "nested": {"x": 9}}
    assert patched["app_metadata"] == {}
    assert patched["updated_at"] >= user["updated_at"]
    assert api.get(f"/users/{user['user_id']}").json()["user_metadata"] == patched["user_metadata"]


def test_patch_profile_fields_and_blocked(api: httpx.Client) -> None:
    user = new_user(api)
    answer = api.patch(
        f"/users/{user['user_id']}",
        json={"blocked": True, "name": "Renamed", "email": "Moved@Elsewhere.ORG"},
    )
    patched = answer.json()
    assert (patched["blocked"], patched["name"], patched["email"]) == (
        True,
        "Renamed",
        "Moved@Elsewhere.ORG",
    )
    found = api.get("/users", params={"q": 'email.domain:elsewhere.org AND name:"renamed"'})
    assert user["user_id"] in [u["user_id"] for u in found.json()]


def test_patch_refuses_unknown_fields_and_unknown_users(api: httpx.Client) -> None:
    user = new_user(api)
    auth0_error(api.patch(f"/users/{user['user_id']}", json={"shoe": 1}), 400, "invalid_body")
    auth0_error(
        api.patch("/users/auth0|ffffffffffffffffffffffff", json={"name": "x"}),
        404,
        "inexistent_user",
    )


def test_writes_are_logged_as_sapi_with_method_and_path(api: httpx.Client) -> None:
    user = new_user(api)
    api.patch(f"/users/{user['user_id']}", json={"name": "Logged"})
    events = api.get("/logs", params={"q": "type:sapi", "per_page": 5, "page": 0}).json()
    request = events[0]["details"]["request"]
    assert (request["method"], request["path"]) == ("patch", f"/api/v2/users/{user['user_id']}")


def test_users_by_email_is_case_insensitive_and_unpaged(api: httpx.Client) -> None:
    user = new_user(api)
    answer = api.get("/users-by-email", params={"email": user["email"].swapcase()})
    assert [u["user_id"] for u in answer.json()] == [user["user_id"]]
    only = api.get("/users-by-email", params={"email": user["email"], "fields": "user_id"})
    assert only.json() == [{"user_id": user["user_id"]}]
    auth0_error(api.get("/users-by-email"), 400, "invalid_query_string")


def test_metadata_search_ignores_the_array_level(api: httpx.Client) -> None:
    tag = uuid.uuid4().hex[:8]
    user = new_user(
        api,
        app_metadata={"roles": ["editor", f"owner-{tag}"], "level": 7, "beta": True},
        user_metadata={"addresses": [{"city": f"Paris-{tag}"}, {"city": "Lyon"}]},
    )
    other = new_user(api, app_metadata={"roles": "editor", "level": "7"})

    def found(q: str) -> set[str]:
        answer = api.get("/users", params={"q": q, "per_page": 100})
        assert answer.status_code == 200, answer.text
        return {u["user_id"] for u in answer.json()} & {user["user_id"], other["user_id"]}

    assert found(f"app_metadata.roles:owner-{tag}") == {user["user_id"]}
    assert found(f'user_metadata.addresses.city:"Paris-{tag}"') == {user["user_id"]}
    assert found(f"app_metadata.roles:owner-{tag[:4]}*") == {user["user_id"]}
    # Numbers match numbers and the same digits as text; true matches only JSON true.
    assert found(f"app_metadata.level:7 AND app_metadata.roles:(editor OR owner-{tag})") == {
        user["user_id"],
        other["user_id"],
    }
    assert found(f"app_metadata.beta:true AND app_metadata.roles:owner-{tag}") == {user["user_id"]}
    assert found("app_metadata.level:[5 TO 10] AND app_metadata.roles:editor") >= {user["user_id"]}
    assert found("_exists_:user_metadata.addresses.city") >= {user["user_id"]}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Payload validation error: 'Expected type object but found type null'."),
        (b"[1]", "Payload validation error: 'Expected type object but found type array'."),
    ],
)
def test_a_body_that_is_not_an_object_is_400(
    api: httpx.Client, content: bytes, message: str
) -> None:
    answer = api.post("/users", content=content, headers={"Content-Type": "application/json"})
    assert auth0_error(answer, 400, "invalid_body")["message"] == message


def test_concurrent_deletes_log_one_deletion(api: httpx.Client) -> None:
    from concurrent.futures import ThreadPoolExecutor

    for _ in range(3):
        user = new_user(api)
        paths = [f"/users/{user['user_id']}"] * 6
        with ThreadPoolExecutor(max_workers=6) as pool:
            statuses = [answer.status_code for answer in pool.map(api.delete, paths)]
        assert statuses == [204] * 6
        logs = api.get("/logs", params={"q": f'type:du AND user_id:"{user["user_id"]}"'}).json()
        assert len(logs) == 1
