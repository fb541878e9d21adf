"""Settings of the embedded tenant, read once from the environment and passed down."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class TenantSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="USERDESK_TENANT_", extra="ignore", populate_by_name=True
    )

    data_dir: Path = Field(default=Path(".userdesk"), validation_alias="USERDESK_DATA_DIR")
    # The origin browsers and SDKs use to reach the tenant; the issuer is this plus "/".
    public_url: str = "http://localhost:8001"
    # Where the desk's SPA lives: its callback, logout URL and web origin are seeded from it.
    desk_url: str = "http://localhost:8000"
    desk_api_identifier: str = "https://userdesk/api"
    admin_email: str = "admin@userdesk.local"
    admin_password: SecretStr | None = Field(
        default=None, validation_alias="USERDESK_ADMIN_PASSWORD"
    )
    demo_users: int = 50
    # Management API limit per client: a burst, refilled at so many requests a second (a
    # token bucket, as Auth0's); a burst of None turns it off.
    rate_limit_burst: int | None = Field(default=50, ge=1)
    rate_limit_per_second: float = Field(default=20.0, gt=0)

    @field_validator("rate_limit_burst", mode="before")
    @classmethod
    def _burst_off(cls, value: Any) -> Any:
        # USERDESK_TENANT_RATE_LIMIT_BURST=off, as `--management-rate-limit off` says it.
        return None if isinstance(value, str) and value.strip().lower() == "off" else value

    # Or, when set, this many requests at once refilled over a minute (replaces the above).
    rate_limit_per_minute: int | None = Field(default=None, ge=1)
    # Failed sign-ins and other anonymous token requests per IP per minute, and
    # client-credentials requests per client per minute (oidc/ratelimit.py); None: no limit.
    auth_rate_limit_per_minute: int | None = 300
    access_token_lifetime: int = 86400
    management_token_lifetime: int = 86400
    # Staff tokens for the desk API live an hour: a removed staff member's token stops working
    # soon even where the desk cannot ask the directory (the SPA refreshes them silently).
    desk_token_lifetime: int = 3600
    # Seconds an export job's download link works (Auth0's: 60), and the largest users file
    # a bulk import takes (Auth0's: 512000 bytes).
    export_link_ttl: int = Field(default=60, ge=1)
    import_max_bytes: int = Field(default=512_000, ge=1)
    # Not DATABASE_URL: that is the desk's audit database. (Environment names match without
    # regard to case, so the field's own name is no alias here; populate_by_name takes it.)
    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("TENANT_DATABASE_URL", "USERDESK_TENANT_DATABASE_URL"),
    )

    # Counters and cache news shared by replicas (shared.py); None: each process its own.
    redis_url: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("TENANT_REDIS_URL", "USERDESK_TENANT_REDIS_URL", "REDIS_URL"),
    )
    redis_prefix: str = Field(
        default="userdesk",
        min_length=1,
        validation_alias="USERDESK_REDIS_PREFIX",
    )

    @property
    def origin(self) -> str:
        return self.public_url.rstrip("/")

    @property
    def issuer(self) -> str:
        return f"{self.origin}/"

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'tenant.sqlite3'}"
