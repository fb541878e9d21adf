"""The login form's service: transactions waiting for credentials, and signing in.

The form's CSRF token is bound to its AuthorizeTransaction and repeated in a cookie set when
the page was served, so a form posted from another site (login CSRF) is refused.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from userdesk.tenant.clock import utcnow
from userdesk.tenant.oidc import credentials, sessions
from userdesk.tenant.oidc.authorize import AuthorizeRequest, PageError
from userdesk.tenant.oidc.repository import ClientRepository, TransactionRepository
from userdesk.tenant.store.models import AuthorizeTransaction, Client, User

TRANSACTION_LIFETIME = timedelta(minutes=30)

WRONG_CREDENTIALS = "Wrong email or password."
USER_BLOCKED = "user is blocked"
TOO_MANY_ATTEMPTS = (
    "Your account has been blocked after multiple consecutive login attempts. "
    "An administrator can unblock it, or it unblocks when your password is changed."
)


class LoginFormError(Exception):
    """Shown on the login page; the form can be submitted again."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UserIsBlocked(Exception):
    """An administrator blocked the user: the sign-in ends, and the application is told
    ``unauthorized`` / "user is blocked" through the redirect, as Auth0 does."""


def csrf_cookie_name(transaction_id: str) -> str:
    return f"{sessions.CSRF_COOKIE}_{transaction_id}"


def begin(session: Session, authorize: AuthorizeRequest) -> AuthorizeTransaction:
    repo = TransactionRepository(session)
    now = utcnow()
    repo.purge_expired(now)
    return repo.add(
        AuthorizeTransaction(
            id=secrets.token_urlsafe(18),
            params=authorize.to_params(),
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + TRANSACTION_LIFETIME,
        )
    )


def load(session: Session, transaction_id: str) -> tuple[AuthorizeTransaction, AuthorizeRequest]:
    row = TransactionRepository(session).get(transaction_id) if transaction_id else None
    if row is None or row.expires_at <= utcnow():
        raise PageError(
            "Sign-in expired",
            "This sign-in page has expired. Go back to the application and sign in again.",
        )
    return row, AuthorizeRequest.from_params(row.params)


def client_for(session: Session, authorize: AuthorizeRequest) -> Client:
    client = ClientRepository(session).get(authorize.client_id)
    if client is None:
        raise PageError("Unknown application", "The application no longer exists.")
    return client


def check_csrf(row: AuthorizeTransaction, form_token: str, cookie_token: str | None) -> None:
    expected = row.csrf_token.encode()
    if not (
        cookie_token
        and hmac.compare_digest(form_token.encode(), expected)
        and hmac.compare_digest(cookie_token.encode(), expected)
    ):
        raise PageError(
            "Sign-in refused",
            "The form could not be verified (CSRF). Go back to the application and try again.",
        )


def check_password_first(
    read_sessions: sessionmaker[Session],
    *,
    transaction_id: str,
    csrf_token: str,
    cookie_token: str | None,
    email: str,
    password: str,
) -> credentials.PasswordCheck | None:
    """The password compared before the sign-in's write transaction (see credentials.py).

    Only for a genuine form (its sign-in transaction alive, the CSRF tokens matching), so a
    forged post cannot make the tenant spend bcrypt's time; the transaction itself refuses
    any other form as before.
    """
    if not email.strip() or not password:
        return None
    with read_sessions() as session, session.begin():
        try:
            row, _ = load(session, transaction_id)
            check_csrf(row, csrf_token, cookie_token)
        except PageError:
            return None
    return credentials.check_password(
        read_sessions, login=email.strip(), password=password, connection=None
    )


def sign_in(
    session: Session,
    *,
    row: AuthorizeTransaction,
    client: Client,
    email: str,
    password: str,
    ip: str,
    user_agent: str | None,
    previous_cookie: str | None = None,
    checked: credentials.PasswordCheck | None = None,
) -> tuple[User, str, datetime]:
    """Check the credentials; on success, the user, the new session cookie and auth_time.

    ``checked``: ``check_password_first``'s verdict, if the route asked for one.
    """
    log: dict[str, Any] = {
        "login": email,
        "ip": ip,
        "user_agent": user_agent,
        "client_id": client.client_id,
        "client_name": client.name,
    }
    try:
        user = credentials.verify_login(
            session,
            login=email.strip(),
            password=password,
            connection=None,
            ip=ip,
            client_id=client.client_id,
            client_name=client.name,
            checked=checked,
        )
    except credentials.WrongCredentials as exc:
        type_ = "fp" if exc.user else "f"
        sessions.log_login(session, type_, user=exc.user, description=WRONG_CREDENTIALS, **log)
        raise LoginFormError(WRONG_CREDENTIALS) from exc
    except credentials.BlockedUser as exc:
        sessions.log_login(session, "f", user=exc.user, description=USER_BLOCKED, **log)
        TransactionRepository(session).delete(row)
        raise UserIsBlocked() from exc
    except credentials.TooManyAttempts as exc:
        sessions.log_login(session, "f", user=exc.user, description=TOO_MANY_ATTEMPTS, **log)
        raise LoginFormError(TOO_MANY_ATTEMPTS) from exc
    # A new sign-in replaces the browser's previous session rather than orphaning it.
    sessions.end(session, previous_cookie)
    cookie, auth_time = sessions.start(session, user, ip, user_agent, client.client_id)
    sessions.log_login(session, "s", user=user, **log)
    TransactionRepository(session).delete(row)
    return user, cookie, auth_time
