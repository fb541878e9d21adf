"""Mail to a user through the provider: a password-change link and the verification email.

Both are writes (a link that sets a password is a credential; a mail is sent), so both are
audited like every other change staff make.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel

from userdesk.desk.auth import RequirePermission, Staff
from userdesk.desk.context import Actors, Audit, Directory, RequestId
from userdesk.desk.errors import UPSTREAM_ERRORS, Conflict, ErrorRead
from userdesk.permissions import Permission

router = APIRouter(prefix="/api/users", tags=["mail"], responses=UPSTREAM_ERRORS)

CanSendTicket = Annotated[
    Staff, RequirePermission(Permission.UPDATE_USERS, audit_as="users.password_change_ticket")
]
CanSendVerification = Annotated[
    Staff, RequirePermission(Permission.UPDATE_USERS, audit_as="users.verification_email")
]


class TicketRead(BaseModel):
    ticket: str


class VerificationJobRead(BaseModel):
    job_id: str


@router.post(
    "/{user_id}/password-change-ticket",
    status_code=201,
    response_model=TicketRead,
    summary="A link the user opens to set a new password (to send them, or to copy)",
    responses={404: {"model": ErrorRead}},
)
async def password_change_ticket(
    staff: CanSendTicket,
    directory: Directory,
    audit: Audit,
    actors: Actors,
    user_id: str,
    request_id: RequestId,
) -> TicketRead:
    actor = await actors.complete(staff)
    async with audit.write(actor, "users.password_change_ticket", user_id, request_id):
        await directory.users.get(user_id)
        ticket = await directory.tickets.password_change(user_id)
    return TicketRead(ticket=ticket)


@router.post(
    "/{user_id}/verification-email",
    status_code=202,
    response_model=VerificationJobRead,
    summary="Send the user the email that verifies their address",
    responses={
        404: {"model": ErrorRead},
        409: {"model": ErrorRead, "description": "The email is already verified"},
    },
)
async def verification_email(
    staff: CanSendVerification,
    directory: Directory,
    audit: Audit,
    actors: Actors,
    user_id: str,
    request_id: RequestId,
) -> VerificationJobRead:
    actor = await actors.complete(staff)
    async with audit.write(actor, "users.verification_email", user_id, request_id):
        user = await directory.users.get(user_id)
        if user.email_verified:
            raise Conflict(f"{user.email or user_id} is already verified")
        job_id = await directory.tickets.send_verification_email(user_id)
    return VerificationJobRead(job_id=job_id)
