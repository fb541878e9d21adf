"""Checking a user's email and password, with Auth0's brute-force protection.

Ten consecutive failures for one user from one IP block that pair (``FailedLogin.blocked_at``)
until a successful password change or an admin unblock, which delete the pair's row (the
Management API does that). A success resets the counter. Used by the login form and the
password grants alike, so both count toward the same limit.

bcrypt costs some 50-100 ms of CPU, and the sign-in's transaction holds SQLite's write lock
from its first statement (``BEGIN IMMEDIATE``): compared inside it, every other write of the
tenant (a Management API delete, another sign-in) waited for the hash. ``check_password``
compares first, in a read-only session that takes no lock; ``verify_login`` then reuses that
verdict when the user's hash is still the one compared, and compares again otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from userdesk.tenant.clock import utcnow
from userdesk.tenant.management.logs.repository import LogRepository
from userdesk.tenant.management.users.repository import FailedLoginRepository, UserRepository
from userdesk.tenant.passwords import verify_password
from userdesk.tenant.store.models import FailedLogin, User

MAX_CONSECUTIVE_FAILURES = 10


class LoginRefused(Exception):
    def __init__(self, user: User | None) -> None:
        super().__init__(type(self).__name__)
        self.user = user


class WrongCredentials(LoginRefused):
    """Unknown user or wrong password: the same answer for both, as Auth0 gives."""


class BlockedUser(LoginRefused):
    """The user is blocked by an administrator."""


class TooManyAttempts(LoginRefused):
    """The user and IP pair is blocked by brute-force protection."""


@dataclass(frozen=True)
class PasswordCheck:
    """A password compared before the write transaction: whose hash, and the verdict."""

    user_id: str | None
    password_hash: str | None
    matches: bool

    def applies_to(self, user: User) -> bool:
        return self.user_id == user.user_id and self.password_hash == user.password_hash


def check_password(
    read_sessions: sessionmaker[Session], *, login: str, password: str, connection: str | None
) -> PasswordCheck:
    """Compare ``password`` with the hash of the user ``login`` names, holding no lock.

    The hash is read in a read-only transaction that ends before bcrypt runs. An unknown
    login is compared with a dummy hash, at the same cost, as ``verify_login`` does.
    """
    with read_sessions() as session, session.begin():
        user = UserRepository(session).by_login(login, connection) if login else None
        user_id, hashed = (user.user_id, user.password_hash) if user else (None, None)
    return PasswordCheck(user_id, hashed, verify_password(password, hashed))


def verify_login(
    session: Session,
    *,
    login: str,
    password: str,
    connection: str | None,
    ip: str,
    client_id: str | None = None,
    client_name: str | None = None,
    checked: PasswordCheck | None = None,
) -> User:
    """The user ``login`` names if ``password`` is theirs and nothing refuses the sign-in.

    ``checked``: what ``check_password`` found just before, trusted only for the same hash.
    """
    user = UserRepository(session).by_login(login, connection) if login else None
    if user is None:
        if checked is None:
            # Spend the same time as a real check, so timing does not reveal which emails
            # exist (``checked`` spent it already).
            verify_password(password, None)
        raise WrongCredentials(None)
    failures = FailedLoginRepository(session)
    pair = failures.for_pair(user.user_id, ip)
    if pair is not None and pair.blocked_at is not None:
        raise TooManyAttempts(user)
    if checked is not None and checked.applies_to(user):
        matches = checked.matches
    else:
        matches = verify_password(password, user.password_hash)
    if not matches:
        _count_failure(session, pair, user, ip, client_id, client_name)
        raise WrongCredentials(user)
    if pair is not None:
        failures.clear(user.user_id, ip)
    if user.blocked:
        raise BlockedUser(user)
    return user


def _count_failure(
    session: Session,
    pair: FailedLogin | None,
    user: User,
    ip: str,
    client_id: str | None,
    client_name: str | None,
) -> None:
    now = utcnow()
    if pair is None:
        pair = FailedLoginRepository(session).add(
            FailedLogin(user_id=user.user_id, ip=ip, count=0, last_attempt=now)
        )
    pair.count += 1
    pair.last_attempt = now
    if pair.count >= MAX_CONSECUTIVE_FAILURES and pair.blocked_at is None:
        pair.blocked_at = now
        LogRepository(session).record(
            "limit_wc",
            description=f"{MAX_CONSECUTIVE_FAILURES} consecutive failed logins from {ip}",
            user_id=user.user_id,
            user_name=user.email,
            ip=ip,
            connection=user.connection,
            client_id=client_id,
            client_name=client_name,
        )
