"""Storage models of the embedded tenant.

The SQL stays portable (SQLite and PostgreSQL): JSON columns use SQLAlchemy's generic ``JSON``
type (``json`` on PostgreSQL, which keeps a document's text and key order as SQLite does),
case-insensitive lookups go through ``lower()`` expression indexes, and timestamps are naive
UTC ``DateTime`` values. On PostgreSQL the users' searched text columns are collated "C", so
that comparing, sorting and ``lower()`` behave as SQLite's (bytes, ASCII-only folding).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator, TypeEngine, UserDefinedType

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def searched_text(length: int) -> TypeEngine[str]:
    """A text column the user search compares and sorts: byte order on both databases."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class SigningKey(Base):
    """An RSA signing key. Several may be published in the JWKS; one is active."""

    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    private_pem: Mapped[str] = mapped_column(Text)
    # Self-signed certificate for the key, published as ``x5c``/``x5t`` like Auth0 does.
    cert_pem: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


# The database connection every tenant has, named as at Auth0.
DEFAULT_CONNECTION = "Username-Password-Authentication"


# A new tenant's password policy, and the one the migration gives existing tenants.
DEFAULT_CONNECTION_OPTIONS: dict[str, Any] = {
    "passwordPolicy": "fair",
    "password_complexity_options": {"min_length": 8},
}


