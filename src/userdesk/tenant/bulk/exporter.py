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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import IO, Any

from sqlalchemy.orm import Session

from userdesk.tenant.bulk.repository import BulkUserRepository
from userdesk.tenant.management.paging import iso

BATCH = 10_000
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


def _date(stored: Any) -> str | None:
    """Auth0's date form of a stored moment. SQLite's rows give the stored text
    (``YYYY-MM-DD HH:MM:SS.ffffff``), cut into shape without building a datetime; other
    text is parsed, PostgreSQL's datetimes formatted."""
    if type(stored) is str:
        if len(stored) == 26 and stored[10] == " ":
            return stored[:10] + "T" + stored[11:23] + "Z"
        return iso(datetime.fromisoformat(stored))
    return iso(stored)


# The stored columns each exportable name is read from.
_SOURCES: dict[str, tuple[str, ...]] = {
    "user_id": ("user_id",),
    "identities": ("connection", "provider", "user_id"),
    "custom_password_hash": ("password_hash",),
    **{
        name: (name,)
        for name in (
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
            "last_ip",
            "logins_count",
            *_DATES,
        )
    },
}
_STRINGS = frozenset(
    ("email", "username", "given_name", "family_name", "name", "nickname", "picture", "last_ip")
)
_FLAGS = frozenset(("email_verified", "blocked"))

Row = Sequence[Any]
Read = Callable[[Row], Any]


def columns_for(names: Iterable[str]) -> tuple[str, ...]:
    """The stored columns an export of ``names`` reads, each once."""
    needed: dict[str, None] = {}
    for name in names:
        needed.update(dict.fromkeys(_SOURCES.get(name.partition(".")[0], ())))
    return tuple(needed)


def _getter(head: str, at: dict[str, int]) -> Read:
    """How a whole exportable name is read from a row whose columns sit at ``at``."""
    if head == "user_id":
        i = at["user_id"]
        return lambda r: _local_id(r[i])
    if head in _FLAGS:
        i = at[head]
        return lambda r: bool(r[i])
    if head in ("app_metadata", "user_metadata"):
        i = at[head]
        return lambda r: r[i] or {}
    if head == "identities":
        c, p, u = at["connection"], at["provider"], at["user_id"]
        return lambda r: [
            {"connection": r[c], "provider": r[p], "user_id": _local_id(r[u]), "isSocial": False}
        ]
    if head == "custom_password_hash":
        i = at["password_hash"]
        return lambda r: {"algorithm": "bcrypt", "hash": {"value": r[i]}} if r[i] else None
    if head in _DATES:
        i = at[head]
        return lambda r: None if r[i] is None else _date(r[i])
    return itemgetter(at[head])


def _nothing(_row: Row) -> Any:
    return None


def getter(name: str, at: dict[str, int]) -> Read:
    """How to read ``name`` from a row whose columns sit at ``at``; dotted names reach into
    objects."""
    if name in _SOURCES:
        return _getter(name, at)
    head, _, rest = name.partition(".")
    if head not in _SOURCES or not rest:
        return _nothing
    outer, keys = _getter(head, at), rest.split(".")

    def nested(row: Row) -> Any:
        value = outer(row)
        for key in keys:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return value

    return nested


def _quoted(text: str) -> str:
    return "\"'" + text.replace('"', '""') + '"'


def csv_value(name: str, value: Any) -> str:
    if type(value) is str:
        if name in _DATES:
            return value
        return _quoted(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    # A list or an object reached through a dotted name: its JSON, quoted as a string.
    return '"' + json.dumps(value, separators=(",", ":")).replace('"', '""') + '"'


def _cell(name: str, at: dict[str, int]) -> Read:
    """A field's CSV cell from a row: the common columns by their own short path (a million
    users' CSV export makes 14 million of these calls), the rest through ``csv_value``."""
    if name in _STRINGS:
        i = at[name]

        def string(r: Row) -> str:
            v = r[i]
            return _quoted(v) if type(v) is str else csv_value(name, v)

        return string
    if name == "user_id":
        i = at[name]
        return lambda r: _quoted(_local_id(r[i]))
    if name in _FLAGS:
        i = at[name]
        return lambda r: "true" if r[i] else "false"
    if name in _DATES:
        i = at[name]
        return lambda r: "" if r[i] is None else _date(r[i]) or ""
    if name == "logins_count":
        i = at[name]
        return lambda r: str(r[i]) if type(r[i]) is int else csv_value(name, r[i])
    read = getter(name, at)
    return lambda r: csv_value(name, read(r))


class Writer:
    """Stored rows out in one format, each field read once from its columns.

    A row holds the user's ``pk`` then ``self.columns`` in that order, as
    ``BulkUserRepository.batches`` reads them; ``write_dicts`` takes rows keyed by column."""

    def __init__(self, out: IO[str], fmt: str, fields: list[ExportField]) -> None:
        check_fields(fields, fmt)
        self.out = out
        self.csv = fmt == "csv"
        self.fields = fields
        self.columns = columns_for(f.name for f in fields)
        at = {column: i + 1 for i, column in enumerate(self.columns)}
        self.cells = [_cell(f.name, at) for f in fields]
        self.getters = [(f.header, getter(f.name, at)) for f in fields]
        if self.csv:
            header = io.StringIO()
            csv.writer(header, lineterminator="\n").writerow([f.header for f in fields])
            out.write(header.getvalue())

    def write(self, rows: Iterable[Row]) -> None:
        if self.csv:
            cells = self.cells
            lines = [",".join([cell(row) for cell in cells]) for row in rows]
        else:
            dumps = _ENCODER.encode
            getters = self.getters
            lines = []
            for row in rows:
                record = {}
                for header, get in getters:
                    value = get(row)
                    if value is not None:
                        record[header] = value
                lines.append(dumps(record))
        lines.append("")
        self.out.write("\n".join(lines))

    def write_dicts(self, rows: Iterable[dict[str, Any]]) -> None:
        self.write([(row.get("pk"), *(row.get(c) for c in self.columns)) for row in rows])


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
    for rows in BulkUserRepository(session).batches(writer.columns, batch, connection):
        if limit is not None:
            rows = rows[: limit - done]
        writer.write(rows)
        done += len(rows)
        if progress:
            progress(len(rows))
        if limit is not None and done >= limit:
            break
    return done
