"""bcrypt runs while no sign-in holds the database's write lock, and its verdict is reused only
for the hash it compared.

Each test wraps the tenant's password comparison (the tenant runs in this process) so that,
every time bcrypt is about to run, another connection tries to take SQLite's write lock
without waiting: it must get it. Before the comparison moved out of the sign-in's
transaction, the transaction's ``BEGIN IMMEDIATE`` held that lock for bcrypt's whole time.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import pytest
from sqlalchemy import select, update

from tests.support.servers import RunningTenant
from tests.support.tokens import password_grant_form, token_request
from tests.tenant.oidc.flow import Browser, form_fields
from userdesk.tenant.oidc import credentials
from userdesk.tenant.passwords import hash_password
from userdesk.tenant.store.models import FailedLogin, User

MakeUser = Callable[..., tuple[str, str, str]]


def database_file(tenant: RunningTenant) -> str:
    url = tenant.app.state.tenant.engine.url
    if url.get_backend_name() != "sqlite" or not url.database:
        pytest.skip("the write lock under test is SQLite's")
    return str(url.database)


def write_lock_is_free(database: str) -> bool:
    """Whether another connection takes the write lock at once (no busy waiting)."""
    connection = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return False
    else:
        connection.execute("ROLLBACK")
        return True
    finally:
        connection.close()


@dataclass
class Comparisons:
    """The lock's state each time bcrypt was about to run, and what ran before it."""

    lock_free: list[bool] = field(default_factory=list)
    before_first: Callable[[], None] | None = None


@pytest.fixture
def comparisons(tenant: RunningTenant, monkeypatch: pytest.MonkeyPatch) -> Comparisons:
    database = database_file(tenant)
    seen = Comparisons()
    real = credentials.verify_password

    def watched(password: str, hashed: str | None) -> bool:
        seen.lock_free.append(write_lock_is_free(database))
        if len(seen.lock_free) == 1 and seen.before_first is not None:
            seen.before_first()
        return real(password, hashed)

    monkeypatch.setattr(credentials, "verify_password", watched)
    return seen


def password_grant(tenant: RunningTenant, email: str, password: str) -> httpx.Response:
    return token_request(tenant, password_grant_form(tenant, email, password))


def failures_of(tenant: RunningTenant, user_id: str) -> int:
    with tenant.app.state.tenant.sessions() as session:
        counts = session.scalars(select(FailedLogin.count).where(FailedLogin.user_id == user_id))
        return sum(counts)


def test_password_grant_compares_once_with_the_lock_free(
    tenant: RunningTenant, make_user: MakeUser, comparisons: Comparisons
) -> None:
    email, password, _ = make_user()
    answer = password_grant(tenant, email, password)
    assert answer.status_code == 200, answer.text
    assert comparisons.lock_free == [True]


def test_wrong_password_is_refused_and_counted_with_the_lock_free(
    tenant: RunningTenant, make_user: MakeUser, comparisons: Comparisons
) -> None:
    email, _, user_id = make_user()
    answer = password_grant(tenant, email, "not-the-password")
    assert answer.status_code == 403, answer.text
    assert answer.json()["error"] == "invalid_grant"
    assert comparisons.lock_free == [True]
    assert failures_of(tenant, user_id) == 1


def test_unknown_email_costs_one_comparison_with_the_lock_free(
    tenant: RunningTenant, comparisons: Comparisons
) -> None:
    answer = password_grant(tenant, "nobody-here@example.com", "whatever-1A")
    assert answer.status_code == 403, answer.text
    assert comparisons.lock_free == [True]


def test_a_client_without_its_secret_gets_no_comparison(
    tenant: RunningTenant, make_user: MakeUser, comparisons: Comparisons
) -> None:
    email, password, _ = make_user()
    answer = token_request(
        tenant, password_grant_form(tenant, email, password, client_secret="wrong")
    )
    assert answer.status_code == 401, answer.text
    assert comparisons.lock_free == []


def test_login_form_compares_once_with_the_lock_free(
    browser: Browser, make_user: MakeUser, comparisons: Comparisons
) -> None:
    email, password, _ = make_user()
    assert browser.login_for_code(email, password)
    assert comparisons.lock_free == [True]


def test_a_forged_login_form_gets_no_comparison(
    browser: Browser, make_user: MakeUser, comparisons: Comparisons
) -> None:
    email, password, _ = make_user()
    page = browser.authorize()
    fields = {**form_fields(page.text), "csrf_token": "forged", "email": email}
    answer = browser.http.post("/login", data={**fields, "password": password})
    assert answer.status_code >= 400
    assert comparisons.lock_free == []


def test_a_password_changed_after_the_comparison_is_compared_again(
    tenant: RunningTenant, make_user: MakeUser, comparisons: Comparisons
) -> None:
    email, password, user_id = make_user()
    newer = hash_password("An0ther-password!")

    def change_password() -> None:
        # Between the comparison outside the transaction and the transaction itself.
        with tenant.app.state.tenant.sessions() as session, session.begin():
            session.execute(update(User).where(User.user_id == user_id).values(password_hash=newer))

    comparisons.before_first = change_password
    answer = password_grant(tenant, email, password)
    # The first verdict (the old hash: a match) is not trusted for the new hash.
    assert answer.status_code == 403, answer.text
    assert len(comparisons.lock_free) == 2
    assert comparisons.lock_free[0] is True
    assert password_grant(tenant, email, "An0ther-password!").status_code == 200
