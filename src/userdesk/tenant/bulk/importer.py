"""Auth0's bulk user import, entry by entry, in transactions of a few thousand users.

The schema is Auth0's user import schema (manage-users/user-migration/bulk-user-import-schema):
``email`` required, the profile fields, both metadata documents, and a password as
``password_hash`` (bcrypt) or ``custom_password_hash``. The tenant verifies passwords with
bcrypt only (``tenant.passwords``), so a ``custom_password_hash`` of any other algorithm is
refused for that entry rather than imported as a user who can never sign in.

A bad entry is reported by its index (from 0, in file order) with a code and a reason, and
blocks nothing else. Without ``upsert`` an entry whose email, user id or username already
exists fails; with it, a match on email updates that user (metadata replaced, not merged).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from userdesk.tenant import ids
from userdesk.tenant.bulk.reader import BadLine
from userdesk.tenant.bulk.repository import BulkUserRepository
from userdesk.tenant.clock import utcnow
from userdesk.tenant.oidc.repository import ConnectionRepository
from userdesk.tenant.store.db import transaction
from userdesk.tenant.store.models import DEFAULT_CONNECTION

BATCH = 5_000
# SQLite page cache for an import's connection: most of the work is index maintenance.
CACHE_MB = 96

_BCRYPT = re.compile(r"^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_USER_ID = re.compile(r"^[^|\s]+$")
_TEXT = ("username", "given_name", "family_name", "name", "nickname", "picture")
_FLAGS = ("email_verified", "blocked", "phone_verified")
_OBJECTS = ("app_metadata", "user_metadata")
# Accepted as Auth0 accepts them, but this tenant keeps no phone numbers or MFA factors.
_IGNORED = ("phone_number", "phone_verified", "mfa_factors")
_PASSWORDS = ("password_hash", "custom_password_hash")
ALLOWED = frozenset(("email", "user_id", *_PASSWORDS, *_TEXT, *_FLAGS, *_OBJECTS, *_IGNORED))


class ConnectionMissing(ValueError):
    pass


@dataclass(frozen=True)
class EntryError:
    index: int
    code: str
    message: str
    email: str | None = None
    # The entry as the file gave it, and the property at fault ("" for the whole entry).
    entry: Any = None
    path: str = ""


@dataclass
class ImportReport:
    inserted: int = 0
    updated: int = 0
    errors: list[EntryError] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.errors)

    @property
    def total(self) -> int:
        return self.inserted + self.updated + self.failed


class _Reject(Exception):
    def __init__(self, code: str, message: str, path: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.path = path


@dataclass
class _Entry:
    index: int
    email: str
    values: dict[str, Any]
    user_id: str | None
    password_hash: str | None
    # Set when the password came as custom_password_hash: an upsert may replace it.
    custom_password: bool = False
    raw: Any = None


def import_users(
    sessions: sessionmaker[Session],
    entries: Iterable[Any],
    *,
    connection: str = DEFAULT_CONNECTION,
    upsert: bool = False,
    batch: int = BATCH,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import ``entries``, committing every ``batch``; ``progress`` gets each batch's size."""
    with transaction(sessions) as session:
        found = ConnectionRepository(session).by_name(connection)
        if found is None:
            raise ConnectionMissing(f"The connection {connection!r} does not exist.")
        provider = found.strategy or "auth0"
    report = ImportReport()
    source = enumerate(entries)
    while chunk := list(islice(source, batch)):
        with transaction(sessions) as session:
            _import_batch(session, chunk, connection, provider, upsert, report)
        if progress:
            progress(len(chunk))
    return report


def _import_batch(
    session: Session,
    chunk: list[tuple[int, Any]],
    connection: str,
    provider: str,
    upsert: bool,
    report: ImportReport,
) -> None:
    entries: list[_Entry] = []
    for index, raw in chunk:
        try:
            entries.append(_parse(index, raw, provider))
        except _Reject as exc:
            email = raw.get("email") if isinstance(raw, dict) else None
            report.errors.append(
                EntryError(
                    index,
                    exc.code,
                    exc.message,
                    email if isinstance(email, str) else None,
                    raw,
                    exc.path,
                )
            )
    users = BulkUserRepository(session)
    users.use_large_cache(CACHE_MB)
    emails = list({e.email.lower() for e in entries})
    user_ids = [e.user_id for e in entries if e.user_id]
    by_email, taken_ids = users.existing(connection, emails, user_ids)
    usernames = [e.values["username"] for e in entries if e.values.get("username")]
    taken_names = users.usernames_taken(connection, usernames)
    now = utcnow()
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    seen: set[str] = set()
    for entry in entries:
        key = entry.email.lower()
        username = entry.values.get("username")
        if key in seen:
            message = "The email appears earlier in this file."
            _fail(report, entry, "DUPLICATED_USER", message, "email")
            continue
        seen.add(key)
        if key in by_email and upsert:
            row = {"pk": by_email[key], "updated_at": now, **entry.values}
            if entry.custom_password and entry.password_hash:
                row["password_hash"] = entry.password_hash
            updates.append(row)
            continue
        if key in by_email:
            message = "The user already exists (same email)."
            _fail(report, entry, "DUPLICATED_USER", message, "email")
            continue
        if entry.user_id in taken_ids:
            message = f"The user id {entry.user_id} is taken."
            _fail(report, entry, "DUPLICATED_USER", message, "user_id")
            continue
        if username and username in taken_names:
            message = f"The username {username!r} is taken."
            _fail(report, entry, "CONFLICT_USERNAME", message, "username")
            continue
        taken_ids.add(entry.user_id or "")
        if username:
            taken_names.add(username)
        inserts.append(_new_row(entry, connection, provider, now))
    # Rows differ in which columns they set; one executemany per shape.
    for shape in _shapes(updates):
        users.update_many(shape)
    users.insert_many(inserts)
    report.inserted += len(inserts)
    report.updated += len(updates)


