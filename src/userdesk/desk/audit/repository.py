"""The only code that touches the audit database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from userdesk.desk.audit.models import AuditEntry

_Row = TypeVar("_Row", bound=Any)


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    target: str | None = None
    action: str | None = None
    outcome: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    # Free text over actor, target and action.
    text: str | None = None

    def apply(self, query: Select[_Row]) -> Select[_Row]:
        if self.outcome:
            query = query.where(AuditEntry.outcome == self.outcome)
        if self.since:
            query = query.where(AuditEntry.attempted_at >= self.since)
        if self.until:
            query = query.where(AuditEntry.attempted_at < self.until)
        if self.text:
            pattern = (
                "%" + self.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            )
            query = query.where(
                or_(
                    *(
                        column.ilike(pattern, escape="\\")
                        for column in (
                            AuditEntry.actor_sub,
                            AuditEntry.actor_email,
                            AuditEntry.target,
                            AuditEntry.action,
                        )
                    )
                )
            )
        if self.actor:
            query = query.where(
                or_(AuditEntry.actor_sub == self.actor, AuditEntry.actor_email == self.actor)
            )
        if self.target:
            query = query.where(AuditEntry.target == self.target)
        if self.action:
            query = query.where(AuditEntry.action == self.action)
        return query


def is_redacted(snapshot: dict[str, Any] | None) -> bool:
    return bool(snapshot) and snapshot.get("redacted") is True  # type: ignore[union-attr]


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @staticmethod
    def insert(session: Session, entry: AuditEntry) -> int:
        """Add ``entry`` in a sync session (a write run in one thread hop); its new id."""
        session.add(entry)
        session.flush()
        return entry.id

    async def add(self, entry: AuditEntry) -> AuditEntry:
        self.session.add(entry)
        await self.session.flush()
        return entry

    async def get(self, entry_id: int) -> AuditEntry | None:
        return await self.session.get(AuditEntry, entry_id)

    async def with_snapshots_before(
        self, cutoff: datetime, after_id: int, limit: int
    ) -> Sequence[AuditEntry]:
        """Entries older than ``cutoff`` that may hold a snapshot, by id after ``after_id``.

        The JSON column keeps an absent snapshot as JSON null, which SQL does not see as NULL
        on every database: callers skip the entries whose snapshot reads as None.
        """
        rows = await self.session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.attempted_at < cutoff,
                AuditEntry.snapshot.is_not(None),
                AuditEntry.id > after_id,
            )
            .order_by(AuditEntry.id)
            .limit(limit)
        )
        return rows.all()

    async def deleted_targets(self, targets: set[str]) -> set[str]:
        """Which of ``targets`` the desk has deleted (a succeeded ``users.delete``)."""
        if not targets:
            return set()
        rows = await self.session.scalars(
            select(AuditEntry.target)
            .where(
                AuditEntry.action == "users.delete",
                AuditEntry.outcome == "succeeded",
                AuditEntry.target.in_(targets),
            )
            .distinct()
        )
        return set(rows.all())

    async def page(
        self, where: AuditFilter, offset: int, limit: int
    ) -> tuple[Sequence[AuditEntry], int]:
        query = where.apply(select(AuditEntry))
        total = await self.session.scalar(where.apply(select(func.count()).select_from(AuditEntry)))
        rows = await self.session.scalars(
            query.order_by(AuditEntry.id.desc()).offset(offset).limit(limit)
        )
        return rows.all(), int(total or 0)
