"""HEAD on the desk API answers as GET does, without a body (it answered 404 where GET said 401)."""

from __future__ import annotations

import pytest

from tests.support.desk import RunningDesk
from tests.support.forge import Forge, Forgery


@pytest.mark.parametrize(
    "path", ["/api/users", "/api/users/auth0|123", "/api/me", "/api/audit", "/api/events/1"]
)
def test_head_without_a_token_is_401_like_get(hard_desk: RunningDesk, path: str) -> None:
    with hard_desk.client() as http:
        got, head = http.get(path), http.head(path)
    assert got.status_code == 401
    assert head.status_code == 401
    assert head.headers["www-authenticate"] == got.headers["www-authenticate"]
    assert head.content == b""


@pytest.mark.parametrize("path", ["/api/health", "/api/config", "/api/events", "/api/nothing-here"])
def test_head_answers_what_get_answers(hard_desk: RunningDesk, path: str) -> None:
    with hard_desk.client() as http:
        got, head = http.get(path), http.head(path)
    assert head.status_code == got.status_code
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.content == b""


def test_head_with_a_token_is_served(hard_desk: RunningDesk, desk_forge: Forge) -> None:
    token = desk_forge.token(Forgery.WITH_PERMISSION, ["read:users"])
    with hard_desk.client(token) as http:
        head = http.head("/api/users")
        forbidden = http.head("/api/audit")
    assert head.status_code == 200
    assert head.headers["content-type"] == "application/json"
    assert head.content == b""
    assert forbidden.status_code == 403


def test_head_outside_the_api_still_reaches_the_spa(hard_desk: RunningDesk) -> None:
    with hard_desk.client() as http:
        got, head = http.get("/users"), http.head("/users")
    assert head.status_code == got.status_code
