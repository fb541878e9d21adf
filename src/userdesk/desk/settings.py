"""The desk's settings: one typed object, read once from the environment and ``.env``.

The variable names are the original design's (``AUTH0_DOMAIN``, ``CLIENT_ID``...). Without
``AUTH0_DOMAIN`` the desk runs against the embedded tenant and ``userdesk serve`` fills the
connection settings from its ``tenant.json``; with it, every connection setting is required.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# The variables that only make sense together with AUTH0_DOMAIN.
_REQUIRED_WITH_DOMAIN = ("AUTH0_AUDIENCE", "CLIENT_ID", "CLIENT_SECRET")


class SettingsError(ValueError):
    """Settings that cannot work; the message names the variable and never holds a secret."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    auth0_domain: str | None = Field(default=None, validation_alias="AUTH0_DOMAIN")
    auth0_audience: str | None = Field(default=None, validation_alias="AUTH0_AUDIENCE")
    client_id: str | None = Field(default=None, validation_alias="CLIENT_ID")
    client_secret: SecretStr | None = Field(default=None, validation_alias="CLIENT_SECRET")
    spa_client_id: str | None = Field(default=None, validation_alias="AUTH0_SPA_CLIENT_ID")
    data_dir: Path = Field(default=Path(".userdesk"), validation_alias="USERDESK_DATA_DIR")
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "database_url")
    )
    # Shared state for several replicas (the Management token, cache news); none: one machine.
    redis_url: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("REDIS_URL", "USERDESK_REDIS_URL", "redis_url")
    )
    # Keys in Redis start with this, so several deployments (or test runs) can share a server.
    redis_prefix: str = Field(
        default="userdesk", min_length=1, validation_alias="USERDESK_REDIS_PREFIX"
    )
    # Origins allowed to call the desk API from other sites; none by default (the SPA is
    # served by the desk itself, so it never needs CORS).
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias="USERDESK_CORS_ORIGINS"
    )

    # Pictures hosted elsewhere (gravatar and the like) are shown only when this is set: each
    # one is a request to a third party that learns which user a staff member looked at.
    remote_avatars: bool = Field(default=False, validation_alias="USERDESK_REMOTE_AVATARS")
    # Deleted users' profiles kept in the audit log are redacted after this many days.
    audit_snapshot_days: int = Field(
        default=30, ge=0, validation_alias="USERDESK_AUDIT_SNAPSHOT_DAYS"
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        for origin in value:
            parts = urlsplit(origin)
            if (
                parts.scheme not in ("http", "https")
                or not parts.hostname
                or parts.path not in ("", "/")
            ):
                raise ValueError(
                    f"USERDESK_CORS_ORIGINS holds {origin!r}, which is not an origin "
                    "(scheme://host[:port])"
                )
        return [origin.rstrip("/") for origin in value]

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        if self.database_url is not None:
            self.database_url = _async_database_url(self.database_url)
        if self.redis_url is not None:
            self.redis_url = _check_redis_url(self.redis_url)
        if self.auth0_domain is not None:
            self.auth0_domain = _check_domain(self.auth0_domain)
            missing = [name for name in _REQUIRED_WITH_DOMAIN if not self._value_of(name)]
            if missing:
                raise ValueError(
                    f"AUTH0_DOMAIN is set, so {', '.join(missing)} must be set too "
                    "(in the environment or .env)"
                )
        else:
            stray = [name for name in ("CLIENT_ID", "CLIENT_SECRET") if self._value_of(name)]
            if stray:
                raise ValueError(
                    f"{' and '.join(stray)} set without AUTH0_DOMAIN: set AUTH0_DOMAIN to use "
                    "that tenant, or unset them to use the embedded tenant"
                )
        return self

    def _value_of(self, variable: str) -> str | None:
        value: Any = {
            "AUTH0_AUDIENCE": self.auth0_audience,
            "CLIENT_ID": self.client_id,
            "CLIENT_SECRET": self.client_secret,
        }[variable]
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        return value or None

    @property
    def embedded(self) -> bool:
        return self.auth0_domain is None

    @property
    def origin(self) -> str:
        """The tenant's base URL; Auth0 domains without a scheme mean https."""
        if self.auth0_domain is None:
            raise SettingsError("AUTH0_DOMAIN is not set and no embedded tenant configured it")
        domain = self.auth0_domain.rstrip("/")
        return domain if "://" in domain else f"https://{domain}"

    @property
    def issuer(self) -> str:
        # Auth0 issues tokens with the domain and a trailing slash, compared byte for byte.
        return f"{self.origin}/"

    @property
    def management_audience(self) -> str:
        return f"{self.origin}/api/v2/"

    @property
    def audit_database_url(self) -> str:
        return self.database_url or f"sqlite+aiosqlite:///{self.data_dir / 'audit.sqlite3'}"

    def for_embedded_tenant(self, tenant_json: dict[str, Any]) -> Settings:
        """These settings pointed at the embedded tenant described by its ``tenant.json``."""
        return self.model_copy(
            update={
                "auth0_domain": tenant_json["domain"],
                "auth0_audience": tenant_json["api_audience"],
                "client_id": tenant_json["backend"]["client_id"],
                "client_secret": SecretStr(tenant_json["backend"]["client_secret"]),
                "spa_client_id": tenant_json["spa_client_id"],
            }
        )


def _check_domain(value: str) -> str:
    value = value.strip()
    parts = urlsplit(value if "://" in value else f"https://{value}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"AUTH0_DOMAIN must be a host name or an http(s) URL, not {value!r}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"AUTH0_DOMAIN must be a bare host or origin without a path: {value!r}")
    return value.rstrip("/")


# The audit log runs on SQLAlchemy's asyncio engine: plain URLs get the usual async driver.
# psycopg 3 serves PostgreSQL both ways (the async engine, and sync tools and tests).
_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
}


def _check_redis_url(value: SecretStr) -> SecretStr | None:
    url = value.get_secret_value().strip()
    if not url:
        return None
    if urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        # The URL may hold a password: name the variable, not the value.
        raise ValueError("REDIS_URL must be a redis://, rediss:// or unix:// URL")
    return SecretStr(url)


def _async_database_url(value: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(value)
    except ArgumentError:
        # The URL may hold a password: say what is wrong, not what it is.
        raise ValueError("DATABASE_URL is not a database URL (dialect+driver://...)") from None
    driver = _ASYNC_DRIVERS.get(url.drivername)
    return url.set(drivername=driver).render_as_string(hide_password=False) if driver else value


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, or raise ``SettingsError`` with a message safe to print.

    pydantic's own message quotes the offending input, which could be the secret, so only the
    variable names and our messages are kept.
    """
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for error in exc.errors(include_input=False, include_url=False):
            where = ".".join(str(part) for part in error["loc"])
            message = str(error["msg"]).removeprefix("Value error, ")
            lines.append(f"{where}: {message}" if where else message)
        raise SettingsError("Invalid settings: " + "; ".join(lines)) from None
