"""A user's login sessions: listing them, and ending them all (sign out everywhere).

A session's public id is the ``sid`` its ID tokens carry, derived from the user and the
login time; the cookie's secret never leaves the tenant.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from userdesk.tenant.clock import utcnow
from userdesk.tenant.management.audit import ApiCall, ApiCallLog
from userdesk.tenant.management.paging import iso
from userdesk.tenant.management.sessions.repository import UserSessionRepository
from userdesk.tenant.management.users.service import UserService
from userdesk.tenant.oidc.claims import session_id
from userdesk.tenant.store.models import LoginSession


def session_json(row: LoginSession) -> dict[str, Any]:
    last = row.last_interacted_at or row.created_at
    return {
        "id": session_id(row.user_id, row.auth_time),
        "user_id": row.user_id,
        "created_at": iso(row.created_at),
        "updated_at": iso(last),
        "authenticated_at": iso(row.auth_time),
        "last_interacted_at": iso(last),
        # Sessions have one lifetime here, without a separate idle timeout.
        "idle_expires_at": iso(row.expires_at),
        "expires_at": iso(row.expires_at),
        "device": {
            "initial_user_agent": row.initial_user_agent,
            "initial_ip": row.initial_ip,
            "last_user_agent": row.last_user_agent,
            "last_ip": row.last_ip,
        },
        "clients": [{"client_id": c} for c in row.clients or []],
        "authentication": {"methods": [{"name": "pwd", "timestamp": iso(row.auth_time)}]},
    }


class SessionService:
    def __init__(self, session: Session) -> None:
        self.sessions = UserSessionRepository(session)
        self.users = UserService(session)
        self.calls = ApiCallLog(session)

    def of_user(
        self, user_id: str, cursor: str | None, take: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Checkpoint paging by session id: those after ``cursor``, and ``next`` if more."""
        user = self.users.get(user_id)
        found = sorted(
            (session_json(row) for row in self.sessions.live_of(user.user_id, utcnow())),
            key=lambda s: str(s["id"]),
        )
        if cursor:
            found = [s for s in found if str(s["id"]) > cursor]
        page = found[:take]
        return page, (str(page[-1]["id"]) if len(found) > take else None)

    def end_all(self, user_id: str, call: ApiCall) -> None:
        user = self.users.get(user_id)
        self.sessions.delete_of(user.user_id)
        self.calls.record(call, "Delete sessions for user", 202, user.user_id)
