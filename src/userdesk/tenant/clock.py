"""The tenant's one clock: every timestamp, expiry and rate window reads it.

Stored times are naive UTC datetimes (SQLite keeps no zone); token claims use epoch seconds.
``pinned()`` stops the clock at a chosen instant, so a test can cross an expiry without
sleeping and every part of the tenant agrees on what "now" is.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

_pinned: datetime | None = None


def utcnow() -> datetime:
    """Now, as the naive UTC datetime the store keeps."""
    if _pinned is not None:
        return _pinned
    return datetime.now(UTC).replace(tzinfo=None)


def aware_now() -> datetime:
    """Now, zone-aware (for certificates)."""
    return utcnow().replace(tzinfo=UTC)


def epoch() -> float:
    """Seconds since the epoch, for JWT claims and rate windows."""
    if _pinned is not None:
        return _pinned.replace(tzinfo=UTC).timestamp()
    return time.time()


def epoch_ns() -> int:
    if _pinned is not None:
        return int(epoch() * 1_000_000_000)
    return time.time_ns()


def monotonic() -> float:
    """A clock for measuring intervals; follows the pinned time when pinned."""
    if _pinned is not None:
        return epoch()
    return time.monotonic()


@contextmanager
def pinned(at: datetime) -> Iterator[None]:
    """Stop the clock at ``at`` (naive UTC or aware) until the block ends."""
    global _pinned
    previous = _pinned
    _pinned = at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo else at
    try:
        yield
    finally:
        _pinned = previous


def advance(seconds: float) -> None:
    """Move a pinned clock forward."""
    global _pinned
    if _pinned is None:
        raise RuntimeError("the clock is not pinned")
    _pinned += timedelta(seconds=seconds)
