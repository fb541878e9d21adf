"""Fixtures of the Authentication API tests: all against a real tenant over HTTP."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from tests.support.servers import RunningTenant
from tests.support.tokens import create_user_with_role
from tests.tenant.oidc.flow import Browser
from userdesk.tenant.store.models import LogEvent


@pytest.fixture
def http(tenant: RunningTenant) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=tenant.url, timeout=10) as client:
        yield client


@pytest.fixture
def browser(tenant: RunningTenant) -> Iterator[Browser]:
    """A cookie-keeping client that plays spa-js against the tenant."""
    with httpx.Client(base_url=tenant.url, timeout=10) as client:
        yield Browser(tenant, client)


@pytest.fixture
def make_user(tenant: RunningTenant) -> Callable[..., tuple[str, str, str]]:
    """Create a fresh user (email, password, user_id) so tests never share counters."""

    def make(role: str = "Support") -> tuple[str, str, str]:
        email = f"oidc-{secrets.token_hex(6)}@example.com"
        password = f"Pw-1{secrets.token_urlsafe(12)}"
        user_id = create_user_with_role(tenant, email, password, role)
        return email, password, user_id

    return make


def count_logs(tenant: RunningTenant, type_: str, **where: Any) -> int:
    """How many log events of ``type_`` match ``where`` (read from the tenant's database)."""
    query = select(func.count()).select_from(LogEvent).where(LogEvent.type == type_)
    for column, value in where.items():
        query = query.where(getattr(LogEvent, column) == value)
    with tenant.app.state.tenant.sessions() as session:
        return int(session.scalar(query) or 0)


@pytest.fixture
def log_count(tenant: RunningTenant) -> Callable[..., int]:
    def count(type_: str, **where: Any) -> int:
        return count_logs(tenant, type_, **where)

    return count
