"""Auth0's bulk user export: NDJSON (Auth0's "json") or CSV, fields chosen by name.

CSV follows Auth0's quoting (manage-users/user-migration/bulk-user-exports): a string gets
its inner ``"`` doubled, a leading ``'`` (so a spreadsheet never runs a value as a formula)
and outer quotes; numbers, true/false and ISO dates are written bare. Whole metadata objects
cannot be CSV fields, their dotted leaves can (``app_metadata.plan``).

The default fields are those of Auth0's import schema, the password as a bcrypt
``custom_password_hash``: an export in them imports back as the same users, able to sign in
with the same passwords.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, Any

from sqlalchemy.orm import Session

from userdesk.tenant.bulk.repository import BulkUserRepository
from userdesk.tenant.management.paging import iso

BATCH = 5_000
CSV_MAX_FIELDS = 30
FORMATS = ("json", "ndjson", "csv")
_DATES = frozenset(("created_at", "updated_at", "last_login", "last_password_reset"))
_WHOLE_OBJECTS = frozenset(("app_metadata", "user_metadata", "identities", "custom_password_hash"))
DEFAULT_FIELDS = (
    "user_id",
    "email",
    "email_verified",
    "username",
    "given_name",
    "family_name",
    "name",
    "nickname",
    "picture",
    "blocked",
    "app_metadata",
    "user_metadata",
    "custom_password_hash",
)
CSV_DEFAULT_FIELDS = (
    "user_id",
    "email",
    "email_verified",
    "username",
    "given_name",
    "family_name",
    "name",
    "nickname",
    "picture",
    "blocked",
    "created_at",
    "updated_at",
    "last_login",
    "logins_count",
)


class ExportFieldError(ValueError):
    pass


@dataclass(frozen=True)
class ExportField:
    name: str
    export_as: str | None = None

    @property
    def header(self) -> str:
        return self.export_as or self.name


def parse_fields(text: str | None, fmt: str) -> list[ExportField]:
    """``a,b=alias,...``: field names, each optionally renamed with ``=export_as``."""
    if not text:
        names = CSV_DEFAULT_FIELDS if fmt == "csv" else DEFAULT_FIELDS
        return [ExportField(n) for n in names]
    fields = []
    for part in text.split(","):
        name, _, alias = part.strip().partition("=")
        if name:
            fields.append(ExportField(name.strip(), alias.strip() or None))
    check_fields(fields, fmt)
    return fields


def check_fields(fields: list[ExportField], fmt: str) -> None:
    if fmt not in FORMATS:
        raise ExportFieldError(f"unknown format {fmt!r}: json, ndjson or csv")
    if not fields:
        raise ExportFieldError("no fields to export")
    if fmt == "csv":
        if len(fields) > CSV_MAX_FIELDS:
            raise ExportFieldError(f"a CSV export holds at most {CSV_MAX_FIELDS} fields")
        whole = [f.name for f in fields if f.name in _WHOLE_OBJECTS]
        if whole:
            raise ExportFieldError(
                f"CSV cannot hold whole objects ({', '.join(whole)}); export their fields, "
                "e.g. app_metadata.plan"
            )


def profile(row: dict[str, Any]) -> dict[str, Any]:
    """A stored user as the export sees it: Auth0's names and date forms."""
    user_id = row["user_id"]
    user: dict[str, Any] = {
        "user_id": user_id.split("|", 1)[1] if "|" in user_id else user_id,
        "email": row["email"],
        "email_verified": bool(row["email_verified"]),
        "username": row["username"],
        "given_name": row["given_name"],
        "family_name": row["family_name"],
        "name": row["name"],
        "nickname": row["nickname"],
        "picture": row["picture"],
        "blocked": bool(row["blocked"]),
        "created_at": iso(row["created_at"]),
        "updated_at": iso(row["updated_at"]),
        "last_login": iso(row["last_login"]),
        "last_ip": row["last_ip"],
        "logins_count": row["logins_count"],
        "last_password_reset": iso(row["last_password_reset"]),
        "app_metadata": row["app_metadata"] or {},
        "user_metadata": row["user_metadata"] or {},
        "identities": [
            {
                "connection": row["connection"],
                "provider": row["provider"],
                "user_id": user_id.split("|", 1)[-1],
                "isSocial": False,
            }
        ],
    }
    if row["password_hash"]:
        user["custom_password_hash"] = {
            "algorithm": "bcrypt",
            "hash": {"value": row["password_hash"]},
        }
    return user


def pick(user: dict[str, Any], name: str) -> Any:
    """A field by name; dotted names reach into objects (``app_metadata.plan``)."""
    if name in user:
        return user[name]
    value: Any = user
    for key in name.split("."):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def csv_value(name: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        if name in _DATES:
            return value
        return "\"'" + value.replace('"', '""') + '"'
    # A list or an object reached through a dotted name: its JSON, quoted as a string.
    return '"' + json.dumps(value, separators=(",", ":")).replace('"', '""') + '"'


class Writer:
    """Rows out in one format; ``write`` takes profiles (see ``profile``)."""

    def __init__(self, out: IO[str], fmt: str, fields: list[ExportField]) -> None:
        check_fields(fields, fmt)
        self.out = out
        self.csv = fmt == "csv"
        self.fields = fields
        if self.csv:
            header = io.StringIO()
            csv.writer(header, lineterminator="\n").writerow([f.header for f in fields])
            out.write(header.getvalue())

    def write(self, users: Iterable[dict[str, Any]]) -> None:
        lines = []
        if self.csv:
            for user in users:
                lines.append(
                    ",".join(csv_value(f.name, pick(user, f.name)) for f in self.fields) + "\n"
                )
        else:
            for user in users:
                record = {}
                for f in self.fields:
                    value = pick(user, f.name)
                    if value is not None:
                        record[f.header] = value
                lines.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        self.out.write("".join(lines))


def export_users(
    session: Session,
    out: IO[str],
    *,
    fmt: str = "json",
    fields: list[ExportField] | None = None,
    connection: str | None = None,
    batch: int = BATCH,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write every user (of ``connection``, or all) to ``out``; returns how many."""
    writer = Writer(out, fmt, fields or parse_fields(None, fmt))
    done = 0
    for rows in BulkUserRepository(session).batches(batch, connection):
        writer.write(profile(row) for row in rows)
        done += len(rows)
        if progress:
            progress(len(rows))
    return done
