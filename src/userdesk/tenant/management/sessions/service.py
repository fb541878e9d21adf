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
from userdesk.tenant.oidc.claims import digest, session_id
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


def _position(row: LoginSession) -> str:
    """A session's place in the listing, used as the opaque ``from`` cursor.

    Two browsers signing in within the same second share a ``sid``, so the position adds a
    digest of the row's key, which tells them apart without revealing it.
    """
    return f"{session_id(row.user_id, row.auth_time)}.{digest(row.id_hash)[:16]}"


class SessionService:
    def __init__(self, session: Session) -> None:
        self.sessions = UserSessionRepository(session)
        self.users = UserService(session)
        self.calls = ApiCallLog(session)

    def of_user(
        self, user_id: str, cursor: str | None, take: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Checkpoint paging: the sessions after ``cursor``, and ``next`` if more remain."""
        user = self.users.get(user_id)
        rows = sorted(self.sessions.live_of(user.user_id, utcnow()), key=_position)
        if cursor:
            rows = [row for row in rows if _position(row) > cursor]
        page = rows[:take]
        next_cursor = _position(page[-1]) if len(rows) > take else None
        return [session_json(row) for row in page], next_cursor

    def end_all(self, user_id: str, call: ApiCall) -> None:
        user = self.users.get(user_id)
        self.sessions.delete_of(user.user_id)
        self.calls.record(call, "Delete sessions for user", 202, user.user_id)
