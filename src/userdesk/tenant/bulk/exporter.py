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
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
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


def _local_id(user_id: str) -> str:
    return user_id.split("|", 1)[1] if "|" in user_id else user_id


def _password(row: dict[str, Any]) -> dict[str, Any] | None:
    hashed = row["password_hash"]
    return {"algorithm": "bcrypt", "hash": {"value": hashed}} if hashed else None


def _identities(row: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "connection": row["connection"],
            "provider": row["provider"],
            "user_id": _local_id(row["user_id"]),
            "isSocial": False,
        }
    ]


def _column(name: str) -> Callable[[dict[str, Any]], Any]:
    def read(row: dict[str, Any]) -> Any:
        return row[name]

    return read


def _date(name: str) -> Callable[[dict[str, Any]], Any]:
    def read(row: dict[str, Any]) -> Any:
        return iso(row[name])

    return read


# How each exportable name is read from a stored row, Auth0's names and date forms.
_GETTERS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "user_id": lambda r: _local_id(r["user_id"]),
    "email_verified": lambda r: bool(r["email_verified"]),
    "blocked": lambda r: bool(r["blocked"]),
    "app_metadata": lambda r: r["app_metadata"] or {},
    "user_metadata": lambda r: r["user_metadata"] or {},
    "identities": _identities,
    "custom_password_hash": _password,
    **{name: _date(name) for name in _DATES},
    **{
        name: _column(name)
        for name in (
            "email",
            "username",
            "given_name",
            "family_name",
            "name",
            "nickname",
            "picture",
            "last_ip",
            "logins_count",
        )
    },
}


def _nothing(_row: dict[str, Any]) -> Any:
    return None


def getter(name: str) -> Callable[[dict[str, Any]], Any]:
    """How to read ``name`` from a stored row; dotted names reach into objects."""
    if name in _GETTERS:
        return _GETTERS[name]
    head, _, rest = name.partition(".")
    if head not in _GETTERS or not rest:
        return _nothing
    outer, keys = _GETTERS[head], rest.split(".")

    def nested(row: dict[str, Any]) -> Any:
        value = outer(row)
        for key in keys:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return value

    return nested


def profile(row: dict[str, Any]) -> dict[str, Any]:
    """A stored user as the export sees it (every exportable name)."""
    return {name: get(row) for name, get in _GETTERS.items()}


def pick(user: dict[str, Any], name: str) -> Any:
    """A field of an exported user by name; dotted names reach into objects."""
    if name in user:
        return user[name]
    value: Any = user
    for key in name.split("."):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def csv_value(name: str, value: Any) -> str:
    # Strings first: most values are (a million users' export makes ~15 million calls).
    if type(value) is str:
        if name in _DATES:
            return value
        return "\"'" + value.replace('"', '""') + '"'
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    # A list or an object reached through a dotted name: its JSON, quoted as a string.
    return '"' + json.dumps(value, separators=(",", ":")).replace('"', '""') + '"'


class Writer:
    """Stored rows out in one format, each field read once by its getter."""

    def __init__(self, out: IO[str], fmt: str, fields: list[ExportField]) -> None:
        check_fields(fields, fmt)
        self.out = out
        self.csv = fmt == "csv"
        self.fields = fields
        self.getters = [(f.name, f.header, getter(f.name)) for f in fields]
        if self.csv:
            header = io.StringIO()
            csv.writer(header, lineterminator="\n").writerow([f.header for f in fields])
            out.write(header.getvalue())

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        lines = []
        getters = self.getters
        if self.csv:
            for row in rows:
                lines.append(",".join([csv_value(name, get(row)) for name, _h, get in getters]))
        else:
            dumps = _ENCODER.encode
            for row in rows:
                record = {}
                for _name, header, get in getters:
                    value = get(row)
                    if value is not None:
                        record[header] = value
                lines.append(dumps(record))
        lines.append("")
        self.out.write("\n".join(lines))


def export_users(
    session: Session,
    out: IO[str],
    *,
    fmt: str = "json",
    fields: list[ExportField] | None = None,
    connection: str | None = None,
    limit: int | None = None,
    batch: int = BATCH,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write every user (of ``connection``, or all; the first ``limit`` by creation order)
    to ``out``; returns how many. ``progress`` may raise to stop the export."""
    writer = Writer(out, fmt, fields or parse_fields(None, fmt))
    done = 0
    for rows in BulkUserRepository(session).batches(batch, connection):
        if limit is not None:
            rows = rows[: limit - done]
        writer.write(rows)
        done += len(rows)
        if progress:
            progress(len(rows))
        if limit is not None and done >= limit:
            break
    return done
