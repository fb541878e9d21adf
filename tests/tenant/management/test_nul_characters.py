"""The NUL character: SQLite stores and searches it, PostgreSQL's text cannot hold it.

On PostgreSQL the tenant answers 400 (the value cannot be kept or compared there), never a
500; on SQLite the same requests succeed as they always have.
"""

from __future__ import annotations

import secrets

import httpx
import pytest

from tests.tenant.management.conftest import auth0_error

pytestmark = pytest.mark.both_stores


def test_a_search_for_a_nul_character(store: str, api: httpx.Client) -> None:
    for q in ['name:"a\x00b"', 'app_metadata.plan:"a\x00b"', "email:[a\x00 TO b]"]:
        answer = api.get("/users", params={"q": q})
        if store == "sqlite":
            assert answer.status_code == 200, answer.text
        else:
            body = auth0_error(answer, 400, "invalid_query_string")
            assert "NUL" in body["message"]


@pytest.mark.parametrize("field", ["name", "app_metadata"])
def test_a_user_written_with_a_nul_character(store: str, api: httpx.Client, field: str) -> None:
    body = {
        "connection": "Username-Password-Authentication",
        "email": f"nul-{secrets.token_hex(4)}@example.com",
        "password": "Nul-password-1",
        field: "a\x00b" if field == "name" else {"k": "a\x00b"},
    }
    answer = api.post("/users", json=body)
    if store == "sqlite":
        assert answer.status_code == 201, answer.text
        assert api.delete(f"/users/{answer.json()['user_id']}").status_code == 204
    else:
        assert "NUL" in auth0_error(answer, 400, "invalid_body")["message"]
        found = api.get("/users", params={"q": f'email:"{body["email"]}"'})
        assert found.json() == []
