"""Files that hold secrets or personal data are readable by their owner only (mode 0600).

The tenant's store keeps the signing key and password hashes, the audit log names people,
``tenant.json`` hands out client secrets. Each is created 0600 whatever the umask and whatever
the mode of its folder, and a start that finds one opened up to group or others says so in the
log and closes it again.

SQLite creates its ``-wal``, ``-shm`` and ``-journal`` files with the mode of the database
file, so the database file is created 0600 here, before SQLite first opens it.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from sqlalchemy.engine import make_url

log = logging.getLogger("userdesk.files")

PRIVATE = 0o600
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


@contextmanager
def private_umask() -> Iterator[None]:
    """Files created inside are closed to group and others, whatever umask the process has."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def secure(path: Path) -> None:
    """Close ``path`` to group and others if it exists, with a warning when it was open."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if mode & 0o077:
        log.warning("%s was readable by others (mode %04o); setting it to 0600", path, mode)
        path.chmod(PRIVATE)


def secure_all(paths: Iterable[Path]) -> None:
    for path in paths:
        secure(path)


def open_private(path: Path, mode: str = "w") -> IO[Any]:
    """Open ``path`` for writing (truncated) as the owner's alone: 0600 whatever the umask,
    and whatever mode an existing file had (O_TRUNC would keep it)."""
    with private_umask():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    os.fchmod(fd, PRIVATE)
    encoding = None if "b" in mode else "utf-8"
    return open(fd, mode, encoding=encoding)


def replace_private(path: Path, data: str) -> None:
    """Write ``data`` to ``path`` atomically (a temporary file, then a rename), mode 0600."""
    partial = path.with_name(path.name + ".partial")
    with open_private(partial) as out:
        out.write(data)
    os.replace(partial, path)


def create_private(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with private_umask():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
        except FileExistsError:
            return
    os.close(fd)
    path.chmod(PRIVATE)


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL; None for other databases and in-memory ones."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def sqlite_files(database: Path) -> list[Path]:
    return [database, *(database.with_name(database.name + s) for s in SQLITE_COMPANIONS)]


def prepare_sqlite(url: str) -> Path | None:
    """Before the first connection: fix the modes of existing files, create a missing one 0600."""
    database = sqlite_file(url)
    if database is None:
        return None
    secure_all(sqlite_files(database))
    create_private(database)
    return database


def tighten_sqlite(database: Path) -> None:
    """After SQLite opened the database: its companion files are 0600 too (no warning)."""
    for path in sqlite_files(database):
        try:
            if stat.S_IMODE(path.stat().st_mode) != PRIVATE:
                path.chmod(PRIVATE)
        except FileNotFoundError:
            continue
