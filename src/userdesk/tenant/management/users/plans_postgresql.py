"""How the user search reads a page on PostgreSQL where its planner would choose worse.

The repository's walk (``UserRepository._walk``) reads a window of users in sort order and
filters it. Written as a join of the window's pks back to ``users``, SQLite follows it as
written; PostgreSQL's planner may instead read every user the filter matches (a bitmap scan
of, say, one user in ten of a million) and hash-join the window: 400 ms where the walk takes
70. Here the window carries whole rows and the filter applies to it, so there is no join to
reorder: a LIMIT in a subquery is a fence PostgreSQL's planner does not move.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.sql.util import ClauseAdapter

from userdesk.tenant.store.models import User


def walk_query(
    read: list[Any], condition: Any, order: list[Any], budget: int, start: int, limit: int
) -> Select[Any]:
    """The page ``[start, start + limit)`` of the matches among the first ``budget`` users
    in ``order``, reading ``read``."""
    window = select(User).order_by(*order).limit(budget).subquery("window")
    adapter = ClauseAdapter(window)

    def adapt(element: Any) -> Any:
        # ORM attributes (User.pk) stand for their column only once asked for it.
        clause = getattr(element, "__clause_element__", None)
        return adapter.traverse(clause() if clause is not None else element)

    return (
        select(*(adapt(column) for column in read))
        .select_from(window)
        .where(adapt(condition))
        .order_by(*(adapt(key) for key in order))
        .offset(start)
        .limit(limit)
    )
