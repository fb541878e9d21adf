"""The rules of /api/v2/tickets: whose ticket, refusals in Auth0's words, the ``sapi`` log."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from userdesk.tenant.management.audit import ApiCall, ApiCallLog
from userdesk.tenant.management.errors import BadRequest, NotFound
from userdesk.tenant.management.tickets.schemas import (
    EmailVerificationTicketCreate,
    PasswordChangeTicketCreate,
)
from userdesk.tenant.management.users.repository import UserRepository
from userdesk.tenant.oidc.repository import ConnectionRepository
from userdesk.tenant.store.models import User
from userdesk.tenant.tickets.service import TicketIssuer, TicketRequest


class TicketUserNotFound(NotFound):
    error_code = "inexistent_user"

    def __init__(self) -> None:
        super().__init__("User not found.")


def check_result_url(url: str | None) -> str | None:
    """Only http(s) URLs: the page redirects there after the ticket is used."""
    if url is None:
        return None
    try:
        parts = urlsplit(url)
        usable = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        usable = False
    if not usable:
        raise BadRequest(
            "Payload validation error: 'Object didn't pass validation for format "
            f"absolute-uri: {url}' on property result_url."
        )
    return url


class TicketService:
    def __init__(self, session: Session, origin: str) -> None:
        self.users = UserRepository(session)
        self.connections = ConnectionRepository(session)
        self.issuer = TicketIssuer(session, origin)
        self.calls = ApiCallLog(session)

    def password_change(self, data: PasswordChangeTicketCreate, call: ApiCall) -> str:
        result_url = check_result_url(data.result_url)
        user = self._user_for(data)
        link = self.issuer.password_change(
            TicketRequest(
                user=user,
                ttl_sec=data.ttl_sec,
                result_url=result_url,
                client_id=data.client_id,
                mark_email_verified=data.mark_email_as_verified,
                include_email=data.includeEmailInRedirect,
            )
        )
        self.calls.record(call, "Create a password change ticket", 201, user.user_id)
        return link

    def email_verification(self, data: EmailVerificationTicketCreate, call: ApiCall) -> str:
        result_url = check_result_url(data.result_url)
        user = self._with_email(self.users.by_user_id(data.user_id))
        link = self.issuer.email_verification(
            TicketRequest(
                user=user,
                ttl_sec=data.ttl_sec,
                result_url=result_url,
                client_id=data.client_id,
                include_email=data.includeEmailInRedirect,
            )
        )
        self.calls.record(call, "Create an email verification ticket", 201, user.user_id)
        return link

    def welcome(self, user: User, verify_email: bool | None) -> None:
        """The verification mail Auth0 sends a user created with ``verify_email: true``."""
        if verify_email and user.email:
            self.issuer.email_verification(TicketRequest(user=user))

    def _user_for(self, data: PasswordChangeTicketCreate) -> User:
        if data.user_id:
            return self._with_email(self.users.by_user_id(data.user_id))
        if not data.email or not data.connection_id:
            raise BadRequest(
                "Payload validation error: 'Missing required property: user_id' "
                "(or email and connection_id)."
            )
        connection = self.connections.get(data.connection_id)
        if connection is None:
            raise BadRequest(
                f"The connection with id {data.connection_id} does not exist.",
                error_code="inexistent_connection",
            )
        found = [u for u in self.users.by_email(data.email) if u.connection == connection.name]
        return self._with_email(found[0] if found else None)

    @staticmethod
    def _with_email(user: User | None) -> User:
        if user is None:
            raise TicketUserNotFound()
        if not user.email:
            raise BadRequest("The user does not have an email address.")
        return user
