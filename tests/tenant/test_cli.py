"""The tenant's commands of ``userdesk``, run against real tenants over HTTP."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from typer.testing import CliRunner

from tests.support.servers import RunningTenant, bind_loopback, start_tenant
from tests.support.tokens import machine_token, password_token
from userdesk.cli import app
from userdesk.tenant.store.db import MIGRATIONS

runner = CliRunner()


def userdesk(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def tenant(tmp_path: Path) -> Iterator[RunningTenant]:
    # An ephemeral port: never the 8001 the commands would assume by default.
    running = start_tenant(tmp_path, demo_users=5)
    yield running
    running.stop()


def user_count(tenant: RunningTenant, token: str) -> int:
    answer = httpx.get(
        f"{tenant.url}/api/v2/users",
        params={"include_totals": "true", "per_page": 1},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    answer.raise_for_status()
    return int(answer.json()["total"])


def test_seed_adds_users_and_leaves_a_tenant_on_another_port_as_it_was(
    tenant: RunningTenant,
) -> None:
    before = (tenant.data_dir / "tenant.json").read_bytes()
    token = machine_token(tenant)
    count = user_count(tenant, token)

    output = userdesk("tenant", "seed", "--users", "30", "--data-dir", str(tenant.data_dir))

    assert "Added 30 users" in output
    assert (tenant.data_dir / "tenant.json").read_bytes() == before
    # The token from before still opens the Management API, and so does a new one.
    assert user_count(tenant, token) == count + 30
    assert user_count(tenant, machine_token(tenant)) == count + 30


def admin_permissions(tenant: RunningTenant, email: str, password: str) -> list[str]:
    audience = tenant.config["api_audience"]
    answer = password_token(tenant, email, password, audience=audience, scope="openid")
    claims = jwt.decode(answer["access_token"], options={"verify_signature": False})
    return list(claims["permissions"])


def test_admin_creates_an_admin_who_gets_admin_permissions(tenant: RunningTenant) -> None:
    output = userdesk(
        "tenant", "admin", "--email", "rescue@example.com", "--password", "Rescue-pass-123",
        "--data-dir", str(tenant.data_dir),
    )  # fmt: skip
    assert "Created admin rescue@example.com" in output
    assert "Rescue-pass-123" not in output
    permissions = admin_permissions(tenant, "rescue@example.com", "Rescue-pass-123")
    assert {"manage:users", "delete:users", "update:roles", "read:audit"} <= set(permissions)


def test_admin_refuses_a_password_the_connection_policy_finds_weak(
    tenant: RunningTenant,
) -> None:
    result = runner.invoke(
        app,
        ["tenant", "admin", "--email", "weak@example.com", "--password", "alllowercase",
         "--data-dir", str(tenant.data_dir)],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "too weak" in result.output and "alllowercase" not in result.output
    token = machine_token(tenant)
    found = httpx.get(
        f"{tenant.url}/api/v2/users-by-email",
        params={"email": "weak@example.com"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert found.json() == []


def test_admin_resets_a_blocked_admin_with_a_generated_password(tenant: RunningTenant) -> None:
    email = tenant.config["admin"]["email"]
    token = machine_token(tenant)
    api = httpx.Client(
        base_url=f"{tenant.url}/api/v2", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    with api:
        (admin,) = api.get("/users-by-email", params={"email": email}).json()
        roles = api.get(f"/users/{admin['user_id']}/roles").json()
        taken = api.request(
            "DELETE", f"/users/{admin['user_id']}/roles", json={"roles": [r["id"] for r in roles]}
        )
        assert taken.status_code == 204
        assert api.patch(f"/users/{admin['user_id']}", json={"blocked": True}).status_code == 200

    output = userdesk("tenant", "admin", "--email", email, "--data-dir", str(tenant.data_dir))

    assert f"Reset admin {email}" in output
    found = re.search(r"Password: (\S+)", output)
    assert found is not None
    password = found.group(1)
    assert password != tenant.config["admin"]["password"]
    assert "manage:users" in admin_permissions(tenant, email, password)
    with pytest.raises(httpx.HTTPStatusError):
        password_token(tenant, email, tenant.config["admin"]["password"])


def migrate(data_dir: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AUTH0_", "CLIENT_"))}
    env.pop("DATABASE_URL", None)
    env.pop("TENANT_DATABASE_URL", None)
    command = [sys.executable, "-m", "userdesk.cli", "migrate", "--data-dir", str(data_dir)]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def tenant_head() -> str:
    """The newest revision of the tenant's migrations (one head: they form a single chain)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def versions(data_dir: Path) -> tuple[str, str]:
    with sqlite3.connect(data_dir / "tenant.sqlite3") as tenant_db:
        (tenant_version,) = tenant_db.execute("SELECT version_num FROM alembic_version").fetchone()
    with sqlite3.connect(data_dir / "audit.sqlite3") as audit_db:
        (audit_version,) = audit_db.execute(
            "SELECT version_num FROM desk_alembic_version"
        ).fetchone()
    return tenant_version, audit_version


def test_migrate_twice_changes_nothing_the_second_time(tmp_path: Path) -> None:
    first = migrate(tmp_path)
    assert first.wait(120) == 0, first.stdout.read() if first.stdout else ""
    migrated = versions(tmp_path)
    tenant_schema = (tmp_path / "tenant.sqlite3").read_bytes()
    second = migrate(tmp_path)
    assert second.wait(120) == 0
    assert versions(tmp_path) == migrated
    assert (tmp_path / "tenant.sqlite3").read_bytes() == tenant_schema


def test_two_migrations_started_together_both_succeed(tmp_path: Path) -> None:
    processes = [migrate(tmp_path), migrate(tmp_path)]
    for process in processes:
        assert process.wait(120) == 0, process.stdout.read() if process.stdout else ""
    tenant_version, _audit_version = versions(tmp_path)
    assert tenant_version == tenant_head()


def test_set_domain_moves_a_tenant_that_then_serves_at_its_new_url(tmp_path: Path) -> None:
    old = start_tenant(tmp_path, demo_users=0)
    old.stop()
    old.app.state.tenant.engine.dispose()
    with bind_loopback() as probe:  # a free port for the tenant's new home
        port = probe.getsockname()[1]

    output = userdesk(
        "tenant", "set-domain", f"http://127.0.0.1:{port}", "--data-dir", str(tmp_path)
    )

    assert f"http://127.0.0.1:{port}" in output
    moved = start_tenant(tmp_path, port=port, demo_users=0)
    try:
        assert moved.config["issuer"] == f"http://127.0.0.1:{port}/"
        assert user_count(moved, machine_token(moved)) >= 1
    finally:
        moved.stop()
