"""The metadata index: the values a metadata search can match, flattened on every write.

Without it a search such as ``app_metadata.tier:platinum`` runs ``json_each`` over every
user's documents: seconds at a million users, however few match. ``flatten`` lists exactly
the (path, type, value) triples the JSON evaluation in ``management.search`` would find, so a
search reads the matching rows of ``user_metadata_values`` instead:

- the value at a path, when it is a scalar;
- each child of the value at a path, when it is an array or an object (``json_each`` yields
  an array's elements: arrays are searched ignoring the index level);
- below one array of objects, the paths inside its elements (``addresses.city``), as the
  search's split points do, and no deeper arrays than that.

Keys a query cannot name (outside ``[A-Za-z0-9_-]``) are left out, and nulls never match.

Writes keep it in step: an ORM flush reindexes the users whose metadata it wrote, bulk inserts
call ``reindex`` themselves, and deleting a user deletes its rows (``ON DELETE CASCADE``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, event, insert, inspect, select, text
from sqlalchemy.orm import Session, UOWTransaction

from userdesk.tenant.management.users import demo_sql_postgresql
from userdesk.tenant.store.models import User, UserMetadataValue

ROOTS = {"app_metadata": 0, "user_metadata": 1}
_KEY = re.compile(r"^[A-Za-z0-9_\-]+$")
_INT64 = (-(2**63), 2**63 - 1)

Row = tuple[str, Any, str]


def flatten(document: Any) -> set[Row]:
    """The (path, value, type) triples a search of ``document`` can match."""
    found: set[Row] = set()
    if isinstance(document, dict):
        _walk(document, "", False, found)
    return found


def _walk(obj: dict[str, Any], prefix: str, crossed: bool, out: set[Row]) -> None:
    for key, value in obj.items():
        if not _KEY.match(key):
            continue
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            for child in value.values():
                _emit(path, child, out)
            _walk(value, path, crossed, out)
        elif isinstance(value, list):
            for child in value:
                _emit(path, child, out)
            if not crossed:
                for child in value:
                    if isinstance(child, dict):
                        _walk(child, path, True, out)
        else:
            _emit(path, value, out)


def _emit(path: str, value: Any, out: set[Row]) -> None:
    # The types and values SQLite's json_each reports.
    if value is None:
        return
    if isinstance(value, bool):
        out.add((path, int(value), "true" if value else "false"))
    elif isinstance(value, int):
        if _INT64[0] <= value <= _INT64[1]:
            out.add((path, value, "integer"))
        else:
            out.add((path, float(value), "real"))
    elif isinstance(value, float):
        out.add((path, value, "real"))
    elif isinstance(value, str):
        out.add((path, value, "text"))
    else:
        kind = "object" if isinstance(value, dict) else "array"
        out.add((path, json.dumps(value, separators=(",", ":")), kind))


def rows_for(pk: int, app_metadata: Any, user_metadata: Any) -> list[dict[str, Any]]:
    rows = []
    for root, document in ((0, app_metadata), (1, user_metadata)):
        if isinstance(document, str):
            document = json.loads(document)
        for path, value, kind in flatten(document):
            rows.append({"root": root, "path": path, "value": value, "type": kind, "user_pk": pk})
    return rows


def reindex(session: Session, pks: Sequence[int]) -> None:
    """Rewrite the index rows of these users from their stored documents."""
    if not pks:
        return
    session.execute(delete(UserMetadataValue).where(UserMetadataValue.user_pk.in_(pks)))
    found = session.execute(
        select(User.pk, User.app_metadata, User.user_metadata).where(User.pk.in_(pks))
    )
    rows = [row for pk, app, user in found for row in rows_for(pk, app, user)]
    if rows:
        session.execute(insert(UserMetadataValue), rows)


def index_flat_documents(session: Session, after_pk: int) -> None:
    """Index users past ``after_pk`` whose documents hold only top-level scalars (the demo
    seed's), in SQL: json_each at the top level gives exactly what ``flatten`` would."""
    if session.get_bind().dialect.name == "postgresql":
        for name, root in ROOTS.items():
            sql = demo_sql_postgresql.FLAT_INDEX_SQL.format(root=root, column=name)
            session.execute(text(sql), {"after": after_pk})
        return
    for name, root in ROOTS.items():
        session.execute(
            text(
                # Names and the root code come from ROOTS; the only value is bound.
                "INSERT OR IGNORE INTO user_metadata_values (root, path, value, type, user_pk) "  # noqa: S608
                f"SELECT {root}, e.key, e.value, e.type, u.pk FROM users AS u, "
                f"json_each(u.{name}) AS e WHERE u.pk > :after "
                "AND e.type NOT IN ('object', 'array', 'null') "
                "AND e.key NOT GLOB '*[^A-Za-z0-9_-]*'"
            ),
            {"after": after_pk},
        )


def reindex_after(session: Session, after_pk: int, batch: int = 5_000) -> None:
    """Index every user past ``after_pk`` (bulk inserts that bypass the ORM's flush)."""
    while True:
        pks = list(
            session.scalars(
                select(User.pk).where(User.pk > after_pk).order_by(User.pk).limit(batch)
            )
        )
        if not pks:
            return
        reindex(session, pks)
        after_pk = pks[-1]


def _written(users: Iterable[Any]) -> list[int]:
    pks = []
    for user in users:
        if not isinstance(user, User):
            continue
        state = inspect(user)
        if user.pk is None or state.deleted or state.was_deleted:
            continue
        if any(state.attrs[name].history.has_changes() for name in ROOTS):
            pks.append(user.pk)
    return pks


@event.listens_for(Session, "after_flush")
def _reindex_flushed(session: Session, _flush: UOWTransaction) -> None:
    pks = _written(list(session.new) + list(session.dirty))
    if pks:
        reindex(session, pks)
