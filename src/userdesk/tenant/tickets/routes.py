"""The pages a ticket's link opens: change the password, verify the email.

Served under the login page's headers (CSP, no framing, no caching). The password form
carries a CSRF token bound to its ticket and repeated in a cookie, as the login form does.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Header, Request
from fastapi.responses import RedirectResponse, Response

from userdesk.tenant.context import DbSession, Tenant
from userdesk.tenant.oidc import pages
from userdesk.tenant.oidc.deps import ClientIp, SignInAttempt
from userdesk.tenant.store.mail import Ticket
from userdesk.tenant.store.models import User
from userdesk.tenant.tickets.service import (
    RESET_PATH,
    VERIFY_PATH,
    Outcome,
    PasswordRefused,
    TicketPages,
    TicketUnusable,
    Visitor,
)

router = APIRouter(tags=["tickets"], include_in_schema=False)

CSRF_COOKIE = "ud_ticket_csrf"


def csrf_cookie_name(ticket: Ticket) -> str:
    """One cookie per ticket (named by its digest), so two open forms do not clash."""
    return f"{CSRF_COOKIE}_{ticket.secret_hash[:16]}"


def _unusable(request: Request, exc: TicketUnusable) -> Response:
    return pages.error_page(request, exc.title, exc.detail, exc.status_code)


def _form(
    request: Request,
    ticket: Ticket,
    user: User,
    secret: str,
    refused: PasswordRefused | None = None,
) -> Response:
    context = {
        "action": RESET_PATH,
        "ticket": secret,
        "csrf_token": ticket.csrf_token,
        "email": user.email,
        "error": refused.reason if refused else None,
        "rules": refused.rules if refused else [],
    }
    return pages.render(request, "reset_password.html", context, 400 if refused else 200)


def _done(request: Request, outcome: Outcome) -> Response:
    if outcome.redirect:
        return RedirectResponse(
            outcome.redirect, status_code=302, headers={"Cache-Control": "no-store"}
        )
    return pages.message_page(request, outcome.title, outcome.detail)


@router.get(RESET_PATH)
def password_form(request: Request, db: DbSession, tenant: Tenant, ticket: str = "") -> Response:
    try:
        row, user = TicketPages(db).open_password_ticket(ticket)
    except TicketUnusable as exc:
        return _unusable(request, exc)
    response = _form(request, row, user, ticket)
    response.set_cookie(
        csrf_cookie_name(row),
        row.csrf_token,
        path=RESET_PATH,
        httponly=True,
        samesite="lax",
        secure=tenant.settings.origin.startswith("https://"),
    )
    return response


@router.post(RESET_PATH, dependencies=[SignInAttempt])
def change_password(
    request: Request,
    db: DbSession,
    ip: ClientIp,
    ticket: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    password_confirmation: Annotated[str, Form()] = "",
    user_agent: Annotated[str | None, Header()] = None,
) -> Response:
    redeem = TicketPages(db)
    visitor = Visitor(ip, user_agent)
    try:
        row, user = redeem.open_password_ticket(ticket, attempt=visitor)
        redeem.check_csrf(row, csrf_token, request.cookies.get(csrf_cookie_name(row)))
        outcome = redeem.change_password(row, user, password, password_confirmation, visitor)
    except TicketUnusable as exc:
        return _unusable(request, exc)
    except PasswordRefused as refused:
        return _form(request, row, user, ticket, refused)
    response = _done(request, outcome)
    response.delete_cookie(csrf_cookie_name(row), path=RESET_PATH)
    return response


@router.get(VERIFY_PATH)
def verify_email(
    request: Request,
    db: DbSession,
    ip: ClientIp,
    ticket: str = "",
    user_agent: Annotated[str | None, Header()] = None,
) -> Response:
    try:
        outcome = TicketPages(db).verify_email(ticket, Visitor(ip, user_agent))
    except TicketUnusable as exc:
        return _unusable(request, exc)
    return _done(request, outcome)
