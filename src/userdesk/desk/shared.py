"""The desk's link to Redis (``REDIS_URL``): what replicas on several machines share.

- the Management API token (``directory/shared_token.py``), exchanged once for all of them;
- cache news (``news.py``) on one pub/sub channel, so a staff member blocked through one
  replica is refused by every replica at once, not within the cache's 30 seconds.

Nothing here sits on the path of an ordinary request: the token lives in each process's
memory until it is due for renewal, and news is only sent when something changed. While
Redis is away each process works from its own memory, ``GET /api/health`` says
``degraded`` and why, and everything resumes by itself when Redis is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from userdesk.desk.news import CacheNews
from userdesk.redis_state import SOCKET_TIMEOUT, Outage, SharedUnavailable, describe

log = logging.getLogger("userdesk.desk.shared")

T = TypeVar("T")

# Pause between attempts to listen again after the connection was lost.
RELISTEN_PAUSE = 0.5


class SharedState:
    def __init__(self, url: str, prefix: str, news: CacheNews) -> None:
        self.client: aioredis.Redis = aioredis.Redis.from_url(
            url,
            socket_timeout=SOCKET_TIMEOUT,
            socket_connect_timeout=SOCKET_TIMEOUT,
            decode_responses=True,
        )
        self.outage = Outage(describe(url))
        self.prefix = prefix
        self._news = news
        self._channel = self.key("news")
        self._pending: set[asyncio.Task[Any]] = set()
        self._listener: asyncio.Task[None] | None = None
        news.link(self._send)

    def key(self, *parts: str) -> str:
        return ":".join((self.prefix, "desk", *parts))

    async def call(self, doing: str, command: Callable[[], Awaitable[T]]) -> T:
        """Run one Redis command; ``SharedUnavailable`` when Redis is away."""
        if not self.outage.usable():
            raise SharedUnavailable(self.outage.reason)
        try:
            result = await command()
        except (RedisError, OSError) as exc:
            self.outage.failed(exc, doing)
            raise SharedUnavailable(self.outage.reason) from exc
        self.outage.succeeded()
        return result

    async def health(self) -> str | None:
        """None when Redis answers now, else the reason (no secret in it)."""
        try:
            await self.client.ping()
        except (RedisError, OSError) as exc:
            self.outage.failed(exc, "checking health")
            return self.outage.reason
        self.outage.succeeded()
        return None

    def start(self) -> None:
        self._listener = asyncio.create_task(self._listen())

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
        for task in list(self._pending):
            task.cancel()
        await self.client.aclose()

    def _send(self, topic: str, key: str) -> None:
        message = json.dumps({"topic": topic, "key": key, "origin": self._news.origin})
        task = asyncio.create_task(self._publish(message))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _publish(self, message: str) -> None:
        # Unsent, the other replicas drop everything when they hear Redis again.
        with contextlib.suppress(SharedUnavailable):
            await self.call(
                "sending cache news", lambda: self.client.publish(self._channel, message)
            )

    async def _listen(self) -> None:
        listened = False
        while True:
            pubsub = self.client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self._channel)
                self.outage.succeeded()
                if listened:
                    self._news.missed()
                listened = True
                async for message in pubsub.listen():
                    self._hear(message)
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as exc:
                self.outage.failed(exc, "listening for cache news")
            finally:
                with contextlib.suppress(RedisError, OSError):
                    await pubsub.aclose()
            # Once Redis went silent, news may be missed until the next subscription.
            listened = True
            await asyncio.sleep(RELISTEN_PAUSE)

    def _hear(self, message: dict[str, Any]) -> None:
        try:
            news = json.loads(message["data"])
            self._news.heard(str(news["topic"]), str(news["key"]), str(news["origin"]))
        except (ValueError, KeyError, TypeError):
            log.warning("ignored a malformed cache news message")
