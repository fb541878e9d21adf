"""Browser sessions at the tenant: the cookie holds a secret, the database only its hash."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from userdesk.tenant.clock import utcnow
from userdesk.tenant.management.logs.repository import LogRepository
from userdesk.tenant.management.users.repository import UserRepository
from userdesk.tenant.oidc import claims
from userdesk.tenant.oidc.repository import LoginSessionRepository
from userdesk.tenant.store.models import LoginSession, User

COOKIE = "userdesk_session"
CSRF_COOKIE = "userdesk_csrf"
LIFETIME = timedelta(days=7)


def current(session: Session, cookie: str | None) -> tuple[User, datetime] | None:
    """The signed-in user and their auth_time, if the cookie names a live session."""
    if not cookie:
        return None
    row = LoginSessionRepository(session).get(claims.digest(cookie))
    if row is None or row.expires_at <= utcnow():
        return None
    user = UserRepository(session).by_user_id(row.user_id)
    if user is None or user.blocked:
        return None
    return user, row.auth_time


def start(
    session: Session, user: User, ip: str, user_agent: str | None, client_id: str | None = None
) -> tuple[str, datetime]:
    """Sign ``user`` in: a new session and the login counters. Returns the cookie."""
    secret = claims.new_secret()
    # Whole seconds: auth_time is published in seconds and the sid is derived from it.
    now = utcnow().replace(microsecond=0)
    LoginSessionRepository(session).add(
        LoginSession(
            id_hash=claims.digest(secret),
            user_id=user.user_id,
            auth_time=now,
            created_at=now,
            expires_at=now + LIFETIME,
            initial_ip=ip,
            initial_user_agent=user_agent,
            last_ip=ip,
            last_user_agent=user_agent,
            last_interacted_at=now,
            clients=[client_id] if client_id else [],
        )
    )
    user.logins_count = (user.logins_count or 0) + 1
    user.last_login = now
    user.last_ip = ip
    return secret, now


def touch(
    session: Session, cookie: str | None, client_id: str, ip: str, user_agent: str | None
) -> None:
    """A live session signed in to ``client_id`` without a form: remember when and from where."""
    row = LoginSessionRepository(session).get(claims.digest(cookie)) if cookie else None
    if row is None:
        return
    row.last_ip = ip
    row.last_user_agent = user_agent
    row.last_interacted_at = utcnow().replace(microsecond=0)
    if client_id not in (row.clients or []):
        row.clients = [*(row.clients or []), client_id]


def end(session: Session, cookie: str | None) -> User | None:
    """Sign out: delete the session the cookie names; the user it belonged to, if any."""
    if not cookie:
        return None
    repo = LoginSessionRepository(session)
    row = repo.get(claims.digest(cookie))
    if row is None:
        return None
    user = UserRepository(session).by_user_id(row.user_id)
    repo.delete(row)
    return user


def log_login(
    session: Session,
    type_: str,
    *,
    user: User | None,
    login: str,
    ip: str,
    user_agent: str | None,
    client_id: str,
    client_name: str,
    description: str | None = None,
) -> None:
    fields = {
        "ip": ip,
        "user_agent": user_agent,
        "client_id": client_id,
        "client_name": client_name,
        "user_id": user.user_id if user else None,
        "user_name": user.email if user else login,
        "connection": user.connection if user else None,
    }
    if description:
        fields["description"] = description
    LogRepository(session).record(type_, **fields)
