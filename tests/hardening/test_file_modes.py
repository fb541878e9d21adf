"""Files holding secrets or personal data are the owner's only (0600), whatever the umask.

A first start in a world-readable folder under umask 022 creates every such file 0600; a later
start that finds one opened up warns, naming the file, and closes it again. Client secrets are
stored hashed: the database holds none of the secrets ``tenant.json`` hands out.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from alembic import command
from sqlalchemy import text

from tests.support.desk import start_desk
from tests.support.servers import start_tenant
from tests.support.tokens import machine_token

# Certificates are public; everything else in the data directory is private.
PUBLIC = {"ca.pem", "localhost.pem"}


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def private_files(data_dir: Path) -> list[Path]:
    return [p for p in data_dir.rglob("*") if p.is_file() and p.name not in PUBLIC]


def start_both(data_dir: Path, port: int = 0) -> int:
    """Start tenant and desk in ``data_dir``, make them write, stop them; the tenant's port.

    A tenant's domain is set at its first start: a later start serves it on the same port.
    """
    from userdesk.tenant.tls import ensure_certificates

    tenant = start_tenant(data_dir, port=port, demo_users=2)
    try:
        ensure_certificates(data_dir)
        desk = start_desk(tenant)
        try:
            assert httpx.get(f"{desk.url}/api/health", timeout=10).status_code == 200
            machine_token(tenant)
        finally:
            desk.stop()
    finally:
        tenant.stop()
    return int(tenant.url.rsplit(":", 1)[1])


def test_a_first_start_under_umask_022_creates_every_private_file_0600(
    tmp_path: Path, umask_022: None
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o755)
    data_dir.chmod(0o755)
    start_both(data_dir)

    names = {p.name for p in private_files(data_dir)}
    for expected in (
        "tenant.sqlite3",
        "tenant.sqlite3-wal",
        "tenant.sqlite3-shm",
        "audit.sqlite3",
        "tenant.json",
        "ca-key.pem",
        "localhost-key.pem",
    ):
        assert expected in names, f"{expected} was not written: {sorted(names)}"
    opened = {str(p): oct(mode(p)) for p in private_files(data_dir) if mode(p) != 0o600}
    assert opened == {}


def test_a_start_closes_a_file_opened_up_since_and_says_which(
    tmp_path: Path, umask_022: None, caplog: pytest.LogCaptureFixture
) -> None:
    data_dir = tmp_path / "data"
    port = start_both(data_dir)
    opened = [
        data_dir / "tenant.sqlite3",
        data_dir / "audit.sqlite3",
        data_dir / "tenant.json",
        data_dir / "tls" / "localhost-key.pem",
    ]
    for path in opened:
        path.chmod(0o644)

    with caplog.at_level(logging.WARNING, logger="userdesk.files"):
        start_both(data_dir, port)

    warned = " ".join(r.getMessage() for r in caplog.records if r.name == "userdesk.files")
    for path in opened:
        assert str(path) in warned
        assert mode(path) == 0o600
    assert all(mode(p) == 0o600 for p in private_files(data_dir))


def test_the_database_holds_no_client_secret(tmp_path: Path) -> None:
    tenant = start_tenant(tmp_path, demo_users=0)
    try:
        machine_token(tenant)  # the stored hash still authenticates the secret
    finally:
        tenant.stop()
    secrets = [
        tenant.config["backend"]["client_secret"].encode(),
        tenant.config["script_client"]["client_secret"].encode(),
    ]
    for path in tmp_path.glob("tenant.sqlite3*"):
        content = path.read_bytes()
        assert not any(secret in content for secret in secrets), path.name
    with sqlite3.connect(tmp_path / "tenant.sqlite3") as db:
        stored = [r[0] for r in db.execute("SELECT client_secret FROM clients") if r[0]]
    assert len(stored) == 2
    assert all(value.startswith("sha256$") for value in stored)


def test_the_migration_hashes_secrets_stored_in_plain_text(tmp_path: Path) -> None:
    from userdesk.tenant.passwords import verify_client_secret
    from userdesk.tenant.store.db import alembic_config, make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    command.upgrade(alembic_config(engine), "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO clients (client_id, name, client_secret, app_type, "
                "token_endpoint_auth_method, grant_types, callbacks, allowed_logout_urls, "
                "web_origins, is_first_party, refresh_reuse_interval, refresh_token_lifetime, "
                "id_token_lifetime, created_at) VALUES ('old', 'Old', 'plain-old-secret', "
                "'non_interactive', 'client_secret_post', '[]', '[]', '[]', '[]', 1, 0, 0, 0, "
                "'2026-01-01 00:00:00')"
            )
        )
    command.upgrade(alembic_config(engine), "head")
    with engine.connect() as connection:
        stored = connection.scalar(text("SELECT client_secret FROM clients"))
    engine.dispose()
    assert stored != "plain-old-secret"
    assert verify_client_secret("plain-old-secret", stored)
    assert b"plain-old-secret" not in (tmp_path / "old.sqlite3").read_bytes()
