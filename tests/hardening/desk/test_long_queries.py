"""A search with hundreds of terms is a bad request, not a crash with the SQL in the log.

Each bare term becomes one comparison per default field, and SQLite refuses an expression
more than 1000 levels deep; the parser bounds the terms, the database's refusal is a 400 too,
and no error path logs the statement or its parameters.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest

from tests.support.desk import RunningDesk
from tests.support.forge import Forge, Forgery
from tests.support.servers import RunningTenant

DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def many_terms(count: int) -> str:
    """``count`` distinct three-letter terms: 1,000 of them stay under the 4096-character cap."""
    return " ".join(f"z{DIGITS[i // 36]}{DIGITS[i % 36]}" for i in range(count))


@pytest.fixture
def server_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every record of the app and of uvicorn (whose loggers do not reach the root logger)."""
    uvicorn_error = logging.getLogger("uvicorn.error")
    uvicorn_error.addHandler(caplog.handler)
    with caplog.at_level(logging.INFO):
        yield caplog
    uvicorn_error.removeHandler(caplog.handler)


def assert_quiet(log: pytest.LogCaptureFixture) -> None:
    # httpx's own request lines (the test's and the desk's client, at INFO) are not the servers'.
    for record in (r for r in log.records if not r.name.startswith(("httpx", "httpcore"))):
        text = record.getMessage()
        assert record.exc_info is None, text
        assert "Traceback" not in text
        assert "SELECT" not in text.upper()
        assert "z01 z02" not in text


def assert_auth0_bad_query(response: httpx.Response) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert set(body) == {"statusCode", "error", "message", "errorCode"}
    assert body["statusCode"] == 400
    assert body["error"] == "Bad Request"
    assert body["errorCode"] == "invalid_query_string"
    assert "terms" in body["message"]


@pytest.mark.parametrize("count", [200, 1000])
def test_the_tenant_answers_a_long_query_with_400(
    hard_tenant: RunningTenant,
    hard_machine_token: str,
    server_log: pytest.LogCaptureFixture,
    count: int,
) -> None:
    response = httpx.get(
        f"{hard_tenant.url}/api/v2/users",
        params={"q": many_terms(count), "search_engine": "v3"},
        headers={"Authorization": f"Bearer {hard_machine_token}"},
        timeout=30,
    )
    assert_auth0_bad_query(response)
    assert_quiet(server_log)


@pytest.mark.parametrize("count", [200, 1000])
def test_the_desk_answers_a_long_query_with_400(
    hard_desk: RunningDesk, desk_forge: Forge, server_log: pytest.LogCaptureFixture, count: int
) -> None:
    token = desk_forge.token(Forgery.WITH_PERMISSION, ["read:users"])
    with hard_desk.client(token) as desk:
        response = desk.get("/api/users", params={"q": many_terms(count)})
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "bad_request"
    assert "terms" in response.json()["message"]
    assert_quiet(server_log)


def test_the_database_refusing_a_query_is_a_400_too(
    hard_tenant: RunningTenant,
    hard_machine_token: str,
    server_log: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from userdesk.tenant.management import query

    # With the parser's bound lifted, SQLite itself refuses the expression.
    monkeypatch.setattr(query, "MAX_TERMS", 10_000)
    response = httpx.get(
        f"{hard_tenant.url}/api/v2/users",
        params={"q": many_terms(1000), "search_engine": "v3"},
        headers={"Authorization": f"Bearer {hard_machine_token}"},
        timeout=30,
    )
    assert response.status_code == 400, response.text
    assert response.json()["errorCode"] == "invalid_query_string"
    assert_quiet(server_log)
    assert any("refused by the database" in r.getMessage() for r in server_log.records)


def test_a_hundred_terms_still_search(hard_tenant: RunningTenant, hard_machine_token: str) -> None:
    response = httpx.get(
        f"{hard_tenant.url}/api/v2/users",
        params={"q": many_terms(100).replace(" ", "* ") + "*", "search_engine": "v3"},
        headers={"Authorization": f"Bearer {hard_machine_token}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
