"""The outbox table: the only code that queries it."""

from __future__ import annotations

from sqlalchemy import func, select

from userdesk.tenant.store.mail import OutboxMessage
from userdesk.tenant.store.repository import Repository


class OutboxRepository(Repository[OutboxMessage]):
    model = OutboxMessage

    def newest(self, recipient: str | None = None, limit: int = 100) -> list[OutboxMessage]:
        """The newest messages first, all or those to one address (case-insensitive)."""
        query = select(OutboxMessage).order_by(OutboxMessage.seq.desc()).limit(limit)
        if recipient:
            query = query.where(func.lower(OutboxMessage.recipient) == recipient.lower())
        return list(self.session.scalars(query))
