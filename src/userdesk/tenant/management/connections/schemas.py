"""Connection shapes of the Management API (Auth0's ``ConnectionOptionsAuth0`` subset)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class PasswordComplexityOptions(BaseModel):
    min_length: int | None = None


class ConnectionOptions(BaseModel):
    model_config = ConfigDict(extra="allow")

    passwordPolicy: str | None = None
    password_complexity_options: PasswordComplexityOptions | None = None


class ConnectionRead(BaseModel):
    id: str
    name: str
    display_name: str
    strategy: str
    realms: list[str]
    is_domain_connection: bool
    show_as_button: bool
    metadata: dict[str, Any]
    options: ConnectionOptions
    enabled_clients: list[str]


class ConnectionsPage(BaseModel):
    """page/per_page with ``include_totals``."""

    start: int
    limit: int
    total: int
    connections: list[ConnectionRead]


class ConnectionsCheckpoint(BaseModel):
    """from/take paging: ``next`` is the cursor for the following call, absent at the end."""

    next: str | None = Field(default=None)
    connections: list[ConnectionRead]
