"""Whether a signed-in staff member's account still exists and is not blocked.

An access token outlives the account it was issued to: a staff member deleted or blocked in the
directory would keep their access until the token expires. Every staff request is checked
against the directory, through a short cache so a page of requests costs one lookup.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from userdesk.desk.directory.gateway import DirectoryGateway
from userdesk.desk.directory.users import UserNotFound
from userdesk.desk.errors import DeskError, InvalidToken
from userdesk.desk.news import EVERYTHING, CacheNews

log = logging.getLogger("userdesk.desk.staff")

# How stale an answer may be: a removed staff member is refused within this long.
TTL_SECONDS = 30.0
MAX_ENTRIES = 10_000
# The cache news topic of the accounts checked (news.py).
ACCOUNTS_NEWS = "staff-accounts"


class StaffAccounts:
    def __init__(
        self,
        directory: DirectoryGateway,
        clock: Callable[[], float] = time.monotonic,
        news: CacheNews | None = None,
    ) -> None:
        self._users = directory.users
        self._clock = clock
        self._news = news
        if news is not None:
            news.on(ACCOUNTS_NEWS, self._drop)
        # sub -> (checked at, refusal or None when the account is fine)
        self._checked: dict[str, tuple[float, str | None]] = {}

    async def ensure_active(self, sub: str) -> None:
        """Raise ``InvalidToken`` if the account behind ``sub`` is gone or blocked."""
        if sub.endswith("@clients"):
            return  # a machine client has no account to remove; its grant is its access
        now = self._clock()
        known = self._checked.get(sub)
        if known is None or now - known[0] >= TTL_SECONDS:
            try:
                refusal = await self._refusal(sub)
            except DeskError as exc:
                # The directory cannot answer. The token itself verified, and every write
                # needs the same directory, so it will fail (and be audited) on its own; the
                # desk's own data (the audit log) stays readable through an outage. The last
                # known answer is kept; with none, the account is taken as it was issued.
                log.warning("cannot confirm staff account %s: %s", sub, exc.message)
                refusal = known[1] if known is not None else None
            else:
                if len(self._checked) >= MAX_ENTRIES:
                    self._checked.clear()
                self._checked[sub] = (now, refusal)
        else:
            refusal = known[1]
        if refusal is not None:
            raise InvalidToken(refusal)

    async def _refusal(self, sub: str) -> str | None:
        try:
            user = await self._users.get(sub)
        except UserNotFound:
            return "The staff account this token was issued to no longer exists"
        if user.blocked:
            return "The staff account this token was issued to is blocked"
        return None

    def forget(self, sub: str) -> None:
        """Drop what is known of ``sub`` (after the desk itself changed that account).

        With cache news every replica drops it: a staff member blocked or deleted through
        one replica is refused by all of them from the next request on."""
        if self._news is None:
            self._drop(sub)
        else:
            self._news.announce(ACCOUNTS_NEWS, sub)

    def _drop(self, sub: str) -> None:
        if sub == EVERYTHING:
            self._checked.clear()
        else:
            self._checked.pop(sub, None)
