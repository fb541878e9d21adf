"""A lock file in the data directory, so processes starting together migrate one at a time."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

MIGRATION_LOCK = ".migrate.lock"


@contextmanager
def exclusive(data_dir: Path, name: str = MIGRATION_LOCK) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``data_dir/name``, waiting for other holders.

    The kernel drops the lock when its holder exits, so a crashed migration never leaves
    the next start waiting.
    """
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(data_dir / name, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
