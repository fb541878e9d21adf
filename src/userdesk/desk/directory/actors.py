"""Staff emails for the audit log.

Auth0 access tokens carry the staff member's ``sub`` but not their email unless a rule or action
adds a namespaced claim, so the desk looks the email up once per staff member and keeps it.
"""

from __future__ import annotations

import time
from dataclasses import replace

from userdesk.desk.auth import Staff
from userdesk.desk.directory.gateway import DirectoryGateway
from userdesk.desk.directory.users import UserNotFound
from userdesk.desk.errors import DeskError

TTL_SECONDS = 600.0
MAX_ENTRIES = 1000


class ActorEmails:
    def __init__(self, directory: DirectoryGateway) -> None:
        self._directory = directory
        self._known: dict[str, tuple[float, str | None]] = {}

    async def complete(self, staff: Staff) -> Staff:
        """``staff`` with its email filled in when the token lacked it."""
        if staff.email is not None:
            return staff
        now = time.monotonic()
        known = self._known.get(staff.sub)
        if known is not None and now - known[0] < TTL_SECONDS:
            return replace(staff, email=known[1])
        try:
            email = (await self._directory.users.get(staff.sub)).email
        except UserNotFound:
            email = None  # a machine client (sub "...@clients") is no user: remember that too
        except DeskError:
            # The write itself will meet the same trouble and say so; the audit entry must
            # not wait for, or fail on, a cosmetic lookup.
            return staff
        if len(self._known) >= MAX_ENTRIES:
            self._known.clear()
        self._known[staff.sub] = (now, email)
        return replace(staff, email=email)
