"""Hardening fixtures: a tenant of their own (these tests delete users), the desk in front of it,
and helpers to enumerate an app's routes at run time."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.support.desk import RunningDesk, start_desk
from tests.support.faultproxy import FaultProxy
from tests.support.forge import Forge, Forgery
from tests.support.servers import RunningTenant, start_tenant
from tests.support.tokens import machine_token

IGNORED_METHODS = {"HEAD", "OPTIONS"}
# The desk's upstream timeout in fault tests (10 s in production), and a delay surely past it.
# Generous, because CI machines are shared and a loaded tenant must not look like a fault.
UPSTREAM_TIMEOUT = 2.5
PAST_TIMEOUT = 6.0


@dataclass(frozen=True)
class RouteKey:
    method: str
    path: str

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def app_routes(app: FastAPI) -> set[RouteKey]:
    """Every (method, path) the app answers, included routers and hidden routes too."""
    try:
        from fastapi.routing import iter_route_contexts

        contexts = list(iter_route_contexts(app.routes))
    except ImportError:  # FastAPI before lazily included routers
        contexts = list(app.routes)  # type: ignore[arg-type]
    found = set()
    for route in contexts:
        for method in getattr(route, "methods", None) or set():
            if method not in IGNORED_METHODS:
                found.add(RouteKey(method, route.path))
    return found


@pytest.fixture(scope="session")
def hard_tenant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningTenant]:
    running = start_tenant(tmp_path_factory.mktemp("hardening-tenant"), demo_users=5)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def hard_desk(hard_tenant: RunningTenant) -> Iterator[RunningDesk]:
    running = start_desk(hard_tenant)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def desk_forge(hard_tenant: RunningTenant) -> Forge:
    return Forge.for_desk(hard_tenant)


@pytest.fixture(scope="session")
def hard_machine_token(hard_tenant: RunningTenant) -> str:
    return machine_token(hard_tenant)


def create_user(tenant: RunningTenant, token: str, email: str) -> str:
    """A database user created through the tenant's Management API; returns its user_id."""
    response = httpx.post(
        f"{tenant.url}/api/v2/users",
        json={
            "connection": "Username-Password-Authentication",
            "email": email,
            "password": "Hardening-password-1",
        },
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    user_id: str = response.json()["user_id"]
    return user_id


def user_exists(tenant: RunningTenant, token: str, user_id: str) -> bool:
    response = httpx.get(
        f"{tenant.url}/api/v2/users/{user_id}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert response.status_code in (200, 404), response.text
    return response.status_code == 200


@dataclass
class Proxied:
    """A tenant whose public URL is a fault proxy in front of it, and a desk configured from it:
    every call the desk makes (JWKS, /oauth/token, /api/v2) crosses the proxy."""

    proxy: FaultProxy
    tenant: RunningTenant
    desk: RunningDesk
    forge: Forge
    machine_token: str

    def admin(self) -> httpx.Client:
        token = self.forge.token(Forgery.WITH_PERMISSION, ["manage:users"])
        return self.desk.client(token)


def start_proxied(
    data_dir: Path, *, desk_timeout: float = UPSTREAM_TIMEOUT, **desk_options: Any
) -> Proxied:
    proxy = FaultProxy(upstream="").start()
    try:
        tenant = start_tenant(
            data_dir, demo_users=3, configure=lambda o: o.update(public_url=proxy.url)
        )
    except BaseException:
        proxy.stop()
        raise
    proxy.upstream = tenant.url
    # The desk's 10 s upstream timeout, shortened so slow-answer faults take seconds, not tens.
    desk = start_desk(tenant, upstream_timeout=desk_timeout, **desk_options)
    forge = Forge.for_desk(tenant)
    return Proxied(proxy, tenant, desk, forge, machine_token(tenant))


def stop_proxied(proxied: Proxied) -> None:
    proxied.desk.stop()
    proxied.tenant.stop()
    proxied.proxy.stop()


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxied]:
    running = start_proxied(tmp_path_factory.mktemp("proxied"))
    yield running
    stop_proxied(running)


@pytest.fixture
def faults(proxied: Proxied) -> Iterator[Proxied]:
    """``proxied`` with no faults and an empty request record before and after each test."""
    proxied.proxy.clear()
    yield proxied
    proxied.proxy.clear()