class Connection(Base):
    __tablename__ = "connections"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # con_...
    name: Mapped[str] = mapped_column(String(128), unique=True)
    strategy: Mapped[str] = mapped_column(String(32), default="auth0")
    display_name: Mapped[str | None] = mapped_column(String(128), nullable=True)
    # Auth0's ``options`` document: ``passwordPolicy``, ``password_complexity_options``...
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Client(Base):
    """An application registered with the tenant (Auth0 calls them clients)."""

    __tablename__ = "clients"

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    # Confidential clients keep a hash of their secret ("sha256$<hex>", see passwords.py);
    # public clients (SPAs) have none.
    client_secret: Mapped[str | None] = mapped_column(String(255), nullable=True)
    app_type: Mapped[str] = mapped_column(String(32))  # spa | non_interactive | regular_web
    token_endpoint_auth_method: Mapped[str] = mapped_column(String(32), default="none")
    grant_types: Mapped[list[Any]] = mapped_column(JSON, default=list)
    callbacks: Mapped[list[Any]] = mapped_column(JSON, default=list)
    allowed_logout_urls: Mapped[list[Any]] = mapped_column(JSON, default=list)
    web_origins: Mapped[list[Any]] = mapped_column(JSON, default=list)
    is_first_party: Mapped[bool] = mapped_column(Boolean, default=True)
    # Refresh tokens: always rotated; this is the reuse window in seconds (0 = none).
    refresh_reuse_interval: Mapped[int] = mapped_column(Integer, default=0)
    refresh_token_lifetime: Mapped[int] = mapped_column(Integer, default=2592000)
    id_token_lifetime: Mapped[int] = mapped_column(Integer, default=36000)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ResourceServer(Base):
    """An API that access tokens can be issued for.

    The Management API is a system resource server whose identifier follows the tenant's
    domain; it is stored with ``is_system`` and its identifier as written at first start.
    """

    __tablename__ = "resource_servers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # rs_... or the system id
    identifier: Mapped[str] = mapped_column(String(512), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    is_system: Mapped[bool] = mapped_column(Boolean, default=False)
    signing_alg: Mapped[str] = mapped_column(String(16), default="RS256")
    token_lifetime: Mapped[int] = mapped_column(Integer, default=86400)
    # RBAC: only permissions the user holds are granted; "permissions" claim when dialect says so.
    enforce_policies: Mapped[bool] = mapped_column(Boolean, default=False)
    token_dialect: Mapped[str] = mapped_column(String(32), default="access_token")
    allow_offline_access: Mapped[bool] = mapped_column(Boolean, default=False)
    # [{"value": "read:users", "description": "..."}]
    scopes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ClientGrant(Base):
    """Which API (audience) a client may get client-credentials tokens for, with which scopes."""

    __tablename__ = "client_grants"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # cgr_...
    client_id: Mapped[str] = mapped_column(
        ForeignKey("clients.client_id", ondelete="CASCADE"), index=True
    )
    audience: Mapped[str] = mapped_column(String(512))
    scope: Mapped[list[Any]] = mapped_column(JSON, default=list)


class User(Base):
    __tablename__ = "users"

    # Integer surrogate key: stable, compact order for paging millions of rows.
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(searched_text(255), unique=True)  # "auth0|<id>"
    connection: Mapped[str] = mapped_column(
        searched_text(128), default="Username-Password-Authentication"
    )
    provider: Mapped[str] = mapped_column(searched_text(64), default="auth0")
    email: Mapped[str | None] = mapped_column(searched_text(320), nullable=True)
    email_domain: Mapped[str | None] = mapped_column(searched_text(255), nullable=True, index=True)
    email_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    username: Mapped[str | None] = mapped_column(searched_text(128), nullable=True)
    name: Mapped[str | None] = mapped_column(searched_text(255), nullable=True)
    nickname: Mapped[str | None] = mapped_column(searched_text(255), nullable=True)
    given_name: Mapped[str | None] = mapped_column(searched_text(255), nullable=True)
    family_name: Mapped[str | None] = mapped_column(searched_text(255), nullable=True)
    picture: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    last_login: Mapped[datetime | None] = mapped_column(DateTime, nullable=True, index=True)
    last_ip: Mapped[str | None] = mapped_column(searched_text(64), nullable=True)
    logins_count: Mapped[int] = mapped_column(Integer, default=0, index=True)
    last_password_reset: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    app_metadata: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    user_metadata: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (
        Index("ix_users_email_lower", func.lower(email)),
        Index("uq_users_connection_email", "connection", func.lower(email), unique=True),
        Index("ix_users_name_lower", func.lower(name)),
        Index("ix_users_nickname_lower", func.lower(nickname)),
        Index("ix_users_given_name_lower", func.lower(given_name)),
        Index("ix_users_family_name_lower", func.lower(family_name)),
        Index("ix_users_username", "username"),
    )


class Role(Base):
    __tablename__ = "roles"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # rol_...
    name: Mapped[str] = mapped_column(String(255), unique=True)
    description: Mapped[str] = mapped_column(String(1024), default="")


class RolePermission(Base):
    __tablename__ = "role_permissions"

    role_id: Mapped[str] = mapped_column(
        ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True
    )
    resource_server_identifier: Mapped[str] = mapped_column(String(512), primary_key=True)
    permission_name: Mapped[str] = mapped_column(String(255), primary_key=True)


class UserRole(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True
    )
    role_id: Mapped[str] = mapped_column(
        ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class UserPermission(Base):
    __tablename__ = "user_permissions"

    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True
    )
    resource_server_identifier: Mapped[str] = mapped_column(String(512), primary_key=True)
    permission_name: Mapped[str] = mapped_column(String(255), primary_key=True)


class LoginSession(Base):
    """A browser's signed-in session at the tenant (the cookie carries ``id``'s secret)."""

    __tablename__ = "login_sessions"

    id_hash: Mapped[str] = mapped_column(String(128), primary_key=True)
    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.user_id", ondelete="CASCADE"), index=True
    )
    auth_time: Mapped[datetime] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    # The device as the Management API shows it: where the session began and was last used.
    initial_ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    initial_user_agent: Mapped[str | None] = mapped_column(String(512), nullable=True)
    last_ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    last_user_agent: Mapped[str | None] = mapped_column(String(512), nullable=True)
    last_interacted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # Client ids the session signed in to, in order of first use.
    clients: Mapped[list[Any]] = mapped_column(JSON, default=list)


