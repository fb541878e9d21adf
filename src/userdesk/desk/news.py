"""News that a cache is stale, told to this process and, with Redis, to every replica.

A cache subscribes to a topic with a handler that drops one key, or everything for the key
``EVERYTHING``. ``announce`` runs the local handler at once and hands the news to the
link (Redis pub/sub) for the other replicas; news heard from the link runs the handler
alone. After a gap in listening (Redis was away) every cache is dropped, since news may
have been missed.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

log = logging.getLogger("userdesk.desk.news")

EVERYTHING = "*"

Handler = Callable[[str], None]
Sender = Callable[[str, str], None]


class CacheNews:
    def __init__(self) -> None:
        # Tells this process's own news apart from the others' on the shared channel.
        self.origin = uuid.uuid4().hex
        self._handlers: dict[str, list[Handler]] = {}
        self._send: Sender | None = None

    def on(self, topic: str, handler: Handler) -> None:
        self._handlers.setdefault(topic, []).append(handler)

    def link(self, send: Sender) -> None:
        """Pass announcements on with ``send(topic, key)`` (without waiting for it)."""
        self._send = send

    def announce(self, topic: str, key: str = EVERYTHING) -> None:
        self._run(topic, key)
        if self._send is not None:
            self._send(topic, key)

    def heard(self, topic: str, key: str, origin: str) -> None:
        """News from the link; this process's own comes back too and is skipped."""
        if origin != self.origin:
            self._run(topic, key)

    def missed(self) -> None:
        """Listening resumed after a gap: whatever was announced meanwhile is unknown."""
        for topic in self._handlers:
            self._run(topic, EVERYTHING)

    def _run(self, topic: str, key: str) -> None:
        for handler in self._handlers.get(topic, ()):
            try:
                handler(key)
            except Exception:  # one broken cache must not keep the news from the others
                log.exception("cache news %s failed", topic)
