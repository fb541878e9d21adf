"""Every match of a search, each exactly once, through searches that stay under the cap.

Auth0 returns at most the first 1000 matches of a search, however it is paged. The only
tool it offers past that is the query itself, so the search is cut by creation time:
``q AND created_at:["a" TO "b"}``, half-open slices that tile the whole span between the
first and the last match. A slice is read in one request of ``PER_PAGE`` users: when its
total says it holds more, it is cut down (by the ratio the total gives) and asked again.
One request per slice also means no offset paging inside a slice, so a user deleted while
the export runs can never shift another out of a page.

Users created after the export starts lie past the last slice and are not exported; a user
deleted during the export is exported if its slice was read before the deletion. A slice
that still holds more than a page at one millisecond's width cannot be cut further: the
export fails with a message saying so.

A 429 the client's own retries could not absorb waits ``Retry-After`` and asks again, up to
``patience`` seconds of waiting in a row: a rate limit slows the export and loses nothing.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TypeVar

from userdesk.desk.directory.users import DirectoryUser, UserPage, UsersApi
from userdesk.desk.errors import DeskError, UpstreamRateLimited

PER_PAGE = 100
# Aim below a full page so that the next slice, sized from this one, rarely overflows.
TARGET = 70
MILLISECOND = 1
T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]


class SliceTooDense(DeskError):
    status_code = 409
    code = "export_failed"


def _ms(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def _iso(ms: int) -> str:
    moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class Patience:
    """Waits out rate limits; gives up after ``limit`` seconds of waiting in a row."""

    def __init__(self, limit: float, sleep: Sleep = asyncio.sleep) -> None:
        self.limit = limit
        self.sleep = sleep
        self.waited = 0.0
        self.requests = 0

    async def call(self, make: Callable[[], Awaitable[T]]) -> T:
        streak = 0.0
        while True:
            try:
                self.requests += 1
                return await make()
            except UpstreamRateLimited as exc:
                if streak + exc.retry_after > self.limit:
                    raise
                started = time.monotonic()
                await self.sleep(exc.retry_after)
                waited = max(exc.retry_after, time.monotonic() - started)
                streak += waited
                self.waited += waited


async def matching_users(
    users: UsersApi, q: str | None, patience: Patience
) -> AsyncIterator[list[DirectoryUser]]:
    """Batches of the users matching ``q``, oldest first, each user exactly once."""
    extent = await patience.call(lambda: users.created_extent(q))
    patience.requests += 1  # the extent is two searches: the first and the last match
    if extent is None:
        return
    low, end = _ms(extent[0]), _ms(extent[1]) + MILLISECOND
    width = end - low
    while low < end:
        high = min(end, low + width)
        ask = partial(users.created_between, q, _iso(low), _iso(high), PER_PAGE)
        page: UserPage = await patience.call(ask)
        if page.total > len(page.users) or page.total_is_capped:
            if high - low <= MILLISECOND:
                raise SliceTooDense(
                    f"More than {PER_PAGE} matches were created at {_iso(low)}, within one "
                    "millisecond: the Management API gives no way to tell them apart"
                )
            # The total tells how much too wide the slice was (past the cap it is a floor).
            shrink = TARGET / max(page.total, PER_PAGE + 1)
            width = max(MILLISECOND, min(high - low - 1, int((high - low) * shrink)))
            continue
        if page.users:
            yield page.users
        low = high
        # The next slice at the density this one had, so that most slices fit at once.
        width = max(MILLISECOND, int(width * TARGET / max(len(page.users), TARGET // 4)))
