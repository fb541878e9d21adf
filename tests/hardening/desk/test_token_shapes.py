"""Tokens that are signed correctly but shaped to confuse: claims of the wrong type, rights in
the wrong claim, and headers that try to bring their own key (``jwk``, ``jku``, ``x5u``)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.desk import RunningDesk
from tests.support.faultproxy import FaultProxy
from tests.support.forge import Forge, bearer, foreign_key
from tests.support.servers import RunningTenant


@pytest.fixture(scope="module")
def client(hard_desk: RunningDesk) -> Iterator[httpx.Client]:
    with hard_desk.client() as http:
        yield http


def with_claims(forge: Forge, **changes: Any) -> str:
    claims = forge.claims(["read:users"])
    claims.update(changes)
    return forge.sign({k: v for k, v in claims.items() if v is not None})


SHAPES = [
    pytest.param({"permissions": "read:users"}, id="permissions as a string"),
    pytest.param({"permissions": [["read:users"]]}, id="permissions as a list of lists"),
    pytest.param({"exp": None}, id="no exp"),
    pytest.param({"exp": str(int(time.time()) + 600)}, id="exp as a string"),
    pytest.param({"sub": None}, id="no sub"),
    pytest.param({"iss": None}, id="no iss"),
    pytest.param({"aud": {"aud": "https://userdesk/api"}}, id="aud as an object"),
]


@pytest.mark.parametrize("changes", SHAPES)
def test_misshapen_claims_are_401(
    client: httpx.Client, desk_forge: Forge, changes: dict[str, Any]
) -> None:
    answer = client.get("/api/users", headers=bearer(with_claims(desk_forge, **changes)))
    assert answer.status_code == 401, (changes, answer.text)


def test_aud_list_holding_the_desk_api_is_accepted(client: httpx.Client, desk_forge: Forge) -> None:
    # What Auth0 issues with openid: [api, https://{domain}/userinfo].
    token = with_claims(desk_forge, aud=[desk_forge.audience, "https://other/userinfo"])
    assert client.get("/api/users", headers=bearer(token)).status_code == 200


def test_rights_in_scope_are_not_permissions(client: httpx.Client, desk_forge: Forge) -> None:
    # RBAC rights live in the permissions claim; a scope string must grant nothing.
    token = with_claims(desk_forge, permissions=[], scope="openid read:users delete:users")
    assert client.get("/api/users", headers=bearer(token)).status_code == 403


def test_manage_users_in_scope_is_not_manage_users(client: httpx.Client, desk_forge: Forge) -> None:
    token = with_claims(desk_forge, permissions=["read:audit"], scope="manage:users")
    assert client.get("/api/users", headers=bearer(token)).status_code == 403


@pytest.fixture
def attacker_server(hard_tenant: RunningTenant) -> Iterator[FaultProxy]:
    """A server the attacker controls; it only has to count who comes to fetch keys."""
    with FaultProxy(hard_tenant.url) as proxy:
        yield proxy


@pytest.mark.parametrize("header", ["jwk", "jku", "x5u"])
def test_a_token_cannot_bring_its_own_key(
    client: httpx.Client, desk_forge: Forge, attacker_server: FaultProxy, header: str
) -> None:
    from joserfc import jwt

    key = foreign_key()
    extra: dict[str, Any] = {
        "jwk": {**key.as_dict(private=False), "kid": "attacker"},
        "jku": f"{attacker_server.url}/.well-known/jwks.json",
        "x5u": f"{attacker_server.url}/cert.pem",
    }
    jose_header = {"alg": "RS256", "typ": "JWT", "kid": "attacker", header: extra[header]}
    token = jwt.encode(jose_header, desk_forge.claims(["read:users"]), key, algorithms=["RS256"])
    answer = client.get("/api/users", headers=bearer(token))
    assert answer.status_code == 401, answer.text
    assert attacker_server.seen == [], "the desk fetched a key from a URL the token named"
