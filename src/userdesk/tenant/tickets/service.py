"""Issuing tickets and redeeming them: the rules behind the password and verification pages.

A ticket's secret is only in its link; the database keeps its digest. A password ticket is
single use, and issuing a new one for a user supersedes the older ones (only the newest link
works, as at Auth0). Redeeming one checks the password policy, sets the password, lifts
brute-force blocks, revokes the user's refresh tokens and ends their browser sessions, and
logs ``scp`` (``fcp`` when refused). A verification ticket marks the email verified once and
logs ``sv``. With a ``result_url`` both redirect there with Auth0's Classic query
(``success``, ``message``, ``email``, ``code``); the messages for a password change and for
an expired link are not documented by Auth0 and are ours.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from sqlalchemy.orm import Session

from userdesk.tenant.clock import utcnow
from userdesk.tenant.management.connections.policy import PasswordPolicy
from userdesk.tenant.management.logs.repository import LogRepository
from userdesk.tenant.management.refresh_tokens.repository import UserRefreshTokenRepository
from userdesk.tenant.management.sessions.repository import UserSessionRepository
from userdesk.tenant.management.users.repository import FailedLoginRepository, UserRepository
from userdesk.tenant.oidc.claims import digest, new_secret
from userdesk.tenant.oidc.repository import ConnectionRepository
from userdesk.tenant.outbox.mails import Mailer
from userdesk.tenant.passwords import hash_password
from userdesk.tenant.store.mail import Ticket
from userdesk.tenant.store.models import User
from userdesk.tenant.tickets.repository import TicketRepository

PASSWORD_CHANGE = "password_change"
EMAIL_VERIFICATION = "email_verification"
RESET_PATH = "/u/reset-password"
VERIFY_PATH = "/u/email-verification"
DEFAULT_TTL = 432_000  # five days, Auth0's default when ttl_sec is 0 or absent

PASSWORD_CHANGED = "Your password has been changed successfully."
EMAIL_VERIFIED = "Your email was verified. You can continue using the application."
ALREADY_VERIFIED = "This account is already verified."


@dataclass(frozen=True)
class TicketRequest:
    user: User
    ttl_sec: int | None = None
    result_url: str | None = None
    client_id: str | None = None
    mark_email_verified: bool = False
    include_email: bool = False


class TicketIssuer:
    """Creates tickets for ``origin`` (the tenant's public URL) and mails their links."""

    def __init__(self, session: Session, origin: str) -> None:
        self.tickets = TicketRepository(session)
        self.mailer = Mailer(session)
        self.origin = origin.rstrip("/")

    def password_change(self, request: TicketRequest) -> str:
        self.tickets.supersede_open(request.user.user_id, PASSWORD_CHANGE, utcnow())
        link = self._issue(PASSWORD_CHANGE, RESET_PATH, request)
        self.mailer.password_change(request.user, link)
        return link

    def email_verification(self, request: TicketRequest) -> str:
        link = self._issue(EMAIL_VERIFICATION, VERIFY_PATH, request)
        self.mailer.verification(request.user, link)
        return link

    def _issue(self, kind: str, path: str, request: TicketRequest) -> str:
        secret = new_secret()
        now = utcnow()
        self.tickets.add(
            Ticket(
                secret_hash=digest(secret),
                kind=kind,
                user_id=request.user.user_id,
                client_id=request.client_id,
                result_url=request.result_url,
                mark_email_verified=request.mark_email_verified,
                include_email_in_redirect=request.include_email,
                csrf_token=secrets.token_urlsafe(32),
                created_at=now,
                expires_at=now + timedelta(seconds=request.ttl_sec or DEFAULT_TTL),
            )
        )
        # New Universal Login's shape: the ticket in the query, an empty fragment.
        return f"{self.origin}{path}?{urlencode({'ticket': secret})}#"


class TicketUnusable(Exception):
    """The link cannot be used: shown as a page with no form."""

    def __init__(self, title: str, detail: str, status_code: int = 400) -> None:
        super().__init__(detail)
        self.title = title
        self.detail = detail
        self.status_code = status_code


class PasswordRefused(Exception):
    """The new password was refused; the form is shown again with ``reason``."""

    def __init__(self, reason: str, rules: list[str] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.rules = rules or []


@dataclass(frozen=True)
class Outcome:
    """Where a redeemed ticket leads: ``redirect``, else a page saying ``title``/``detail``."""

    title: str
    detail: str
    redirect: str | None = None


@dataclass(frozen=True)
class Visitor:
    ip: str
    user_agent: str | None


def _unknown() -> TicketUnusable:
    return TicketUnusable(
        "Invalid link", "This link is not valid. Ask for a new one from the application.", 404
    )


def with_query(url: str, params: dict[str, str]) -> str:
    separator = "&" if urlsplit(url).query else "?"
    return f"{url}{separator}{urlencode(params)}"


def _password_refusal(ticket: Ticket) -> TicketUnusable | None:
    if ticket.used_at is not None:
        return TicketUnusable(
            "Link already used",
            "This link has already been used to change the password. "
            "Ask for a new one if you need to change it again.",
        )
    if ticket.superseded_at is not None:
        return TicketUnusable(
            "Link replaced",
            "A newer password-change link was sent for this account; only the newest "
            "one works. Use the link from the most recent message.",
        )
    if ticket.expires_at <= utcnow():
        return TicketUnusable(
            "Link expired", "This link has expired. Ask for a new one from the application."
        )
    return None


class TicketPages:
    """Redeeming tickets from their pages."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.tickets = TicketRepository(session)
        self.users = UserRepository(session)
        self.logs = LogRepository(session)

    def find(self, secret: str, kind: str) -> tuple[Ticket, User]:
        ticket = self.tickets.get(digest(secret)) if secret else None
        if ticket is None or ticket.kind != kind:
            raise _unknown()
        user = self.users.by_user_id(ticket.user_id)
        if user is None:
            raise _unknown()
        return ticket, user

    def open_password_ticket(
        self, secret: str, attempt: Visitor | None = None
    ) -> tuple[Ticket, User]:
        """The ticket behind a password link, if it can still change the password.

        With ``attempt`` (a submitted form), a refusal is also logged as ``fcp``.
        """
        ticket, user = self.find(secret, PASSWORD_CHANGE)
        refusal = _password_refusal(ticket)
        if refusal is not None:
            if attempt is not None:
                self._log("fcp", user, ticket, attempt, refusal.title)
            raise refusal
        return ticket, user

    @staticmethod
    def check_csrf(ticket: Ticket, form_token: str, cookie_token: str | None) -> None:
        expected = ticket.csrf_token.encode()
        if not (
            cookie_token
            and hmac.compare_digest(form_token.encode(), expected)
            and hmac.compare_digest(cookie_token.encode(), expected)
        ):
            raise TicketUnusable(
                "Request refused",
                "The form could not be verified (CSRF). Open the link from your email again.",
                403,
            )

    def change_password(
        self, ticket: Ticket, user: User, password: str, confirmation: str, visitor: Visitor
    ) -> Outcome:
        try:
            if password != confirmation:
                raise PasswordRefused("The passwords do not match.")
            connection = ConnectionRepository(self.session).by_name(user.connection)
            policy = PasswordPolicy.of(connection.options if connection is not None else None)
            if not policy.accepts(password):
                raise PasswordRefused("Password is too weak.", policy.rules())
        except PasswordRefused as refused:
            self._log("fcp", user, ticket, visitor, refused.reason)
            raise
        now = utcnow()
        if not self.tickets.claim(ticket.secret_hash, now):
            raise TicketUnusable("Link already used", "This link has already been used.")
        user.password_hash = hash_password(password)
        user.last_password_reset = now
        user.updated_at = now
        if ticket.mark_email_verified:
            user.email_verified = True
        # A password change lifts brute-force blocks and ends every way back in.
        FailedLoginRepository(self.session).clear(user.user_id)
        UserRefreshTokenRepository(self.session).revoke_of(user.user_id, now)
        UserSessionRepository(self.session).delete_of(user.user_id)
        self._log("scp", user, ticket, visitor, "Success Change Password")
        outcome = Outcome("Password changed", f"{PASSWORD_CHANGED} You can now sign in with it.")
        if ticket.result_url:
            query = {"success": "true", "message": PASSWORD_CHANGED}
            if ticket.include_email_in_redirect and user.email:
                query["email"] = user.email
            outcome = Outcome(outcome.title, outcome.detail, with_query(ticket.result_url, query))
        return outcome

    def verify_email(self, secret: str, visitor: Visitor) -> Outcome:
        ticket, user = self.find(secret, EMAIL_VERIFICATION)
        # Classic's redirect always names the email (auth0/lock#581).
        email = {"email": user.email} if user.email else {}
        if ticket.used_at is not None or user.email_verified:
            query = {**email, "message": ALREADY_VERIFIED, "success": "false"}
            return self._verification_outcome(
                ticket, "Already verified", ALREADY_VERIFIED, {**query, "code": "already-verified"}
            )
        if ticket.expires_at <= utcnow():
            self._log("fv", user, ticket, visitor, "The verification link has expired")
            query = {**email, "message": "Access expired.", "success": "false"}
            return self._verification_outcome(
                ticket,
                "Link expired",
                "This verification link has expired. Ask for a new one from the application.",
                {**query, "code": "access-expired"},
            )
        if not self.tickets.claim(ticket.secret_hash, utcnow()):
            return self._verification_outcome(ticket, "Already verified", ALREADY_VERIFIED, None)
        user.email_verified = True
        user.updated_at = utcnow()
        self._log("sv", user, ticket, visitor, "Success Verification Email")
        query = {**email, "message": EMAIL_VERIFIED, "success": "true"}
        return self._verification_outcome(ticket, "Email verified", EMAIL_VERIFIED, query)

    @staticmethod
    def _verification_outcome(
        ticket: Ticket, title: str, detail: str, query: dict[str, str] | None
    ) -> Outcome:
        if ticket.result_url and query is not None:
            return Outcome(title, detail, with_query(ticket.result_url, query))
        return Outcome(title, detail)

    def _log(self, type_: str, user: User, ticket: Ticket, visitor: Visitor, text: str) -> None:
        self.logs.record(
            type_,
            description=text,
            user_id=user.user_id,
            user_name=user.email,
            connection=user.connection,
            client_id=ticket.client_id,
            ip=visitor.ip,
            user_agent=visitor.user_agent,
        )
