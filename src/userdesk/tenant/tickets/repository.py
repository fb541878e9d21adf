"""The tickets table, and what a password change ends: the only code that queries them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from userdesk.tenant.store.mail import Ticket
from userdesk.tenant.store.repository import Repository


class TicketRepository(Repository[Ticket]):
    model = Ticket

    def supersede_open(self, user_id: str, kind: str, now: datetime) -> None:
        """Retire a user's unused tickets of one kind: a new one replaces them."""
        self.session.execute(
            update(Ticket)
            .where(
                Ticket.user_id == user_id,
                Ticket.kind == kind,
                Ticket.used_at.is_(None),
                Ticket.superseded_at.is_(None),
            )
            .values(superseded_at=now)
        )

    def claim(self, secret_hash: str, now: datetime) -> bool:
        """Mark a ticket used; False if another request used (or superseded) it first."""
        result = self.session.execute(
            update(Ticket)
            .where(
                Ticket.secret_hash == secret_hash,
                Ticket.used_at.is_(None),
                Ticket.superseded_at.is_(None),
            )
            .values(used_at=now)
        )
        return bool(getattr(result, "rowcount", 0))
