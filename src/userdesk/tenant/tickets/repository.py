"""The tickets table, and what a password change ends: the only code that queries them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from userdesk.tenant.store.mail import Ticket
from userdesk.tenant.store.models import LoginSession, RefreshToken
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


class SignInRepository:
    """A user's ways back in without a password: refresh tokens and browser sessions."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def revoke_refresh_tokens(self, user_id: str, now: datetime) -> None:
        self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    def end_sessions(self, user_id: str) -> None:
        self.session.execute(delete(LoginSession).where(LoginSession.user_id == user_id))
