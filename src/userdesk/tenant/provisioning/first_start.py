"""First start of the embedded tenant: key, clients, APIs, roles, admin, demo users, tenant.json.

The tenant's identity (its domain and issuer, the Management API identifier, the clients and
their secrets) is set here, from the settings of the first start, and kept by every later
start. Only ``identity.set_domain`` (``userdesk tenant set-domain``) moves a tenant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from userdesk.permissions import DESCRIPTIONS, STAFF_ROLES
from userdesk.private_files import secure
from userdesk.tenant import ids
from userdesk.tenant.clock import utcnow
from userdesk.tenant.keys import create_signing_key
from userdesk.tenant.management.connections.policy import generate_password
from userdesk.tenant.management.roles.repository import RoleRepository
from userdesk.tenant.management.users.repository import UserRepository
from userdesk.tenant.oidc.repository import (
    ClientGrantRepository,
    ClientRepository,
    ConnectionRepository,
    ResourceServerRepository,
    SigningKeyRepository,
)
from userdesk.tenant.passwords import hash_client_secret, hash_password
from userdesk.tenant.provisioning import identity
from userdesk.tenant.provisioning.demo import seed_users
from userdesk.tenant.provisioning.demo_users import CONNECTION
from userdesk.tenant.settings import TenantSettings
from userdesk.tenant.store.db import make_engine, make_sessionmaker, migrate, transaction
from userdesk.tenant.store.models import (
    DEFAULT_CONNECTION_OPTIONS,
    Client,
    ClientGrant,
    Connection,
    ResourceServer,
    Role,
    User,
)

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
    "read:sessions",
    "delete:sessions",
    "read:refresh_tokens",
    "delete:refresh_tokens",
]


@dataclass
class BootResult:
    engine: Engine
    sessions: sessionmaker[Session]
    tenant_json: dict[str, Any]
    first_start: bool
    # Set only when this start generated the admin password, so it can be shown once.
    generated_admin_password: str | None = None


class DomainMismatch(RuntimeError):
    """The tenant was created for another public URL; it moves only when told to."""


def open_store(settings: TenantSettings) -> tuple[Engine, sessionmaker[Session]]:
    """The tenant's database, migrated to the newest schema."""
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    engine = make_engine(settings.db_url)
    migrate(engine, settings.data_dir)
    return engine, make_sessionmaker(engine)


def provision(settings: TenantSettings, *, require_domain: bool = True) -> BootResult:
    """Create the tenant on first start; on later starts, open it as it is.

    With ``require_domain``, a tenant created for another public URL is refused: serving it
    at this one would issue tokens its clients do not expect. Commands that only add data
    pass False and leave the identity alone whatever the settings say.
    """
    engine, sessions = open_store(settings)
    secure(settings.data_dir / identity.FILE_NAME)  # a tenant.json others can read is fixed
    with transaction(sessions) as session:
        first_start = not SigningKeyRepository(session).any_exists()
        if first_start:
            document, generated = _first_start(session, settings)
            identity.write(settings.data_dir, document)
            return BootResult(engine, sessions, document, True, generated)
    document = identity.read(settings.data_dir)
    if require_domain and document["domain"] != settings.origin:
        engine.dispose()
        raise DomainMismatch(
            f"this tenant's domain is {document['domain']}, not {settings.origin}: serve it "
            f"there, or move it with `userdesk tenant set-domain {settings.origin}`"
        )
    return BootResult(engine, sessions, document, False)


def _ensure_database_connection(session: Session) -> Connection:
    """The database connection, with a new tenant's password policy.

    The migration that introduced connection options already creates it, so usually this
    finds it; a store built another way gets it here.
    """
    connections = ConnectionRepository(session)
    connection = connections.by_name(CONNECTION)
    if connection is None:
        connection = connections.add(
            Connection(
                id=ids.prefixed("con_"),
                name=CONNECTION,
                strategy="auth0",
                options=dict(DEFAULT_CONNECTION_OPTIONS),
            )
        )
    return connection


def _first_start(session: Session, settings: TenantSettings) -> tuple[dict[str, Any], str | None]:
    now = utcnow()
    create_signing_key(session)
    _ensure_database_connection(session)
    clients = ClientRepository(session)
    apis = ResourceServerRepository(session)
    roles = RoleRepository(session)
    users = UserRepository(session)

    desk = settings.desk_url.rstrip("/")
    # The store keeps only hashes of client secrets; tenant.json (0600) hands the secrets out.
    backend_secret, script_secret = ids.client_secret(), ids.client_secret()
    spa = clients.add(
        Client(
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
    )
    backend = clients.add(
        Client(
            client_id=ids.client_id(),
            name="Userdesk backend (Management API)",
            client_secret=hash_client_secret(backend_secret),
            app_type="non_interactive",
            token_endpoint_auth_method="client_secret_post",
            grant_types=["client_credentials"],
            created_at=now,
        )
    )
    script = clients.add(
        Client(
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
    )

    management = apis.add(
        ResourceServer(
            id=identity.MANAGEMENT_API_ID,
            identifier=identity.management_identifier(settings.origin),
            name="Auth0 Management API",
            is_system=True,
            token_lifetime=settings.management_token_lifetime,
            scopes=[{"value": s, "description": s} for s in MANAGEMENT_SCOPES],
            created_at=now,
        )
    )
    desk_api = apis.add(
        ResourceServer(
            id=ids.prefixed("rs_"),
            identifier=settings.desk_api_identifier,
            name="Userdesk API",
            token_lifetime=settings.desk_token_lifetime,
            enforce_policies=True,
            token_dialect="access_token_authz",
            allow_offline_access=True,
            scopes=[{"value": p.value, "description": d} for p, d in DESCRIPTIONS.items()],
            created_at=now,
        )
    )
    ClientGrantRepository(session).add(
        ClientGrant(
            id=ids.prefixed("cgr_"),
            client_id=backend.client_id,
            audience=management.identifier,
            scope=list(MANAGEMENT_SCOPES),
        )
    )

    role_ids: dict[str, str] = {}
    for name, (description, permissions) in STAFF_ROLES.items():
        role = roles.add(Role(id=ids.prefixed("rol_"), name=name, description=description))
        role_ids[name] = role.id
        roles.add_permissions(role.id, [(desk_api.identifier, p.value) for p in permissions])

    given = settings.admin_password.get_secret_value() if settings.admin_password else None
    password = given or generate_password()
    admin_id = f"auth0|{ids.local_user_id()}"
    email = settings.admin_email
    users.add(
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
    roles.assign(admin_id, [role_ids["Admin"]])
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
