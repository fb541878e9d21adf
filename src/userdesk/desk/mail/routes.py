"""Mail to a user through the provider: a password-change link and the verification email.

Both are writes (a link that sets a password is a credential; a mail is sent), so both are
audited like every other change staff make.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from userdesk.desk.auth import RequirePermission, Staff
from userdesk.desk.context import Actors, Audit, Directory, RequestId
from userdesk.desk.errors import UPSTREAM_ERRORS, ErrorRead
from userdesk.desk.mail.service import MailService
from userdesk.permissions import Permission

router = APIRouter(prefix="/api/users", tags=["mail"], responses=UPSTREAM_ERRORS)


def get_service(directory: Directory, audit: Audit, actors: Actors) -> MailService:
    return MailService(directory, audit, actors)


Mail = Annotated[MailService, Depends(get_service)]
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
    staff: CanSendTicket, mail: Mail, user_id: str, request_id: RequestId
) -> TicketRead:
    return TicketRead(ticket=await mail.password_change_ticket(staff, user_id, request_id))


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
    staff: CanSendVerification, mail: Mail, user_id: str, request_id: RequestId
) -> VerificationJobRead:
    return VerificationJobRead(
        job_id=await mail.send_verification_email(staff, user_id, request_id)
    )
