"""Password-change links and verification emails, each audited as the write it is."""

from __future__ import annotations

from userdesk.desk.audit.service import AuditLog
from userdesk.desk.auth import Staff
from userdesk.desk.directory.actors import ActorEmails
from userdesk.desk.directory.gateway import DirectoryGateway
from userdesk.desk.errors import Conflict


class MailService:
    def __init__(self, directory: DirectoryGateway, audit: AuditLog, actors: ActorEmails) -> None:
        self._users = directory.users
        self._tickets = directory.tickets
        self._audit = audit
        self._actors = actors

    async def password_change_ticket(self, staff: Staff, user_id: str, request_id: str) -> str:
        """A link that sets the user's password: a credential, so the audit records only that
        one was made, never the link itself."""
        actor = await self._actors.complete(staff)
        async with self._audit.write(actor, "users.password_change_ticket", user_id, request_id):
            await self._users.get(user_id)
            return await self._tickets.password_change(user_id)

    async def send_verification_email(self, staff: Staff, user_id: str, request_id: str) -> str:
        actor = await self._actors.complete(staff)
        async with self._audit.write(actor, "users.verification_email", user_id, request_id):
            user = await self._users.get(user_id)
            if user.email_verified:
                raise Conflict(f"{user.email or user_id} is already verified")
            return await self._tickets.send_verification_email(user_id)
