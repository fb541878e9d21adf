"""The tenant's link to Redis (``REDIS_URL``): counters and cache news every replica shares.

- the sign-in and token-request limits per IP and per client (``oidc/ratelimit.py``): a
  fixed window per key, ``INCRBY`` and ``PEXPIRE`` in one script, so an address that spent
  its attempts on one replica is refused by all;
- the Management API's token bucket per client (``management/ratelimit.py``), one script
  on Redis's own clock;
- news that the clients' web origins changed (``oidc/cors.py``), on a pub/sub channel that
  a thread of each process listens to.

Brute-force protection per user and IP is not here: its counters and blocks are rows of the
tenant's database (``FailedLogin``), which the replicas share, and they outlive any window.

The client is redis-py's synchronous one: the token endpoint's grants run in worker threads,
and a loopback round trip costs less than a hop through the event loop. While Redis is away
each process counts on its own (fail-safe: attempts are still limited, per process) and
logs it once; Redis is tried again a few seconds later.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import uuid
from collections.abc import Callable
from typing import Any

import redis
from redis.exceptions import RedisError

from userdesk.redis_state import SOCKET_TIMEOUT, Outage, SharedUnavailable, describe

log = logging.getLogger("userdesk.tenant.shared")

# KEYS[1] the window; ARGV[1] how much to add (0: only read), ARGV[2] the window in ms.
# Returns the count and the milliseconds left in the window.
_WINDOW = """
local count
if tonumber(ARGV[1]) > 0 then
  count = redis.call('INCRBY', KEYS[1], ARGV[1])
else
  count = tonumber(redis.call('GET', KEYS[1]) or '0')
end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  if count > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
  left = tonumber(ARGV[2])
end
return {count, left}
"""

# KEYS[1] the bucket; ARGV[1] burst, ARGV[2] tokens per second, ARGV[3] how many tokens the
# caller would like. Returns how many it got (at most the whole tokens there are), and the
# tokens left (as text: Lua numbers lose their fraction on the way out).
_BUCKET = """
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = redis.call('TIME')
now = tonumber(now[1]) + tonumber(now[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local granted = math.min(tonumber(ARGV[3]), math.floor(tokens))
if granted < 0 then granted = 0 end
tokens = tokens - granted
local left = string.format('%.6f', tokens)
redis.call('HSET', KEYS[1], 'tokens', left, 'at', string.format('%.6f', now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
return {granted, left}
"""

RELISTEN_PAUSE = 0.5


class TenantShared:
    def __init__(self, url: str, prefix: str) -> None:
        self.client = redis.Redis.from_url(
            url,
            socket_timeout=SOCKET_TIMEOUT,
            socket_connect_timeout=SOCKET_TIMEOUT,
            decode_responses=True,
        )
        self.outage = Outage(describe(url))
        self.prefix = prefix
        self._window = self.client.register_script(_WINDOW)
        self._bucket = self.client.register_script(_BUCKET)
        self._origin = uuid.uuid4().hex
        self._handlers: dict[str, Callable[[], None]] = {}
        self._closed = threading.Event()
        self._listener: threading.Thread | None = None

    def key(self, *parts: str) -> str:
        return ":".join((self.prefix, "tenant", *parts))

    def _call(self, doing: str, command: Callable[[], Any]) -> Any:
        if not self.outage.usable():
            raise SharedUnavailable(self.outage.reason)
        try:
            result = command()
        except (RedisError, OSError) as exc:
            self.outage.failed(exc, doing)
            raise SharedUnavailable(self.outage.reason) from exc
        self.outage.succeeded()
        return result

    def window_add(self, key: str, amount: int, window: float) -> tuple[int, float]:
        """Add ``amount`` to the window at ``key``; its count and the seconds it has left."""
        name = self.key("window", key)
        count, left = self._call(
            "counting attempts",
            lambda: self._window(keys=[name], args=[amount, int(window * 1000)]),
        )
        return int(count), int(left) / 1000

    def bucket_take(
        self, key: str, burst: int, per_second: float, wanted: int = 1
    ) -> tuple[int, float]:
        """Take up to ``wanted`` tokens from the bucket at ``key``: how many were taken (0:
        refused), and the tokens left."""
        name = self.key("bucket", key)
        granted, tokens = self._call(
            "counting Management API requests",
            lambda: self._bucket(keys=[name], args=[burst, per_second, wanted]),
        )
        return int(granted), float(tokens)

    # Cache news: one handler per topic, run here at once and in the other replicas when
    # they hear it (and in every replica after a gap in listening, when news may be lost).

    def on(self, topic: str, handler: Callable[[], None]) -> None:
        self._handlers[topic] = handler
        if self._listener is None:
            self._listener = threading.Thread(
                target=self._listen, name="userdesk-tenant-news", daemon=True
            )
            self._listener.start()

    def announce(self, topic: str) -> None:
        message = json.dumps({"topic": topic, "origin": self._origin})
        # Unsent, the others drop their caches when they hear Redis again.
        with contextlib.suppress(SharedUnavailable):
            self._call("sending cache news", lambda: self.client.publish(self.key("news"), message))

    def _listen(self) -> None:
        listened = False
        while not self._closed.is_set():
            pubsub = self.client.pubsub(ignore_subscribe_messages=True)
            try:
                pubsub.subscribe(self.key("news"))
                if listened:
                    self._run_all()
                listened = True
                while not self._closed.is_set():
                    message = pubsub.get_message(timeout=1.0)
                    if message is not None:
                        self._hear(message)
            except (RedisError, OSError) as exc:
                if not self._closed.is_set():
                    self.outage.failed(exc, "listening for cache news")
            finally:
                with contextlib.suppress(RedisError, OSError):
                    pubsub.close()
            listened = True
            self._closed.wait(RELISTEN_PAUSE)

    def _hear(self, message: dict[str, Any]) -> None:
        try:
            news = json.loads(message["data"])
            topic, origin = str(news["topic"]), str(news["origin"])
        except (ValueError, KeyError, TypeError):
            log.warning("ignored a malformed cache news message")
            return
        handler = self._handlers.get(topic)
        if handler is not None and origin != self._origin:
            handler()

    def _run_all(self) -> None:
        for handler in self._handlers.values():
            handler()

    def close(self) -> None:
        self._closed.set()
        if self._listener is not None:
            self._listener.join(timeout=3)
        self.client.close()
