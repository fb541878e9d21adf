"""Creating or resetting an Admin from the command line.

A desk whose last admin was deleted, blocked or forgot the password has no one left who can
fix it through the desk: this is the way back in.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from userdesk.tenant import ids
from userdesk.tenant.clock import utcnow
from userdesk.tenant.management.connections.policy import generate_password
from userdesk.tenant.management.connections.service import ConnectionService
from userdesk.tenant.management.errors import PasswordTooWeak
from userdesk.tenant.management.roles.repository import RoleRepository
from userdesk.tenant.management.users.repository import FailedLoginRepository, UserRepository
from userdesk.tenant.passwords import hash_password
from userdesk.tenant.provisioning.demo_users import CONNECTION
from userdesk.tenant.store.models import User

ADMIN_ROLE = "Admin"


class AdminRoleMissing(RuntimeError):
    """The tenant has no Admin role (it was deleted through the Management API)."""


class WeakPassword(ValueError):
    """The given password fails the database connection's password policy."""


@dataclass(frozen=True)
class AdminAccount:
    user_id: str
    email: str
    created: bool
    # Set when the password was generated here, so it can be shown once.
    generated_password: str | None


def ensure_admin(session: Session, email: str, password: str | None = None) -> AdminAccount:
    """The user with ``email`` in the database connection, unblocked, with ``password``
    (generated when not given) and the Admin role; created if there is none."""
    role = RoleRepository(session).by_name(ADMIN_ROLE)
    if role is None:
        raise AdminRoleMissing(f"the tenant has no {ADMIN_ROLE} role")
    users = UserRepository(session)
    if password:
        try:
            ConnectionService(session).check_password(CONNECTION, password)
        except PasswordTooWeak as exc:
            raise WeakPassword(f"the password is too weak for {CONNECTION}'s policy") from exc
    generated = None if password else generate_password()
    secret = password or generated or ""
    now = utcnow()
    user = next((u for u in users.by_email(email) if u.connection == CONNECTION), None)
    created = user is None
    if user is None:
        user = users.add(
            User(
                user_id=f"auth0|{ids.local_user_id()}",
                connection=CONNECTION,
                provider="auth0",
                email=email,
                email_domain=email.rsplit("@", 1)[-1].lower() if "@" in email else None,
                email_verified=True,
                name=email,
                nickname=email.split("@", 1)[0],
                created_at=now,
                logins_count=0,
                app_metadata={},
                user_metadata={},
            )
        )
    user.password_hash = hash_password(secret)
    user.blocked = False
    user.updated_at = now
    user.last_password_reset = None if created else now
    session.flush()
    FailedLoginRepository(session).clear(user.user_id)
    RoleRepository(session).assign(user.user_id, [role.id])
    return AdminAccount(user.user_id, email, created, generated)
