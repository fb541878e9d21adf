"""The rules of connections: listing them, and the password policy each one enforces."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from userdesk.tenant.management.connections.policy import PasswordPolicy
from userdesk.tenant.management.connections.repository import ConnectionRepository
from userdesk.tenant.management.errors import ConnectionNotFound, PasswordTooWeak
from userdesk.tenant.management.paging import DEFAULT_PER_PAGE
from userdesk.tenant.store.models import Connection


def connection_json(connection: Connection, client_ids: list[str]) -> dict[str, Any]:
    return {
        "id": connection.id,
        "name": connection.name,
        "display_name": connection.display_name or connection.name,
        "strategy": connection.strategy,
        "realms": [connection.name],
        "is_domain_connection": False,
        "show_as_button": True,
        "metadata": {},
        "options": dict(connection.options or {}),
        "enabled_clients": client_ids,
    }


@dataclass
class ConnectionListing:
    connections: list[dict[str, Any]]
    start: int
    limit: int
    total: int | None = None
    next: str | None = None


class ConnectionService:
    def __init__(self, session: Session) -> None:
        self.connections = ConnectionRepository(session)

    def get(self, connection_id: str) -> dict[str, Any]:
        connection = self.connections.get(connection_id)
        if connection is None:
            raise ConnectionNotFound()
        return connection_json(connection, self.connections.client_ids())

    def page(
        self,
        strategies: Sequence[str],
        name: str | None,
        page: int | None,
        per_page: int | None,
        with_total: bool,
    ) -> ConnectionListing:
        limit = DEFAULT_PER_PAGE if per_page is None else per_page
        start = (page or 0) * limit
        rows = self.connections.find(strategies, name, offset=start, limit=limit)
        total = self.connections.count(strategies, name) if with_total else None
        return ConnectionListing(self._json(rows), start, limit, total)

    def after(
        self, strategies: Sequence[str], name: str | None, cursor: str | None, take: int
    ) -> ConnectionListing:
        """Checkpoint paging: connections after the ``from`` cursor (an id), ``next`` if more."""
        rows = self.connections.find(strategies, name, limit=take + 1, after=cursor or None)
        more = len(rows) > take
        rows = rows[:take]
        next_cursor = rows[-1].id if more and rows else None
        return ConnectionListing(self._json(rows), 0, take, next=next_cursor)

    def _json(self, rows: list[Connection]) -> list[dict[str, Any]]:
        client_ids = self.connections.client_ids()
        return [connection_json(row, client_ids) for row in rows]

    def check_password(self, connection_name: str, password: str) -> None:
        """Refuse ``password`` if the connection's policy finds it too weak."""
        connection = self.connections.by_name(connection_name)
        options = connection.options if connection is not None else None
        if not PasswordPolicy.of(options).accepts(password):
            raise PasswordTooWeak()
