"""A user's login sessions, and signing them out everywhere with an audit entry."""

from __future__ import annotations

from userdesk.desk.audit.service import AuditLog
from userdesk.desk.auth import Staff
from userdesk.desk.directory.actors import ActorEmails
from userdesk.desk.directory.gateway import DirectoryGateway
from userdesk.desk.directory.sessions import LoginSession


class SessionService:
    def __init__(self, directory: DirectoryGateway, audit: AuditLog, actors: ActorEmails) -> None:
        self._users = directory.users
        self._sessions = directory.sessions
        self._audit = audit
        self._actors = actors

    async def of_user(self, user_id: str) -> list[LoginSession]:
        await self._users.get(user_id)  # an unknown user is a 404, not an empty list
        return await self._sessions.of_user(user_id)

    async def sign_out_everywhere(self, staff: Staff, user_id: str, request_id: str) -> None:
        actor = await self._actors.complete(staff)
        async with self._audit.write(actor, "sessions.revoke", user_id, request_id):
            await self._users.get(user_id)
            await self._sessions.end_everywhere(user_id)
