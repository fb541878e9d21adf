import json
import stat

import pytest
from sqlalchemy import func, select

from tests.support.servers import start_tenant
from userdesk.tenant.provisioning.first_start import provision
from userdesk.tenant.settings import TenantSettings
from userdesk.tenant.store.models import (
    Client,
    ClientGrant,
    ResourceServer,
    Role,
    SigningKey,
    User,
)

EXPECTED_KEYS = {
    "domain",
    "issuer",
    "management_audience",
    "api_audience",
    "spa_client_id",
    "backend",
    "script_client",
    "admin",
}


def test_first_start_writes_private_tenant_json_with_design_keys(tmp_path):
    boot = provision(TenantSettings(data_dir=tmp_path, public_url="http://localhost:8001"))
    path = tmp_path / "tenant.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    doc = json.loads(path.read_text())
    assert set(doc) == EXPECTED_KEYS
    assert doc["issuer"] == "http://localhost:8001/"
    assert doc["management_audience"] == "http://localhost:8001/api/v2/"
    assert set(doc["backend"]) == {"client_id", "client_secret"}
    assert boot.generated_admin_password == doc["admin"]["password"]
    with boot.sessions() as s:
        assert {r.name for r in s.scalars(select(Role))} == {
            "Admin",
            "Support",
            "Auditor",
            "Viewer",
        }
        assert s.scalar(select(func.count()).select_from(User)) == 51


def test_admin_password_from_environment_is_not_reported_as_generated(tmp_path, monkeypatch):
    monkeypatch.setenv("USERDESK_ADMIN_PASSWORD", "Chosen-by-operator-7")
    boot = provision(TenantSettings(data_dir=tmp_path))
    assert boot.generated_admin_password is None
    assert boot.tenant_json["admin"]["password"] == "Chosen-by-operator-7"


def test_second_start_keeps_users_clients_and_keys(tmp_path):
    first = provision(TenantSettings(data_dir=tmp_path, demo_users=5))
    with first.sessions() as s:
        kids = {k.kid for k in s.scalars(select(SigningKey))}
        clients = {c.client_id for c in s.scalars(select(Client))}
        users = {u.user_id for u in s.scalars(select(User))}
    first.engine.dispose()
    second = provision(TenantSettings(data_dir=tmp_path, demo_users=5))
    assert not second.first_start
    assert second.generated_admin_password is None
    with second.sessions() as s:
        assert {k.kid for k in s.scalars(select(SigningKey))} == kids
        assert {c.client_id for c in s.scalars(select(Client))} == clients
        assert {u.user_id for u in s.scalars(select(User))} == users
    assert second.tenant_json["backend"] == first.tenant_json["backend"]


def test_tenant_serves_over_real_http(tmp_path):
    import httpx

    running = start_tenant(tmp_path, demo_users=0)
    try:
        response = httpx.get(f"{running.url}/openapi.json")
        assert response.status_code == 200
    finally:
        running.stop()


def test_a_tenant_keeps_the_domain_it_was_created_for_until_moved(tmp_path):
    from userdesk.tenant.provisioning.first_start import DomainMismatch
    from userdesk.tenant.provisioning.identity import set_domain

    first = provision(TenantSettings(data_dir=tmp_path, demo_users=0))
    first.engine.dispose()
    with pytest.raises(DomainMismatch, match="set-domain"):
        provision(TenantSettings(data_dir=tmp_path, public_url="http://localhost:9100"))
    before = (tmp_path / "tenant.json").read_text()
    opened = provision(
        TenantSettings(data_dir=tmp_path, public_url="http://localhost:9100"),
        require_domain=False,
    )
    assert (tmp_path / "tenant.json").read_text() == before

    moved = set_domain(opened.sessions, tmp_path, "http://localhost:9100/")
    opened.engine.dispose()
    assert moved["issuer"] == "http://localhost:9100/"
    assert moved["management_audience"] == "http://localhost:9100/api/v2/"
    again = provision(TenantSettings(data_dir=tmp_path, public_url="http://localhost:9100"))
    with again.sessions() as s:
        management = s.get(ResourceServer, "rs_management_api")
        grants = list(s.scalars(select(ClientGrant)))
    assert management is not None and management.identifier == moved["management_audience"]
    assert {g.audience for g in grants} == {moved["management_audience"]}
    assert again.tenant_json == moved
