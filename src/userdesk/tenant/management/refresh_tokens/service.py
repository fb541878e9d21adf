"""A user's refresh tokens: listing them, and revoking them all.

Tokens rotate, so what a person thinks of as one refresh token is a family of links; the
family id is its public id, its first link says where it began, its live link where it was
last exchanged. A revoked link is refused at /oauth/token like an unknown one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from userdesk.tenant.clock import utcnow
from userdesk.tenant.management.audit import ApiCall, ApiCallLog
from userdesk.tenant.management.paging import iso
from userdesk.tenant.management.refresh_tokens.repository import UserRefreshTokenRepository
from userdesk.tenant.management.users.service import UserService
from userdesk.tenant.store.models import RefreshToken


def token_json(live: RefreshToken, first: RefreshToken) -> dict[str, Any]:
    return {
        "id": live.family_id,
        "user_id": live.user_id,
        "created_at": iso(first.created_at),
        "idle_expires_at": iso(live.expires_at),
        "expires_at": iso(live.expires_at),
        "last_exchanged_at": iso(live.created_at) if live is not first else None,
        "client_id": live.client_id,
        "session_id": live.session_id,
        "rotating": True,
        "device": {
            "initial_ip": first.ip,
            "initial_user_agent": first.user_agent,
            "last_ip": live.ip,
            "last_user_agent": live.user_agent,
        },
        "resource_servers": (
            [{"audience": live.audience, "scopes": live.scope}] if live.audience else []
        ),
    }


class RefreshTokenService:
    def __init__(self, session: Session) -> None:
        self.tokens = UserRefreshTokenRepository(session)
        self.users = UserService(session)
        self.calls = ApiCallLog(session)

    def of_user(
        self, user_id: str, cursor: str | None, take: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Checkpoint paging by token id: those after ``cursor``, and ``next`` if more."""
        user = self.users.get(user_id)
        live = self.tokens.live_of(user.user_id, utcnow(), cursor or None, take + 1)
        more = len(live) > take
        live = live[:take]
        firsts = self.tokens.first_links(t.family_id for t in live)
        found = [token_json(t, firsts.get(t.family_id, t)) for t in live]
        return found, (live[-1].family_id if more and live else None)

    def revoke_all(self, user_id: str, call: ApiCall) -> None:
        user = self.users.get(user_id)
        self.tokens.revoke_of(user.user_id, utcnow())
        self.calls.record(call, "Delete refresh tokens for user", 202, user.user_id)