def _shapes(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    yield from groups.values()


def _fail(report: ImportReport, entry: _Entry, code: str, message: str, path: str) -> None:
    report.errors.append(EntryError(entry.index, code, message, entry.email, entry.raw, path))


def _new_row(entry: _Entry, connection: str, provider: str, now: Any) -> dict[str, Any]:
    values = entry.values
    email = entry.email
    return {
        "user_id": entry.user_id or f"{provider}|{ids.local_user_id()}",
        "connection": connection,
        "provider": provider,
        "email": email,
        "email_domain": email.rsplit("@", 1)[1].lower(),
        "email_verified": values.get("email_verified", False),
        "username": values.get("username"),
        "name": values.get("name") or email,
        "nickname": values.get("nickname") or email.split("@", 1)[0],
        "given_name": values.get("given_name"),
        "family_name": values.get("family_name"),
        "picture": values.get("picture"),
        "password_hash": entry.password_hash,
        "blocked": values.get("blocked", False),
        "created_at": now,
        "updated_at": now,
        "last_login": None,
        "last_ip": None,
        "logins_count": 0,
        "last_password_reset": None,
        "app_metadata": values.get("app_metadata") or {},
        "user_metadata": values.get("user_metadata") or {},
    }


def _parse(index: int, raw: Any, provider: str) -> _Entry:
    if isinstance(raw, BadLine):
        raise _Reject("FORMAT", raw.reason)
    if not isinstance(raw, dict):
        raise _Reject("INVALID_TYPE", "An entry must be a JSON object.")
    extra = sorted(set(raw) - ALLOWED)
    if extra:
        raise _Reject("OBJECT_ADDITIONAL_PROPERTIES", f"Unknown properties: {', '.join(extra)}.")
    email = raw.get("email")
    if email is None:
        raise _Reject("OBJECT_REQUIRED", "Missing required property: email.", "email")
    if not isinstance(email, str) or not _EMAIL.match(email):
        raise _Reject("FORMAT", "email is not an email address.", "email")
    values: dict[str, Any] = {}
    for name in _TEXT:
        if name in raw:
            values[name] = _text(raw[name], name)
    for name in ("email_verified", "blocked"):
        if name in raw:
            if not isinstance(raw[name], bool):
                raise _Reject("INVALID_TYPE", f"{name} must be true or false.", name)
            values[name] = raw[name]
    for name in _OBJECTS:
        if name in raw:
            if not isinstance(raw[name], dict):
                raise _Reject("INVALID_TYPE", f"{name} must be an object.", name)
            values[name] = raw[name]
    user_id = _user_id(raw.get("user_id"), provider)
    password_hash, custom = _password(raw)
    return _Entry(index, email, values, user_id, password_hash, custom, raw)


def _text(value: Any, name: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise _Reject("INVALID_TYPE", f"{name} must be a string.", name)
    return value


def _user_id(value: Any, provider: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise _Reject("INVALID_TYPE", "user_id must be a non-empty string.", "user_id")
    # Auth0's schema wants the id without its provider prefix; our own exports match it,
    # and a prefix naming this connection's provider is accepted too.
    if value.startswith(f"{provider}|"):
        value = value[len(provider) + 1 :]
    if not _USER_ID.match(value):
        raise _Reject(
            "PATTERN", "user_id must not hold '|' or spaces (give it without prefix).", "user_id"
        )
    return f"{provider}|{value}"


def _password(raw: dict[str, Any]) -> tuple[str | None, bool]:
    plain = raw.get("password_hash")
    custom = raw.get("custom_password_hash")
    if plain is not None and custom is not None:
        raise _Reject("CONFLICT", "Give password_hash or custom_password_hash, not both.")
    if plain is not None:
        if not isinstance(plain, str) or not _BCRYPT.match(plain):
            raise _Reject(
                "PATTERN", "password_hash must be a bcrypt hash ($2a$ or $2b$).", "password_hash"
            )
        return plain, False
    if custom is None:
        return None, False
    if not isinstance(custom, dict):
        raise _Reject(
            "INVALID_TYPE", "custom_password_hash must be an object.", "custom_password_hash"
        )
    algorithm = custom.get("algorithm")
    if algorithm != "bcrypt":
        raise _Reject(
            "UNSUPPORTED_ALGORITHM",
            f"custom_password_hash algorithm {algorithm!r} is not supported: this tenant "
            "verifies bcrypt hashes only; import the user without a password, or with a "
            "bcrypt hash.",
            "custom_password_hash.algorithm",
        )
    digest = custom.get("hash")
    value = digest.get("value") if isinstance(digest, dict) else None
    if not isinstance(value, str) or not _BCRYPT.match(value):
        raise _Reject(
            "PATTERN",
            "custom_password_hash.hash.value must be a bcrypt hash.",
            "custom_password_hash.hash.value",
        )
    return value, True
