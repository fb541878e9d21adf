"""Connection shapes of the Management API (Auth0's ``ConnectionOptionsAuth0`` subset)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class PasswordComplexityOptions(BaseModel):
    min_length: int | None = None


class ConnectionOptions(BaseModel):
    model_config = ConfigDict(extra="allow")

    passwordPolicy: str | None = None
    password_complexity_options: PasswordComplexityOptions | None = None


class ConnectionRead(BaseModel):
    """A connection as Auth0 serves it.

    Every attribute is optional here because ``fields``/``include_fields`` may leave any of
    them out; without those parameters all are present.
    """

    id: str | None = None
    name: str | None = None
    display_name: str | None = None
    strategy: str | None = None
    realms: list[str] | None = None
    is_domain_connection: bool | None = None
    show_as_button: bool | None = None
    metadata: dict[str, Any] | None = None
    options: ConnectionOptions | None = None
    # Deprecated at Auth0 in favour of /connections/{id}/clients; node-auth0 4.x still reads it.
    enabled_clients: list[str] | None = None


class ConnectionsPage(BaseModel):
    """page/per_page with ``include_totals``."""

    start: int
    limit: int
    total: int
    connections: list[ConnectionRead]


class ConnectionsCheckpoint(BaseModel):
    """from/take paging: ``next`` is the cursor for the following call, absent at the end."""

    next: str | None = None
    connections: list[ConnectionRead]
