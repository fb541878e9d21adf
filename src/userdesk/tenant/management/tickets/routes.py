"""/api/v2/tickets: password-change and email-verification links (also mailed to the outbox)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from userdesk.tenant.context import DbSession, Tenant
from userdesk.tenant.management.audit import ApiCall, RequireWriteScope
from userdesk.tenant.management.tickets.schemas import (
    EmailVerificationTicketCreate,
    PasswordChangeTicketCreate,
    TicketRead,
)
from userdesk.tenant.management.tickets.service import TicketService

router = APIRouter(tags=["tickets"])

CreateTickets = Annotated[ApiCall, Depends(RequireWriteScope("create:user_tickets"))]


@router.post("/tickets/password-change", status_code=201)
def password_change_ticket(
    body: PasswordChangeTicketCreate, session: DbSession, tenant: Tenant, call: CreateTickets
) -> TicketRead:
    link = TicketService(session, tenant.settings.origin).password_change(body, call)
    return TicketRead(ticket=link)


@router.post("/tickets/email-verification", status_code=201)
def email_verification_ticket(
    body: EmailVerificationTicketCreate, session: DbSession, tenant: Tenant, call: CreateTickets
) -> TicketRead:
    link = TicketService(session, tenant.settings.origin).email_verification(body, call)
    return TicketRead(ticket=link)
