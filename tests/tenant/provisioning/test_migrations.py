"""Tenants created before a revision get what a new tenant has, by migrating their store."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, select

from userdesk.tenant.provisioning.first_start import MANAGEMENT_SCOPES
from userdesk.tenant.store.db import alembic_config, make_engine, migrate
from userdesk.tenant.store.models import ClientGrant, Connection, LoginSession, ResourceServer

NAME = "Username-Password-Authentication"
API = "http://localhost:8001/api/v2/"
BEFORE = [s for s in MANAGEMENT_SCOPES if "sessions" not in s and "refresh_tokens" not in s]


@pytest.fixture
def engine(tmp_path: Path) -> Any:
    engine = make_engine(f"sqlite:///{tmp_path / 'tenant.db'}")
    command.upgrade(alembic_config(engine), "0002")
    yield engine
    engine.dispose()


def seed_0002(engine: Engine, *, with_connection: bool) -> None:
    """What first start wrote before connection options and session scopes existed (in SQL:
    today's models have columns that revision 0002 lacks)."""
    now = datetime(2026, 1, 1)
    with engine.begin() as db:
        if with_connection:
            db.exec_driver_sql(
                "INSERT INTO connections (id, name, strategy) VALUES ('con_old', ?, 'auth0')",
                (NAME,),
            )
        api_scopes = json.dumps([{"value": s, "description": s} for s in BEFORE])
        db.exec_driver_sql(
            "INSERT INTO resource_servers (id, identifier, name, is_system, signing_alg, "
            "token_lifetime, enforce_policies, token_dialect, allow_offline_access, scopes, "
            "created_at) VALUES ('mgmt', ?, 'Auth0 Management API', 1, 'RS256', 86400, 0, "
            "'access_token', 0, ?, ?)",
            (API, api_scopes, now),
        )
        grants = {"backend": BEFORE, "reader": ["read:users"]}
        for client_id, scope in grants.items():
            db.exec_driver_sql(
                "INSERT INTO clients (client_id, name, app_type, token_endpoint_auth_method, "
                "grant_types, callbacks, allowed_logout_urls, web_origins, is_first_party, "
                "refresh_reuse_interval, refresh_token_lifetime, id_token_lifetime, created_at) "
                "VALUES (?, ?, 'non_interactive', 'client_secret_post', '[]', '[]', '[]', '[]', "
                "1, 0, 2592000, 36000, ?)",
                (client_id, client_id, now),
            )
            db.exec_driver_sql(
                "INSERT INTO client_grants (id, client_id, audience, scope) VALUES (?, ?, ?, ?)",
                (f"cgr_{client_id}", client_id, API, json.dumps(scope)),
            )


@pytest.mark.parametrize("with_connection", [True, False])
def test_existing_tenants_get_the_policy_and_the_new_scopes(
    engine: Engine, with_connection: bool
) -> None:
    seed_0002(engine, with_connection=with_connection)
    migrate(engine)
    with engine.connect() as db:
        connection = db.execute(select(Connection.__table__).where(Connection.name == NAME)).one()
        scopes = dict(db.execute(select(ClientGrant.id, ClientGrant.scope)).all())
        api_scopes = db.scalar(select(ResourceServer.scopes))
        columns = set(db.execute(select(LoginSession.__table__).limit(0)).keys())
    assert connection.options == {
        "passwordPolicy": "fair",
        "password_complexity_options": {"min_length": 8},
    }
    assert (connection.id == "con_old") is with_connection
    assert connection.id.startswith("con_")
    assert set(scopes["cgr_backend"]) == set(MANAGEMENT_SCOPES)
    assert scopes["cgr_reader"] == ["read:users"]  # not the desk's grant: left alone
    assert set(MANAGEMENT_SCOPES) <= {entry["value"] for entry in api_scopes}
    assert {"initial_ip", "last_user_agent", "clients"} <= columns
    migrate(engine)  # idempotent