class AuthorizeTransaction(Base):
    """An /authorize request waiting for the login form; carries the form's CSRF token."""

    __tablename__ = "authorize_transactions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    csrf_token: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class AuthorizationCode(Base):
    """A single-use code bound to client, redirect, PKCE challenge, audience, scope and nonce."""

    __tablename__ = "authorization_codes"

    code_hash: Mapped[str] = mapped_column(String(128), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.user_id", ondelete="CASCADE"))
    redirect_uri: Mapped[str] = mapped_column(String(2048))
    code_challenge: Mapped[str | None] = mapped_column(String(256), nullable=True)
    code_challenge_method: Mapped[str | None] = mapped_column(String(16), nullable=True)
    audience: Mapped[str | None] = mapped_column(String(512), nullable=True)
    scope: Mapped[str] = mapped_column(String(2048), default="")
    nonce: Mapped[str | None] = mapped_column(String(512), nullable=True)
    auth_time: Mapped[datetime] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # The refresh-token family the exchange produced, revoked if the code is replayed.
    family_id: Mapped[str | None] = mapped_column(String(64), nullable=True)


class RefreshToken(Base):
    """One link of a rotation chain; every member of a family shares ``family_id``."""

    __tablename__ = "refresh_tokens"

    token_hash: Mapped[str] = mapped_column(String(128), primary_key=True)
    family_id: Mapped[str] = mapped_column(String(64), index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.user_id", ondelete="CASCADE"), index=True
    )
    audience: Mapped[str | None] = mapped_column(String(512), nullable=True)
    scope: Mapped[str] = mapped_column(String(2048), default="")
    auth_time: Mapped[datetime] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    rotated_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # The login session (``sid``) the token came from, if any, and the request that got it.
    session_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    user_agent: Mapped[str | None] = mapped_column(String(512), nullable=True)


class FailedLogin(Base):
    """Brute-force protection: consecutive failures of one user from one IP."""

    __tablename__ = "failed_logins"

    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True
    )
    ip: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    blocked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_attempt: Mapped[datetime] = mapped_column(DateTime)


class LogEvent(Base):
    """A tenant log event, shaped like Auth0's (type codes ``s``, ``f``, ``seccft``...)."""

    __tablename__ = "log_events"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    log_id: Mapped[str] = mapped_column(String(64), unique=True)
    date: Mapped[datetime] = mapped_column(DateTime, index=True)
    type: Mapped[str] = mapped_column(String(16), index=True)
    description: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    client_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    client_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    user_agent: Mapped[str | None] = mapped_column(String(512), nullable=True)
    # Not a foreign key: logs outlive deleted users.
    user_id: Mapped[str | None] = mapped_column(String(255), nullable=True, index=True)
    user_name: Mapped[str | None] = mapped_column(String(320), nullable=True)
    connection: Mapped[str | None] = mapped_column(String(128), nullable=True)
    connection_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    audience: Mapped[str | None] = mapped_column(String(512), nullable=True)
    scope: Mapped[str | None] = mapped_column(String(2048), nullable=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class _Blob(UserDefinedType[Any]):
    cache_ok = True

    def get_col_spec(self, **_kw: Any) -> str:
        return "BLOB"


class MetadataAtom(TypeDecorator[Any]):
    """A scalar kept as given: declared BLOB, SQLite stores text, integers and reals as they
    come, so one index orders them and ``value = 3`` never equals the text ``'3'``.

    PostgreSQL has no such column; ``jsonb`` keeps the kinds apart the same way (a number
    equals a number, never a string) and orders numbers numerically. Its strings compare by
    the database's collation, so text ranges go through ``postgresql_search`` instead.
    """

    impl = _Blob
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(_Blob())


class UserMetadataValue(Base):
    """Every value a metadata search can match, one row each, kept in step with ``users``.

    ``path`` is the dotted path a query names (``billing.country``); ``type`` and ``value`` are
    what SQLite's ``json_each`` gives there. The primary key is the search order, so a search
    reads only the rows it matches (see ``management/users/metadata_index.py``).
    """

    __tablename__ = "user_metadata_values"

    # 0: app_metadata, 1: user_metadata.
    root: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(String(512), primary_key=True)
    value: Mapped[Any] = mapped_column(MetadataAtom(), primary_key=True)
    type: Mapped[str] = mapped_column(String(8), primary_key=True)
    user_pk: Mapped[int] = mapped_column(
        ForeignKey("users.pk", ondelete="CASCADE"), primary_key=True
    )

    __table_args__ = (
        Index("ix_user_metadata_values_user_pk", "user_pk"),
        {"sqlite_with_rowid": False},
    )
