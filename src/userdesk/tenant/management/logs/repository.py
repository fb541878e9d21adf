"""The tenant's log events: written by every part of the tenant, read by ``/api/v2/logs``."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select, true

from userdesk.tenant import clock
from userdesk.tenant.management.query import parse
from userdesk.tenant.management.search import Kind, SearchField, SearchSchema, build
from userdesk.tenant.store.models import LogEvent
from userdesk.tenant.store.repository import Repository

# Auth0's event type codes used by the tenant, with their descriptions.
TYPES = {
    "s": "Success Login",
    "f": "Failed Login",
    "fp": "Failed Login (Incorrect Password)",
    "fu": "Failed Login (Invalid Email/Username)",
    "limit_wc": "Blocked Account",
    "seacft": "Success Exchange (Authorization Code for Access Token)",
    "feacft": "Failed Exchange (Authorization Code for Access Token)",
    "seccft": "Success Exchange (Client Credentials for Access Token)",
    "feccft": "Failed Exchange (Client Credentials for Access Token)",
    "sertft": "Success Exchange (Refresh Token for Access Token)",
    "fertft": "Failed Exchange (Refresh Token for Access Token)",
    "sepft": "Success Exchange (Password for Access Token)",
    "fepft": "Failed Exchange (Password for Access Token)",
    "slo": "Success Logout",
    "srrt": "Success Revocation",
    "sapi": "Success API Operation",
    "fapi": "Failed API Operation",
    "du": "Deleted User",
    "ss": "Success Signup",
    "scp": "Success Change Password",
    "sce": "Success Change Email",
}

LOG_SEARCH = SearchSchema(
    fields={
        "type": SearchField(Kind.TEXT, LogEvent.type),
        "user_id": SearchField(Kind.TEXT, LogEvent.user_id),
        "user_name": SearchField(Kind.TEXT, LogEvent.user_name),
        "client_id": SearchField(Kind.TEXT, LogEvent.client_id),
        "client_name": SearchField(Kind.TEXT, LogEvent.client_name),
        "connection": SearchField(Kind.TEXT, LogEvent.connection),
        "ip": SearchField(Kind.TEXT, LogEvent.ip),
        "audience": SearchField(Kind.TEXT, LogEvent.audience),
        "description": SearchField(Kind.TEXT, LogEvent.description),
        "log_id": SearchField(Kind.TEXT, LogEvent.log_id),
        "date": SearchField(Kind.DATE, LogEvent.date),
    },
    defaults=("type", "user_id", "user_name", "client_id", "description"),
)
# The one order logs can be sorted in: by date, which the insertion sequence follows.
LOG_SORT = ("date",)


def new_log_id() -> str:
    # Sortable like Auth0's numeric ids: time first, then randomness.
    return f"900{clock.epoch_ns():020d}{secrets.randbelow(10**9):09d}"


@dataclass(frozen=True)
class LogFilter:
    """Which events a read covers: a ``q`` search, one user's events, or both."""

    q: str | None = None
    user_id: str | None = None


class LogRepository(Repository[LogEvent]):
    model = LogEvent

    def record(self, type_: str, **fields: Any) -> LogEvent:
        fields.setdefault("description", TYPES.get(type_))
        fields.setdefault("details", {})
        event = LogEvent(log_id=new_log_id(), date=clock.utcnow(), type=type_, **fields)
        return self.add(event)

    def page(self, where: LogFilter, descending: bool, offset: int, limit: int) -> list[LogEvent]:
        order = LogEvent.seq.desc() if descending else LogEvent.seq.asc()
        query = select(LogEvent).where(_condition(where)).order_by(order)
        return list(self.session.scalars(query.offset(offset).limit(limit)))

    def count(self, where: LogFilter) -> int:
        query = select(func.count(LogEvent.seq)).where(_condition(where))
        return int(self.session.scalar(query) or 0)

    def after(self, where: LogFilter, log_id: str, take: int) -> list[LogEvent]:
        """Up to ``take`` events after ``log_id`` in order; none if it is unknown."""
        seq = self.session.scalar(select(LogEvent.seq).where(LogEvent.log_id == log_id))
        if seq is None:
            return []
        query = (
            select(LogEvent)
            .where(_condition(where), LogEvent.seq > seq)
            .order_by(LogEvent.seq.asc())
            .limit(take)
        )
        return list(self.session.scalars(query))

    def of_type(self, type_: str) -> list[LogEvent]:
        query = select(LogEvent).where(LogEvent.type == type_).order_by(LogEvent.seq)
        return list(self.session.scalars(query))


def _condition(where: LogFilter) -> ColumnElement[bool]:
    """The filter as SQL; ``q`` syntax errors surface as ``QuerySyntaxError``."""
    condition: ColumnElement[bool] = true()
    if where.q and where.q.strip():
        condition = build(parse(where.q), LOG_SEARCH)
    if where.user_id is not None:
        condition = condition & (LogEvent.user_id == where.user_id)
    return condition
