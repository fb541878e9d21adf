"""A user's login sessions, as the Management API lists and ends them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

from userdesk.tenant.store.models import LoginSession
from userdesk.tenant.store.repository import Repository


class UserSessionRepository(Repository[LoginSession]):
    model = LoginSession

    def live_of(self, user_id: str, now: datetime) -> list[LoginSession]:
        query = select(LoginSession).where(
            LoginSession.user_id == user_id, LoginSession.expires_at > now
        )
        return list(self.session.scalars(query))

    def delete_of(self, user_id: str) -> int:
        result = self.session.execute(delete(LoginSession).where(LoginSession.user_id == user_id))
        return int(getattr(result, "rowcount", 0) or 0)
