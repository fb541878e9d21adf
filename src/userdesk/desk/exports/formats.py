"""Export rows in Auth0's bulk-export formats: CSV with its quoting, or NDJSON.

CSV as Auth0 writes it (manage-users/user-migration/bulk-user-exports): a string gets its
inner ``"`` doubled, a leading ``'`` (a spreadsheet never runs it as a formula) and outer
quotes; numbers, true/false and ISO dates stay bare. Whole metadata objects cannot be CSV
columns; their fields can (``app_metadata.plan``).
"""

from __future__ import annotations

import csv
import io
import json
from typing import IO, Any

CSV_MAX_FIELDS = 30
CSV_DEFAULT_FIELDS = (
    "user_id",
    "email",
    "email_verified",
    "name",
    "nickname",
    "given_name",
    "family_name",
    "created_at",
    "updated_at",
    "last_login",
    "logins_count",
    "blocked",
)
_DATES = frozenset(("created_at", "updated_at", "last_login", "last_password_reset"))
_WHOLE_OBJECTS = frozenset(("app_metadata", "user_metadata", "identities"))


class FieldsRefused(ValueError):
    pass


def check_fields(fmt: str, fields: list[str] | None) -> list[str] | None:
    """The fields to write (None: the whole user, NDJSON only); refuses what CSV cannot hold."""
    chosen = [f.strip() for f in fields or [] if f.strip()]
    if fmt != "csv":
        return chosen or None
    chosen = chosen or list(CSV_DEFAULT_FIELDS)
    if len(chosen) > CSV_MAX_FIELDS:
        raise FieldsRefused(f"A CSV export holds at most {CSV_MAX_FIELDS} fields")
    whole = [f for f in chosen if f in _WHOLE_OBJECTS]
    if whole:
        raise FieldsRefused(
            f"CSV cannot hold whole objects ({', '.join(whole)}); name their fields, "
            "e.g. app_metadata.plan"
        )
    return chosen


def pick(user: dict[str, Any], name: str) -> Any:
    if name in user:
        return user[name]
    value: Any = user
    for key in name.split("."):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def csv_cell(name: str, value: Any) -> str:
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
    return '"' + json.dumps(value, separators=(",", ":")).replace('"', '""') + '"'


class RowWriter:
    def __init__(self, out: IO[str], fmt: str, fields: list[str] | None) -> None:
        self.out = out
        self.csv = fmt == "csv"
        self.fields = fields
        if self.csv and fields:
            header = io.StringIO()
            csv.writer(header, lineterminator="\n").writerow(fields)
            out.write(header.getvalue())

    def write(self, users: list[dict[str, Any]]) -> None:
        if self.csv and self.fields:
            names = self.fields
            lines = [",".join(csv_cell(n, pick(u, n)) for n in names) for u in users]
        elif self.fields:
            lines = [
                json.dumps({n: pick(u, n) for n in self.fields}, ensure_ascii=False) for u in users
            ]
        else:
            lines = [json.dumps(u, ensure_ascii=False) for u in users]
        self.out.write("".join(line + "\n" for line in lines))
