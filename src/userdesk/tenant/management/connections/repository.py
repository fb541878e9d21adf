"""The connections table, as the Management API lists it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select

from userdesk.tenant.oidc.repository import ConnectionRepository as ConnectionLookup
from userdesk.tenant.store.models import Client, Connection


class ConnectionRepository(ConnectionLookup):
    def _filtered(self, strategies: Sequence[str], name: str | None) -> Select[Any]:
        query = select(Connection)
        if strategies:
            query = query.where(Connection.strategy.in_(list(strategies)))
        if name is not None:
            query = query.where(Connection.name == name)
        return query

    def find(
        self,
        strategies: Sequence[str],
        name: str | None,
        *,
        offset: int = 0,
        limit: int | None = None,
        after: str | None = None,
    ) -> list[Connection]:
        query = self._filtered(strategies, name).order_by(Connection.id)
        if after is not None:
            query = query.where(Connection.id > after)
        return list(self.session.scalars(query.offset(offset).limit(limit)))

    def count(self, strategies: Sequence[str], name: str | None) -> int:
        query = select(func.count()).select_from(self._filtered(strategies, name).subquery())
        return int(self.session.scalar(query) or 0)

    def client_ids(self) -> list[str]:
        """Every client: the tenant enables each connection for all of its applications."""
        return list(self.session.scalars(select(Client.client_id).order_by(Client.client_id)))
