"""Fixtures of the ticket tests: users made through the Management API, mail read from the
outbox, the password page driven as a browser would (cookies kept, form fields parsed)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.support.servers import RunningTenant
from tests.support.tokens import CONNECTION
from tests.tenant.management.conftest import api, management_token  # noqa: F401

PASSWORD = "Old-password-1"


@dataclass(frozen=True)
class Account:
    user_id: str
    email: str
    password: str


@pytest.fixture
def make_account(api: httpx.Client) -> Callable[..., Account]:  # noqa: F811
    def make(**extra: Any) -> Account:
        email = f"ticket-{secrets.token_hex(6)}@example.com"
        body = {"connection": CONNECTION, "email": email, "password": PASSWORD, **extra}
        created = api.post("/users", json=body)
        assert created.status_code == 201, created.text
        return Account(created.json()["user_id"], email, PASSWORD)

    return make


@pytest.fixture
def account(make_account: Callable[..., Account]) -> Account:
    return make_account()


@pytest.fixture
def browser(tenant: RunningTenant) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=tenant.url, timeout=10) as client:
        yield client


def outbox(tenant: RunningTenant, token: str, to: str) -> list[dict[str, Any]]:
    answer = httpx.get(
        f"{tenant.url}/outbox.json",
        params={"to": to},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    mails: list[dict[str, Any]] = answer.json()
    return mails


def form_fields(html: str) -> dict[str, str]:
    fields = dict(re.findall(r'name="(ticket|csrf_token)" value="([^"]*)"', html))
    assert set(fields) == {"ticket", "csrf_token"}, html
    return fields


def submit_password(
    browser: httpx.Client, link: str, password: str, confirmation: str | None = None
) -> httpx.Response:
    """Open the link's form and send ``password``: the answer to the form."""
    page = browser.get(link)
    assert page.status_code == 200, page.text
    fields = form_fields(page.text)
    return browser.post(
        "/u/reset-password",
        data={
            **fields,
            "password": password,
            "password_confirmation": password if confirmation is None else confirmation,
        },
    )
