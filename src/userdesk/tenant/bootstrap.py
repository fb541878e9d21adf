"""First start of the embedded tenant: key, clients, APIs, roles, admin, demo users, tenant.json.

Every later start reuses what is there; only the origin-dependent values (the Management API
identifier, ``domain`` and ``issuer`` in ``tenant.json``) follow the configured public URL.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from userdesk.private_files import private_umask, secure
from userdesk.tenant import ids
from userdesk.tenant.keys import create_signing_key, utcnow
from userdesk.tenant.passwords import hash_client_secret, hash_password
from userdesk.tenant.seed import CONNECTION, seed_users
from userdesk.tenant.settings import TenantSettings
from userdesk.tenant.store.db import make_engine, make_sessionmaker, migrate, transaction
from userdesk.tenant.store.models import (
    Client,
    ClientGrant,
    Connection,
    ResourceServer,
    Role,
    RolePermission,
    SigningKey,
    User,
    UserRole,
)

MANAGEMENT_API_ID = "rs_management_api"

# The management scopes the desk's machine client is granted.
MANAGEMENT_SCOPES = [
    "read:users",
    "update:users",
    "delete:users",
    "create:users",
    "read:users_app_metadata",
    "update:users_app_metadata",
    "create:users_app_metadata",
    "delete:users_app_metadata",
    "read:roles",
    "create:roles",
    "update:roles",
    "delete:roles",
    "read:role_members",
    "create:role_members",
    "delete:role_members",
    "read:logs",
    "read:logs_users",
    "read:clients",
    "read:client_grants",
    "read:resource_servers",
    "read:connections",
    "create:user_tickets",
]

DESK_PERMISSIONS = {
    "read:users": "List, search and view users",
    "update:users": "Block, unblock and edit users",
    "create:users": "Create users",
    "delete:users": "Delete users",
    "update:roles": "Assign and remove roles",
    "read:audit": "Read the audit log",
    "manage:users": "All user administration (the original design's permission)",
}

ROLES = {
    "Admin": ("Every desk permission", list(DESK_PERMISSIONS)),
    "Support": ("Finds users and fixes their accounts", ["read:users", "update:users"]),
    "Auditor": ("Reads users and the audit log", ["read:users", "read:audit"]),
    "Viewer": ("Reads users", ["read:users"]),
}


@dataclass
class BootResult:
    engine: Engine
    sessions: sessionmaker[Session]
    tenant_json: dict[str, Any]
    first_start: bool
    # Set only when this start generated the admin password, so it can be shown once.
    generated_admin_password: str | None = None


def management_identifier(settings: TenantSettings) -> str:
    return f"{settings.origin}/api/v2/"


def bootstrap(settings: TenantSettings) -> BootResult:
    data_dir = settings.data_dir
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    engine = make_engine(settings.db_url)
    migrate(engine)
    sessions = make_sessionmaker(engine)
    tenant_file = data_dir / "tenant.json"
    secure(tenant_file)

    with transaction(sessions) as session:
        first_start = session.scalar(select(SigningKey).limit(1)) is None
        if first_start:
            document, generated = _first_start(session, settings)
        else:
            document, generated = _load_document(tenant_file), None
        _follow_origin(session, settings, document)
    _write_private_json(tenant_file, document)
    return BootResult(engine, sessions, document, first_start, generated)


def _first_start(session: Session, settings: TenantSettings) -> tuple[dict[str, Any], str | None]:
    now = utcnow()
    create_signing_key(session)
    session.add(Connection(id=ids.prefixed("con_"), name=CONNECTION, strategy="auth0"))

    desk = settings.desk_url.rstrip("/")
    spa = Client(
        client_id=ids.client_id(),
        name="Userdesk",
        client_secret=None,
        app_type="spa",
        token_endpoint_auth_method="none",
        grant_types=["authorization_code", "refresh_token"],
        callbacks=[desk, f"{desk}/"],
        allowed_logout_urls=[desk, f"{desk}/"],
        web_origins=[desk],
        refresh_reuse_interval=0,
        created_at=now,
    )
    # The store keeps only hashes of client secrets; tenant.json (0600) hands the secrets out.
    backend_secret, script_secret = ids.client_secret(), ids.client_secret()
    backend = Client(
        client_id=ids.client_id(),
        name="Userdesk backend (Management API)",
        client_secret=hash_client_secret(backend_secret),
        app_type="non_interactive",
        token_endpoint_auth_method="client_secret_post",
        grant_types=["client_credentials"],
        created_at=now,
    )
    script = Client(
        client_id=ids.client_id(),
        name="Userdesk scripts",
        client_secret=hash_client_secret(script_secret),
        app_type="regular_web",
        token_endpoint_auth_method="client_secret_post",
        grant_types=[
            "password",
            "http://auth0.com/oauth/grant-type/password-realm",
            "refresh_token",
        ],
        created_at=now,
    )
    session.add_all([spa, backend, script])

    management = ResourceServer(
        id=MANAGEMENT_API_ID,
        identifier=management_identifier(settings),
        name="Auth0 Management API",
        is_system=True,
        token_lifetime=settings.management_token_lifetime,
        scopes=[{"value": s, "description": s} for s in MANAGEMENT_SCOPES],
        created_at=now,
    )
    desk_api = ResourceServer(
        id=ids.prefixed("rs_"),
        identifier=settings.desk_api_identifier,
        name="Userdesk API",
        token_lifetime=settings.access_token_lifetime,
        enforce_policies=True,
        token_dialect="access_token_authz",
        allow_offline_access=True,
        scopes=[{"value": k, "description": v} for k, v in DESK_PERMISSIONS.items()],
        created_at=now,
    )
    session.add_all([management, desk_api])
    session.add(
        ClientGrant(
            id=ids.prefixed("cgr_"),
            client_id=backend.client_id,
            audience=management.identifier,
            scope=list(MANAGEMENT_SCOPES),
        )
    )

    role_ids: dict[str, str] = {}
    for name, (description, permissions) in ROLES.items():
        role = Role(id=ids.prefixed("rol_"), name=name, description=description)
        session.add(role)
        role_ids[name] = role.id
        session.add_all(
            RolePermission(
                role_id=role.id,
                resource_server_identifier=desk_api.identifier,
                permission_name=p,
            )
            for p in permissions
        )

    given = settings.admin_password.get_secret_value() if settings.admin_password else None
    password = given or secrets.token_urlsafe(18)
    admin_id = f"auth0|{ids.local_user_id()}"
    email = settings.admin_email
    session.add(
        User(
            user_id=admin_id,
            connection=CONNECTION,
            email=email,
            email_domain=email.rsplit("@", 1)[-1],
            email_verified=True,
            name="Userdesk Admin",
            nickname=email.split("@", 1)[0],
            given_name="Userdesk",
            family_name="Admin",
            password_hash=hash_password(password),
            created_at=now,
            updated_at=now,
            app_metadata={},
            user_metadata={},
        )
    )
    session.flush()
    session.add(UserRole(user_id=admin_id, role_id=role_ids["Admin"]))
    if settings.demo_users:
        seed_users(session, settings.demo_users)

    document = {
        "domain": settings.origin,
        "issuer": settings.issuer,
        "management_audience": management.identifier,
        "api_audience": desk_api.identifier,
        "spa_client_id": spa.client_id,
        "backend": {"client_id": backend.client_id, "client_secret": backend_secret},
        "script_client": {"client_id": script.client_id, "client_secret": script_secret},
        "admin": {"email": email, "password": password},
    }
    return document, (None if given else password)


def _follow_origin(session: Session, settings: TenantSettings, document: dict[str, Any]) -> None:
    """Keep origin-dependent values in step with the configured public URL."""
    management = session.get(ResourceServer, MANAGEMENT_API_ID)
    identifier = management_identifier(settings)
    if management is not None and management.identifier != identifier:
        old = management.identifier
        management.identifier = identifier
        for grant in session.scalars(select(ClientGrant).where(ClientGrant.audience == old)):
            grant.audience = identifier
    document["domain"] = settings.origin
    document["issuer"] = settings.issuer
    document["management_audience"] = identifier


def _load_document(path: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(path.read_text())
    except FileNotFoundError as exc:
        raise RuntimeError(
            f"{path} is missing but the tenant database exists; restore the file or start "
            "with an empty data directory"
        ) from exc
    return data


def _write_private_json(path: Path, document: dict[str, Any]) -> None:
    tmp = path.with_suffix(".json.tmp")
    with private_umask():
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(document, fh, indent=2)
        fh.write("\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
